//! The office's documents as data: kop surat and signer block, the emblem, and the office's own
//! templates (checked with sample data before saving, previewed as PDF, used for the next
//! permit, versioned, put back to the default); and perubahan data of an issued permit.

use crate::bad_input::quick_applicant;
use crate::dual_test;
use crate::permits::{enrol_totp, kadis_officer, login_officer, ready_to_sign, staff, tool, walk_to_ready};
use crate::support::{Browser, TestApp};
use izinkes_domain::roles::Role;

const PASSWORD: &str = "petugas-kantor-2026";

/// An admin of `office` with an authenticator (admins must use one), signed in.
pub(crate) async fn admin(app: &TestApp, office: &str) -> Browser {
    izinkes_app::accounts::officers::add_officer(
        &app.state,
        office,
        &format!("admin.{office}@kantor.example.id"),
        "Admin Kantor",
        "Admin",
        PASSWORD,
        &[Role::Admin],
    )
    .await
    .unwrap();
    let secret = enrol_totp(app, &format!("admin.{office}@kantor.example.id")).await;
    login_officer(app, office, "admin", Some(&secret)).await
}

/// Posts a form and returns (status, content type, body bytes): for PDF answers.
async fn post_bytes(b: &Browser, path: &str, fields: &[(&str, &str)]) -> (u16, String, Vec<u8>) {
    let token = b.csrf().await;
    let mut form = fields.to_vec();
    form.push(("_csrf", &token));
    let r = b
        .client
        .post(format!("{}{}", b.base, path))
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, ct, r.bytes().await.unwrap().to_vec())
}

async fn get_bytes(b: &Browser, path: &str) -> (u16, String, Vec<u8>) {
    let r = b.client.get(format!("{}{}", b.base, path)).send().await.unwrap();
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, ct, r.bytes().await.unwrap().to_vec())
}

fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    // One line: sentences wrap anywhere on the page.
    tool("pdftotext", &[path.to_str().unwrap(), "-"])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

