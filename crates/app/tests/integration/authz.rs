//! Authorization, route by route (issue 3 §7).
//!
//! 1. `web::access::ACCESS` lists exactly the routes the router has: every `.route("…", …)` of
//!    `src/web/*.rs` is read from the source (the API's under the `/api` it is nested at), so a
//!    route added without saying who may call it fails here.
//! 2. Every route is called as every kind of caller — anonymous, the applicant who owns the
//!    records, another applicant, an officer of each role of the records' office and an officer of
//!    another office — and exactly the callers `ACCESS` allows get through.
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
use izinkes_app::accounts::{self, SessionKind, SubjectKind};
use izinkes_app::roles::Role;
use izinkes_app::samples;
use izinkes_app::web::access::{ACCESS, Access};
use reqwest::Method;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

// ---------------------------------------------------------------------------------------------
// 1. The table against the router's source

fn web_sources() -> BTreeMap<String, String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("src/web") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_stem().expect("stem").to_string_lossy().to_string();
            out.insert(name, std::fs::read_to_string(&path).expect("read"));
        }
    }
    out
}

/// The source without comments and without its `#[cfg(test)]` part; string and character
/// literals are kept as they are.
fn code_of(src: &str) -> String {
    let src = match src.find("#[cfg(test)]") {
        Some(i) => &src[..i],
        None => src,
    };
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == '"' {
            let end = string_end(&chars, i);
            out.extend(&chars[i..end]);
            i = end;
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !prev_is_ident(&chars, i) {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|h| chars.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.extend(&chars[i..j]);
            i = j;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{…}') or a lifetime ('a).
            let end = char_end(&chars, i);
            out.extend(&chars[i..end.min(chars.len())]);
            i = end;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn prev_is_ident(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// Index just past the string literal starting at `start` (a `"`).
fn string_end(chars: &[char], start: usize) -> usize {
    let mut j = start + 1;
    while j < chars.len() {
        match chars[j] {
            '\\' => j += 2,
            '"' => return j + 1,
            _ => j += 1,
        }
    }
    j
}

/// Index just past the character literal at `i` (a `'`), or `i + 1` for a lifetime.
fn char_end(chars: &[char], i: usize) -> usize {
    if chars.get(i + 1) == Some(&'\\') {
        let mut j = i + 2;
        while j < chars.len() && chars[j] != '\'' {
            j += 1;
        }
        j + 1
    } else if chars.get(i + 2) == Some(&'\'') {
        i + 3
    } else {
        i + 1
    }
}

/// The arguments of every call `.{name}(` in `code` (outside string literals), split at their
/// top-level commas.
fn calls(code: &str, name: &str) -> Vec<Vec<String>> {
    let needle: Vec<char> = format!(".{name}(").chars().collect();
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '"' => {
                i = string_end(&chars, i);
                continue;
            }
            '\'' => {
                i = char_end(&chars, i);
                continue;
            }
            _ => {}
        }
        if !chars[i..].starts_with(&needle) {
            i += 1;
            continue;
        }
        let mut j = i + needle.len();
        let mut depth = 1;
        let mut args = Vec::new();
        let mut current = String::new();
        while j < chars.len() {
            let c = chars[j];
            if c == '"' {
                let end = string_end(&chars, j);
                current.extend(&chars[j..end]);
                j = end;
                continue;
            }
            if c == '\'' {
                let end = char_end(&chars, j).min(chars.len());
                current.extend(&chars[j..end]);
                j = end;
                continue;
            }
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                break;
            }
            if c == ',' && depth == 1 {
                args.push(std::mem::take(&mut current).trim().to_string());
            } else {
                current.push(c);
            }
            j += 1;
        }
        let last = current.trim().to_string();
        if !last.is_empty() {
            args.push(last);
        }
        out.push(args);
        i = j;
    }
    out
}

/// `"…"` → its text; an identifier (or path to one) → the `const NAME: &str = "…"` it names.
fn literal_or_const(arg: &str, sources: &BTreeMap<String, String>) -> String {
    if let Some(s) = arg.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        return s.to_string();
    }
    let name = arg.rsplit("::").next().unwrap_or(arg).trim();
    assert!(
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
        "a route path that is neither a literal nor a constant: {arg}"
    );
    let pattern = format!("const {name}: &str = \"");
    for src in sources.values() {
        if let Some(i) = src.find(&pattern) {
            let rest = &src[i + pattern.len()..];
            return rest[..rest.find('"').expect("end of the constant")].to_string();
        }
    }
    panic!("constant {name} (a route path) not found in src/web");
}

const METHODS: [&str; 7] = ["get", "post", "put", "delete", "patch", "head", "options"];

