//! Which permit types an office offers, and the import of the bundled catalog as a new version.

use crate::catalog::queries;
use crate::catalog::queries::NewCatalogVersion;
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
    let codes = queries::disabled_codes(&state.db.pool, office_id).await?;
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
    queries::set_enabled(&state.db.pool, office_id, code, enabled, &now_text()).await?;
    Ok(())
}

/// Imports a catalog version. Importing the same version again with the same content is a
/// no-op; with other content it is refused (versions are immutable: running applications
/// keep the version they started on).
pub async fn import_catalog(state: &AppState, catalog: &Catalog) -> ServiceResult<bool> {
    let body = catalog.to_json_pretty();
    let sha = sha256_hex(body.as_bytes());
    let existing = queries::catalog_sha256(&state.db.pool, i64::from(catalog.version)).await?;
    match existing {
        Some(s) if s == sha => Ok(false),
        Some(_) => Err(ServiceError::Refused(format!(
            "Katalog versi {} sudah diimpor dengan isi yang berbeda; naikkan nomor versinya.",
            catalog.version
        ))),
        None => {
            let version = NewCatalogVersion {
                version: i64::from(catalog.version),
                published: &catalog.published,
                body: &body,
                sha256: &sha,
                now: &now_text(),
            };
            queries::insert_catalog_version(&state.db.pool, &version).await?;
            state.forget_catalog_version();
            Ok(true)
        }
    }
}
