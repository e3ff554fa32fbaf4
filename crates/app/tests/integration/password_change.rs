//! Changing one's own password (issue 18): the current password first, the rules of NIST
//! 800-63B, the form never echoes a password, other sessions end, a mail is sent; applicants
//! and officers alike.

use crate::bad_input::{PASSWORD, quick_applicant};
use crate::dual_test;
use crate::permits::{login_officer, staff};
use crate::support::{Browser, TestApp};

const NEW: &str = "Kebun-Kopi-Di-Negara-2027";
/// The officers' password in `permits::staff`.
const OFFICER: &str = "petugas-kantor-2026";

async fn post(b: &Browser, url: &str, current: &str, password: &str, confirm: &str) -> crate::support::Response {
    b.post(
        url,
        &[
            ("current", current),
            ("password", password),
            ("password_confirm", confirm),
        ],
    )
    .await
}

dual_test!(
    an_applicant_changes_the_password_and_other_sessions_end,
    |app: TestApp| async move {
        let b = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let other = app.browser();
        let r = other
            .post("/masuk", &[("email", "putu@example.com"), ("password", PASSWORD)])
            .await;
        assert_eq!(r.status, 303);
        assert!(b.get("/akun/profil").await.body.contains("/akun/sandi"));
        assert_eq!(b.get("/akun/sandi").await.status, 200);

        // Each mistake is named next to its field; no password comes back in the page.
        let r = post(&b, "/akun/sandi", "salah-sekali-123", NEW, NEW).await;
        assert_eq!(r.status, 422);
        assert!(r.field_error("current").contains("salah"), "{}", r.body);
        assert!(!r.body.contains(NEW) && !r.body.contains("salah-sekali-123"));
        let r = post(&b, "/akun/sandi", PASSWORD, "pendek", "pendek").await;
        assert_eq!(r.status, 422);
        assert!(!r.field_error("password").is_empty());
        let r = post(&b, "/akun/sandi", PASSWORD, PASSWORD, PASSWORD).await;
        assert!(r.field_error("password").contains("berbeda"), "{}", r.body);
        let r = post(&b, "/akun/sandi", PASSWORD, "putu@example.com", "putu@example.com").await;
        assert_eq!(r.status, 422, "the address is not a password");
        let r = post(&b, "/akun/sandi", PASSWORD, NEW, "Kebun-Kopi-Lain-2027").await;
        assert!(r.field_error("password_confirm").contains("tidak sama"));

        let r = post(&b, "/akun/sandi", PASSWORD, NEW, NEW).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(
            b.get(r.location.as_deref().unwrap())
                .await
                .body
                .contains("Kata sandi baru disimpan")
        );
        assert_eq!(b.get("/akun/profil").await.status, 200, "this session stays");
        assert_eq!(other.get("/akun/profil").await.status, 303, "the other one ended");
        let mail = app
            .smtp
            .wait_for("putu@example.com", "Kata sandi izinkes Anda diubah")
            .await;
        assert!(crate::support::mail_text(&mail.data).contains("/lupa-sandi"));

        let fresh = app.browser();
        let r = fresh
            .post("/masuk", &[("email", "putu@example.com"), ("password", PASSWORD)])
            .await;
        assert_ne!(r.status, 303, "the old password no longer works");
        let r = fresh
            .post("/masuk", &[("email", "putu@example.com"), ("password", NEW)])
            .await;
        assert_eq!(r.status, 303);

        // Guessing the current password is throttled.
        for _ in 0..5 {
            post(
                &b,
                "/akun/sandi",
                "tebakan-salah-99",
                "Sandi-Baru-Lagi-2028",
                "Sandi-Baru-Lagi-2028",
            )
            .await;
        }
        let r = post(&b, "/akun/sandi", NEW, "Sandi-Baru-Lagi-2028", "Sandi-Baru-Lagi-2028").await;
        assert_eq!(r.status, 429, "{}", r.body);
        assert!(r.field_error("current").contains("Terlalu banyak"));
    }
);

dual_test!(
    an_officer_changes_the_password_and_other_sessions_end,
    |app: TestApp| async move {
        staff(&app, "jembrana").await;
        let fo = login_officer(&app, "jembrana", "front_office", None).await;
        let other = login_officer(&app, "jembrana", "front_office", None).await;
        assert!(fo.get("/petugas/keamanan").await.body.contains("/petugas/sandi"));
        let r = post(&fo, "/petugas/sandi", "bukan-sandinya-1", NEW, NEW).await;
        assert_eq!(r.status, 422);
        assert!(r.field_error("current").contains("salah"));
        let r = post(&fo, "/petugas/sandi", OFFICER, NEW, NEW).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(fo.get("/petugas").await.status, 200);
        assert_eq!(other.get("/petugas").await.status, 303, "the other session ended");
        let mail = app
            .smtp
            .wait_for(
                "frontoffice.jembrana@kantor.example.id",
                "Kata sandi izinkes Anda diubah",
            )
            .await;
        assert!(crate::support::mail_text(&mail.data).contains("admin kantor"));
        let b = app.browser();
        let r = b
            .post(
                "/petugas/masuk",
                &[("email", "frontoffice.jembrana@kantor.example.id"), ("password", NEW)],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
);
