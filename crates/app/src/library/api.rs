//! Manajer Berkas over the API.

use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::json;
// ---------------------------------------------------------------------------------------------
// The desks (Tugas Saya, the file, its actions, the supervisors' summary) for officer tokens.
use crate::applications::api::FileQuery;
use crate::library;
use crate::web::api::ApiApplicant;
use crate::web::api::ApiResult;
use crate::web::api::created;
use crate::web::api::ok;

pub(crate) async fn list_library(State(state): State<AppState>, a: ApiApplicant) -> ApiResult {
    Ok(ok(json!({"documents": library::service::list(&state, a.id()).await?})))
}

pub(crate) async fn add_library(
    State(state): State<AppState>,
    a: ApiApplicant,
    Query(q): Query<FileQuery>,
    body: Bytes,
) -> ApiResult {
    let id = library::service::add(&state, a.id(), &q.title, &q.filename, &body).await?;
    Ok(created(json!(library::service::get(&state, a.id(), &id).await?)))
}

pub(crate) async fn get_library_file(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
) -> ApiResult {
    let d = library::service::download_library(&state, &a.0.subject, &id).await?;
    Ok(([(header::CONTENT_TYPE, d.mime)], d.bytes).into_response())
}

pub(crate) async fn delete_library(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
) -> ApiResult {
    library::service::delete(&state, a.id(), &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
