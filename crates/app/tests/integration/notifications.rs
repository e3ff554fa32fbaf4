//! Notifications by e-mail, WhatsApp and SMS, against the local fake gateways: the applicant's
//! channel choice and phone proof, the status change that reaches their WhatsApp, a final
//! refusal marked failed and never retried, a rate limit retried, and delivery reports that
//! must be signed.

use crate::bad_input::quick_applicant;
use crate::desks::{officer, staff_office, submitted_drsp};
use crate::permits::{enrol_totp, login_officer};
use crate::support::{Backend, Browser, Response, TestApp, within};
use izinkes_app::notifications::service::{Notice, to_applicant};
use izinkes_app::platform::gateways::fake::{FakeGateway, FakeSettings};
use izinkes_app::platform::gateways::whatsapp::signature;
use std::time::Duration;

const PHONE: &str = "+6281234567890";
const WAIT: Duration = Duration::from_secs(15);

/// One test per backend, with the fake gateways started and izinkes pointed at them.
macro_rules! gateway_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (app, fake) = with_gateways(Backend::Sqlite).await;
                ($body)(app, fake).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let (app, fake) = with_gateways(Backend::Postgres).await;
                ($body)(app, fake).await;
            }
        }
    };
}

async fn with_gateways(backend: Backend) -> (TestApp, FakeGateway) {
    let fake = FakeGateway::start(0, FakeSettings::default()).await.expect("fake");
    let config = fake.gateway_config();
    let app = TestApp::spawn_configured(backend, false, |c| c.gateways = config).await;
    fake.call_back(&app.base);
    (app, fake)
}

async fn applicant_id(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar("SELECT id FROM applicants WHERE email = $1")
        .bind(email)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("applicant")
}

/// The code in the last SMS the fake received for `phone`.
fn code_in_sms(fake: &FakeGateway, phone: &str) -> String {
    let sms = fake
        .received()
        .into_iter()
        .rev()
        .find(|r| r.channel == "sms" && r.to == phone)
        .expect("a code by SMS");
    let text = &sms.params[0];
    let at = text.find(": ").expect("code in text") + 2;
    text[at..at + 6].to_string()
}

async fn ask_code(b: &Browser, phone: &str) -> Response {
    b.post(
        "/akun/notifikasi",
        &[("what", "kode"), ("phone", phone), ("via", "sms")],
    )
    .await
}

