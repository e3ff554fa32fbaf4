//! Real response bodies against the schemas the OpenAPI document gives their operations: the
//! demo data on the live server, a few calls of every API area (and the public verification
//! JSON, and errors), each body checked with a small checker of the JSON Schema subset utoipa
//! emits (`$ref`, `type`, `properties`, `required`, `additionalProperties`, `items`, `enum`,
//! `allOf`, `oneOf`). Objects are closed: a field the schema does not name is an error, so a
//! body that grows a field without its schema fails here.

use crate::api::{Api, Reply};
use crate::support::{Backend, TestApp};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Follows `$ref`s (`#/components/...`) until a schema with content.
fn resolve<'a>(doc: &'a Value, mut s: &'a Value) -> &'a Value {
    while let Some(r) = s.get("$ref").and_then(Value::as_str) {
        s = doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("unresolved {r}"));
    }
    s
}

/// The property names an object schema knows, through `allOf`.
fn known_properties(doc: &Value, s: &Value, out: &mut BTreeSet<String>) {
    let s = resolve(doc, s);
    if let Some(p) = s.get("properties").and_then(Value::as_object) {
        out.extend(p.keys().cloned());
    }
    for part in s.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        known_properties(doc, part, out);
    }
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => false,
    }
}

/// Collects in `errs` where `v` does not fit `schema`. `open`: the object may carry fields
/// another part of an `allOf` names.
fn check(doc: &Value, schema: &Value, v: &Value, at: &str, open: bool, errs: &mut Vec<String>) {
    let s = resolve(doc, schema);
    if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
        for part in parts {
            check(doc, part, v, at, true, errs);
        }
        if !open && let Some(obj) = v.as_object() {
            let mut known = BTreeSet::new();
            known_properties(doc, s, &mut known);
            for k in obj.keys().filter(|k| !known.contains(*k)) {
                errs.push(format!("{at}: field `{k}` is not in the schema"));
            }
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(parts) = s.get(key).and_then(Value::as_array) {
            let fits = parts
                .iter()
                .filter(|part| {
                    let mut e = Vec::new();
                    check(doc, part, v, at, open, &mut e);
                    e.is_empty()
                })
                .count();
            if fits == 0 || (key == "oneOf" && fits > 1) {
                errs.push(format!("{at}: {v} fits {fits} of the {key} alternatives"));
            }
        }
    }
    match s.get("type") {
        Some(Value::String(t)) if !type_matches(t, v) => {
            errs.push(format!("{at}: {v} is not of type {t}"));
            return;
        }
        Some(Value::Array(ts)) if !ts.iter().filter_map(Value::as_str).any(|t| type_matches(t, v)) => {
            errs.push(format!("{at}: {v} is not of type {ts:?}"));
            return;
        }
        _ => {}
    }
    if let Some(options) = s.get("enum").and_then(Value::as_array)
        && !options.contains(v)
    {
        errs.push(format!("{at}: {v} is not one of {options:?}"));
    }
    if let Some(items) = s.get("items")
        && let Some(list) = v.as_array()
    {
        for (i, item) in list.iter().enumerate() {
            check(doc, items, item, &format!("{at}[{i}]"), false, errs);
        }
    }
    if let Some(obj) = v.as_object() {
        check_object(doc, s, obj, at, open, errs);
    }
}

fn check_object(
    doc: &Value,
    s: &Value,
    obj: &serde_json::Map<String, Value>,
    at: &str,
    open: bool,
    errs: &mut Vec<String>,
) {
    for r in s.get("required").and_then(Value::as_array).into_iter().flatten() {
        if let Some(k) = r.as_str()
            && !obj.contains_key(k)
        {
            errs.push(format!("{at}: required field `{k}` is missing"));
        }
    }
    let props = s.get("properties").and_then(Value::as_object);
    for (k, child) in obj {
        let here = format!("{at}.{k}");
        match (props.and_then(|p| p.get(k)), s.get("additionalProperties")) {
            (Some(sub), _) => check(doc, sub, child, &here, false, errs),
            (None, Some(extra)) if extra.is_object() => check(doc, extra, child, &here, false, errs),
            (None, Some(Value::Bool(false))) => errs.push(format!("{here}: not allowed")),
            (None, None) if props.is_some() && !open && s.get("allOf").is_none() => {
                errs.push(format!("{here}: field `{k}` is not in the schema"))
            }
            _ => {}
        }
    }
}

