//! Shared service state, cloned into every handler.

use crate::catalog::offices::Office;
use crate::office_admin::settings::OfficeSettings;
use crate::platform::cache::TtlMap;
use crate::platform::config::Config;
use crate::platform::db::Db;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::files::ObjectStore;
use crate::platform::read_cache::ReadCache;
use izinkes_domain::calendar::WorkingCalendar;
use izinkes_domain::catalog::Catalog;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::RwLock;
use tokio::sync::Notify;

/// The service's shared state: one `Arc`, so the clone every handler and extractor takes is one
/// reference count, not one per field.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub db: Db,
    pub store: ObjectStore,
    pub config: Arc<Config>,
    pub outbox_wake: Arc<Notify>,
    catalogs: Arc<RwLock<HashMap<i64, Arc<Catalog>>>>,
    /// Per office: what almost every request reads and an admin rarely changes.
    pub(crate) calendars: Arc<TtlMap<Arc<WorkingCalendar>>>,
    pub(crate) offices: Arc<TtlMap<Arc<Office>>>,
    /// Every office (one key).
    pub(crate) office_list: Arc<TtlMap<Arc<Vec<Office>>>>,
    pub(crate) settings: Arc<TtlMap<OfficeSettings>>,
    /// The newest catalog version (one key).
    catalog_version: Arc<TtlMap<i64>>,
    /// Per office: the parsed local signer and the hash of the stored material it came from.
    pub(crate) signers: Arc<TtlMap<(String, Arc<izinkes_documents::sign::LocalSigner>)>>,
    /// Per office: the letterhead and signing setup of its documents.
    pub(crate) office_docs: Arc<TtlMap<Arc<crate::permits::documents::OfficeDocs>>>,
    /// Per office and kind of document (`crate::permits::templates::in_force`): the source of the
    /// office's own template in force, `None` for the default.
    pub(crate) templates: Arc<TtlMap<Option<Arc<str>>>>,
    /// Pages of Tugas Saya, shared by the officers of a desk (`crate::read_cache`).
    pub(crate) desk_pages: Arc<ReadCache<crate::desks::tasks_sql::DeskRead>>,
    /// Resolved sessions by token hash (`crate::auth::sessions::resolve_any_session`).
    pub(crate) sessions: Arc<ReadCache<crate::auth::sessions::CachedSession>>,
    /// Per officer: the files at their desks with messages they have not read (`crate::messages`):
    /// the header's count and the only rows of Tugas Saya whose unread counts are looked up.
    pub(crate) unread_counts: Arc<TtlMap<Arc<Vec<String>>>>,
    /// Per applicant: unread office messages per application (`crate::messages`), for
    /// Permohonan Saya; dropped when a message is written on one of their threads or they read one.
    pub(crate) applicant_unread: Arc<TtlMap<Arc<HashMap<String, i64>>>>,
    /// Per office: its complaint channels and deadlines (`crate::complaints::settings`).
    pub(crate) complaint_settings: Arc<TtlMap<Arc<crate::complaints::settings::ComplaintSettings>>>,
    /// Per office: its newest published service standards by permit code (`crate::catalog::standards`).
    pub(crate) standards: Arc<TtlMap<crate::catalog::standards::OfficeStandards>>,
    /// Published standard versions by id (immutable).
    pub(crate) standard_versions: Arc<TtlMap<Arc<crate::catalog::standards::PublishedStandard>>>,
}

