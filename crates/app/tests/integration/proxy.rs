//! Behind a reverse proxy: the client address that throttling keys on comes from
//! `X-Forwarded-For` / `Forwarded` only when the socket peer is a trusted proxy
//! (`TRUSTED_PROXIES`); every response carries its request id, which a 500 names as its
//! reference; old failed logins are deleted.

use crate::api::quick_applicant;
use crate::dual_test;
use crate::support::{Backend, TestApp};
use izinkes_app::platform::config::TrustedProxies;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

const PASSWORD: &str = "Rahasia-Praktik-2026";
const PUTU: &str = "putu@example.com";

/// A server that trusts a proxy on this host: the tests' own connections come from it.
async fn behind_proxy(backend: Backend) -> TestApp {
    TestApp::spawn_configured(backend, false, |c| {
        c.trusted_proxies = TrustedProxies::parse("127.0.0.1/32,::1/128").expect("cidrs");
    })
    .await
}

/// `dual_test!` on a server behind a trusted proxy.
macro_rules! dual_test_behind_proxy {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                ($body)(behind_proxy(Backend::Sqlite).await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                ($body)(behind_proxy(Backend::Postgres).await).await;
            }
        }
    };
}

struct Reply {
    status: u16,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
    fn request_id(&self) -> String {
        self.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("no X-Request-Id on a {}", self.status))
            .to_string()
    }
}

async fn reply(r: reqwest::Response) -> Reply {
    Reply {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        body: r.text().await.expect("body"),
    }
}

/// `POST /api/v1/auth/login` with extra headers (the forwarded ones a proxy would add).
async fn login(app: &TestApp, email: &str, password: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = app
        .api()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    reply(req.send().await.expect("login")).await
}

