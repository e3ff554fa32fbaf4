//! Each office's Standar Pelayanan (issue 16): published per permit type with the SKB ceiling
//! for a SIP, the desks' days adding up and a fee with its legal basis; shown on the public
//! pages; new files run on the office's SLA and keep the version they were submitted under.

use crate::dual_test;
use crate::office_documents::admin;
use crate::support::TestApp;
use izinkes_app::office_admin::staff::Actor;
use izinkes_domain::standard::ServiceStandard;
use serde_json::json;

const URL: &str = "/petugas/admin/standar/SIP-DRSP";

async fn standards_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM service_standards")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn desk_keys(app: &TestApp) -> Vec<String> {
    izinkes_app::desks::workflows::current_workflow(&app.state, "jembrana", "SIP-DRSP")
        .await
        .unwrap()
        .definition
        .steps
        .iter()
        .map(|s| format!("hari_{}", s.key))
        .collect()
}

dual_test!(
    an_office_publishes_its_standard_and_new_files_run_on_it,
    |app: TestApp| async move {
        let b = admin(&app, "jembrana").await;
        let list = b.get("/petugas/admin/standar").await;
        assert_eq!(list.status, 200);
        assert!(
            list.body.contains("Melebihi batas nasional 5 hari kerja"),
            "{}",
            list.body
        );
        let form = b.get(URL).await;
        assert_eq!(form.status, 200);
        assert_eq!(form.value_of("sla_working_days"), "12");

        // A SIP longer than the SKB allows: refused with the rule named, the values kept.
        let mut fields = vec![
            ("sla_working_days", "12"),
            ("fee_rupiah", "0"),
            ("fee_legal_basis", ""),
            ("product", "SK Surat Izin Praktik Dokter Spesialis"),
            ("contact", "Loket 2, (0365) 41000"),
            ("complaint_channels", "Kotak saran di lobi"),
            ("requirement_notes", "Bawa dokumen asli saat pengambilan izin."),
        ];
        let r = b.post(URL, &fields).await;
        assert_eq!(r.status, 422, "{}", r.body);
        let e = r.field_error("sla_working_days");
        assert!(
            e.contains("melebihi batas nasional 5") && e.contains("9 September 2025"),
            "{e}"
        );
        assert_eq!(r.value_of("contact"), "Loket 2, (0365) 41000");

        // Desk days that do not add up: refused with the numbers.
        let keys = desk_keys(&app).await;
        fields[0].1 = "5";
        let mut with_days = fields.clone();
        for k in &keys {
            with_days.push((k.as_str(), "2"));
        }
        let r = b.post(URL, &with_days).await;
        assert_eq!(r.status, 422, "{}", r.body);
        let e = r.field_error(&keys[0]);
        assert!(e.contains("tidak sama dengan jangka waktu 5 hari kerja"), "{e}");
        assert!(e.contains(&format!("berjumlah {}", 2 * keys.len())), "{e}");

        // A fee without its legal basis, and a number that is not one.
        let mut fee = fields.clone();
        fee[1].1 = "150000";
        let r = b.post(URL, &fee).await;
        assert_eq!(r.status, 422);
        assert!(r.field_error("fee_legal_basis").contains("dasar hukum"), "{}", r.body);
        fee[1].1 = "seratus";
        let r = b.post(URL, &fee).await;
        assert!(r.field_error("fee_rupiah").contains("bilangan bulat"), "{}", r.body);
        assert_eq!(standards_count(&app).await, 0, "nothing half-written");

        // Published, split over the desks by the workflow's shares.
        let r = b.post(URL, &fields).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = b.get(r.location.as_deref().unwrap()).await;
        assert!(page.body.contains("Standar pelayanan diterbitkan"), "{}", page.body);
        assert!(page.body.contains("1 (berlaku)"), "{}", page.body);
        let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM office_audit WHERE action = 'standar_terbit'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(audited, 1);

        // The public pages show the office's values.
        let public = app.browser();
        let service = public.get("/layanan/SIP-DRSP").await;
        assert!(
            service.body.contains(": 5 hari kerja sejak berkas dinyatakan lengkap"),
            "{}",
            service.body
        );
        assert!(service.body.contains("Bawa dokumen asli saat pengambilan izin."));
        assert!(service.body.contains("Kotak saran di lobi") && service.body.contains("Loket 2, (0365) 41000"));
        let home = public.get("/").await;
        assert!(
            home.body.contains("5–12 hari kerja"),
            "the other office still serves 12 days"
        );

        // A new file runs on 5 days and keeps its version when a new one is published.
        let (id, _) = crate::desk_api::submitted(&app).await;
        let mail = app.smtp.wait_for("putu@example.com", "Jangka waktu layanan").await;
        assert!(
            crate::support::mail_text(&mail.data).contains("Jangka waktu layanan: 5 hari kerja"),
            "{}",
            mail.data
        );
        let standard_of = || async {
            let s: Option<String> = sqlx::query_scalar("SELECT standard_id FROM applications WHERE id = $1")
                .bind(&id)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
            s
        };
        let v1 = standard_of().await.expect("the file records its standard");
        let (_, catalog) = app.state.current_catalog().await.unwrap();
        let mut next = ServiceStandard::from_catalog(catalog.get("SIP-DRSP").unwrap());
        next.sla_working_days = 4;
        let p = izinkes_app::office_admin::standards::publish(&app.state, "jembrana", Actor::Cli, "SIP-DRSP", next)
            .await
            .unwrap();
        assert_eq!(p.version, 2);
        assert_eq!(standard_of().await.as_deref(), Some(v1.as_str()));
        let receipt = public.get("/layanan/SIP-DRSP").await;
        assert!(receipt.body.contains(": 4 hari kerja sejak"));
    }
);

