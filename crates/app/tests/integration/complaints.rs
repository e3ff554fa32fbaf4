//! Complaints (pengaduan, issue 15) over HTTP: the online form, tracking by number and contact,
//! the complainant's confirmation and reopening, the complaints desk with its steps and
//! evidence, officer-recorded complaints, escalation of overdue complaints, throttling,
//! authorization, the office's channels on the Standar Pelayanan page, the report and the API.

use crate::api::Api;
use crate::dual_test;
use crate::support::{Browser, Response, TestApp, mail_text};
use izinkes_domain::roles::Role;
use serde_json::json;

const PASSWORD: &str = "petugas-kantor-2026";

/// Adds an officer of `office` with `roles` and signs them in (no second factor needed for
/// these roles).
async fn officer(app: &TestApp, office: &str, name: &str, roles: &[Role]) -> (String, Browser) {
    let email = format!("{name}.{office}@kantor.example.id");
    let id = izinkes_app::accounts::officers::add_officer(
        &app.state,
        office,
        &email,
        &format!("Petugas {name}"),
        "Pelaksana",
        PASSWORD,
        roles,
    )
    .await
    .expect("officer");
    let b = app.browser();
    let r = b
        .post("/petugas/masuk", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status, 303, "{name}: {}", r.body);
    (id, b)
}

/// The number the confirmation page shows.
fn number_in(r: &Response) -> String {
    let at = r.body.find("Nomor pengaduan Anda: ").expect("number on the page");
    r.body[at + "Nomor pengaduan Anda: ".len()..]
        .split('<')
        .next()
        .expect("number")
        .trim()
        .to_string()
}

async fn id_of(app: &TestApp, number: &str) -> String {
    sqlx::query_scalar("SELECT id FROM complaints WHERE number = $1")
        .bind(number)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("complaint")
}

