//! Izin Saya over the API: the applicant's permits, their PDFs, renewal and change; and the
//! public verification of a permit as JSON.

use crate::applications;
use crate::applications::api::ApplicationBody;
use crate::applications::api::application_json;
use crate::permits::archive::PermitRow;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::api::ApiApplicant;
use crate::web::api::ApiJson;
use crate::web::api::ApiResult;
use crate::web::api::BadRequest;
use crate::web::api::FileBytes;
use crate::web::api::Forbidden;
use crate::web::api::Internal;
use crate::web::api::Invalid;
use crate::web::api::NotFound;
use crate::web::api::Unauthenticated;
use crate::web::api::created;
use crate::web::api::ok;
use crate::web::error::WebError;
use axum::extract::Path;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

/// The schemas of the permit statuses (the archive gives them as text).
#[allow(dead_code)]
pub(crate) mod schema {
    use utoipa::ToSchema;

    /// The status a person reads.
    #[derive(ToSchema)]
    pub(crate) enum PermitStatus {
        Aktif,
        Kedaluwarsa,
        Dicabut,
        Diganti,
        #[serde(rename = "Menunggu Tanda Tangan")]
        MenungguTandaTangan,
    }

    /// The status for machines.
    #[derive(ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub(crate) enum PermitStatusCode {
        Active,
        Expired,
        Revoked,
        Replaced,
        Pending,
    }
}

// --- Issued permits (Izin Saya) -------------------------------------------------------------------

/// An issued permit of the caller.
#[derive(Serialize, ToSchema)]
pub(crate) struct Permit {
    id: String,
    number: String,
    permit_code: String,
    holder_name: String,
    practice_place: String,
    practice_address: String,
    issued_on: Option<String>,
    valid_until: Option<String>,
    #[schema(value_type = schema::PermitStatus)]
    status: &'static str,
    #[schema(value_type = schema::PermitStatusCode)]
    status_code: &'static str,
    /// The permit that replaced this one (renewal or change).
    replaced_by: Option<String>,
    renewal_of: Option<String>,
    change_of: Option<String>,
    /// For a Surat Keputusan Pencabutan: the id of the permit it revoked.
    cancels_permit: Option<String>,
    /// SHA-256 of the signed PDF.
    document_sha256: Option<String>,
    /// The public verification page (the QR code's address).
    verify_url: String,
}

fn permit_json(state: &AppState, p: &PermitRow, today: chrono::NaiveDate) -> Permit {
    Permit {
        id: p.id.clone(),
        number: p.number.clone(),
        permit_code: p.permit_code.clone(),
        holder_name: p.holder_name.clone(),
        practice_place: p.practice_place.clone(),
        practice_address: p.practice_address.clone(),
        issued_on: p.issued_on.clone(),
        valid_until: p.valid_until.clone(),
        status: p.public_status(today),
        status_code: p.public_status_code(today),
        replaced_by: p.replaced_by.clone(),
        renewal_of: p.renewal_of.clone(),
        change_of: p.change_of.clone(),
        cancels_permit: p.cancels_permit.clone(),
        document_sha256: p.pdf_sha256.clone(),
        verify_url: format!("{}/v/{}", state.config.base_url.trim_end_matches('/'), p.token),
    }
}

/// The caller's permits.
#[derive(Serialize, ToSchema)]
pub(crate) struct PermitList {
    permits: Vec<Permit>,
}

