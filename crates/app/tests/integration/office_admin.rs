//! Running an office without SQL (issue 16): an office created with its first admin from the
//! command line, the admin's invitation link, the setup checklist and profile, and the officers
//! (invite by e-mail, roles since when, deactivate with claims returned, reset MFA, audit).

use crate::dual_test;
use crate::office_documents::admin;
use crate::support::TestApp;
use izinkes_app::catalog::offices::NewOffice;
use izinkes_app::office_admin::offices::{self, FirstAdmin};
use izinkes_app::office_admin::staff::Actor;
use izinkes_app::platform::error::ServiceError;
use izinkes_domain::calendar::OfficeTimeZone;

fn bontang<'a>(id: &'a str, code: &'a str, regency: &'a str) -> NewOffice<'a> {
    NewOffice {
        id,
        code,
        name: "DPMPTSP Kota Bontang",
        short_name: "Kota Bontang",
        regency_code: regency,
        address: "Jl. Moh. Roem No. 1, Bontang",
        phone: "(0548) 21000",
        email: "dpmptsp@bontangkota.go.id",
        website: "https://dpmptsp.bontangkota.go.id",
        service_hours: "Senin–Kamis 08.00–15.00, Jumat 08.00–11.00",
        timezone: OfficeTimeZone::Wita,
    }
}

async fn offices_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM offices")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

