//! Runtime configuration, filled by the CLI (clap, with environment variables).

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Config {
    /// Where the embedded database and the local object store live.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; `None` means the embedded SQLite file in `data_dir`.
    pub database_url: Option<String>,
    /// Size of the connection pool; `None` means `db::default_pool_size` for this machine.
    pub db_max_connections: Option<u32>,
    pub listen: SocketAddr,
    /// Public base URL used in links sent by email (verification, password reset).
    pub base_url: String,
    /// `smtp://host:port`, `smtps://user:pass@host` …; `None` sends mail to the dev mailbox.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Demo mode shows the development mailbox page and the demo logins.
    pub demo: bool,
    /// How often the outbox worker looks for due messages.
    pub worker_interval_ms: u64,
    /// Password of the offices' PKCS#12 signing certificates imported with `izinkes signer --p12`
    /// (kept out of the database).
    pub signer_p12_password: Option<String>,
    /// Uploaded files go to this S3-compatible bucket; `None` keeps them under `data_dir/objects`.
    pub s3: Option<S3Config>,
}

/// An S3-compatible object store (AWS S3, MinIO, Ceph RGW, Garage, moto …), addressed
/// path-style (`{endpoint}/{bucket}/{key}`) so servers without wildcard DNS work.
#[derive(Clone)]
pub struct S3Config {
    /// Base URL such as `http://127.0.0.1:9000`; `None` means AWS itself (`s3.{region}.amazonaws.com`).
    pub endpoint: Option<String>,
    pub bucket: String,
    /// Signing region; S3-compatible servers usually accept `us-east-1`.
    pub region: String,
    /// Static credentials; without them the usual AWS chain applies (web identity, instance metadata).
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    /// Allow a plain `http://` endpoint (local or in-cluster servers).
    pub allow_http: bool,
}

impl S3Config {
    pub const DEFAULT_REGION: &str = "us-east-1";

    /// A bucket on an S3-compatible server at `endpoint`; plain HTTP is allowed when the
    /// endpoint says `http://`.
    pub fn new(endpoint: Option<String>, bucket: impl Into<String>) -> S3Config {
        let allow_http = endpoint.as_deref().is_some_and(|e| e.starts_with("http://"));
        S3Config {
            endpoint,
            bucket: bucket.into(),
            region: Self::DEFAULT_REGION.into(),
            access_key: None,
            secret_key: None,
            allow_http,
        }
    }
}

/// The secret key never reaches a log line.
impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key", &self.access_key)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "<redacted>"))
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

impl Config {
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("izinkes.db").display()),
        }
    }

    pub fn uses_embedded_db(&self) -> bool {
        self.database_url.is_none()
    }

    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    pub fn for_tests(data_dir: PathBuf, database_url: Option<String>) -> Config {
        Config {
            data_dir,
            database_url,
            db_max_connections: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            base_url: "http://127.0.0.1".into(),
            smtp_url: None,
            mail_from: "izinkes <noreply@izinkes.local>".into(),
            demo: false,
            worker_interval_ms: 200,
            signer_p12_password: None,
            s3: None,
        }
    }
}
