//! The SQL of sign-in: credentials, sessions (the per-request resolve is one query) and the
//! officers' second factor, and the failed sign-ins that throttling counts.

use crate::platform::db::Backend;
use sqlx::Any;
use sqlx::Executor;
use sqlx::any::AnyQueryResult;

/// The password row of a sign-in; `gate` is NULL when the account may not sign in yet (an
/// unconfirmed applicant, an inactive officer).
#[derive(sqlx::FromRow)]
pub struct CredentialRow {
    pub id: String,
    pub password_hash: String,
    pub gate: Option<String>,
    pub office_id: Option<String>,
}

/// A session with its person's name (NULL when the person is gone or inactive) and, for an
/// officer, the role codes joined with commas.
#[derive(sqlx::FromRow)]
pub struct SessionRow {
    pub kind: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub office_id: Option<String>,
    pub last_seen_at: String,
    pub expires_at: String,
    pub mfa_pending: i64,
    pub name: Option<String>,
    pub roles: Option<String>,
}

#[derive(sqlx::FromRow)]
pub struct OfficerMfaRow {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub totp_secret: Option<String>,
    pub totp_enabled_at: Option<String>,
}

pub struct NewSession<'a> {
    pub id_hash: &'a str,
    pub kind: &'a str,
    pub subject_kind: &'a str,
    pub subject_id: &'a str,
    pub office_id: Option<&'a str>,
    pub now: &'a str,
    pub expires_at: &'a str,
}

/// An officer's web session (pending its second factor, or promoted after it).
pub struct NewOfficerSession<'a> {
    pub id_hash: &'a str,
    pub officer_id: &'a str,
    pub office_id: Option<&'a str>,
    pub now: &'a str,
    pub expires_at: &'a str,
}

pub async fn applicant_credentials(
    db: impl Executor<'_, Database = Any>,
    email: &str,
) -> Result<Option<CredentialRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, password_hash, email_verified_at AS gate, NULL AS office_id FROM applicants WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(db)
    .await
}

pub async fn officer_credentials(
    db: impl Executor<'_, Database = Any>,
    email: &str,
) -> Result<Option<CredentialRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, password_hash, CASE WHEN active = 1 THEN 'ok' ELSE NULL END AS gate, office_id FROM officers WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(db)
    .await
}

pub async fn insert_session(db: impl Executor<'_, Database = Any>, s: &NewSession<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, kind, subject_kind, subject_id, office_id, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
    )
    .bind(s.id_hash)
    .bind(s.kind)
    .bind(s.subject_kind)
    .bind(s.subject_id)
    .bind(s.office_id)
    .bind(s.now)
    .bind(s.expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// The session of a token hash, its person and roles, in one query (it runs on every request).
pub async fn session(
    db: impl Executor<'_, Database = Any>,
    backend: Backend,
    id_hash: &str,
) -> Result<Option<SessionRow>, sqlx::Error> {
    let roles_of = match backend {
        Backend::Sqlite => "(SELECT group_concat(r.role, ',') FROM officer_roles r WHERE r.officer_id = o.id)",
        Backend::Postgres => "(SELECT string_agg(r.role, ',') FROM officer_roles r WHERE r.officer_id = o.id)",
    };
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT s.kind, s.subject_kind, s.subject_id, s.office_id, s.last_seen_at, s.expires_at, s.mfa_pending, \
                COALESCE(a.full_name, o.full_name) AS name, {roles_of} AS roles \
         FROM sessions s \
         LEFT JOIN applicants a ON s.subject_kind = 'applicant' AND a.id = s.subject_id \
         LEFT JOIN officers o ON s.subject_kind = 'officer' AND o.id = s.subject_id AND o.active = 1 \
         WHERE s.id_hash = $1"
    )))
    .bind(id_hash)
    .fetch_optional(db)
    .await
}

