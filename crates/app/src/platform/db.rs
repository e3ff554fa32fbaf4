//! The database: one code path for SQLite (embedded default) and PostgreSQL (production).
//!
//! We use sqlx's `Any` driver with plain, portable SQL: `$1` placeholders (SQLite accepts them
//! too), TEXT ids, BIGINT numbers and flags, and UTC timestamps and dates written from Rust as
//! fixed-width text (docs/architecture.md says why). The migrations are in `migrations`.

use chrono::DateTime;
use chrono::NaiveDate;
use chrono::SecondsFormat;
use chrono::Utc;
use sqlx::AnyPool;
use sqlx::Row;
use sqlx::Transaction;
use sqlx::any::AnyPoolOptions;
use sqlx::any::AnyRow;
use std::time::Duration;

pub type Tx = Transaction<'static, sqlx::Any>;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("unsupported DATABASE_URL scheme (use sqlite:// or postgres://)")]
    UnsupportedUrl,
    #[error("migration {version} failed: {source}")]
    Migration { version: i64, source: sqlx::Error },
    #[error(
        "migration {migration} was edited after it was applied; a released migration is never changed: \
         restore its text and put the change in a new migration"
    )]
    EditedMigration { migration: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The SQL of a list read as one row: `(aggregate, array)` such that
    /// `CAST(aggregate(array(col, …) ORDER BY …) AS TEXT)` is a JSON array of the rows, each an
    /// array of its columns in order. sqlx hands every row of a result across the SQLite worker
    /// thread and converts every value of the `Any` driver one by one, which on the busiest lists
    /// cost more than the query (docs/benchmarks.md); one JSON text is one value.
    pub fn json_rows(self) -> (&'static str, &'static str) {
        match self {
            Backend::Sqlite => ("json_group_array", "json_array"),
            Backend::Postgres => ("json_agg", "json_build_array"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

/// How much of an SQLite database file is read through a memory map (address space, not
/// memory: the kernel's page cache holds the pages, shared by every connection).
pub const SQLITE_MMAP_BYTES: u64 = 1 << 30;

/// The PostgreSQL URL the pool connects with: as given, except that a server on this machine
/// (a loopback address or `localhost`) with no `sslmode` asked for, in the URL or `PGSSLMODE`,
/// is reached without TLS. The traffic never leaves the machine, and sqlx's default (`prefer`)
/// otherwise encrypts every statement both ways: measured with the load bench, a verification
/// page cost 337 µs of CPU of both processes over TLS and 241 µs without. An explicit
/// `sslmode` is always kept.
pub fn pg_url_for_connect(url: &str, sslmode_in_env: bool) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return url.to_string();
    };
    let asked = parsed
        .query_pairs()
        .any(|(k, _)| k == "sslmode" || k == "ssl-mode" || k == "host");
    let local = match parsed.host() {
        // A `postgres:` URL is not a special scheme: its IPv4 hosts come as text.
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if asked || sslmode_in_env || !local {
        return url.to_string();
    }
    parsed.query_pairs_mut().append_pair("sslmode", "disable");
    parsed.to_string()
}

/// The pool's size when the operator sets none. SQLite: 8 (readers run side by side, writers
/// queue for the one write lock). PostgreSQL: 4 per core of this machine, 4 to 32. Each request
/// holds a connection only while its statements run, and a server process per connection beyond
/// what the cores can run only adds switching: on 2 cores, with PostgreSQL on the same machine,
/// 8 connections served the verification page at 13,180 req/s (p99 8.7 ms) where 16 served
/// 11,220 (p99 13.1 ms), and submitted and forwarded faster too (docs/benchmarks.md). A database
/// on a bigger machine than the service's may want more: `DATABASE_MAX_CONNECTIONS`.
pub fn default_pool_size(backend: Backend, cores: usize) -> u32 {
    match backend {
        Backend::Sqlite => 8,
        Backend::Postgres => u32::try_from(cores.saturating_mul(4)).unwrap_or(u32::MAX).clamp(4, 32),
    }
}

impl Db {
    /// Connects with the default pool size for this machine.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        Self::connect_with(url, None).await
    }

    /// Connects with at most `max_connections` connections (`None`: `default_pool_size`).
    pub async fn connect_with(url: &str, max_connections: Option<u32>) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(DbError::UnsupportedUrl);
        };
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let options = AnyPoolOptions::new()
            .max_connections(
                max_connections
                    .unwrap_or_else(|| default_pool_size(backend, cores))
                    .max(1),
            )
            .acquire_timeout(Duration::from_secs(10));
        let options = if backend == Backend::Sqlite {
            options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // WAL lets readers run beside the one writer; NORMAL sync is durable in WAL
                    // mode against process crashes; the busy timeout makes writers queue.
                    sqlx::query("PRAGMA journal_mode = WAL").execute(&mut *conn).await?;
                    sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await?;
                    sqlx::query("PRAGMA busy_timeout = 10000").execute(&mut *conn).await?;
                    sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await?;
                    // Read the database file through a memory map: every commit makes the
                    // other connections drop their page caches, and re-reading each page with
                    // pread (a syscall and a 4 KiB copy) cost a signing about 600 reads. Writes
                    // still go through the WAL; only reads are mapped.
                    sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")))
                        .execute(&mut *conn)
                        .await?;
                    Ok(())
                })
            })
        } else {
            options
        };
        let url = match backend {
            Backend::Postgres => pg_url_for_connect(url, std::env::var_os("PGSSLMODE").is_some()),
            Backend::Sqlite => url.to_string(),
        };
        let pool = options.connect(&url).await?;
        Ok(Db { pool, backend })
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock up front
    /// (`BEGIN IMMEDIATE`), so two writers queue on the busy timeout instead of failing when a
    /// read lock cannot be upgraded.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Applies the migrations not applied yet, after refusing to start on one edited since it
    /// was applied (`platform::migrations`).
    pub async fn migrate(&self) -> Result<usize, DbError> {
        crate::platform::migrations::run(self).await
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ())
    }
}

