//! Retribusi (issue 16): a type whose office standard has a fee gets an SKRD when the file is
//! through the desks; the permit waits for payment; the cashier confirms it by hand, or the
//! payment gateway's signed callback does (idempotent); the permit then says it was paid.

use crate::bad_input::quick_applicant;
use crate::permits::{PASSWORD, kadis_officer, ready_to_sign, staff, tool};
use crate::support::{Backend, Browser, TestApp};
use izinkes_app::office_admin::staff::Actor;
use izinkes_app::platform::config::Secret;
use izinkes_domain::roles::Role;
use izinkes_domain::standard::ServiceStandard;

const SECRET: &str = "rahasia-kanal-pembayaran-2026";

async fn with_callbacks(backend: Backend) -> TestApp {
    TestApp::spawn_configured(backend, false, |c| c.payment_secret = Some(Secret(SECRET.into()))).await
}

/// Both databases, with the payment callback configured.
macro_rules! retribution_test {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                ($body)(with_callbacks(Backend::Sqlite).await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                ($body)(with_callbacks(Backend::Postgres).await).await;
            }
        }
    };
}

/// Jembrana charges Rp 150.000 for SIP-DRSP under its Perda.
async fn charge(app: &TestApp) {
    let (_, catalog) = app.state.current_catalog().await.unwrap();
    let mut s = ServiceStandard::from_catalog(catalog.get("SIP-DRSP").unwrap());
    s.fee_rupiah = 150_000;
    // The SKB's ceiling for a SIP.
    s.sla_working_days = 5;
    s.fee_legal_basis = "Perda Kabupaten Jembrana Nomor 3 Tahun 2024 tentang Retribusi Daerah".into();
    izinkes_app::office_admin::standards::publish(&app.state, "jembrana", Actor::Cli, "SIP-DRSP", s)
        .await
        .unwrap();
}

/// A file through the desks with its SKRD: (application id, permit id, SKRD number).
async fn charged_file(app: &TestApp) -> (Browser, String, String, String) {
    staff(app, "jembrana").await;
    charge(app).await;
    let applicant = quick_applicant(app, "5104010903970021", "bayar@example.com").await;
    let id = ready_to_sign(app, &applicant).await;
    let (permit, number): (String, String) = sqlx::query_as(
        "SELECT p.id, r.number FROM permits p JOIN retributions r ON r.application_id = p.application_id \
         WHERE p.application_id = $1",
    )
    .bind(&id)
    .fetch_one(&app.state.db.pool)
    .await
    .expect("an SKRD with the permit number");
    (applicant, id, permit, number)
}

async fn callback(app: &TestApp, body: &serde_json::Value, signature: Option<String>) -> (u16, serde_json::Value) {
    let bytes = body.to_string();
    let sig = signature.unwrap_or_else(|| izinkes_app::platform::signatures::signature(SECRET, bytes.as_bytes()));
    let r = app
        .api()
        .post(app.url("/api/hooks/payment"))
        .header("content-type", "application/json")
        .header("x-izinkes-signature", sig)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

retribution_test!(
    a_signed_callback_pays_the_skrd_once_and_the_permit_says_so,
    |app: TestApp| async move {
        let (applicant, id, permit, number) = charged_file(&app).await;
        assert!(number.starts_with("SKRD/JBR/"), "{number}");
        // The applicant is told what to pay by when, on the page and by mail.
        let page = applicant.get(&format!("/permohonan/{id}")).await;
        assert!(
            page.body.contains("Bayar retribusi Rp 150.000 sebelum"),
            "{}",
            page.body
        );
        assert!(page.body.contains(&number));
        app.smtp.wait_for("bayar@example.com", "Retribusi").await;
        // …and over the API; someone else's file has none to show.
        let api = crate::api::Api::new(&app);
        let token = crate::api::login(&api, "bayar@example.com").await;
        let r = api
            .with_token(&token)
            .get(&format!("/api/v1/applications/{id}/retribution"))
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(
            (r.str("number"), r.body["amount"].as_u64(), r.str("status")),
            (number.as_str(), Some(150_000), "unpaid")
        );
        let (_, other) = crate::api::quick_applicant(&app.state, "5104010903970029", "lain2@example.com").await;
        let none = crate::api::Api::new(&app)
            .with_token(&other)
            .get("/api/v1/applications")
            .await;
        assert_eq!(none.status, 200);
        let r = api
            .with_token(&other)
            .get(&format!("/api/v1/applications/{id}/retribution"))
            .await;
        assert_eq!(r.status, 404, "{r:?}");
        // The Kepala Dinas cannot sign before it is paid.
        let kadis = kadis_officer(&app, "jembrana").await;
        let err = izinkes_app::permits::signing::sign_one(&app.state, &kadis, &permit)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("belum dibayar"), "{err}");

        let paid = serde_json::json!({
            "skrd_number": number, "amount": 150000, "reference": "NTPD-2026-000123",
            "paid_at": "2026-12-07T10:15:00+08:00", "channel": "qris",
        });
        // Wrong signature, unknown SKRD, wrong amount: refused, nothing recorded.
        assert_eq!(callback(&app, &paid, Some("sha256=00".into())).await.0, 401);
        let unknown = serde_json::json!({"skrd_number": "SKRD/JBR/2026/999999", "amount": 150000,
        "reference": "X-1", "paid_at": "2026-12-07T10:15:00+08:00"});
        assert_eq!(callback(&app, &unknown, None).await.0, 404);
        let short = serde_json::json!({"skrd_number": number, "amount": 100000,
        "reference": "NTPD-2026-000122", "paid_at": "2026-12-07T10:15:00+08:00"});
        let (status, body) = callback(&app, &short, None).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(callback(&app, &serde_json::json!({"hallo": 1}), None).await.0, 400);
        // The real payment, then the same notice again: recorded once.
        let (status, body) = callback(&app, &paid, None).await;
        assert_eq!((status, body["status"].as_str()), (200, Some("paid")), "{body}");
        let (status, body) = callback(&app, &paid, None).await;
        assert_eq!((status, body["status"].as_str()), (200, Some("already_paid")), "{body}");
        let other = serde_json::json!({"skrd_number": number, "amount": 150000,
        "reference": "NTPD-2026-000999", "paid_at": "2026-12-07T11:00:00+08:00"});
        assert_eq!(callback(&app, &other, None).await.0, 409);
        let entries: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM application_history WHERE application_id = $1 AND action = 'bayar_retribusi'",
        )
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(entries, 1);
        app.smtp
            .wait_for("bayar@example.com", "Pembayaran retribusi diterima")
            .await;

        // Paid: signed, and the permit says so.
        izinkes_app::permits::signing::sign_one(&app.state, &kadis, &permit)
            .await
            .unwrap();
        let sha: String = sqlx::query_scalar("SELECT pdf_sha256 FROM permits WHERE id = $1")
            .bind(&permit)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let path = std::env::temp_dir().join(format!("retribusi-{}.pdf", izinkes_app::platform::ids::new_id()));
        std::fs::write(&path, app.state.store.get(&sha).await.unwrap()).unwrap();
        let text = tool("pdftotext", &[path.to_str().unwrap(), "-"]);
        let _ = std::fs::remove_file(&path);
        assert!(text.contains("Rp 150.000 telah dibayar"), "{text}");
        assert!(text.contains(&number), "{text}");
    }
);