pub async fn delete_session(db: impl Executor<'_, Database = Any>, id_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn touch_session(
    db: impl Executor<'_, Database = Any>,
    now: &str,
    expires_at: &str,
    id_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3")
        .bind(now)
        .bind(expires_at)
        .bind(id_hash)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn officer_mfa(
    db: impl Executor<'_, Database = Any>,
    officer_id: &str,
) -> Result<Option<OfficerMfaRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, email, full_name, totp_secret, totp_enabled_at FROM officers WHERE id = $1")
        .bind(officer_id)
        .fetch_optional(db)
        .await
}

pub async fn officer_role_codes(
    db: impl Executor<'_, Database = Any>,
    officer_id: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar::<_, String>("SELECT role FROM officer_roles WHERE officer_id = $1")
        .bind(officer_id)
        .fetch_all(db)
        .await
}

pub async fn recovery_codes_left(db: impl Executor<'_, Database = Any>, officer_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM officer_recovery_codes WHERE officer_id = $1 AND used_at IS NULL")
        .bind(officer_id)
        .fetch_one(db)
        .await
}

/// Takes a TOTP time step once: of two requests with the same code, one changes the row.
pub async fn take_totp_step(
    db: impl Executor<'_, Database = Any>,
    step: i64,
    officer_id: &str,
) -> Result<AnyQueryResult, sqlx::Error> {
    sqlx::query(
        "UPDATE officers SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(officer_id)
    .execute(db)
    .await
}

pub async fn spend_recovery_code(
    db: impl Executor<'_, Database = Any>,
    now: &str,
    officer_id: &str,
    code_hash: &str,
) -> Result<AnyQueryResult, sqlx::Error> {
    sqlx::query(
        "UPDATE officer_recovery_codes SET used_at = $1 WHERE officer_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(officer_id)
    .bind(code_hash)
    .execute(db)
    .await
}

pub async fn insert_pending_session(
    db: impl Executor<'_, Database = Any>,
    s: &NewOfficerSession<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, kind, subject_kind, subject_id, office_id, created_at, last_seen_at, expires_at, mfa_pending) \
         VALUES ($1, 'web', 'officer', $2, $3, $4, $4, $5, 1)",
    )
    .bind(s.id_hash)
    .bind(s.officer_id)
    .bind(s.office_id)
    .bind(s.now)
    .bind(s.expires_at)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn delete_pending_session(
    db: impl Executor<'_, Database = Any>,
    id_hash: &str,
) -> Result<AnyQueryResult, sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1 AND mfa_pending = 1")
        .bind(id_hash)
        .execute(db)
        .await
}