/// The methods of a method router such as `get(a).post(b)`.
fn methods_of(handlers: &str) -> Vec<String> {
    let chars: Vec<char> = handlers.chars().collect();
    let mut depth = 0;
    let mut ident = String::new();
    let mut out = Vec::new();
    for &c in &chars {
        match c {
            '(' => {
                if depth == 0 {
                    let name = ident.rsplit("::").next().unwrap_or("").to_string();
                    assert!(
                        METHODS.contains(&name.as_str()),
                        "method router `{name}(…)` in `{handlers}`: extend the authz test"
                    );
                    out.push(name.to_ascii_uppercase());
                }
                depth += 1;
                ident.clear();
            }
            ')' => {
                depth -= 1;
                ident.clear();
            }
            '.' if depth == 0 => ident.clear(),
            c if depth == 0 && (c.is_alphanumeric() || c == '_' || c == ':') => ident.push(c),
            _ => {}
        }
    }
    assert!(!out.is_empty(), "no method in `{handlers}`");
    out
}

/// Every (method, path) the router serves, read from `src/web/*.rs`.
fn router_routes() -> BTreeSet<(String, String)> {
    let sources = web_sources();
    let code: BTreeMap<String, String> = sources.iter().map(|(k, v)| (k.clone(), code_of(v))).collect();
    // How each module's routes are mounted: `.nest("/api", api::routes())` or `.merge(x::routes())`.
    let mut prefix: BTreeMap<String, String> = BTreeMap::new();
    prefix.insert("mod".into(), String::new());
    for c in code.values() {
        for args in calls(c, "nest") {
            assert_eq!(args.len(), 2, "nest({args:?})");
            let module = args[1]
                .trim_end_matches("::routes()")
                .rsplit("::")
                .next()
                .unwrap_or("")
                .to_string();
            prefix.insert(module, literal_or_const(&args[0], &sources));
        }
        // Merged (or the base router): any `module::routes()` of the router's code.
        for (k, _) in c.match_indices("::routes()") {
            let head = &c[..k];
            let module = head[head
                .rfind(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                .map_or(0, |p| p + 1)..]
                .to_string();
            prefix.entry(module).or_default();
        }
        for unsupported in ["route_service", "nest_service", "merge_service"] {
            assert!(
                calls(c, unsupported).is_empty(),
                ".{unsupported}(…): extend the authz test"
            );
        }
    }
    let mut out = BTreeSet::new();
    for (module, c) in &code {
        let routes = calls(c, "route");
        if routes.is_empty() {
            continue;
        }
        let Some(base) = prefix.get(module) else {
            panic!("web/{module}.rs has routes but is not merged or nested into the router");
        };
        for args in routes {
            assert_eq!(args.len(), 2, "web/{module}.rs: .route({args:?})");
            let path = format!("{base}{}", literal_or_const(&args[0], &sources));
            for m in methods_of(&args[1]) {
                assert!(out.insert((m.clone(), path.clone())), "{m} {path} registered twice");
            }
        }
    }
    out
}

#[test]
fn access_table_lists_exactly_the_routes_of_the_router() {
    let listed: BTreeSet<(String, String)> = ACCESS.iter().map(|(m, p, _)| (m.to_string(), p.to_string())).collect();
    assert_eq!(listed.len(), ACCESS.len(), "ACCESS lists a route twice");
    let routes = router_routes();
    // The reader itself: the routes every build has.
    for known in [
        ("GET", "/"),
        ("GET", "/petugas/2fa"),
        ("POST", "/api/v1/auth/login"),
        ("GET", "/healthz"),
    ] {
        assert!(
            routes.contains(&(known.0.to_string(), known.1.to_string())),
            "the source reader missed {known:?}"
        );
    }
    let missing: Vec<_> = routes.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&routes).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "routes without an entry in web::access::ACCESS (say who may call them): {missing:?}\n\
         ACCESS entries without a route: {stale:?}"
    );
}

