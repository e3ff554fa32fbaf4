//! Pesan Pengaduan (issue 15): the thread of an application between its applicant and the
//! office, in the pages and over the API — unread counts on both sides, per reader; answers
//! signed with the desk; notices by e-mail; attachments; the hash-chained history; and bad or
//! hostile input (empty, too long, HTML, a wrong file, someone else's thread).

use crate::desk_api::{officer as api_officer, submitted};
use crate::desks::{officer, staff_office, submitted_drsp};
use crate::dual_test;
use crate::support::TestApp;
use izinkes_app::demo;
use izinkes_domain::roles::Role;
use serde_json::json;

dual_test!(
    an_applicant_asks_and_the_front_office_answers_with_unread_counts,
    |app: TestApp| async move {
        staff_office(&app, "jembrana", "cilegon").await;
        crate::officer_digest::immediate(&app, "frontoffice.jembrana@kantor.example.id").await;
        let applicant = crate::bad_input::quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let id = submitted_drsp(&app, &applicant).await;
        let fo = officer(&app, "jembrana", "front_office").await;
        let bo = officer(&app, "jembrana", "back_office").await;

        // Nothing unread yet.
        let tasks = fo.get("/petugas").await;
        assert!(!tasks.body.contains("pesan belum dibaca"), "{}", tasks.body);

        // The applicant asks on the application page.
        let page = applicant.get(&format!("/permohonan/{id}")).await;
        assert!(page.body.contains("Pesan Pengaduan"));
        assert!(page.body.contains("Belum ada pesan."));
        let r = applicant
            .upload(
                &format!("/permohonan/{id}/pesan"),
                "lampiran",
                "str-lama.pdf",
                demo::samples::pdf("str"),
                &[("pesan", "Apakah STR lama saya masih dapat dipakai?\nTerima kasih.")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(
            r.location.as_deref(),
            Some(&*format!("/permohonan/{id}?info=pesan#pesan"))
        );
        // The officers of the file's desk hear of it.
        let mail = app
            .smtp
            .wait_for("frontoffice.jembrana@kantor.example.id", "Apakah STR lama")
            .await;
        assert!(mail.data.contains("Pesan pemohon"), "{}", mail.data);

        // The front office sees the badge on the row and in the header; the back office, whose
        // desk the file is not at, sees neither.
        let tasks = fo.get("/petugas").await;
        assert!(tasks.body.contains("pesan belum dibaca"), "{}", tasks.body);
        assert!(tasks.body.contains("berkas dengan pesan belum dibaca"));
        let other = bo.get("/petugas").await;
        assert!(!other.body.contains("berkas dengan pesan belum dibaca"));
        let inbox = fo.get("/petugas/pesan").await;
        assert_eq!(inbox.status, 200);
        assert!(inbox.body.contains("Menunggu jawaban"), "{}", inbox.body);
        // The header count is on every officer page, not only those that list files.
        for page in ["/petugas/izin", "/petugas/pemberitahuan"] {
            let p = fo.get(page).await;
            assert_eq!(p.status, 200, "{page}");
            assert!(
                p.body.contains("berkas dengan pesan belum dibaca"),
                "{page}: {}",
                p.body
            );
        }

        // Reading marks read for this officer only.
        let file = fo.get(&format!("/petugas/berkas/{id}")).await;
        assert!(file.body.contains("Apakah STR lama saya masih dapat dipakai?"));
        assert!(file.body.contains("1 pesan baru dari pemohon"));
        assert!(file.body.contains("str-lama.pdf"));
        let tasks = fo.get("/petugas").await;
        assert!(
            !tasks.body.contains("pesan belum dibaca"),
            "read once, no longer unread"
        );
        let again = fo.get(&format!("/petugas/berkas/{id}")).await;
        assert!(!again.body.contains("pesan baru dari pemohon"));

        // The attachment opens for the officer and the applicant, not for anyone else.
        let msg_id: i64 = sqlx::query_scalar("SELECT id FROM messages WHERE application_id = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let a = fo.get(&format!("/petugas/berkas/{id}/pesan/{msg_id}/lampiran")).await;
        assert_eq!(a.status, 200);
        assert!(a.body.starts_with("%PDF"));
        assert_eq!(
            applicant
                .get(&format!("/permohonan/{id}/pesan/{msg_id}/lampiran"))
                .await
                .status,
            200
        );
        let stranger = crate::bad_input::quick_applicant(&app, "5104010903970012", "komang@example.com").await;
        assert_eq!(
            stranger
                .get(&format!("/permohonan/{id}/pesan/{msg_id}/lampiran"))
                .await
                .status,
            404
        );

        // The answer is signed with the desk, and the applicant hears of it.
        let r = fo
            .upload(
                &format!("/petugas/berkas/{id}/pesan"),
                "lampiran",
                "",
                Vec::new(),
                &[("pesan", "Dapat, selama masih berlaku. Salam, petugas.")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let mail = app
            .smtp
            .wait_for("putu@example.com", "Dapat, selama masih berlaku")
            .await;
        assert!(mail.data.contains("Pesan baru"), "{}", mail.data);
        assert!(crate::support::mail_text(&mail.data).contains("Front Office menjawab"));

        // The applicant's list and page count it until it is read.
        let list = applicant.get("/permohonan").await;
        assert!(list.body.contains("pesan baru"), "{}", list.body);
        let page = applicant.get(&format!("/permohonan/{id}")).await;
        assert!(page.body.contains("1 pesan baru dari kantor"));
        assert!(page.body.contains("Front Office"));
        assert!(
            !page.body.contains("Front Office jembrana"),
            "signed with the desk, not the person"
        );
        let list = applicant.get("/permohonan").await;
        assert!(!list.body.contains("pesan baru"), "read once, no longer unread");

        // Both messages are in the hash-chained history, which still verifies.
        let actions: Vec<String> = sqlx::query_scalar(
            "SELECT action FROM application_history WHERE application_id = $1 AND action LIKE 'pesan%' ORDER BY seq",
        )
        .bind(&id)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(actions, ["pesan_pemohon", "pesan_kantor"]);
        let report = izinkes_app::applications::history::verify(&app.state).await.unwrap();
        assert!(report.findings.is_empty(), "{:?}", report.findings);
    }
);

dual_test!(
    bad_messages_are_explained_next_to_the_field_and_kept,
    |app: TestApp| async move {
        staff_office(&app, "jembrana", "cilegon").await;
        let applicant = crate::bad_input::quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let id = submitted_drsp(&app, &applicant).await;
        let path = format!("/permohonan/{id}/pesan");

        let r = applicant
            .upload(&path, "lampiran", "", Vec::new(), &[("pesan", "   ")])
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("Tulis pesan Anda terlebih dahulu."));

        let long = "panjang ".repeat(300);
        let r = applicant
            .upload(&path, "lampiran", "", Vec::new(), &[("pesan", &long)])
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Pesan terlalu panjang"));
        assert!(r.body.contains("panjang panjang"), "the text is kept");

        let r = applicant
            .upload(
                &path,
                "lampiran",
                "virus.exe",
                b"MZ\x90\x00 not a document".to_vec(),
                &[("pesan", "Terlampir berkas saya")],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("e-lampiran"), "the message sits next to the file field");
        assert!(r.body.contains("Terlampir berkas saya"), "the text is kept");

        // Nothing was written by the refused messages.
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(n, 0);

        // HTML is text.
        let r = applicant
            .upload(
                &path,
                "lampiran",
                "",
                Vec::new(),
                &[("pesan", "<script>alert(1)</script>")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = applicant.get(&format!("/permohonan/{id}")).await;
        assert!(page.body.contains("&#60;script&#62;alert(1)"), "{}", page.body);
        assert!(!page.body.contains("<script>alert(1)"));

        // Someone else's thread does not exist, for applicants and for another office.
        let stranger = crate::bad_input::quick_applicant(&app, "5104010903970012", "komang@example.com").await;
        assert_eq!(
            stranger
                .upload(&path, "lampiran", "", Vec::new(), &[("pesan", "halo")])
                .await
                .status,
            404
        );
        let (_, elsewhere) = api_officer(&app, "pontianak", "fo", Role::FrontOffice).await;
        let r = elsewhere.get(&format!("/api/v1/desk/applications/{id}/messages")).await;
        assert_eq!(r.status, 404, "{r:?}");

        // A draft is not at the office yet.
        let draft = crate::journey::start_drsp(&stranger).await;
        let r = stranger
            .upload(
                &format!("/permohonan/{draft}/pesan"),
                "lampiran",
                "",
                Vec::new(),
                &[("pesan", "halo")],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("setelah permohonan diajukan"), "{}", r.body);
    }
);

dual_test!(
    the_thread_over_the_api_counts_unread_per_reader,
    |app: TestApp| async move {
        crate::desk_api::use_preset(&app, "jembrana", "cilegon").await;
        let (_, fo1) = api_officer(&app, "jembrana", "fo1", Role::FrontOffice).await;
        let (_, fo2) = api_officer(&app, "jembrana", "fo2", Role::FrontOffice).await;
        let (id, applicant) = submitted(&app).await;
        let path = format!("/api/v1/applications/{id}/messages");

        let r = applicant.post(&path, json!({"text": ""})).await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
        assert!(r.field("pesan").contains("Tulis pesan"));
        let r = applicant
            .post(&path, json!({"text": "Kapan berkas saya diperiksa?"}))
            .await;
        assert_eq!(r.status, 201, "{r:?}");

        // Each officer has their own unread mark.
        let tasks = fo1.get("/api/v1/desk/tasks").await;
        let row = tasks.body["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == json!(id))
            .cloned()
            .unwrap();
        assert_eq!(row["unread_messages"], json!(1));
        let t = fo1.get(&format!("/api/v1/desk/applications/{id}/messages")).await;
        assert_eq!(t.status, 200, "{t:?}");
        assert_eq!(t.body["unread"], json!(1));
        assert_eq!(t.body["messages"][0]["body"], json!("Kapan berkas saya diperiksa?"));
        assert_eq!(t.body["messages"][0]["from_office"], json!(false));
        let t = fo1.get(&format!("/api/v1/desk/applications/{id}/messages")).await;
        assert_eq!(t.body["unread"], json!(0), "read by fo1");
        let tasks = fo2.get("/api/v1/desk/tasks").await;
        assert!(
            tasks.body["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["id"] == json!(id) && t["unread_messages"] == json!(1))
        );

        let r = fo2
            .post(
                &format!("/api/v1/desk/applications/{id}/messages"),
                json!({"text": "Besok pagi."}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        let t = applicant.get(&path).await;
        assert_eq!(t.body["unread"], json!(1));
        assert_eq!(t.body["messages"][1]["author"], json!("Front Office"));
        assert_eq!(t.body["messages"][1]["from_office"], json!(true));

        // An attachment travels as base64 and is checked like the pages' uploads.
        use base64ct::Encoding;
        let pdf = demo::samples::pdf("surat keterangan");
        let r = applicant
            .post(
                &path,
                json!({"text": "Surat terlampir.", "attachment": {"filename": "surat.pdf",
                    "content_base64": base64ct::Base64::encode_string(&pdf)}}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        let message = r.body["id"].as_i64().unwrap();
        let bad = applicant
            .post(
                &path,
                json!({"text": "x", "attachment": {"filename": "a.pdf", "content_base64": "%%%"}}),
            )
            .await;
        assert_eq!((bad.status, bad.code()), (422, "invalid"), "{bad:?}");
        assert!(bad.field("lampiran").contains("base64"), "{bad:?}");
        let wrong = applicant
            .post(
                &path,
                json!({"text": "x", "attachment": {"filename": "a.exe",
                    "content_base64": base64ct::Base64::encode_string(b"MZ not a document")}}),
            )
            .await;
        assert_eq!(wrong.status, 422, "{wrong:?}");
        assert!(!wrong.field("lampiran").is_empty(), "{wrong:?}");
        let t = fo1.get(&format!("/api/v1/desk/applications/{id}/messages")).await;
        assert_eq!(
            t.body["messages"].as_array().unwrap().len(),
            3,
            "the refused ones were not written"
        );
        assert_eq!(t.body["messages"][2]["attachment"]["filename"], json!("surat.pdf"));
        let file = fo1
            .get(&format!("/api/v1/desk/applications/{id}/messages/{message}/attachment"))
            .await;
        assert_eq!(file.status, 200);
        assert_eq!(file.bytes, pdf);

        // Another applicant finds nothing.
        let (_, token) = crate::api::quick_applicant(&app.state, "5104010903970012", "komang@example.com").await;
        let stranger = crate::api::Api::new(&app).with_token(&token);
        assert_eq!(stranger.get(&path).await.status, 404);
        assert_eq!(stranger.post(&path, json!({"text": "halo"})).await.status, 404);
    }
);

dual_test!(
    an_office_may_sign_answers_with_the_officers_name,
    |app: TestApp| async move {
        let mut settings = izinkes_app::office_admin::settings::OfficeSettings {
            default_preset: "cilegon".into(),
            ..Default::default()
        };
        settings.messages_show_officer_name = true;
        izinkes_app::office_admin::settings::save_settings(&app.state, "jembrana", &settings)
            .await
            .unwrap();
        let (_, fo) = api_officer(&app, "jembrana", "fo", Role::FrontOffice).await;
        let (id, applicant) = submitted(&app).await;
        let r = fo
            .post(
                &format!("/api/v1/desk/applications/{id}/messages"),
                json!({"text": "Berkas diterima."}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        let t = applicant.get(&format!("/api/v1/applications/{id}/messages")).await;
        assert_eq!(t.body["messages"][0]["author"], json!("Front Office fo (Front Office)"));
    }
);

dual_test!(a_message_becomes_a_complaint_once, |app: TestApp| async move {
    staff_office(&app, "jembrana", "cilegon").await;
    let applicant = crate::bad_input::quick_applicant(&app, "5104010903970004", "putu@example.com").await;
    let id = submitted_drsp(&app, &applicant).await;
    let fo = officer(&app, "jembrana", "front_office").await;
    let r = applicant
        .post(
            &format!("/permohonan/{id}/pesan"),
            &[("pesan", "Berkas saya sudah dua minggu tidak diproses.")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = fo
        .post(
            &format!("/petugas/berkas/{id}/pesan"),
            &[("pesan", "Mohon maaf, sedang kami periksa.")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM messages WHERE application_id = $1 ORDER BY id")
        .bind(&id)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    let page = applicant.get(&format!("/permohonan/{id}")).await;
    assert!(page.body.contains("Jadikan pengaduan resmi"));

    // The office's answer is not a complaint.
    let r = fo
        .post(&format!("/petugas/berkas/{id}/pesan/{}/pengaduan", ids[1]), &[])
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    // Someone else cannot turn it.
    let stranger = crate::bad_input::quick_applicant(&app, "5104010903970012", "komang@example.com").await;
    let r = stranger
        .post(&format!("/permohonan/{id}/pesan/{}/pengaduan", ids[0]), &[])
        .await;
    assert_eq!(r.status, 404);

    let r = applicant
        .post(&format!("/permohonan/{id}/pesan/{}/pengaduan", ids[0]), &[])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let number: Option<String> = sqlx::query_scalar("SELECT complaint_number FROM messages WHERE id = $1")
        .bind(ids[0])
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let number = number.expect("numbered");
    let channel: String = sqlx::query_scalar("SELECT channel FROM complaints WHERE number = $1")
        .bind(&number)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(channel, "pesan");
    let page = applicant.get(&format!("/permohonan/{id}")).await;
    assert!(
        page.body
            .contains(&format!("Dicatat sebagai pengaduan <strong>{number}</strong>"))
    );
    // Once only, by either side.
    let r = fo
        .post(&format!("/petugas/berkas/{id}/pesan/{}/pengaduan", ids[0]), &[])
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("sudah dicatat sebagai pengaduan"));
});
