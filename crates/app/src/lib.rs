//! The izinkes service: web pages and JSON API, services, storage and the background worker.
//! Layers: `web` → services (`accounts`, `applications`, `documents`, `offices`) → `db` /
//! `files`, with the pure rules in the `izinkes-domain` crate.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod applications;
pub mod config;
pub mod db;
pub mod demo;
pub mod documents;
pub mod error;
pub mod files;
pub mod ids;
pub mod offices;
pub mod outbox;
pub mod roles;
pub mod samples;
pub mod state;
pub mod web;

use config::Config;
use db::Db;
use files::ObjectStore;
use state::AppState;
use std::net::SocketAddr;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Db(#[from] db::DbError),
    #[error("data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error("{0}")]
    Mail(#[from] outbox::MailError),
    #[error("{0}")]
    Service(#[from] error::ServiceError),
    #[error("listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
}

/// Opens storage, runs migrations and imports the bundled catalog (a new version only).
pub async fn open(config: Config) -> Result<AppState, StartError> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|source| StartError::DataDir { path: config.data_dir.display().to_string(), source })?;
    let db = Db::connect(&config.database_url()).await?;
    db.migrate().await?;
    let store = ObjectStore::local(config.data_dir.join("objects"));
    let state = AppState::new(db, store, config);
    offices::import_catalog(&state, &izinkes_domain::catalog::Catalog::builtin()).await?;
    Ok(state)
}

/// Serves until the process is stopped; the outbox worker runs beside the web server.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> Result<(), StartError> {
    let mailer = outbox::Mailer::from_config(state.config.smtp_url.as_deref(), &state.config.mail_from)?;
    tokio::spawn(outbox::run_worker(
        state.db.clone(),
        mailer,
        state.outbox_wake.clone(),
        state.config.worker_interval_ms,
    ));
    let app = web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|source| StartError::Listen { addr: SocketAddr::from(([0, 0, 0, 0], 0)), source })
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