/// Proves the applicant's phone with the code sent by SMS and chooses e-mail and WhatsApp.
async fn verify_and_choose_whatsapp(fake: &FakeGateway, b: &Browser) {
    let r = ask_code(b, "0812-3456-7890").await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mut code = String::new();
    for _ in 0..100 {
        if fake.received().iter().any(|m| m.channel == "sms") {
            code = code_in_sms(fake, PHONE);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(code.len(), 6, "the code arrived by SMS");
    let r = b
        .post("/akun/notifikasi", &[("what", "verifikasi"), ("code", &code)])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = b
        .post(
            "/akun/notifikasi",
            &[("what", "saluran"), ("email", "1"), ("whatsapp", "1")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}

async fn outbox_row(app: &TestApp, channel: &str) -> (String, Option<String>, i64) {
    sqlx::query_as("SELECT status, last_error, attempts FROM outbox WHERE channel = $1 AND kind <> 'verification' ORDER BY id DESC LIMIT 1")
        .bind(channel)
        .fetch_optional(&app.state.db.pool)
        .await
        .expect("outbox")
        .unwrap_or_else(|| ("none".into(), None, 0))
}

/// Queues a notice for an applicant whose phone is verified and who chose WhatsApp.
async fn notify_on_whatsapp(app: &TestApp, applicant: &str) {
    sqlx::query(
        "INSERT INTO notification_prefs (person_kind, person_id, email, whatsapp, sms, phone, phone_verified_at, immediate, updated_at) \
         VALUES ('applicant', $1, 0, 1, 0, $2, '2026-01-01T00:00:00.000000Z', 0, '2026-01-01T00:00:00.000000Z')",
    )
    .bind(applicant)
    .bind(PHONE)
    .execute(&app.state.db.pool)
    .await
    .expect("prefs");
    let notice = Notice {
        kind: "issued",
        subject: "Izin terbit".into(),
        body: "Izin Anda terbit.".into(),
        text: "Izin 503/001 telah terbit.".into(),
        link: format!("{}/izin", app.base),
        application_id: None,
    };
    let mut tx = app.state.db.begin().await.expect("begin");
    to_applicant(&mut tx, "jembrana", applicant, &notice)
        .await
        .expect("notify");
    tx.commit().await.expect("commit");
    app.state.wake_outbox();
}

/// Makes queued messages due now, as if their backoff had passed.
async fn backoff_passes(app: &TestApp) {
    sqlx::query("UPDATE outbox SET next_attempt_at = created_at WHERE status = 'queued'")
        .execute(&app.state.db.pool)
        .await
        .expect("due");
    app.state.wake_outbox();
}

async fn desk_return(b: &Browser, id: &str) {
    let page = b.get(&format!("/petugas/berkas/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let lock = page.value_of("lock_version");
    let key = format!("{}-return", page.value_of("request_key"));
    let r = b
        .post(
            &format!("/petugas/berkas/{id}/aksi"),
            &[
                ("action", "return"),
                ("rd_pas_foto", "Pas foto buram, unggah ulang yang jelas."),
                ("label_rd_pas_foto", "Pas Foto Berwarna 4 x 6 cm"),
                ("lock_version", &lock),
                ("request_key", &key),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}

gateway_test!(
    an_applicant_on_whatsapp_hears_of_a_status_change_and_its_delivery_is_shown,
    |app: TestApp, fake: FakeGateway| async move {
        staff_office(&app, "jembrana", "cilegon").await;
        let b = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        verify_and_choose_whatsapp(&fake, &b).await;
        let id = submitted_drsp(&app, &b).await;
        let fo = officer(&app, "jembrana", "front_office").await;
        desk_return(&fo, &id).await;
        // The e-mail, as before, and the WhatsApp template message with the text and the link.
        app.smtp.wait_for("putu@example.com", "perlu perbaikan").await;
        within(WAIT, "the WhatsApp message at the gateway", || async {
            fake.received()
                .iter()
                .any(|m| m.channel == "whatsapp" && m.template == "izinkes_returned")
        })
        .await;
        let wa = fake
            .received()
            .into_iter()
            .find(|m| m.template == "izinkes_returned")
            .unwrap();
        assert_eq!(wa.to, "6281234567890");
        assert!(wa.params[0].contains("dikembalikan"), "{:?}", wa.params);
        assert!(wa.params[1].ends_with(&format!("/permohonan/{id}")), "{:?}", wa.params);
        within(WAIT, "the delivery report recorded", || async {
            outbox_row(&app, "whatsapp").await.0 == "delivered"
        })
        .await;
        // Officers see it on the file, the admin in the office's list.
        let page = fo.get(&format!("/petugas/berkas/{id}")).await;
        assert!(page.body.contains("WhatsApp"), "{}", page.body);
        assert!(page.body.contains("Diterima"), "{}", page.body);
        let admin = office_admin(&app).await;
        let list = admin.get("/petugas/admin/notifikasi?status=delivered").await;
        assert_eq!(list.status, 200, "{}", list.body);
        assert!(list.body.contains("+6281…7890"), "{}", list.body);
        assert!(!list.body.contains("hanya mengirim e-mail"));
    }
);

gateway_test!(
    a_final_refusal_is_marked_failed_with_the_reason_and_never_retried,
    |app: TestApp, fake: FakeGateway| async move {
        let _b = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let applicant = applicant_id(&app, "putu@example.com").await;
        fake.reject(PHONE);
        notify_on_whatsapp(&app, &applicant).await;
        within(WAIT, "marked failed", || async {
            outbox_row(&app, "whatsapp").await.0 == "failed"
        })
        .await;
        let (_, error, attempts) = outbox_row(&app, "whatsapp").await;
        assert!(error.as_deref().unwrap_or_default().contains("131026"), "{error:?}");
        assert_eq!(attempts, 1);
        backoff_passes(&app).await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(outbox_row(&app, "whatsapp").await.2, 1, "not tried again");
        assert!(fake.received().is_empty(), "nothing was delivered");
    }
);

gateway_test!(
    a_rate_limit_is_retried_after_the_backoff_and_sent_once,
    |app: TestApp, fake: FakeGateway| async move {
        let _b = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let applicant = applicant_id(&app, "putu@example.com").await;
        fake.throttle_next(1);
        notify_on_whatsapp(&app, &applicant).await;
        within(WAIT, "the rate limit recorded", || async {
            let (status, error, _) = outbox_row(&app, "whatsapp").await;
            status == "queued" && error.is_some_and(|e| e.contains("130429"))
        })
        .await;
        assert!(fake.received().is_empty());
        backoff_passes(&app).await;
        within(WAIT, "sent on the second attempt", || async {
            outbox_row(&app, "whatsapp").await.0 != "queued"
        })
        .await;
        let (_, _, attempts) = outbox_row(&app, "whatsapp").await;
        assert_eq!(attempts, 2);
        assert_eq!(fake.received().len(), 1, "delivered exactly once");
    }
);

gateway_test!(
    delivery_reports_must_be_signed_and_a_failure_report_keeps_the_reason,
    |app: TestApp, fake: FakeGateway| async move {
        let _b = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let applicant = applicant_id(&app, "putu@example.com").await;
        fake.call_back("http://127.0.0.1:9"); // reports from the fake go nowhere: we send our own
        notify_on_whatsapp(&app, &applicant).await;
        within(WAIT, "accepted", || async {
            outbox_row(&app, "whatsapp").await.0 == "sent"
        })
        .await;
        let id = fake.received()[0].id.clone();
        let body = serde_json::json!({"object": "whatsapp_business_account", "entry": [{"id": "W", "changes": [{"field": "messages",
            "value": {"statuses": [{"id": id, "status": "failed", "errors": [{"code": 131026, "title": "Message undeliverable"}]}]}}]}]})
        .to_string();
        let hook = app.url("/api/hooks/whatsapp");
        let api = app.api();
        let post = |sig: String| {
            api.post(&hook)
                .header("content-type", "application/json")
                .header("x-hub-signature-256", sig)
                .body(body.clone())
                .send()
        };
        let r = post(signature("rahasia-lain", body.as_bytes())).await.unwrap();
        assert_eq!(r.status(), 401, "a report signed with another secret is refused");
        let r = post(String::new()).await.unwrap();
        assert_eq!(r.status(), 401, "an unsigned report is refused");
        assert_eq!(outbox_row(&app, "whatsapp").await.0, "sent");
        let r = post(signature(&FakeSettings::default().app_secret, body.as_bytes()))
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let (status, error, _) = outbox_row(&app, "whatsapp").await;
        assert_eq!(status, "failed");
        assert!(error.unwrap_or_default().contains("Message undeliverable"));
        // Meta's handshake, and the SMS callback's token.
        let r = api
            .get(
                app.url("/api/hooks/whatsapp?hub.mode=subscribe&hub.verify_token=fake-verify-token&hub.challenge=4242"),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.text().await.unwrap(), "4242");
        let r = api
            .get(app.url("/api/hooks/whatsapp?hub.mode=subscribe&hub.verify_token=salah&hub.challenge=4242"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let r = api
            .post(app.url("/api/hooks/sms"))
            .header("authorization", "Bearer salah")
            .header("content-type", "application/json")
            .body(r#"{"id":"x","status":"delivered"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
);

gateway_test!(
    a_phone_is_used_only_after_its_code_and_wrong_or_old_codes_are_refused,
    |app: TestApp, fake: FakeGateway| async move {
        let b = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        // WhatsApp cannot be chosen before the number is proven.
        let r = b
            .post("/akun/notifikasi", &[("what", "saluran"), ("whatsapp", "1")])
            .await;
        assert_eq!(r.status, 422);
        assert!(
            r.field_error("whatsapp").contains("Verifikasi nomor handphone"),
            "{}",
            r.body
        );
        let r = ask_code(&b, "021-555-1234").await;
        assert_eq!(r.status, 422);
        assert!(r.field_error("phone").contains("08"), "{}", r.body);
        assert_eq!(ask_code(&b, "081234567890").await.status, 303);
        let wrong = if code_sent(&fake).await == "000000" {
            "111111"
        } else {
            "000000"
        };
        let r = b
            .post("/akun/notifikasi", &[("what", "verifikasi"), ("code", wrong)])
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.field_error("code").contains("Kode salah"), "{}", r.body);
        // Only the salted hash is kept, and the SMS text is blanked once the gateway has it.
        let stored: (String, String) =
            sqlx::query_as("SELECT code_hash, code_salt FROM phone_verifications ORDER BY id DESC LIMIT 1")
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        let code = code_sent(&fake).await;
        assert!(!stored.0.contains(&code) && stored.0.len() == 64);
        within(WAIT, "the code's text forgotten", || async {
            let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE kind = 'verification'")
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
            !body.contains(&code)
        })
        .await;
        // An expired code is refused even when right.
        sqlx::query("UPDATE phone_verifications SET expires_at = '2020-01-01T00:00:00.000000Z'")
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        let r = b
            .post("/akun/notifikasi", &[("what", "verifikasi"), ("code", &code)])
            .await;
        assert_eq!(r.status, 422);
        assert!(r.field_error("code").contains("kedaluwarsa"), "{}", r.body);
        // Three codes an hour.
        assert_eq!(ask_code(&b, "081234567890").await.status, 303);
        assert_eq!(ask_code(&b, "081234567890").await.status, 303);
        let r = ask_code(&b, "081234567890").await;
        assert_eq!(r.status, 422);
        assert!(r.field_error("phone").contains("tiga kali"), "{}", r.body);
        // The newest code works.
        within(WAIT, "the third code", || async {
            fake.received().iter().filter(|m| m.channel == "sms").count() == 3
        })
        .await;
        let code = code_in_sms(&fake, PHONE);
        let r = b
            .post("/akun/notifikasi", &[("what", "verifikasi"), ("code", &code)])
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = b.get("/akun/notifikasi?info=terverifikasi").await;
        assert!(page.body.contains("Nomor terverifikasi"), "{}", page.body);
        assert!(page.body.contains(PHONE));
    }
);

async fn office_admin(app: &TestApp) -> Browser {
    izinkes_app::accounts::officers::add_officer(
        &app.state,
        "jembrana",
        "admin.jembrana@kantor.example.id",
        "Admin Jembrana",
        "Admin",
        "petugas-kantor-2026",
        &[izinkes_domain::roles::Role::Admin],
    )
    .await
    .expect("admin");
    let secret = enrol_totp(app, "admin.jembrana@kantor.example.id").await;
    login_officer(app, "jembrana", "admin", Some(&secret)).await
}

async fn code_sent(fake: &FakeGateway) -> String {
    for _ in 0..100 {
        if fake.received().iter().any(|m| m.channel == "sms") {
            return code_in_sms(fake, PHONE);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no code arrived");
}

crate::dual_test!(
    without_gateways_the_admin_page_says_email_only_and_the_profile_offers_email,
    |app: TestApp| async move {
        let admin = office_admin(&app).await;
        let page = admin.get("/petugas/admin/notifikasi").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.body
                .contains("Tanpa pengaturan gateway, izinkes hanya mengirim e-mail")
        );
        let r = admin
            .post(
                "/petugas/admin/notifikasi",
                &[("name_returned", "Berkas Kembali"), ("lang_returned", "id")],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.field_error("name_returned").contains("huruf kecil"), "{}", r.body);
        let r = admin
            .post(
                "/petugas/admin/notifikasi",
                &[("name_returned", "jembrana_berkas_kembali"), ("lang_returned", "id")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = admin.get("/petugas/admin/notifikasi").await;
        assert!(page.body.contains("jembrana_berkas_kembali"));
        let b = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let page = b.get("/akun/notifikasi").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("belum tersedia"));
        let r = ask_code(&b, "081234567890").await;
        assert_eq!(r.status, 422);
    }
);

gateway_test!(
    an_answer_on_pesan_pengaduan_reaches_the_applicant_on_whatsapp_and_by_email,
    |app: TestApp, fake: FakeGateway| async move {
        staff_office(&app, "jembrana", "cilegon").await;
        let b = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        verify_and_choose_whatsapp(&fake, &b).await;
        let id = submitted_drsp(&app, &b).await;
        let r = b
            .post(
                &format!("/permohonan/{id}/pesan"),
                &[("pesan", "Apakah berkas saya lengkap?")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let fo = officer(&app, "jembrana", "front_office").await;
        let r = fo
            .post(
                &format!("/petugas/berkas/{id}/pesan"),
                &[("pesan", "Sudah lengkap, sedang diverifikasi.")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        within(WAIT, "the WhatsApp message of the answer", || async {
            fake.received()
                .iter()
                .any(|m| m.channel == "whatsapp" && m.template == "izinkes_message")
        })
        .await;
        let wa = fake
            .received()
            .into_iter()
            .find(|m| m.template == "izinkes_message")
            .unwrap();
        assert_eq!(wa.to, "6281234567890");
        assert!(wa.params[0].contains("Front Office menjawab"), "{:?}", wa.params);
        assert!(
            wa.params[1].ends_with(&format!("/permohonan/{id}#pesan")),
            "{:?}",
            wa.params
        );
        // E-mail as well when the applicant keeps it (the choice above kept e-mail on).
        let _ = app.smtp.wait_for("putu@example.com", "Sudah lengkap").await;
    }
);
