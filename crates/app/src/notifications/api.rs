//! The gateways' delivery reports: the WhatsApp Cloud API webhook (verified by Meta's
//! `hub.verify_token` handshake, each report signed with the app secret) and the SMS gateway's
//! callback (its bearer token). Open to the internet (Access Public): the signature or token is
//! the authentication. Unknown message ids are acknowledged and ignored, so a gateway does not
//! retry a report that is not ours forever.

use crate::platform::gateways::sms::SmsReport;
use crate::platform::gateways::whatsapp;
use crate::platform::outbox;
use crate::state::AppState;
use crate::web::api::ApiError;
use crate::web::api::BadRequest;
use crate::web::api::Forbidden;
use crate::web::api::Internal;
use crate::web::api::Unauthenticated;
use crate::web::api::error_body;
use crate::web::error::WebError;
use axum::body::Bytes;
use axum::extract::Query;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Response;
use subtle::ConstantTimeEq;

/// Meta's handshake when the webhook URL is saved.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Handshake {
    #[serde(rename = "hub.mode", default)]
    #[param(rename = "hub.mode")]
    mode: String,
    #[serde(rename = "hub.verify_token", default)]
    #[param(rename = "hub.verify_token")]
    verify_token: String,
    #[serde(rename = "hub.challenge", default)]
    #[param(rename = "hub.challenge")]
    challenge: String,
}

/// A hook of a gateway this server has no settings for: nothing to report on here (400, not
/// 5xx, so the sender does not retry for days).
fn not_configured() -> Response {
    error_body(
        StatusCode::BAD_REQUEST,
        "bad_request",
        "Gateway ini belum diatur di server ini.",
    )
}

fn bad_report() -> Response {
    error_body(
        StatusCode::BAD_REQUEST,
        "bad_request",
        "Isi laporan pengiriman tidak dikenal.",
    )
}

fn unauthenticated() -> Response {
    error_body(
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "Tanda tangan atau token tidak valid.",
    )
}

fn not_recorded(e: &sqlx::Error) -> Response {
    ApiError(WebError::Internal(format!("delivery report: {e}"))).into_response()
}

fn same(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Verify the WhatsApp webhook URL
///
/// Meta calls this once when the webhook is configured: with `hub.mode=subscribe` and the
/// verify token set in `IZINKES_WHATSAPP_VERIFY_TOKEN`, the answer is `hub.challenge`.
#[utoipa::path(get, path = "/api/hooks/whatsapp", operation_id = "verifyWhatsappWebhook", tag = "Gateways",
    params(Handshake),
    responses(
        (status = 200, description = "The challenge, as text.", body = String, content_type = "text/plain"),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),

    ))]
pub(crate) async fn whatsapp_handshake(State(state): State<AppState>, Query(q): Query<Handshake>) -> Response {
    let Some(wa) = &state.config.gateways.whatsapp else {
        return not_configured();
    };
    if q.mode == "subscribe" && !wa.verify_token.is_empty() && same(&q.verify_token, &wa.verify_token) {
        return (StatusCode::OK, q.challenge).into_response();
    }
    error_body(StatusCode::FORBIDDEN, "forbidden", "Token verifikasi salah.")
}

/// Receive WhatsApp delivery statuses
///
/// The Cloud API's webhook notification, signed in `X-Hub-Signature-256` (`sha256=` and the
/// HMAC-SHA256 of the body under the app secret). Each `entry[].changes[].value.statuses[]`
/// moves the message it names (`id`) to delivered (`delivered`, `read`) or failed (`failed`,
/// with the first `errors[]` as the reason).
#[utoipa::path(post, path = "/api/hooks/whatsapp", operation_id = "whatsappWebhook", tag = "Gateways",
    request_body(content = Object, description = "A WhatsApp Business Account webhook notification.", content_type = "application/json"),
    responses(
        (status = 200, description = "Recorded (or not ours, and ignored)."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 500, response = Internal),

    ))]
pub(crate) async fn whatsapp_webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(wa) = &state.config.gateways.whatsapp else {
        return not_configured();
    };
    let signature = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !whatsapp::signature_valid(&wa.app_secret, &body, signature) {
        tracing::warn!("WhatsApp webhook with a missing or wrong signature refused");
        return unauthenticated();
    }
    let Ok(reports) = whatsapp::parse_statuses(&body) else {
        return bad_report();
    };
    for report in &reports {
        if let Err(e) = outbox::record_report(&state.db, outbox::WHATSAPP, report).await {
            return not_recorded(&e);
        }
    }
    StatusCode::OK.into_response()
}

/// Receive an SMS delivery report
///
/// The SMS gateway's callback, authenticated by `Authorization: Bearer` with the token set in
/// `IZINKES_SMS_CALLBACK_TOKEN`; the body is `{"id", "reference", "status", "error"}`
/// (`docs/gateways.md`).
#[utoipa::path(post, path = "/api/hooks/sms", operation_id = "smsWebhook", tag = "Gateways",
    request_body(content = Object, description = "An SMS delivery report.", content_type = "application/json"),
    responses(
        (status = 200, description = "Recorded (or not ours, and ignored)."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 500, response = Internal),

    ))]
pub(crate) async fn sms_webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(sms) = &state.config.gateways.sms else {
        return not_configured();
    };
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if sms.callback_token.is_empty() || !same(token, &sms.callback_token) {
        return unauthenticated();
    }
    let Ok(report) = serde_json::from_slice::<SmsReport>(&body) else {
        return bad_report();
    };
    if let Some(report) = report.report()
        && let Err(e) = outbox::record_report(&state.db, outbox::SMS, &report).await
    {
        return not_recorded(&e);
    }
    StatusCode::OK.into_response()
}
