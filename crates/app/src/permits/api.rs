//! Izin Saya over the API: the applicant's permits, their PDFs, renewal and change.

use crate::platform::error::ServiceError;
use crate::state::AppState;
use axum::extract::Path;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::Value;
use serde_json::json;
// ---------------------------------------------------------------------------------------------
// The desks (Tugas Saya, the file, its actions, the supervisors' summary) for officer tokens.
use crate::applications;
use crate::applications::api::application_json;
use crate::web::api::ApiApplicant;
use crate::web::api::ApiJson;
use crate::web::api::ApiResult;
use crate::web::api::created;
use crate::web::api::ok;

// --- Issued permits (Izin Saya) -------------------------------------------------------------------

fn permit_json(state: &AppState, p: &crate::permits::archive::PermitRow, today: chrono::NaiveDate) -> Value {
    let status = p.public_status(today);
    json!({
        "id": p.id,
        "number": p.number,
        "permit_code": p.permit_code,
        "holder_name": p.holder_name,
        "practice_place": p.practice_place,
        "practice_address": p.practice_address,
        "issued_on": p.issued_on,
        "valid_until": p.valid_until,
        "status": status,
        "status_code": p.public_status_code(today),
        "replaced_by": p.replaced_by,
        "renewal_of": p.renewal_of,
        "change_of": p.change_of,
        "document_sha256": p.pdf_sha256,
        "verify_url": format!("{}/v/{}", state.config.base_url.trim_end_matches('/'), p.token),
    })
}

pub(crate) async fn list_permits(State(state): State<AppState>, a: ApiApplicant) -> ApiResult {
    let rows = crate::permits::archive::for_applicant(&state, a.id()).await?;
    let mut out = Vec::with_capacity(rows.len());
    for p in &rows {
        let office = crate::catalog::offices::get(&state, &p.office_id).await?;
        out.push(permit_json(&state, p, crate::catalog::offices::today(&office)));
    }
    Ok(ok(json!({ "permits": out })))
}

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

pub(crate) async fn renew_permit(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    let new_id = crate::permits::changes::renew(&state, a.id(), &id).await?;
    let v = applications::view::load_view(&state, a.id(), &new_id).await?;
    Ok(created(application_json(&v)))
}

/// The body of a change of data: what changes and why.
#[derive(serde::Deserialize)]
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