/// The document, and how many bodies were checked per operation.
struct Validator {
    doc: Value,
    seen: BTreeSet<(String, String, u16)>,
}

impl Validator {
    async fn new(app: &TestApp) -> Validator {
        let r = Api::new(app).get("/api/openapi.json").await;
        assert_eq!(r.status, 200);
        Validator {
            doc: r.body,
            seen: BTreeSet::new(),
        }
    }

    /// Checks the reply of `method path` (the documented path, with its placeholders) against
    /// the schema of its status; returns the body.
    fn check(&mut self, method: &str, path: &str, r: &Reply) -> Value {
        let what = format!("{method} {path} → {}", r.status);
        let op = &self.doc["paths"][path][method.to_lowercase()];
        assert!(op.is_object(), "{what}: no such operation in the document");
        let response = op["responses"][r.status.to_string()].clone();
        assert!(response.is_object(), "{what}: status not documented: {r:?}");
        let response = resolve(&self.doc, &response).clone();
        match response["content"]["application/json"].get("schema") {
            Some(schema) => {
                assert!(
                    r.content_type.starts_with("application/json"),
                    "{what}: {}",
                    r.content_type
                );
                let mut errs = Vec::new();
                check(&self.doc, schema, &r.body, "body", false, &mut errs);
                assert!(errs.is_empty(), "{what}:\n{}\nbody: {}", errs.join("\n"), r.body);
            }
            None => assert!(
                response.get("content").is_none() || !r.content_type.starts_with("application/json"),
                "{what}: a JSON body where the document names none"
            ),
        }
        self.seen.insert((method.to_string(), path.to_string(), r.status));
        r.body.clone()
    }
}

fn first_str(v: &Value, list: &str, key: &str) -> String {
    v[list][0][key]
        .as_str()
        .unwrap_or_else(|| panic!("{list}[0].{key} in {v}"))
        .to_string()
}

async fn login(api: &Api, body: Value) -> Api {
    let r = api.post("/api/v1/auth/login", body).await;
    assert_eq!(r.status, 200, "{r:?}");
    api.with_token(r.str("token"))
}

/// Public operations: the catalog, areas, registration, tracking, and their errors.
async fn public_calls(v: &mut Validator, api: &Api) {
    for path in ["/api/v1/offices", "/api/v1/catalog"] {
        v.check("GET", path, &api.get(path).await);
    }
    v.check("GET", "/api/v1/areas/{code}", &api.get("/api/v1/areas/root").await);
    v.check(
        "GET",
        "/api/v1/catalog/{code}",
        &api.get("/api/v1/catalog/SIP-DRSP").await,
    );
    v.check(
        "GET",
        "/api/v1/catalog/{code}",
        &api.get("/api/v1/catalog/TIDAK-ADA").await,
    );
    v.check("GET", "/api/v1/areas/{code}", &api.get("/api/v1/areas/51.01").await);
    v.check("GET", "/api/v1/areas/{code}", &api.get("/api/v1/areas/99").await);
    v.check(
        "GET",
        "/api/v1/track",
        &api.get("/api/v1/track?number=JBR-2026-999999&nik4=0004").await,
    );
    v.check("GET", "/api/v1/track", &api.get("/api/v1/track?number=x&nik4=").await);
    let body = crate::api::register_body(&crate::api::nik(20, 77), "skema@example.com");
    v.check(
        "POST",
        "/api/v1/auth/register",
        &api.post("/api/v1/auth/register", body).await,
    );
    v.check(
        "POST",
        "/api/v1/auth/register",
        &api.post("/api/v1/auth/register", json!({})).await,
    );
    let bad = api
        .raw(Method::POST, "/api/v1/auth/register", b"{".to_vec(), "application/json")
        .await;
    v.check("POST", "/api/v1/auth/register", &bad);
    v.check(
        "POST",
        "/api/v1/auth/verify",
        &api.post("/api/v1/auth/verify", json!({"token": "x"})).await,
    );
    let email = json!({"email": "tidak-ada@example.com"});
    v.check(
        "POST",
        "/api/v1/auth/resend-verification",
        &api.post("/api/v1/auth/resend-verification", email.clone()).await,
    );
    v.check(
        "POST",
        "/api/v1/auth/forgot-password",
        &api.post("/api/v1/auth/forgot-password", email).await,
    );
    let reset = json!({"token": "x", "password": "a", "password_confirm": "b"});
    v.check(
        "POST",
        "/api/v1/auth/reset-password",
        &api.post("/api/v1/auth/reset-password", reset).await,
    );
    let wrong = json!({"email": "putu@contoh.id", "password": "salah-sekali"});
    v.check(
        "POST",
        "/api/v1/auth/login",
        &api.post("/api/v1/auth/login", wrong).await,
    );
    v.check("GET", "/api/v1/me", &api.get("/api/v1/me").await);
    v.check("GET", "/api/openapi.json", &api.get("/api/openapi.json").await);
}

