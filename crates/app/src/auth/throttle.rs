//! Login throttling in the database: failed attempts per account and per client address in a
//! sliding window.

use crate::auth::sessions::SubjectKind;
use crate::platform::db::now_text;
use crate::platform::db::parse_ts;
use crate::platform::db::ts;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use chrono::Duration;
use chrono::Utc;
use sqlx::Row;

/// Failed logins per account within the window before the account is paused.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;

/// Failed logins per client address within the window.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;

/// The sliding window of every count kept in `login_failures` (logins, second factors and the
/// public tracking page): the longest, so rows older than it count for nothing.
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

pub(crate) async fn throttle_check(state: &AppState, keys: &[(String, i64)]) -> ServiceResult<()> {
    let since = ts(Utc::now() - Duration::minutes(THROTTLE_WINDOW_MINUTES));
    for (key, limit) in keys {
        let row = sqlx::query("SELECT COUNT(*) AS n, MIN(at) AS first FROM login_failures WHERE key = $1 AND at > $2")
            .bind(key)
            .bind(&since)
            .fetch_one(&state.db.pool)
            .await?;
        let n: i64 = row.try_get("n")?;
        if n >= *limit {
            let first = crate::platform::db::opt_text(&row, "first")?
                .and_then(|s| parse_ts(&s))
                .unwrap_or_else(Utc::now);
            let wait = (first + Duration::minutes(THROTTLE_WINDOW_MINUTES) - Utc::now())
                .num_minutes()
                .max(0)
                + 1;
            return Err(ServiceError::Throttled(format!(
                "Terlalu banyak percobaan masuk yang gagal. Demi keamanan akun, coba lagi dalam {wait} menit \
                 atau gunakan Lupa Kata Sandi."
            )));
        }
    }
    Ok(())
}

pub(crate) async fn record_failure(state: &AppState, keys: &[(String, i64)]) -> ServiceResult<()> {
    let now = now_text();
    for (key, _) in keys {
        sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(&now)
            .execute(&state.db.pool)
            .await?;
    }
    Ok(())
}

pub(crate) async fn clear_account_failures(state: &AppState, keys: &[(String, i64)]) -> ServiceResult<()> {
    if let Some((key, _)) = keys.first() {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&state.db.pool)
            .await?;
    }
    Ok(())
}

pub(crate) fn officer_keys(email: &str, client: &str) -> Vec<(String, i64)> {
    vec![
        (
            format!("{}:{}", SubjectKind::Officer.code(), email),
            MAX_FAILURES_PER_ACCOUNT,
        ),
        (format!("addr:{client}"), MAX_FAILURES_PER_ADDRESS),
    ]
}

/// Deletes the failures older than the throttle window, which no count reads any more; the
/// desks' clock calls it every minute, so the table holds about one window of failures even
/// under a long guessing attack. Cheap: the `login_failures_at` index finds the old rows.
pub async fn expire_failures(state: &AppState) -> ServiceResult<u64> {
    let before = ts(Utc::now() - Duration::minutes(THROTTLE_WINDOW_MINUTES));
    let done = sqlx::query("DELETE FROM login_failures WHERE at <= $1")
        .bind(&before)
        .execute(&state.db.pool)
        .await?;
    Ok(done.rows_affected())
}
