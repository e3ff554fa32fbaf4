//! Login throttling in the database: failed attempts per account and per client address in a
//! sliding window.

use crate::auth::queries;
use crate::auth::sessions::SubjectKind;
use crate::platform::db::now_text;
use crate::platform::db::parse_ts;
use crate::platform::db::ts;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use chrono::Duration;
use chrono::Utc;

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
        let recent = queries::recent_failures(&state.db.pool, key, &since).await?;
        if recent.n >= *limit {
            let first = recent.first.and_then(|s| parse_ts(&s)).unwrap_or_else(Utc::now);
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
        queries::insert_failure(&state.db.pool, key, &now).await?;
    }
    Ok(())
}

pub(crate) async fn clear_account_failures(state: &AppState, keys: &[(String, i64)]) -> ServiceResult<()> {
    if let Some((key, _)) = keys.first() {
        queries::delete_failures_of(&state.db.pool, key).await?;
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
    let done = queries::delete_failures_before(&state.db.pool, &before).await?;
    Ok(done.rows_affected())
}
