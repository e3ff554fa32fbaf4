//! Which permit types an office offers, and the import of the bundled catalog as a new version.

use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::sha256_hex;
use crate::state::AppState;
use izinkes_domain::catalog::Catalog;
use izinkes_domain::catalog::PermitType;
use std::collections::HashSet;

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
