//! Withdrawing a submitted application (issue 18): with a reason, from the page and the API;
//! the desks drop it, it frees its practice place, and a file ready to sign cannot be withdrawn.

use crate::bad_input::quick_applicant;
use crate::dual_test;
use crate::journey::{fill_step1, fill_step2, start_drsp, upload_all};
use crate::permits::{login_officer, ready_to_sign, staff, status_of};
use crate::support::TestApp;

dual_test!(
    an_applicant_withdraws_a_submitted_file_and_the_desks_drop_it,
    |app: TestApp| async move {
        staff(&app, "jembrana").await;
        let b = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let id = start_drsp(&b).await;
        fill_step1(&b, &id).await;
        fill_step2(&b, &id).await;
        upload_all(&b, &id).await;
        assert_eq!(b.post(&format!("/permohonan/{id}/ajukan"), &[]).await.status, 303);
        let number: String = sqlx::query_scalar("SELECT registration_number FROM applications WHERE id = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let fo = login_officer(&app, "jembrana", "front_office", None).await;
        assert!(fo.get("/petugas").await.body.contains(&number));

        let page = b.get(&format!("/permohonan/{id}")).await;
        assert!(page.body.contains("Batalkan permohonan"));
        let r = b
            .post(&format!("/permohonan/{id}/batalkan"), &[("reason", "batal")])
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.field_error("reason").contains("paling sedikit 10"), "{}", r.body);
        assert!(r.body.contains(">batal</textarea>"), "the reason is kept");
        assert_eq!(status_of(&app, &id).await, "submitted");

        let reason = "Saya pindah tugas ke kabupaten lain.";
        let r = b
            .post(&format!("/permohonan/{id}/batalkan"), &[("reason", reason)])
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(status_of(&app, &id).await, "withdrawn");
        let page = b.get(&format!("/permohonan/{id}")).await;
        assert!(page.body.contains("Dibatalkan Pemohon") && page.body.contains(reason));
        assert!(!page.body.contains("Ya, batalkan permohonan ini"));
        let mail = app.smtp.wait_for("putu@example.com", "Permohonan dibatalkan").await;
        assert!(crate::support::mail_text(&mail.data).contains(reason));

        // Off the desk, and no officer can act on it any more.
        assert!(!fo.get("/petugas").await.body.contains(&number));
        let file = fo.get(&format!("/petugas/berkas/{id}")).await;
        assert_eq!(file.status, 200);
        assert!(file.body.contains("Dibatalkan Pemohon"));
        let r = fo
            .post(
                &format!("/petugas/berkas/{id}/aksi"),
                &[("action", "forward"), ("lock_version", &file.value_of("lock_version"))],
            )
            .await;
        assert_ne!(r.status, 303, "{}", r.body);
        assert_eq!(status_of(&app, &id).await, "withdrawn");
        let tracked = app
            .browser()
            .post("/lacak", &[("number", number.as_str()), ("nik4", "0004")])
            .await;
        assert!(tracked.body.contains("Dibatalkan Pemohon"));
        assert!(!tracked.body.contains("Tahap saat ini"));
        assert!(
            izinkes_app::applications::history::verify(&app.state)
                .await
                .unwrap()
                .findings
                .is_empty()
        );

        // A second withdrawal, and one of a file ready to sign, are refused.
        let r = b
            .post(&format!("/permohonan/{id}/batalkan"), &[("reason", reason)])
            .await;
        assert_eq!(r.status, 422);
        let ready = ready_to_sign(&app, &b).await;
        let api = crate::api::Api::new(&app);
        let token = crate::api::login(&api, "putu@example.com").await;
        let putu = api.with_token(&token);
        let r = putu
            .post(
                &format!("/api/v1/applications/{ready}/withdraw"),
                serde_json::json!({"reason": reason}),
            )
            .await;
        assert_eq!((r.status, r.code()), (422, "refused"), "{r:?}");
        assert_eq!(status_of(&app, &ready).await, "ready_to_sign");
    }
);

dual_test!(the_api_withdraws_with_a_reason, |app: TestApp| async move {
    staff(&app, "jembrana").await;
    let b = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
    let id = start_drsp(&b).await;
    fill_step1(&b, &id).await;
    fill_step2(&b, &id).await;
    upload_all(&b, &id).await;
    assert_eq!(b.post(&format!("/permohonan/{id}/ajukan"), &[]).await.status, 303);
    let api = crate::api::Api::new(&app);
    let token = crate::api::login(&api, "putu@example.com").await;
    let putu = api.with_token(&token);
    let url = format!("/api/v1/applications/{id}/withdraw");
    let r = putu.post(&url, serde_json::json!({})).await;
    assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
    let r = putu
        .post(&url, serde_json::json!({"reason": "Sudah mendapat izin di kota lain."}))
        .await;
    assert_eq!((r.status, r.str("status")), (200, "withdrawn"), "{r:?}");
    assert_eq!(r.str("status_label"), "Dibatalkan Pemohon");
});
