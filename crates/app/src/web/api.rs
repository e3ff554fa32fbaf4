//! What the JSON API's handlers are written with: the API callers (bearer token; applicant;
//! officer), the JSON body extractor with Indonesian errors, and the responses, errors as
//! `{"error": {"code", "message", "fields"}}`.

use crate::auth;
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
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa::openapi::ContentBuilder;
use utoipa::openapi::ObjectBuilder;
use utoipa::openapi::Ref;
use utoipa::openapi::RefOr;
use utoipa::openapi::ResponseBuilder;
use utoipa::openapi::Schema;
use utoipa::openapi::schema::KnownFormat;
use utoipa::openapi::schema::SchemaFormat;
use utoipa::openapi::schema::Type;

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

/// The raw body (an uploaded file, a signed callback), or the API's own 413 in Bahasa Indonesia
/// when it is larger than the server accepts (instead of the framework's English text).
pub struct ApiBody(pub Bytes);

impl<S: Send + Sync> axum::extract::FromRequest<S> for ApiBody {
    type Rejection = ApiError;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(req, state)
            .await
            .map(ApiBody)
            .map_err(|_| ApiError(WebError::TooLarge))
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

/// Every error of the API: `{"error": {"code", "message", "fields"?, "reference"?}}`.
/// `message` (and each entry of `fields`) is Indonesian text meant to be shown to the user as is.
#[derive(Serialize, ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// The error itself.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable code: `bad_request` (400, body not valid JSON for the operation),
    /// `unauthenticated` (401), `mfa_required` / `mfa_invalid` (401, officer login: a
    /// second-factor code is needed / was wrong), `forbidden` (403), `csrf` (403), `not_found`
    /// (404, no such record or not yours), `no_route` (404, no such API operation), `conflict`
    /// (409), `too_large` (413), `invalid` (422, see `fields`), `refused` (422, a rule refused the
    /// action; see `message`), `throttled` (429), `internal` (500, see `reference`).
    #[schema(value_type = ErrorCode)]
    pub code: String,
    /// Indonesian message for the user.
    #[schema(examples("Data belum benar; lihat pesan per isian."))]
    pub message: String,
    /// With code `invalid`: input field (or requirement key) → Indonesian message to show next
    /// to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, String>>,
    /// With code `internal`: the reference id to quote to the office; details are in the server
    /// log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// The codes an error can carry (only its schema is used: the bodies carry the code as text).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ErrorCode {
    BadRequest,
    Unauthenticated,
    MfaRequired,
    MfaInvalid,
    Forbidden,
    Csrf,
    NotFound,
    NoRoute,
    Conflict,
    TooLarge,
    Invalid,
    Refused,
    Throttled,
    Internal,
}

/// An error body in the API's shape, for the few errors made here rather than in `WebError`.
pub(crate) fn error_body(status: StatusCode, code: &str, message: &str) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_string(),
            message: message.to_string(),
            fields: None,
            reference: None,
        },
    };
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

/// The error responses operations name in their `responses(...)`; each is a component of the
/// document with the `Error` schema.
macro_rules! error_responses {
    ($($name:ident => $description:literal),* $(,)?) => {$(
        #[doc = $description]
        pub struct $name;

        impl<'r> utoipa::ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<utoipa::openapi::response::Response>) {
                let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Error"))).build();
                let response = ResponseBuilder::new()
                    .description($description)
                    .content("application/json", content)
                    .build();
                (stringify!($name), RefOr::T(response))
            }
        }
    )*};
}

error_responses! {
    BadRequest => "The body is not JSON of the expected shape (code `bad_request`).",
    Unauthenticated => "No valid bearer token (code `unauthenticated`).",
    Forbidden => "The token is valid but not allowed here (code `forbidden`).",
    NotFound => "No such record, or not the caller's (code `not_found`).",
    Conflict => "The record changed meanwhile (code `conflict`): read it again before retrying.",
    TooLarge => "The body is larger than the server accepts (code `too_large`).",
    Invalid => "Input refused: code `invalid` with one Indonesian message per field in `fields`, or code `refused` with the reason in `message`.",
    MfaNeeded => "Officer login only: password right but a second-factor code is needed (code `mfa_required`; the officer may first have to enrol an authenticator on the web) or the code sent was wrong (code `mfa_invalid`).",
    Throttled => "Too many failed attempts; the message says how long to wait (code `throttled`).",
    Internal => "Server error (code `internal`); quote `reference` to the office.",
}

/// The raw bytes of an uploaded or downloaded file.
pub struct FileBytes;

impl utoipa::PartialSchema for FileBytes {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl ToSchema for FileBytes {}

/// Any `/api/…` path that is not an operation: 404 with code `no_route`, so a client (and the
/// route test) can tell "no such operation" from "no such record" (`not_found`).
pub(crate) async fn no_route() -> Response {
    error_body(
        StatusCode::NOT_FOUND,
        "no_route",
        "Alamat API ini tidak ada. Daftar operasi yang tersedia ada di /api/openapi.json.",
    )
}

/// 201 with the typed body.
pub(crate) fn created<T: Serialize>(v: T) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

/// 200 with the typed body, never cached.
pub(crate) fn ok<T: Serialize>(v: T) -> Response {
    (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], Json(v)).into_response()
}

/// `{"message": …}`: an Indonesian confirmation to show as is.
#[derive(Serialize, ToSchema)]
pub struct Message {
    pub message: String,
}

impl Message {
    pub(crate) fn new(m: &str) -> Message {
        Message { message: m.to_string() }
    }
}

/// A file inside a JSON body (a message's attachment, a complaint's evidence).
#[derive(serde::Deserialize, ToSchema)]
pub struct Base64File {
    /// The file's name as its reader will see it.
    pub filename: String,
    /// The file's bytes, standard base64 (RFC 4648, with padding).
    pub content_base64: String,
}

impl Base64File {
    /// The file's name and bytes, or a 422 on `field` when the content is not base64; what the
    /// bytes may be is the caller's rule.
    pub fn decode(file: Option<&Base64File>, field: &str) -> Result<Option<(String, Vec<u8>)>, ApiError> {
        use base64ct::Encoding;
        let Some(f) = file else {
            return Ok(None);
        };
        match base64ct::Base64::decode_vec(f.content_base64.trim()) {
            Ok(bytes) => Ok(Some((f.filename.clone(), bytes))),
            Err(_) => {
                let mut errors = izinkes_domain::catalog::FieldErrors::new();
                errors.insert(field.into(), "Isi berkas harus berupa base64 yang sah.".into());
                Err(ApiError(WebError::from(crate::platform::error::ServiceError::Invalid(
                    errors,
                ))))
            }
        }
    }
}
