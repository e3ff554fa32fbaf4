//! Manajer Berkas over the API.

use crate::applications::api::FileQuery;
use crate::library;
use crate::library::service::LibraryDocument;
use crate::state::AppState;
use crate::web::api::ApiApplicant;
use crate::web::api::ApiBody;
use crate::web::api::ApiResult;
use crate::web::api::FileBytes;
use crate::web::api::Forbidden;
use crate::web::api::Internal;
use crate::web::api::Invalid;
use crate::web::api::NotFound;
use crate::web::api::TooLarge;
use crate::web::api::Unauthenticated;
use crate::web::api::created;
use crate::web::api::ok;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;

/// The schema of the library service's document, as it is serialised.
#[allow(dead_code)]
pub(crate) mod schema {
    use utoipa::ToSchema;

    /// A file in Manajer Berkas.
    #[derive(ToSchema)]
    #[schema(as = LibraryDocument)]
    pub(crate) struct LibraryDocument {
        pub id: String,
        pub title: String,
        pub filename: String,
        /// `application/pdf`, `image/jpeg` or `image/png`.
        pub mime: String,
        /// Bytes.
        pub size: i64,
        pub sha256: String,
        pub updated_at: String,
        /// How many submitted applications keep a copy of it.
        pub used_in: i64,
        /// The requirement keys it has been attached as (`ktp`, `str`, …).
        pub kinds: Vec<String>,
        /// Registration numbers of the submitted applications that keep a copy of it.
        pub used_by: Vec<String>,
    }
}

/// The applicant's files.
#[derive(Serialize, ToSchema)]
pub(crate) struct LibraryList {
    #[schema(value_type = Vec<schema::LibraryDocument>)]
    documents: Vec<LibraryDocument>,
}

/// The applicant's Manajer Berkas
#[utoipa::path(get, path = "/api/v1/documents", operation_id = "listLibrary", tag = "Documents",
    responses(
        (status = 200, description = "OK", body = LibraryList),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn list_library(State(state): State<AppState>, a: ApiApplicant) -> ApiResult {
    Ok(ok(LibraryList {
        documents: library::service::list(&state, a.id()).await?,
    }))
}

/// Add a file to Manajer Berkas
///
/// The request body is the raw file: PDF, JPG or PNG (by content), at most 5 MB.
#[utoipa::path(post, path = "/api/v1/documents", operation_id = "addLibraryDocument", tag = "Documents",
    params(FileQuery),
    request_body(content = FileBytes, content_type = "application/octet-stream", description = "The file."),
    responses(
        (status = 201, description = "Added.", body = schema::LibraryDocument),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn add_library(
    State(state): State<AppState>,
    a: ApiApplicant,
    Query(q): Query<FileQuery>,
    ApiBody(body): ApiBody,
) -> ApiResult {
    let id = library::service::add(&state, a.id(), &q.title, &q.filename, &body).await?;
    Ok(created(library::service::get(&state, a.id(), &id).await?))
}

/// Download a Manajer Berkas file
#[utoipa::path(get, path = "/api/v1/documents/{id}", operation_id = "downloadLibraryDocument", tag = "Documents",
    params(("id" = String, Path, description = "Library document id.")),
    responses(
        (status = 200, description = "The file, with its own content type.", content(
            (FileBytes = "application/pdf"), (FileBytes = "image/jpeg"), (FileBytes = "image/png"))),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn get_library_file(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
) -> ApiResult {
    let d = library::service::download_library(&state, &a.0.subject, &id).await?;
    Ok(([(header::CONTENT_TYPE, d.mime)], d.bytes).into_response())
}

/// Remove a file from Manajer Berkas
///
/// Applications that use the file keep their copy.
#[utoipa::path(delete, path = "/api/v1/documents/{id}", operation_id = "deleteLibraryDocument", tag = "Documents",
    params(("id" = String, Path, description = "Library document id.")),
    responses(
        (status = 204, description = "Done; no body."),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn delete_library(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
) -> ApiResult {
    library::service::delete(&state, a.id(), &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