dual_test!(
    a_fresh_office_is_created_from_the_cli_and_its_admin_sets_a_password,
    |app: TestApp| async move {
        let before = offices_count(&app).await;
        // Wrong input is refused per field, and nothing is written.
        let bad = offices::create(&app.state, &bontang("Kota Bontang", "btg", "99.99"), None).await;
        let Err(ServiceError::Invalid(e)) = bad else {
            panic!("{bad:?}")
        };
        assert!(
            e.contains_key("id") && e.contains_key("code") && e.contains_key("regency_code"),
            "{e:?}"
        );
        let taken = offices::create(&app.state, &bontang("kota-bontang", "JBR", "64.74"), None).await;
        let Err(ServiceError::Invalid(e)) = taken else {
            panic!("{taken:?}")
        };
        assert!(e["code"].contains("sudah dipakai"), "{e:?}");
        let no_admin = FirstAdmin {
            email: "bukan-email",
            full_name: "",
        };
        let refused = offices::create(&app.state, &bontang("kota-bontang", "BTG", "64.74"), Some(&no_admin)).await;
        let Err(ServiceError::Invalid(e)) = refused else {
            panic!("{refused:?}")
        };
        assert!(e.contains_key("admin_email") && e.contains_key("admin_name"), "{e:?}");
        assert_eq!(offices_count(&app).await, before, "nothing half-written");

        let first = FirstAdmin {
            email: "admin@bontangkota.go.id",
            full_name: "Rahmat Hidayat",
        };
        let link = offices::create(&app.state, &bontang("kota-bontang", "BTG", "64.74"), Some(&first))
            .await
            .unwrap()
            .expect("a link for the first admin");
        let mail = app.smtp.wait_for("admin@bontangkota.go.id", "/petugas/undangan/").await;
        assert!(mail.data.contains("DPMPTSP Kota Bontang"), "{}", mail.data);
        let path = crate::support::extract_link(&mail, "/petugas/undangan/");
        assert!(link.ends_with(&path), "{link} / {path}");

        // The link sets the password once; a weak one is explained next to the field.
        let b = app.browser();
        let form = b.get(&path).await;
        assert_eq!(form.status, 200);
        assert!(form.body.contains("admin@bontangkota.go.id"));
        let weak = b
            .post(&path, &[("password", "pendek"), ("password_confirm", "pendek")])
            .await;
        assert_eq!(weak.status, 422);
        assert!(weak.body.contains("e-password"), "{}", weak.body);
        let ok = b
            .post(
                &path,
                &[
                    ("password", "bontang-sehat-2026"),
                    ("password_confirm", "bontang-sehat-2026"),
                ],
            )
            .await;
        assert_eq!(ok.status, 303, "{}", ok.body);
        assert_eq!(ok.location.as_deref(), Some("/petugas/masuk?info=undangan"));
        let again = b.get(&path).await;
        assert_eq!(again.status, 422, "single use");
        assert!(again.body.contains("tidak berlaku lagi"));

        // The admin signs in and is asked to enrol the authenticator.
        let r = b
            .post(
                "/petugas/masuk",
                &[("email", "admin@bontangkota.go.id"), ("password", "bontang-sehat-2026")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(
            r.location.as_deref().unwrap_or("").starts_with("/petugas/keamanan"),
            "{:?}",
            r.location
        );

        // The office's audit says who did what.
        let audit = izinkes_app::office_admin::staff::audit_log(&app.state, "kota-bontang", None)
            .await
            .unwrap();
        let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(actions, ["password_set", "invite", "office_create"]);
    }
);

dual_test!(
    the_admin_sets_up_the_office_from_the_checklist_and_can_close_it,
    |app: TestApp| async move {
        let a = admin(&app, "jembrana").await;
        let home = a.get("/petugas/admin").await;
        assert_eq!(home.status, 200, "{}", home.body);
        assert!(home.body.contains("Kesiapan kantor"));
        assert!(home.body.contains("Kop surat dan blok tanda tangan"));
        assert!(home.body.contains("(belum)"), "a new office has things to do");

        let bad = a
            .post(
                "/petugas/admin/kantor",
                &[
                    ("name", ""),
                    ("short_name", "Kabupaten Jembrana"),
                    ("address", "Jl. Surapati No. 1"),
                    ("phone", "(0365) 41210"),
                    ("email", "bukan email"),
                    ("website", "javascript:alert(1)"),
                    ("service_hours", "Senin–Jumat 08.00–15.00"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        for field in ["e-name", "e-email", "e-website"] {
            assert!(bad.body.contains(field), "{field}");
        }
        assert!(bad.body.contains("Senin–Jumat 08.00–15.00"), "the values are kept");
        let ok = a
            .post(
                "/petugas/admin/kantor",
                &[
                    ("name", "DPMPTSPTK Kabupaten Jembrana"),
                    ("short_name", "Kabupaten Jembrana"),
                    ("address", "Jl. Surapati No. 1, Negara"),
                    ("phone", "(0365) 41210"),
                    ("email", "dpmptsp@jembranakab.go.id"),
                    ("website", "https://dpmptsp.jembranakab.go.id"),
                    ("service_hours", "Senin–Jumat 08.00–15.00 WITA"),
                ],
            )
            .await;
        assert_eq!(ok.status, 303, "{}", ok.body);
        let public = app.browser().get("/").await;
        assert!(
            public.body.contains("Senin–Jumat 08.00–15.00 WITA"),
            "the public page shows the hours"
        );

        // Closing takes the office off the public pages; reopening brings it back.
        offices::set_open(&app.state, Actor::Cli, "jembrana", false)
            .await
            .unwrap();
        let public = app.browser().get("/").await;
        assert!(!public.body.contains("DPMPTSPTK Kabupaten Jembrana"));
        let (applicant, _) = crate::api::quick_applicant(&app.state, "5104010903970004", "putu@example.com").await;
        let applicant = izinkes_app::accounts::profile::load_applicant(&app.state, &applicant)
            .await
            .unwrap();
        let refused =
            izinkes_app::applications::drafts::create_draft(&app.state, &applicant, "jembrana", "SIP-DRSP").await;
        let Err(ServiceError::Invalid(e)) = refused else {
            panic!("a closed office takes no new application")
        };
        assert!(e["office"].contains("tidak menerima permohonan baru"), "{e:?}");
        offices::set_open(&app.state, Actor::Cli, "jembrana", true)
            .await
            .unwrap();
        let public = app.browser().get("/").await;
        assert!(public.body.contains("DPMPTSPTK Kabupaten Jembrana"));
    }
);

dual_test!(
    the_admin_invites_an_officer_changes_roles_and_deactivates_them,
    |app: TestApp| async move {
        let a = admin(&app, "jembrana").await;
        let bad = a
            .post(
                "/petugas/admin/petugas",
                &[("full_name", "Ni Kadek Ayu"), ("email", "bukan-email")],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(
            bad.body.contains("e-email") && bad.body.contains("e-roles"),
            "{}",
            bad.body
        );
        assert!(bad.body.contains("Ni Kadek Ayu"), "the values are kept");
        let r = a
            .post(
                "/petugas/admin/petugas",
                &[
                    ("full_name", "Ni Kadek Ayu"),
                    ("email", "ayu@jembranakab.go.id"),
                    ("position", "Pelaksana Front Office"),
                    ("roles", "front_office"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let mail = app.smtp.wait_for("ayu@jembranakab.go.id", "/petugas/undangan/").await;
        let list = a.get("/petugas/admin/petugas").await;
        assert!(list.body.contains("Ni Kadek Ayu") && list.body.contains("Diundang"));
        let dup = a
            .post(
                "/petugas/admin/petugas",
                &[
                    ("full_name", "Lagi"),
                    ("email", "ayu@jembranakab.go.id"),
                    ("roles", "kasi"),
                ],
            )
            .await;
        assert_eq!(dup.status, 422);
        assert!(dup.body.contains("sudah dipakai"));

        let path = crate::support::extract_link(&mail, "/petugas/undangan/");
        let fo = app.browser();
        let set = fo
            .post(
                &path,
                &[
                    ("password", "front-office-2026"),
                    ("password_confirm", "front-office-2026"),
                ],
            )
            .await;
        assert_eq!(set.status, 303);
        let r = fo
            .post(
                "/petugas/masuk",
                &[("email", "ayu@jembranakab.go.id"), ("password", "front-office-2026")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(fo.get("/petugas").await.status, 200);

        let id: String = sqlx::query_scalar("SELECT id FROM officers WHERE email = 'ayu@jembranakab.go.id'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let page = a.get(&format!("/petugas/admin/petugas/{id}")).await;
        assert!(page.body.contains("Front Office") && page.body.contains("Sejak"));

        // A role added: the session ends so the new rights apply at the next sign-in.
        let r = a
            .post(
                &format!("/petugas/admin/petugas/{id}/peran"),
                &[("roles", "front_office"), ("roles", "pengaduan")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(fo.get("/petugas").await.status, 303, "signed out");

        // Deactivation returns a claimed file to the queue.
        let (file, _) = crate::desk_api::submitted(&app).await;
        sqlx::query("UPDATE applications SET claimed_by = $1 WHERE id = $2")
            .bind(&id)
            .bind(&file)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        let r = a.post(&format!("/petugas/admin/petugas/{id}/nonaktif"), &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM applications WHERE claimed_by = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(held, 0);
        let r = fo
            .post(
                "/petugas/masuk",
                &[("email", "ayu@jembranakab.go.id"), ("password", "front-office-2026")],
            )
            .await;
        assert_eq!(r.status, 422, "a deactivated officer cannot sign in");

        // The admin cannot lock the office out.
        let me: String = sqlx::query_scalar("SELECT id FROM officers WHERE email = 'admin.jembrana@kantor.example.id'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let r = a
            .post(&format!("/petugas/admin/petugas/{me}/peran"), &[("roles", "kasi")])
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("paling sedikit satu Admin Kantor"), "{}", r.body);
        let r = a.post(&format!("/petugas/admin/petugas/{me}/nonaktif"), &[]).await;
        assert_eq!(r.status, 422);

        // Another office's officer is not found.
        let other = admin(&app, "pontianak").await;
        assert_eq!(other.get(&format!("/petugas/admin/petugas/{id}")).await.status, 404);
        assert_eq!(
            other
                .post(&format!("/petugas/admin/petugas/{id}/aktif"), &[])
                .await
                .status,
            404
        );

        let audit = a.get("/petugas/admin/petugas").await;
        for text in [
            "Diundang (ayu@jembranakab.go.id)",
            "Peran ditambah: Petugas Pengaduan",
            "Dinonaktifkan; 1 berkas",
        ] {
            assert!(audit.body.contains(text), "{text}");
        }
    }
);

/// An admin of `office` signed in over the API with their authenticator code.
pub(crate) async fn api_admin(app: &TestApp, office: &str, name: &str) -> (String, crate::api::Api) {
    use serde_json::json;
    let email = format!("{name}.{office}@kantor.example.id");
    let id = izinkes_app::accounts::officers::add_officer(
        &app.state,
        office,
        &email,
        "Admin Kantor",
        "Admin",
        "petugas-kantor-2026",
        &[izinkes_domain::roles::Role::Admin],
    )
    .await
    .unwrap();
    let secret = crate::permits::enrol_totp(app, &email).await;
    let code = izinkes_app::auth::totp::current_code(&secret).unwrap();
    let api = crate::api::Api::new(app);
    let r = api
        .post(
            "/api/v1/auth/login",
            json!({"kind": "officer", "email": email, "password": "petugas-kantor-2026", "totp": code}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    (id, api.with_token(r.str("token")))
}

dual_test!(the_api_runs_the_same_office_administration, |app: TestApp| async move {
    use serde_json::json;
    let (me, api) = api_admin(&app, "jembrana", "admin").await;
    let office = api.get("/api/v1/admin/office").await;
    assert_eq!(office.status, 200, "{office:?}");
    assert_eq!(office.body["code"], "JBR");
    assert!(
        office.body["setup"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["key"] == "letterhead")
    );
    let bad = api
        .put(
            "/api/v1/admin/office",
            json!({"name": "", "short_name": "Jembrana", "address": "Negara", "website": "ftp://x"}),
        )
        .await;
    assert_eq!((bad.status, bad.code()), (422, "invalid"), "{bad:?}");
    assert!(!bad.field("name").is_empty() && !bad.field("website").is_empty());

    let invited = api
        .post(
            "/api/v1/admin/officers",
            json!({"email": "kasi@jembranakab.go.id", "full_name": "Made Kasi", "roles": ["kasi"]}),
        )
        .await;
    assert_eq!(invited.status, 201, "{invited:?}");
    assert_eq!(invited.body["invited"], true);
    assert_eq!(invited.body["roles"][0]["role"], "kasi");
    let id = invited.str("id").to_string();
    let wrong = api
        .put(
            &format!("/api/v1/admin/officers/{id}/roles"),
            json!({"roles": ["raja"]}),
        )
        .await;
    assert_eq!(wrong.status, 422, "{wrong:?}");
    assert!(wrong.field("roles").contains("raja"));
    let roles = api
        .put(
            &format!("/api/v1/admin/officers/{id}/roles"),
            json!({"roles": ["kasi", "kabid"]}),
        )
        .await;
    assert_eq!(roles.status, 200, "{roles:?}");
    assert_eq!(roles.body["roles"].as_array().unwrap().len(), 2);
    let off = api
        .post(&format!("/api/v1/admin/officers/{id}/deactivate"), json!({}))
        .await;
    assert_eq!(off.status, 200, "{off:?}");
    assert_eq!(off.body["officer"]["active"], false);
    let own = api
        .post(&format!("/api/v1/admin/officers/{me}/deactivate"), json!({}))
        .await;
    assert_eq!((own.status, own.code()), (422, "refused"), "{own:?}");
    assert_eq!(
        api.post(&format!("/api/v1/admin/officers/{id}/explode"), json!({}))
            .await
            .status,
        404
    );
    let audit = api.get("/api/v1/admin/audit").await;
    let actions: Vec<&str> = audit.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["deactivate", "roles", "invite"]);

    // Not an admin, or another office: refused or not found.
    let (_, fo) = crate::desk_api::officer(&app, "jembrana", "fo", izinkes_domain::roles::Role::FrontOffice).await;
    assert_eq!(fo.get("/api/v1/admin/officers").await.status, 403);
    let (_, other) = api_admin(&app, "pontianak", "admin2").await;
    assert_eq!(other.get(&format!("/api/v1/admin/officers/{id}")).await.status, 404);
});

// Bantuan (issue 18): the guides and each office's contact are public; the admin writes the
// office's own questions, a malformed text is refused naming its line with what was typed kept,
// and the saved questions show on the public page and in the audit log.
dual_test!(
    the_help_page_shows_the_guides_and_each_offices_own_questions,
    |app: TestApp| async move {
        let public = app.browser();
        let page = public.get("/bantuan").await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("Mengajukan permohonan (tiga tahap)"),
            "{}",
            page.body
        );
        assert!(page.body.contains("Kontak kantor layanan"));
        let not_found = public.get("/tidak-ada").await;
        assert!(
            not_found.body.contains("href=\"/bantuan\""),
            "the error page links to help"
        );

        let b = crate::office_documents::admin(&app, "jembrana").await;
        assert_eq!(b.get("/petugas/admin/bantuan").await.status, 200);
        let bad = "T: Apakah izin boleh diambil orang lain?\n\nT: Jam layanan?\nJ: Senin–Jumat.";
        let r = b.post("/petugas/admin/bantuan", &[("faq", bad)]).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.field_error("faq").contains("Baris 1"), "{}", r.body);
        assert!(r.body.contains("Apakah izin boleh diambil orang lain?"), "kept");
        let good = "T: Apakah izin boleh diambil orang lain?\nJ: Boleh, dengan surat kuasa.\nBawa KTP penerima kuasa.\n\nT: Jam layanan?\nJ: Senin–Jumat 08.00–15.00.";
        let r = b.post("/petugas/admin/bantuan", &[("faq", good)]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = public.get("/bantuan").await;
        assert!(
            page.body
                .contains("Boleh, dengan surat kuasa.<br>Bawa KTP penerima kuasa."),
            "{}",
            page.body
        );
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM office_audit WHERE office_id = 'jembrana' AND action = 'help_update'",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(audited, 1);
    }
);
