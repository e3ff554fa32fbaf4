//! Authorization, route by route (issue 3 §7).
//!
//! 1. The table of routes is read from the router itself (`http::routes::table`): every route is
//!    registered there with who may call it, so no route exists without an access rule.
//! 2. Every route is called as every kind of caller — anonymous, the applicant who owns the
//!    records, another applicant, an officer of each role of the records' office and an officer of
//!    another office — and exactly the callers its access rule allows get through.
//!
//! "Refused" is 401, 403, 404, or a redirect to a login page (`/masuk`, `/petugas/masuk`);
//! anything else (200, 303 elsewhere, 400/409/422 about the request itself) got through the
//! guard. Each request uses a fresh session made through the service (`create_session`: cookie
//! for pages, bearer token for the API), so signing out or a stale token cannot spill over and the
//! Kepala Dinas and Admin need no authenticator code here (sign-in itself is tested in totp.rs).
//! `AUTHZ_MATRIX=1` prints the status of every route and caller even when all is well.
//!
//! The requests are harmless by construction: forms are empty or invalid, the applicant's
//! application is already submitted (so editing it is refused by the rules, after the guard),
//! deletions get a fresh record each, and desk actions carry a stale `lock_version`: an officer
//! of the file's office gets 409, everyone else is refused before the lock is looked at. A second
//! pass with the right `lock_version` and an action the step cannot take yet tells the holder of
//! the step's role (refused by the workflow) from the other officers of the office (refused for
//! the role), without changing anything.
//!
//! Routes about issued permits use a second application of A's, taken through the desks and
//! signed: its permit, its verification token and the desk's PDF of its draft SK.

use crate::api::{quick_applicant, ready_draft};
use crate::dual_test;
use crate::support::TestApp;
use izinkes_app::accounts;
use izinkes_app::auth;
use izinkes_app::auth::sessions::SessionKind;
use izinkes_app::auth::sessions::SubjectKind;
use izinkes_app::demo;
use izinkes_app::http::access::Access;
use izinkes_domain::roles::Role;
use reqwest::Method;
use serde_json::json;
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------------------------
// 1. The table is the router

/// Every route the server answers, as the router registered it: (method, path, access).
fn access_table() -> Vec<(&'static str, &'static str, Access)> {
    izinkes_app::http::routes::table()
        .into_iter()
        .map(|r| (r.method, r.path, r.access))
        .collect()
}

