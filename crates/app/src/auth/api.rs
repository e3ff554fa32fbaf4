//! Signing in and out over the API: bearer tokens.

use crate::auth::sessions::SessionKind;
use crate::auth::sessions::SubjectKind;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::json;
// ---------------------------------------------------------------------------------------------
// The desks (Tugas Saya, the file, its actions, the supervisors' summary) for officer tokens.
use crate::auth;
use crate::web::api::ApiCaller;
use crate::web::api::ApiJson;
use crate::web::api::ApiResult;
use crate::web::api::error_body;
use crate::web::api::ok;
use crate::web::extract::ClientAddr;

#[derive(Deserialize)]
pub(crate) struct LoginBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// "applicant" (default) or "officer".
    #[serde(default)]
    kind: Option<String>,
    /// Officers with two-step sign-in: the 6-digit authenticator code or a recovery code.
    #[serde(default)]
    totp: Option<String>,
}

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
            auth::mfa::OfficerLogin::Signed(token) => {
                ok(json!({"token": token, "token_type": "Bearer", "expires_in_days": auth::sessions::API_TOKEN_DAYS}))
            }
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
    Ok(ok(
        json!({"token": token, "token_type": "Bearer", "expires_in_days": auth::sessions::API_TOKEN_DAYS}),
    ))
}

pub(crate) async fn logout(State(state): State<AppState>, c: ApiCaller) -> ApiResult {
    auth::sessions::logout(&state, &c.token).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