/// The applicant's side: account, applications, Manajer Berkas, revision, tracking.
async fn applicant_calls(v: &mut Validator, api: &Api) {
    let putu = login(
        api,
        json!({"email": "putu@contoh.id", "password": izinkes_app::demo::APPLICANT_PASSWORD}),
    )
    .await;
    let me = v.check("GET", "/api/v1/me", &putu.get("/api/v1/me").await);
    let profile = me["profile"].clone();
    v.check(
        "PUT",
        "/api/v1/me/profile",
        &putu.put("/api/v1/me/profile", profile).await,
    );
    let list = v.check("GET", "/api/v1/applications", &putu.get("/api/v1/applications").await);
    for item in list["applications"].as_array().into_iter().flatten() {
        let id = item["id"].as_str().unwrap_or_default();
        let r = putu.get(&format!("/api/v1/applications/{id}")).await;
        v.check("GET", "/api/v1/applications/{id}", &r);
        let r = putu.get(&format!("/api/v1/applications/{id}/revision")).await;
        v.check("GET", "/api/v1/applications/{id}/revision", &r);
        if let (Some(number), Some(_)) = (item["registration_number"].as_str(), item["submitted_at"].as_str()) {
            let r = putu.get(&format!("/api/v1/track?number={number}&nik4=0004")).await;
            v.check("GET", "/api/v1/track", &r);
        }
    }
    let new = json!({"office_id": "jembrana", "permit_code": "SIP-DRSP"});
    let draft = v.check(
        "POST",
        "/api/v1/applications",
        &putu.post("/api/v1/applications", new).await,
    );
    let id = draft["id"].as_str().expect("id").to_string();
    let data = json!(crate::api::applicant_data("RSU Negara"));
    let r = putu.put(&format!("/api/v1/applications/{id}/applicant"), data).await;
    v.check("PUT", "/api/v1/applications/{id}/applicant", &r);
    let r = putu.put(&format!("/api/v1/applications/{id}/form"), json!({})).await;
    v.check("PUT", "/api/v1/applications/{id}/form", &r);
    let (name, bytes) = crate::api::sample_for("ktp");
    v.check(
        "PUT",
        "/api/v1/applications/{id}/documents/{key}",
        &putu.upload(&id, "ktp", &name, bytes).await,
    );
    let r = putu.post(&format!("/api/v1/applications/{id}/submit"), json!({})).await;
    v.check("POST", "/api/v1/applications/{id}/submit", &r);
    let r = putu
        .post(&format!("/api/v1/applications/{id}/resubmit"), json!({}))
        .await;
    v.check("POST", "/api/v1/applications/{id}/resubmit", &r);
    let r = putu
        .raw(
            Method::POST,
            "/api/v1/documents?title=KTP&filename=ktp.pdf",
            izinkes_app::demo::samples::pdf("KTP"),
            "application/octet-stream",
        )
        .await;
    let doc = v.check("POST", "/api/v1/documents", &r);
    let r = putu
        .post(
            &format!("/api/v1/applications/{id}/documents/rekomendasi_dinkes/from-library"),
            json!({"document_id": doc["id"]}),
        )
        .await;
    v.check("POST", "/api/v1/applications/{id}/documents/{key}/from-library", &r);
    v.check("GET", "/api/v1/documents", &putu.get("/api/v1/documents").await);
    v.check(
        "GET",
        "/api/v1/applications/{id}",
        &putu.get("/api/v1/applications/nope").await,
    );
    v.check("GET", "/api/v1/desk/tasks", &putu.get("/api/v1/desk/tasks").await);
}