#[test]
fn access_table_lists_exactly_the_routes_of_the_router() {
    let table = access_table();
    let listed: BTreeSet<(&str, &str)> = table.iter().map(|(m, p, _)| (*m, *p)).collect();
    assert_eq!(listed.len(), table.len(), "a route is registered twice");
    for known in [
        ("GET", "/"),
        ("GET", "/petugas/2fa"),
        ("POST", "/api/v1/auth/login"),
        ("GET", "/healthz"),
        ("POST", "/petugas/berkas/{id}/aksi"),
    ] {
        assert!(listed.contains(&known), "the router lacks {known:?}");
    }
    assert_eq!(
        table
            .iter()
            .find(|(_, p, _)| *p == "/petugas/izin/{id}/cabut")
            .map(|r| r.2),
        Some(Access::OfficerRole(&[Role::Kadis, Role::Admin]))
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Every route as every caller

const OFFICER_PASSWORD: &str = "petugas-kantor-2026";
/// The step the test application waits at (Cilegon preset, step 1).
const STEP_ROLE: &str = "front_office";

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Anonymous,
    Applicant,
    Officer,
}

#[derive(Clone, Debug)]
struct Actor {
    name: &'static str,
    kind: Kind,
    id: String,
    /// Owner of the records (applicant A).
    owner: bool,
    office: &'static str,
    roles: Vec<String>,
}

impl Actor {
    fn is_supervisor(&self) -> bool {
        izinkes_app::auth::officer::Officer {
            id: self.id.clone(),
            name: String::new(),
            office_id: self.office.into(),
            roles: self.roles.iter().filter_map(|r| Role::parse(r)).collect(),
        }
        .is_supervisor()
    }
}

/// The office whose records the test uses.
const HOME: &str = "jembrana";

/// Whether `ACCESS` lets this actor through this route.
fn allowed(access: Access, path: &str, a: &Actor) -> bool {
    let scoped = path.contains("{id}");
    let officer = a.kind == Kind::Officer;
    let home = a.office == HOME;
    match access {
        Access::Public => true,
        Access::DemoOnly => false,
        Access::SignedIn => a.kind != Kind::Anonymous,
        Access::Applicant => a.kind == Kind::Applicant && (!scoped || a.owner),
        Access::OfficerSignIn => officer,
        Access::Officer | Access::StepRole => officer && (!scoped || home),
        Access::Supervisor => officer && a.is_supervisor(),
        Access::OfficerRole(roles) => {
            officer && roles.iter().any(|r| a.roles.iter().any(|x| x == r.code())) && (!scoped || home)
        }
    }
}

struct Fixtures {
    /// A's application waiting at the Front Office.
    app_id: String,
    /// A's second application, through the desks and signed, and its permit.
    signed_app_id: String,
    permit_id: String,
    permit_token: String,
    doc_id: String,
    applicant_a: String,
    registration_number: String,
    nik4: String,
    /// A complaint to the home office.
    complaint_id: String,
    /// A's message on `app_id`, with an attachment.
    message_id: String,
    /// Evidence recorded with an examination of the complaint.
    evidence_id: String,
    /// An officer of the home office (the admin's officer pages).
    officer_id: String,
}

struct Reply {
    status: u16,
    location: String,
    body: String,
}

impl Reply {
    fn refused(&self) -> bool {
        matches!(self.status, 401 | 403 | 404)
            || ((300..400).contains(&self.status)
                && (self.location.starts_with("/masuk") || self.location.starts_with("/petugas/masuk")))
    }
}

enum Body {
    None,
    Form(Vec<(&'static str, String)>),
    Json(serde_json::Value),
    /// A multipart form: text fields and one file (field name, file name, bytes).
    Multipart(Vec<(&'static str, String)>, &'static str, &'static str, Vec<u8>),
    Raw(Vec<u8>),
}

/// What to send for one route: the concrete path, the body, and whether the owner's record must
/// be made fresh for each call.
struct Probe {
    path: String,
    body: Body,
    fresh_document: bool,
}

/// The request for a route; `lock` is the `lock_version` desk actions carry.
fn probe(method: &str, path: &str, fx: &Fixtures, lock: i64) -> Probe {
    let id = if path.starts_with("/petugas/pengaduan/") || path.starts_with("/api/v1/desk/complaints/") {
        fx.complaint_id.clone()
    } else if path.starts_with("/berkas/") || path.starts_with("/api/v1/documents/") {
        fx.doc_id.clone()
    } else if path.starts_with("/izin/") || path.starts_with("/petugas/izin/") || path.starts_with("/api/v1/permits/") {
        fx.permit_id.clone()
    } else if path.starts_with("/petugas/admin/petugas/") || path.starts_with("/api/v1/admin/officers/") {
        fx.officer_id.clone()
    } else if path.contains("{which}") {
        fx.signed_app_id.clone()
    } else {
        fx.app_id.clone()
    };
    let code = if path.starts_with("/wilayah/") || path.starts_with("/api/v1/areas/") {
        "51.01"
    } else {
        "SIP-DRSP"
    };
    let mut concrete = path
        .replace("{id}", &id)
        .replace("{key}", "ktp")
        .replace("{code}", code)
        .replace("{token}", &fx.permit_token)
        .replace("{which}", "draf-sk.pdf")
        .replace("{kind}", "sk")
        .replace("{message}", &fx.message_id)
        .replace("{evidence}", &fx.evidence_id)
        .replace("{office}", "jembrana")
        // Steps on an officer's account that change nothing for an active officer.
        .replace("{what}", "aktif")
        .replace("{step}", "reactivate");
    let fresh_document = matches!(
        (method, path),
        ("POST", "/berkas/{id}/hapus") | ("DELETE", "/api/v1/documents/{id}")
    );
    let pdf = || demo::samples::pdf("Berkas uji otorisasi");
    let lock_text = lock.to_string();
    let body = match (method, path) {
        (_, p) if p.starts_with("/api/") => match (method, p) {
            ("PUT", "/api/v1/applications/{id}/applicant") => Body::Json(
                serde_json::to_value(izinkes_app::applications::view::ApplicantData::default()).expect("json"),
            ),
            ("PUT", "/api/v1/applications/{id}/form") => Body::Json(json!({})),
            ("PUT", "/api/v1/applications/{id}/documents/{key}")
            | ("PUT", "/api/v1/applications/{id}/revision/documents/{key}")
            | ("POST", "/api/v1/documents") => {
                concrete.push_str("?filename=ktp.pdf&title=KTP");
                Body::Raw(pdf())
            }
            ("POST", "/api/v1/applications/{id}/documents/{key}/from-library") => {
                Body::Json(json!({"document_id": fx.doc_id}))
            }
            ("PUT", "/api/v1/applications/{id}/revision/fields") => Body::Json(json!({"facility_name": "RSU Negara"})),
            ("POST", "/api/v1/desk/applications/{id}/actions") => {
                Body::Json(json!({"action": "forward", "lock_version": lock}))
            }
            ("POST", "/api/v1/desk/applications/{id}/inspection") => {
                concrete.push_str(&format!(
                    "?lock_version={lock}&date=2026-01-05&officers=Tim%20Teknis&result=sesuai&filename=ba.pdf"
                ));
                Body::Raw(pdf())
            }
            ("GET", "/api/v1/track") => {
                concrete.push_str(&format!("?number={}&nik4={}", fx.registration_number, fx.nik4));
                Body::None
            }
            ("GET", _) | ("DELETE", _) => Body::None,
            ("POST", "/api/v1/auth/logout")
            | ("POST", "/api/v1/applications/{id}/submit")
            | ("POST", "/api/v1/applications/{id}/resubmit") => Body::None,
            _ => Body::Json(json!({})),
        },
        ("GET", _) => Body::None,
        ("POST", "/akun/foto") => Body::Multipart(vec![], "photo", "foto.png", demo::samples::PNG.to_vec()),
        // A broken image: refused by the rules once past the guard, nothing stored.
        ("POST", "/petugas/admin/dokumen/logo") => Body::Multipart(
            vec![("what", "unggah".into())],
            "logo",
            "logo.jpg",
            demo::samples::jpeg(),
        ),
        ("POST", "/permohonan/{id}/syarat/{key}")
        | ("POST", "/permohonan/{id}/perbaikan/berkas/{key}")
        | ("POST", "/berkas/{id}/ganti")
        | ("POST", "/v/{token}/periksa") => Body::Multipart(vec![], "file", "ktp.pdf", pdf()),
        ("POST", "/berkas") => Body::Multipart(vec![("title", "KTP".into())], "file", "ktp.pdf", pdf()),
        ("POST", "/permohonan/{id}/syarat/{key}/pilih") => Body::Form(vec![("document_id", fx.doc_id.clone())]),
        ("POST", "/permohonan/{id}/perbaikan") => Body::Form(vec![("facility_name", "RSU Negara".into())]),
        ("POST", "/petugas/berkas/{id}/aksi") => {
            Body::Form(vec![("action", "forward".into()), ("lock_version", lock_text)])
        }
        ("POST", "/petugas/berkas/{id}/berita-acara") => Body::Multipart(
            vec![
                ("lock_version", lock_text),
                ("date", "2026-01-05".into()),
                ("officers", "Tim Teknis".into()),
                ("result", "sesuai".into()),
            ],
            "file",
            "ba.pdf",
            pdf(),
        ),
        // An impossible date: refused by the rules, nothing added.
        ("POST", "/petugas/admin/kalender") => Body::Form(vec![
            ("date", "2026-02-30".into()),
            ("kind", "apa".into()),
            ("name", String::new()),
        ]),
        ("POST", "/petugas/admin/kalender/hapus") => Body::Form(vec![("id", "bukan-angka".into())]),
        // No steps: refused by the workflow check, nothing published.
        ("POST", "/petugas/admin/alur/{code}") => Body::Form(vec![("rows", "0".into())]),
        // Too short a reason: refused by the rules once past the guard; the permit stays.
        ("POST", "/petugas/izin/{id}/cabut") => {
            Body::Form(vec![("reason", "uji".into()), ("decree", "0/UJI/2026".into())])
        }
        // Nobody named: refused by the rules once past the guard.
        ("POST", "/petugas/izin/{id}/serahkan") => Body::Form(vec![("received_by", String::new())]),
        // Everything else: an empty form (sign-in, registration, tracking and the like answer
        // with their field errors).
        _ => Body::Form(vec![]),
    };
    Probe {
        path: concrete,
        body,
        fresh_document,
    }
}

/// A fresh session for the actor: a cookie for pages, a bearer token for the API.
async fn session(app: &TestApp, a: &Actor, api: bool) -> Option<String> {
    let kind = if api { SessionKind::Api } else { SessionKind::Web };
    let office = (a.kind == Kind::Officer).then_some(a.office);
    match a.kind {
        Kind::Anonymous => None,
        Kind::Applicant => Some(
            auth::sessions::create_session(&app.state, SubjectKind::Applicant, &a.id, None, kind)
                .await
                .expect("session"),
        ),
        Kind::Officer => Some(
            auth::sessions::create_session(&app.state, SubjectKind::Officer, &a.id, office, kind)
                .await
                .expect("session"),
        ),
    }
}

async fn fresh_document(app: &TestApp, fx: &Fixtures) -> String {
    izinkes_app::library::service::add(
        &app.state,
        &fx.applicant_a,
        "KTP",
        "ktp.pdf",
        &demo::samples::pdf("KTP sekali pakai"),
    )
    .await
    .expect("library document")
}

async fn send(app: &TestApp, a: &Actor, method: &str, path: &str, fx: &Fixtures, lock: i64) -> Reply {
    let mut p = probe(method, path, fx, lock);
    if p.fresh_document {
        let fresh = fresh_document(app, fx).await;
        p.path = p.path.replace(&fx.doc_id, &fresh);
    }
    let api = path.starts_with("/api/");
    let token = session(app, a, api).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut req = client.request(Method::from_bytes(method.as_bytes()).expect("method"), app.url(&p.path));
    if api {
        if let Some(t) = &token {
            req = req.bearer_auth(t);
        }
    } else {
        // The double-submit CSRF token: the same value as cookie and header.
        let csrf = "AuthzCsrfToken0123456789abcdefghijklmnopqrstuvwxyzAB";
        assert_eq!(csrf.len(), 52);
        let mut cookie = format!("izk_csrf={csrf}");
        if let Some(t) = &token {
            cookie.push_str(&format!("; izk_session={t}"));
        }
        req = req.header("cookie", cookie).header("x-csrf-token", csrf);
    }
    req = match p.body {
        Body::None => req,
        Body::Form(fields) => req.form(&fields),
        Body::Json(v) => req.header("content-type", "application/json").body(v.to_string()),
        Body::Raw(bytes) => req.header("content-type", "application/octet-stream").body(bytes),
        Body::Multipart(fields, field, filename, bytes) => {
            let mut form = reqwest::multipart::Form::new();
            for (k, v) in fields {
                form = form.text(k, v);
            }
            form = form.part(field, reqwest::multipart::Part::bytes(bytes).file_name(filename));
            req.multipart(form)
        }
    };
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = r.text().await.unwrap_or_default();
    Reply { status, location, body }
}

async fn officer(app: &TestApp, office: &'static str, name: &'static str, roles: &[Role]) -> Actor {
    let email = format!("{name}.{office}@kantor.example.id");
    let id = accounts::officers::add_officer(
        &app.state,
        office,
        &email,
        &format!("Petugas {name}"),
        "Pelaksana",
        OFFICER_PASSWORD,
        roles,
    )
    .await
    .expect("officer");
    Actor {
        name,
        kind: Kind::Officer,
        id,
        owner: false,
        office,
        roles: roles.iter().map(|r| r.code().to_string()).collect(),
    }
}

async fn set_photo(app: &TestApp, applicant_id: &str) {
    let a = accounts::profile::load_applicant(&app.state, applicant_id)
        .await
        .expect("applicant");
    accounts::profile::set_photo(&app.state, &a, demo::samples::PNG)
        .await
        .expect("photo");
}

/// Office jembrana with an officer of each role, an officer of pontianak (every role), applicant
/// A with a submitted application waiting at the Front Office and a file in Manajer Berkas,
/// applicant B, and nobody.
async fn cast(app: &TestApp) -> (Vec<Actor>, Fixtures) {
    izinkes_app::office_admin::settings::save_settings(
        &app.state,
        HOME,
        &izinkes_app::office_admin::settings::OfficeSettings {
            default_preset: "cilegon".into(),
            ..Default::default()
        },
    )
    .await
    .expect("settings");
    let mut actors = vec![Actor {
        name: "anon",
        kind: Kind::Anonymous,
        id: String::new(),
        owner: false,
        office: "",
        roles: vec![],
    }];
    let a_nik = "5104010903970004";
    let (a_id, _) = quick_applicant(&app.state, a_nik, "pemilik@example.com").await;
    let (b_id, _) = quick_applicant(&app.state, "5104011003970005", "lain@example.com").await;
    set_photo(app, &a_id).await;
    set_photo(app, &b_id).await;
    actors.push(Actor {
        name: "A",
        kind: Kind::Applicant,
        id: a_id.clone(),
        owner: true,
        office: "",
        roles: vec![],
    });
    actors.push(Actor {
        name: "B",
        kind: Kind::Applicant,
        id: b_id,
        owner: false,
        office: "",
        roles: vec![],
    });
    for (name, role) in [
        ("fo", Role::FrontOffice),
        ("bo", Role::BackOffice),
        ("kasi", Role::Kasi),
        ("kabid", Role::Kabid),
        ("tt", Role::TimTeknis),
        ("ctk", Role::Pencetakan),
        ("adu", Role::Pengaduan),
        ("kadis", Role::Kadis),
        ("adm", Role::Admin),
    ] {
        actors.push(officer(app, HOME, name, &[role]).await);
    }
    actors.push(officer(app, "pontianak", "ptk", &Role::ALL).await);

    let app_id = ready_draft(&app.state, &a_id, "RSU Negara", 1).await;
    let submitted = izinkes_app::applications::submit::submit(&app.state, &a_id, &app_id)
        .await
        .expect("submit");
    let registration_number = match submitted {
        izinkes_app::applications::submit::SubmitOutcome::Submitted(n) => n.as_str().to_string(),
        izinkes_app::applications::submit::SubmitOutcome::Problems(p) => panic!("{:?}", p.all()),
    };
    let step_role: String = sqlx::query_scalar("SELECT step_role FROM applications WHERE id = $1")
        .bind(&app_id)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("step");
    assert_eq!(step_role, STEP_ROLE);
    let doc_id = izinkes_app::library::service::add(&app.state, &a_id, "KTP", "ktp.pdf", &demo::samples::pdf("KTP"))
        .await
        .expect("library document");
    let (signed_app_id, permit_id, permit_token) = signed_permit(app, &actors, &a_id).await;
    let complaint_id = izinkes_app::complaints::service::submit(
        &app.state,
        &izinkes_app::complaints::service::ComplaintInput {
            office_id: HOME.into(),
            email: "pengadu@example.com".into(),
            subject: "Uji otorisasi".into(),
            body: "Pengaduan untuk uji otorisasi.".into(),
            ..Default::default()
        },
        izinkes_app::complaints::service::Source::Online {
            applicant_id: None,
            client: "authz-fixture",
        },
    )
    .await
    .expect("complaint")
    .id;
    let evidence_id = complaint_evidence(app, &actors, &complaint_id).await;
    let officer_id = actors.iter().find(|a| a.name == "fo").expect("fo").id.clone();
    let message_id = izinkes_app::messages::service::post_by_applicant(
        &app.state,
        &a_id,
        "Pemilik",
        &app_id,
        "Pesan uji otorisasi.",
        Some(izinkes_app::messages::service::Upload {
            filename: "lampiran.pdf",
            bytes: &demo::samples::pdf("Lampiran uji"),
        }),
    )
    .await
    .expect("message")
    .to_string();
    let fx = Fixtures {
        message_id,
        evidence_id,
        officer_id,
        complaint_id,
        app_id,
        signed_app_id,
        permit_id,
        permit_token,
        doc_id,
        applicant_a: a_id,
        registration_number,
        nik4: a_nik[a_nik.len() - 4..].to_string(),
    };
    (actors, fx)
}

fn desk_officer(a: &Actor) -> izinkes_app::auth::officer::Officer {
    izinkes_app::auth::officer::Officer {
        id: a.id.clone(),
        name: format!("Petugas {}", a.name),
        office_id: a.office.into(),
        roles: a.roles.iter().filter_map(|r| Role::parse(r)).collect(),
    }
}

/// A second application of A's, through every Cilegon desk and signed by the Kepala Dinas:
/// (application id, permit id, verification token).
async fn signed_permit(app: &TestApp, actors: &[Actor], applicant_id: &str) -> (String, String, String) {
    use izinkes_app::desks::actions::CheckItem;
    use izinkes_app::desks::actions::DeskAction;
    use izinkes_app::desks::actions::act;
    use izinkes_domain::workflow::{Product, WorkflowDefinition};
    let id = ready_draft(&app.state, applicant_id, "Klinik Pratama Negara", 2).await;
    izinkes_app::applications::submit::submit(&app.state, applicant_id, &id)
        .await
        .expect("submit");
    let of_role = |role: &str| {
        desk_officer(
            actors
                .iter()
                .find(|a| a.office == HOME && a.roles.iter().any(|r| r == role))
                .expect("officer of the role"),
        )
    };
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT requirement_key FROM application_documents WHERE application_id = $1")
            .bind(&id)
            .fetch_all(&app.state.db.pool)
            .await
            .expect("documents");
    for step in WorkflowDefinition::preset("cilegon").expect("preset").steps {
        let officer = of_role(&step.role);
        let mut actions: Vec<DeskAction> = step
            .produces
            .iter()
            .map(|p| match p {
                Product::Checklist => DeskAction::Checklist {
                    items: keys
                        .iter()
                        .map(|k| CheckItem {
                            key: k.clone(),
                            ok: true,
                            note: String::new(),
                        })
                        .collect(),
                },
                Product::DraftSk => DeskAction::PrepareDraft {
                    fields: Default::default(),
                },
                Product::Paraf => DeskAction::Paraf { note: String::new() },
                Product::Approval => DeskAction::Approve { note: String::new() },
                other => panic!("the Cilegon preset does not produce {other:?}"),
            })
            .collect();
        actions.push(DeskAction::Forward { note: String::new() });
        for action in actions {
            let lock = lock_of(app, &id).await;
            if let Err(e) = act(&app.state, &officer, &id, lock, "", action).await {
                panic!("at {}: {e:?}", step.key);
            }
        }
    }
    let permit_id: String = sqlx::query_scalar("SELECT id FROM permits WHERE application_id = $1")
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("a permit awaiting signature");
    izinkes_app::permits::signing::sign_one(&app.state, &of_role("kadis"), &permit_id)
        .await
        .expect("signed");
    let token: String = sqlx::query_scalar("SELECT token FROM permits WHERE id = $1")
        .bind(&permit_id)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("token");
    (id, permit_id, token)
}

async fn lock_of(app: &TestApp, id: &str) -> i64 {
    sqlx::query_scalar("SELECT lock_version FROM applications WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("lock")
}

/// What the service says to an officer of the office without the step's role.
const ROLE_REFUSAL: &str = "tidak memiliki peran itu";

dual_test!(
    every_route_admits_exactly_the_callers_the_access_table_allows,
    |app: TestApp| async move {
        let (actors, fx) = cast(&app).await;
        let lock_before = lock_of(&app, &fx.app_id).await;
        let stale = -1;
        let mut problems: Vec<String> = Vec::new();
        let mut matrix = String::new();
        let header: Vec<String> = actors.iter().map(|a| format!("{:>5}", a.name)).collect();
        matrix.push_str(&format!("{:<58} {:<13} {}\n", "route", "access", header.join(" ")));
        for &(method, path, access) in &access_table() {
            let mut replies = Vec::with_capacity(actors.len());
            for a in &actors {
                replies.push(send(&app, a, method, path, &fx, stale).await);
            }
            let mut cells = Vec::new();
            for (a, r) in actors.iter().zip(&replies) {
                let want = allowed(access, path, a);
                let through = !r.refused();
                let mut ok = want == through && r.status < 500;
                // Past the guard of a desk action, only the stale lock stops the office's officers.
                if ok && want && access == Access::StepRole && r.status != 409 {
                    ok = false;
                }
                if !ok {
                    problems.push(format!(
                        "{method} {path} as {} ({:?} {:?}): {} {} — expected {}",
                        a.name,
                        a.kind,
                        a.roles,
                        r.status,
                        r.location,
                        if want { "to get through" } else { "to be refused" }
                    ));
                }
                cells.push(format!("{:>4}{}", r.status, if ok { ' ' } else { '!' }));
            }
            let access_text = match access {
                Access::OfficerRole(roles) => roles.iter().map(|r| r.code()).collect::<Vec<_>>().join("|"),
                other => format!("{other:?}"),
            };
            matrix.push_str(&format!(
                "{:<58} {:<13} {}\n",
                format!("{method} {path}"),
                access_text,
                cells.join(" ")
            ));
        }
        assert_eq!(
            lock_of(&app, &fx.app_id).await,
            lock_before,
            "the probes changed the file"
        );

        // The step's role: with the right lock version and an action the step cannot take yet,
        // the Front Office is refused by the workflow, the office's other officers for their role.
        let lock = lock_of(&app, &fx.app_id).await;
        for &(method, path, access) in access_table().iter().filter(|(_, _, a)| *a == Access::StepRole) {
            for a in actors.iter().filter(|a| a.kind == Kind::Officer && a.office == HOME) {
                let r = send(&app, a, method, path, &fx, lock).await;
                let holder = a.roles.iter().any(|x| x == STEP_ROLE);
                let role_refused = r.body.contains(ROLE_REFUSAL);
                if r.status != 422 || role_refused == holder {
                    problems.push(format!(
                        "{method} {path} ({access:?}) as {} with the current lock: {} — expected 422 {}",
                        a.name,
                        r.status,
                        if holder {
                            "from the workflow (the step is theirs)"
                        } else {
                            "for the role"
                        }
                    ));
                }
            }
        }
        assert_eq!(
            lock_of(&app, &fx.app_id).await,
            lock,
            "the role probes changed the file"
        );
        let status: String = sqlx::query_scalar("SELECT status FROM applications WHERE id = $1")
            .bind(&fx.app_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(status, "submitted");
        if std::env::var_os("AUTHZ_MATRIX").is_some() {
            println!("{matrix}");
        }
        assert!(
            problems.is_empty(),
            "{} authorization problem(s):\n{}\n\nstatus per route and caller ('!' = not as ACCESS says):\n{matrix}",
            problems.len(),
            problems.join("\n")
        );
    }
);

dual_test!(references_to_records_of_others_are_refused, |app: TestApp| async move {
    let (actors, fx) = cast(&app).await;
    let by_name = |n: &str| actors.iter().find(|a| a.name == n).expect("actor").clone();
    let (b, kasi, ptk) = (by_name("B"), by_name("kasi"), by_name("ptk"));
    // B's own draft cannot take A's file of Manajer Berkas, over the API or the page.
    let applicant_b = accounts::profile::load_applicant(&app.state, &b.id).await.expect("B");
    let draft = izinkes_app::applications::drafts::create_draft(&app.state, &applicant_b, HOME, "SIP-DRSP")
        .await
        .expect("draft");
    let token = session(&app, &b, true).await.expect("token");
    let r = app
        .api()
        .post(app.url(&format!("/api/v1/applications/{draft}/documents/ktp/from-library")))
        .bearer_auth(&token)
        .json(&json!({"document_id": fx.doc_id}))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 422);
    let attached: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM application_documents WHERE application_id = $1")
        .bind(&draft)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("count");
    assert_eq!(attached, 0, "A's file must not reach B's application");
    let a_app = fx.app_id.clone();
    let fx_b = Fixtures {
        app_id: draft.clone(),
        ..fx
    };
    let r = send(&app, &b, "POST", "/permohonan/{id}/syarat/{key}/pilih", &fx_b, 0).await;
    assert_eq!(r.status, 422, "{}", r.body);
    // A supervisor cannot hand a file to an officer of another office.
    let lock = lock_of(&app, &a_app).await;
    let token = session(&app, &kasi, true).await.expect("token");
    let r = app
        .api()
        .post(app.url(&format!("/api/v1/desk/applications/{a_app}/actions")))
        .bearer_auth(&token)
        .json(&json!({"action": "reassign", "officer_id": ptk.id, "lock_version": lock}))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(lock_of(&app, &a_app).await, lock);
});

/// Classifies, assigns and examines the fixture complaint with a piece of evidence; its id.
async fn complaint_evidence(app: &TestApp, actors: &[Actor], complaint_id: &str) -> String {
    use izinkes_app::complaints::service::{ActionInput, act};
    let adu = actors.iter().find(|a| a.name == "adu").expect("adu");
    let officer = izinkes_app::auth::officer::Officer {
        id: adu.id.clone(),
        name: "Petugas Pengaduan".into(),
        office_id: HOME.into(),
        roles: vec![Role::Pengaduan],
    };
    for input in [
        ActionInput {
            action: "classify".into(),
            category: "prosedur".into(),
            severity: "sedang".into(),
            ..Default::default()
        },
        ActionInput {
            action: "assign".into(),
            assignee: adu.id.clone(),
            ..Default::default()
        },
        ActionInput {
            action: "examine".into(),
            note: "Diperiksa.".into(),
            evidence: Some(("bukti.pdf".into(), demo::samples::pdf("Bukti uji"))),
            ..Default::default()
        },
    ] {
        act(&app.state, &officer, complaint_id, &input)
            .await
            .expect("complaint step");
    }
    sqlx::query_scalar("SELECT id FROM complaint_attachments WHERE complaint_id = $1")
        .bind(complaint_id)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("evidence")
}
