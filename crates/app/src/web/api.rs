//! What the JSON API's handlers are written with: the API callers (bearer token; applicant;
//! officer), the JSON body extractor with Indonesian errors, and the responses, errors as
//! `{"error": {"code", "message", "fields"}}`.

use crate::auth::sessions::SessionSubject;
use crate::auth::sessions::SubjectKind;
use crate::state::AppState;
use crate::web::error::WebError;
use axum::Json;
use axum::body::Bytes;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum::response::Response;
use serde_json::Value;
use serde_json::json;
// ---------------------------------------------------------------------------------------------
// The desks (Tugas Saya, the file, its actions, the supervisors' summary) for officer tokens.
use crate::auth;

/// An error rendered as API JSON.
pub struct ApiError(pub(crate) WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_api_response()
    }
}

pub(crate) type ApiResult = Result<Response, ApiError>;

/// The JSON body, or a clear 400 in the API's error shape.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError(WebError::TooLarge))?;
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| {
            ApiError(WebError::BadRequest(format!(
                "Badan permintaan bukan JSON yang sesuai: {e}"
            )))
        })
    }
}

/// A caller with a valid bearer token.
pub struct ApiCaller {
    pub subject: SessionSubject,
    pub token: String,
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string())
            .ok_or(ApiError(WebError::LoginRequired(String::new())))?;
        let subject = auth::sessions::resolve_session(state, &token)
            .await?
            .ok_or(ApiError(WebError::LoginRequired(String::new())))?;
        Ok(ApiCaller { subject, token })
    }
}

/// A caller that must be an applicant.
pub struct ApiApplicant(pub ApiCaller);

impl FromRequestParts<AppState> for ApiApplicant {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let c = ApiCaller::from_request_parts(parts, state).await?;
        if c.subject.kind != SubjectKind::Applicant {
            return Err(ApiError(WebError::Forbidden));
        }
        Ok(ApiApplicant(c))
    }
}

impl ApiApplicant {
    pub(crate) fn id(&self) -> &str {
        &self.0.subject.id
    }
}

/// A caller that must be an officer; the office scope of everything it does is the token's
/// officer's office (files of other offices do not exist for it: 404).
pub struct ApiOfficer(pub crate::auth::officer::Officer);

impl FromRequestParts<AppState> for ApiOfficer {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let c = ApiCaller::from_request_parts(parts, state).await?;
        if c.subject.kind != SubjectKind::Officer || c.subject.mfa_pending {
            return Err(ApiError(WebError::Forbidden));
        }
        Ok(ApiOfficer(crate::auth::officer::Officer::from_subject(&c.subject)?))
    }
}

/// An error body in the API's shape, for the few errors made here rather than in `WebError`.
pub(crate) fn error_body(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"error": {"code": code, "message": message}});
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

/// Any `/api/…` path that is not an operation: 404 with code `no_route`, so a client (and the
/// route test) can tell "no such operation" from "no such record" (`not_found`).
pub(crate) async fn no_route() -> Response {
    error_body(
        StatusCode::NOT_FOUND,
        "no_route",
        "Alamat API ini tidak ada. Daftar operasi yang tersedia ada di /api/openapi.json.",
    )
}

pub(crate) fn created(v: Value) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

pub(crate) fn ok(v: Value) -> Response {
    (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], Json(v)).into_response()
}
