//! The SQL of applicant and officer accounts: registration, confirmation and reset tokens, the
//! profile and photo, and officer creation.

use sqlx::Any;
use sqlx::Executor;

/// An applicant as the profile reads it.
#[derive(sqlx::FromRow)]
pub struct ApplicantRow {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub identity_type: String,
    pub identity_number: String,
    pub phone: String,
    pub address: String,
    pub village_code: String,
    pub profile: String,
    pub photo_sha256: Option<String>,
}

/// Who an e-mail is addressed to.
#[derive(sqlx::FromRow)]
pub struct IdName {
    pub id: String,
    pub full_name: String,
}

/// An existing account sharing the e-mail or the identity number being registered.
#[derive(sqlx::FromRow)]
pub struct TakenRow {
    pub email: String,
    pub identity_number: String,
}

pub struct NewApplicant<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub full_name: &'a str,
    pub identity_type: &'a str,
    pub identity_number: &'a str,
    pub phone: &'a str,
    pub address: &'a str,
    pub village_code: &'a str,
    pub now: &'a str,
}

pub struct NewOfficer<'a> {
    pub id: &'a str,
    pub office_id: &'a str,
    pub email: &'a str,
    pub full_name: &'a str,
    pub position: &'a str,
    pub password_hash: &'a str,
    pub now: &'a str,
}

pub async fn office_id(db: impl Executor<'_, Database = Any>, office_id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM offices WHERE id = $1")
        .bind(office_id)
        .fetch_optional(db)
        .await
}

pub async fn insert_officer(db: impl Executor<'_, Database = Any>, o: &NewOfficer<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO officers (id, office_id, email, full_name, position, password_hash, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7)",
    )
    .bind(o.id)
    .bind(o.office_id)
    .bind(o.email)
    .bind(o.full_name)
    .bind(o.position)
    .bind(o.password_hash)
    .bind(o.now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn insert_officer_role(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    officer_id: &str,
    role: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO officer_roles (office_id, officer_id, role, granted_at) \
         SELECT $1, $2, $3, created_at FROM officers WHERE id = $2",
    )
    .bind(office_id)
    .bind(officer_id)
    .bind(role)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn taken(
    db: impl Executor<'_, Database = Any>,
    email: &str,
    identity_number: &str,
) -> Result<Vec<TakenRow>, sqlx::Error> {
    sqlx::query_as("SELECT email, identity_number FROM applicants WHERE email = $1 OR identity_number = $2")
        .bind(email)
        .bind(identity_number)
        .fetch_all(db)
        .await
}

pub async fn insert_applicant(db: impl Executor<'_, Database = Any>, a: &NewApplicant<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO applicants (id, email, password_hash, full_name, identity_type, identity_number, phone, address, village_code, profile, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(a.id)
    .bind(a.email)
    .bind(a.password_hash)
    .bind(a.full_name)
    .bind(a.identity_type)
    .bind(a.identity_number)
    .bind(a.phone)
    .bind(a.address)
    .bind(a.village_code)
    .bind("{}")
    .bind(a.now)
    .bind(a.now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn insert_verify_token(
    db: impl Executor<'_, Database = Any>,
    token_hash: &str,
    applicant_id: &str,
    created_at: &str,
    expires_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO account_tokens (token_hash, applicant_id, purpose, created_at, expires_at) VALUES ($1, $2, 'verify', $3, $4)",
    )
    .bind(token_hash)
    .bind(applicant_id)
    .bind(created_at)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn insert_reset_token(
    db: impl Executor<'_, Database = Any>,
    token_hash: &str,
    applicant_id: &str,
    created_at: &str,
    expires_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO account_tokens (token_hash, applicant_id, purpose, created_at, expires_at) VALUES ($1, $2, 'reset', $3, $4)",
    )
    .bind(token_hash)
    .bind(applicant_id)
    .bind(created_at)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn unverified_by_email(
    db: impl Executor<'_, Database = Any>,
    email: &str,
) -> Result<Option<IdName>, sqlx::Error> {
    sqlx::query_as("SELECT id, full_name FROM applicants WHERE email = $1 AND email_verified_at IS NULL")
        .bind(email)
        .fetch_optional(db)
        .await
}

pub async fn applicant_by_email(
    db: impl Executor<'_, Database = Any>,
    email: &str,
) -> Result<Option<IdName>, sqlx::Error> {
    sqlx::query_as("SELECT id, full_name FROM applicants WHERE email = $1")
        .bind(email)
        .fetch_optional(db)
        .await
}

/// Marks an unused, unexpired token used; the applicant it was for.
pub async fn take_token(
    db: impl Executor<'_, Database = Any>,
    now: &str,
    token_hash: &str,
    purpose: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE account_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 RETURNING applicant_id",
    )
    .bind(now)
    .bind(token_hash)
    .bind(purpose)
    .fetch_optional(db)
    .await
}

pub async fn mark_verified(db: impl Executor<'_, Database = Any>, now: &str, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE applicants SET email_verified_at = $1 WHERE id = $2 AND email_verified_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn set_password(
    db: impl Executor<'_, Database = Any>,
    password_hash: &str,
    now: &str,
    id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE applicants SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(password_hash)
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn delete_applicant_sessions(db: impl Executor<'_, Database = Any>, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE subject_kind = 'applicant' AND subject_id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn verify_email_once(db: impl Executor<'_, Database = Any>, now: &str, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE applicants SET email_verified_at = COALESCE(email_verified_at, $1) WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn applicant(db: impl Executor<'_, Database = Any>, id: &str) -> Result<Option<ApplicantRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, email, full_name, identity_type, identity_number, phone, address, village_code, profile, photo_sha256 FROM applicants WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn set_profile(
    db: impl Executor<'_, Database = Any>,
    profile: &str,
    now: &str,
    id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE applicants SET profile = $1, updated_at = $2 WHERE id = $3")
        .bind(profile)
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn set_photo(
    db: impl Executor<'_, Database = Any>,
    sha256: &str,
    now: &str,
    id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE applicants SET photo_sha256 = $1, updated_at = $2 WHERE id = $3")
        .bind(sha256)
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}
