//! The applicant's applications over the API.

use crate::applications::submit::SubmitOutcome;
use crate::applications::view::ApplicantData;
use crate::applications::view::ApplicationView;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use izinkes_domain::catalog::Answers;
use serde::Deserialize;
use serde_json::Value;
use serde_json::json;
// ---------------------------------------------------------------------------------------------
// The desks (Tugas Saya, the file, its actions, the supervisors' summary) for officer tokens.
use crate::accounts;
use crate::applications;
use crate::web::api::ApiApplicant;
use crate::web::api::ApiJson;
use crate::web::api::ApiResult;
use crate::web::api::created;
use crate::web::api::error_body;
use crate::web::api::ok;
use crate::web::extract::ClientAddr;

pub(crate) fn application_json(v: &ApplicationView) -> Value {
    let answers = v.all_answers();
    let requirements: Vec<Value> = v
        .permit()
        .map(|p| {
            p.requirements
                .iter()
                .map(|r| {
                    json!({
                        "key": r.key,
                        "label": r.label,
                        "needed": p.is_triggered(r, &answers),
                        "formats": r.formats,
                        "max_size_kb": r.max_size_kb,
                        "attached": v.attachment(&r.key).map(|a| json!({"filename": a.filename, "size": a.size, "mime": a.mime, "sha256": a.sha256})),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "id": v.app.id,
        "office_id": v.app.office_id,
        "office_name": v.office.name,
        "permit_code": v.app.permit_code,
        "permit_name": v.permit().map(|p| p.name.clone()),
        "catalog_version": v.app.catalog_version,
        "status": v.app.status,
        "status_label": v.app.status.label_id(),
        "registration_number": v.app.registration_number,
        "applicant": v.app.data,
        "form": v.app.answers,
        "steps": {"applicant": v.app.step1_done, "form": v.app.step2_done, "documents": v.step3_done()},
        "requirements": requirements,
        "history": v.history,
        "created_at": v.app.created_at,
        "submitted_at": v.app.submitted_at,
    })
}

pub(crate) async fn list_applications(State(state): State<AppState>, a: ApiApplicant) -> ApiResult {
    Ok(ok(
        json!({"applications": applications::list::list_for_applicant(&state, a.id()).await?}),
    ))
}

#[derive(Deserialize)]
pub(crate) struct CreateBody {
    #[serde(default)]
    office_id: String,
    #[serde(default)]
    permit_code: String,
}

pub(crate) async fn create_application(
    State(state): State<AppState>,
    a: ApiApplicant,
    ApiJson(b): ApiJson<CreateBody>,
) -> ApiResult {
    let applicant = accounts::profile::load_applicant(&state, a.id()).await?;
    let id = applications::drafts::create_draft(&state, &applicant, &b.office_id, &b.permit_code).await?;
    let v = applications::view::load_view(&state, a.id(), &id).await?;
    Ok(created(application_json(&v)))
}

pub(crate) async fn get_application(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
) -> ApiResult {
    let v = applications::view::load_view(&state, a.id(), &id).await?;
    Ok(ok(application_json(&v)))
}

pub(crate) async fn delete_application(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
) -> ApiResult {
    applications::drafts::delete_draft(&state, a.id(), &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Saving a step: 200 with the application when valid, 422 with the field errors (the draft
/// keeps what was sent either way).
pub(crate) async fn step_result(
    state: &AppState,
    applicant_id: &str,
    id: &str,
    errors: izinkes_domain::catalog::FieldErrors,
) -> ApiResult {
    if !errors.is_empty() {
        return Err(WebError::Invalid(errors).into());
    }
    let v = applications::view::load_view(state, applicant_id, id).await?;
    Ok(ok(application_json(&v)))
}

pub(crate) async fn put_applicant(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
    ApiJson(d): ApiJson<ApplicantData>,
) -> ApiResult {
    let errors = applications::drafts::save_step1(&state, a.id(), &id, &d).await?;
    step_result(&state, a.id(), &id, errors).await
}

pub(crate) async fn put_form(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
    ApiJson(answers): ApiJson<Answers>,
) -> ApiResult {
    let errors = applications::drafts::save_step2(&state, a.id(), &id, &answers).await?;
    step_result(&state, a.id(), &id, errors).await
}

#[derive(Deserialize, Default)]
pub(crate) struct FileQuery {
    #[serde(default)]
    pub(crate) filename: String,
    #[serde(default)]
    pub(crate) title: String,
}

/// Uploads the raw request body as the file for one requirement (`?filename=ktp.pdf`).
pub(crate) async fn put_document(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path((id, key)): Path<(String, String)>,
    Query(q): Query<FileQuery>,
    body: Bytes,
) -> ApiResult {
    applications::attachments::upload_requirement(&state, a.id(), &id, &key, &q.filename, &body).await?;
    let v = applications::view::load_view(&state, a.id(), &id).await?;
    Ok(ok(application_json(&v)))
}

pub(crate) async fn delete_document(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path((id, key)): Path<(String, String)>,
) -> ApiResult {
    applications::attachments::remove_attachment(&state, a.id(), &id, &key).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
pub(crate) struct LibraryRef {
    document_id: String,
}

pub(crate) async fn attach_from_library(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path((id, key)): Path<(String, String)>,
    ApiJson(b): ApiJson<LibraryRef>,
) -> ApiResult {
    applications::attachments::attach_library(&state, a.id(), &id, &key, &b.document_id).await?;
    let v = applications::view::load_view(&state, a.id(), &id).await?;
    Ok(ok(application_json(&v)))
}

pub(crate) async fn submit(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    match applications::submit::submit(&state, a.id(), &id).await? {
        SubmitOutcome::Submitted(number) => {
            let v = applications::view::load_view(&state, a.id(), &id).await?;
            let mut body = application_json(&v);
            body["registration_number"] = json!(number.as_str());
            Ok(ok(body))
        }
        SubmitOutcome::Problems(p) => Err(ServiceError::Invalid(p.all()).into()),
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct TrackQuery {
    #[serde(default)]
    number: String,
    #[serde(default)]
    nik4: String,
}

pub(crate) async fn track(State(state): State<AppState>, client: ClientAddr, Query(q): Query<TrackQuery>) -> ApiResult {
    match applications::tracking::track(&state, &q.number, &q.nik4, &client.0).await {
        Ok(r) => Ok(ok(json!(r))),
        // No such number for these digits: 404 with the service's explanation, like the page.
        Err(ServiceError::Refused(m)) => Ok(error_body(StatusCode::NOT_FOUND, "not_found", &m)),
        Err(e) => Err(e.into()),
    }
}
