//! Runtime configuration, filled by the CLI (clap, with environment variables).

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Config {
    /// Where the embedded database and the local object store live.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; `None` means the embedded SQLite file in `data_dir`.
    pub database_url: Option<String>,
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
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            base_url: "http://127.0.0.1".into(),
            smtp_url: None,
            mail_from: "izinkes <noreply@izinkes.local>".into(),
            demo: false,
            worker_interval_ms: 200,
        }
    }
}
