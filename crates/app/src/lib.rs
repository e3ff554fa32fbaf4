//! The izinkes service: web pages and JSON API, services, storage and the background worker.
//!
//! One folder per area (accounts, auth, catalog, applications, library, desks, permits,
//! office_admin, survey), each with its services, queries, pages and API handlers; `platform`
//! for infrastructure that knows no area; `web` for what handlers are written with; `http` for
//! the router, which alone sees every area. The pure rules are in the `izinkes-domain` crate,
//! documents and signing in `izinkes-documents`.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod applications;
pub mod auth;
pub mod catalog;
pub mod complaints;
pub mod demo;
pub mod desks;
pub mod http;
pub mod library;
pub mod messages;
pub mod notifications;
pub mod office_admin;
pub mod permits;
pub mod platform;
pub mod state;
pub mod survey;
pub mod web;

use platform::config::Config;
use platform::db::Db;
use platform::files::ObjectStore;
use platform::{error, outbox};
use state::AppState;
use std::net::SocketAddr;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Db(#[from] platform::db::DbError),
    #[error("data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error("{0}")]
    Mail(#[from] outbox::MailError),
    #[error("gateway: {0}")]
    Gateway(String),
    #[error("{0}")]
    Service(#[from] error::ServiceError),
    #[error("listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
}

/// Opens storage, runs migrations and imports the bundled catalog (a new version only).
pub async fn open(config: Config) -> Result<AppState, StartError> {
    std::fs::create_dir_all(&config.data_dir).map_err(|source| StartError::DataDir {
        path: config.data_dir.display().to_string(),
        source,
    })?;
    let db = Db::connect_with(&config.database_url(), config.db_max_connections).await?;
    db.migrate().await?;
    let store = match &config.s3 {
        Some(s3) => {
            let store = ObjectStore::s3(s3).map_err(error::ServiceError::from)?;
            // Not fatal: the bucket may come up later; /readyz reports it until then.
            if let Err(e) = store.check().await {
                tracing::warn!(bucket = %s3.bucket, error = %e, "object store not reachable yet");
            }
            store
        }
        None => ObjectStore::local(config.data_dir.join("objects")),
    };
    let state = AppState::new(db, store, config);
    catalog::service::import_catalog(&state, &izinkes_domain::catalog::Catalog::builtin()).await?;
    office_admin::calendar::seed_national(&state).await?;
    Ok(state)
}

/// Serves until the process is stopped; the outbox worker runs beside the web server.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> Result<(), StartError> {
    let mailer = outbox::Mailer::from_config(state.config.smtp_url.as_deref(), &state.config.mail_from)?;
    let gateways = platform::gateways::Gateways::from_config(&state.config.gateways).map_err(StartError::Gateway)?;
    tokio::spawn(outbox::run_worker(
        state.db.clone(),
        outbox::Senders { mailer, gateways },
        state.outbox_wake.clone(),
        state.config.worker_interval_ms,
    ));
    tokio::spawn(run_clock(state.clone()));
    let app = http::router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|source| StartError::Listen {
            addr: SocketAddr::from(([0, 0, 0, 0], 0)),
            source,
        })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// The desks' clock: escalations and automatic approval, once a minute; expiry reminders
/// (idempotent per permit and threshold), the officers' daily digest (once per office and day)
/// and the expiry of old failed logins on the same tick.
async fn run_clock(state: AppState) {
    loop {
        logged("desk clock", desks::clock::tick(&state).await);
        logged("complaint clock", complaints::clock::tick(&state).await);
        logged("officer digest", notifications::digest::tick(&state).await);
        logged("expiry reminders", permits::expiry::remind_expiring(&state).await);
        logged("expire login failures", auth::throttle::expire_failures(&state).await);
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    }
}

/// A background task's failure goes to the log; the next tick tries again.
fn logged<T>(task: &str, result: Result<T, platform::error::ServiceError>) {
    if let Err(e) = result {
        tracing::error!(error = %e, task, "background task failed");
    }
}
