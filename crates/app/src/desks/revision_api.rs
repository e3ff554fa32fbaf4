//! The revision loop over the API, for the applicant.

use crate::applications;
use crate::applications::api::ApplicationBody;
use crate::applications::api::FileQuery;
use crate::applications::api::application_json;
use crate::applications::api::schema as app_schema;
use crate::applications::api::step_result;
use crate::desks::api::schema as desk_schema;
use crate::desks::file::RevisionRound;
use crate::state::AppState;
use crate::web::api::ApiApplicant;
use crate::web::api::ApiError;
use crate::web::api::ApiJson;
use crate::web::api::ApiResult;
use crate::web::api::BadRequest;
use crate::web::api::Conflict;
use crate::web::api::FileBytes;
use crate::web::api::Forbidden;
use crate::web::api::Internal;
use crate::web::api::Invalid;
use crate::web::api::NotFound;
use crate::web::api::TooLarge;
use crate::web::api::Unauthenticated;
use crate::web::api::ok;
use crate::web::error::WebError;
use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use izinkes_domain::catalog::Answers;
use izinkes_domain::status::ApplicationStatus;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::ToSchema;

// ---------------------------------------------------------------------------------------------
// The applicant's side of the revision loop (Perlu Perbaikan): only the items the officer named
// can change; resubmitting sends the file back to the step and officer that returned it.

/// The revision rounds of an application.
#[derive(Serialize, ToSchema)]
pub(crate) struct RevisionState<'a> {
    #[schema(value_type = app_schema::ApplicationStatus)]
    status: ApplicationStatus,
    /// The round waiting for the applicant (null unless the status is `needs_revision`).
    #[schema(value_type = Option<desk_schema::RevisionRound>)]
    open_round: Option<&'a RevisionRound>,
    #[schema(value_type = Vec<desk_schema::RevisionRound>)]
    rounds: &'a [RevisionRound],
}

/// The revision rounds of an own application
///
/// Perlu Perbaikan: `open_round` is the round waiting for the applicant (null unless the status
/// is `needs_revision`): the fields and documents the officer named, each with a note. Only
/// those can change.
#[utoipa::path(get, path = "/api/v1/applications/{id}/revision", operation_id = "getRevision", tag = "Applications",
    params(("id" = String, Path, description = "Application id.")),
    responses(
        (status = 200, description = "The rounds, newest last.", body = RevisionState),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn get_revision(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    let v = applications::view::load_view(&state, a.id(), &id).await?;
    let rounds = crate::desks::file::load_rounds(&state, &id).await?;
    let open = rounds
        .iter()
        .rev()
        .find(|r| r.resubmitted_at.is_none())
        .filter(|_| v.app.status == ApplicationStatus::NeedsRevision);
    Ok(ok(RevisionState {
        status: v.app.status,
        open_round: open,
        rounds: &rounds,
    }))
}

/// Field key → the new value: text, a number, or `true`/`false` for yes/no fields.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct RevisionFields(BTreeMap<String, FieldValue>);

/// One field's new value.
#[derive(ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub(crate) enum FieldValue {
    Text(String),
    Number(f64),
    YesNo(bool),
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

/// Save the fixed fields of a returned application
///
/// A JSON object of field key → value (text; `true`/`false` for yes/no fields of Tahap 1). Only
/// the fields named in the open round are taken; others are ignored. Invalid values: 422
/// `invalid` (what was sent is kept, as with the wizard).
#[utoipa::path(put, path = "/api/v1/applications/{id}/revision/fields", operation_id = "saveRevisionFields", tag = "Applications",
    params(("id" = String, Path, description = "Application id.")),
    request_body = RevisionFields,
    responses(
        (status = 200, description = "Saved.", body = ApplicationBody),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
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

/// Replace a document named in the open round
///
/// The request body is the raw file, checked like an upload of Tahap 3. The previous version
/// is kept with the round. A document the officer did not name is 422 `invalid`.
#[utoipa::path(put, path = "/api/v1/applications/{id}/revision/documents/{key}", operation_id = "replaceRevisionDocument", tag = "Applications",
    params(("id" = String, Path, description = "Application id."), ("key" = String, Path, description = "Requirement key of the application's permit type (see `requirements[].key`).", example = "ktp"), FileQuery),
    request_body(content = FileBytes, content_type = "application/octet-stream", description = "The file."),
    responses(
        (status = 200, description = "Replaced.", body = ApplicationBody),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
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

/// Resubmit a fixed application
///
/// Sends the file back to the step and the officer that returned it; the SLA clock runs again.
/// Still incomplete: 422 `invalid` with `fields`; not in Perlu Perbaikan: 422 `refused`.
#[utoipa::path(post, path = "/api/v1/applications/{id}/resubmit", operation_id = "resubmitApplication", tag = "Applications",
    params(("id" = String, Path, description = "Application id.")),
    responses(
        (status = 200, description = "Resubmitted (status `submitted` or `in_process`).", body = ApplicationBody),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn resubmit(State(state): State<AppState>, a: ApiApplicant, Path(id): Path<String>) -> ApiResult {
    match crate::desks::revisions::resubmit(&state, a.id(), &id).await? {
        Ok(()) => {
            let v = applications::view::load_view(&state, a.id(), &id).await?;
            Ok(ok(application_json(&v)))
        }
        Err(errors) => Err(WebError::Invalid(errors).into()),
    }
}
