//! Offices (kantor DPMPTSP, the tenants) and the catalog they offer.

use crate::db::now_text;
use crate::error::{ServiceError, ServiceResult};
use crate::ids::sha256_hex;
use crate::state::AppState;
use izinkes_domain::calendar::OfficeTimeZone;
use izinkes_domain::catalog::{Catalog, PermitType};
use sqlx::Row;
use std::collections::HashSet;

#[derive(Clone, Debug, serde::Serialize)]
pub struct Office {
    pub id: String,
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub regency_code: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub timezone: String,
}

impl Office {
    pub fn tz(&self) -> OfficeTimeZone {
        self.timezone.parse().unwrap_or(OfficeTimeZone::Wib)
    }
}

fn office_from_row(r: &sqlx::any::AnyRow) -> Result<Office, sqlx::Error> {
    Ok(Office {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        short_name: r.try_get("short_name")?,
        regency_code: r.try_get("regency_code")?,
        address: r.try_get("address")?,
        phone: r.try_get("phone")?,
        email: r.try_get("email")?,
        timezone: r.try_get("timezone")?,
    })
}

/// Every office, by name (cached for [`crate::state::CACHE_TTL`]; creating an office forgets it).
pub async fn list(state: &AppState) -> ServiceResult<Vec<Office>> {
    if let Some(all) = state.office_list.get("") {
        return Ok(Vec::clone(&all));
    }
    let rows = sqlx::query("SELECT * FROM offices ORDER BY name")
        .fetch_all(&state.db.pool)
        .await?;
    let all: Vec<Office> = rows.iter().map(office_from_row).collect::<Result<_, _>>()?;
    state.office_list.put("", std::sync::Arc::new(all.clone()));
    Ok(all)
}

/// One office (cached for [`crate::state::CACHE_TTL`]: an office's row does not change after it is created).
pub async fn get(state: &AppState, id: &str) -> ServiceResult<Office> {
    if let Some(o) = state.offices.get(id) {
        return Ok(Office::clone(&o));
    }
    let row = sqlx::query("SELECT * FROM offices WHERE id = $1")
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let office = office_from_row(&row)?;
    state.offices.put(id, std::sync::Arc::new(office.clone()));
    Ok(office)
}

pub struct NewOffice<'a> {
    pub id: &'a str,
    pub code: &'a str,
    pub name: &'a str,
    pub short_name: &'a str,
    pub regency_code: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub timezone: OfficeTimeZone,
}

pub async fn create(state: &AppState, o: &NewOffice<'_>) -> ServiceResult<()> {
    let ok_id = !o.id.is_empty()
        && o.id.len() <= 40
        && o.id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let ok_code =
        (2..=8).contains(&o.code.len()) && o.code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !ok_id || !ok_code {
        return Err(ServiceError::Refused(
            "id kantor: huruf kecil/angka/tanda minus; kode: 2–8 huruf besar/angka".into(),
        ));
    }
    if izinkes_domain::wilayah::Wilayah::builtin()
        .get(o.regency_code)
        .is_none()
    {
        return Err(ServiceError::Refused(format!(
            "kode wilayah {} tidak dikenal",
            o.regency_code
        )));
    }
    sqlx::query(
        "INSERT INTO offices (id, code, name, short_name, regency_code, address, phone, email, timezone, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
    .bind(now_text())
    .execute(&state.db.pool)
    .await?;
    state.office_list.forget("");
    Ok(())
}

/// Permit types an office has switched off (all are on unless switched off).
async fn disabled_codes(state: &AppState, office_id: &str) -> ServiceResult<HashSet<String>> {
    let codes: Vec<String> =
        sqlx::query_scalar("SELECT permit_code FROM office_permit_types WHERE office_id = $1 AND enabled = 0")
            .bind(office_id)
            .fetch_all(&state.db.pool)
            .await?;
    Ok(codes.into_iter().collect())
}

pub async fn is_enabled(state: &AppState, office_id: &str, code: &str) -> ServiceResult<bool> {
    Ok(!disabled_codes(state, office_id).await?.contains(code))
}

/// The permit types an office offers from a catalog.
pub async fn offered<'c>(
    state: &AppState,
    office_id: &str,
    catalog: &'c Catalog,
) -> ServiceResult<Vec<&'c PermitType>> {
    let off = disabled_codes(state, office_id).await?;
    Ok(catalog.permit_types.iter().filter(|p| !off.contains(&p.code)).collect())
}

pub async fn set_enabled(state: &AppState, office_id: &str, code: &str, enabled: bool) -> ServiceResult<()> {
    sqlx::query(
        "INSERT INTO office_permit_types (office_id, permit_code, enabled, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (office_id, permit_code) DO UPDATE SET enabled = $3, updated_at = $4",
    )
    .bind(office_id)
    .bind(code)
    .bind(i64::from(enabled))
    .bind(now_text())
    .execute(&state.db.pool)
    .await?;
    Ok(())
}

/// Imports a catalog version. Importing the same version again with the same content is a
/// no-op; with other content it is refused (versions are immutable: running applications
/// keep the version they started on).
pub async fn import_catalog(state: &AppState, catalog: &Catalog) -> ServiceResult<bool> {
    let body = catalog.to_json_pretty();
    let sha = sha256_hex(body.as_bytes());
    let existing: Option<String> = sqlx::query_scalar("SELECT sha256 FROM catalog_versions WHERE version = $1")
        .bind(i64::from(catalog.version))
        .fetch_optional(&state.db.pool)
        .await?;
    match existing {
        Some(s) if s == sha => Ok(false),
        Some(_) => Err(ServiceError::Refused(format!(
            "Katalog versi {} sudah diimpor dengan isi yang berbeda; naikkan nomor versinya.",
            catalog.version
        ))),
        None => {
            sqlx::query("INSERT INTO catalog_versions (version, published, body, sha256, imported_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(i64::from(catalog.version))
                .bind(&catalog.published)
                .bind(&body)
                .bind(&sha)
                .bind(now_text())
                .execute(&state.db.pool)
                .await?;
            state.forget_catalog_version();
            Ok(true)
        }
    }
}
