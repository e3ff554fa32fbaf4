//! The S3-compatible object store against a real S3 server: moto's (`pip install 'moto[server]'`),
//! started on a free port for each test. Without `moto_server` on PATH these tests say so and
//! pass, unless IZINKES_REQUIRE_S3_TEST=1 (CI), where a missing server fails them.

use crate::support::Browser;
use izinkes_app::demo;
use izinkes_app::platform::config::Config;
use izinkes_app::platform::config::S3Config;
use izinkes_app::platform::files::ObjectStore;
use izinkes_app::platform::files::StoreError;
use reqwest::redirect::Policy;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BUCKET: &str = "izinkes-berkas";
const PASSWORD: &str = "Rahasia-Praktik-2026";

/// A moto S3 server, stopped when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    /// Starts `moto_server` on a free port and waits until it answers; `None` (the test is
    /// skipped) when the command is not installed and the test is not required.
    async fn start() -> Option<Moto> {
        let required = std::env::var("IZINKES_REQUIRE_S3_TEST").is_ok_and(|v| !v.is_empty() && v != "0");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let spawned = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match spawned {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if required {
                    panic!(
                        "IZINKES_REQUIRE_S3_TEST is set but `moto_server` is not on PATH (pip install 'moto[server]')"
                    );
                }
                eprintln!(
                    "SKIPPED: S3 object-store test needs `moto_server` on PATH (pip install 'moto[server]'); set IZINKES_REQUIRE_S3_TEST=1 to make this a failure"
                );
                return None;
            }
            Err(e) => panic!("cannot start moto_server: {e}"),
        };
        let mut moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if let Some(status) = moto.child.try_wait().expect("moto status") {
                panic!("moto_server exited early: {status}");
            }
            if client.get(format!("{}/", moto.endpoint)).send().await.is_ok() {
                return Some(moto);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("moto_server did not answer on {} within 30 s", moto.endpoint);
    }

    /// Creates a bucket (moto takes unsigned requests; object_store cannot create buckets).
    async fn create_bucket(&self, bucket: &str) {
        let r = reqwest::Client::new()
            .put(format!("{}/{bucket}", self.endpoint))
            .send()
            .await
            .expect("create bucket");
        assert!(
            r.status().is_success(),
            "create bucket: {} {}",
            r.status(),
            r.text().await.unwrap_or_default()
        );
    }

    /// The keys in a bucket (ListObjectsV2, one page is plenty here).
    async fn keys(&self, bucket: &str) -> String {
        let r = reqwest::Client::new()
            .get(format!("{}/{bucket}?list-type=2", self.endpoint))
            .send()
            .await
            .expect("list");
        assert!(r.status().is_success(), "list bucket: {}", r.status());
        r.text().await.expect("list body")
    }

    fn config(&self, bucket: &str) -> S3Config {
        let mut s3 = S3Config::new(Some(self.endpoint.clone()), bucket);
        s3.access_key = Some("testing".into());
        s3.secret_key = Some("testing".into());
        s3
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_objects_are_missing_and_puts_are_idempotent() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    moto.create_bucket(BUCKET).await;
    let store = ObjectStore::s3(&moto.config(BUCKET)).expect("s3 store");
    store.check().await.expect("bucket answers");

    let missing = "0".repeat(64);
    assert!(matches!(store.get(&missing).await, Err(StoreError::Missing(sha)) if sha == missing));
    assert!(matches!(store.get("../x").await, Err(StoreError::Missing(_))));

    let a = store.put(b"hello").await.expect("put");
    let b = store.put(b"hello").await.expect("put again");
    assert_eq!(a, b);
    assert_eq!(a, izinkes_app::platform::ids::sha256_hex(b"hello"));
    assert_eq!(store.get(&a).await.expect("get"), b"hello");
    let keys = moto.keys(BUCKET).await;
    assert_eq!(keys.matches(&ObjectStore::key_for(&a)).count(), 1, "{keys}");

    // A bucket that does not exist, and a server that is gone, are reported by `check`.
    let nowhere = ObjectStore::s3(&moto.config("tidak-ada")).expect("s3 store");
    assert!(matches!(nowhere.check().await, Err(StoreError::Remote(_))));
    let endpoint = moto.endpoint.clone();
    drop(moto);
    let mut gone = S3Config::new(Some(endpoint), BUCKET);
    gone.access_key = Some("testing".into());
    gone.secret_key = Some("testing".into());
    let gone = ObjectStore::s3(&gone).expect("s3 store");
    assert!(matches!(gone.check().await, Err(StoreError::Remote(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploaded_files_live_in_the_bucket() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    moto.create_bucket(BUCKET).await;

    // The real server, configured for S3 the way the CLI does it.
    let dir = tempfile::tempdir().expect("tempdir");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let mut config = Config::for_tests(dir.path().to_path_buf(), None);
    config.base_url = format!("http://127.0.0.1:{port}");
    config.worker_interval_ms = 100;
    config.s3 = Some(moto.config(BUCKET));
    let state = izinkes_app::open(config).await.expect("open");
    assert!(matches!(state.store, ObjectStore::S3 { .. }));
    tokio::spawn(izinkes_app::serve(state.clone(), listener));
    let base = format!("http://127.0.0.1:{port}");
    let b = Browser {
        client: reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client"),
        base: base.clone(),
    };
    assert_eq!(b.get("/readyz").await.status, 200);

    // A verified applicant, logged in through the page.
    let email = "ayu.s3@example.com";
    let applicant = izinkes_app::accounts::registration::register(
        &state,
        &izinkes_app::accounts::registration::RegisterInput {
            full_name: "Ni Made Ayu".into(),
            identity_type: "KTP".into(),
            identity_number: "5104010903970004".into(),
            phone: "081234567890".into(),
            address: "Jl. Ngurah Rai No. 5".into(),
            village_code: "51.01.03.2004".into(),
            email: email.into(),
            password: PASSWORD.into(),
            password_confirm: PASSWORD.into(),
            consent: true,
        },
    )
    .await
    .expect("register");
    sqlx::query("UPDATE applicants SET email_verified_at = '2026-01-01T00:00:00.000000Z' WHERE id = $1")
        .bind(&applicant)
        .execute(&state.db.pool)
        .await
        .expect("verify");
    let r = b.post("/masuk", &[("email", email), ("password", PASSWORD)]).await;
    assert_eq!(r.status, 303, "{}", r.body);

    // Upload to Manajer Berkas, read it back through the page.
    let pdf = demo::samples::pdf("KTP di S3");
    let r = b
        .upload("/berkas", "file", "ktp.pdf", pdf.clone(), &[("title", "KTP")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let docs = izinkes_app::library::service::list(&state, &applicant)
        .await
        .expect("list");
    let ktp = docs.iter().find(|d| d.title == "KTP").expect("ktp in library");
    let got = b
        .client
        .get(format!("{base}/berkas/{}", ktp.id))
        .send()
        .await
        .expect("download");
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(got.bytes().await.expect("bytes").as_ref(), pdf.as_slice());

    // The bytes are in the bucket under their hash, and not on the local disk.
    let sha = izinkes_app::platform::ids::sha256_hex(&pdf);
    let keys = moto.keys(BUCKET).await;
    assert!(
        keys.contains(&format!("objects/{}/{sha}", &sha[..2])),
        "{sha} not in {keys}"
    );
    assert!(
        !dir.path().join("objects").exists(),
        "files must not be written locally when S3 is configured"
    );

    // Without the server, /readyz says so.
    drop(moto);
    assert_eq!(b.get("/readyz").await.status, 503);
}
