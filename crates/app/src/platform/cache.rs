//! Small caches of what almost every request reads and an admin rarely changes (an office, its
//! settings, its calendar), trusted for [`CACHE_TTL`].

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::Duration;
use std::time::Instant;

/// How long a cached office row, office setting, calendar or catalog version is trusted. This
/// server forgets an entry the moment it changes it; another server behind the same database
/// sees the change within this time.
pub const CACHE_TTL: Duration = Duration::from_secs(30);

/// A small map whose entries are trusted for [`CACHE_TTL`].
pub(crate) struct TtlMap<V> {
    map: RwLock<HashMap<String, (Instant, V)>>,
}

impl<V: Clone> TtlMap<V> {
    pub(crate) fn new() -> Self {
        TtlMap {
            map: RwLock::new(HashMap::new()),
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<V> {
        let map = self.map.read().ok()?;
        let (at, value) = map.get(key)?;
        (at.elapsed() < CACHE_TTL).then(|| value.clone())
    }

    pub(crate) fn put(&self, key: &str, value: V) {
        if let Ok(mut m) = self.map.write() {
            m.insert(key.to_string(), (Instant::now(), value));
        }
    }

    pub(crate) fn forget(&self, key: &str) {
        if let Ok(mut m) = self.map.write() {
            m.remove(key);
        }
    }

    pub(crate) fn clear(&self) {
        if let Ok(mut m) = self.map.write() {
            m.clear();
        }
    }
}