/// 30 failed logins (of 30 unknown accounts, so only the address limit is reached).
async fn fail_30_times(app: &TestApp, headers: impl Fn(usize) -> Vec<(&'static str, String)>) {
    for i in 0..30 {
        let h = headers(i);
        let h: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = login(app, &format!("tamu{i}@example.com"), "Salah-Sekali-2026", &h).await;
        assert_eq!(r.status, 422, "{}", r.body);
    }
}

async fn failures_of(app: &TestApp, key: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1")
        .bind(key)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("count")
}

dual_test_behind_proxy!(
    behind_a_trusted_proxy_two_clients_are_throttled_apart,
    |app: TestApp| async move {
        quick_applicant(&app.state, "5104010903970004", PUTU).await;
        fail_30_times(&app, |_| vec![("x-forwarded-for", "203.0.113.7".to_string())]).await;
        assert_eq!(failures_of(&app, "addr:203.0.113.7").await, 30);
        assert_eq!(
            failures_of(&app, "addr:127.0.0.1").await,
            0,
            "the proxy is nobody's address"
        );

        // The client that failed is paused, even with the right password...
        let r = login(&app, PUTU, PASSWORD, &[("x-forwarded-for", "203.0.113.7")]).await;
        assert_eq!(r.status, 429, "{}", r.body);
        // ...and what it writes left of the proxy's entry does not free it.
        let r = login(
            &app,
            PUTU,
            PASSWORD,
            &[("x-forwarded-for", "198.51.100.1, 203.0.113.7")],
        )
        .await;
        assert_eq!(r.status, 429, "{}", r.body);
        // Another client behind the same proxy signs in.
        let r = login(&app, PUTU, PASSWORD, &[("x-forwarded-for", "203.0.113.8")]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(!r.json()["token"].as_str().unwrap_or("").is_empty());

        // RFC 7239 `Forwarded` from a proxy that writes it, IPv6 with port.
        let r = login(
            &app,
            "tamu@example.com",
            "Salah-Sekali-2026",
            &[("forwarded", r#"for="[2001:db8::7]:4711";proto=https"#)],
        )
        .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(failures_of(&app, "addr:2001:db8::7").await, 1);
    }
);

dual_test!(
    without_trusted_proxies_a_forged_header_changes_nothing,
    |app: TestApp| async move {
        quick_applicant(&app.state, "5104010903970004", PUTU).await;
        // Each failure claims another address; all of them are the socket's.
        fail_30_times(&app, |i| {
            vec![
                ("x-forwarded-for", format!("198.51.100.{i}")),
                ("forwarded", format!("for=192.0.2.{i}")),
            ]
        })
        .await;
        assert_eq!(failures_of(&app, "addr:127.0.0.1").await, 30);
        let forged: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_failures WHERE key LIKE 'addr:198.%' OR key LIKE 'addr:192.%'",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .expect("count");
        assert_eq!(forged, 0);
        for header in ["x-forwarded-for", "forwarded", "x-real-ip"] {
            let value = if header == "forwarded" {
                "for=203.0.113.8"
            } else {
                "203.0.113.8"
            };
            let r = login(&app, PUTU, PASSWORD, &[(header, value)]).await;
            assert_eq!(r.status, 429, "{header}: {}", r.body);
        }
    }
);

dual_test!(every_response_carries_a_request_id, |app: TestApp| async move {
    let http = app.api();
    let mut seen = std::collections::BTreeSet::new();
    for path in [
        "/",
        "/healthz",
        "/masuk",
        "/tidak-ada",
        "/api/v1/tidak-ada",
        "/static/app.css",
    ] {
        let r = reply(http.get(app.url(path)).send().await.expect("get")).await;
        let id = r.request_id();
        assert_eq!(id.len(), 10, "{path}: {id}");
        assert!(seen.insert(id), "{path}: ids are per request");
    }
    // A refused form, and an id sent by a client that is no trusted proxy: replaced.
    let r = reply(
        http.post(app.url("/masuk"))
            .header("x-request-id", "dari-klien-123")
            .form(&[("email", "a@b.c")])
            .send()
            .await
            .expect("post"),
    )
    .await;
    assert_eq!(r.status, 403);
    assert_ne!(r.request_id(), "dari-klien-123");
    assert_eq!(r.request_id().len(), 10);
});

dual_test_behind_proxy!(
    a_trusted_proxy_lends_its_request_id_when_well_formed,
    |app: TestApp| async move {
        let http = app.api();
        let get = |id: &'static str| http.get(app.url("/healthz")).header("x-request-id", id).send();
        let r = reply(get("0f8fad5b-d9cb-469f-a165-70867728950e").await.expect("get")).await;
        assert_eq!(r.request_id(), "0f8fad5b-d9cb-469f-a165-70867728950e");
        let r = reply(get("bukan id; <script>").await.expect("get")).await;
        assert_eq!(r.request_id().len(), 10, "a malformed id is replaced");
    }
);

dual_test!(a_500_names_its_request_id_as_reference, |app: TestApp| async move {
    quick_applicant(&app.state, "5104010903970004", PUTU).await;
    // A broken database, which only a test can arrange: every login fails inside.
    sqlx::query("DROP TABLE login_failures")
        .execute(&app.state.db.pool)
        .await
        .expect("drop");
    let r = login(&app, PUTU, PASSWORD, &[]).await;
    assert_eq!(r.status, 500, "{}", r.body);
    let body = r.json();
    assert_eq!(body["error"]["code"], "internal");
    assert_eq!(body["error"]["reference"].as_str(), Some(r.request_id().as_str()));
    assert!(!r.body.contains("login_failures"), "no internals: {}", r.body);

    let b = app.browser();
    let token = b.csrf().await;
    let r = reply(
        b.client
            .post(app.url("/masuk"))
            .form(&[("email", PUTU), ("password", PASSWORD), ("_csrf", token.as_str())])
            .send()
            .await
            .expect("post"),
    )
    .await;
    assert_eq!(r.status, 500, "{}", r.body);
    let reference = format!("Nomor referensi: <strong>{}</strong>", r.request_id());
    assert!(r.body.contains(&reference), "{}", r.body);
});

dual_test!(
    failed_logins_older_than_the_window_are_deleted,
    |app: TestApp| async move {
        use izinkes_app::auth::throttle::{THROTTLE_WINDOW_MINUTES, expire_failures};
        use izinkes_app::platform::db::ts;
        let now = chrono::Utc::now();
        for (key, minutes_ago) in [
            ("addr:old", THROTTLE_WINDOW_MINUTES + 1),
            ("addr:old", 24 * 60),
            ("addr:recent", THROTTLE_WINDOW_MINUTES - 1),
            ("addr:recent", 0),
        ] {
            sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
                .bind(key)
                .bind(ts(now - chrono::Duration::minutes(minutes_ago)))
                .execute(&app.state.db.pool)
                .await
                .expect("insert");
        }
        // The server's own clock may have got there first; either way the old rows are gone.
        let deleted = expire_failures(&app.state).await.expect("expire");
        assert!(deleted <= 2, "{deleted}");
        assert_eq!(failures_of(&app, "addr:old").await, 0);
        assert_eq!(failures_of(&app, "addr:recent").await, 2, "what still counts is kept");
        assert_eq!(expire_failures(&app.state).await.expect("again"), 0);
    }
);

/// The development mailbox shows every password-reset link: behind a trusted proxy it answers
/// only when the client the proxy names is on this machine (issue 20).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_development_mailbox_answers_only_clients_on_this_machine() {
    let app = TestApp::spawn_configured(Backend::Sqlite, true, |c| {
        c.trusted_proxies = TrustedProxies::parse("127.0.0.1/32,::1/128").expect("cidrs");
        // The mailbox is the demo's stand-in for a mail server.
        c.smtp_url = None;
    })
    .await;
    let http = app.api();
    let get = |forwarded: Option<&'static str>| {
        let mut r = http.get(app.url("/dev/mailbox"));
        if let Some(f) = forwarded {
            r = r.header("x-forwarded-for", f);
        }
        r.send()
    };
    assert_eq!(get(None).await.expect("get").status(), 200, "from this machine");
    assert_eq!(get(Some("127.0.0.1")).await.expect("get").status(), 200);
    assert_eq!(
        get(Some("203.0.113.9")).await.expect("get").status(),
        404,
        "from the internet"
    );
    assert_eq!(
        get(Some("10.1.2.3")).await.expect("get").status(),
        404,
        "from the office network"
    );
}

/// With an `https` base URL every response carries HSTS (a setting, on by default); with plain
/// HTTP, or with the setting off, none does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_base_url_sends_hsts_unless_turned_off() {
    let https = TestApp::spawn_configured(Backend::Sqlite, false, |c| {
        c.base_url = "https://izin.example.go.id".into()
    })
    .await;
    for path in ["/", "/healthz", "/tidak-ada"] {
        let r = https.api().get(https.url(path)).send().await.expect("get");
        assert_eq!(
            r.headers()
                .get("strict-transport-security")
                .and_then(|v| v.to_str().ok()),
            Some("max-age=31536000"),
            "{path}"
        );
    }
    let off = TestApp::spawn_configured(Backend::Sqlite, false, |c| {
        c.base_url = "https://izin.example.go.id".into();
        c.hsts = false;
    })
    .await;
    let r = off.api().get(off.url("/")).send().await.expect("get");
    assert!(r.headers().get("strict-transport-security").is_none());
    let plain = TestApp::spawn(Backend::Sqlite).await;
    let r = plain.api().get(plain.url("/")).send().await.expect("get");
    assert!(r.headers().get("strict-transport-security").is_none());
}

/// A body over the limit is refused over the API in the API's own shape and in Bahasa
/// Indonesia, as the pages do (issue 20: it was the framework's English text).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_api_body_is_refused_in_indonesian() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (_, token) = quick_applicant(&app.state, "5104010903970031", "besar@example.com").await;
    let r = app
        .api()
        .post(app.url("/api/v1/documents?filename=besar.pdf&label=Besar"))
        .bearer_auth(&token)
        .header("content-type", "application/octet-stream")
        .body(vec![b'%'; 11 * 1024 * 1024])
        .send()
        .await
        .expect("post");
    let r = reply(r).await;
    assert_eq!(r.status, 413, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "too_large", "{}", r.body);
    assert!(r.body.contains("terlalu besar"), "{}", r.body);
}
