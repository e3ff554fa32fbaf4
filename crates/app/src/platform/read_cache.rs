//! What the database last said, kept for a moment, so that requests asking the same thing share
//! one read: the pages of Tugas Saya (officers refreshing the same desk) and resolved sessions
//! (every signed-in request).
//!
//! A value is used only while both hold:
//!
//! - **this server has not changed its group since** — every service call that changes what
//!   the values of a group say (an office's files at its desks; sessions) bumps the group's
//!   generation *after* its transaction commits ([`ReadCache::changed`]); a reader takes the
//!   generation *before* its query, so a value read before a commit can never be stored as
//!   current after it;
//! - **it is younger than the cache's lifetime** — what another server behind the same
//!   database (or the `izinkes` CLI) changed shows within that time.
//!
//! Desk pages keep only the rows and the count; what depends on the officer or the clock
//! (remaining working days, whose claim is still valid, "claimed by me") is worked out on every
//! request. Sessions are checked against the clock (expiry, idle limit) on every use.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::RwLock;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering;
use std::time::Duration;
use std::time::Instant;

/// How long a cached desk page is trusted when this server has not changed the office since.
pub const DESK_CACHE_TTL: Duration = Duration::from_secs(2);

/// Most desk pages kept (every filter and page number is its own entry; a page of 50 rows is
/// about 20 KiB, so at most about 20 MiB).
pub const MAX_DESK_PAGES: usize = 1024;

struct Entry<V> {
    at: Instant,
    generation: u64,
    value: Arc<V>,
}

/// Cached values of type `V` per key, invalidated per group; past `max_entries` the oldest half
/// is dropped.
pub struct ReadCache<V> {
    ttl: Duration,
    max_entries: usize,
    generations: RwLock<HashMap<String, u64>>,
    pages: RwLock<HashMap<String, Entry<V>>>,
    /// Pages served from the cache and read from the database, since start.
    hits: AtomicU64,
    reads: AtomicU64,
}

impl<V> ReadCache<V> {
    pub fn new(ttl: Duration, max_entries: usize) -> Self {
        ReadCache {
            ttl,
            max_entries,
            generations: RwLock::new(HashMap::new()),
            pages: RwLock::new(HashMap::new()),
            hits: AtomicU64::new(0),
            reads: AtomicU64::new(0),
        }
    }

    /// The group's current generation: take it before reading the database.
    pub fn generation(&self, group: &str) -> u64 {
        self.generations
            .read()
            .ok()
            .and_then(|g| g.get(group).copied())
            .unwrap_or(0)
    }

    /// Marks every cached value of the group stale. Call after the change has committed.
    pub fn changed(&self, group: &str) {
        if let Ok(mut g) = self.generations.write() {
            *g.entry(group.to_string()).or_insert(0) += 1;
        }
    }

    /// The cached value for `key`, if this server has not changed the group since it was read
    /// and it is younger than the cache's lifetime.
    pub fn get(&self, group: &str, key: &str) -> Option<Arc<V>> {
        let current = self.generation(group);
        let found = self.pages.read().ok().and_then(|pages| {
            let e = pages.get(key)?;
            (e.generation == current && e.at.elapsed() < self.ttl).then(|| e.value.clone())
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
        if pages.len() >= self.max_entries && !pages.contains_key(&key) {
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
        let c: ReadCache<u32> = ReadCache::new(DESK_CACHE_TTL, MAX_DESK_PAGES);
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
        let c: ReadCache<u32> = ReadCache::new(DESK_CACHE_TTL, MAX_DESK_PAGES);
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
        let c: ReadCache<usize> = ReadCache::new(DESK_CACHE_TTL, MAX_DESK_PAGES);
        for i in 0..(MAX_DESK_PAGES * 3) {
            c.put(format!("k{i}"), 0, Arc::new(i));
        }
        let n = c.pages.read().map(|p| p.len()).unwrap_or(usize::MAX);
        assert!(n <= MAX_DESK_PAGES, "{n} pages kept");
        assert_eq!(
            c.get("", &format!("k{}", MAX_DESK_PAGES * 3 - 1)).as_deref(),
            Some(&(MAX_DESK_PAGES * 3 - 1))
        );
    }
}
