//! The OpenAPI document served at /api/openapi.json describes exactly the operations of the
//! router (its `/api` routes, as `http::routes::table` lists them), and every one of them
//! reaches a handler on the live server.

use crate::dual_test;
use crate::support::TestApp;
use reqwest::Method;
use serde_json::Value;
use std::collections::BTreeSet;

/// Every (method, path) of the API as the router registered it.
fn expected_operations() -> Vec<(&'static str, &'static str)> {
    izinkes_app::http::routes::table()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/"))
        .map(|r| (r.method, r.path))
        .collect()
}

/// Pages with a JSON form outside `/api` that the document describes too: (method, route of the
/// table, documented path).
const JSON_VIEWS: [(&str, &str, &str); 1] = [("GET", "/v/{token}", "/v/{token}.json")];

/// What the document must describe: the API's routes and the JSON forms of pages.
fn documented_operations() -> BTreeSet<(String, String)> {
    let table = izinkes_app::http::routes::table();
    let mut out: BTreeSet<(String, String)> = expected_operations()
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    for (method, route, documented) in JSON_VIEWS {
        assert!(
            table.iter().any(|r| r.method == method && r.path == route),
            "{method} {route} is not a route"
        );
        out.insert((method.to_string(), documented.to_string()));
    }
    out
}

/// The committed `crates/app/openapi.json` is the document the code generates.
#[test]
fn committed_openapi_json_is_the_generated_document() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let generated = izinkes_app::http::openapi::document();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, generated).expect("write openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .map_or_else(|| "the end".to_string(), |n| format!("line {}", n + 1));
        panic!(
            "crates/app/openapi.json differs from the document the handlers generate (first at {line}). \
             Regenerate it with `UPDATE_OPENAPI=1 cargo nextest run -p izinkes-app --test integration \
             committed_openapi_json` or `cargo run -p izinkes -- openapi --out crates/app/openapi.json`, \
             and commit it."
        );
    }
}

const HTTP_METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

async fn fetch_document(app: &TestApp) -> Value {
    let r = app.api().get(app.url("/api/openapi.json")).send().await.expect("get");
    assert_eq!(r.status(), 200);
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(ct.starts_with("application/json"), "{ct}");
    let text = r.text().await.expect("body");
    serde_json::from_str(&text).expect("the OpenAPI document is JSON")
}

