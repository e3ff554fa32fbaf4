//! The two new kinds of permit type (issue 16): an establishment's permit (SLHS for a rumah
//! makan: the business in Tahap 1, a field inspection with laboratory results before the file
//! moves on, the certificate issued to the business) and a cancellation at the holder's request
//! (pencabutan SIP: started from Izin Saya, a short workflow, the signed letter revokes the
//! permit at once).

use crate::api::Api;
use crate::bad_input::quick_applicant;
use crate::dual_test;
use crate::permits::{check_all, desk, kadis_officer, login_officer, staff, tool};
use crate::support::{Browser, TestApp};
use izinkes_domain::catalog::{FieldKind, FileFormat, PermitType};
use izinkes_domain::workflow::Product;

/// Tahap 1 at Jembrana, with the business block when `business` is given.
async fn step1(b: &Browser, id: &str, business: &[(&str, &str)]) -> crate::support::Response {
    let mut fields = vec![
        ("name", "NI MADE AYU"),
        ("email", "ayu@example.com"),
        ("phone", "081234567890"),
        ("address", "JL. NGURAH RAI NO. 5"),
        ("village_code", "51.01.03.2004"),
        ("facility_name", "RM Sederhana Jaya"),
        ("location_village_code", "51.01.03.2004"),
        ("location_address", "JL. RAYA DENPASAR GILIMANUK NO. 12"),
    ];
    fields.extend_from_slice(business);
    b.post(&format!("/permohonan/{id}/tahap-1"), &fields).await
}

/// A valid answer for every field of the type's form (its example where it has one).
fn answers(permit: &PermitType) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in &permit.fields {
        match f.kind {
            FieldKind::Days => out.push((f.key.clone(), "Senin".to_string())),
            FieldKind::TimeRange => {
                out.push((format!("{}__from", f.key), "08:00".into()));
                out.push((format!("{}__to", f.key), "16:00".into()));
            }
            FieldKind::Select => out.push((f.key.clone(), f.options[0].clone())),
            FieldKind::Date => out.push((f.key.clone(), "2026-01-02".into())),
            FieldKind::Number => out.push((f.key.clone(), "3".into())),
            FieldKind::Text | FieldKind::Textarea => out.push((
                f.key.clone(),
                f.example.clone().unwrap_or_else(|| "Isian contoh".into()),
            )),
        }
    }
    out
}

