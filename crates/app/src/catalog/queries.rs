//! The SQL of offices, the permit types they offer and the catalog versions.

use crate::catalog::offices::NewOffice;
use crate::catalog::offices::Office;
use sqlx::Any;
use sqlx::Executor;

#[derive(sqlx::FromRow)]
pub struct OfficeRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub regency_code: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub timezone: String,
    pub website: String,
    pub service_hours: String,
    pub disabled_at: Option<String>,
}

impl From<OfficeRow> for Office {
    fn from(r: OfficeRow) -> Office {
        Office {
            id: r.id,
            code: r.code,
            name: r.name,
            short_name: r.short_name,
            regency_code: r.regency_code,
            address: r.address,
            phone: r.phone,
            email: r.email,
            timezone: r.timezone,
            website: r.website,
            service_hours: r.service_hours,
            disabled: r.disabled_at.is_some(),
        }
    }
}

pub async fn offices(db: impl Executor<'_, Database = Any>) -> Result<Vec<OfficeRow>, sqlx::Error> {
    sqlx::query_as("SELECT * FROM offices ORDER BY name")
        .fetch_all(db)
        .await
}

pub async fn office(db: impl Executor<'_, Database = Any>, id: &str) -> Result<Option<OfficeRow>, sqlx::Error> {
    sqlx::query_as("SELECT * FROM offices WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn insert_office(
    db: impl Executor<'_, Database = Any>,
    o: &NewOffice<'_>,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO offices (id, code, name, short_name, regency_code, address, phone, email, timezone, created_at, \
         website, service_hours) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(o.id)
    .bind(o.code)
    .bind(o.name)
    .bind(o.short_name)
    .bind(o.regency_code)
    .bind(o.address)
    .bind(o.phone)
    .bind(o.email)
    .bind(o.timezone.label())
    .bind(now)
    .bind(o.website)
    .bind(o.service_hours)
    .execute(db)
    .await?;
    Ok(())
}

/// The permit codes an office has switched off.
pub async fn disabled_codes(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT permit_code FROM office_permit_types WHERE office_id = $1 AND enabled = 0")
        .bind(office_id)
        .fetch_all(db)
        .await
}

pub async fn set_enabled(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    code: &str,
    enabled: bool,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO office_permit_types (office_id, permit_code, enabled, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (office_id, permit_code) DO UPDATE SET enabled = $3, updated_at = $4",
    )
    .bind(office_id)
    .bind(code)
    .bind(i64::from(enabled))
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn catalog_sha256(
    db: impl Executor<'_, Database = Any>,
    version: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT sha256 FROM catalog_versions WHERE version = $1")
        .bind(version)
        .fetch_optional(db)
        .await
}

pub struct NewCatalogVersion<'a> {
    pub version: i64,
    pub published: &'a str,
    pub body: &'a str,
    pub sha256: &'a str,
    pub now: &'a str,
}

pub async fn insert_catalog_version(
    db: impl Executor<'_, Database = Any>,
    v: &NewCatalogVersion<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO catalog_versions (version, published, body, sha256, imported_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(v.version)
    .bind(v.published)
    .bind(v.body)
    .bind(v.sha256)
    .bind(v.now)
    .execute(db)
    .await?;
    Ok(())
}

/// The newest imported catalog version (None before the first import).
pub async fn newest_catalog_version(db: impl Executor<'_, Database = Any>) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MAX(version) FROM catalog_versions")
        .fetch_one(db)
        .await
}

pub async fn catalog_body(db: impl Executor<'_, Database = Any>, version: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT body FROM catalog_versions WHERE version = $1")
        .bind(version)
        .fetch_optional(db)
        .await
}

// ---------------------------------------------------------------------------------------------
// Service standards (Standar Pelayanan per office and permit type)

#[derive(sqlx::FromRow)]
pub struct StandardRow {
    pub id: String,
    pub permit_code: String,
    pub version: i64,
    pub body: String,
    pub published_at: String,
    pub published_by: Option<String>,
}

/// The newest standard of each permit type of the office.
pub async fn current_standards(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
) -> Result<Vec<StandardRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.permit_code, s.version, s.body, s.published_at, s.published_by FROM service_standards s \
         WHERE s.office_id = $1 AND s.version = (SELECT MAX(t.version) FROM service_standards t \
           WHERE t.office_id = s.office_id AND t.permit_code = s.permit_code) ORDER BY s.permit_code",
    )
    .bind(office_id)
    .fetch_all(db)
    .await
}

pub async fn standard(db: impl Executor<'_, Database = Any>, id: &str) -> Result<Option<StandardRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, permit_code, version, body, published_at, published_by FROM service_standards WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Every version of one permit type's standard at the office, newest first.
pub async fn standard_versions(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    permit_code: &str,
) -> Result<Vec<StandardRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, permit_code, version, body, published_at, published_by FROM service_standards \
         WHERE office_id = $1 AND permit_code = $2 ORDER BY version DESC",
    )
    .bind(office_id)
    .bind(permit_code)
    .fetch_all(db)
    .await
}

pub struct NewStandard<'a> {
    pub id: &'a str,
    pub office_id: &'a str,
    pub permit_code: &'a str,
    pub body: &'a str,
    pub published_at: &'a str,
    pub published_by: Option<&'a str>,
}

/// Inserts the next version; returns it. Two publishers at once: the unique key refuses one.
pub async fn insert_standard(tx: &mut crate::platform::db::Tx, s: &NewStandard<'_>) -> Result<i64, sqlx::Error> {
    let next: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM service_standards WHERE office_id = $1 AND permit_code = $2",
    )
    .bind(s.office_id)
    .bind(s.permit_code)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO service_standards (id, office_id, permit_code, version, body, published_at, published_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(s.id)
    .bind(s.office_id)
    .bind(s.permit_code)
    .bind(next)
    .bind(s.body)
    .bind(s.published_at)
    .bind(s.published_by)
    .execute(&mut **tx)
    .await?;
    Ok(next)
}

/// An office's own questions and answers, as written (`izinkes_domain::help`).
pub async fn office_help(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT faq FROM office_help WHERE office_id = $1")
        .bind(office_id)
        .fetch_optional(db)
        .await
}

pub async fn save_office_help(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    faq: &str,
    now: &str,
    by: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO office_help (office_id, faq, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (office_id) DO UPDATE SET faq = $2, updated_at = $3, updated_by = $4",
    )
    .bind(office_id)
    .bind(faq)
    .bind(now)
    .bind(by)
    .execute(db)
    .await?;
    Ok(())
}
