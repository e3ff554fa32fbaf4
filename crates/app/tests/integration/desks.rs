//! The back office over HTTP: each preset travelled through the officers' desks to "siap
//! ditandatangani", with a revision round and a rejection, the SLA in working days, concurrent
//! actions, and the tamper-evident history.

use crate::bad_input::quick_applicant;
use crate::dual_test;
use crate::journey::{fill_step1, fill_step2, start_drsp, upload_all};
use crate::support::{Browser, Response, TestApp};
use izinkes_app::demo;
use izinkes_domain::roles::Role;
use izinkes_domain::workflow::{Product, WorkflowDefinition};

const OFFICER_PASSWORD: &str = "petugas-kantor-2026";
const DESK_ROLES: [Role; 5] = [
    Role::FrontOffice,
    Role::BackOffice,
    Role::Kasi,
    Role::Kabid,
    Role::TimTeknis,
];

pub(crate) async fn staff_office(app: &TestApp, office: &str, preset: &str) {
    for role in DESK_ROLES {
        izinkes_app::accounts::officers::add_officer(
            &app.state,
            office,
            &format!("{}.{office}@kantor.example.id", role.code().replace('_', "")),
            &format!("{} {office}", role.label_id()),
            role.label_id(),
            OFFICER_PASSWORD,
            &[role],
        )
        .await
        .expect("officer");
    }
    izinkes_app::office_admin::settings::save_settings(
        &app.state,
        office,
        &izinkes_app::office_admin::settings::OfficeSettings {
            default_preset: preset.into(),
            ..Default::default()
        },
    )
    .await
    .expect("settings");
}

pub(crate) async fn officer(app: &TestApp, office: &str, role: &str) -> Browser {
    let b = app.browser();
    let email = format!("{}.{office}@kantor.example.id", role.replace('_', ""));
    let r = b
        .post("/petugas/masuk", &[("email", &email), ("password", OFFICER_PASSWORD)])
        .await;
    assert_eq!(r.status, 303, "{role}: {}", r.body);
    b
}