/// The one timestamp format of the database: UTC, microseconds, `Z`; fixed width, so text
/// comparison is time comparison on both backends.
pub fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn now_text() -> String {
    ts(Utc::now())
}

pub fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|d| d.with_timezone(&Utc))
}

/// Reads a column as text, treating NULL as None.
pub fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>, sqlx::Error> {
    row.try_get::<Option<String>, _>(col)
}

/// True when the error is a unique-constraint violation (both backends).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || db.code().as_deref() == Some("23505")
                || db.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

/// The next value of a per-office counter, in the caller's transaction. Atomic on both
/// backends: the upsert takes the row lock (PostgreSQL) or runs under the write lock (SQLite),
/// so concurrent callers never see the same value and a rolled-back caller leaves no gap.
pub async fn next_counter(tx: &mut Tx, office_id: &str, name: &str, period: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO counters (office_id, name, period, value) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (office_id, name, period) DO UPDATE SET value = counters.value + 1 \
         RETURNING value",
    )
    .bind(office_id)
    .bind(name)
    .bind(period)
    .fetch_one(&mut **tx)
    .await
}

pub(crate) fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::pg_url_for_connect as f;
    use super::*;

    #[test]
    fn the_pool_grows_with_the_cores_within_bounds() {
        assert_eq!(default_pool_size(Backend::Sqlite, 2), 8);
        assert_eq!(default_pool_size(Backend::Sqlite, 64), 8);
        assert_eq!(default_pool_size(Backend::Postgres, 1), 4);
        assert_eq!(default_pool_size(Backend::Postgres, 2), 8);
        assert_eq!(default_pool_size(Backend::Postgres, 4), 16);
        assert_eq!(default_pool_size(Backend::Postgres, 64), 32);
    }

    #[test]
    fn timestamps_are_fixed_width_and_sort_as_text() {
        let a = ts(DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z").unwrap().into());
        let b = ts(DateTime::parse_from_rfc3339("2026-01-02T03:04:05.5Z").unwrap().into());
        assert_eq!(a.len(), b.len());
        assert!(a < b);
        assert_eq!(parse_ts(&a).map(ts), Some(a));
    }

    #[test]
    fn a_local_server_without_an_asked_sslmode_is_reached_without_tls() {
        for url in [
            "postgres://postgres@127.0.0.1:5432/izinkes",
            "postgres://u:p%40ss@localhost/izinkes",
            "postgresql://u@[::1]:5433/db",
        ] {
            let out = f(url, false);
            assert!(out.ends_with("?sslmode=disable"), "{url} -> {out}");
            assert!(out.starts_with(url), "the rest of the URL is kept: {out}");
        }
        assert_eq!(
            f("postgres://u@127.0.0.1/db?application_name=x", false),
            "postgres://u@127.0.0.1/db?application_name=x&sslmode=disable"
        );
    }

    #[test]
    fn an_asked_sslmode_or_a_remote_server_is_left_alone() {
        for url in [
            "postgres://u@127.0.0.1/db?sslmode=require",
            "postgres://u@localhost/db?ssl-mode=verify-full",
            "postgres://u@db.example.go.id/izinkes",
            "postgres://u@10.0.0.5:5432/izinkes",
            "postgres://u@/db?host=/var/run/postgresql",
            "not a url",
        ] {
            assert_eq!(f(url, false), url);
        }
        assert_eq!(f("postgres://u@127.0.0.1/db", true), "postgres://u@127.0.0.1/db");
    }
}