/// The caller's issued permits (Izin Saya)
#[utoipa::path(get, path = "/api/v1/permits", operation_id = "listPermits", tag = "Permits",
    responses(
        (status = 200, description = "Active, expired, revoked and replaced permits, newest first.", body = PermitList),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn list_permits(State(state): State<AppState>, a: ApiApplicant) -> ApiResult {
    let rows = crate::permits::archive::for_applicant(&state, a.id()).await?;
    let mut permits = Vec::with_capacity(rows.len());
    for p in &rows {
        let office = crate::catalog::offices::get(&state, &p.office_id).await?;
        permits.push(permit_json(&state, p, crate::catalog::offices::today(&office)));
    }
    Ok(ok(PermitList { permits }))
}

/// The signed PDF of a permit
///
/// The digitally signed SK/SIP as issued (PAdES). Refused (422 `refused`) while the office
/// requires the satisfaction survey first.
#[utoipa::path(get, path = "/api/v1/permits/{id}/pdf", operation_id = "downloadPermit", tag = "Permits",
    params(("id" = String, Path, description = "The permit's id (from `GET /api/v1/permits`).")),
    responses(
        (status = 200, description = "The PDF.", body = FileBytes, content_type = "application/pdf"),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn permit_pdf(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    let (p, bytes) = crate::permits::archive::pdf_for(&state, &a.0.subject, &id).await?;
    if crate::survey::service::skm_gate(&state, &p.office_id).await?
        && !crate::survey::service::skm_done(&state, &p.application_id).await?
    {
        return Err(ServiceError::Refused(
            "Isi survei kepuasan masyarakat (SKM) dahulu; setelah itu izin dapat diunduh.".into(),
        )
        .into());
    }
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"izin-{}.pdf\"",
                    p.number.replace(['/', '"', '\\'], "-")
                ),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// Start a renewal (perpanjangan)
///
/// A new draft prefilled from the permit's application and its documents; complete and submit
/// it like any draft. On issue the new permit replaces this one. Refused (422 `refused`, naming
/// the date) before the type's renewal window opens: 90 days before the end unless the catalog
/// says otherwise (`renewal_window_days`).
#[utoipa::path(post, path = "/api/v1/permits/{id}/renew", operation_id = "renewPermit", tag = "Permits",
    params(("id" = String, Path, description = "The permit's id (from `GET /api/v1/permits`).")),
    responses(
        (status = 201, description = "The new draft.", body = ApplicationBody),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn renew_permit(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    let new_id = crate::permits::changes::renew(&state, a.id(), &id).await?;
    let v = applications::view::load_view(&state, a.id(), &new_id).await?;
    Ok(created(application_json(&v)))
}

/// Start a cancellation (pencabutan)
///
/// The holder asks the office to cancel an active permit (stopping practice there, moving away):
/// a draft of the office's cancellation type with Tahap 1 copied from the permit; answer its form
/// (reason, last day of practice), upload its documents and submit it like any draft. When the
/// Surat Keputusan Pencabutan is signed, the permit is revoked in the same step and its public
/// verification reads revoked. Asking again returns the same draft. Refused (422 `refused`)
/// when the permit is not active, another change, renewal or cancellation of it is filed, or the
/// office offers no cancellation for its type.
#[utoipa::path(post, path = "/api/v1/permits/{id}/cancel", operation_id = "cancelPermit", tag = "Permits",
    params(("id" = String, Path, description = "The permit's id (from `GET /api/v1/permits`).")),
    responses(
        (status = 201, description = "The cancellation draft.", body = ApplicationBody),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn cancel_permit(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    let new_id = crate::permits::cancellation::start(&state, a.id(), &id).await?;
    let v = applications::view::load_view(&state, a.id(), &new_id).await?;
    Ok(created(application_json(&v)))
}

/// The body of a change of data: what changes and why.
#[derive(serde::Deserialize, ToSchema)]
#[schema(as = ChangeRequest)]
pub(crate) struct ChangeBody {
    #[serde(default)]
    facility_name: String,
    #[serde(default)]
    location_address: String,
    #[serde(default)]
    location_village_code: String,
    /// The permit type's schedule answers, e.g. `{"hari_praktik": "Senin, Rabu", "waktu_praktik": "16:00-20:00"}`.
    #[serde(default)]
    schedule: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    reason: String,
}

/// Change the practice place or schedule (perubahan data)
///
/// Only for an active permit, one change at a time. The application is submitted at once with
/// the earlier documents (it stays a draft if the permit type now asks for more). On issue the
/// new permit replaces this one and keeps its end date. Field problems come back as 422
/// `invalid` keyed by field (`facility_name`, `location_address`, `location_village_code`, the
/// schedule keys, `reason`).
#[utoipa::path(post, path = "/api/v1/permits/{id}/change", operation_id = "changePermit", tag = "Permits",
    params(("id" = String, Path, description = "The permit's id (from `GET /api/v1/permits`).")),
    request_body = ChangeBody,
    responses(
        (status = 201, description = "The change application (status `submitted`, or `draft` when it needs more).", body = ApplicationBody),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn change_permit(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ChangeBody>,
) -> ApiResult {
    let input = crate::permits::changes::ChangeInput {
        facility_name: body.facility_name,
        location_address: body.location_address,
        location_village_code: body.location_village_code,
        schedule: body.schedule.into_iter().collect(),
        reason: body.reason,
    };
    let new_id = crate::permits::changes::start_change(&state, a.id(), &id, &input).await?;
    let v = applications::view::load_view(&state, a.id(), &new_id).await?;
    Ok(created(application_json(&v)))
}

// --- Public verification ----------------------------------------------------------------------

/// What anyone holding the QR code may read about a permit (hospitals, BPJS).
#[derive(Serialize, ToSchema)]
pub(crate) struct PublicVerification {
    number: String,
    /// The permit type's name.
    permit_type: String,
    permit_code: String,
    holder_name: String,
    /// The holder's NIK with most digits hidden.
    nik_masked: String,
    practice_place: String,
    practice_address: String,
    issued_on: Option<String>,
    valid_until: Option<String>,
    signer: Option<String>,
    signer_position: Option<String>,
    /// The issuing office.
    office: String,
    /// SHA-256 of the signed PDF: a copy is genuine when its hash is this.
    document_sha256: Option<String>,
    #[schema(value_type = schema::PermitStatus)]
    status: &'static str,
    #[schema(value_type = schema::PermitStatusCode)]
    status_code: &'static str,
}

/// Verify a permit (public)
///
/// The token is the one in the permit's QR code (`/v/{token}` is the page for people). Unknown
/// tokens are 404.
#[utoipa::path(get, path = "/v/{token}.json", operation_id = "verifyPermit", tag = "Verification",
    params(("token" = String, Path, description = "The verification token of the permit's QR code.")),
    responses(
        (status = 200, description = "The permit as issued and its status today.", body = PublicVerification),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn verification_json(state: &AppState, token: &str) -> Result<Response, WebError> {
    let p = match crate::permits::archive::by_token(state, token).await {
        Ok(p) => p,
        Err(ServiceError::NotFound) => return Ok(WebError::NotFound.into_api_response()),
        Err(e) => return Err(e.into()),
    };
    let office = crate::catalog::offices::get(state, &p.office_id).await?;
    let today = crate::catalog::offices::today(&office);
    let body = PublicVerification {
        permit_type: crate::permits::pages::permit_name(state, &p).await,
        status: p.public_status(today),
        status_code: p.public_status_code(today),
        number: p.number,
        permit_code: p.permit_code,
        holder_name: p.holder_name,
        nik_masked: p.nik_masked,
        practice_place: p.practice_place,
        practice_address: p.practice_address,
        issued_on: p.issued_on,
        valid_until: p.valid_until,
        signer: p.signer_name,
        signer_position: p.signer_position,
        office: office.name,
        document_sha256: p.pdf_sha256,
    };
    Ok(([(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response())
}
