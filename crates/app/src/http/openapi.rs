//! The OpenAPI document of the JSON API, served at `/api/openapi.json`.

use axum::http::header;
use axum::response::IntoResponse;
use axum::response::Response;
// ---------------------------------------------------------------------------------------------
// The desks (Tugas Saya, the file, its actions, the supervisors' summary) for officer tokens.

pub const OPENAPI: &str = include_str!("../../openapi.json");

pub(crate) async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}