/// An anonymous complaint to Jembrana through the online form; returns its number.
async fn anonymous_complaint(app: &TestApp, email: &str, subject: &str) -> String {
    let b = app.browser();
    let r = b
        .post(
            "/pengaduan",
            &[
                ("office_id", "jembrana"),
                ("email", email),
                ("subject", subject),
                ("body", "Berkas saya belum diverifikasi\nsudah dua minggu."),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    number_in(&r)
}

async fn step(b: &Browser, id: &str, fields: &[(&str, &str)]) -> Response {
    b.post(&format!("/petugas/pengaduan/{id}/aksi"), fields).await
}

async fn track(b: &Browser, number: &str, contact: &str) -> Response {
    b.post("/pengaduan/lacak", &[("number", number), ("contact", contact)])
        .await
}

fn this_year_and_month() -> (String, String) {
    use chrono::Datelike;
    // Jembrana is WITA (UTC+8).
    let now = chrono::Utc::now() + chrono::Duration::hours(8);
    (now.year().to_string(), now.month().to_string())
}

dual_test!(
    an_anonymous_complaint_is_classified_assigned_answered_confirmed_and_reported,
    |app: TestApp| async move {
        let email = "warga@contoh.id";
        let number = anonymous_complaint(&app, email, "Verifikasi lambat").await;
        assert!(number.starts_with("JBR-ADU-"), "{number}");
        app.smtp.wait_for(email, &number).await;

        let (officer_id, desk) = officer(&app, "jembrana", "adu", &[Role::Pengaduan]).await;
        let list = desk.get("/petugas/pengaduan").await;
        assert_eq!(list.status, 200);
        assert!(list.body.contains(&number) && list.body.contains("Formulir daring"));
        let id = id_of(&app, &number).await;

        let r = step(
            &desk,
            &id,
            &[("action", "classify"), ("category", "waktu"), ("severity", "sedang")],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = step(&desk, &id, &[("action", "assign"), ("assignee", &officer_id)]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let answer = "Berkas Anda sudah diverifikasi hari ini.";
        let r = step(&desk, &id, &[("action", "answer"), ("note", answer)]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = desk.get(&format!("/petugas/pengaduan/{id}")).await;
        assert_eq!(page.text("#status"), "Dijawab");
        assert!(page.body.contains("3 hari kerja"), "the severity's deadline is shown");

        let m = app.smtp.wait_for(email, "Dijawab").await;
        assert!(mail_text(&m.data).contains(answer), "{}", m.data);

        let public = app.browser();
        let t = track(&public, &number, "WARGA@contoh.id").await;
        assert_eq!(t.status, 200, "{}", t.body);
        assert_eq!(t.text("#status"), "Dijawab");
        assert!(t.text("#jawaban").contains(answer));
        let r = public
            .post(
                "/pengaduan/lacak/tanggapan",
                &[("number", &number), ("contact", email), ("puas", "ya")],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.text("#status"), "Selesai");

        let (year, month) = this_year_and_month();
        let report = desk
            .get(&format!("/petugas/pengaduan/laporan?tahun={year}&bulan={month}"))
            .await;
        assert_eq!(report.status, 200, "{}", report.body);
        assert_eq!(report.text("#jumlah"), "1");
        assert_eq!(report.text("#dijawab"), "1");
        assert!(
            report.text("#tepat-waktu").contains("100,0 %"),
            "{}",
            report.text("#tepat-waktu")
        );
        let csv = desk
            .get(&format!("/petugas/pengaduan/laporan.csv?tahun={year}&bulan={month}"))
            .await;
        assert_eq!(csv.status, 200);
        for line in [
            "bagian,kode,uraian,jumlah",
            "ringkasan,jumlah,Jumlah pengaduan,1",
            "saluran,online,Formulir daring,1",
            "kategori,waktu,Jangka waktu penyelesaian,1",
            "tingkat,sedang,Sedang,1",
            "status,closed,Selesai,1",
            "ringkasan,tepat_waktu,Dijawab dalam batas waktu,1",
        ] {
            assert!(csv.body.lines().any(|l| l == line), "{line} in\n{}", csv.body);
        }
        // A supervisor reads the report too; the year's has the complaint as well.
        let (_, kasi) = officer(&app, "jembrana", "kasi", &[Role::Kasi]).await;
        let yearly = kasi.get(&format!("/petugas/pengaduan/laporan?tahun={year}")).await;
        assert_eq!(yearly.status, 200);
        assert_eq!(yearly.text("#jumlah"), "1");
        assert_ne!(
            kasi.get("/petugas/pengaduan").await.status,
            200,
            "the desk is not the supervisor's"
        );
    }
);

dual_test!(
    tracking_with_a_wrong_contact_is_not_found_like_a_wrong_number,
    |app: TestApp| async move {
        let number = anonymous_complaint(&app, "siti@contoh.id", "<script>alert(1)</script>").await;
        let b = app.browser();
        let wrong_contact = track(&b, &number, "budi@contoh.id").await;
        let wrong_number = track(&b, "JBR-ADU-2020-99999", "siti@contoh.id").await;
        assert_eq!(wrong_contact.status, 404);
        assert_eq!(wrong_number.status, 404);
        assert_eq!(wrong_contact.field_error("number"), wrong_number.field_error("number"));
        assert!(wrong_contact.field_error("number").contains("tidak ditemukan"));
        assert_eq!(wrong_contact.value_of("number"), number, "the typed values are kept");
        let bad = track(&b, "bukan nomor", "").await;
        assert_eq!(bad.status, 422);
        assert!(bad.field_error("number").contains("tidak valid"));
        assert!(bad.field_error("contact").contains("e-mail atau nomor handphone"));
        // Found: the subject is shown as text, never as markup.
        let ok = track(&b, &number, "siti@contoh.id").await;
        assert_eq!(ok.status, 200);
        assert!(ok.body.contains("&#60;script&#62;alert(1)"), "{}", ok.body);
        assert!(!ok.body.contains("<script>alert(1)"));
    }
);

dual_test!(
    an_officer_records_a_phone_complaint_and_bad_input_is_answered_next_to_the_field,
    |app: TestApp| async move {
        let (_, desk) = officer(&app, "jembrana", "adu", &[Role::Pengaduan]).await;
        let form = desk.get("/petugas/pengaduan/baru").await;
        assert_eq!(form.status, 200);
        let long = "x".repeat(151);
        let r = desk
            .post(
                "/petugas/pengaduan/baru",
                &[
                    ("channel", "telepon"),
                    ("phone", "0812-abc"),
                    ("subject", &long),
                    ("body", " "),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(
            r.field_error("subject").contains("paling banyak 150"),
            "{}",
            r.field_error("subject")
        );
        assert!(r.field_error("body").contains("wajib diisi"));
        assert!(!r.field_error("phone").is_empty());
        assert_eq!(r.value_of("phone"), "0812-abc", "values are kept");
        let r = desk
            .post(
                "/petugas/pengaduan/baru",
                &[
                    ("channel", "telepon"),
                    ("name", "Ibu Komang"),
                    ("phone", "081234567890"),
                    ("subject", "Petugas loket tidak ramah"),
                    ("body", "Menelepon pukul 10.00."),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let path = r.location.expect("to the complaint");
        let page = desk.get(&path).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Telepon") && page.body.contains("Ibu Komang"));
        assert_eq!(page.text("#status"), "Diterima");
        let number: String = sqlx::query_scalar("SELECT number FROM complaints WHERE channel = 'telepon'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        // The complainant tracks it with the phone number in another spelling.
        let t = track(&app.browser(), &number, "+62 812 3456 7890").await;
        assert_eq!(t.status, 200, "{}", t.body);
        assert_eq!(t.text("#status"), "Diterima");
        // A step out of order is refused with the reason, and a wrong classification is answered per field.
        let id = path.rsplit('/').next().unwrap();
        let r = step(&desk, id, &[("action", "answer"), ("note", "Terlalu cepat")]).await;
        assert_eq!(r.status, 422);
        assert!(r.text("#ditolak").contains("tidak dapat dilakukan"), "{}", r.body);
        let r = step(&desk, id, &[("action", "classify"), ("category", "perilaku")]).await;
        assert_eq!(r.status, 422);
        assert!(r.field_error("severity").contains("ringan, sedang, atau berat"));
    }
);

dual_test!(
    a_complainant_reopens_an_answer_and_the_desk_examines_again_with_evidence,
    |app: TestApp| async move {
        let email = "made@contoh.id";
        let number = anonymous_complaint(&app, email, "Syarat tidak jelas").await;
        let id = id_of(&app, &number).await;
        let (officer_id, desk) = officer(&app, "jembrana", "adu", &[Role::Pengaduan]).await;
        for fields in [
            vec![
                ("action", "classify"),
                ("category", "persyaratan"),
                ("severity", "ringan"),
            ],
            vec![("action", "assign"), ("assignee", officer_id.as_str())],
            vec![("action", "answer"), ("note", "Lihat Standar Pelayanan.")],
        ] {
            let r = step(&desk, &id, &fields).await;
            assert_eq!(r.status, 303, "{fields:?}: {}", r.body);
        }
        let public = app.browser();
        let r = public
            .post(
                "/pengaduan/lacak/tanggapan",
                &[
                    ("number", &number),
                    ("contact", email),
                    ("puas", "tidak"),
                    ("reason", ""),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.field_error("reason").contains("wajib diisi"));
        let r = public
            .post(
                "/pengaduan/lacak/tanggapan",
                &[
                    ("number", &number),
                    ("contact", email),
                    ("puas", "tidak"),
                    ("reason", "Syarat nomor 7 tetap tidak jelas."),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.text("#status"), "Diperiksa");
        app.smtp.wait_for(email, "Diperiksa").await;

        let upload = |bytes: Vec<u8>, name: &'static str, note: &'static str| {
            let desk = &desk;
            let id = id.clone();
            async move {
                desk.upload(
                    &format!("/petugas/pengaduan/{id}/periksa"),
                    "evidence",
                    name,
                    bytes,
                    &[("note", note)],
                )
                .await
            }
        };
        let r = upload(b"bukan pdf".to_vec(), "bukti.pdf", "Cek ulang syarat").await;
        assert_eq!(r.status, 422);
        assert!(
            r.field_error("evidence").contains("tidak dapat dibaca"),
            "{}",
            r.field_error("evidence")
        );
        let r = upload(izinkes_app::demo::samples::pdf("Notulen"), "notulen.pdf", "").await;
        assert_eq!(r.status, 422);
        assert!(r.field_error("note").contains("wajib diisi"));
        let r = upload(
            izinkes_app::demo::samples::pdf("Notulen"),
            "notulen.pdf",
            "Syarat diperjelas.",
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = desk.get(&format!("/petugas/pengaduan/{id}")).await;
        let at = page.body.find("/bukti?berkas=").expect("evidence link");
        let link = &page.body[at - format!("/petugas/pengaduan/{id}").len()..];
        let link = link.split('"').next().unwrap();
        let file = desk.client.get(format!("{}{link}", desk.base)).send().await.unwrap();
        assert_eq!(file.status(), 200);
        assert_eq!(file.headers()["content-type"], "application/pdf");
        let r = step(
            &desk,
            &id,
            &[("action", "follow_up"), ("note", "Koordinasi dengan Dinas Kesehatan.")],
        )
        .await;
        assert_eq!(r.status, 303);
        let r = step(
            &desk,
            &id,
            &[("action", "answer"), ("note", "Syarat 7 kini dijelaskan.")],
        )
        .await;
        assert_eq!(r.status, 303);
        let t = track(&public, &number, email).await;
        assert_eq!(t.text("#status"), "Dijawab");
        assert!(t.text("#jawaban").contains("Syarat 7"));
    }
);

dual_test!(
    an_overdue_complaint_is_escalated_once_to_the_supervisor,
    |app: TestApp| async move {
        let number = anonymous_complaint(&app, "nyoman@contoh.id", "Izin belum terbit").await;
        let id = id_of(&app, &number).await;
        let (_, desk) = officer(&app, "jembrana", "adu", &[Role::Pengaduan]).await;
        // A received complaint must be classified within 3 working days.
        let due: Option<String> = sqlx::query_scalar("SELECT due_at FROM complaints WHERE id = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let due = chrono::DateTime::parse_from_rfc3339(&due.expect("a deadline from receipt")).unwrap();
        let ahead = due.with_timezone(&chrono::Utc) - chrono::Utc::now();
        assert!(
            ahead > chrono::Duration::days(2) && ahead < chrono::Duration::days(10),
            "{ahead:?}"
        );
        izinkes_app::accounts::officers::add_officer(
            &app.state,
            "jembrana",
            "admin.jembrana@kantor.example.id",
            "Admin Jembrana",
            "Admin",
            PASSWORD,
            &[Role::Admin],
        )
        .await
        .unwrap();
        crate::officer_digest::immediate(&app, "admin.jembrana@kantor.example.id").await;
        let r = step(
            &desk,
            &id,
            &[("action", "classify"), ("category", "waktu"), ("severity", "ringan")],
        )
        .await;
        assert_eq!(r.status, 303);
        assert_eq!(
            izinkes_app::complaints::clock::tick(&app.state).await.unwrap(),
            0,
            "not due yet"
        );
        sqlx::query("UPDATE complaints SET due_at = '2026-01-05T01:00:00.000000Z' WHERE id = $1")
            .bind(&id)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(izinkes_app::complaints::clock::tick(&app.state).await.unwrap(), 1);
        assert_eq!(
            izinkes_app::complaints::clock::tick(&app.state).await.unwrap(),
            0,
            "once"
        );
        app.smtp.wait_for("admin.jembrana@kantor.example.id", &number).await;
        let list = desk.get("/petugas/pengaduan?status=terlambat").await;
        assert!(list.body.contains(&number) && list.body.contains("Terlambat") && list.body.contains("dieskalasi"));
        let page = desk.get(&format!("/petugas/pengaduan/{id}")).await;
        assert!(page.body.contains("Eskalasi kepada atasan"));
        // Answering late counts as not in time.
        let (officer_id, _) = (
            sqlx::query_scalar::<_, String>("SELECT id FROM officers WHERE email = 'adu.jembrana@kantor.example.id'")
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap(),
            (),
        );
        assert_eq!(
            step(&desk, &id, &[("action", "assign"), ("assignee", &officer_id)])
                .await
                .status,
            303
        );
        assert_eq!(
            step(&desk, &id, &[("action", "answer"), ("note", "Maaf terlambat.")])
                .await
                .status,
            303
        );
        let in_time: Option<i64> = sqlx::query_scalar("SELECT answered_in_time FROM complaints WHERE id = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(in_time, Some(0));
    }
);

dual_test!(
    the_online_form_is_throttled_per_client_address,
    |app: TestApp| async move {
        for i in 0..5 {
            anonymous_complaint(&app, "ramai@contoh.id", &format!("Pengaduan {i}")).await;
        }
        let r = app
            .browser()
            .post(
                "/pengaduan",
                &[
                    ("office_id", "jembrana"),
                    ("email", "ramai@contoh.id"),
                    ("subject", "Satu lagi"),
                    ("body", "Isi"),
                ],
            )
            .await;
        assert_eq!(r.status, 429, "{}", r.body);
        assert!(r.body.contains("Terlalu banyak pengaduan"));
        let api = Api::new(&app)
            .post(
                "/api/v1/complaints",
                json!({"office_id": "jembrana", "email": "ramai@contoh.id", "subject": "API", "body": "Isi"}),
            )
            .await;
        assert_eq!(api.status, 429, "the API shares the limit");
    }
);

dual_test!(
    only_the_complaints_desk_of_the_office_opens_its_complaints,
    |app: TestApp| async move {
        let number = anonymous_complaint(&app, "ketut@contoh.id", "Uji akses").await;
        let id = id_of(&app, &number).await;
        let applicant = crate::bad_input::quick_applicant(&app, "5104010903970004", "pemohon@example.com").await;
        let r = applicant.get("/petugas/pengaduan").await;
        assert!(
            r.status == 403 || r.location.as_deref().is_some_and(|l| l.starts_with("/petugas/masuk")),
            "{}",
            r.status
        );
        assert_eq!(applicant.get(&format!("/petugas/pengaduan/{id}")).await.status, 403);
        let (_, fo) = officer(&app, "jembrana", "fo", &[Role::FrontOffice]).await;
        assert_eq!(fo.get("/petugas/pengaduan").await.status, 403);
        assert_eq!(fo.get("/petugas/pengaduan/laporan").await.status, 403);
        let (_, other) = officer(&app, "pontianak", "adu", &[Role::Pengaduan]).await;
        assert_eq!(other.get("/petugas/pengaduan").await.status, 200);
        assert!(
            !other
                .get("/petugas/pengaduan?status=semua")
                .await
                .body
                .contains(&number)
        );
        assert_eq!(other.get(&format!("/petugas/pengaduan/{id}")).await.status, 404);
        assert_eq!(step(&other, &id, &[("action", "classify")]).await.status, 404);
        let (_, other_api) = crate::desk_api::officer(&app, "pontianak", "adu2", Role::Pengaduan).await;
        assert_eq!(
            other_api.get(&format!("/api/v1/desk/complaints/{id}")).await.status,
            404
        );
        // The signed-in applicant's complaint carries their profile's contact.
        let r = applicant
            .post(
                "/pengaduan",
                &[("office_id", "jembrana"), ("subject", "Dari pemohon"), ("body", "Isi")],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let mine = number_in(&r);
        let t = track(&app.browser(), &mine, "pemohon@example.com").await;
        assert_eq!(t.status, 200, "{}", t.body);
    }
);

dual_test!(the_api_files_tracks_and_works_a_complaint, |app: TestApp| async move {
    let public = Api::new(&app);
    let bad = public
        .post("/api/v1/complaints", json!({"office_id": "jembrana"}))
        .await;
    assert_eq!(bad.status, 422);
    assert!(!bad.field("subject").is_empty() && !bad.field("email").is_empty());
    let r = public
        .post(
            "/api/v1/complaints",
            json!({"office_id": "jembrana", "phone": "081298765432", "subject": "Lewat API", "body": "Isi pengaduan"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let number = r.str("number").to_string();
    let id = r.str("id").to_string();
    let wrong = public
        .post(
            "/api/v1/complaints/track",
            json!({"number": number, "contact": "081200000000"}),
        )
        .await;
    assert_eq!(wrong.status, 404);
    let t = public
        .post(
            "/api/v1/complaints/track",
            json!({"number": number, "contact": "6281298765432"}),
        )
        .await;
    assert_eq!(t.status, 200, "{t:?}");
    assert_eq!(t.str("status"), "received");

    let (officer_id, desk) = crate::desk_api::officer(&app, "jembrana", "adu", Role::Pengaduan).await;
    let list = desk.get("/api/v1/desk/complaints").await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["complaints"][0]["number"], number.as_str());
    let act = |body: serde_json::Value| {
        let desk = desk.clone();
        let id = id.clone();
        async move { desk.post(&format!("/api/v1/desk/complaints/{id}/actions"), body).await }
    };
    let refused = act(json!({"action": "answer", "note": "x"})).await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.body["error"]["code"], "refused");
    assert_eq!(
        act(json!({"action": "classify", "category": "biaya", "severity": "berat"}))
            .await
            .status,
        200
    );
    assert_eq!(
        act(json!({"action": "forward_lapor", "reference": "LPR-2026-12345"}))
            .await
            .status,
        200
    );
    assert_eq!(
        act(json!({"action": "assign", "assignee": officer_id})).await.status,
        200
    );
    // An examination carries its evidence as base64; a file that is not a document is refused
    // next to the field, and nothing is written.
    {
        use base64ct::Encoding;
        let wrong = act(json!({"action": "examine", "note": "Diperiksa.",
            "evidence": {"filename": "x.exe", "content_base64": base64ct::Base64::encode_string(b"MZ bukan dokumen")}}))
        .await;
        assert_eq!(wrong.status, 422, "{wrong:?}");
        assert!(!wrong.field("evidence").is_empty(), "{wrong:?}");
        let pdf = izinkes_app::demo::samples::pdf("kuitansi");
        let examined = act(json!({"action": "examine", "note": "Kuitansi diperiksa.",
            "evidence": {"filename": "kuitansi.pdf", "content_base64": base64ct::Base64::encode_string(&pdf)}}))
        .await;
        assert_eq!(examined.status, 200, "{examined:?}");
        let evidence = examined.body["evidence"].as_array().unwrap();
        assert_eq!(evidence.len(), 1, "{examined:?}");
        assert_eq!(evidence[0]["filename"], "kuitansi.pdf");
        let path = format!(
            "/api/v1/desk/complaints/{id}/evidence/{}",
            evidence[0]["id"].as_str().unwrap()
        );
        let file = desk.get(&path).await;
        assert_eq!((file.status, file.bytes == pdf), (200, true));
        let (_, other) = crate::desk_api::officer(&app, "pontianak", "adu2", Role::Pengaduan).await;
        assert_eq!(other.get(&path).await.status, 404, "another office's evidence");
    }
    let answered = act(json!({"action": "answer", "note": "Tidak dipungut biaya."})).await;
    assert_eq!(answered.status, 200);
    assert_eq!(answered.body["status"], "answered");
    assert_eq!(answered.body["lapor_reference"], "LPR-2026-12345");
    let done = public
        .post(
            "/api/v1/complaints/respond",
            json!({"number": number, "contact": "081298765432", "satisfied": true}),
        )
        .await;
    assert_eq!(done.status, 200, "{done:?}");
    assert_eq!(done.str("status"), "closed");
    let recorded = desk
        .post(
            "/api/v1/desk/complaints",
            json!({"channel": "kotak_saran", "subject": "Kertas di kotak saran", "body": "Antrean panjang."}),
        )
        .await;
    assert_eq!(recorded.status, 201, "{recorded:?}");
    let (year, _) = this_year_and_month();
    let report = desk.get(&format!("/api/v1/desk/complaints/report?tahun={year}")).await;
    assert_eq!(report.status, 200, "{report:?}");
    assert_eq!(report.body["total"], 2);
    assert_eq!(report.body["answered"], 1);
});

dual_test!(
    the_standar_pelayanan_lists_the_offices_own_complaint_channels,
    |app: TestApp| async move {
        izinkes_app::complaints::settings::save(
            &app.state,
            "jembrana",
            &izinkes_app::complaints::settings::SettingsInput {
                channels: izinkes_app::complaints::settings::Channels {
                    address: "Jl. Surapati No. 1, Negara".into(),
                    phone: "(0365) 41210".into(),
                    fax: "(0365) 41211".into(),
                    email: "pengaduan@jembranakab.go.id".into(),
                    website: "dpmptsp.jembranakab.go.id".into(),
                    lapor_url: "https://www.lapor.go.id".into(),
                    box_note: "Kotak pengaduan di ruang tunggu".into(),
                },
                forwards_to_lapor: false,
                ringan_hours: "2".into(),
                sedang_days: "4".into(),
                berat_days: "6".into(),
            },
        )
        .await
        .unwrap();
        let page = app.browser().get("/layanan/SIP-DRSP").await;
        assert_eq!(page.status, 200);
        for text in [
            "(0365) 41211",
            "pengaduan@jembranakab.go.id",
            "Kotak pengaduan di ruang tunggu",
            "/pengaduan?kantor=jembrana",
            "DPMPTSP Kota Pontianak",
        ] {
            assert!(page.body.contains(text), "{text}");
        }
        let bad = izinkes_app::complaints::settings::save(
            &app.state,
            "jembrana",
            &izinkes_app::complaints::settings::SettingsInput {
                ringan_hours: "0".into(),
                sedang_days: "x".into(),
                berat_days: "5".into(),
                ..Default::default()
            },
        )
        .await;
        match bad {
            Err(izinkes_app::platform::error::ServiceError::Invalid(e)) => {
                assert!(e.contains_key("ringan_hours") && e.contains_key("sedang_days"), "{e:?}");
            }
            other => panic!("{other:?}"),
        }
        // The office's deadlines and its choice not to forward apply to its complaints.
        let number = anonymous_complaint(&app, "wayan@contoh.id", "Uji batas waktu").await;
        let id = id_of(&app, &number).await;
        let (_, desk) = officer(&app, "jembrana", "adu", &[Role::Pengaduan]).await;
        let page = desk.get(&format!("/petugas/pengaduan/{id}")).await;
        assert!(page.body.contains("2 jam kerja") && page.body.contains("4 hari kerja"));
        assert!(!page.body.contains("Teruskan ke SP4N-LAPOR!"));
        let r = step(&desk, &id, &[("action", "forward_lapor"), ("reference", "LPR-1")]).await;
        assert_eq!(r.status, 422);
    }
);

dual_test!(
    the_admin_sets_the_offices_channels_and_deadlines_on_its_page,
    |app: TestApp| async move {
        let email = "admin.jembrana@kantor.example.id";
        izinkes_app::accounts::officers::add_officer(
            &app.state,
            "jembrana",
            email,
            "Admin Jembrana",
            "Admin",
            PASSWORD,
            &[Role::Admin],
        )
        .await
        .unwrap();
        let secret = crate::permits::enrol_totp(&app, email).await;
        let admin = app.browser();
        let r = admin
            .post("/petugas/masuk", &[("email", email), ("password", PASSWORD)])
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let code = izinkes_app::auth::totp::current_code(&secret).unwrap();
        assert_eq!(admin.post("/petugas/2fa", &[("code", &code)]).await.status, 303);
        let page = admin.get("/petugas/admin/pengaduan").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(page.value_of("ringan_hours"), "3", "the default deadlines");
        assert_eq!(page.value_of("lapor_url"), "https://www.lapor.go.id");
        let r = admin
            .post(
                "/petugas/admin/pengaduan",
                &[
                    ("phone", "(0365) 41210"),
                    ("email", "bukan-email"),
                    ("ringan_hours", "41"),
                    ("sedang_days", "3"),
                    ("berat_days", "5"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.field_error("email").contains("tidak valid"));
        assert!(r.field_error("ringan_hours").contains("1 sampai 40"));
        assert_eq!(r.value_of("phone"), "(0365) 41210", "values are kept");
        let r = admin
            .post(
                "/petugas/admin/pengaduan",
                &[
                    ("phone", "(0365) 41210"),
                    ("fax", "(0365) 41299"),
                    ("email", "pengaduan@jembranakab.go.id"),
                    ("forwards_to_lapor", "1"),
                    ("ringan_hours", "4"),
                    ("sedang_days", "3"),
                    ("berat_days", "5"),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(!r.text("#tersimpan").is_empty());
        assert_eq!(r.value_of("ringan_hours"), "4");
        let service_page = app.browser().get("/layanan/SIP-DRSP").await;
        assert!(service_page.body.contains("(0365) 41299"));
        let (_, desk) = officer(&app, "jembrana", "adu", &[Role::Pengaduan]).await;
        assert_eq!(desk.get("/petugas/admin/pengaduan").await.status, 403);
    }
);

dual_test!(
    a_message_on_an_application_becomes_a_complaint_of_its_office,
    |app: TestApp| async move {
        let (applicant_id, _) =
            crate::api::quick_applicant(&app.state, "5104010903970004", "pemohon@example.com").await;
        let application_id = crate::api::ready_draft(&app.state, &applicant_id, "RSU Negara", 1).await;
        let office: String = sqlx::query_scalar("SELECT office_id FROM applications WHERE id = $1")
            .bind(&application_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let number = izinkes_app::complaints::service::from_message(
            &app.state,
            &office,
            &application_id,
            Some(&applicant_id),
            None,
            "Mengapa permohonan saya belum diproses?\nSudah seminggu.",
        )
        .await
        .unwrap();
        let (channel, linked, subject): (String, Option<String>, String) =
            sqlx::query_as("SELECT channel, application_id, subject FROM complaints WHERE number = $1")
                .bind(&number)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        assert_eq!(channel, "pesan");
        assert_eq!(linked.as_deref(), Some(application_id.as_str()));
        assert_eq!(subject, "Mengapa permohonan saya belum diproses?");
        app.smtp.wait_for("pemohon@example.com", &number).await;
        let other_office = if office == "jembrana" { "pontianak" } else { "jembrana" };
        let wrong = izinkes_app::complaints::service::from_message(
            &app.state,
            other_office,
            &application_id,
            Some(&applicant_id),
            None,
            "Pesan",
        )
        .await;
        assert!(matches!(
            wrong,
            Err(izinkes_app::platform::error::ServiceError::NotFound)
        ));
    }
);