retribution_test!(the_cashier_confirms_a_payment_by_hand, |app: TestApp| async move {
    let (applicant, id, _permit, number) = charged_file(&app).await;
    izinkes_app::accounts::officers::add_officer(
        &app.state,
        "jembrana",
        "kasir.jembrana@kantor.example.id",
        "Ni Komang Kasir",
        "Bendahara Penerimaan",
        PASSWORD,
        &[Role::Kasir],
    )
    .await
    .unwrap();
    let kasir = crate::permits::login_officer(&app, "jembrana", "kasir", None).await;
    let file = kasir.get(&format!("/petugas/berkas/{id}")).await;
    assert!(
        file.body.contains("menunggu pembayaran"),
        "the file says what it waits for: {}",
        file.body
    );
    let list = kasir.get("/petugas/retribusi").await;
    assert_eq!(list.status, 200);
    assert!(
        list.body.contains(&number) && list.body.contains("Rp 150.000"),
        "{}",
        list.body
    );
    // Bad input: each field named, nothing recorded.
    let r = kasir
        .post(
            &format!("/petugas/retribusi/{id}/bayar"),
            &[("reference", "x"), ("paid_on", "2999-01-01"), ("channel", "")],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    for field in ["reference", "paid_on", "channel"] {
        assert!(!r.field_error(field).is_empty(), "{field}: {}", r.body);
    }
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let r = kasir
        .post(
            &format!("/petugas/retribusi/{id}/bayar"),
            &[
                ("reference", "BST-0042/BPD"),
                ("paid_on", &today),
                ("channel", "teller"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let list = kasir.get("/petugas/retribusi?info=lunas").await;
    assert!(list.body.contains("Pembayaran tercatat"), "{}", list.body);
    assert!(list.body.contains("BST-0042/BPD") && list.body.contains("Ni Komang Kasir"));
    let page = applicant.get(&format!("/permohonan/{id}")).await;
    assert!(page.body.contains("Lunas"), "{}", page.body);
    // Someone else's office answers not found; a front office officer may not confirm.
    let fo = crate::permits::login_officer(&app, "jembrana", "front_office", None).await;
    let r = fo.get("/petugas/retribusi").await;
    assert!(matches!(r.status, 403 | 404), "{}", r.status);
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_secret_the_callback_is_off_and_a_free_service_has_no_skrd() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let r = app
        .api()
        .post(app.url("/api/hooks/payment"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400, "not configured");
    staff(&app, "jembrana").await;
    let applicant = quick_applicant(&app, "5104010903970022", "gratis@example.com").await;
    let id = ready_to_sign(&app, &applicant).await;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM retributions WHERE application_id = $1")
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "a free service issues no SKRD");
}