impl AppState {
    pub fn new(db: Db, store: ObjectStore, config: Config) -> AppState {
        AppState(Arc::new(Shared {
            db,
            store,
            config: Arc::new(config),
            outbox_wake: Arc::new(Notify::new()),
            catalogs: Arc::new(RwLock::new(HashMap::new())),
            calendars: Arc::new(TtlMap::new()),
            offices: Arc::new(TtlMap::new()),
            office_list: Arc::new(TtlMap::new()),
            settings: Arc::new(TtlMap::new()),
            catalog_version: Arc::new(TtlMap::new()),
            signers: Arc::new(TtlMap::new()),
            office_docs: Arc::new(TtlMap::new()),
            templates: Arc::new(TtlMap::new()),
            desk_pages: Arc::new(ReadCache::new(
                crate::platform::read_cache::DESK_CACHE_TTL,
                crate::platform::read_cache::MAX_DESK_PAGES,
            )),
            sessions: Arc::new(ReadCache::new(
                crate::auth::sessions::SESSION_CACHE_TTL,
                crate::auth::sessions::MAX_CACHED_SESSIONS,
            )),
            unread_counts: Arc::new(TtlMap::new()),
            applicant_unread: Arc::new(TtlMap::new()),
            complaint_settings: Arc::new(TtlMap::new()),
            standards: Arc::new(TtlMap::new()),
            standard_versions: Arc::new(TtlMap::new()),
        }))
    }

    /// The same storage with demo mode on or off, decided at start-up once the database says
    /// whether it holds the demo data (the caches start empty).
    pub fn with_demo(&self, demo: bool) -> AppState {
        let config = Config {
            demo,
            ..(*self.config).clone()
        };
        AppState::new(self.db.clone(), self.store.clone(), config)
    }

    /// Marks the office's cached desk pages stale: call after a transaction that moved, added
    /// or claimed files at its desks has committed.
    pub fn desks_changed(&self, office_id: &str) {
        self.desk_pages.changed(office_id);
        // A file that moved may bring unread messages to another desk.
        self.unread_counts.clear();
    }

    /// Tugas Saya pages (served from the shared read, read from the database) since start.
    pub fn desk_page_counts(&self) -> (u64, u64) {
        self.desk_pages.counts()
    }

    /// Wakes the outbox worker after a transaction that queued messages has committed.
    pub fn wake_outbox(&self) {
        self.outbox_wake.notify_one();
    }

    /// The newest imported catalog version.
    pub async fn current_catalog(&self) -> ServiceResult<(i64, Arc<Catalog>)> {
        let version = match self.catalog_version.get("") {
            Some(v) => v,
            None => {
                let version = crate::catalog::queries::newest_catalog_version(&self.db.pool).await?;
                let version = version.ok_or_else(|| ServiceError::Internal("no catalog imported".into()))?;
                self.catalog_version.put("", version);
                version
            }
        };
        Ok((version, self.catalog(version).await?))
    }

    /// Forgets the newest catalog version (after an import).
    pub fn forget_catalog_version(&self) {
        self.catalog_version.forget("");
    }

    /// A catalog version, cached: versions are immutable once imported.
    pub async fn catalog(&self, version: i64) -> ServiceResult<Arc<Catalog>> {
        if let Some(c) = self.catalogs.read().ok().and_then(|m| m.get(&version).cloned()) {
            return Ok(c);
        }
        let body = crate::catalog::queries::catalog_body(&self.db.pool, version).await?;
        let body = body.ok_or(ServiceError::NotFound)?;
        let catalog =
            Arc::new(Catalog::from_json(&body).map_err(|e| ServiceError::Internal(format!("catalog {version}: {e}")))?);
        if let Ok(mut m) = self.catalogs.write() {
            m.insert(version, catalog.clone());
        }
        Ok(catalog)
    }

    /// Forgets everything cached about an office (after this server changed its settings or calendar).
    pub fn forget_office(&self, office_id: &str) {
        self.signers.forget(office_id);
        self.office_docs.forget(office_id);
        for kind in crate::permits::templates::TemplateKind::ALL {
            self.templates
                .forget(&crate::permits::templates::template_key(office_id, kind));
        }
        self.calendars.forget(office_id);
        self.offices.forget(office_id);
        self.settings.forget(office_id);
        self.complaint_settings.forget(office_id);
        self.standards.forget(office_id);
    }
}