/// Every `$ref` in the document, with where it was found.
fn refs<'a>(v: &'a Value, at: String, out: &mut Vec<(String, &'a str)>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                if k == "$ref"
                    && let Some(s) = child.as_str()
                {
                    out.push((at.clone(), s));
                }
                refs(child, format!("{at}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                refs(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Follows a local `$ref` (`#/components/...`) once.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("unresolved {r}")),
        None => v,
    }
}

dual_test!(
    openapi_document_describes_exactly_the_router,
    |app: TestApp| async move {
        let doc = fetch_document(&app).await;
        assert!(
            doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
            "{}",
            doc["openapi"]
        );
        assert_eq!(doc["info"]["title"], "izinkes");
        assert_eq!(doc["info"]["version"], "0.1.0");
        assert!(doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer");
        for schema in [
            "RegisterInput",
            "LoginRequest",
            "LoginResponse",
            "Profile",
            "ApplicantData",
            "Application",
            "ListItem",
            "LibraryDocument",
            "TrackResult",
            "Office",
            "PermitType",
            "Error",
        ] {
            assert!(doc["components"]["schemas"][schema].is_object(), "schema {schema}");
        }

        let paths = doc["paths"].as_object().expect("paths");
        let mut documented = BTreeSet::new();
        let mut operation_ids = BTreeSet::new();
        for (path, item) in paths {
            let item = item.as_object().expect("path item");
            let placeholders: BTreeSet<&str> = path
                .split('/')
                .filter_map(|s| {
                    s.split_once('{')
                        .and_then(|(_, s)| s.split_once('}'))
                        .map(|(name, _)| name)
                })
                .collect();
            for (method, op) in item {
                if !HTTP_METHODS.contains(&method.as_str()) {
                    continue;
                }
                let what = format!("{} {path}", method.to_uppercase());
                documented.insert((method.to_uppercase(), path.clone()));
                let id = op["operationId"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{what}: operationId"));
                assert!(
                    operation_ids.insert(id.to_string()),
                    "{what}: operationId {id} used twice"
                );
                assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{what}: summary");
                let responses = op["responses"]
                    .as_object()
                    .unwrap_or_else(|| panic!("{what}: responses"));
                assert!(
                    responses.keys().any(|k| k.starts_with('2')),
                    "{what}: a success response"
                );
                // Operations that need a token say so and document the 401.
                let public = op["security"].as_array().is_some_and(Vec::is_empty);
                if !public {
                    assert!(responses.contains_key("401"), "{what}: 401");
                }
                // Error responses carry the Error schema.
                for (status, response) in responses {
                    if status.starts_with('4') || status.starts_with('5') {
                        let schema = &resolve(&doc, response)["content"]["application/json"]["schema"]["$ref"];
                        assert_eq!(schema, "#/components/schemas/Error", "{what} {status}");
                    }
                }
                // Path parameters: exactly the placeholders of the path, all required.
                let declared: BTreeSet<&str> = op["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .map(|p| resolve(&doc, p))
                            .filter(|p| p["in"] == "path")
                            .map(|p| {
                                assert_eq!(p["required"], true, "{what}: path parameter {p}");
                                p["name"].as_str().expect("name")
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                assert_eq!(declared, placeholders, "{what}: path parameters");
            }
        }

        // File uploads take the raw body.
        for (path, method) in [
            ("/api/v1/applications/{id}/documents/{key}", "put"),
            ("/api/v1/documents", "post"),
        ] {
            let body = &doc["paths"][path][method]["requestBody"]["content"];
            assert!(body["application/octet-stream"].is_object(), "{method} {path}: {body}");
        }

        let expected = documented_operations();
        let undocumented: Vec<_> = expected.difference(&documented).collect();
        let unknown: Vec<_> = documented.difference(&expected).collect();
        assert!(
            undocumented.is_empty() && unknown.is_empty(),
            "routes without an operation: {undocumented:?}; operations without a route: {unknown:?}"
        );

        let mut all = Vec::new();
        refs(&doc, String::new(), &mut all);
        for (at, r) in all {
            assert!(
                r.starts_with("#/") && doc.pointer(&r[1..]).is_some(),
                "{at}: $ref {r} does not resolve"
            );
        }
    }
);

dual_test!(every_listed_route_reaches_a_handler, |app: TestApp| async move {
    let client = app.api();
    let send = |method: Method, path: String| {
        let client = client.clone();
        let url = app.url(&path);
        async move {
            let r = client
                .request(method, url)
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .expect("request");
            let status = r.status().as_u16();
            let body: Value = serde_json::from_str(&r.text().await.unwrap_or_default()).unwrap_or(Value::Null);
            (status, body["error"]["code"].as_str().unwrap_or("").to_string())
        }
    };

    // The API's own fallback is told apart from "no such record".
    for path in [
        "/api/v1/tidak-ada",
        "/api/v2/me",
        "/api/v1/applications/x/y/z",
        "/api/nope",
    ] {
        assert_eq!(
            send(Method::GET, path.into()).await,
            (404, "no_route".to_string()),
            "{path}"
        );
    }
    let (status, code) = send(Method::PATCH, "/api/v1/me".into()).await;
    assert_eq!(
        status, 405,
        "a known path with another method is not the fallback ({code})"
    );

    for (method, path) in expected_operations() {
        // Placeholders become harmless values: handlers answer 401/404/422 about them, never the
        // router's fallback.
        let concrete = path
            .split('/')
            .map(|s| if s.starts_with('{') { "placeholder" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let m = Method::from_bytes(method.as_bytes()).expect("method");
        let (status, code) = send(m, concrete.clone()).await;
        assert!(
            code != "no_route" && status != 405,
            "{method} {concrete}: {status} {code}"
        );
        assert!(status < 500, "{method} {concrete}: {status} {code}");
    }
});