dual_test!(the_admin_sets_the_letterhead_and_the_logo, |app: TestApp| async move {
    let a = admin(&app, "jembrana").await;
    let page = a.get("/petugas/admin/dokumen").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Kop surat dan penandatangan"));

    // Wrong input: messages next to the fields, the values kept, nothing saved.
    let bad = a
        .post(
            "/petugas/admin/dokumen",
            &[
                ("government", ""),
                ("office_title", "DINAS PMPTSP UJI"),
                ("address", "Jalan Surapati No. 1, Negara"),
                ("place", "Negara"),
                ("layout", "sip"),
                ("signer_name", "I Made Contoh"),
                ("signer_position", "KEPALA DINAS"),
                ("signer_nip", "12345"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.field_error("government").contains("wajib diisi"));
    assert!(bad.field_error("signer_nip").contains("18 angka"));
    assert_eq!(bad.value_of("office_title"), "DINAS PMPTSP UJI");
    let title: String = sqlx::query_scalar("SELECT office_title FROM office_documents WHERE office_id = 'jembrana'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_ne!(title, "DINAS PMPTSP UJI", "nothing saved on error");

    let ok = a
        .post(
            "/petugas/admin/dokumen",
            &[
                ("government", "PEMERINTAH KABUPATEN JEMBRANA"),
                ("office_title", "DINAS PMPTSP UJI"),
                ("address", "Jalan Surapati No. 1, Negara"),
                ("contact", "Telepon (0365) 41210"),
                ("place", "Negara"),
                ("layout", "sip"),
                ("signer_name", "I Made Contoh"),
                ("signer_position", "KEPALA DINAS PMPTSP"),
                ("signer_nip", "197001012000031001"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let (status, ct, pdf) = get_bytes(&a, "/petugas/admin/dokumen/pratinjau/sk").await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("application/pdf"), "{ct}");
    let text = pdf_text(&pdf);
    assert!(text.contains("DINAS PMPTSP UJI"), "{text}");
    assert!(text.contains("I Made Contoh"), "{text}");
    assert!(text.contains("197001012000031001"), "{text}");

    // The emblem: a broken image is refused next to the field; a real PNG is stored.
    let broken = a
        .upload(
            "/petugas/admin/dokumen/logo",
            "logo",
            "logo.jpg",
            izinkes_app::demo::samples::jpeg(),
            &[("what", "unggah")],
        )
        .await;
    assert_eq!(broken.status, 422, "{}", broken.body);
    assert!(
        broken.field_error("logo").contains("rusak"),
        "{}",
        broken.field_error("logo")
    );
    let not_image = a
        .upload(
            "/petugas/admin/dokumen/logo",
            "logo",
            "logo.png",
            b"<svg/>".to_vec(),
            &[("what", "unggah")],
        )
        .await;
    assert_eq!(not_image.status, 422);
    assert!(not_image.field_error("logo").contains("PNG atau JPEG"));
    let good = a
        .upload(
            "/petugas/admin/dokumen/logo",
            "logo",
            "logo.png",
            izinkes_app::demo::samples::PNG.to_vec(),
            &[("what", "unggah")],
        )
        .await;
    assert_eq!(good.status, 303, "{}", good.body);
    let logo: Option<String> =
        sqlx::query_scalar("SELECT logo_sha256 FROM office_documents WHERE office_id = 'jembrana'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert!(logo.is_some());
    let (status, _, _) = get_bytes(&a, "/petugas/admin/dokumen/pratinjau/bukti-pendaftaran").await;
    assert_eq!(status, 200, "the receipt renders with the logo");
    let removed = a
        .upload(
            "/petugas/admin/dokumen/logo",
            "logo",
            "",
            Vec::new(),
            &[("what", "hapus")],
        )
        .await;
    assert_eq!(removed.status, 303);
    let logo: Option<String> =
        sqlx::query_scalar("SELECT logo_sha256 FROM office_documents WHERE office_id = 'jembrana'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert!(logo.is_none());

    // Other officers do not reach the admin's documents.
    staff(&app, "jembrana").await;
    let fo = login_officer(&app, "jembrana", "front_office", None).await;
    assert_eq!(fo.get("/petugas/admin/dokumen").await.status, 403);
    assert_eq!(fo.get("/petugas/admin/dokumen/templat/sk").await.status, 403);
});

dual_test!(
    an_office_template_is_checked_previewed_versioned_and_used,
    |app: TestApp| async move {
        let secret = staff(&app, "jembrana").await;
        let _ = secret;
        let a = admin(&app, "jembrana").await;
        let editor = a.get("/petugas/admin/dokumen/templat/sk").await;
        assert_eq!(editor.status, 200, "{}", editor.body);
        let default = editor.text("#f-source");
        assert!(
            default.contains("<izinkes-signature>"),
            "the editor starts from the default"
        );
        assert_eq!(a.get("/petugas/admin/dokumen/templat/tidak-ada").await.status, 404);

        // A template that does not compile: typst's message next to the field, the text kept.
        let broken = "#let data = json(\"data.json\")\n#let x = (\n";
        let r = a
            .post(
                "/petugas/admin/dokumen/templat/sk",
                &[("what", "simpan"), ("source", broken)],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.field_error("source").contains("Templat tidak dapat dirender"),
            "{}",
            r.field_error("source")
        );
        assert!(
            r.field_error("source").contains("line"),
            "names the line: {}",
            r.field_error("source")
        );
        assert_eq!(r.text("#f-source"), broken);

        // An SK template without a signature area cannot carry a signature.
        let r = a
            .post(
                "/petugas/admin/dokumen/templat/sk",
                &[
                    ("what", "simpan"),
                    ("source", "#let d = json(\"data.json\")\n= #d.title\n"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(
            r.field_error("source").contains("area tanda tangan"),
            "{}",
            r.field_error("source")
        );
        let r = a
            .post(
                "/petugas/admin/dokumen/templat/sk",
                &[("what", "simpan"), ("source", "  ")],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.field_error("source").contains("tidak boleh kosong"));
        let saved: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM document_templates")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(saved, 0, "nothing saved from a refused template");

        // The office's own version: previewed from the editor, then saved.
        let custom = default
            .replace("[Ditetapkan di]", "[TPLJBR di]")
            .replace("[#d.place_and_date]", "[TPLJBR #d.place_and_date]");
        assert_ne!(
            custom, default,
            "the default template has the signer block this test edits"
        );
        let (status, ct, pdf) = post_bytes(
            &a,
            "/petugas/admin/dokumen/templat/sk",
            &[("what", "pratinjau"), ("source", &custom)],
        )
        .await;
        assert_eq!(status, 200);
        assert!(ct.starts_with("application/pdf"));
        assert!(pdf_text(&pdf).contains("TPLJBR"));
        let r = a
            .post(
                "/petugas/admin/dokumen/templat/sk",
                &[("what", "simpan"), ("source", &custom)],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = a.get("/petugas/admin/dokumen").await;
        assert!(page.body.contains("Templat kantor, versi 1"), "{}", page.body);

        // The next permit is rendered with it, and still signed and verifiable.
        let applicant = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let id = ready_to_sign(&app, &applicant).await;
        let permit: String = sqlx::query_scalar("SELECT id FROM permits WHERE application_id = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let head = kadis_officer(&app, "jembrana").await;
        izinkes_app::permits::signing::sign_one(&app.state, &head, &permit)
            .await
            .unwrap();
        let (status, _, signed) = get_bytes(&applicant, &format!("/izin/{permit}/unduh")).await;
        assert_eq!(status, 200);
        assert!(pdf_text(&signed).contains("TPLJBR"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sk.pdf");
        std::fs::write(&path, &signed).unwrap();
        let sig = tool("pdfsig", &[path.to_str().unwrap()]);
        assert!(sig.contains("Signature is Valid"), "{sig}");

        // Back to the default: a new version, and the default is in force again.
        let r = a.post("/petugas/admin/dokumen/templat/sk", &[("what", "bawaan")]).await;
        assert_eq!(r.status, 303);
        assert!(
            izinkes_app::permits::templates::in_force(
                &app.state,
                "jembrana",
                izinkes_app::permits::templates::TemplateKind::Sk
            )
            .await
            .unwrap()
            .is_none()
        );
        let history = a.get("/petugas/admin/dokumen/templat/sk").await;
        assert!(history.body.contains("kembali ke bawaan"));
        let versions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM document_templates WHERE office_id = 'jembrana'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(versions, 2, "every version is kept");

        // Another office is not affected.
        assert!(
            izinkes_app::permits::templates::in_force(
                &app.state,
                "pontianak",
                izinkes_app::permits::templates::TemplateKind::Sk
            )
            .await
            .unwrap()
            .is_none()
        );
    }
);

dual_test!(
    a_change_of_data_replaces_the_permit_and_keeps_its_end_date,
    |app: TestApp| async move {
        staff(&app, "jembrana").await;
        let applicant = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let first = ready_to_sign(&app, &applicant).await;
        let old: String = sqlx::query_scalar("SELECT id FROM permits WHERE application_id = $1")
            .bind(&first)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let head = kadis_officer(&app, "jembrana").await;
        izinkes_app::permits::signing::sign_one(&app.state, &head, &old)
            .await
            .unwrap();
        let old_row = izinkes_app::permits::archive::by_id(&app.state, &old).await.unwrap();

        let mine = applicant.get("/izin").await;
        assert!(
            mine.body.contains(&format!("/izin/{old}/ubah")),
            "Izin Saya offers the change"
        );
        let form = applicant.get(&format!("/izin/{old}/ubah")).await;
        assert_eq!(form.status, 200, "{}", form.body);
        assert_eq!(form.value_of("facility_name"), "RSU Negara", "prefilled");
        let village = "51.01.03.2004";

        // Nothing changed, no reason: refused next to the fields, values kept.
        let r = applicant
            .post(
                &format!("/izin/{old}/ubah"),
                &[
                    ("facility_name", "RSU Negara"),
                    ("location_address", "JL. RAYA DENPASAR GILIMANUK, PEKUTATAN"),
                    ("location_village_code", village),
                    ("hari_praktik", "Senin"),
                    ("hari_praktik", "Selasa"),
                    ("hari_praktik", "Rabu"),
                    ("waktu_praktik__from", "08:00"),
                    ("waktu_praktik__to", "12:00"),
                    ("reason", "pindah"),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.field_error("reason").contains("10 karakter"));
        let r = applicant
            .post(
                &format!("/izin/{old}/ubah"),
                &[
                    ("facility_name", "RSU Negara"),
                    ("location_address", "JL. RAYA DENPASAR GILIMANUK, PEKUTATAN"),
                    ("location_village_code", village),
                    ("hari_praktik", "Senin"),
                    ("hari_praktik", "Selasa"),
                    ("hari_praktik", "Rabu"),
                    ("waktu_praktik__from", "08:00"),
                    ("waktu_praktik__to", "12:00"),
                    ("reason", "Pindah tempat praktik ke klinik baru"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.field_error("facility_name").contains("Belum ada data yang diubah"));
        // A schedule with the end before the start is refused like in the wizard.
        let r = applicant
            .post(
                &format!("/izin/{old}/ubah"),
                &[
                    ("facility_name", "Klinik Sehat Sentosa"),
                    ("location_address", "Jalan Udayana No. 9"),
                    ("location_village_code", village),
                    ("hari_praktik", "Kamis"),
                    ("waktu_praktik__from", "20:00"),
                    ("waktu_praktik__to", "16:00"),
                    ("reason", "Pindah tempat praktik ke klinik baru"),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(!r.field_error("waktu_praktik").is_empty());
        assert_eq!(r.value_of("facility_name"), "Klinik Sehat Sentosa", "values kept");
        let drafts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM applications WHERE change_of = $1")
            .bind(&old)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(drafts, 0, "nothing written on error");

        let r = applicant
            .post(
                &format!("/izin/{old}/ubah"),
                &[
                    ("facility_name", "Klinik Sehat Sentosa"),
                    ("location_address", "Jalan Udayana No. 9"),
                    ("location_village_code", village),
                    ("hari_praktik", "Kamis"),
                    ("hari_praktik", "Jumat"),
                    ("waktu_praktik__from", "16:00"),
                    ("waktu_praktik__to", "20:00"),
                    ("reason", "Pindah tempat praktik ke klinik baru"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let change = r.location.unwrap().trim_start_matches("/permohonan/").to_string();
        let status: String = sqlx::query_scalar("SELECT status FROM applications WHERE id = $1")
            .bind(&change)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(status, "submitted", "submitted at once with the earlier documents");
        let page = applicant.get(&format!("/permohonan/{change}")).await;
        assert!(page.body.contains("Perubahan data izin"), "{}", page.body);
        // One change at a time.
        let again = applicant.get(&format!("/izin/{old}/ubah")).await;
        assert!(again.body.contains("sedang diproses"), "{}", again.body);

        walk_to_ready(&app, &change).await;
        let fo = login_officer(&app, "jembrana", "front_office", None).await;
        let file = fo.get(&format!("/petugas/berkas/{change}")).await;
        assert!(
            file.body.contains("Pindah tempat praktik ke klinik baru"),
            "the desks see the reason"
        );
        let new_permit: String = sqlx::query_scalar("SELECT id FROM permits WHERE application_id = $1")
            .bind(&change)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        izinkes_app::permits::signing::sign_one(&app.state, &head, &new_permit)
            .await
            .unwrap();
        let new_row = izinkes_app::permits::archive::by_id(&app.state, &new_permit)
            .await
            .unwrap();
        assert_eq!(
            new_row.valid_until, old_row.valid_until,
            "a change does not extend the validity"
        );
        assert_eq!(new_row.practice_place, "Klinik Sehat Sentosa");
        assert_ne!(new_row.number, old_row.number, "a new decree number");
        let old_now = izinkes_app::permits::archive::by_id(&app.state, &old).await.unwrap();
        assert_eq!(old_now.status, "replaced");
        assert_eq!(old_now.replaced_by.as_deref(), Some(new_permit.as_str()));
        let public = app.browser().get(&format!("/v/{}", old_now.token)).await;
        assert!(public.body.contains("Diganti"));
        let (_, _, pdf) = get_bytes(&applicant, &format!("/izin/{new_permit}/unduh")).await;
        let text = pdf_text(&pdf);
        assert!(text.contains("perubahan data"), "{text}");
        assert!(text.contains(&old_row.number), "the new SK names the permit it changes");
        // A replaced permit cannot be changed again.
        let gone = applicant.get(&format!("/izin/{old}/ubah")).await;
        assert!(gone.body.contains("hanya untuk izin yang masih aktif"), "{}", gone.body);
        // Someone else's permit is not found.
        let other = quick_applicant(&app, "5104010903970012", "made@example.com").await;
        assert_eq!(other.get(&format!("/izin/{new_permit}/ubah")).await.status, 404);

        // The same over the API: Izin Saya, the signed PDF, a change with field errors.
        let api = crate::api::Api::new(&app);
        let token = crate::api::login(&api, "putu@example.com").await;
        let api = api.with_token(&token);
        let list = api.get("/api/v1/permits").await;
        assert_eq!(list.status, 200, "{list:?}");
        let permits = list.body["permits"].as_array().unwrap();
        assert_eq!(permits.len(), 2);
        assert!(
            permits
                .iter()
                .any(|p| p["id"] == new_permit.as_str() && p["status_code"] == "active")
        );
        assert!(
            permits
                .iter()
                .any(|p| p["id"] == old.as_str() && p["status_code"] == "replaced")
        );
        let pdf = api.get(&format!("/api/v1/permits/{new_permit}/pdf")).await;
        assert_eq!(pdf.status, 200);
        assert!(pdf.content_type.starts_with("application/pdf"));
        let bad = api
            .post(
                &format!("/api/v1/permits/{new_permit}/change"),
                serde_json::json!({"facility_name": "", "location_address": "Jalan Udayana No. 9",
                "location_village_code": "99.99", "reason": "x"}),
            )
            .await;
        assert_eq!(bad.status, 422, "{bad:?}");
        for field in ["facility_name", "location_village_code", "reason"] {
            assert!(bad.body["error"]["fields"][field].is_string(), "{field}: {bad:?}");
        }
        let replaced = api
            .post(
                &format!("/api/v1/permits/{old}/change"),
                serde_json::json!({"facility_name": "Klinik Lain", "reason": "Pindah tempat praktik lagi"}),
            )
            .await;
        assert_eq!(replaced.status, 422, "a replaced permit is not changed: {replaced:?}");
        let others = crate::api::Api::new(&app);
        let other_token = crate::api::login(&others, "made@example.com").await;
        let stranger = others
            .with_token(&other_token)
            .get(&format!("/api/v1/permits/{new_permit}/pdf"))
            .await;
        assert_eq!(stranger.status, 404);
    }
);

dual_test!(
    the_satisfaction_survey_gates_the_download_when_the_office_says_so,
    |app: TestApp| async move {
        staff(&app, "jembrana").await;
        let applicant = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let id = ready_to_sign(&app, &applicant).await;
        let permit: String = sqlx::query_scalar("SELECT id FROM permits WHERE application_id = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let head = kadis_officer(&app, "jembrana").await;
        izinkes_app::permits::signing::sign_one(&app.state, &head, &permit)
            .await
            .unwrap();
        let mine = applicant.get("/izin").await;
        assert!(
            mine.body.contains(&format!("/izin/{permit}/survei")),
            "Izin Saya offers the survey"
        );

        // Off by default: the permit downloads without the survey.
        let (status, ct, _) = get_bytes(&applicant, &format!("/izin/{permit}/unduh")).await;
        assert_eq!(status, 200);
        assert!(ct.starts_with("application/pdf"));

        // The admin turns the policy on.
        let a = admin(&app, "jembrana").await;
        let r = a
            .post(
                "/petugas/admin/kalender",
                &[
                    ("what", "settings"),
                    ("default_preset", "sepok"),
                    ("count_cuti_bersama", "1"),
                    ("warning_threshold_pct", "75"),
                    ("skm_gate", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(
            izinkes_app::survey::service::skm_gate(&app.state, "jembrana")
                .await
                .unwrap()
        );
        let r = applicant.get(&format!("/izin/{permit}/unduh")).await;
        assert_eq!(r.status, 303);
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/izin/{permit}/survei?unduh=1").as_str())
        );
        let form = applicant.get(&format!("/izin/{permit}/survei?unduh=1")).await;
        assert_eq!(form.status, 200);
        assert!(form.body.contains("Sarana dan Prasarana"));

        // One element unanswered: its message, the other answers kept, nothing recorded.
        let mut answers: Vec<(&str, &str)> = vec![
            ("u1", "4"),
            ("u2", "3"),
            ("u3", "4"),
            ("u4", "4"),
            ("u5", "3"),
            ("u6", "4"),
            ("u7", "4"),
            ("u8", "3"),
            ("unduh", "1"),
            ("comment", "Cepat dan jelas."),
        ];
        let r = applicant.post(&format!("/izin/{permit}/survei"), &answers).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.field_error("u9").contains("Sarana dan Prasarana"));
        let kept = r.doc();
        let checked = scraper::Selector::parse("input[name=u2][checked]").unwrap();
        assert_eq!(
            kept.select(&checked).next().and_then(|e| e.value().attr("value")),
            Some("3"),
            "answers kept"
        );
        assert!(!izinkes_app::survey::service::done(&app.state, &id).await.unwrap());
        answers.push(("u9", "4"));
        let r = applicant.post(&format!("/izin/{permit}/survei"), &answers).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.location.as_deref(), Some(format!("/izin/{permit}/unduh").as_str()));
        let (status, ct, _) = get_bytes(&applicant, &format!("/izin/{permit}/unduh")).await;
        assert_eq!(status, 200, "downloads after the survey");
        assert!(ct.starts_with("application/pdf"));
        let again = applicant.post(&format!("/izin/{permit}/survei"), &answers).await;
        assert_eq!(again.status, 422);
        assert!(again.body.contains("sudah Anda isi"));

        // The office's index: (4+3+4+4+3+4+4+3+4)/9 × 25 = 91.67, grade A.
        let kasi = login_officer(&app, "jembrana", "kasi", None).await;
        let summary = kasi.get("/petugas/ringkasan").await;
        assert_eq!(summary.status, 200);
        let ikm = summary.text("#ikm");
        assert!(
            ikm.contains("91,67") && ikm.contains("A (Sangat baik)") && ikm.contains("1 responden"),
            "{ikm}"
        );

        // Over the API: another applicant's permit is not found; a bad sheet is 422 per element.
        let other = quick_applicant(&app, "5104010903970012", "made@example.com").await;
        let _ = other;
        let api = crate::api::Api::new(&app);
        let token = crate::api::login(&api, "made@example.com").await;
        let r = api
            .with_token(&token)
            .post(
                &format!("/api/v1/permits/{permit}/survey"),
                serde_json::json!({"answers": {"u1": 4}}),
            )
            .await;
        assert_eq!(r.status, 404, "{r:?}");
        let token = crate::api::login(&api, "putu@example.com").await;
        let r = api
            .with_token(&token)
            .post(
                &format!("/api/v1/permits/{permit}/survey"),
                serde_json::json!({"answers": {"u1": 9}}),
            )
            .await;
        assert_eq!(r.status, 422, "{r:?}");
    }
);

/// The demo data loads on both stores, with what the README promises to try.
mod demo_data {
    use crate::support::{Backend, TestApp};

    async fn check(backend: Backend) {
        let app = TestApp::spawn_with(backend, true).await;
        let count = |sql: &'static str| {
            let pool = app.state.db.pool.clone();
            async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.unwrap() }
        };
        assert_eq!(count("SELECT COUNT(*) FROM permits WHERE status = 'active'").await, 2);
        assert_eq!(count("SELECT COUNT(*) FROM permits WHERE status = 'revoked'").await, 1);
        assert_eq!(count("SELECT COUNT(*) FROM skm_responses").await, 2);
        let ikm = izinkes_app::survey::service::office_index(&app.state, "pontianak")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(ikm.respondents, 1);
        // (4+3+4+4+4+3+4+3+4)/9 × 25 = 91.67
        assert_eq!(ikm.index, 91.67);
        // One complaint of each stage for the complaints desk and the month's report.
        assert_eq!(
            count("SELECT COUNT(*) FROM complaints WHERE status = 'answered'").await,
            1
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM complaints WHERE status = 'closed'").await,
            1
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM complaints WHERE status = 'received'").await,
            2
        );
        let number: String = sqlx::query_scalar("SELECT number FROM complaints WHERE status = 'answered'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert!(number.starts_with("PTK-ADU-") && number.ends_with("-00001"), "{number}");
        let tracked = izinkes_app::complaints::service::track(
            &app.state,
            &number,
            izinkes_app::demo::complaints::DEMO_COMPLAINANT_PHONE,
            "test",
        )
        .await
        .unwrap();
        assert!(
            tracked.answer.is_some(),
            "the README's tracking example shows the answer"
        );
        let page = app.browser().get("/").await;
        assert_eq!(page.status, 200);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        check(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        check(Backend::Postgres).await;
    }
}
