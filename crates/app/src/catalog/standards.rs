//! Which Standar Pelayanan an office serves each permit type on: its newest published version,
//! or the catalog's values until it publishes one; and the version an application was submitted
//! under. Publishing is the office admin's (`crate::office_admin::standards`).

use crate::catalog::queries;
use crate::catalog::queries::StandardRow;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use izinkes_domain::catalog::PermitType;
use izinkes_domain::standard::ServiceStandard;
use std::collections::HashMap;
use std::sync::Arc;

/// An office's newest published standards by permit code.
pub type OfficeStandards = Arc<HashMap<String, Arc<PublishedStandard>>>;

/// One published version of an office's standard for a permit type.
#[derive(Clone, Debug)]
pub struct PublishedStandard {
    pub id: String,
    pub permit_code: String,
    pub version: i64,
    pub published_at: String,
    /// Who published it (the officer's name, or the instance's command line).
    pub published_by: Option<String>,
    pub standard: ServiceStandard,
}

impl TryFrom<StandardRow> for PublishedStandard {
    type Error = ServiceError;

    fn try_from(r: StandardRow) -> ServiceResult<PublishedStandard> {
        Ok(PublishedStandard {
            standard: serde_json::from_str(&r.body)?,
            id: r.id,
            permit_code: r.permit_code,
            version: r.version,
            published_at: r.published_at,
            published_by: r.published_by,
        })
    }
}

/// The standard a type is served on, and where it comes from.
#[derive(Clone, Debug)]
pub struct InForce {
    /// The published version; `None`: the catalog's values.
    pub published: Option<Arc<PublishedStandard>>,
    pub standard: Arc<ServiceStandard>,
}

impl InForce {
    fn catalog(permit: &PermitType) -> InForce {
        InForce {
            published: None,
            standard: Arc::new(ServiceStandard::from_catalog(permit)),
        }
    }

    fn published(p: Arc<PublishedStandard>) -> InForce {
        InForce {
            standard: Arc::new(p.standard.clone()),
            published: Some(p),
        }
    }

    pub fn id(&self) -> Option<&str> {
        self.published.as_ref().map(|p| p.id.as_str())
    }
}

/// The office's newest published standards by permit code (cached; publishing forgets them).
pub async fn office_standards(state: &AppState, office_id: &str) -> ServiceResult<OfficeStandards> {
    if let Some(s) = state.standards.get(office_id) {
        return Ok(s);
    }
    let mut map = HashMap::new();
    for row in queries::current_standards(&state.db.pool, office_id).await? {
        let p = PublishedStandard::try_from(row)?;
        map.insert(p.permit_code.clone(), Arc::new(p));
    }
    let map = Arc::new(map);
    state.standards.put(office_id, map.clone());
    Ok(map)
}

/// What new applications of `permit` at the office are served on.
pub async fn in_force(state: &AppState, office_id: &str, permit: &PermitType) -> ServiceResult<InForce> {
    Ok(match office_standards(state, office_id).await?.get(&permit.code) {
        Some(p) => InForce::published(p.clone()),
        None => InForce::catalog(permit),
    })
}

/// A published version by id (versions never change, so the cache is only bounded by time).
pub async fn by_id(state: &AppState, id: &str) -> ServiceResult<Arc<PublishedStandard>> {
    if let Some(p) = state.standard_versions.get(id) {
        return Ok(p);
    }
    let row = queries::standard(&state.db.pool, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let p = Arc::new(PublishedStandard::try_from(row)?);
    state.standard_versions.put(id, p.clone());
    Ok(p)
}

/// The standard an application is served on: the version it was submitted under; a draft, what
/// the office offers today; a file submitted before offices published standards, the catalog's.
pub async fn of_application(
    state: &AppState,
    office_id: &str,
    standard_id: Option<&str>,
    submitted: bool,
    permit: &PermitType,
) -> ServiceResult<InForce> {
    match standard_id {
        Some(id) => Ok(InForce::published(by_id(state, id).await?)),
        None if submitted => Ok(InForce::catalog(permit)),
        None => in_force(state, office_id, permit).await,
    }
}

/// Every published version of the type's standard at the office, newest first.
pub async fn versions(state: &AppState, office_id: &str, permit_code: &str) -> ServiceResult<Vec<PublishedStandard>> {
    queries::standard_versions(&state.db.pool, office_id, permit_code)
        .await?
        .into_iter()
        .map(PublishedStandard::try_from)
        .collect()
}
