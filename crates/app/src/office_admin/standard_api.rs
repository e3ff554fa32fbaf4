//! The office's Standar Pelayanan over the JSON API (officer token with the Admin role): every
//! offered type with the standard it is served on, one type's standard in force with its
//! versions, and publishing the next version.

use crate::catalog::api::StandardJson;
use crate::catalog::standards;
use crate::catalog::standards::PublishedStandard;
use crate::office_admin::staff::Actor;
use crate::office_admin::standards::StandardSummary;
use crate::office_admin::standards::publish;
use crate::office_admin::standards::summaries;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::api::{
    ApiError, ApiJson, ApiOfficer, ApiResult, BadRequest, Forbidden, Internal, Invalid, NotFound, Unauthenticated,
    created, ok,
};
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;

/// A published version.
#[derive(Serialize, ToSchema)]
pub(crate) struct StandardVersionJson {
    id: String,
    version: i64,
    published_at: String,
    published_by: Option<String>,
    standard: StandardJson,
}

impl From<&PublishedStandard> for StandardVersionJson {
    fn from(p: &PublishedStandard) -> StandardVersionJson {
        StandardVersionJson {
            id: p.id.clone(),
            version: p.version,
            published_at: p.published_at.clone(),
            published_by: p.published_by.clone(),
            standard: StandardJson::from(&p.standard),
        }
    }
}

/// One type's standard at the office.
#[derive(Serialize, ToSchema)]
pub(crate) struct StandardInForceJson {
    permit_code: String,
    /// 0: the catalog's values (nothing published yet).
    version: i64,
    standard: StandardJson,
    /// Every published version, newest first.
    versions: Vec<StandardVersionJson>,
}

/// Every type the caller's office offers with the standard it is served on
#[utoipa::path(get, path = "/api/v1/admin/standards", operation_id = "listAdminStandards", tag = "Admin",
    responses(
        (status = 200, description = "The offered types.", body = Vec<StandardSummary>),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn list_standards(State(state): State<AppState>, o: ApiOfficer) -> ApiResult {
    Ok(ok(summaries(&state, &o.0.office_id).await?))
}

async fn in_force_json(state: &AppState, office_id: &str, code: &str) -> Result<StandardInForceJson, ApiError> {
    let (_, catalog) = state.current_catalog().await?;
    let permit = catalog.get(code).ok_or(ServiceError::NotFound)?;
    if !crate::catalog::service::is_enabled(state, office_id, code).await? {
        return Err(ServiceError::NotFound.into());
    }
    let f = standards::in_force(state, office_id, permit).await?;
    Ok(StandardInForceJson {
        permit_code: code.to_string(),
        version: f.published.as_ref().map_or(0, |p| p.version),
        standard: StandardJson::from(f.standard.as_ref()),
        versions: standards::versions(state, office_id, code)
            .await?
            .iter()
            .map(StandardVersionJson::from)
            .collect(),
    })
}

/// One permit type's standard at the caller's office, with its versions
#[utoipa::path(get, path = "/api/v1/admin/standards/{code}", operation_id = "getAdminStandard", tag = "Admin",
    params(("code" = String, Path, description = "Permit type code, e.g. SIP-BDN.")),
    responses(
        (status = 200, description = "The standard in force.", body = StandardInForceJson),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn get_standard(State(state): State<AppState>, o: ApiOfficer, Path(code): Path<String>) -> ApiResult {
    Ok(ok(in_force_json(&state, &o.0.office_id, &code).await?))
}

/// Publish the next version of a permit type's standard
///
/// Refused with 422 and the field named when the SLA is out of range or above a national
/// maximum, the desks' days do not add up to it, a fee has no legal basis or the product is
/// empty. Files already submitted keep their version.
#[utoipa::path(post, path = "/api/v1/admin/standards/{code}", operation_id = "publishAdminStandard", tag = "Admin",
    params(("code" = String, Path, description = "Permit type code, e.g. SIP-BDN.")),
    request_body = StandardJson,
    responses(
        (status = 201, description = "The version published.", body = StandardVersionJson),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn publish_standard(
    State(state): State<AppState>,
    o: ApiOfficer,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<StandardJson>,
) -> ApiResult {
    let officer = &o.0;
    if !crate::catalog::service::is_enabled(&state, &officer.office_id, &code).await? {
        return Err(ServiceError::NotFound.into());
    }
    let p = publish(&state, &officer.office_id, Actor::Officer(officer), &code, b.into()).await?;
    Ok(created(StandardVersionJson::from(&p)))
}
