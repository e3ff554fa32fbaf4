//! Wrong and hostile input: each gets a clear Indonesian message next to its field, the values
//! typed are kept, and nothing half-written is left behind.

use crate::dual_test;
use crate::journey::{fill_step1, fill_step2, start_drsp, upload_all};
use crate::support::{Browser, TestApp};
use izinkes_app::demo;

pub const PASSWORD: &str = "Rahasia-Praktik-2026";

/// An applicant made through the service layer (verified), logged in through the page.
pub async fn quick_applicant(app: &TestApp, nik: &str, email: &str) -> Browser {
    let id = izinkes_app::accounts::registration::register(
        &app.state,
        &izinkes_app::accounts::registration::RegisterInput {
            full_name: "Ni Made Ayu".into(),
            identity_type: "KTP".into(),
            identity_number: nik.into(),
            phone: "081234567890".into(),
            address: "Jl. Ngurah Rai No. 5".into(),
            village_code: "51.01.03.2004".into(),
            email: email.into(),
            password: PASSWORD.into(),
            password_confirm: PASSWORD.into(),
            consent: true,
        },
    )
    .await
    .expect("register");
    sqlx::query("UPDATE applicants SET email_verified_at = '2026-01-01T00:00:00.000000Z' WHERE id = $1")
        .bind(&id)
        .execute(&app.state.db.pool)
        .await
        .expect("verify");
    let b = app.browser();
    let r = b.post("/masuk", &[("email", email), ("password", PASSWORD)]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    b
}

dual_test!(
    registration_explains_each_fault_and_keeps_the_values,
    |app: TestApp| async move {
        let b = app.browser();
        let r = b
            .post(
                "/daftar",
                &[
                    ("full_name", "Putu <script>alert(1)</script>"),
                    ("identity_type", "KTP"),
                    ("identity_number", "5104013203970004"),
                    ("phone", "0361-123456"),
                    ("address", "Jl. Denpasar Gilimanuk"),
                    ("village_code", "99.99.99.9999"),
                    ("email", "putu@"),
                    ("password", "password"),
                    ("password_confirm", "password"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(
            r.field_error("identity_number").contains("tanggal"),
            "day 32 is not a date: {}",
            r.field_error("identity_number")
        );
        assert!(r.field_error("phone").contains("08"), "{}", r.field_error("phone"));
        assert!(
            r.field_error("email").to_lowercase().contains("email"),
            "{}",
            r.field_error("email")
        );
        assert!(
            r.field_error("password").contains("umum"),
            "{}",
            r.field_error("password")
        );
        assert!(r.body.contains("pemberitahuan privasi"), "consent is required");
        assert!(!r.field_error("village_code").is_empty(), "unknown area code");
        // Values kept (escaped, never executed); the password is not sent back.
        assert_eq!(r.value_of("full_name"), "Putu <script>alert(1)</script>");
        assert!(!r.body.contains("<script>alert(1)</script>"), "user input is escaped");
        assert_eq!(r.value_of("password"), "");
        assert!(r.body.contains("error-summary"), "an error summary links to the fields");
        // Nothing was written.
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM applicants")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(n, 0);

        // NIK faults each get their own message.
        for (nik, needle) in [
            ("510401090397", "16 digit"),
            ("9904010903970004", "provinsi"),
            ("5104010903970000", "0000"),
            ("51040109039700a4", "angka"),
        ] {
            let r = b
                .post("/daftar", &[("identity_type", "KTP"), ("identity_number", nik)])
                .await;
            let msg = r.field_error("identity_number");
            assert!(msg.to_lowercase().contains(needle), "{nik}: {msg}");
        }
    }
);

dual_test!(one_account_per_identity_number_and_email, |app: TestApp| async move {
    quick_applicant(&app, "5104010903970004", "putu@example.com").await;
    let b = app.browser();
    let r = b
        .post(
            "/daftar",
            &[
                ("full_name", "Orang Lain"),
                ("identity_type", "KTP"),
                ("identity_number", "5104010903970004"),
                ("phone", "081234567891"),
                ("address", "Jl. Lain No. 1"),
                ("village_code", "51.01.03.2004"),
                ("email", "PUTU@example.com"),
                ("password", "kalimat-sandi-panjang"),
                ("password_confirm", "kalimat-sandi-panjang"),
                ("consent", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.field_error("email").contains("sudah terdaftar"),
        "{}",
        r.field_error("email")
    );
    assert!(
        r.field_error("identity_number").contains("satu akun"),
        "{}",
        r.field_error("identity_number")
    );
});

dual_test!(state_changing_forms_need_the_csrf_token, |app: TestApp| async move {
    let b = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
    let r = b
        .post_without_csrf("/permohonan/baru", &[("izin", "SIP-DRSP"), ("office", "jembrana")])
        .await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("Formulir kedaluwarsa"));
    // A cross-site origin is refused even with a token.
    let token = b.csrf().await;
    let r = b
        .client
        .post(format!("{}/permohonan/baru", b.base))
        .header("Origin", "https://evil.example")
        .form(&[("izin", "SIP-DRSP"), ("office", "jembrana"), ("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM applications")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
});

dual_test!(
    login_failures_are_throttled_with_a_clear_message,
    |app: TestApp| async move {
        quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let b = app.browser();
        for _ in 0..5 {
            let r = b
                .post(
                    "/masuk",
                    &[("email", "putu@example.com"), ("password", "salah-sandi-123")],
                )
                .await;
            assert_eq!(r.status, 422);
            assert!(r.field_error("email").contains("salah"));
        }
        // Even the right password waits now.
        let r = b
            .post("/masuk", &[("email", "putu@example.com"), ("password", PASSWORD)])
            .await;
        assert_eq!(r.status, 422);
        assert!(
            r.field_error("email").contains("Terlalu banyak"),
            "{}",
            r.field_error("email")
        );
        assert_eq!(r.value_of("email"), "putu@example.com");
    }
);

dual_test!(
    wizard_steps_explain_faults_and_keep_what_was_typed,
    |app: TestApp| async move {
        let b = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let id = start_drsp(&b).await;
        // Tahap 1: practice place outside the office's regency (Denpasar, not Jembrana), no facility.
        let r = b
            .post(
                &format!("/permohonan/{id}/tahap-1"),
                &[
                    ("name", "Ni Made Ayu"),
                    ("email", "putu@example.com"),
                    ("phone", "081234567890"),
                    ("address", "Jl. Ngurah Rai No. 5"),
                    ("village_code", "51.01.03.2004"),
                    ("location_village_code", "51.71.01.1001"),
                    ("location_address", "Jl. Teuku Umar"),
                    ("is_company", "1"),
                    ("company_name", "PT Sehat"),
                    ("company_npwp", "12.345"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(
            r.field_error("location_village_code").contains("Kabupaten Jembrana"),
            "{}",
            r.field_error("location_village_code")
        );
        assert!(
            r.field_error("facility_name").contains("wajib"),
            "{}",
            r.field_error("facility_name")
        );
        assert!(!r.field_error("company_npwp").is_empty());
        assert_eq!(r.value_of("company_name"), "PT Sehat");
        // The draft kept it too: reopening the step shows what was typed.
        let again = b.get(&format!("/permohonan/{id}/tahap-1")).await;
        assert_eq!(again.value_of("company_name"), "PT Sehat");
        assert_eq!(again.value_of("location_address"), "Jl. Teuku Umar");
        fill_step1(&b, &id).await;

        // Tahap 2: bad date, reversed times, no days.
        let r = b
            .post(
                &format!("/permohonan/{id}/tahap-2"),
                &[
                    ("tempat_lahir", "Denpasar"),
                    ("tanggal_lahir", "1997-02-30"),
                    ("nama_sesuai_ijazah", "dr. Ayu"),
                    ("waktu_praktik__from", "12:00"),
                    ("waktu_praktik__to", "08:00"),
                    ("permohonan_ke", "7"),
                    ("nomor_str", "5121103318134121"),
                    ("jenis_tempat_praktik", "Fasilitas Pelayanan Kesehatan"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        for key in ["tanggal_lahir", "waktu_praktik", "hari_praktik", "permohonan_ke"] {
            assert!(!r.field_error(key).is_empty(), "{key} has a message");
        }
        assert_eq!(r.value_of("tempat_lahir"), "Denpasar");
        fill_step2(&b, &id).await;

        // Tahap 3: a text file named .pdf, a too-large photo, and a PDF as the photo.
        let r = b
            .upload(
                &format!("/permohonan/{id}/syarat/ktp"),
                "file",
                "ktp.pdf",
                b"just text, not a pdf".to_vec(),
                &[],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("tidak dapat dibaca sebagai PDF"), "{}", r.body);
        let mut big = demo::samples::jpeg();
        big.resize(1024 * 1024 + 10, 0);
        let r = b
            .upload(
                &format!("/permohonan/{id}/syarat/pas_foto"),
                "file",
                "foto.jpg",
                big,
                &[],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("melebihi batas"), "{}", r.body);
        let r = b
            .upload(
                &format!("/permohonan/{id}/syarat/pas_foto"),
                "file",
                "foto.jpg",
                demo::samples::pdf("x"),
                &[],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("berformat PDF"), "{}", r.body);

        // Submitting with documents missing lists each one and changes nothing.
        let r = b.post(&format!("/permohonan/{id}/ajukan"), &[]).await;
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("Scan KTP Pemohon/Penanggung Jawab belum diunggah"),
            "{}",
            r.body
        );
        let status: String = sqlx::query_scalar("SELECT status FROM applications WHERE id = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(status, "draft");
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM application_history")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(n, 0);
    }
);

dual_test!(a_proxy_filing_needs_the_surat_kuasa, |app: TestApp| async move {
    let b = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
    let id = start_drsp(&b).await;
    fill_step1(&b, &id).await;
    let r = b
        .post(
            &format!("/permohonan/{id}/tahap-1"),
            &[
                ("name", "HERI SETIAWAN"),
                ("email", "putu@example.com"),
                ("phone", "087897893492"),
                ("address", "JL. RAYA DENPASAR GILIMANUK"),
                ("village_code", "51.01.03.2004"),
                ("by_proxy", "1"),
                ("proxy_phone", "081299990000"),
                ("facility_name", "RSU Negara"),
                ("location_village_code", "51.01.03.2004"),
                ("location_address", "JL. RAYA DENPASAR GILIMANUK"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    fill_step2(&b, &id).await;
    upload_all(&b, &id).await;
    let r = b.post(&format!("/permohonan/{id}/ajukan"), &[]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Scan Surat Kuasa Pengurusan Izin"), "{}", r.body);
    let r = b
        .upload(
            &format!("/permohonan/{id}/syarat/surat_kuasa"),
            "file",
            "kuasa.pdf",
            demo::samples::pdf("kuasa"),
            &[],
        )
        .await;
    assert_eq!(r.status, 303);
    let r = b.post(&format!("/permohonan/{id}/ajukan"), &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
});

dual_test!(nobody_sees_another_applicants_files, |app: TestApp| async move {
    let owner = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
    let id = start_drsp(&owner).await;
    fill_step1(&owner, &id).await;
    fill_step2(&owner, &id).await;
    upload_all(&owner, &id).await;
    assert_eq!(owner.get(&format!("/permohonan/{id}/syarat/ktp")).await.status, 200);

    let other = quick_applicant(&app, "5101014505920003", "ayu@example.com").await;
    for path in [
        format!("/permohonan/{id}"),
        format!("/permohonan/{id}/tahap-1"),
        format!("/permohonan/{id}/syarat/ktp"),
        format!("/permohonan/{id}/bukti"),
    ] {
        let r = other.get(&path).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(r.body.contains("Halaman tidak ditemukan"));
    }
    let anonymous = app.browser();
    let r = anonymous.get(&format!("/permohonan/{id}/syarat/ktp")).await;
    assert_eq!(r.status, 303);
    assert!(r.location.unwrap_or_default().starts_with("/masuk?lanjut="));
    // Guessing shapes that are not ids never reaches the database.
    assert_eq!(owner.get("/permohonan/..%2F..%2Fetc/syarat/ktp").await.status, 404);
});

dual_test!(
    library_files_are_reused_and_submitted_copies_stay,
    |app: TestApp| async move {
        let b = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let r = b
            .upload(
                "/berkas",
                "file",
                "ktp-asli.pdf",
                demo::samples::pdf("KTP lama"),
                &[("title", "KTP")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = b
            .upload(
                "/berkas",
                "file",
                "x.exe",
                b"MZ\x90\x00binary".to_vec(),
                &[("title", "Program")],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("tidak dapat dibaca"));
        let docs = izinkes_app::library::service::list(&app.state, &owner_id(&app, "putu@example.com").await)
            .await
            .unwrap();
        let ktp = docs.iter().find(|d| d.title == "KTP").expect("ktp in library").clone();

        let id = start_drsp(&b).await;
        fill_step1(&b, &id).await;
        fill_step2(&b, &id).await;
        upload_all(&b, &id).await;
        let r = b
            .post(
                &format!("/permohonan/{id}/syarat/ktp/pilih"),
                &[("document_id", &ktp.id)],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = b.post(&format!("/permohonan/{id}/ajukan"), &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);

        // Tahap 3 of the next application preselects only a file attached as the same kind
        // before (issue 18: one click no longer attaches the KTP as the STR).
        let owner = owner_id(&app, "putu@example.com").await;
        let docs = izinkes_app::library::service::list(&app.state, &owner).await.unwrap();
        let next = start_drsp(&b).await;
        fill_step1(&b, &next).await;
        fill_step2(&b, &next).await;
        let page = b.get(&format!("/permohonan/{next}/tahap-3")).await;
        let doc = page.doc();
        let selects = scraper::Selector::parse("select[name=document_id]").unwrap();
        let chosen = scraper::Selector::parse("option[selected]").unwrap();
        let mut preselected = 0;
        for select in doc.select(&selects) {
            let key = select.value().id().unwrap().trim_start_matches("p-").to_string();
            let pick = select
                .select(&chosen)
                .next()
                .and_then(|o| o.value().attr("value"))
                .unwrap_or_default()
                .to_string();
            if pick.is_empty() {
                continue;
            }
            preselected += 1;
            let d = docs.iter().find(|d| d.id == pick).expect("a library file");
            assert!(d.kinds.contains(&key), "{key} preselects {} ({:?})", d.title, d.kinds);
        }
        assert!(preselected > 0, "files attached before are offered again");
        let r = b
            .post(&format!("/permohonan/{next}/syarat/str/pilih"), &[("document_id", "")])
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("Pilih dulu berkas dari Manajer Berkas"), "{}", r.body);

        // Deleting asks first and names the applications that keep a copy.
        let number: String = sqlx::query_scalar("SELECT registration_number FROM applications WHERE id = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let library = b.get("/berkas").await;
        assert!(library.body.contains("Ya, hapus berkas ini"));
        assert!(
            library
                .body
                .contains(&format!("Salinannya tetap tersimpan pada permohonan {number}")),
            "{}",
            library.body
        );

        // Replace and delete in the library: the submitted application keeps the old file.
        let r = b
            .upload(
                &format!("/berkas/{}/ganti", ktp.id),
                "file",
                "ktp-baru.pdf",
                demo::samples::pdf("KTP baru"),
                &[],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = b.post(&format!("/berkas/{}/hapus", ktp.id), &[]).await;
        assert_eq!(r.status, 303);
        let attached = b
            .client
            .get(format!("{}/permohonan/{id}/syarat/ktp", b.base))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(attached.as_ref(), demo::samples::pdf("KTP lama").as_slice());
    }
);

async fn owner_id(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar("SELECT id FROM applicants WHERE email = $1")
        .bind(email)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

dual_test!(pages_not_found_and_errors_speak_indonesian, |app: TestApp| async move {
    let b = app.browser();
    let r = b.get("/tidak-ada").await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("Halaman tidak ditemukan"));
    assert!(r.body.contains("lang=\"id\""));
    let r = b.get("/layanan/TIDAK-ADA").await;
    assert_eq!(r.status, 404);
    assert_eq!(b.get("/healthz").await.status, 200);
    assert_eq!(b.get("/readyz").await.status, 200);
    // Tracking input is checked before any lookup.
    let r = b
        .post(
            "/lacak",
            &[("number", "'; DROP TABLE applications; --"), ("nik4", "12")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(!r.field_error("number").is_empty());
    let _ = app.url("/");
    let _ = app.api();
    let _ = app.backend;
});

dual_test!(profile_is_cross_checked_with_the_nik, |app: TestApp| async move {
    // 5104010903970004: a man born 9 March 1997.
    let b = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
    let r = b
        .post(
            "/akun/profil",
            &[
                ("birth_place", "Denpasar"),
                ("birth_date", "1997-03-10"),
                ("sex", "P"),
                ("graduation_year", "20x5"),
                ("str_kind", "berjangka"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.field_error("birth_date").contains("9 Maret 1997"),
        "{}",
        r.field_error("birth_date")
    );
    assert!(r.field_error("sex").contains("Laki-laki"), "{}", r.field_error("sex"));
    assert!(!r.field_error("graduation_year").is_empty());
    assert!(
        r.field_error("str_expiry").contains("STR berjangka"),
        "an expiry is asked only for non-lifetime STRs"
    );
    assert_eq!(r.value_of("birth_place"), "Denpasar");
    let r = b
        .post(
            "/akun/profil",
            &[
                ("birth_place", "Denpasar"),
                ("birth_date", "1997-03-09"),
                ("sex", "L"),
                ("str_number", "5121103318134121"),
                ("str_kind", "seumur_hidup"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = b.get("/akun/profil").await;
    assert_eq!(r.value_of("str_number"), "5121103318134121");
    // The photo is judged by content.
    let r = b
        .upload("/akun/foto", "photo", "foto.jpg", demo::samples::pdf("bukan foto"), &[])
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("JPG atau PNG"));
    let r = b
        .upload("/akun/foto", "photo", "foto.png", demo::samples::PNG.to_vec(), &[])
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(b.get("/akun/foto").await.status, 200);
    // The STR number now prefills Tahap 2 of a new application.
    let id = start_drsp(&b).await;
    let r = b.get(&format!("/permohonan/{id}/tahap-2")).await;
    assert_eq!(r.value_of("nomor_str"), "5121103318134121");
    assert_eq!(r.value_of("tanggal_lahir"), "1997-03-09");
});

// Hostile files (issue 20): a PDF that runs JavaScript when opened, one that is also a web
// page, and a PNG whose header claims 100,000 × 100,000 pixels are refused next to the
// requirement with the reason; a clean file still goes in.
dual_test!(hostile_files_are_refused_with_the_reason, |app: TestApp| async move {
    let b = quick_applicant(&app, "5104010903970041", "hostile@example.com").await;
    let id = start_drsp(&b).await;
    fill_step1(&b, &id).await;
    let js = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\nxref\n0 1\nstartxref\n9\n%%EOF\n".to_vec();
    let web =
        b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\nstartxref\n9\n%%EOF\n".to_vec();
    let mut huge = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    huge.extend_from_slice(&100_000u32.to_be_bytes());
    huge.extend_from_slice(&100_000u32.to_be_bytes());
    huge.extend_from_slice(b"\x08\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00IEND\xaeB`\x82");
    for (key, name, bytes, reason) in [
        ("ktp", "ktp.pdf", js, "JavaScript"),
        ("str", "str.pdf", web, "halaman web"),
        ("pas_foto", "foto.png", huge, "terlalu besar untuk dibuka"),
    ] {
        let r = b
            .upload(&format!("/permohonan/{id}/syarat/{key}"), "file", name, bytes, &[])
            .await;
        assert_eq!(r.status, 422, "{key}: {}", r.body);
        assert!(r.body.contains(reason), "{key}: {}", r.body);
    }
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM application_documents WHERE application_id = $1")
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "nothing attached");
    let r = b
        .upload(
            &format!("/permohonan/{id}/syarat/ktp"),
            "file",
            "ktp.pdf",
            demo::samples::pdf("KTP"),
            &[],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
});
