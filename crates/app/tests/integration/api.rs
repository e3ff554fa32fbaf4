//! The JSON API under /api/v1, over HTTP: the applicant's whole journey, its errors, the cap of
//! active permits (DOMAIN rule 1) and registration numbers under parallel submissions.

use crate::dual_test;
use crate::support::{TestApp, extract_link};
use izinkes_app::accounts;
use izinkes_app::accounts::registration::RegisterInput;
use izinkes_app::applications;
use izinkes_app::applications::view::ApplicantData;
use izinkes_app::auth;
use izinkes_app::auth::sessions::SessionKind;
use izinkes_app::auth::sessions::SubjectKind;
use izinkes_app::demo;
use izinkes_app::state::AppState;
use izinkes_domain::catalog::Answers;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const PUTU_NIK: &str = "5104010903970004";
const PASSWORD: &str = "Rahasia-Praktik-2026";
/// A village in Kabupaten Jembrana (Pekutatan), the Jembrana office's area.
const VILLAGE: &str = "51.01.03.2004";
/// The documents SIP-DRSP needs for a practice at a health facility, filed by the holder.
const DRSP_DOCUMENTS: [&str; 7] = [
    "ktp",
    "rekomendasi_dinkes",
    "pas_foto",
    "izin_operasional_fasyankes",
    "bpjs_kesehatan",
    "str",
    "keterangan_tempat_praktik",
];

/// One answer of the API: status and JSON body (`Null` when the body is empty or not JSON).
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl Reply {
    /// `error.code` of an error body, or "".
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
    pub fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or("")
    }
    /// The Indonesian message of one field of a 422 `invalid`, or "".
    pub fn field(&self, key: &str) -> &str {
        self.body["error"]["fields"][key].as_str().unwrap_or("")
    }
    pub fn field_keys(&self) -> BTreeSet<String> {
        self.body["error"]["fields"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }
    pub fn str(&self, key: &str) -> &str {
        self.body[key].as_str().unwrap_or("")
    }
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, String::from_utf8_lossy(&self.bytes))
    }
}

/// A JSON client of the API, with or without a bearer token.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl Api {
    pub fn new(app: &TestApp) -> Api {
        Api {
            http: app.api(),
            base: app.base.clone(),
            token: None,
        }
    }

    pub fn with_token(&self, token: &str) -> Api {
        Api {
            token: Some(token.to_string()),
            ..self.clone()
        }
    }

    async fn send(&self, method: Method, path: &str, body: Option<reqwest::Body>, content_type: &str) -> Reply {
        let mut req = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.header("content-type", content_type).body(b);
        }
        let r = req.send().await.expect("request");
        let status = r.status().as_u16();
        let content_type = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let bytes = r.bytes().await.expect("body").to_vec();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            body,
            content_type,
            bytes,
        }
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Reply {
        let body = body.map(|b| reqwest::Body::from(b.to_string()));
        self.send(method, path, body, "application/json").await
    }
    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(&body)).await
    }
    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.call(Method::PUT, path, Some(&body)).await
    }
    pub async fn delete(&self, path: &str) -> Reply {
        self.call(Method::DELETE, path, None).await
    }
    /// Sends a body as is (malformed JSON, raw files).
    pub async fn raw(&self, method: Method, path: &str, bytes: Vec<u8>, content_type: &str) -> Reply {
        self.send(method, path, Some(reqwest::Body::from(bytes)), content_type)
            .await
    }
    pub async fn upload(&self, app_id: &str, key: &str, filename: &str, bytes: Vec<u8>) -> Reply {
        let path = format!("/api/v1/applications/{app_id}/documents/{key}?filename={filename}");
        self.raw(Method::PUT, &path, bytes, "application/octet-stream").await
    }
}

/// A valid NIK of a man from Kabupaten Jembrana born on `day` March 1997, with a serial.
pub fn nik(day: u32, serial: u32) -> String {
    assert!((1..=31).contains(&day) && (1..=9999).contains(&serial));
    format!("510401{day:02}0397{serial:04}")
}

pub fn register_body(nik: &str, email: &str) -> Value {
    json!({
        "full_name": "Putu Heri Setiawan",
        "identity_type": "KTP",
        "identity_number": nik,
        "phone": "087897893492",
        "address": "Jl. Denpasar Gilimanuk, Pekutatan",
        "village_code": VILLAGE,
        "email": email,
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "consent": true,
    })
}

/// Tahap 1 for a practice at `facility` in Jembrana.
pub fn applicant_data(facility: &str) -> ApplicantData {
    ApplicantData {
        name: "HERI SETIAWAN".into(),
        email: "herisetiawanputu@gmail.com".into(),
        phone: "087897893492".into(),
        address: "JL. RAYA DENPASAR GILIMANUK, PEKUTATAN".into(),
        village_code: VILLAGE.into(),
        facility_name: facility.into(),
        location_village_code: VILLAGE.into(),
        location_address: "JL. RAYA DENPASAR GILIMANUK, PEKUTATAN".into(),
        ..ApplicantData::default()
    }
}