#[test]
fn source_reader_understands_route_calls() {
    let src = r#"
        // .route("/commented", get(nothing))
        pub fn routes() -> Router<AppState> {
            Router::new()
                .route("/a/{id}", get(a).post(b))
                .route(
                    "/b",
                    axum::routing::put(c),
                )
                .route(SOME_PATH, delete(d)) /* .route("/x", get(x)) */
        }
        fn f() { let q = '"'; let s = ".route(\"/in-string\", get(z))"; }
        const SOME_PATH: &str = "/c";
    "#;
    let code = code_of(src);
    let found: Vec<(Vec<String>, String)> = calls(&code, "route")
        .into_iter()
        .map(|args| {
            let mut sources = BTreeMap::new();
            sources.insert("x".to_string(), src.to_string());
            (methods_of(&args[1]), literal_or_const(&args[0], &sources))
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (vec!["GET".to_string(), "POST".to_string()], "/a/{id}".to_string()),
            (vec!["PUT".to_string()], "/b".to_string()),
            (vec!["DELETE".to_string()], "/c".to_string()),
        ]
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
        izinkes_app::desks::Officer {
            id: self.id.clone(),
            name: String::new(),
            office_id: self.office.into(),
            roles: self.roles.clone(),
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
            officer && roles.iter().any(|r| a.roles.iter().any(|x| x == r)) && (!scoped || home)
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
    let id = if path.starts_with("/berkas/") || path.starts_with("/api/v1/documents/") {
        fx.doc_id.clone()
    } else if path.starts_with("/izin/") || path.starts_with("/petugas/izin/") || path.starts_with("/api/v1/permits/") {
        fx.permit_id.clone()
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
        .replace("{kind}", "sk");
    let fresh_document = matches!(
        (method, path),
        ("POST", "/berkas/{id}/hapus") | ("DELETE", "/api/v1/documents/{id}")
    );
    let pdf = || samples::pdf("Berkas uji otorisasi");
    let lock_text = lock.to_string();
    let body = match (method, path) {
        (_, p) if p.starts_with("/api/") => match (method, p) {
            ("PUT", "/api/v1/applications/{id}/applicant") => {
                Body::Json(serde_json::to_value(izinkes_app::applications::ApplicantData::default()).expect("json"))
            }
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
        ("POST", "/akun/foto") => Body::Multipart(vec![], "photo", "foto.png", samples::PNG.to_vec()),
        // A broken image: refused by the rules once past the guard, nothing stored.
        ("POST", "/petugas/admin/dokumen/logo") => {
            Body::Multipart(vec![("what", "unggah".into())], "logo", "logo.jpg", samples::jpeg())
        }
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
            accounts::create_session(&app.state, SubjectKind::Applicant, &a.id, None, kind)
                .await
                .expect("session"),
        ),
        Kind::Officer => Some(
            accounts::create_session(&app.state, SubjectKind::Officer, &a.id, office, kind)
                .await
                .expect("session"),
        ),
    }
}

async fn fresh_document(app: &TestApp, fx: &Fixtures) -> String {
    izinkes_app::documents::add(
        &app.state,
        &fx.applicant_a,
        "KTP",
        "ktp.pdf",
        &samples::pdf("KTP sekali pakai"),
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
    let id = accounts::add_officer(
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
    let a = accounts::load_applicant(&app.state, applicant_id)
        .await
        .expect("applicant");
    accounts::set_photo(&app.state, &a, samples::PNG).await.expect("photo");
}

/// Office jembrana with an officer of each role, an officer of pontianak (every role), applicant
/// A with a submitted application waiting at the Front Office and a file in Manajer Berkas,
/// applicant B, and nobody.
async fn cast(app: &TestApp) -> (Vec<Actor>, Fixtures) {
    izinkes_app::calendar::save_settings(
        &app.state,
        HOME,
        &izinkes_app::calendar::OfficeSettings {
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
    let submitted = izinkes_app::applications::submit(&app.state, &a_id, &app_id)
        .await
        .expect("submit");
    let registration_number = match submitted {
        izinkes_app::applications::SubmitOutcome::Submitted(n) => n.as_str().to_string(),
        izinkes_app::applications::SubmitOutcome::Problems(p) => panic!("{:?}", p.all()),
    };
    let step_role: String = sqlx::query_scalar("SELECT step_role FROM applications WHERE id = $1")
        .bind(&app_id)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("step");
    assert_eq!(step_role, STEP_ROLE);
    let doc_id = izinkes_app::documents::add(&app.state, &a_id, "KTP", "ktp.pdf", &samples::pdf("KTP"))
        .await
        .expect("library document");
    let (signed_app_id, permit_id, permit_token) = signed_permit(app, &actors, &a_id).await;
    let fx = Fixtures {
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

fn desk_officer(a: &Actor) -> izinkes_app::desks::Officer {
    izinkes_app::desks::Officer {
        id: a.id.clone(),
        name: format!("Petugas {}", a.name),
        office_id: a.office.into(),
        roles: a.roles.clone(),
    }
}

/// A second application of A's, through every Cilegon desk and signed by the Kepala Dinas:
/// (application id, permit id, verification token).
async fn signed_permit(app: &TestApp, actors: &[Actor], applicant_id: &str) -> (String, String, String) {
    use izinkes_app::desks::{CheckItem, DeskAction, act};
    use izinkes_domain::workflow::{Product, WorkflowDefinition};
    let id = ready_draft(&app.state, applicant_id, "Klinik Pratama Negara", 2).await;
    izinkes_app::applications::submit(&app.state, applicant_id, &id)
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
    izinkes_app::permits::sign_one(&app.state, &of_role("kadis"), &permit_id)
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
        for &(method, path, access) in ACCESS {
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
                Access::OfficerRole(roles) => roles.join("|"),
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
        for &(method, path, access) in ACCESS.iter().filter(|(_, _, a)| *a == Access::StepRole) {
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
    let applicant_b = accounts::load_applicant(&app.state, &b.id).await.expect("B");
    let draft = izinkes_app::applications::create_draft(&app.state, &applicant_b, HOME, "SIP-DRSP")
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