pub async fn insert_full_officer_session(
    db: impl Executor<'_, Database = Any>,
    s: &NewOfficerSession<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, kind, subject_kind, subject_id, office_id, created_at, last_seen_at, expires_at, mfa_pending) \
         VALUES ($1, 'web', 'officer', $2, $3, $4, $4, $5, 0)",
    )
    .bind(s.id_hash)
    .bind(s.officer_id)
    .bind(s.office_id)
    .bind(s.now)
    .bind(s.expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets the failed logins of one throttle key.
pub async fn clear_failures(db: impl Executor<'_, Database = Any>, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE key = $1")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

/// Stores a secret being enrolled (not yet confirmed).
pub async fn set_enrolling_secret(
    db: impl Executor<'_, Database = Any>,
    secret: &str,
    officer_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE officers SET totp_secret = $1, totp_last_step = NULL WHERE id = $2 AND totp_enabled_at IS NULL",
    )
    .bind(secret)
    .bind(officer_id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn delete_recovery_codes(db: impl Executor<'_, Database = Any>, officer_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM officer_recovery_codes WHERE officer_id = $1")
        .bind(officer_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn insert_recovery_code(
    db: impl Executor<'_, Database = Any>,
    officer_id: &str,
    code_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO officer_recovery_codes (officer_id, code_hash, used_at) VALUES ($1, $2, NULL)")
        .bind(officer_id)
        .bind(code_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Turns TOTP on when the secret is still the one being enrolled.
pub async fn enable_totp(
    db: impl Executor<'_, Database = Any>,
    now: &str,
    step: i64,
    officer_id: &str,
    secret: &str,
) -> Result<AnyQueryResult, sqlx::Error> {
    sqlx::query(
        "UPDATE officers SET totp_enabled_at = $1, totp_last_step = $2 WHERE id = $3 AND totp_secret = $4 AND totp_enabled_at IS NULL",
    )
    .bind(now)
    .bind(step)
    .bind(officer_id)
    .bind(secret)
    .execute(db)
    .await
}

pub async fn clear_totp(db: impl Executor<'_, Database = Any>, officer_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE officers SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1")
        .bind(officer_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn officer_id_by_email(
    db: impl Executor<'_, Database = Any>,
    email: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM officers WHERE email = $1")
        .bind(email)
        .fetch_optional(db)
        .await
}

pub async fn delete_officer_sessions(
    db: impl Executor<'_, Database = Any>,
    officer_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE subject_kind = 'officer' AND subject_id = $1")
        .bind(officer_id)
        .execute(db)
        .await?;
    Ok(())
}

/// The failures of one throttle key inside the window: how many, and the oldest.
#[derive(sqlx::FromRow)]
pub struct RecentFailures {
    pub n: i64,
    pub first: Option<String>,
}

pub async fn recent_failures(
    db: impl Executor<'_, Database = Any>,
    key: &str,
    since: &str,
) -> Result<RecentFailures, sqlx::Error> {
    sqlx::query_as("SELECT COUNT(*) AS n, MIN(at) AS first FROM login_failures WHERE key = $1 AND at > $2")
        .bind(key)
        .bind(since)
        .fetch_one(db)
        .await
}

pub async fn insert_failure(db: impl Executor<'_, Database = Any>, key: &str, at: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
        .bind(key)
        .bind(at)
        .execute(db)
        .await?;
    Ok(())
}

/// Forgets an account's failures after it signed in.
pub async fn delete_failures_of(db: impl Executor<'_, Database = Any>, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE key = $1")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

/// Deletes the failures at or before `before` (the `login_failures_at` index finds them).
pub async fn delete_failures_before(
    db: impl Executor<'_, Database = Any>,
    before: &str,
) -> Result<AnyQueryResult, sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE at <= $1")
        .bind(before)
        .execute(db)
        .await
}

/// The password hash, address and name of an applicant or officer account.
#[derive(sqlx::FromRow)]
pub struct PasswordOwner {
    pub password_hash: String,
    pub email: String,
    pub full_name: String,
}

pub async fn applicant_password(
    db: impl Executor<'_, Database = Any>,
    id: &str,
) -> Result<Option<PasswordOwner>, sqlx::Error> {
    sqlx::query_as("SELECT password_hash, email, full_name FROM applicants WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn officer_password(
    db: impl Executor<'_, Database = Any>,
    id: &str,
) -> Result<Option<PasswordOwner>, sqlx::Error> {
    sqlx::query_as("SELECT password_hash, email, full_name FROM officers WHERE id = $1 AND active = 1")
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn set_applicant_password(
    db: impl Executor<'_, Database = Any>,
    id: &str,
    hash: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE applicants SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn set_officer_password(
    db: impl Executor<'_, Database = Any>,
    id: &str,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE officers SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Ends every session of a subject except the one with `keep_hash`.
pub async fn delete_other_sessions(
    db: impl Executor<'_, Database = Any>,
    subject_kind: &str,
    subject_id: &str,
    keep_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE subject_kind = $1 AND subject_id = $2 AND id_hash <> $3")
        .bind(subject_kind)
        .bind(subject_id)
        .bind(keep_hash)
        .execute(db)
        .await?;
    Ok(())
}
