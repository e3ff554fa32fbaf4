//! The desks over the JSON API with officer tokens (issue 3 §7): a file through the Cilegon
//! preset to "siap ditandatangani" with a revision round fixed by the applicant over the API,
//! stale lock versions (409), repeated requests (already_done), other offices (404); and the
//! Berita Acara upload, the technical recommendation and reassignment on the Sepok preset.

use crate::api::{Api, Reply, quick_applicant, ready_draft};
use crate::dual_test;
use crate::support::TestApp;
use izinkes_app::demo;
use izinkes_domain::roles::Role;
use reqwest::Method;
use serde_json::{Value, json};

const OFFICER_PASSWORD: &str = "petugas-kantor-2026";
const PUTU_NIK: &str = "5104010903970004";

pub(crate) async fn use_preset(app: &TestApp, office: &str, preset: &str) {
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

/// Adds an officer and signs them in over the API; returns the officer's id and client.
pub(crate) async fn officer(app: &TestApp, office: &str, name: &str, role: Role) -> (String, Api) {
    let email = format!("{name}.{office}@kantor.example.id");
    let id = izinkes_app::accounts::officers::add_officer(
        &app.state,
        office,
        &email,
        &format!("{} {name}", role.label_id()),
        "Pelaksana",
        OFFICER_PASSWORD,
        &[role],
    )
    .await
    .expect("officer");
    let api = Api::new(app);
    let r = api
        .post(
            "/api/v1/auth/login",
            json!({"kind": "officer", "email": email, "password": OFFICER_PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.str("token_type"), "Bearer");
    (id, api.with_token(r.str("token")))
}

/// A submitted SIP-DRSP application at Jembrana; returns its id and the applicant's client.
pub(crate) async fn submitted(app: &TestApp) -> (String, Api) {
    let (applicant_id, token) = quick_applicant(&app.state, PUTU_NIK, "putu@example.com").await;
    let applicant = Api::new(app).with_token(&token);
    let id = ready_draft(&app.state, &applicant_id, "RSU Negara", 1).await;
    let r = applicant
        .post(&format!("/api/v1/applications/{id}/submit"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    (id, applicant)
}

async fn file(o: &Api, id: &str) -> Value {
    let r = o.get(&format!("/api/v1/desk/applications/{id}")).await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body
}

async fn act_raw(o: &Api, id: &str, body: Value) -> Reply {
    o.post(&format!("/api/v1/desk/applications/{id}/actions"), body).await
}

/// One action with the lock version just read and a new request key; must succeed.
async fn act(o: &Api, id: &str, mut body: Value) -> Value {
    body["lock_version"] = file(o, id).await["lock_version"].clone();
    body["request_key"] = json!(izinkes_app::platform::ids::new_id());
    let r = act_raw(o, id, body.clone()).await;
    assert_eq!(r.status, 200, "{body}: {r:?}");
    assert_eq!(r.str("outcome"), "done", "{r:?}");
    r.body["application"].clone()
}

fn actions(f: &Value) -> Vec<String> {
    f["allowed_actions"]
        .as_array()
        .expect("allowed_actions")
        .iter()
        .map(|a| a.as_str().unwrap_or("").to_string())
        .collect()
}

fn has_product(f: &Value, product: &str) -> bool {
    f["products"]
        .as_array()
        .expect("products")
        .iter()
        .any(|p| p["product"] == product)
}

dual_test!(
    desk_api_takes_a_file_through_the_cilegon_preset,
    |app: TestApp| async move {
        use_preset(&app, "jembrana", "cilegon").await;
        let (_, fo) = officer(&app, "jembrana", "fo", Role::FrontOffice).await;
        let (_, bo) = officer(&app, "jembrana", "bo", Role::BackOffice).await;
        let (_, kasi) = officer(&app, "jembrana", "kasi", Role::Kasi).await;
        let (_, kabid) = officer(&app, "jembrana", "kabid", Role::Kabid).await;
        let (_, other) = officer(&app, "pontianak", "fo", Role::FrontOffice).await;
        let (id, applicant) = submitted(&app).await;

        // Only officer tokens reach the desks.
        assert_eq!(Api::new(&app).get("/api/v1/desk/tasks").await.status, 401);
        let r = applicant.get("/api/v1/desk/tasks").await;
        assert_eq!((r.status, r.code()), (403, "forbidden"));

        // Tugas Saya: the file waits at the Front Office, not anywhere else.
        let r = fo.get("/api/v1/desk/tasks").await;
        assert_eq!(r.status, 200, "{r:?}");
        let tasks = r.body["tasks"].as_array().expect("tasks").clone();
        let item = tasks
            .iter()
            .find(|t| t["id"] == id.as_str())
            .expect("the file in Tugas Saya");
        assert_eq!(item["step_role"], "front_office");
        assert_eq!(item["status"], "submitted");
        assert!(
            item["registration_number"]
                .as_str()
                .is_some_and(|n| n.starts_with("JBR-"))
        );
        assert!(item["remaining_days"].is_i64());
        let r = fo.get("/api/v1/desk/tasks?izin=SIP-DRSP&status=submitted&q=heri").await;
        assert_eq!(r.body["tasks"].as_array().map(Vec::len), Some(1), "{r:?}");
        let r = fo.get("/api/v1/desk/tasks?izin=SIP-DRG").await;
        assert_eq!(r.body["tasks"].as_array().map(Vec::len), Some(0), "{r:?}");
        assert!(
            !bo.get("/api/v1/desk/tasks").await.body["tasks"]
                .as_array()
                .expect("tasks")
                .iter()
                .any(|t| t["id"] == id.as_str())
        );
        assert!(
            other.get("/api/v1/desk/tasks").await.body["tasks"]
                .as_array()
                .expect("tasks")
                .is_empty()
        );

        // The file: the application, its workflow and place in it, what this officer may do.
        let f = file(&fo, &id).await;
        assert_eq!(f["id"], id.as_str());
        assert_eq!(f["status"], "submitted");
        assert_eq!(f["workflow"]["key"], "cilegon");
        assert_eq!(f["workflow"]["version"], 1);
        let steps = f["workflow"]["steps"].as_array().expect("steps");
        assert_eq!(steps.len(), 6);
        assert_eq!(steps[0]["state"], "current");
        assert_eq!(steps[0]["role"], "front_office");
        assert_eq!(steps[1]["state"], "pending");
        assert_eq!(f["position"], json!({"at": "at_step", "step": 0}));
        assert_eq!(f["current_step"]["key"], "pemeriksaan_kelengkapan");
        assert_eq!(f["current_step"]["produces"], json!(["checklist"]));
        let can = actions(&f);
        for a in ["claim", "checklist", "forward", "return_to_applicant", "reject"] {
            assert!(can.iter().any(|x| x == a), "{a} in {can:?}");
        }
        assert!(!can.iter().any(|x| x == "reassign" || x == "release"), "{can:?}");
        assert!(f["claimed_by"].is_null());
        assert!(f["step_due_on"].as_str().is_some_and(|d| d.len() == 10));
        assert!(f["due_on"].as_str().is_some_and(|d| d.len() == 10));
        assert!(f["remaining_days"].is_i64() && f["remaining_step_days"].is_i64());
        assert_eq!(f["sla_paused"], false);
        assert_eq!(f["requirements"].as_array().map(|r| r.is_empty()), Some(false));
        // Another role of the office sees the file but can do nothing with it now.
        let f_bo = file(&bo, &id).await;
        assert!(actions(&f_bo).is_empty(), "{:?}", actions(&f_bo));
        assert!(
            actions(&file(&kasi, &id).await) == ["reassign"],
            "supervisors may hand the file over"
        );

        // Another office: the file does not exist.
        let r = other.get(&format!("/api/v1/desk/applications/{id}")).await;
        assert_eq!((r.status, r.code()), (404, "not_found"));
        let r = act_raw(
            &other,
            &id,
            json!({"action": "claim", "lock_version": f["lock_version"]}),
        )
        .await;
        assert_eq!((r.status, r.code()), (404, "not_found"));
        let r = other
            .get(&format!("/api/v1/desk/applications/{id}/documents/ktp"))
            .await;
        assert_eq!(r.status, 404);

        // Claiming: once; the same request again is answered as already done; a stale lock is 409.
        let lock = f["lock_version"].as_i64().expect("lock_version");
        let claim = json!({"action": "claim", "lock_version": lock, "request_key": "klaim-1"});
        let r = act_raw(&fo, &id, claim.clone()).await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.str("outcome"), "done");
        assert_eq!(r.body["application"]["claimed_by_me"], true);
        assert_eq!(r.body["application"]["lock_version"], lock + 1);
        assert!(actions(&r.body["application"]).contains(&"release".to_string()));
        let r = act_raw(&fo, &id, claim).await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.str("outcome"), "already_done");
        assert_eq!(
            r.body["application"]["lock_version"],
            lock + 1,
            "nothing happened twice"
        );
        let r = act_raw(
            &fo,
            &id,
            json!({"action": "release", "lock_version": lock, "request_key": "lepas-basi"}),
        )
        .await;
        assert_eq!((r.status, r.code()), (409, "conflict"), "{r:?}");
        assert!(r.message().contains("baru saja diubah"), "{}", r.message());

        // Bad requests are explained per field.
        let r = act_raw(&fo, &id, json!({"action": "terbang", "lock_version": lock + 1})).await;
        assert_eq!((r.status, r.code()), (422, "invalid"));
        assert!(r.field("action").contains("tidak dikenal"), "{r:?}");
        let r = act_raw(&fo, &id, json!({"action": "forward"})).await;
        assert_eq!((r.status, r.code()), (422, "invalid"));
        assert!(!r.field("lock_version").is_empty(), "{r:?}");
        let r = act_raw(&fo, &id, json!({"action": "forward", "lock_version": "satu"})).await;
        assert_eq!((r.status, r.code()), (400, "bad_request"), "{r:?}");
        let r = act_raw(&fo, &id, json!({"action": "return_to_applicant", "lock_version": lock + 1, "items": [{"kind": "document", "key": "tidak_ada", "note": "x"}]})).await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
        // The workflow's own refusal: the checklist comes before forwarding.
        let r = act_raw(&fo, &id, json!({"action": "forward", "lock_version": lock + 1})).await;
        assert_eq!((r.status, r.code()), (422, "refused"), "{r:?}");
        assert!(r.message().contains("Belum dapat diteruskan"), "{}", r.message());
        // The wrong role is refused at the step.
        let r = act_raw(&bo, &id, json!({"action": "forward", "lock_version": lock + 1})).await;
        assert_eq!((r.status, r.code()), (422, "refused"), "{r:?}");

        // Back to the applicant with itemized notes; labels come from the permit type.
        let f = act(
            &fo,
            &id,
            json!({
                "action": "return_to_applicant",
                "note": "Mohon diperbaiki dalam 14 hari.",
                "items": [
                    {"kind": "document", "key": "pas_foto", "note": "Pas foto buram, unggah ulang yang jelas."},
                    {"kind": "field", "key": "facility_name", "note": "Tulis nama fasyankes lengkap."},
                ],
            }),
        )
        .await;
        assert_eq!(f["status"], "needs_revision");
        assert_eq!(f["position"]["at"], "with_applicant");
        assert_eq!(f["sla_paused"], true);
        assert!(actions(&f).is_empty());
        let round = &f["revision_rounds"][0];
        assert_eq!(round["round"], 1);
        assert_eq!(round["items"][1]["label"], "Nama Tempat Praktik");
        assert!(
            round["items"][0]["label"].as_str().is_some_and(|l| l.contains("Foto")),
            "{round}"
        );
        app.smtp.wait_for("putu@example.com", "perlu perbaikan").await;

        // The applicant fixes exactly what was asked, over the API.
        let r = applicant.get(&format!("/api/v1/applications/{id}/revision")).await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.body["open_round"]["round"], 1);
        assert_eq!(r.body["open_round"]["items"].as_array().map(Vec::len), Some(2));
        let r = applicant
            .put(
                &format!("/api/v1/applications/{id}/revision/fields"),
                json!({"facility_name": "", "nomor_str": "9999"}),
            )
            .await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
        assert!(!r.field("facility_name").is_empty(), "{r:?}");
        let r = applicant
            .put(
                &format!("/api/v1/applications/{id}/revision/fields"),
                json!({"facility_name": "RSU Negara Jembrana", "nomor_str": "9999"}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.body["applicant"]["facility_name"], "RSU Negara Jembrana");
        assert_ne!(
            r.body["form"]["nomor_str"], "9999",
            "fields that were not asked stay as they were"
        );
        let r = applicant
            .raw(
                Method::PUT,
                &format!("/api/v1/applications/{id}/revision/documents/ktp?filename=ktp.pdf"),
                demo::samples::pdf("KTP"),
                "application/octet-stream",
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (422, "invalid"),
            "a document that was not asked: {r:?}"
        );
        let r = applicant
            .raw(
                Method::PUT,
                &format!("/api/v1/applications/{id}/revision/documents/pas_foto?filename=foto-baru.jpg"),
                demo::samples::jpeg(),
                "application/octet-stream",
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        // Officers cannot use the applicant's side, nor another applicant.
        assert_eq!(
            fo.post(&format!("/api/v1/applications/{id}/resubmit"), json!({}))
                .await
                .status,
            403
        );
        let (_, stranger) = quick_applicant(&app.state, "5104011003970005", "orang.lain@example.com").await;
        let stranger = Api::new(&app).with_token(&stranger);
        assert_eq!(
            stranger
                .get(&format!("/api/v1/applications/{id}/revision"))
                .await
                .status,
            404
        );
        assert_eq!(
            stranger
                .post(&format!("/api/v1/applications/{id}/resubmit"), json!({}))
                .await
                .status,
            404
        );
        let r = applicant
            .post(&format!("/api/v1/applications/{id}/resubmit"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.body["status"], "submitted");
        let r = applicant
            .post(&format!("/api/v1/applications/{id}/resubmit"), json!({}))
            .await;
        assert_eq!((r.status, r.code()), (422, "refused"), "only once: {r:?}");
        let r = applicant.get(&format!("/api/v1/applications/{id}/revision")).await;
        assert!(r.body["open_round"].is_null(), "{r:?}");
        assert!(r.body["rounds"][0]["resubmitted_at"].is_string());

        // Back with the officer who returned it, who checks and forwards.
        let f = file(&fo, &id).await;
        assert_eq!(f["status"], "submitted");
        assert_eq!(f["claimed_by_me"], true);
        assert!(f["revision_rounds"][0]["changes"]["after"].is_object());
        let checks: Vec<Value> = f["requirements"]
            .as_array()
            .expect("requirements")
            .iter()
            .filter(|r| !r["attached"].is_null())
            .map(|r| json!({"key": r["key"], "ok": true}))
            .collect();
        assert!(checks.len() >= 7);
        let r = act_raw(
            &fo,
            &id,
            json!({"action": "checklist", "lock_version": f["lock_version"], "checks": [{"key": "ktp", "ok": false}]}),
        )
        .await;
        assert_eq!(
            (r.status, r.code()),
            (422, "invalid"),
            "a failed check needs a note: {r:?}"
        );
        let f = act(&fo, &id, json!({"action": "checklist", "checks": checks})).await;
        assert!(has_product(&f, "checklist"));
        assert_eq!(f["checks"].as_array().map(Vec::len), Some(checks.len()));
        let f = act(&fo, &id, json!({"action": "forward", "note": "Lengkap."})).await;
        assert_eq!(f["status"], "in_process");
        assert_eq!(f["position"], json!({"at": "at_step", "step": 1}));
        assert_eq!(f["workflow"]["steps"][0]["state"], "done");
        assert!(actions(&f).is_empty(), "the Front Office is done with it");
        assert!(
            f["internal_notes"]
                .as_array()
                .is_some_and(|n| n.iter().any(|x| x["note"] == "Lengkap."))
        );

        // The rest of the Cilegon desks.
        act(&bo, &id, json!({"action": "forward"})).await;
        act(&kasi, &id, json!({"action": "forward"})).await;
        let r = act_raw(
            &kabid,
            &id,
            json!({"action": "prepare_draft", "lock_version": file(&bo, &id).await["lock_version"]}),
        )
        .await;
        assert_eq!((r.status, r.code()), (422, "refused"), "the Back Office's step: {r:?}");
        let f = act(
            &bo,
            &id,
            json!({"action": "prepare_draft", "fields": {"tempat_praktik": "RSU Negara Jembrana"}}),
        )
        .await;
        assert!(has_product(&f, "draft_sk"));
        act(&bo, &id, json!({"action": "forward"})).await;
        act(&kasi, &id, json!({"action": "paraf", "note": "Sesuai."})).await;
        act(&kasi, &id, json!({"action": "forward"})).await;
        act(&kabid, &id, json!({"action": "approve"})).await;
        let f = act(&kabid, &id, json!({"action": "forward"})).await;
        assert_eq!(f["status"], "ready_to_sign");
        assert_eq!(f["status_officer"], "Siap Ditandatangani");
        assert_eq!(f["position"], json!({"at": "ready_to_sign"}));
        assert!(f["current_step"].is_null());
        assert!(actions(&f).is_empty());
        assert!(
            f["workflow"]["steps"]
                .as_array()
                .expect("steps")
                .iter()
                .all(|s| s["state"] == "done")
        );
        let r = act_raw(
            &kabid,
            &id,
            json!({"action": "forward", "lock_version": f["lock_version"]}),
        )
        .await;
        assert_eq!(
            (r.status, r.code()),
            (422, "refused"),
            "nothing more at the desks: {r:?}"
        );
        let r = applicant.get(&format!("/api/v1/applications/{id}")).await;
        assert_eq!(r.body["status_label"], "Sedang Diproses");

        // The heads' summary.
        let r = kasi.get("/api/v1/desk/summary").await;
        assert_eq!(r.status, 200, "{r:?}");
        assert!(r.body["steps"].is_array());
        let r = fo.get("/api/v1/desk/summary").await;
        assert_eq!((r.status, r.code()), (403, "forbidden"));

        let report = izinkes_app::applications::history::verify(&app.state)
            .await
            .expect("audit");
        assert!(report.findings.is_empty(), "{:?}", report.findings);
    }
);

dual_test!(
    desk_api_records_the_inspection_the_recommendation_and_reassignment,
    |app: TestApp| async move {
        use_preset(&app, "jembrana", "sepok").await;
        let (_, fo) = officer(&app, "jembrana", "fo", Role::FrontOffice).await;
        let (fo2_id, fo2) = officer(&app, "jembrana", "fo2", Role::FrontOffice).await;
        let (_, tt) = officer(&app, "jembrana", "tt", Role::TimTeknis).await;
        let (_, bo) = officer(&app, "jembrana", "bo", Role::BackOffice).await;
        let (_, kasi) = officer(&app, "jembrana", "kasi", Role::Kasi).await;
        let (_, other) = officer(&app, "pontianak", "tt", Role::TimTeknis).await;
        let (id, _) = submitted(&app).await;

        // A supervisor hands the file to a named officer of the office.
        let r = kasi.get("/api/v1/desk/officers").await;
        assert_eq!(r.status, 200, "{r:?}");
        assert!(
            r.body["officers"]
                .as_array()
                .expect("officers")
                .iter()
                .any(|o| o["id"] == fo2_id.as_str())
        );
        assert!(
            !other.get("/api/v1/desk/officers").await.body["officers"]
                .as_array()
                .expect("officers")
                .iter()
                .any(|o| o["id"] == fo2_id.as_str())
        );
        let lock = file(&fo, &id).await["lock_version"].clone();
        let r = act_raw(
            &fo,
            &id,
            json!({"action": "reassign", "officer_id": fo2_id, "lock_version": lock}),
        )
        .await;
        assert_eq!(
            (r.status, r.code()),
            (403, "forbidden"),
            "only supervisors reassign: {r:?}"
        );
        let r = act_raw(&kasi, &id, json!({"action": "reassign", "lock_version": lock})).await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
        let f = act(&kasi, &id, json!({"action": "reassign", "officer_id": fo2_id})).await;
        assert_eq!(f["claimed_by"]["id"], fo2_id.as_str());
        // Held by the other Front Office officer: this one waits.
        let f = file(&fo, &id).await;
        assert!(actions(&f).is_empty());
        let r = act_raw(
            &fo,
            &id,
            json!({"action": "checklist", "lock_version": f["lock_version"], "checks": [{"key": "ktp", "ok": true}]}),
        )
        .await;
        assert_eq!((r.status, r.code()), (409, "conflict"), "{r:?}");
        assert!(r.message().contains("sedang dikerjakan oleh"), "{}", r.message());
        act(
            &fo2,
            &id,
            json!({"action": "checklist", "checks": [{"key": "ktp", "ok": true, "note": "Sesuai"}]}),
        )
        .await;
        act(&fo2, &id, json!({"action": "forward"})).await;

        // Tim Teknis reads a document, records the Berita Acara (raw PDF) and recommends.
        let r = tt.get(&format!("/api/v1/desk/applications/{id}/documents/ktp")).await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.content_type, "application/pdf");
        assert!(r.bytes.starts_with(b"%PDF"));
        assert_eq!(
            other
                .get(&format!("/api/v1/desk/applications/{id}/documents/ktp"))
                .await
                .status,
            404
        );
        let lock = file(&tt, &id).await["lock_version"].as_i64().expect("lock");
        let inspection = |query: String, bytes: Vec<u8>| {
            let tt = tt.clone();
            let path = format!("/api/v1/desk/applications/{id}/inspection?{query}");
            async move { tt.raw(Method::POST, &path, bytes, "application/pdf").await }
        };
        let r = inspection(
            format!("lock_version={lock}&date=2026-01-05&officers=Tim&result=sesuai"),
            Vec::new(),
        )
        .await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
        assert!(!r.field("file").is_empty(), "{r:?}");
        let r = inspection(
            format!("lock_version={lock}&date=2999-01-05&officers=Tim&result=baik"),
            demo::samples::pdf("BA"),
        )
        .await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
        assert!(!r.field("date").is_empty() && !r.field("result").is_empty(), "{r:?}");
        let r = inspection(
            "date=2026-01-05&officers=Tim&result=sesuai".to_string(),
            demo::samples::pdf("BA"),
        )
        .await;
        assert_eq!((r.status, r.code()), (422, "invalid"), "no lock version: {r:?}");
        let r = inspection(
            format!("lock_version={lock}&date=2026-01-05&officers=Tim"),
            demo::samples::pdf("BA"),
        )
        .await;
        assert_eq!(r.status, 422);
        let r = other
        .raw(Method::POST, &format!("/api/v1/desk/applications/{id}/inspection?lock_version={lock}&date=2026-01-05&officers=Tim&result=sesuai"), demo::samples::pdf("BA"), "application/pdf")
        .await;
        assert_eq!(r.status, 404, "{r:?}");
        let r = inspection(
        format!("lock_version={lock}&request_key=ba-1&date=2026-01-05&officers=dr.%20Made%2C%20Ns.%20Ayu&result=sesuai&filename=ba.pdf"),
        demo::samples::pdf("Berita Acara Pemeriksaan"),
    )
    .await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.str("outcome"), "done");
        let ba = r.body["application"]["products"]
            .as_array()
            .expect("products")
            .iter()
            .find(|p| p["product"] == "berita_acara")
            .cloned()
            .expect("berita acara");
        assert_eq!(ba["data"]["filename"], "ba.pdf");
        assert_eq!(ba["data"]["officers"], "dr. Made, Ns. Ayu");
        assert_eq!(ba["data"]["sha256"].as_str().map(str::len), Some(64));
        let lock = r.body["application"]["lock_version"].as_i64().expect("lock");
        let r = act_raw(&tt, &id, json!({"action": "record_inspection", "lock_version": lock})).await;
        assert_eq!(
            (r.status, r.code()),
            (422, "invalid"),
            "the Berita Acara goes with its PDF: {r:?}"
        );
        let r = act_raw(
            &tt,
            &id,
            json!({"action": "recommend", "lock_version": lock, "number": "440/1/DINKES/2026"}),
        )
        .await;
        assert_eq!(
            (r.status, r.code()),
            (422, "invalid"),
            "issue or refuse must be said: {r:?}"
        );
        let f = act(
            &tt,
            &id,
            json!({"action": "recommend", "approve": true, "number": "440/1/DINKES/2026", "note": "Layak."}),
        )
        .await;
        let rec = f["products"]
            .as_array()
            .expect("products")
            .iter()
            .find(|p| p["product"] == "recommendation")
            .cloned()
            .expect("recommendation");
        assert_eq!(rec["data"]["approve"], true);
        act(&tt, &id, json!({"action": "forward"})).await;
        let f = act(
            &bo,
            &id,
            json!({"action": "prepare_draft", "fields": {"nama": "dr. Putu Heri Setiawan, Sp.PD"}}),
        )
        .await;
        assert!(has_product(&f, "draft_sk"));
        let f = act(&bo, &id, json!({"action": "forward"})).await;
        assert_eq!(f["status"], "ready_to_sign");
    }
);

dual_test!(
    tugas_saya_shows_fifty_files_a_page_with_the_count_of_the_desk,
    |app: TestApp| async move {
        let (_, fo) = officer(&app, "jembrana", "frontoffice", Role::FrontOffice).await;
        let waiting = izinkes_app::desks::tasks::DESK_PAGE_SIZE as usize + 2;
        let mut submitted_ids = Vec::new();
        for i in 1..=waiting {
            // One doctor each (a doctor holds at most three SIP).
            let nik = format!("51040109039700{i:02}");
            let (applicant_id, token) = quick_applicant(&app.state, &nik, &format!("dokter{i}@example.com")).await;
            let id = ready_draft(&app.state, &applicant_id, "RSU Negara", 1).await;
            let r = Api::new(&app)
                .with_token(&token)
                .post(&format!("/api/v1/applications/{id}/submit"), json!({}))
                .await;
            assert_eq!(r.status, 200, "{r:?}");
            submitted_ids.push(id);
        }

        let ids = |r: &Reply| -> Vec<String> {
            r.body["tasks"]
                .as_array()
                .expect("tasks")
                .iter()
                .map(|t| t["id"].as_str().unwrap_or_default().to_string())
                .collect()
        };
        let first = fo.get("/api/v1/desk/tasks").await;
        assert_eq!(first.status, 200, "{first:?}");
        assert_eq!(first.body["total"], waiting, "{first:?}");
        assert_eq!(
            (
                &first.body["page"],
                &first.body["pages"],
                &first.body["per_page"],
                &first.body["total_exact"],
                &first.body["has_next"]
            ),
            (&json!(1), &json!(2), &json!(50), &json!(true), &json!(true))
        );
        let second = fo.get("/api/v1/desk/tasks?halaman=2").await;
        assert_eq!(second.body["page"], 2, "{second:?}");
        assert_eq!(second.body["has_next"], false, "{second:?}");
        let (a, b) = (ids(&first), ids(&second));
        assert_eq!((a.len(), b.len()), (50, 2));
        // Together the two pages are the desk, each file once, the most pressing first.
        let mut all: Vec<String> = a.iter().chain(&b).cloned().collect();
        let dues: Vec<String> = first.body["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .chain(second.body["tasks"].as_array().unwrap())
            .map(|t| {
                format!(
                    "{}{}",
                    t["step_due_on"].as_str().unwrap_or(""),
                    t["submitted_at"].as_str().unwrap_or("")
                )
            })
            .collect();
        assert!(dues.windows(2).all(|w| w[0] <= w[1]), "{dues:?}");
        all.sort();
        all.dedup();
        submitted_ids.sort();
        assert_eq!(all, submitted_ids);
        // A page past the end shows the last page; anything that is not a page number, the first.
        assert_eq!(fo.get("/api/v1/desk/tasks?halaman=99").await.body["page"], 2);
        assert_eq!(fo.get("/api/v1/desk/tasks?halaman=dua").await.body["page"], 1);
        assert_eq!(fo.get("/api/v1/desk/tasks?halaman=-3").await.body["page"], 1);
        // A filter counts only what it matches.
        let number = first.body["tasks"][0]["registration_number"]
            .as_str()
            .unwrap()
            .to_string();
        let one = fo.get(&format!("/api/v1/desk/tasks?q={number}")).await;
        assert_eq!(
            (one.body["total"].clone(), one.body["pages"].clone()),
            (json!(1), json!(1)),
            "{one:?}"
        );

        // The page in the browser: the count, fifty rows, a link to the next page keeping the filter.
        let b = crate::permits::login_officer(&app, "jembrana", "front_office", None).await;
        let page = b.get("/petugas?izin=SIP-DRSP").await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains(&format!("Berkas 1–50 dari {waiting}")),
            "{}",
            page.body
        );
        assert_eq!(page.body.matches("href=\"/petugas/berkas/").count(), 50);
        assert!(page.body.contains("Halaman 1 dari 2"));
        assert!(
            page.body
                .contains("href=\"/petugas?izin=SIP-DRSP&#38;halaman=2\" rel=\"next\""),
            "{}",
            page.body
        );
        let page = b.get("/petugas?izin=SIP-DRSP&halaman=2").await;
        assert!(
            page.body.contains(&format!("Berkas 51–{waiting} dari {waiting}")),
            "{}",
            page.body
        );
        assert_eq!(page.body.matches("href=\"/petugas/berkas/").count(), 2);
        assert!(
            page.body.contains("href=\"/petugas?izin=SIP-DRSP\" rel=\"prev\""),
            "{}",
            page.body
        );
    }
);

dual_test!(
    tugas_saya_shows_each_change_at_once_and_another_servers_within_seconds,
    |app: TestApp| async move {
        use_preset(&app, "jembrana", "cilegon").await;
        let (_, fo) = officer(&app, "jembrana", "fo", Role::FrontOffice).await;
        let (fo2_id, fo2) = officer(&app, "jembrana", "fo2", Role::FrontOffice).await;
        let (_, bo) = officer(&app, "jembrana", "bo", Role::BackOffice).await;
        let task = |r: &Reply, id: &str| -> Option<Value> {
            r.body["tasks"]
                .as_array()
                .expect("tasks")
                .iter()
                .find(|t| t["id"] == id)
                .cloned()
        };
        // Both Front Office officers have read the (empty) desk: whatever is kept of it must
        // not hide what happens next.
        assert_eq!(fo.get("/api/v1/desk/tasks").await.body["total"], 0);
        assert_eq!(fo2.get("/api/v1/desk/tasks").await.body["total"], 0);
        let (id, _) = submitted(&app).await;
        let r = fo.get("/api/v1/desk/tasks").await;
        assert_eq!(r.body["total"], 1, "a submitted file is on the desk at once: {r:?}");
        assert!(task(&r, &id).is_some_and(|t| t["claimed_by"].is_null()));

        // One officer takes it: the other sees who at once.
        act(&fo2, &id, json!({"action": "claim"})).await;
        let r = fo.get("/api/v1/desk/tasks").await;
        let t = task(&r, &id).expect("still on the desk");
        assert!(t["claimed_by"].as_str().is_some_and(|n| n.contains("fo2")), "{t}");
        assert_eq!(t["claimed_by_me"], false);
        assert_eq!(
            task(&fo2.get("/api/v1/desk/tasks").await, &id).expect("on the desk")["claimed_by_me"],
            true
        );

        // Forwarded: gone from the Front Office, at the Back Office.
        let f = file(&fo2, &id).await;
        let checks: Vec<Value> = f["requirements"]
            .as_array()
            .expect("requirements")
            .iter()
            .filter(|r| !r["attached"].is_null())
            .map(|r| json!({"key": r["key"], "ok": true}))
            .collect();
        act(&fo2, &id, json!({"action": "checklist", "checks": checks})).await;
        act(&fo2, &id, json!({"action": "forward"})).await;
        assert!(task(&fo.get("/api/v1/desk/tasks").await, &id).is_none());
        assert!(task(&bo.get("/api/v1/desk/tasks").await, &id).is_some());

        // Another server behind the same database (here: SQL past this server) claims the file
        // at the Back Office desk: this server shows it within the cache's lifetime.
        assert!(task(&bo.get("/api/v1/desk/tasks").await, &id).is_some());
        sqlx::query("UPDATE applications SET claimed_by = $1, claimed_until = $2, lock_version = lock_version + 1 WHERE id = $3")
            .bind(&fo2_id)
            .bind("2999-01-01T00:00:00Z")
            .bind(&id)
            .execute(&app.state.db.pool)
            .await
            .expect("claim behind the server's back");
        let limit = izinkes_app::platform::read_cache::DESK_CACHE_TTL + std::time::Duration::from_secs(2);
        crate::support::within(limit, "another server's claim", || async {
            task(&bo.get("/api/v1/desk/tasks").await, &id).expect("still at the Back Office")["claimed_by"]
                .as_str()
                .is_some_and(|n| n.contains("fo2"))
        })
        .await;
    }
);