async fn step2(b: &Browser, id: &str, permit: &PermitType) {
    let values = answers(permit);
    let fields: Vec<(&str, &str)> = values.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = b.post(&format!("/permohonan/{id}/tahap-2"), &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
}

/// Uploads every requirement the type always needs.
async fn upload_required(b: &Browser, id: &str, permit: &PermitType) {
    for req in permit.needed_requirements(&Default::default()) {
        let (name, bytes) = if req.formats.contains(&FileFormat::Pdf) {
            (format!("{}.pdf", req.key), izinkes_app::demo::samples::pdf(&req.key))
        } else {
            ("foto.jpg".to_string(), izinkes_app::demo::samples::jpeg())
        };
        let r = b
            .upload(
                &format!("/permohonan/{id}/syarat/{}", req.key),
                "file",
                &name,
                bytes,
                &[],
            )
            .await;
        assert_eq!(r.status, 303, "{}: {}", req.key, r.body);
    }
}

fn permit_type(code: &str) -> PermitType {
    izinkes_domain::catalog::Catalog::builtin()
        .get(code)
        .cloned()
        .unwrap_or_else(|| panic!("{code} in the built-in catalog"))
}

async fn start(b: &Browser, code: &str) -> String {
    let r = b
        .post("/permohonan/baru", &[("izin", code), ("office", "jembrana")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    r.location
        .unwrap()
        .trim_start_matches("/permohonan/")
        .trim_end_matches("/tahap-1")
        .to_string()
}

async fn submit(b: &Browser, id: &str) {
    let r = b.post(&format!("/permohonan/{id}/ajukan"), &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
}

async fn berita_acara(b: &Browser, id: &str, extra: &[(&str, &str)]) -> crate::support::Response {
    let page = b.get(&format!("/petugas/berkas/{id}")).await;
    let lock = page.value_of("lock_version");
    let key = format!("ba-{id}-{}", extra.len());
    let mut fields = vec![
        ("lock_version", lock.as_str()),
        ("request_key", key.as_str()),
        ("date", "2026-01-05"),
        ("officers", "Tim Kesehatan Lingkungan"),
        ("result", "sesuai"),
    ];
    fields.extend_from_slice(extra);
    b.upload(
        &format!("/petugas/berkas/{id}/berita-acara"),
        "file",
        "ba.pdf",
        izinkes_app::demo::samples::pdf("BA"),
        &fields,
    )
    .await
}

const LAB: [(&str, &str); 3] = [
    ("lab_laboratory", "UPT Laboratorium Kesehatan Daerah"),
    ("lab_report_number", "LAB/2026/0042"),
    ("lab_result", "memenuhi"),
];

/// Every desk of the file's own workflow at Jembrana, to ready-to-sign.
async fn walk(app: &TestApp, id: &str, code: &str) {
    let wf = izinkes_app::desks::workflows::current_workflow(&app.state, "jembrana", code)
        .await
        .unwrap();
    for step in &wf.definition.steps {
        let b = login_officer(app, "jembrana", &step.role, None).await;
        for p in &step.produces {
            match p {
                Product::Checklist => check_all(app, &b, id).await,
                Product::BeritaAcara => {
                    let r = berita_acara(&b, id, &LAB).await;
                    assert_eq!(r.status, 303, "{}", r.body);
                }
                Product::Recommendation => {
                    desk(
                        &b,
                        id,
                        &[
                            ("action", "recommend"),
                            ("approve", "ya"),
                            ("number", "440/7/DINKES/2026"),
                        ],
                    )
                    .await
                }
                Product::DraftSk => desk(&b, id, &[("action", "prepare_draft")]).await,
                Product::Paraf => desk(&b, id, &[("action", "paraf")]).await,
                Product::Approval => desk(&b, id, &[("action", "approve")]).await,
            }
        }
        desk(&b, id, &[("action", "forward")]).await;
    }
}

async fn permit_of(app: &TestApp, application_id: &str) -> String {
    sqlx::query_scalar("SELECT id FROM permits WHERE application_id = $1")
        .bind(application_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn pdf_text(app: &TestApp, permit_id: &str, name: &str) -> String {
    let sha: String = sqlx::query_scalar("SELECT pdf_sha256 FROM permits WHERE id = $1")
        .bind(permit_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let bytes = app.state.store.get(&sha).await.unwrap();
    let path = std::env::temp_dir().join(format!("{name}-{}.pdf", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let text = tool("pdftotext", &[path.to_str().unwrap(), "-"]);
    let _ = std::fs::remove_file(&path);
    text
}

dual_test!(
    an_slhs_for_a_rumah_makan_is_inspected_with_lab_results_and_issued_to_the_business,
    |app: TestApp| async move {
        staff(&app, "jembrana").await;
        let applicant = quick_applicant(&app, "5104010903970011", "ayu@example.com").await;
        let slhs = permit_type("SLHS-RM");
        let id = start(&applicant, "SLHS-RM").await;

        // Tahap 1 asks for the business; without its NIB, owner and person in charge it is refused
        // next to each field, the values kept.
        let page = applicant.get(&format!("/permohonan/{id}/tahap-1")).await;
        assert!(page.body.contains("Nomor Induk Berusaha (NIB)"), "{}", page.body);
        assert!(page.body.contains("Nama Tempat Usaha"));
        let r = step1(
            &applicant,
            &id,
            &[("company_nib", "12345"), ("company_name", "CV Sederhana Jaya")],
        )
        .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.field_error("company_nib").contains("13 digit"), "{}", r.body);
        assert!(!r.field_error("company_owner").is_empty());
        assert!(!r.field_error("person_in_charge").is_empty());
        assert!(!r.field_error("company_npwp").is_empty());
        assert_eq!(r.value_of("company_name"), "CV Sederhana Jaya");
        let business = [
            ("company_nib", "9120 1234 56789"),
            ("company_name", "CV Sederhana Jaya"),
            ("company_owner", "I Made Sudarma"),
            ("person_in_charge", "Ni Luh Putu Sari"),
            ("company_address", "JL. RAYA DENPASAR GILIMANUK NO. 12"),
            ("company_npwp", "0123456789012345"),
            ("business_type", "Rumah Makan"),
        ];
        let r = step1(&applicant, &id, &business).await;
        assert_eq!(r.status, 303, "{}", r.body);
        step2(&applicant, &id, &slhs).await;
        upload_required(&applicant, &id, &slhs).await;
        submit(&applicant, &id).await;

        // The office default (SEPOK) has an inspection step; the file starts on it.
        let fo = login_officer(&app, "jembrana", "front_office", None).await;
        check_all(&app, &fo, &id).await;
        desk(&fo, &id, &[("action", "forward")]).await;

        // The technical team cannot pass the file on before the inspection is recorded, and the
        // Berita Acara of an SLHS needs the laboratory results.
        let tt = login_officer(&app, "jembrana", "tim_teknis", None).await;
        let page = tt.get(&format!("/petugas/berkas/{id}")).await;
        assert!(page.body.contains("hasil uji laboratorium"), "{}", page.body);
        assert!(page.body.contains("Laboratorium penguji"));
        let lock = page.value_of("lock_version");
        let r = tt
            .post(
                &format!("/petugas/berkas/{id}/aksi"),
                &[
                    ("action", "forward"),
                    ("lock_version", &lock),
                    ("request_key", "early-forward"),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("wajib pemeriksaan lapangan"), "{}", r.body);
        let r = berita_acara(&tt, &id, &[]).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("nama laboratorium"), "{}", r.body);
        let r = berita_acara(&tt, &id, &LAB).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = tt.get(&format!("/petugas/berkas/{id}")).await;
        assert!(page.body.contains("LAB/2026/0042: memenuhi syarat"), "{}", page.body);
        desk(
            &tt,
            &id,
            &[
                ("action", "recommend"),
                ("approve", "ya"),
                ("number", "440/8/DINKES/2026"),
            ],
        )
        .await;
        desk(&tt, &id, &[("action", "forward")]).await;
        let bo = login_officer(&app, "jembrana", "back_office", None).await;
        desk(&bo, &id, &[("action", "prepare_draft")]).await;
        desk(&bo, &id, &[("action", "forward")]).await;

        let permit = permit_of(&app, &id).await;
        let kadis = kadis_officer(&app, "jembrana").await;
        izinkes_app::permits::signing::sign_one(&app.state, &kadis, &permit)
            .await
            .unwrap();
        let (holder, valid_until): (String, Option<String>) =
            sqlx::query_as("SELECT holder_name, valid_until FROM permits WHERE id = $1")
                .bind(&permit)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        assert_eq!(holder, "CV Sederhana Jaya", "the certificate is the business's");
        assert!(valid_until.is_some());
        let text = pdf_text(&app, &permit, "slhs").await;
        assert!(text.contains("SERTIFIKAT LAIK HIGIENE SANITASI"), "{text}");
        assert!(text.contains("9120123456789"), "the NIB, digits only: {text}");
        assert!(text.contains("Ni Luh Putu Sari"), "the person in charge: {text}");
        assert!(!text.contains("Nomor STR"), "{text}");

        // A business's certificate takes no practice place: a second SLHS for another outlet goes in.
        let second = start(&applicant, "SLHS-RM").await;
        assert_eq!(step1(&applicant, &second, &business).await.status, 303);
        step2(&applicant, &second, &slhs).await;
        upload_required(&applicant, &second, &slhs).await;
        submit(&applicant, &second).await;
    }
);

dual_test!(
    a_workflow_without_an_inspection_is_refused_for_a_type_that_needs_one,
    |app: TestApp| async move {
        staff(&app, "jembrana").await;
        let cilegon = izinkes_domain::workflow::WorkflowDefinition::preset("cilegon").unwrap();
        let err = izinkes_app::desks::workflows::publish(&app.state, "jembrana", "SLHS-DAM", &cilegon, None)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("wajib pemeriksaan lapangan"), "{err}");
        // A practice permit may use it.
        izinkes_app::desks::workflows::publish(&app.state, "jembrana", "SIP-DR", &cilegon, None)
            .await
            .unwrap();
    }
);

/// An issued SIP Dokter of the applicant at Jembrana: (application id, permit id).
async fn issued_sip_dr(app: &TestApp, b: &Browser) -> (String, String) {
    let sip = permit_type("SIP-DR");
    let id = start(b, "SIP-DR").await;
    assert_eq!(step1(b, &id, &[]).await.status, 303);
    step2(b, &id, &sip).await;
    upload_required(b, &id, &sip).await;
    submit(b, &id).await;
    walk(app, &id, "SIP-DR").await;
    let permit = permit_of(app, &id).await;
    let kadis = kadis_officer(app, "jembrana").await;
    izinkes_app::permits::signing::sign_one(&app.state, &kadis, &permit)
        .await
        .unwrap();
    (id, permit)
}

dual_test!(
    a_holder_cancels_a_sip_and_its_verification_page_says_dicabut,
    |app: TestApp| async move {
        staff(&app, "jembrana").await;
        let applicant = quick_applicant(&app, "5104010903970012", "dokter@example.com").await;
        let (_, permit) = issued_sip_dr(&app, &applicant).await;
        let token: String = sqlx::query_scalar("SELECT token FROM permits WHERE id = $1")
            .bind(&permit)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();

        // A cancellation is not a new application from the catalog…
        let r = applicant
            .post("/permohonan/baru", &[("izin", "CABUT-SIP-DR"), ("office", "jembrana")])
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("Izin Saya"), "{}", r.body);
        // …but offered on the active permit in Izin Saya.
        let mine = applicant.get("/izin").await;
        assert!(mine.body.contains("Ajukan pencabutan"), "{}", mine.body);
        let r = applicant.post(&format!("/izin/{permit}/cabut"), &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let location = r.location.unwrap();
        assert!(location.ends_with("/tahap-2"), "{location}");
        let cancel = location
            .trim_start_matches("/permohonan/")
            .trim_end_matches("/tahap-2")
            .to_string();
        // Asking twice reopens the same draft.
        let again = applicant.post(&format!("/izin/{permit}/cabut"), &[]).await;
        assert_eq!(again.location.as_deref(), Some(location.as_str()));

        let kind = permit_type("CABUT-SIP-DR");
        step2(&applicant, &cancel, &kind).await;
        upload_required(&applicant, &cancel, &kind).await;
        submit(&applicant, &cancel).await;
        // While it is worked on, the permit cannot also be changed.
        let r = applicant.get(&format!("/izin/{permit}/ubah")).await;
        assert!(r.body.contains("sedang diproses"), "{}", r.body);

        // The short cancellation workflow, then the head of office signs the letter.
        let wf = izinkes_app::desks::workflows::current_workflow(&app.state, "jembrana", "CABUT-SIP-DR")
            .await
            .unwrap();
        assert_eq!(wf.definition.key, "pencabutan");
        walk(&app, &cancel, "CABUT-SIP-DR").await;
        assert!(app.browser().get(&format!("/v/{token}")).await.body.contains("Aktif"));
        let letter = permit_of(&app, &cancel).await;
        let kadis = kadis_officer(&app, "jembrana").await;
        izinkes_app::permits::signing::sign_one(&app.state, &kadis, &letter)
            .await
            .unwrap();

        // The permit is revoked by that letter, and its public page says so at once.
        let (status, decree, letter_number): (String, Option<String>, String) = sqlx::query_as(
        "SELECT p.status, p.revoke_decree, l.number FROM permits p JOIN permits l ON l.cancels_permit = p.id WHERE p.id = $1",
    )
    .bind(&permit)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
        assert_eq!(status, "revoked");
        assert_eq!(decree.as_deref(), Some(letter_number.as_str()));
        let public = app.browser().get(&format!("/v/{token}")).await;
        assert!(public.body.contains("Dicabut"), "{}", public.body);
        let text = pdf_text(&app, &letter, "pencabutan").await;
        assert!(text.contains("PENCABUTAN SURAT IZIN PRAKTIK DOKTER"), "{text}");
        assert!(text.contains("Mencabut"), "{text}");
        let mine = applicant.get("/izin").await;
        assert!(mine.body.contains("Surat Keputusan Pencabutan"), "{}", mine.body);
        assert!(mine.body.contains(&letter_number));
        // Nothing more to cancel.
        let r = applicant.post(&format!("/izin/{permit}/cabut"), &[]).await;
        assert_eq!(r.status, 422, "{}", r.body);
        let audit = izinkes_app::applications::history::verify(&app.state).await.unwrap();
        assert!(audit.findings.is_empty(), "{:?}", audit.findings);
    }
);

dual_test!(
    the_api_starts_a_cancellation_from_the_permit,
    |app: TestApp| async move {
        staff(&app, "jembrana").await;
        let applicant = quick_applicant(&app, "5104010903970013", "apiku@example.com").await;
        let (_, permit) = issued_sip_dr(&app, &applicant).await;
        let api = Api::new(&app);
        let token = crate::api::login(&api, "apiku@example.com").await;
        let api = api.with_token(&token);
        let r = api
            .post(&format!("/api/v1/permits/{permit}/cancel"), serde_json::json!({}))
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        assert_eq!(r.body["permit_code"], "CABUT-SIP-DR", "{r:?}");
        let again = api
            .post(&format!("/api/v1/permits/{permit}/cancel"), serde_json::json!({}))
            .await;
        assert_eq!(again.body["id"], r.body["id"], "the same draft");
        // Someone else's permit is not found.
        let (_, other) = crate::api::quick_applicant(&app.state, "5104010903970014", "lain@example.com").await;
        let r = Api::new(&app)
            .with_token(&other)
            .post(&format!("/api/v1/permits/{permit}/cancel"), serde_json::json!({}))
            .await;
        assert_eq!(r.status, 404, "{r:?}");
    }
);
