//! The officers' notices (issue 15): new files at their desk, messages on their files and
//! overdue items reach an officer as one daily digest by default (once per office and day, from
//! 07:00 office time), or at once when they chose so on `/petugas/pemberitahuan`.

use crate::desks::{officer, staff_office, submitted_drsp, work_step};
use crate::dual_test;
use crate::support::TestApp;
use chrono::Duration;
use chrono::Utc;
use izinkes_app::demo;
use izinkes_app::notifications::digest::send_digests;
use izinkes_domain::workflow::WorkflowDefinition;

const FO: &str = "frontoffice.jembrana@kantor.example.id";

async fn officer_id(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar("SELECT id FROM officers WHERE email = $1")
        .bind(email)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// Sets the officer of `email` to immediate notices (tests that expect an officer's e-mail
/// straight away).
pub(crate) async fn immediate(app: &TestApp, email: &str) {
    let id = officer_id(app, email).await;
    izinkes_app::notifications::service::save_officer_choice(&app.state, &id, true)
        .await
        .unwrap();
}

async fn count(app: &TestApp, sql: &'static str, bind: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// Outbox e-mails to `email` other than digests.
async fn direct_mails(app: &TestApp, email: &str) -> i64 {
    count(
        app,
        "SELECT COUNT(*) FROM outbox WHERE recipient = $1 AND kind <> 'digest'",
        email,
    )
    .await
}

async fn digest_mails(app: &TestApp, email: &str) -> i64 {
    count(
        app,
        "SELECT COUNT(*) FROM outbox WHERE recipient = $1 AND kind = 'digest'",
        email,
    )
    .await
}

async fn pending_items(app: &TestApp, email: &str) -> i64 {
    let id = officer_id(app, email).await;
    count(
        app,
        "SELECT COUNT(*) FROM officer_digest_items WHERE officer_id = $1 AND sent_at IS NULL",
        &id,
    )
    .await
}

/// 08:00 WIB (09:00 WITA, 10:00 WIT) `days` days from now: past the digest hour everywhere, on
/// a later office-local date than the clock running beside the test can have reached.
fn morning_in(days: i64) -> chrono::DateTime<Utc> {
    (Utc::now() + Duration::days(days))
        .date_naive()
        .and_hms_opt(1, 0, 0)
        .unwrap()
        .and_utc()
}

dual_test!(
    a_digest_officer_gets_one_mail_a_day_listing_the_items,
    |app: TestApp| async move {
        staff_office(&app, "jembrana", "cilegon").await;
        let applicant = crate::bad_input::quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        // The new file at the front office and the applicant's message wait for the digest.
        let id = submitted_drsp(&app, &applicant).await;
        let r = applicant
            .upload(
                &format!("/permohonan/{id}/pesan"),
                "lampiran",
                "str-lama.pdf",
                demo::samples::pdf("str"),
                &[("pesan", "Apakah STR lama saya masih dapat dipakai?")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(direct_mails(&app, FO).await, 0, "no immediate mail to a digest officer");
        assert_eq!(pending_items(&app, FO).await, 2);

        // Before 07:00 office time nothing goes (06:00 WITA in Jembrana).
        let early = morning_in(2) - Duration::hours(3);
        send_digests(&app.state, early).await.unwrap();
        assert_eq!(digest_mails(&app, FO).await, 0);

        // The morning's digest: one e-mail listing both.
        let morning = morning_in(2);
        send_digests(&app.state, morning).await.unwrap();
        assert_eq!(digest_mails(&app, FO).await, 1);
        assert_eq!(pending_items(&app, FO).await, 0);
        let mail = app.smtp.wait_for(FO, "Ringkasan").await;
        let text = crate::support::mail_text(&mail.data);
        assert!(text.contains("2 pemberitahuan"), "{text}");
        assert!(text.contains("Berkas baru di meja Anda"), "{text}");
        assert!(text.contains("Pesan pemohon pada berkas"), "{text}");
        assert!(text.contains(&format!("/petugas/berkas/{id}")), "{text}");
        assert_eq!(direct_mails(&app, FO).await, 0);

        // Never twice a day: a later run the same day sends nothing, and what arrives after the
        // digest waits for the next day's.
        assert_eq!(send_digests(&app.state, morning + Duration::hours(3)).await.unwrap(), 0);
        let r = applicant
            .upload(
                &format!("/permohonan/{id}/pesan"),
                "lampiran",
                "str-baru.pdf",
                demo::samples::pdf("str"),
                &[("pesan", "Satu pertanyaan lagi.")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(send_digests(&app.state, morning + Duration::hours(4)).await.unwrap(), 0);
        assert_eq!(digest_mails(&app, FO).await, 1);
        assert_eq!(pending_items(&app, FO).await, 1);
        assert_eq!(send_digests(&app.state, morning_in(3)).await.unwrap(), 1);
        assert_eq!(digest_mails(&app, FO).await, 2);
        assert_eq!(pending_items(&app, FO).await, 0);
        assert_eq!(send_digests(&app.state, morning_in(3)).await.unwrap(), 0);
    }
);

dual_test!(
    an_officer_who_chose_immediate_notices_gets_the_mail_at_once,
    |app: TestApp| async move {
        staff_office(&app, "jembrana", "cilegon").await;
        let fo = officer(&app, "jembrana", "front_office").await;
        let page = fo.get("/petugas/pemberitahuan").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Ringkasan harian (bawaan)"));
        assert!(
            page.body.contains(r#"value="ringkasan" checked"#),
            "the digest is the default"
        );
        let r = fo
            .post_without_csrf("/petugas/pemberitahuan", &[("cara", "segera")])
            .await;
        assert_ne!(r.status, 303, "the form needs its CSRF token");
        let r = fo.post("/petugas/pemberitahuan", &[("cara", "segera")]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = fo.get("/petugas/pemberitahuan?info=disimpan").await;
        assert!(page.body.contains("Pilihan pemberitahuan disimpan."));
        assert!(page.body.contains(r#"value="segera" checked"#), "{}", page.body);

        let applicant = crate::bad_input::quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let id = submitted_drsp(&app, &applicant).await;
        let mail = app.smtp.wait_for(FO, "Berkas baru di meja Anda").await;
        assert!(crate::support::mail_text(&mail.data).contains(&format!("/petugas/berkas/{id}")));
        assert_eq!(pending_items(&app, FO).await, 0, "nothing waits for a digest");
        send_digests(&app.state, morning_in(2)).await.unwrap();
        assert_eq!(digest_mails(&app, FO).await, 0);

        // Back to the digest.
        let r = fo.post("/petugas/pemberitahuan", &[("cara", "ringkasan")]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = fo.get("/petugas/pemberitahuan").await;
        assert!(page.body.contains(r#"value="ringkasan" checked"#));
    }
);

dual_test!(
    a_file_forwarded_to_a_desk_notifies_that_desks_officers,
    |app: TestApp| async move {
        staff_office(&app, "jembrana", "cilegon").await;
        let def = WorkflowDefinition::preset("cilegon").unwrap();
        let next = &def.steps[1];
        let next_email = format!("{}.jembrana@kantor.example.id", next.role.replace('_', ""));
        immediate(&app, &next_email).await;
        let applicant = crate::bad_input::quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let id = submitted_drsp(&app, &applicant).await;
        // Submission put it at the front office's desk (a digest item there).
        assert_eq!(pending_items(&app, FO).await, 1);
        assert_eq!(direct_mails(&app, &next_email).await, 0);
        work_step(&app, "jembrana", &id, &def.steps[0]).await;
        let mail = app.smtp.wait_for(&next_email, "Berkas baru di meja Anda").await;
        let text = crate::support::mail_text(&mail.data);
        assert!(text.contains(&format!("/petugas/berkas/{id}")), "{text}");
        assert!(text.contains(&next.key), "{text}");
        // The front office, whose desk it left, is not told again.
        assert_eq!(pending_items(&app, FO).await, 1);
    }
);
