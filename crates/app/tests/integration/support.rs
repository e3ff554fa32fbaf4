//! Test support: the real server on a free port, on a fresh database per test (SQLite file or
//! a new PostgreSQL database), with a real SMTP sink receiving its mail.

use izinkes_app::platform::config::Config;
use reqwest::redirect::Policy;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server tests create their databases on.
pub fn pg_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Generates one test per backend: `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! dual_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::support::TestApp::spawn($crate::support::Backend::Sqlite).await;
                ($body)(app).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let app = $crate::support::TestApp::spawn($crate::support::Backend::Postgres).await;
                ($body)(app).await;
            }
        }
    };
}

/// A received email.
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: String,
    pub data: String,
}

/// A minimal SMTP server that accepts everything and keeps the messages.
#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    pub mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind smtp");
        let port = listener.local_addr().expect("addr").port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let store = mails.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let (r, mut w) = sock.into_split();
                    let mut lines = BufReader::new(r).lines();
                    let _ = w.write_all(b"220 sink ESMTP\r\n").await;
                    let mut to = String::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        let upper = line.to_ascii_uppercase();
                        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                            let _ = w.write_all(b"250-sink\r\n250 8BITMIME\r\n").await;
                        } else if upper.starts_with("RCPT TO:") {
                            to = line[8..].trim().trim_matches(|c| c == '<' || c == '>').to_string();
                            let _ = w.write_all(b"250 OK\r\n").await;
                        } else if upper.starts_with("DATA") {
                            let _ = w.write_all(b"354 go\r\n").await;
                            let mut data = String::new();
                            while let Ok(Some(l)) = lines.next_line().await {
                                if l == "." {
                                    break;
                                }
                                data.push_str(&l);
                                data.push('\n');
                            }
                            store.lock().expect("lock").push(Mail { to: to.clone(), data });
                            let _ = w.write_all(b"250 queued\r\n").await;
                        } else if upper.starts_with("QUIT") {
                            let _ = w.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            let _ = w.write_all(b"250 OK\r\n").await;
                        }
                    }
                });
            }
        });
        SmtpSink { port, mails }
    }

    /// Waits up to 10 s for a mail to `to` whose text contains `needle`.
    pub async fn wait_for(&self, to: &str, needle: &str) -> Mail {
        for _ in 0..200 {
            if let Some(m) = self
                .mails
                .lock()
                .expect("lock")
                .iter()
                .find(|m| m.to == to && m.data.contains(needle))
            {
                return m.clone();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "no mail to {to} containing {needle:?}; got {:?}",
            self.mails.lock().expect("lock")
        );
    }
}

/// Decodes quoted-printable soft breaks and `=3D` so links can be read from the raw message.
pub fn mail_text(raw: &str) -> String {
    let joined = raw.replace("=\n", "");
    let mut out = String::new();
    let mut chars = joined.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '=' {
            let a = chars.next();
            let b = chars.next();
            if let (Some(a), Some(b)) = (a, b)
                && let Ok(byte) = u8::from_str_radix(&format!("{a}{b}"), 16)
            {
                out.push(byte as char);
                continue;
            }
            out.push('=');
        } else {
            out.push(c);
        }
    }
    out
}

pub fn extract_link(mail: &Mail, path: &str) -> String {
    let text = mail_text(&mail.data);
    let start = text.find(path).unwrap_or_else(|| panic!("no {path} link in {text}"));
    let rest = &text[start..];
    rest.split_whitespace().next().expect("link").to_string()
}

pub struct TestApp {
    pub base: String,
    pub state: izinkes_app::state::AppState,
    pub smtp: SmtpSink,
    pub backend: Backend,
    _dir: tempfile::TempDir,
    pg_db: Option<String>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, false).await
    }

    pub async fn spawn_with(backend: Backend, demo: bool) -> TestApp {
        Self::spawn_configured(backend, demo, |_| {}).await
    }

    /// As `spawn_with`, with a last say on the configuration (`config.smtp_url` starts at the sink).
    pub async fn spawn_configured(backend: Backend, demo: bool, configure: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let smtp = SmtpSink::start().await;
        let (database_url, pg_db) = match backend {
            Backend::Sqlite => (None, None),
            Backend::Postgres => {
                let name = format!("izk_test_{}", izinkes_app::platform::ids::new_id());
                let admin = pg_admin_url();
                let db = izinkes_app::platform::db::Db::connect(&admin)
                    .await
                    .expect("TEST_DATABASE_URL: PostgreSQL must answer");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&db.pool)
                    .await
                    .expect("create db");
                db.pool.close().await;
                let url = match admin.rsplit_once('/') {
                    Some((server, _)) => format!("{server}/{name}"),
                    None => panic!("bad TEST_DATABASE_URL"),
                };
                (Some(url), Some(name))
            }
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let mut config = Config::for_tests(dir.path().to_path_buf(), database_url);
        config.base_url = format!("http://127.0.0.1:{port}");
        config.smtp_url = Some(format!("smtp://127.0.0.1:{}", smtp.port));
        config.demo = demo;
        config.worker_interval_ms = 100;
        config.signer_p12_password = Some("uji-sandi-p12".into());
        configure(&mut config);
        let state = izinkes_app::open(config).await.expect("open");
        if demo {
            izinkes_app::demo::load(&state).await.expect("demo");
        } else {
            seed_offices(&state).await;
        }
        let serve_state = state.clone();
        tokio::spawn(async move {
            let _ = izinkes_app::serve(serve_state, listener).await;
        });
        TestApp {
            base: format!("http://127.0.0.1:{port}"),
            state,
            smtp,
            backend,
            _dir: dir,
            pg_db,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A browser-like client: cookies kept, redirects not followed (tests look at them).
    pub fn browser(&self) -> Browser {
        Browser {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(Policy::none())
                .build()
                .expect("client"),
            base: self.base.clone(),
        }
    }

    pub fn api(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .expect("client")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(name) = self.pg_db.take() {
            let admin = pg_admin_url();
            // A plain thread with its own runtime: Drop cannot await.
            let _ = std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    rt.block_on(async move {
                        if let Ok(db) = izinkes_app::platform::db::Db::connect(&admin).await {
                            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            )))
                            .execute(&db.pool)
                            .await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

/// Two offices like the demo's, without the rest of the demo.
async fn seed_offices(state: &izinkes_app::state::AppState) {
    use izinkes_app::catalog::offices::NewOffice;
    use izinkes_app::catalog::offices::create;
    use izinkes_domain::calendar::OfficeTimeZone;
    for (id, code, name, regency, tz) in [
        (
            "jembrana",
            "JBR",
            "DPMPTSPTK Kabupaten Jembrana",
            "51.01",
            OfficeTimeZone::Wita,
        ),
        (
            "pontianak",
            "PTK",
            "DPMPTSP Kota Pontianak",
            "61.71",
            OfficeTimeZone::Wib,
        ),
    ] {
        create(
            state,
            &NewOffice {
                id,
                code,
                name,
                short_name: name,
                regency_code: regency,
                address: "Jl. Contoh No. 1",
                phone: "(0365) 41210",
                email: "layanan@contoh.go.id",
                website: "",
                service_hours: "Senin–Kamis 08.00–15.00, Jumat 08.00–11.00",
                timezone: tz,
            },
        )
        .await
        .expect("office");
    }
}

pub struct Response {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl Response {
    pub fn doc(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }
    /// Text of the first element matching the selector.
    pub fn text(&self, selector: &str) -> String {
        let doc = self.doc();
        let sel = scraper::Selector::parse(selector).expect("selector");
        doc.select(&sel)
            .next()
            .map(|e| e.text().collect::<String>())
            .unwrap_or_default()
    }
    /// The error message shown next to a field (`#e-{field}`).
    pub fn field_error(&self, field: &str) -> String {
        self.text(&format!("#e-{field}")).trim().to_string()
    }
    pub fn value_of(&self, field: &str) -> String {
        let doc = self.doc();
        let sel = scraper::Selector::parse(&format!("[name=\"{field}\"]")).expect("selector");
        doc.select(&sel)
            .next()
            .and_then(|e| e.value().attr("value").map(str::to_string))
            .unwrap_or_default()
    }
}

pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
}

impl Browser {
    pub async fn get(&self, path: &str) -> Response {
        let r = self
            .client
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .expect("get");
        to_response(r).await
    }

    /// The CSRF token the pages put in their forms.
    pub async fn csrf(&self) -> String {
        let page = self.get("/masuk").await;
        let token = page.value_of("_csrf");
        assert!(!token.is_empty(), "no csrf token on the login page");
        token
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf().await;
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("_csrf", &token));
        let r = self
            .client
            .post(format!("{}{}", self.base, path))
            .form(&form)
            .send()
            .await
            .expect("post");
        to_response(r).await
    }

    /// Posts without the CSRF token (to prove it is required).
    pub async fn post_without_csrf(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let r = self
            .client
            .post(format!("{}{}", self.base, path))
            .form(fields)
            .send()
            .await
            .expect("post");
        to_response(r).await
    }

    pub async fn upload(
        &self,
        path: &str,
        field: &str,
        filename: &str,
        bytes: Vec<u8>,
        extra: &[(&str, &str)],
    ) -> Response {
        let token = self.csrf().await;
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in extra {
            form = form.text(k.to_string(), v.to_string());
        }
        form = form.part(
            field.to_string(),
            reqwest::multipart::Part::bytes(bytes).file_name(filename.to_string()),
        );
        let url = format!("{}{}?_csrf={}", self.base, path, token);
        let r = self.client.post(url).multipart(form).send().await.expect("upload");
        to_response(r).await
    }
}

async fn to_response(r: reqwest::Response) -> Response {
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = r.text().await.unwrap_or_default();
    Response { status, location, body }
}

/// Asks `check` every 100 ms until it says yes; fails the test if that takes longer than
/// `limit` (what another server changed must show within a cache's lifetime).
pub async fn within<F, Fut>(limit: std::time::Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = std::time::Instant::now();
    while !check().await {
        assert!(started.elapsed() < limit, "{what}: not after {:?}", started.elapsed());
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