/// Posts a desk action with the lock version and request key the file page carries.
async fn desk(b: &Browser, id: &str, fields: &[(&str, &str)]) -> Response {
    let page = b.get(&format!("/petugas/berkas/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let lock = page.value_of("lock_version");
    let key = format!(
        "{}-{}",
        page.value_of("request_key"),
        fields.first().map(|f| f.1).unwrap_or("")
    );
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("lock_version", &lock));
    all.push(("request_key", &key));
    b.post(&format!("/petugas/berkas/{id}/aksi"), &all).await
}

pub(crate) async fn submitted_drsp(app: &TestApp, b: &Browser) -> String {
    let id = start_drsp(b).await;
    fill_step1(b, &id).await;
    fill_step2(b, &id).await;
    upload_all(b, &id).await;
    let r = b.post(&format!("/permohonan/{id}/ajukan"), &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let _ = app;
    id
}

async fn status_of(app: &TestApp, id: &str) -> String {
    sqlx::query_scalar("SELECT status FROM applications WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// Produces what each step needs and forwards, as the officer of that step.
pub(crate) async fn work_step(app: &TestApp, office: &str, id: &str, step: &izinkes_domain::workflow::Step) {
    let b = officer(app, office, &step.role).await;
    let tasks = b.get("/petugas").await;
    assert!(
        tasks.body.contains(&format!("/petugas/berkas/{id}")),
        "{} sees the file in Tugas Saya",
        step.role
    );
    for product in &step.produces {
        let r = match product {
            Product::Checklist => {
                let keys: Vec<String> =
                    sqlx::query_scalar("SELECT requirement_key FROM application_documents WHERE application_id = $1")
                        .bind(id)
                        .fetch_all(&app.state.db.pool)
                        .await
                        .unwrap();
                let names: Vec<String> = keys.iter().map(|k| format!("check_{k}")).collect();
                let mut fields: Vec<(&str, &str)> = vec![("action", "checklist")];
                for n in &names {
                    fields.push((n, "sesuai"));
                }
                desk(&b, id, &fields).await
            }
            Product::BeritaAcara => {
                let page = b.get(&format!("/petugas/berkas/{id}")).await;
                let lock = page.value_of("lock_version");
                b.upload(
                    &format!("/petugas/berkas/{id}/berita-acara"),
                    "file",
                    "ba.pdf",
                    demo::samples::pdf("Berita Acara Pemeriksaan"),
                    &[
                        ("lock_version", &lock),
                        ("request_key", "ba"),
                        ("date", "2026-01-05"),
                        ("officers", "Tim Teknis"),
                        ("result", "sesuai"),
                    ],
                )
                .await
            }
            Product::Recommendation => {
                desk(
                    &b,
                    id,
                    &[
                        ("action", "recommend"),
                        ("approve", "ya"),
                        ("number", "440/1/DINKES/2026"),
                    ],
                )
                .await
            }
            Product::DraftSk => {
                desk(
                    &b,
                    id,
                    &[("action", "prepare_draft"), ("sk_tempat_praktik", "RSU Negara")],
                )
                .await
            }
            Product::Paraf => desk(&b, id, &[("action", "paraf")]).await,
            Product::Approval => desk(&b, id, &[("action", "approve")]).await,
        };
        assert_eq!(r.status, 303, "{:?} at {}: {}", product, step.key, r.body);
    }
    let r = desk(&b, id, &[("action", "forward")]).await;
    assert_eq!(r.status, 303, "forward at {}: {}", step.key, r.body);
}

async fn travel(app: &TestApp, office: &str, preset: &str) {
    staff_office(app, office, preset).await;
    let applicant = quick_applicant(app, "5104010903970004", "putu@example.com").await;
    let id = submitted_drsp(app, &applicant).await;
    let def = WorkflowDefinition::preset(preset).unwrap();
    // Forwarding before the step's products exist is refused with the reason.
    // The file header names the office's own workflow, not the preset's origin, and the desk
    // once (issue 18).
    let first = officer(app, office, &def.steps[0].role).await;
    let page = first.get(&format!("/petugas/berkas/{id}")).await;
    assert!(
        page.body.contains("Alur kerja DPMPTSPTK Kabupaten Jembrana versi"),
        "{}",
        page.body
    );
    assert!(!page.body.contains(&def.name), "preset name {} shown", def.name);
    let role = izinkes_domain::roles::role_label(&def.steps[0].role);
    assert!(!page.body.contains(&format!("({role}) ({role})")), "{}", page.body);
    if !def.steps[0].produces.is_empty() {
        let fo = officer(app, office, &def.steps[0].role).await;
        let r = desk(&fo, &id, &[("action", "forward")]).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Belum dapat diteruskan"), "{}", r.body);
    }
    for step in &def.steps {
        work_step(app, office, &id, step).await;
    }
    assert_eq!(status_of(app, &id).await, "ready_to_sign");
    let page = applicant.get(&format!("/permohonan/{id}")).await;
    assert!(
        page.body.contains("Sedang Diproses"),
        "the applicant sees the file in process"
    );
    assert!(page.body.contains("menunggu penandatanganan"), "{}", page.body);
    let report = izinkes_app::applications::history::verify(&app.state).await.unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert!(report.entries > def.steps.len());
}

dual_test!(sepok_preset_reaches_ready_to_sign, |app: TestApp| async move {
    travel(&app, "jembrana", "sepok").await
});
dual_test!(cilegon_preset_reaches_ready_to_sign, |app: TestApp| async move {
    travel(&app, "jembrana", "cilegon").await
});
dual_test!(bontang_preset_reaches_ready_to_sign, |app: TestApp| async move {
    travel(&app, "jembrana", "bontang").await
});

dual_test!(
    a_revision_round_returns_to_the_officer_and_pauses_the_clock,
    |app: TestApp| async move {
        staff_office(&app, "jembrana", "cilegon").await;
        // The front office hears of the fixed file at once (not in the daily digest).
        crate::officer_digest::immediate(&app, "frontoffice.jembrana@kantor.example.id").await;
        let applicant = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let id = submitted_drsp(&app, &applicant).await;
        let fo = officer(&app, "jembrana", "front_office").await;
        // Nothing to return without notes.
        let r = desk(&fo, &id, &[("action", "return")]).await;
        assert_eq!(r.status, 422);
        let r = desk(
            &fo,
            &id,
            &[
                ("action", "return"),
                ("rd_pas_foto", "Pas foto buram, unggah ulang yang jelas."),
                ("label_rd_pas_foto", "Pas Foto Berwarna 4 x 6 cm"),
                ("rf_facility_name", "Tulis nama fasyankes lengkap."),
                ("label_rf_facility_name", "Nama Tempat Praktik"),
            ],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(status_of(&app, &id).await, "needs_revision");
        app.smtp.wait_for("putu@example.com", "perlu perbaikan").await;
        let paused: Option<String> = sqlx::query_scalar("SELECT sla_paused_since FROM applications WHERE id = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert!(
            paused.is_some(),
            "the SLA clock stops while the file is with the applicant"
        );

        let page = applicant.get(&format!("/permohonan/{id}")).await;
        assert!(page.body.contains("Perlu Perbaikan"));
        assert!(page.body.contains("Pas foto buram"));
        // Only the named items can change: the rest of the form is not offered.
        let form = applicant.get(&format!("/permohonan/{id}/perbaikan")).await;
        assert!(form.body.contains("name=\"facility_name\""));
        assert!(!form.body.contains("name=\"nomor_str\""));
        let r = applicant
            .post(
                &format!("/permohonan/{id}/perbaikan"),
                &[("facility_name", "RSU Negara Jembrana"), ("nomor_str", "9999")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = applicant
            .upload(
                &format!("/permohonan/{id}/perbaikan/berkas/pas_foto"),
                "file",
                "foto-baru.png",
                demo::samples::PNG.to_vec(),
                &[],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = applicant.post(&format!("/permohonan/{id}/ajukan-ulang"), &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(status_of(&app, &id).await, "submitted", "back at the front office step");
        let answers: String = sqlx::query_scalar("SELECT answers FROM applications WHERE id = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert!(
            !answers.contains("9999"),
            "fields that were not asked stay as they were"
        );
        let versions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM application_document_versions WHERE application_id = $1 AND requirement_key = 'pas_foto'")
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(versions, 1, "the replaced photo is kept with the round");
        let fo_page = fo.get(&format!("/petugas/berkas/{id}")).await;
        assert!(fo_page.body.contains("Putaran 1"));
        assert!(fo_page.body.contains("RSU Negara Jembrana"));
        app.smtp
            .wait_for("frontoffice.jembrana@kantor.example.id", "Perbaikan diajukan")
            .await;
        // Back with the officer who returned it: another front-office officer cannot act.
        izinkes_app::accounts::officers::add_officer(
            &app.state,
            "jembrana",
            "fo2.jembrana@kantor.example.id",
            "FO Dua",
            "FO",
            OFFICER_PASSWORD,
            &[Role::FrontOffice],
        )
        .await
        .unwrap();
        let fo2 = app.browser();
        fo2.post(
            "/petugas/masuk",
            &[
                ("email", "fo2.jembrana@kantor.example.id"),
                ("password", OFFICER_PASSWORD),
            ],
        )
        .await;
        let r = desk(&fo2, &id, &[("action", "forward")]).await;
        assert_eq!(r.status, 409, "claimed by the officer who returned it");
        assert!(r.body.contains("sedang dikerjakan oleh"));
        let report = izinkes_app::applications::history::verify(&app.state).await.unwrap();
        assert!(report.findings.is_empty());
    }
);

dual_test!(
    rejection_shows_the_reason_and_allows_a_fresh_start,
    |app: TestApp| async move {
        staff_office(&app, "jembrana", "bontang").await;
        let applicant = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let id = submitted_drsp(&app, &applicant).await;
        let fo = officer(&app, "jembrana", "front_office").await;
        let r = desk(&fo, &id, &[("action", "reject"), ("reason", "pendek")]).await;
        assert_eq!(r.status, 422, "a reason the applicant can understand is required");
        let reason = "STR yang dilampirkan bukan milik pemohon; ajukan kembali dengan STR Anda sendiri.";
        let r = desk(&fo, &id, &[("action", "reject"), ("reason", reason)]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(status_of(&app, &id).await, "rejected");
        let page = applicant.get(&format!("/permohonan/{id}")).await;
        assert!(page.body.contains("Ditolak"));
        assert!(page.body.contains("bukan milik pemohon"));
        app.smtp.wait_for("putu@example.com", "ditolak").await;
        // Nothing more happens at the desk.
        let r = desk(&fo, &id, &[("action", "forward")]).await;
        assert_eq!(r.status, 422);
        let r = applicant.post(&format!("/permohonan/{id}/ajukan-baru"), &[]).await;
        assert_eq!(r.status, 303);
        let new_id = r
            .location
            .unwrap()
            .trim_start_matches("/permohonan/")
            .trim_end_matches("/tahap-1")
            .to_string();
        let review = applicant.get(&format!("/permohonan/{new_id}/periksa")).await;
        assert!(
            review.body.contains("RSU Negara"),
            "prefilled from the rejected application"
        );
    }
);

dual_test!(two_officers_acting_at_once_have_one_effect, |app: TestApp| async move {
    staff_office(&app, "jembrana", "cilegon").await;
    izinkes_app::accounts::officers::add_officer(
        &app.state,
        "jembrana",
        "fo2.jembrana@kantor.example.id",
        "FO Dua",
        "FO",
        OFFICER_PASSWORD,
        &[Role::FrontOffice],
    )
    .await
    .unwrap();
    let applicant = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
    let id = submitted_drsp(&app, &applicant).await;
    let a = officer(&app, "jembrana", "front_office").await;
    let b = app.browser();
    b.post(
        "/petugas/masuk",
        &[
            ("email", "fo2.jembrana@kantor.example.id"),
            ("password", OFFICER_PASSWORD),
        ],
    )
    .await;
    // Both opened the file at the same version; both reject at once.
    let page = a.get(&format!("/petugas/berkas/{id}")).await;
    let lock = page.value_of("lock_version");
    let reason = "Berkas tidak lengkap dan tidak sesuai ketentuan.";
    let (ta, tb) = (a.csrf().await, b.csrf().await);
    let post = |br: &Browser, token: String, key: &'static str| {
        let fut = br
            .client
            .post(format!("{}/petugas/berkas/{id}/aksi", br.base))
            .form(&[
                ("action", "reject"),
                ("reason", reason),
                ("lock_version", lock.as_str()),
                ("request_key", key),
                ("_csrf", token.as_str()),
            ])
            .send();
        async move { fut.await.unwrap().status().as_u16() }
    };
    let (ra, rb) = tokio::join!(post(&a, ta.clone(), "key-a"), post(&b, tb, "key-b"));
    let mut codes = [ra, rb];
    codes.sort();
    assert_eq!(codes, [303, 409], "exactly one succeeds");
    // The same request again (double click) has one effect.
    let again = post(&a, ta, "key-a").await;
    assert!(again == 303 || again == 409);
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM application_history WHERE application_id = $1 AND action = 'tolak'")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(n, 1);
});

dual_test!(officers_see_only_their_own_office, |app: TestApp| async move {
    staff_office(&app, "jembrana", "cilegon").await;
    staff_office(&app, "pontianak", "sepok").await;
    let applicant = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
    let id = submitted_drsp(&app, &applicant).await;
    let other = officer(&app, "pontianak", "front_office").await;
    assert!(!other.get("/petugas").await.body.contains(&id));
    assert_eq!(other.get(&format!("/petugas/berkas/{id}")).await.status, 404);
    assert_eq!(
        other.get(&format!("/petugas/permohonan/{id}/syarat/ktp")).await.status,
        404
    );
    let r = other
        .post(
            &format!("/petugas/berkas/{id}/aksi"),
            &[("action", "forward"), ("lock_version", "1"), ("request_key", "x")],
        )
        .await;
    assert_eq!(r.status, 404);
    // The applicant is not an officer.
    assert_eq!(applicant.get("/petugas").await.status, 403);
    // An officer of the right office but the wrong role cannot act at this step.
    let kabid = officer(&app, "jembrana", "kabid").await;
    let r = desk(&kabid, &id, &[("action", "forward")]).await;
    assert_eq!(r.status, 422);
});

dual_test!(tampering_with_history_is_reported, |app: TestApp| async move {
    staff_office(&app, "jembrana", "cilegon").await;
    let applicant = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
    let id = submitted_drsp(&app, &applicant).await;
    let fo = officer(&app, "jembrana", "front_office").await;
    desk(
        &fo,
        &id,
        &[("action", "reject"), ("reason", "Alasan penolakan yang cukup panjang.")],
    )
    .await;
    assert!(
        izinkes_app::applications::history::verify(&app.state)
            .await
            .unwrap()
            .findings
            .is_empty()
    );
    sqlx::query(
        "UPDATE application_history SET public_note = 'diubah diam-diam' WHERE application_id = $1 AND seq = 1",
    )
    .bind(&id)
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    let report = izinkes_app::applications::history::verify(&app.state).await.unwrap();
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.seq == 1 && f.problem.contains("diubah")),
        "{:?}",
        report.findings
    );
    sqlx::query("DELETE FROM application_history WHERE application_id = $1 AND seq = 1")
        .bind(&id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let report = izinkes_app::applications::history::verify(&app.state).await.unwrap();
    assert!(
        report.findings.iter().any(|f| f.problem.contains("urutan")),
        "{:?}",
        report.findings
    );
});

dual_test!(
    sla_is_counted_in_working_days_with_the_holiday_data,
    |app: TestApp| async move {
        let cal = izinkes_app::office_admin::calendar::for_office(&app.state, "jembrana")
            .await
            .unwrap();
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            cal.add_working_days(d("2026-03-17"), 3),
            d("2026-03-27"),
            "DOMAIN.md test vector"
        );
        // A regional holiday added by the admin moves the deadline.
        izinkes_app::office_admin::calendar::add(
            &app.state,
            "jembrana",
            "2026-03-30",
            "regional",
            "Hari jadi Kabupaten",
            "Perbup 1/2026",
        )
        .await
        .unwrap();
        let cal = izinkes_app::office_admin::calendar::for_office(&app.state, "jembrana")
            .await
            .unwrap();
        assert_eq!(cal.add_working_days(d("2026-03-17"), 4), d("2026-03-31"));
        // Other offices keep their calendar.
        let other = izinkes_app::office_admin::calendar::for_office(&app.state, "pontianak")
            .await
            .unwrap();
        assert_eq!(other.add_working_days(d("2026-03-17"), 4), d("2026-03-30"));
        // Bad input to the holiday admin is explained.
        let e = izinkes_app::office_admin::calendar::add(&app.state, "jembrana", "2026-02-30", "apa", "", "")
            .await
            .unwrap_err();
        match e {
            izinkes_app::platform::error::ServiceError::Invalid(f) => assert_eq!(f.len(), 3),
            other => panic!("{other:?}"),
        }
    }
);

dual_test!(
    overdue_steps_escalate_once_and_fiktif_positif_is_opt_in,
    |app: TestApp| async move {
        staff_office(&app, "jembrana", "cilegon").await;
        crate::officer_digest::immediate(&app, "kasi.jembrana@kantor.example.id").await;
        let applicant = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let id = submitted_drsp(&app, &applicant).await;
        sqlx::query("UPDATE applications SET step_due_on = '2026-01-02', due_on = '2026-01-05' WHERE id = $1")
            .bind(&id)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        // The front office is overdue: the section head (Kasi) is told, once.
        assert_eq!(izinkes_app::desks::clock::tick(&app.state).await.unwrap(), 1);
        assert_eq!(
            izinkes_app::desks::clock::tick(&app.state).await.unwrap(),
            0,
            "one notice per step visit"
        );
        app.smtp.wait_for("kasi.jembrana@kantor.example.id", "Eskalasi").await;
        let fo = officer(&app, "jembrana", "front_office").await;
        let tasks = fo.get("/petugas").await;
        assert!(tasks.body.contains("Terlambat"), "overdue files are highlighted");
        assert_eq!(
            status_of(&app, &id).await,
            "submitted",
            "automatic approval is off by default"
        );

        izinkes_app::office_admin::settings::save_settings(
            &app.state,
            "jembrana",
            &izinkes_app::office_admin::settings::OfficeSettings {
                default_preset: "cilegon".into(),
                auto_approve_at_deadline: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        izinkes_app::desks::clock::tick(&app.state).await.unwrap();
        assert_eq!(status_of(&app, &id).await, "ready_to_sign");
        let actor: String = sqlx::query_scalar(
            "SELECT actor_kind FROM application_history WHERE application_id = $1 ORDER BY seq DESC LIMIT 1",
        )
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(actor, "system");
        assert!(
            izinkes_app::applications::history::verify(&app.state)
                .await
                .unwrap()
                .findings
                .is_empty()
        );
    }
);

dual_test!(
    a_running_application_keeps_its_workflow_version,
    |app: TestApp| async move {
        staff_office(&app, "jembrana", "cilegon").await;
        let applicant = quick_applicant(&app, "5104010903970004", "putu@example.com").await;
        let first = submitted_drsp(&app, &applicant).await;
        // The office adapts the workflow: a shorter one (two steps).
        let mut def = WorkflowDefinition::preset("cilegon").unwrap();
        def.steps.truncate(2);
        def.steps[0].sla_share = 40;
        def.steps[1].sla_share = 40;
        let e = izinkes_app::desks::workflows::publish(&app.state, "jembrana", "SIP-DRSP", &def, None)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("100"), "shares must add up: {e}");
        def.steps[1].sla_share = 60;
        def.steps[1].role = "kadis".into();
        let e = izinkes_app::desks::workflows::publish(&app.state, "jembrana", "SIP-DRSP", &def, None)
            .await
            .unwrap_err();
        assert!(
            e.to_string().contains("kadis") || e.to_string().contains("Kepala Dinas"),
            "roles must exist in the office: {e}"
        );
        def.steps[1].role = "back_office".into();
        let v = izinkes_app::desks::workflows::publish(&app.state, "jembrana", "SIP-DRSP", &def, None)
            .await
            .unwrap();
        assert_eq!(v.version, 2);
        let second_applicant = quick_applicant(&app, "5101014505920003", "ayu@example.com").await;
        let second = submitted_drsp(&app, &second_applicant).await;
        let wf = |id: String| {
            let pool = app.state.db.pool.clone();
            async move {
                sqlx::query_scalar::<_, i64>("SELECT v.version FROM applications a JOIN workflow_versions v ON v.id = a.workflow_version_id WHERE a.id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap()
            }
        };
        assert_eq!(wf(first.clone()).await, 1);
        assert_eq!(wf(second.clone()).await, 2);
        let fo = officer(&app, "jembrana", "front_office").await;
        assert!(
            fo.get(&format!("/petugas/berkas/{first}"))
                .await
                .body
                .contains("Persetujuan draf SK"),
            "six steps of the old version"
        );
        assert!(
            !fo.get(&format!("/petugas/berkas/{second}"))
                .await
                .body
                .contains("Persetujuan draf SK")
        );
    }
);

/// The minute clock reads the overdue files from its own narrow index, not the application rows
/// (SQLite's plan; PostgreSQL picks by its statistics).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clock_finds_overdue_files_from_its_index() {
    let app = TestApp::spawn(crate::support::Backend::Sqlite).await;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "EXPLAIN QUERY PLAN {}",
        izinkes_app::desks::clock::OVERDUE_NOT_ESCALATED
    )))
    .bind("jembrana")
    .bind("2026-11-30")
    .fetch_all(&app.state.db.pool)
    .await
    .expect("plan");
    let plan: Vec<String> = rows
        .iter()
        .map(|r| sqlx::Row::try_get::<String, _>(r, "detail").unwrap_or_default())
        .collect();
    assert!(
        plan.iter().any(|d| d.contains("USING INDEX applications_clock")),
        "plan: {plan:?}"
    );
}
