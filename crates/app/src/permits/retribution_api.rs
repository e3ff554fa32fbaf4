//! The payment gateway's callback: `POST /api/hooks/payment`, signed with HMAC-SHA256 of the
//! body under `IZINKES_PAYMENT_SECRET` in `X-Izinkes-Signature: sha256=<hex>`. Idempotent: the
//! same payment reported again answers 200 `already_paid` and changes nothing.

use crate::permits::retribution;
use crate::permits::retribution::CallbackOutcome;
use crate::permits::retribution::PaymentNotice;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::api::ApiBody;
use crate::web::api::ApiResult;
use crate::web::api::BadRequest;
use crate::web::api::Conflict;
use crate::web::api::Internal;
use crate::web::api::Invalid;
use crate::web::api::NotFound;
use crate::web::api::Unauthenticated;
use crate::web::api::ok;
use crate::web::error::WebError;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::Serialize;
use utoipa::ToSchema;

/// The header the gateway signs its callback in.
pub const SIGNATURE_HEADER: &str = "x-izinkes-signature";

/// What the callback recorded.
#[derive(Serialize, ToSchema)]
pub(crate) struct PaymentRecorded {
    /// `paid` (recorded now) or `already_paid` (reported before; nothing changed).
    status: &'static str,
}

/// A payment gateway confirms an SKRD payment
///
/// The body is `{"skrd_number", "amount", "reference", "paid_at" (RFC 3339), "channel"}`, signed
/// with HMAC-SHA256 under the shared secret (`IZINKES_PAYMENT_SECRET`) in
/// `X-Izinkes-Signature: sha256=<hex>`. The whole amount settles the SKRD; the file's permit may
/// then be signed. Answers 400 when callbacks are not configured, 404 when the SKRD is unknown, 401 for a
/// missing or wrong signature, 409 when the SKRD was paid with another reference, 422 for a wrong
/// amount.
#[utoipa::path(post, path = "/api/hooks/payment", operation_id = "paymentCallback", tag = "Gateways",
    request_body(content = Object, description = "The payment notice.", content_type = "application/json"),
    responses(
        (status = 200, description = "Recorded, or recorded before.", body = PaymentRecorded),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn payment_callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> ApiResult {
    let Some(secret) = &state.config.payment_secret else {
        return Err(WebError::BadRequest("Kanal pembayaran belum diatur di server ini.".into()).into());
    };
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !crate::platform::signatures::signature_valid(&secret.0, &body, signature) {
        tracing::warn!("payment callback with a missing or wrong signature refused");
        return Err(ServiceError::Unauthenticated.into());
    }
    let notice: PaymentNotice = serde_json::from_slice(&body)
        .map_err(|_| WebError::BadRequest("Isi callback bukan pemberitahuan pembayaran yang sah.".into()))?;
    let status = match retribution::confirm_by_callback(&state, &notice).await? {
        CallbackOutcome::Paid => "paid",
        CallbackOutcome::AlreadyPaid => "already_paid",
    };
    Ok(ok(PaymentRecorded { status }))
}