/// Izin Saya, the survey, renewal and change, and the public verification JSON.
async fn permit_calls(v: &mut Validator, api: &Api) {
    let password = izinkes_app::demo::APPLICANT_PASSWORD;
    let mut verified = 0;
    for email in ["dewi@contoh.id", "budi@contoh.id"] {
        let holder = login(api, json!({"email": email, "password": password})).await;
        let list = v.check("GET", "/api/v1/permits", &holder.get("/api/v1/permits").await);
        for p in list["permits"].as_array().into_iter().flatten() {
            let id = p["id"].as_str().unwrap_or_default();
            let url = p["verify_url"].as_str().unwrap_or_default();
            let path = &url[url.find("/v/").expect("verify url")..];
            v.check("GET", "/v/{token}.json", &api.get(&format!("{path}.json")).await);
            verified += 1;
            let answers = json!({"answers": {"u1": 4}, "comment": ""});
            let r = holder.post(&format!("/api/v1/permits/{id}/survey"), answers).await;
            v.check("POST", "/api/v1/permits/{id}/survey", &r);
            let r = holder.post(&format!("/api/v1/permits/{id}/change"), json!({})).await;
            v.check("POST", "/api/v1/permits/{id}/change", &r);
            let r = holder.post(&format!("/api/v1/permits/{id}/renew"), json!({})).await;
            v.check("POST", "/api/v1/permits/{id}/renew", &r);
        }
    }
    assert!(verified >= 2, "the demo holders have permits");
    v.check("GET", "/v/{token}.json", &api.get("/v/tidak-ada.json").await);
}

/// The desks: Tugas Saya, the file, an action and its errors, the heads' summary.
async fn desk_calls(v: &mut Validator, api: &Api) {
    let password = izinkes_app::demo::OFFICER_PASSWORD;
    let officer = |email: &str| json!({"kind": "officer", "email": email, "password": password});
    let fo = login(api, officer("frontoffice.jembrana@demo.izinkes.id")).await;
    v.check("GET", "/api/v1/me", &fo.get("/api/v1/me").await);
    let tasks = v.check("GET", "/api/v1/desk/tasks", &fo.get("/api/v1/desk/tasks").await);
    v.check("GET", "/api/v1/desk/officers", &fo.get("/api/v1/desk/officers").await);
    v.check("GET", "/api/v1/desk/summary", &fo.get("/api/v1/desk/summary").await);
    let id = first_str(&tasks, "tasks", "id");
    let file = v.check(
        "GET",
        "/api/v1/desk/applications/{id}",
        &fo.get(&format!("/api/v1/desk/applications/{id}")).await,
    );
    let path = format!("/api/v1/desk/applications/{id}/actions");
    let claim = json!({"action": "claim", "lock_version": file["lock_version"], "request_key": "skema-1"});
    v.check(
        "POST",
        "/api/v1/desk/applications/{id}/actions",
        &fo.post(&path, claim).await,
    );
    let stale = json!({"action": "release", "lock_version": -1});
    v.check(
        "POST",
        "/api/v1/desk/applications/{id}/actions",
        &fo.post(&path, stale).await,
    );
    v.check(
        "POST",
        "/api/v1/desk/applications/{id}/actions",
        &fo.post(&path, json!({})).await,
    );
    let inspection = format!("/api/v1/desk/applications/{id}/inspection?lock_version=x");
    let r = fo.raw(Method::POST, &inspection, Vec::new(), "application/pdf").await;
    v.check("POST", "/api/v1/desk/applications/{id}/inspection", &r);
    let kasi = login(api, officer("kasi.jembrana@demo.izinkes.id")).await;
    v.check("GET", "/api/v1/desk/summary", &kasi.get("/api/v1/desk/summary").await);
    let r = fo.get("/api/v1/desk/applications/tidak-ada").await;
    v.check("GET", "/api/v1/desk/applications/{id}", &r);
}

