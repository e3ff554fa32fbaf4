//! The pages of Tugas Saya as the database last gave them, so that officers refreshing the
//! same desk share one query.
//!
//! A desk is read far more often than it changes: every officer of a desk refreshes it between
//! files, and a backlog of thousands only moves when someone acts. An entry is used only while
//! both hold:
//!
//! - **this server has not changed the office's files since** — every service call that moves
//!   a file onto, off or along a desk, or claims one, bumps the office's generation *after* its
//!   transaction commits ([`DeskCache::changed`]); a reader takes the generation *before* its
//!   query, so a page read before a commit can never be stored as current after it;
//! - **it is younger than [`DESK_CACHE_TTL`]** — what another server behind the same database
//!   (or the `izinkes` CLI) changed shows within that time.
//!
//! Only the rows and the count are kept; what depends on the officer or the clock (remaining
//! working days, whose claim is still valid, "claimed by me") is worked out on every request.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long a cached desk page is trusted when this server has not changed the office since.
pub const DESK_CACHE_TTL: Duration = Duration::from_secs(2);

/// Most pages kept (every filter and page number is its own entry; a page of 50 rows is about
/// 20 KiB, so at most about 20 MiB); past this the oldest half is dropped.
const MAX_PAGES: usize = 1024;

struct Entry<V> {
    at: Instant,
    generation: u64,
    value: Arc<V>,
}

/// Cached values of type `V` per key, invalidated per office.
pub struct DeskCache<V> {
    generations: RwLock<HashMap<String, u64>>,
    pages: RwLock<HashMap<String, Entry<V>>>,
    /// Pages served from the cache and read from the database, since start.
    hits: AtomicU64,
    reads: AtomicU64,
}

impl<V> Default for DeskCache<V> {
    fn default() -> Self {
        DeskCache {
            generations: RwLock::new(HashMap::new()),
            pages: RwLock::new(HashMap::new()),
            hits: AtomicU64::new(0),
            reads: AtomicU64::new(0),
        }
    }
}

impl<V> DeskCache<V> {
    /// The office's current generation: take it before reading the database.
    pub fn generation(&self, office_id: &str) -> u64 {
        self.generations
            .read()
            .ok()
            .and_then(|g| g.get(office_id).copied())
            .unwrap_or(0)
    }

    /// Marks every cached page of the office stale. Call after the change has committed.
    pub fn changed(&self, office_id: &str) {
        if let Ok(mut g) = self.generations.write() {
            *g.entry(office_id.to_string()).or_insert(0) += 1;
        }
    }

    /// The cached value for `key`, if this server has not changed the office since it was read
    /// and it is younger than [`DESK_CACHE_TTL`].
    pub fn get(&self, office_id: &str, key: &str) -> Option<Arc<V>> {
        let current = self.generation(office_id);
        let found = self.pages.read().ok().and_then(|pages| {
            let e = pages.get(key)?;
            (e.generation == current && e.at.elapsed() < DESK_CACHE_TTL).then(|| e.value.clone())
        });
        let counter = if found.is_some() { &self.hits } else { &self.reads };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// (pages served from the cache, pages read from the database) since start.
    pub fn counts(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.reads.load(Ordering::Relaxed))
    }

    /// Keeps a value read from the database at `generation` (taken before the read).
    pub fn put(&self, key: String, generation: u64, value: Arc<V>) {
        let Ok(mut pages) = self.pages.write() else { return };
        if pages.len() >= MAX_PAGES && !pages.contains_key(&key) {
            let mut ages: Vec<Instant> = pages.values().map(|e| e.at).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() / 2];
            pages.retain(|_, e| e.at > cut);
        }
        pages.insert(
            key,
            Entry {
                at: Instant::now(),
                generation,
                value,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_of_the_office_after_the_read_makes_the_page_stale() {
        let c: DeskCache<u32> = DeskCache::default();
        let g = c.generation("a");
        c.put("a|fo".into(), g, Arc::new(1));
        assert_eq!(c.get("a", "a|fo").as_deref(), Some(&1));
        // Another office's change leaves it alone.
        c.changed("b");
        assert_eq!(c.get("a", "a|fo").as_deref(), Some(&1));
        c.changed("a");
        assert_eq!(c.get("a", "a|fo"), None);
        assert_eq!(c.counts(), (2, 1));
    }

    #[test]
    fn a_page_read_before_a_commit_is_never_current_after_it() {
        let c: DeskCache<u32> = DeskCache::default();
        // The reader takes the generation, the writer commits and bumps, the reader stores.
        let g = c.generation("a");
        c.changed("a");
        c.put("a|fo".into(), g, Arc::new(1));
        assert_eq!(c.get("a", "a|fo"), None);
        // Read again after the change: current.
        let g = c.generation("a");
        c.put("a|fo".into(), g, Arc::new(2));
        assert_eq!(c.get("a", "a|fo").as_deref(), Some(&2));
    }

    #[test]
    fn the_map_stays_bounded() {
        let c: DeskCache<usize> = DeskCache::default();
        for i in 0..(MAX_PAGES * 3) {
            c.put(format!("k{i}"), 0, Arc::new(i));
        }
        let n = c.pages.read().map(|p| p.len()).unwrap_or(usize::MAX);
        assert!(n <= MAX_PAGES, "{n} pages kept");
        assert_eq!(
            c.get("", &format!("k{}", MAX_PAGES * 3 - 1)).as_deref(),
            Some(&(MAX_PAGES * 3 - 1))
        );
    }
}
