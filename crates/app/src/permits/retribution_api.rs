//! The payment gateway's callback: `POST /api/hooks/payment`, signed with HMAC-SHA256 of the
//! body under `IZINKES_PAYMENT_SECRET` in `X-Izinkes-Signature: sha256=<hex>`. Idempotent: the
//! same payment reported again answers 200 `already_paid` and changes nothing.

use crate::permits::retribution;
use crate::permits::retribution::CallbackOutcome;
use crate::permits::retribution::PaymentNotice;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::api::ApiApplicant;
use crate::web::api::ApiBody;
use crate::web::api::ApiResult;
use crate::web::api::BadRequest;
use crate::web::api::Conflict;
use crate::web::api::Forbidden;
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

/// An application's SKRD as its applicant reads it.
#[derive(Serialize, ToSchema, Default)]
pub(crate) struct RetributionBody {
    /// `none` (no SKRD: a free service, or not yet through the desks), `unpaid`, `overdue`
    /// (unpaid past its due date) or `paid`.
    status: &'static str,
    /// `SKRD/{office code}/{year}/{sequence}`: quote it when paying.
    number: Option<String>,
    /// Whole rupiah.
    amount: Option<u64>,
    /// The Perda that sets the levy.
    legal_basis: Option<String>,
    /// `YYYY-MM-DD`.
    issued_on: Option<String>,
    /// `YYYY-MM-DD`: pay before the end of this day.
    due_on: Option<String>,
    /// When it was paid (UTC), once paid.
    paid_at: Option<String>,
    /// The payment's reference, once paid.
    reference: Option<String>,
}

/// The retribusi (SKRD) of one of the caller's applications
///
/// An SKRD is issued when the file is through the desks and the office's service standard has a
/// fee; the permit is signed once it is paid. `status` is `none` while there is no SKRD.
#[utoipa::path(get, path = "/api/v1/applications/{id}/retribution", operation_id = "getRetribution", tag = "Applications",
    params(("id" = String, Path, description = "Application id.")),
    responses(
        (status = 200, description = "The SKRD, or `status: none`.", body = RetributionBody),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn get_retribution(
    State(state): State<AppState>,
    a: ApiApplicant,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> ApiResult {
    let Some(r) = retribution::of_own_application(&state, a.id(), &id).await? else {
        return Ok(ok(RetributionBody {
            status: "none",
            ..RetributionBody::default()
        }));
    };
    let status = if r.paid {
        "paid"
    } else if r.overdue {
        "overdue"
    } else {
        "unpaid"
    };
    Ok(ok(RetributionBody {
        status,
        reference: r.paid.then_some(r.reference),
        number: Some(r.number),
        amount: Some(r.amount),
        legal_basis: Some(r.legal_basis),
        issued_on: Some(r.issued_on_iso),
        due_on: Some(r.due_on_iso),
        paid_at: r.paid_at_iso,
    }))
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