async fn bodies_fit_their_schemas(backend: Backend) {
    let app = TestApp::spawn_with(backend, true).await;
    let api = Api::new(&app);
    let mut v = Validator::new(&app).await;
    public_calls(&mut v, &api).await;
    applicant_calls(&mut v, &api).await;
    permit_calls(&mut v, &api).await;
    desk_calls(&mut v, &api).await;
    // Every area was reached, with successes and errors.
    let statuses: BTreeSet<u16> = v.seen.iter().map(|(_, _, s)| *s).collect();
    for s in [200, 201, 400, 401, 403, 404, 409, 422] {
        assert!(statuses.contains(&s), "no {s} checked: {statuses:?}");
    }
    let operations: BTreeSet<(&str, &str)> = v.seen.iter().map(|(m, p, _)| (m.as_str(), p.as_str())).collect();
    assert!(
        operations.len() >= 35,
        "{} operations checked: {operations:?}",
        operations.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn response_bodies_fit_their_schemas_sqlite() {
    bodies_fit_their_schemas(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn response_bodies_fit_their_schemas_postgres() {
    bodies_fit_their_schemas(Backend::Postgres).await;
}

/// The checker itself: what it accepts and what it refuses.
#[test]
fn the_checker_refuses_what_does_not_fit() {
    let doc = json!({"components": {"schemas": {
        "A": {"type": "object", "required": ["n"], "properties": {
            "n": {"type": "integer"},
            "s": {"type": ["string", "null"]},
            "e": {"type": "string", "enum": ["x", "y"]},
            "l": {"type": "array", "items": {"$ref": "#/components/schemas/B"}},
            "o": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/B"}]},
            "m": {"type": "object", "additionalProperties": {"type": "string"}}
        }},
        "B": {"type": "object", "required": ["k"], "properties": {"k": {"type": "boolean"}}},
        "C": {"allOf": [{"$ref": "#/components/schemas/B"}, {"type": "object", "properties": {"z": {"type": "string"}}}]}
    }}});
    let errors = |schema: &str, v: Value| {
        let mut e = Vec::new();
        check(
            &doc,
            &json!({"$ref": format!("#/components/schemas/{schema}")}),
            &v,
            "body",
            false,
            &mut e,
        );
        e
    };
    let good = json!({"n": 1, "s": null, "e": "x", "l": [{"k": true}], "o": {"k": false}, "m": {"a": "b"}});
    assert_eq!(errors("A", good), Vec::<String>::new());
    assert_eq!(errors("C", json!({"k": true, "z": "q"})), Vec::<String>::new());
    for (schema, bad) in [
        ("A", json!({})),
        ("A", json!({"n": "1"})),
        ("A", json!({"n": 1.5})),
        ("A", json!({"n": 1, "s": 3})),
        ("A", json!({"n": 1, "e": "z"})),
        ("A", json!({"n": 1, "l": [{}]})),
        ("A", json!({"n": 1, "o": 3})),
        ("A", json!({"n": 1, "m": {"a": 1}})),
        ("A", json!({"n": 1, "extra": 1})),
        ("C", json!({"k": true, "extra": 1})),
        ("B", json!([])),
    ] {
        assert!(!errors(schema, bad.clone()).is_empty(), "{schema} accepted {bad}");
    }
}
