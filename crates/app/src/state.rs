//! Shared service state, cloned into every handler.

use crate::config::Config;
use crate::db::Db;
use crate::error::{ServiceError, ServiceResult};
use crate::files::ObjectStore;
use izinkes_domain::calendar::WorkingCalendar;
use izinkes_domain::catalog::Catalog;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub store: ObjectStore,
    pub config: Arc<Config>,
    pub outbox_wake: Arc<Notify>,
    catalogs: Arc<RwLock<HashMap<i64, Arc<Catalog>>>>,
    calendars: Arc<RwLock<HashMap<String, CachedCalendar>>>,
}

/// An office calendar and when it was loaded.
type CachedCalendar = (Instant, Arc<WorkingCalendar>);

/// How long a cached office calendar is trusted (another server may have changed it).
const CALENDAR_TTL: Duration = Duration::from_secs(60);

impl AppState {
    pub fn new(db: Db, store: ObjectStore, config: Config) -> AppState {
        AppState {
            db,
            store,
            config: Arc::new(config),
            outbox_wake: Arc::new(Notify::new()),
            catalogs: Arc::new(RwLock::new(HashMap::new())),
            calendars: Arc::new(RwLock::new(HashMap::new())),
        }
    }

    /// Wakes the outbox worker after a transaction that queued messages has committed.
    pub fn wake_outbox(&self) {
        self.outbox_wake.notify_one();
    }

    /// The newest imported catalog version.
    pub async fn current_catalog(&self) -> ServiceResult<(i64, Arc<Catalog>)> {
        let version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM catalog_versions")
            .fetch_one(&self.db.pool)
            .await?;
        let version = version.ok_or_else(|| ServiceError::Internal("no catalog imported".into()))?;
        Ok((version, self.catalog(version).await?))
    }

    /// A catalog version, cached: versions are immutable once imported.
    pub async fn catalog(&self, version: i64) -> ServiceResult<Arc<Catalog>> {
        if let Some(c) = self.catalogs.read().ok().and_then(|m| m.get(&version).cloned()) {
            return Ok(c);
        }
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM catalog_versions WHERE version = $1")
            .bind(version)
            .fetch_optional(&self.db.pool)
            .await?;
        let body = body.ok_or(ServiceError::NotFound)?;
        let catalog =
            Arc::new(Catalog::from_json(&body).map_err(|e| ServiceError::Internal(format!("catalog {version}: {e}")))?);
        if let Ok(mut m) = self.catalogs.write() {
            m.insert(version, catalog.clone());
        }
        Ok(catalog)
    }

    pub fn cached_calendar(&self, office_id: &str) -> Option<Arc<WorkingCalendar>> {
        let map = self.calendars.read().ok()?;
        let (at, cal) = map.get(office_id)?;
        (at.elapsed() < CALENDAR_TTL).then(|| cal.clone())
    }

    pub fn cache_calendar(&self, office_id: &str, cal: Arc<WorkingCalendar>) {
        if let Ok(mut m) = self.calendars.write() {
            m.insert(office_id.to_string(), (Instant::now(), cal));
        }
    }

    pub fn forget_calendar(&self, office_id: &str) {
        if let Ok(mut m) = self.calendars.write() {
            m.remove(office_id);
        }
    }
}