/// Tahap 2 of SIP-DRSP, as journey.rs fills it; `nth` is "Permohonan SIP yang ke-".
pub fn form_answers(nth: u32) -> Answers {
    let nth = nth.to_string();
    [
        ("tempat_lahir", "Denpasar"),
        ("tanggal_lahir", "1997-03-09"),
        ("nama_sesuai_ijazah", "dr. Putu Heri Setiawan, Sp.PD"),
        ("hari_praktik", "Senin, Selasa, Rabu"),
        ("waktu_praktik", "08:00-12:00"),
        ("permohonan_ke", nth.as_str()),
        ("nomor_str", "5121103318134121"),
        ("nomor_rekomendasi_op", "21/PKB01-BALI.N.IT/2021"),
        ("jenis_tempat_praktik", "Fasilitas Pelayanan Kesehatan"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// The sample file for a requirement: the photo as JPEG, everything else as PDF.
pub fn sample_for(key: &str) -> (String, Vec<u8>) {
    if key == "pas_foto" {
        ("foto.jpg".into(), demo::samples::jpeg())
    } else {
        (format!("{key}.pdf"), demo::samples::pdf(key))
    }
}

pub async fn login(api: &Api, email: &str) -> String {
    let r = api
        .post("/api/v1/auth/login", json!({"email": email, "password": PASSWORD}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.str("token_type"), "Bearer");
    r.str("token").to_string()
}

/// An applicant made through the service layer (verified, with an API token): fast, for tests
/// about what happens after login. Returns (applicant id, bearer token).
pub async fn quick_applicant(state: &AppState, nik: &str, email: &str) -> (String, String) {
    let input = RegisterInput {
        full_name: "Putu Heri Setiawan".into(),
        identity_type: "KTP".into(),
        identity_number: nik.into(),
        phone: "087897893492".into(),
        address: "Jl. Denpasar Gilimanuk, Pekutatan".into(),
        village_code: VILLAGE.into(),
        email: email.into(),
        password: PASSWORD.into(),
        password_confirm: PASSWORD.into(),
        consent: true,
    };
    let id = accounts::registration::register(state, &input).await.expect("register");
    sqlx::query("UPDATE applicants SET email_verified_at = $1 WHERE id = $2")
        .bind(izinkes_app::platform::db::now_text())
        .bind(&id)
        .execute(&state.db.pool)
        .await
        .expect("verify");
    let token = auth::sessions::create_session(state, SubjectKind::Applicant, &id, None, SessionKind::Api)
        .await
        .expect("session");
    (id, token)
}

/// An officer holding every role at `office`, so the office's workflow can put a submitted
/// file on its first desk.
pub async fn staff_office(state: &AppState, office: &str) {
    accounts::officers::add_officer(
        state,
        office,
        &format!("staf@{office}.example.go.id"),
        "Staf Pelayanan",
        "Pelaksana",
        "Petugas-Kantor-2026",
        &izinkes_domain::roles::Role::ALL,
    )
    .await
    .expect("officer");
}

/// A complete SIP-DRSP draft at Jembrana made through the service layer, ready to submit.
pub async fn ready_draft(state: &AppState, applicant_id: &str, facility: &str, nth: u32) -> String {
    let applicant = accounts::profile::load_applicant(state, applicant_id)
        .await
        .expect("applicant");
    let id = applications::drafts::create_draft(state, &applicant, "jembrana", "SIP-DRSP")
        .await
        .expect("draft");
    let errors = applications::drafts::save_step1(state, applicant_id, &id, &applicant_data(facility))
        .await
        .expect("step 1");
    assert!(errors.is_empty(), "{errors:?}");
    let errors = applications::drafts::save_step2(state, applicant_id, &id, &form_answers(nth))
        .await
        .expect("step 2");
    assert!(errors.is_empty(), "{errors:?}");
    for key in DRSP_DOCUMENTS {
        let (filename, bytes) = sample_for(key);
        applications::attachments::upload_requirement(state, applicant_id, &id, key, &filename, &bytes)
            .await
            .expect("upload");
    }
    let view = applications::view::load_view(state, applicant_id, &id)
        .await
        .expect("view");
    assert!(
        view.missing_requirements().is_empty(),
        "{:?}",
        view.missing_requirements()
    );
    id
}

/// Creates a SIP-DRSP draft at Jembrana over the API and fills Tahap 1 and 2; returns its id.
pub async fn draft_over_api(api: &Api, facility: &str, nth: u32) -> String {
    let r = api
        .post(
            "/api/v1/applications",
            json!({"office_id": "jembrana", "permit_code": "SIP-DRSP"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.str("id").to_string();
    let r = api
        .put(
            &format!("/api/v1/applications/{id}/applicant"),
            json!(applicant_data(facility)),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = api
        .put(&format!("/api/v1/applications/{id}/form"), json!(form_answers(nth)))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    id
}

/// The sequence part of `JBR-2026-000042`.
fn seq_of(number: &str) -> u32 {
    number
        .rsplit('-')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad number {number}"))
}

fn needed_keys(application: &Value) -> BTreeSet<String> {
    application["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .filter(|r| r["needed"] == json!(true))
        .map(|r| r["key"].as_str().expect("key").to_string())
        .collect()
}

dual_test!(api_applicant_journey_register_to_tracking, |app: TestApp| async move {
    staff_office(&app.state, "jembrana").await;
    let api = Api::new(&app);
    let email = "putu@example.com";
    let r = api.post("/api/v1/auth/register", register_body(PUTU_NIK, email)).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert!(!r.str("id").is_empty());
    assert!(r.str("message").contains("konfirmasi"), "{r:?}");

    // Not confirmed yet: login is refused with an Indonesian reason.
    let r = api
        .post("/api/v1/auth/login", json!({"email": email, "password": PASSWORD}))
        .await;
    assert_eq!((r.status, r.code()), (422, "refused"), "{r:?}");
    assert!(r.message().contains("belum dikonfirmasi"), "{r:?}");

    let mail = app.smtp.wait_for(email, "Konfirmasi akun").await;
    let link = extract_link(&mail, &format!("{}/verifikasi?token=", app.base));
    let token = link.split_once("token=").expect("token").1.to_string();
    let r = api.post("/api/v1/auth/verify", json!({"token": token})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["verified"], json!(true));
    // The token is single-use.
    let r = api.post("/api/v1/auth/verify", json!({"token": token})).await;
    assert_eq!((r.status, r.code()), (422, "refused"), "{r:?}");

    let token = login(&api, email).await;
    let me = api.with_token(&token);
    let r = me.get("/api/v1/me").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.str("kind"), "applicant");
    assert_eq!(r.str("identity_number_masked"), "5104********0004", "NIK masked");
    assert_eq!(r.str("phone"), "+6287897893492", "phone stored as E.164");

    let r = api.get("/api/v1/catalog").await;
    assert_eq!(r.status, 200, "{r:?}");
    let types = r.body["permit_types"].as_array().expect("permit_types");
    assert_eq!(types.len(), 38);
    assert!(types.iter().any(|p| p["code"] == "SIP-DRSP"));

    let r = me
        .post(
            "/api/v1/applications",
            json!({"office_id": "jembrana", "permit_code": "SIP-DRSP"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.str("id").to_string();
    assert_eq!(r.str("status"), "draft");
    assert_eq!(
        r.body["applicant"]["name"], "Putu Heri Setiawan",
        "prefilled from the account"
    );
    assert_eq!(
        r.body["steps"],
        json!({"applicant": false, "form": false, "documents": false})
    );

    let r = me
        .put(
            &format!("/api/v1/applications/{id}/applicant"),
            json!(applicant_data("RSU Negara")),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["steps"]["applicant"], json!(true));
    assert_eq!(r.body["applicant"]["phone"], "+6287897893492");

    let r = me
        .put(&format!("/api/v1/applications/{id}/form"), json!(form_answers(1)))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["steps"]["form"], json!(true));
    assert_eq!(r.body["form"]["hari_praktik"], "Senin, Selasa, Rabu");
    assert_eq!(r.body["form"]["waktu_praktik"], "08:00-12:00");
    let needed = needed_keys(&r.body);
    assert_eq!(
        needed,
        DRSP_DOCUMENTS.iter().map(|k| k.to_string()).collect(),
        "no proxy letter for the holder"
    );

    let mut last = r;
    for key in &needed {
        let (filename, bytes) = sample_for(key);
        let size = bytes.len();
        last = me.upload(&id, key, &filename, bytes).await;
        assert_eq!(last.status, 200, "{key}: {last:?}");
        let req = last.body["requirements"]
            .as_array()
            .expect("requirements")
            .iter()
            .find(|r| r["key"] == key.as_str())
            .cloned();
        let attached = &req.expect("requirement")["attached"];
        assert_eq!(attached["filename"], filename.as_str());
        assert_eq!(attached["size"], json!(size));
    }
    assert_eq!(last.body["steps"]["documents"], json!(true));

    let r = me.post(&format!("/api/v1/applications/{id}/submit"), json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.str("status"), "submitted");
    assert_eq!(r.str("status_label"), "Menunggu Verifikasi");
    let number = r.str("registration_number").to_string();
    assert!(number.starts_with("JBR-"), "{number}");
    assert!(
        r.body["history"]
            .as_array()
            .is_some_and(|h| h.iter().any(|e| e["action"] == "ajukan"))
    );

    // Submitting again has one effect: the same number.
    let r = me.post(&format!("/api/v1/applications/{id}/submit"), json!({})).await;
    assert_eq!(
        (r.status, r.str("registration_number")),
        (200, number.as_str()),
        "{r:?}"
    );
    // A submitted application can no longer be changed.
    let r = me
        .put(
            &format!("/api/v1/applications/{id}/applicant"),
            json!(applicant_data("Klinik Lain")),
        )
        .await;
    assert_eq!((r.status, r.code()), (422, "refused"), "{r:?}");
    let r = me.delete(&format!("/api/v1/applications/{id}")).await;
    assert_eq!((r.status, r.code()), (422, "refused"), "{r:?}");

    let r = me.get("/api/v1/applications").await;
    assert_eq!(r.status, 200, "{r:?}");
    let list = r.body["applications"].as_array().expect("applications");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["status"], "submitted");
    assert_eq!(list[0]["registration_number"], number.as_str());
    assert_eq!(list[0]["facility_name"], "RSU Negara");
    assert_eq!(list[0]["permit_name"], "Surat Izin Praktik Dokter Spesialis");

    let mail = app.smtp.wait_for(email, "Permohonan diterima").await;
    assert!(mail.data.contains(&number));

    // Public tracking, without a token.
    let r = api.get(&format!("/api/v1/track?number={number}&nik4=0004")).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.str("registration_number"), number);
    assert_eq!(r.str("status"), "submitted");
    assert_eq!(r.str("status_label"), "Menunggu Verifikasi");
    assert_eq!(r.str("office_name"), "DPMPTSPTK Kabupaten Jembrana");
    assert!(!r.str("stage").is_empty(), "{r:?}");
    assert!(
        chrono::NaiveDate::parse_from_str(r.str("stage_due_on"), "%Y-%m-%d").is_ok(),
        "{r:?}"
    );
    let r = api.get(&format!("/api/v1/track?number={number}&nik4=9999")).await;
    assert_eq!((r.status, r.code()), (404, "not_found"), "{r:?}");
    assert!(r.message().contains("tidak ditemukan"), "{r:?}");
    let r = api.get("/api/v1/track?number=bukan-nomor&nik4=12").await;
    assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
    assert_eq!(
        r.field_keys(),
        BTreeSet::from(["nik4".to_string(), "number".to_string()])
    );

    // Logout ends the token.
    let r = me.post("/api/v1/auth/logout", json!({})).await;
    assert_eq!(r.status, 204, "{r:?}");
    let r = me.get("/api/v1/me").await;
    assert_eq!((r.status, r.code()), (401, "unauthenticated"), "{r:?}");
});

dual_test!(
    api_errors_are_json_with_indonesian_messages,
    |app: TestApp| async move {
        let api = Api::new(&app);

        // Every problem of a registration at once, one Indonesian message per field.
        let mut body = register_body("12345", "salah@example.com");
        body["phone"] = json!("0361-123");
        body["password"] = json!("pendek");
        body["password_confirm"] = json!("pendek");
        let r = api.post("/api/v1/auth/register", body).await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
        assert!(r.message().contains("Data belum benar"), "{r:?}");
        assert!(
            r.field("identity_number").contains("NIK harus terdiri dari 16 digit"),
            "{r:?}"
        );
        assert!(r.field("phone").contains("Nomor handphone"), "{r:?}");
        assert!(r.field("password").contains("Kata sandi terlalu pendek"), "{r:?}");
        let r = api
            .post(
                "/api/v1/auth/register",
                register_body("5104013203970004", "tgl@example.com"),
            )
            .await;
        assert!(
            r.field("identity_number").contains("tanggal lahir"),
            "day 32 is refused: {r:?}"
        );
        assert_eq!(app.smtp.mails.lock().expect("lock").len(), 0, "nothing was registered");

        // Malformed JSON: 400 in the same shape.
        let r = api
            .raw(
                Method::POST,
                "/api/v1/auth/register",
                b"{\"full_name\": ".to_vec(),
                "application/json",
            )
            .await;
        assert_eq!((r.status, r.code()), (400, "bad_request"), "{r:?}");
        assert!(r.message().contains("bukan JSON"), "{r:?}");

        // No token, a wrong token.
        for path in ["/api/v1/applications", "/api/v1/me", "/api/v1/documents"] {
            let r = api.get(path).await;
            assert_eq!((r.status, r.code()), (401, "unauthenticated"), "{path}: {r:?}");
            assert!(r.message().contains("Bearer"), "{r:?}");
        }
        let r = api.with_token("bukan-token").get("/api/v1/applications").await;
        assert_eq!((r.status, r.code()), (401, "unauthenticated"), "{r:?}");

        let (putu_id, putu_token) = quick_applicant(&app.state, PUTU_NIK, "putu@example.com").await;
        let (_, made_token) = quick_applicant(&app.state, &nik(12, 7), "made@example.com").await;
        let putu = api.with_token(&putu_token);
        let made = api.with_token(&made_token);

        let r = putu
            .raw(
                Method::POST,
                "/api/v1/applications",
                b"{office_id: jembrana}".to_vec(),
                "application/json",
            )
            .await;
        assert_eq!((r.status, r.code()), (400, "bad_request"), "{r:?}");
        let r = putu
            .post(
                "/api/v1/applications",
                json!({"office_id": "atlantis", "permit_code": "SIP-XYZ"}),
            )
            .await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
        assert_eq!(
            r.field_keys(),
            BTreeSet::from(["office".to_string(), "permit".to_string()])
        );

        // Tahap 1 with mistakes: 422 per field, and the draft keeps what was typed.
        let id = draft_over_api(&putu, "RSU Negara", 1).await;
        let mut wrong = applicant_data("RSU Negara");
        wrong.phone = "12345".into();
        wrong.location_village_code = "61.71.01.1002".into(); // in Kota Pontianak

        let r = putu
            .put(&format!("/api/v1/applications/{id}/applicant"), json!(wrong))
            .await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
        assert!(r.field("phone").contains("Nomor handphone"), "{r:?}");
        assert!(
            r.field("location_village_code")
                .contains("Lokasi izin harus berada di wilayah"),
            "{r:?}"
        );
        let r = putu.get(&format!("/api/v1/applications/{id}")).await;
        assert_eq!(r.body["applicant"]["phone"], "12345", "kept as typed");
        assert_eq!(r.body["steps"]["applicant"], json!(false));
        let r = putu
            .put(
                &format!("/api/v1/applications/{id}/applicant"),
                json!(applicant_data("RSU Negara")),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");

        // Tahap 2 with a wrong day name and time.
        let mut answers = form_answers(1);
        answers.insert("hari_praktik".into(), "Senin, Funday".into());
        answers.insert("waktu_praktik".into(), "12:00-08:00".into());
        let r = putu
            .put(&format!("/api/v1/applications/{id}/form"), json!(answers))
            .await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
        assert!(r.field("hari_praktik").contains("Hari Praktik"), "{r:?}");
        assert!(r.field("waktu_praktik").contains("Waktu Praktik"), "{r:?}");
        let r = putu
            .put(&format!("/api/v1/applications/{id}/form"), json!(form_answers(1)))
            .await;
        assert_eq!(r.status, 200, "{r:?}");

        // Another applicant's application is simply not there.
        for (method, path) in [
            (Method::GET, format!("/api/v1/applications/{id}")),
            (Method::PUT, format!("/api/v1/applications/{id}/form")),
            (Method::POST, format!("/api/v1/applications/{id}/submit")),
            (Method::DELETE, format!("/api/v1/applications/{id}")),
        ] {
            let r = made.call(method.clone(), &path, Some(&json!({}))).await;
            assert_eq!((r.status, r.code()), (404, "not_found"), "{method} {path}: {r:?}");
        }
        let r = made.upload(&id, "ktp", "ktp.pdf", demo::samples::pdf("ktp")).await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{r:?}");
        let r = made.get("/api/v1/applications").await;
        assert_eq!(r.body["applications"], json!([]), "{r:?}");
        let r = putu.get("/api/v1/applications/nonexistent").await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{r:?}");

        // Submitting without documents lists every missing requirement by key.
        let r = putu.post(&format!("/api/v1/applications/{id}/submit"), json!({})).await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
        assert_eq!(
            r.field_keys(),
            DRSP_DOCUMENTS.iter().map(|k| k.to_string()).collect(),
            "{r:?}"
        );
        assert!(r.field("ktp").contains("belum diunggah"), "{r:?}");

        // Files are judged by content, not by name.
        let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
        exe.extend_from_slice(&[0u8; 128]);
        exe.extend_from_slice(b"This program cannot be run in DOS mode.");
        let r = putu.upload(&id, "ktp", "ktp.pdf", exe).await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
        assert!(r.field("ktp").contains("tidak dapat dibaca sebagai PDF"), "{r:?}");
        let r = putu.upload(&id, "ktp", "ktp.pdf", demo::samples::jpeg()).await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
        assert!(r.field("ktp").contains("berformat JPG"), "{r:?}");
        let r = putu
            .upload(&id, "pas_foto", "foto.jpg", b"%PDF-1.4 not really".to_vec())
            .await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
        assert!(!r.field("pas_foto").is_empty(), "{r:?}");
        let r = putu.upload(&id, "ktp", "ktp.pdf", Vec::new()).await;
        assert!(r.field("ktp").contains("kosong"), "{r:?}");
        let r = putu.upload(&id, "tidak_ada", "x.pdf", demo::samples::pdf("x")).await;
        assert_eq!(
            (r.status, r.code()),
            (404, "not_found"),
            "unknown requirement key: {r:?}"
        );
        let view = applications::view::load_view(&app.state, &putu_id, &id)
            .await
            .expect("view");
        assert!(view.attachments.is_empty(), "nothing attached by the refused uploads");

        // An officer's token is not an applicant's.
        accounts::officers::add_officer(
            &app.state,
            "jembrana",
            "fo@jembrana.go.id",
            "Komang Front Office",
            "Front Office",
            "Petugas-Jembrana-2026",
            &[izinkes_domain::roles::Role::FrontOffice],
        )
        .await
        .expect("officer");
        let r = api
            .post(
                "/api/v1/auth/login",
                json!({"email": "fo@jembrana.go.id", "password": "Petugas-Jembrana-2026", "kind": "officer"}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        let officer = api.with_token(r.str("token"));
        let r = officer.get("/api/v1/me").await;
        assert_eq!(
            (r.status, r.str("kind"), r.str("office_id")),
            (200, "officer", "jembrana"),
            "{r:?}"
        );
        let r = officer.get("/api/v1/applications").await;
        assert_eq!((r.status, r.code()), (403, "forbidden"), "{r:?}");
        let r = officer.get(&format!("/api/v1/applications/{id}")).await;
        assert_eq!((r.status, r.code()), (403, "forbidden"), "{r:?}");

        // Wrong password: refused, and the message does not say which part was wrong.
        let r = api
            .post(
                "/api/v1/auth/login",
                json!({"email": "putu@example.com", "password": "Salah-Sekali-2026"}),
            )
            .await;
        assert_eq!((r.status, r.code()), (422, "refused"), "{r:?}");
        assert_eq!(r.message(), "Email atau kata sandi salah.");
        let r = api.post("/api/v1/auth/login", json!({})).await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
        assert_eq!(
            r.field_keys(),
            BTreeSet::from(["email".to_string(), "password".to_string()])
        );
    }
);

dual_test!(
    api_account_reference_data_and_document_library,
    |app: TestApp| async move {
        let api = Api::new(&app);
        let r = api.get("/api/v1/offices").await;
        assert_eq!(r.status, 200, "{r:?}");
        let offices = r.body["offices"].as_array().expect("offices");
        assert!(
            offices
                .iter()
                .any(|o| o["id"] == "jembrana" && o["code"] == "JBR" && o["timezone"] == "WITA"),
            "{r:?}"
        );
        let r = api.get("/api/v1/catalog/SIP-DRSP").await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.str("name"), "Surat Izin Praktik Dokter Spesialis");
        assert_eq!(r.body["max_active_per_person"], json!(3));
        let r = api.get("/api/v1/catalog/TIDAK-ADA").await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{r:?}");
        let r = api.get("/api/v1/areas/root").await;
        assert!(
            r.body["areas"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x["code"] == "51" && x["level"] == "province")),
            "{r:?}"
        );
        let r = api.get("/api/v1/areas/51.01.03").await;
        assert!(
            r.body["areas"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x["code"] == VILLAGE && x["level"] == "village")),
            "{r:?}"
        );
        let r = api.get("/api/v1/areas/99.99").await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{r:?}");

        let (_, token) = quick_applicant(&app.state, PUTU_NIK, "putu@example.com").await;
        let putu = api.with_token(&token);

        // The profile must agree with the NIK (born 9 March 1997, male).
        let r = putu
            .put("/api/v1/me/profile", json!({"birth_date": "1990-01-01", "sex": "P"}))
            .await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
        assert!(r.field("birth_date").contains("tidak sesuai dengan NIK"), "{r:?}");
        assert!(r.field("sex").contains("tidak sesuai dengan NIK"), "{r:?}");
        let profile = json!({"birth_place": "Denpasar", "birth_date": "1997-03-09", "sex": "L", "ktp_rt": "4", "str_number": "5121103318134121"});
        let r = putu.put("/api/v1/me/profile", profile).await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.body["profile"]["ktp_rt"], "004");
        let r = putu.get("/api/v1/me").await;
        assert_eq!(r.body["profile"]["birth_place"], "Denpasar");

        // A new draft is prefilled from the profile.
        let r = putu
            .post(
                "/api/v1/applications",
                json!({"office_id": "jembrana", "permit_code": "SIP-DRSP"}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        let id = r.str("id").to_string();
        assert_eq!(r.body["form"]["tempat_lahir"], "Denpasar");
        assert_eq!(r.body["form"]["nomor_str"], "5121103318134121");

        // Manajer Berkas: add, list, download, attach to a requirement, remove.
        let ktp = demo::samples::pdf("KTP Putu");
        let r = putu
            .raw(
                Method::POST,
                "/api/v1/documents?title=KTP&filename=ktp-putu.pdf",
                ktp.clone(),
                "application/octet-stream",
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        assert_eq!(
            (r.str("title"), r.str("filename"), r.str("mime")),
            ("KTP", "ktp-putu.pdf", "application/pdf")
        );
        let doc_id = r.str("id").to_string();
        let r = putu
            .raw(
                Method::POST,
                "/api/v1/documents?title=Virus&filename=x.pdf",
                b"MZ\x90\x00".to_vec(),
                "application/octet-stream",
            )
            .await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
        assert!(!r.field("file").is_empty(), "{r:?}");
        let r = putu.get("/api/v1/documents").await;
        let docs = r.body["documents"].as_array().expect("documents");
        assert_eq!(docs.len(), 1, "{r:?}");
        assert_eq!(docs[0]["used_in"], json!(0));
        let r = putu.get(&format!("/api/v1/documents/{doc_id}")).await;
        assert_eq!((r.status, r.content_type.as_str()), (200, "application/pdf"));
        assert_eq!(r.bytes, ktp);

        let from_library = format!("/api/v1/applications/{id}/documents/ktp/from-library");
        let r = putu.post(&from_library, json!({"document_id": doc_id})).await;
        assert_eq!(r.status, 200, "{r:?}");
        let ktp_req = r.body["requirements"]
            .as_array()
            .expect("requirements")
            .iter()
            .find(|x| x["key"] == "ktp")
            .cloned()
            .expect("ktp");
        assert_eq!(ktp_req["attached"]["filename"], "ktp-putu.pdf");
        let r = putu
            .post(
                &format!("/api/v1/applications/{id}/documents/pas_foto/from-library"),
                json!({"document_id": doc_id}),
            )
            .await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "a PDF is not a photo: {r:?}");
        assert!(r.field("pas_foto").contains("JPG"), "{r:?}");
        let r = putu
            .raw(Method::POST, &from_library, b"[]".to_vec(), "application/json")
            .await;
        assert_eq!((r.status, r.code()), (400, "bad_request"), "{r:?}");

        let r = putu.delete(&format!("/api/v1/applications/{id}/documents/ktp")).await;
        assert_eq!(r.status, 204, "{r:?}");
        let r = putu.get(&format!("/api/v1/applications/{id}")).await;
        let ktp_req = r.body["requirements"]
            .as_array()
            .expect("requirements")
            .iter()
            .find(|x| x["key"] == "ktp")
            .cloned()
            .expect("ktp");
        assert_eq!(ktp_req["attached"], Value::Null);

        let r = putu.delete(&format!("/api/v1/documents/{doc_id}")).await;
        assert_eq!(r.status, 204, "{r:?}");
        let r = putu.get(&format!("/api/v1/documents/{doc_id}")).await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{r:?}");
        let r = putu.get("/api/v1/documents").await;
        assert_eq!(r.body["documents"], json!([]));

        // A draft can be deleted.
        let r = putu.delete(&format!("/api/v1/applications/{id}")).await;
        assert_eq!(r.status, 204, "{r:?}");
        let r = putu.get(&format!("/api/v1/applications/{id}")).await;
        assert_eq!(r.status, 404, "{r:?}");

        // Forgot/resend: the same answer for known and unknown addresses.
        for email in ["putu@example.com", "tidak-ada@example.com"] {
            let r = api.post("/api/v1/auth/forgot-password", json!({"email": email})).await;
            assert_eq!(r.status, 200, "{r:?}");
            let r = api
                .post("/api/v1/auth/resend-verification", json!({"email": email}))
                .await;
            assert_eq!(r.status, 200, "{r:?}");
        }
        let mail = app.smtp.wait_for("putu@example.com", "Atur ulang kata sandi").await;
        let link = extract_link(&mail, &format!("{}/atur-ulang-sandi?token=", app.base));
        let reset_token = link.split_once("token=").expect("token").1.to_string();
        let new_password = "Sandi-Baru-Putu-2026";
        let r = api
            .post(
                "/api/v1/auth/reset-password",
                json!({"token": reset_token, "password": new_password, "password_confirm": new_password}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        let r = putu.get("/api/v1/me").await;
        assert_eq!(r.status, 401, "a reset ends every session: {r:?}");
        let r = api
            .post(
                "/api/v1/auth/login",
                json!({"email": "putu@example.com", "password": new_password}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
    }
);

dual_test!(
    api_cap_of_three_active_permits_per_profession,
    |app: TestApp| async move {
        staff_office(&app.state, "jembrana").await;
        let api = Api::new(&app);
        let (id, token) = quick_applicant(&app.state, PUTU_NIK, "putu@example.com").await;
        let putu = api.with_token(&token);
        let places = [
            "RSU Negara",
            "Klinik Pratama Pekutatan",
            "Praktik Dokter Bersama Jembrana",
        ];
        let mut numbers = Vec::new();
        for (i, place) in places.iter().enumerate() {
            let app_id = ready_draft(&app.state, &id, place, i as u32 + 1).await;
            let r = putu
                .post(&format!("/api/v1/applications/{app_id}/submit"), json!({}))
                .await;
            assert_eq!((r.status, r.str("status")), (200, "submitted"), "{place}: {r:?}");
            numbers.push(r.str("registration_number").to_string());
        }

        // The fourth practice place for the same profession is refused, naming the other three.
        let fourth = ready_draft(&app.state, &id, "RS Bali Barat", 3).await;
        let r = putu
            .post(&format!("/api/v1/applications/{fourth}/submit"), json!({}))
            .await;
        assert_eq!((r.status, r.code()), (422, "refused"), "{r:?}");
        for (number, place) in numbers.iter().zip(places) {
            assert!(r.message().contains(number.as_str()), "{number} in {}", r.message());
            assert!(r.message().contains(place), "{place} in {}", r.message());
        }
        assert!(r.message().contains("3 dari 3 tempat praktik"), "{}", r.message());
        let r = putu.get(&format!("/api/v1/applications/{fourth}")).await;
        assert_eq!(
            (r.body["status"].as_str(), &r.body["registration_number"]),
            (Some("draft"), &Value::Null),
            "{r:?}"
        );
        let listed = putu.get("/api/v1/applications").await;
        assert_eq!(listed.body["applications"].as_array().map(Vec::len), Some(4));
    }
);

dual_test!(
    api_parallel_submissions_get_distinct_contiguous_numbers,
    |app: TestApp| async move {
        const N: u32 = 20;
        staff_office(&app.state, "jembrana").await;
        let api = Api::new(&app);
        // Applicants and complete drafts through the service layer, concurrently to save time.
        let setups: Vec<_> = (1..=N)
            .map(|i| {
                let state = app.state.clone();
                tokio::spawn(async move {
                    let (applicant_id, token) =
                        quick_applicant(&state, &nik(i, i), &format!("nakes{i}@example.com")).await;
                    let id = ready_draft(&state, &applicant_id, &format!("Klinik Nomor {i}"), 1).await;
                    (token, id)
                })
            })
            .collect();
        let mut drafts = Vec::new();
        for setup in setups {
            let (token, id) = setup.await.expect("setup");
            drafts.push((api.with_token(&token), id));
        }
        // Every draft is submitted twice at once (a double click), all forty requests in parallel.
        let mut tasks = Vec::new();
        for (client, id) in &drafts {
            for _ in 0..2 {
                let (client, id) = (client.clone(), id.clone());
                tasks.push(tokio::spawn(async move {
                    let r = client
                        .post(&format!("/api/v1/applications/{id}/submit"), json!({}))
                        .await;
                    assert_eq!((r.status, r.str("status")), (200, "submitted"), "{r:?}");
                    (id, r.str("registration_number").to_string())
                }));
            }
        }
        let mut by_application = std::collections::BTreeMap::<String, BTreeSet<String>>::new();
        for t in tasks {
            let (id, number) = t.await.expect("task");
            by_application.entry(id).or_default().insert(number);
        }
        assert_eq!(by_application.len(), N as usize);
        let mut numbers = Vec::new();
        for (id, set) in &by_application {
            assert_eq!(set.len(), 1, "both submits of {id} report the same number: {set:?}");
            numbers.extend(set.iter().cloned());
        }
        let prefix = numbers[0].rsplit_once('-').expect("number").0.to_string();
        assert!(prefix.starts_with("JBR-"), "{prefix}");
        assert!(
            numbers.iter().all(|n| n.starts_with(&prefix)),
            "one office, one year: {numbers:?}"
        );
        let mut seqs: Vec<u32> = numbers.iter().map(|n| seq_of(n)).collect();
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=N).collect::<Vec<_>>(), "distinct, no gaps: {numbers:?}");
        // The database agrees.
        let stored: Vec<String> =
        sqlx::query_scalar("SELECT registration_number FROM applications WHERE registration_number IS NOT NULL ORDER BY registration_number")
            .fetch_all(&app.state.db.pool)
            .await
            .expect("numbers");
        let mut sorted = numbers.clone();
        sorted.sort();
        assert_eq!(stored, sorted);
    }
);

dual_test!(
    a_session_ends_at_once_here_and_within_seconds_when_ended_elsewhere,
    |app: TestApp| async move {
        // Ended on this server (logout): the very next request is refused.
        let (_, token) = quick_applicant(&app.state, PUTU_NIK, "putu@example.com").await;
        let api = Api::new(&app).with_token(&token);
        assert_eq!(api.get("/api/v1/me").await.status, 200);
        assert_eq!(
            api.get("/api/v1/me").await.status,
            200,
            "resolved twice (the second from the cache)"
        );
        let r = api.post("/api/v1/auth/logout", json!({})).await;
        assert!(r.status < 300, "{r:?}");
        assert_eq!(api.get("/api/v1/me").await.status, 401);

        // Ended by another server behind the same database (here: SQL past this server).
        let (id, token) = quick_applicant(&app.state, "5104010903970005", "made@example.com").await;
        let api = Api::new(&app).with_token(&token);
        assert_eq!(api.get("/api/v1/me").await.status, 200);
        sqlx::query("DELETE FROM sessions WHERE subject_id = $1")
            .bind(&id)
            .execute(&app.state.db.pool)
            .await
            .expect("end the session elsewhere");
        let limit = izinkes_app::auth::sessions::SESSION_CACHE_TTL + std::time::Duration::from_secs(2);
        crate::support::within(limit, "the session ended elsewhere", || async {
            api.get("/api/v1/me").await.status == 401
        })
        .await;
    }
);
