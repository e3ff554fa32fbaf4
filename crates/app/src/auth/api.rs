//! Signing in and out over the API: bearer tokens.

use crate::auth;
use crate::auth::sessions::SessionKind;
use crate::auth::sessions::SubjectKind;
use crate::state::AppState;
use crate::web::api::ApiCaller;
use crate::web::api::ApiJson;
use crate::web::api::ApiResult;
use crate::web::api::BadRequest;
use crate::web::api::Internal;
use crate::web::api::Invalid;
use crate::web::api::MfaNeeded;
use crate::web::api::Throttled;
use crate::web::api::Unauthenticated;
use crate::web::api::error_body;
use crate::web::api::ok;
use crate::web::extract::ClientAddr;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde::Serialize;
use utoipa::ToSchema;

/// Who signs in, and how.
#[derive(Deserialize, ToSchema)]
#[schema(as = LoginRequest)]
pub(crate) struct LoginBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// "applicant" (default) or "officer".
    #[serde(default)]
    #[schema(value_type = Option<LoginKind>)]
    kind: Option<String>,
    /// Officers with two-step sign-in: the 6-digit authenticator code or a recovery code.
    #[serde(default)]
    totp: Option<String>,
}

/// The kinds of account that sign in (only its schema is used).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum LoginKind {
    Applicant,
    Officer,
}

/// A bearer token for `Authorization: Bearer <token>`.
#[derive(Serialize, ToSchema)]
pub(crate) struct LoginResponse {
    token: String,
    /// Always `Bearer`.
    token_type: String,
    /// Days the token stays valid unless logged out.
    expires_in_days: i64,
}

impl LoginResponse {
    fn new(token: String) -> LoginResponse {
        LoginResponse {
            token,
            token_type: "Bearer".into(),
            expires_in_days: auth::sessions::API_TOKEN_DAYS,
        }
    }
}

/// Log in and get a bearer token
///
/// Wrong email or password, or an unconfirmed email, is refused with 422 `refused` and an
/// Indonesian message. Repeated failures pause the account and the client address (429).
/// Officers whose account uses two-step sign-in send `totp` as well (401 `mfa_required` without
/// it).
#[utoipa::path(post, path = "/api/v1/auth/login", operation_id = "login", tag = "Auth",
    request_body = LoginBody,
    responses(
        (status = 200, description = "Logged in.", body = LoginResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = MfaNeeded),
        (status = 422, response = Invalid),
        (status = 429, response = Throttled),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn login(
    State(state): State<AppState>,
    parts: ClientAddr,
    ApiJson(b): ApiJson<LoginBody>,
) -> ApiResult {
    let subject = match b.kind.as_deref() {
        Some("officer") => SubjectKind::Officer,
        _ => SubjectKind::Applicant,
    };
    if subject == SubjectKind::Officer {
        let outcome = auth::mfa::login_officer(
            &state,
            &b.email,
            &b.password,
            b.totp.as_deref(),
            &parts.0,
            SessionKind::Api,
        )
        .await?;
        return Ok(match outcome {
            auth::mfa::OfficerLogin::Signed(token) => ok(LoginResponse::new(token)),
            auth::mfa::OfficerLogin::MfaRequired { enrol } => error_body(
                StatusCode::UNAUTHORIZED,
                "mfa_required",
                auth::mfa::OfficerLogin::required_message(enrol),
            ),
            auth::mfa::OfficerLogin::CodeRejected(m) => error_body(StatusCode::UNAUTHORIZED, "mfa_invalid", &m),
            // Not made for API sign-ins; refuse rather than hand out a half session.
            auth::mfa::OfficerLogin::Pending { .. } => error_body(
                StatusCode::UNAUTHORIZED,
                "mfa_required",
                auth::mfa::OfficerLogin::required_message(false),
            ),
        });
    }
    let token = auth::sessions::login(&state, subject, &b.email, &b.password, &parts.0, SessionKind::Api).await?;
    Ok(ok(LoginResponse::new(token)))
}

/// End the token's session
#[utoipa::path(post, path = "/api/v1/auth/logout", operation_id = "logout", tag = "Auth",
    responses(
        (status = 204, description = "Done; no body."),
        (status = 401, response = Unauthenticated),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn logout(State(state): State<AppState>, c: ApiCaller) -> ApiResult {
    auth::sessions::logout(&state, &c.token).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
