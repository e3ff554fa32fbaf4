//! The revision loop over the API, for the applicant.

use crate::state::AppState;
use crate::web::error::WebError;
use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use izinkes_domain::catalog::Answers;
use serde_json::Value;
use serde_json::json;
// ---------------------------------------------------------------------------------------------
// The desks (Tugas Saya, the file, its actions, the supervisors' summary) for officer tokens.
use crate::applications;
use crate::applications::api::FileQuery;
use crate::applications::api::application_json;
use crate::applications::api::step_result;
use crate::web::api::ApiApplicant;
use crate::web::api::ApiError;
use crate::web::api::ApiJson;
use crate::web::api::ApiResult;
use crate::web::api::ok;
use izinkes_domain::status::ApplicationStatus;

// ---------------------------------------------------------------------------------------------
// The applicant's side of the revision loop (Perlu Perbaikan): only the items the officer named
// can change; resubmitting sends the file back to the step and officer that returned it.

/// The revision rounds of an own application; `open_round` is the one waiting for the applicant
/// (null when the application is not in Perlu Perbaikan).
pub(crate) async fn get_revision(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    let v = applications::view::load_view(&state, a.id(), &id).await?;
    let rounds = crate::desks::file::load_rounds(&state, &id).await?;
    let open = rounds
        .iter()
        .rev()
        .find(|r| r.resubmitted_at.is_none())
        .filter(|_| v.app.status == ApplicationStatus::NeedsRevision);
    Ok(ok(
        json!({"status": v.app.status, "open_round": open, "rounds": rounds}),
    ))
}

/// A JSON object of field values as the text the forms send (`true`/`false` for yes/no fields).
fn field_values(body: serde_json::Map<String, Value>) -> Result<Answers, ApiError> {
    let mut out = Answers::new();
    for (k, v) in body {
        let text = match v {
            Value::String(s) => s,
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Null => continue,
            _ => {
                return Err(ApiError(WebError::BadRequest(format!(
                    "Isian \"{k}\" harus berupa teks, angka atau true/false."
                ))));
            }
        };
        out.insert(k, text);
    }
    Ok(out)
}

pub(crate) async fn put_revision_fields(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Map<String, Value>>,
) -> ApiResult {
    let values = field_values(body)?;
    let errors = crate::desks::revisions::save_fields(&state, a.id(), &id, &values).await?;
    step_result(&state, a.id(), &id, errors).await
}

pub(crate) async fn put_revision_document(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path((id, key)): Path<(String, String)>,
    Query(q): Query<FileQuery>,
    body: Bytes,
) -> ApiResult {
    crate::desks::revisions::replace_document(&state, a.id(), &id, &key, &q.filename, &body).await?;
    let v = applications::view::load_view(&state, a.id(), &id).await?;
    Ok(ok(application_json(&v)))
}

pub(crate) async fn resubmit(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    match crate::desks::revisions::resubmit(&state, a.id(), &id).await? {
        Ok(()) => {
            let v = applications::view::load_view(&state, a.id(), &id).await?;
            Ok(ok(application_json(&v)))
        }
        Err(errors) => Err(WebError::Invalid(errors).into()),
    }
}