dual_test!(the_api_publishes_and_shows_standards, |app: TestApp| async move {
    let (_, api) = crate::office_admin::api_admin(&app, "jembrana", "admin").await;
    let list = api.get("/api/v1/admin/standards").await;
    assert_eq!(list.status, 200, "{list:?}");
    let drsp = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["permit_code"] == "SIP-DRSP")
        .cloned()
        .unwrap();
    assert_eq!(
        (drsp["version"].as_i64(), drsp["sla_working_days"].as_i64()),
        (Some(0), Some(12))
    );
    assert!(drsp["problem"].as_str().unwrap().contains("5 hari kerja"));

    let body = |sla: u32| json!({"sla_working_days": sla, "fee_rupiah": 0, "product": "SK Surat Izin Praktik Dokter Spesialis"});
    let r = api.post("/api/v1/admin/standards/SIP-DRSP", body(6)).await;
    assert_eq!((r.status, r.code()), (422, "invalid"), "{r:?}");
    assert!(r.field("sla_working_days").contains("SKB"), "{r:?}");
    let mut wrong = body(5);
    wrong["step_days"] = json!([{"step": "tidak_ada", "days": 5}]);
    let r = api.post("/api/v1/admin/standards/SIP-DRSP", wrong).await;
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.field("step_days").contains("secara berurutan"), "{r:?}");
    let r = api.post("/api/v1/admin/standards/SIP-XYZ", body(5)).await;
    assert_eq!(r.status, 404, "{r:?}");
    let mut unknown = body(5);
    unknown["biaya"] = json!(1);
    assert_eq!(api.post("/api/v1/admin/standards/SIP-DRSP", unknown).await.status, 400);

    let r = api.post("/api/v1/admin/standards/SIP-DRSP", body(5)).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["version"], 1);
    let got = api.get("/api/v1/admin/standards/SIP-DRSP").await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body["version"], 1);
    assert_eq!(got.body["versions"].as_array().unwrap().len(), 1);

    let public = crate::api::Api::new(&app);
    let s = public.get("/api/v1/offices/jembrana/standards/SIP-DRSP").await;
    assert_eq!((s.status, s.body["sla_working_days"].as_i64()), (200, Some(5)), "{s:?}");
    let other = public.get("/api/v1/offices/pontianak/standards/SIP-DRSP").await;
    assert_eq!(other.body["sla_working_days"], 12, "{other:?}");
    assert_eq!(
        public.get("/api/v1/offices/tidak-ada/standards/SIP-DRSP").await.status,
        404
    );
});
