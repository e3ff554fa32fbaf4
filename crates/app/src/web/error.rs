//! One place that turns errors into responses: an Indonesian page for browsers, JSON with a
//! machine code for the API. Internal details go to the log under a reference id; the user
//! sees only the id, which is the request's id (`X-Request-Id`, on every log line of the
//! request), so the reference a user quotes finds the whole request in the log.

use crate::platform::error::ServiceError;
use crate::web::view::ErrorPage;
use crate::web::view::PageCtx;
use crate::web::view::render;
use axum::Json;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::IntoResponse;
use axum::response::Redirect;
use axum::response::Response;
use izinkes_domain::catalog::FieldErrors;
use serde_json::json;

#[derive(Debug)]
pub enum WebError {
    NotFound,
    Forbidden,
    LoginRequired(String),
    OfficerLoginRequired,
    CsrfRejected,
    TooLarge,
    BadRequest(String),
    Invalid(FieldErrors),
    Refused(String),
    Conflict(String),
    Throttled(String),
    Internal(String),
}

impl From<ServiceError> for WebError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(f) => WebError::Invalid(f),
            ServiceError::Refused(m) => WebError::Refused(m),
            ServiceError::NotFound => WebError::NotFound,
            ServiceError::Forbidden => WebError::Forbidden,
            ServiceError::Unauthenticated => WebError::LoginRequired("/".into()),
            ServiceError::Throttled(m) => WebError::Throttled(m),
            ServiceError::Conflict(m) => WebError::Conflict(m),
            ServiceError::Internal(m) => WebError::Internal(m),
        }
    }
}

/// The id of the request being served (`X-Request-Id`), kept in the request's extensions and,
/// for code that has no request at hand (error pages, a panic), in a task-local.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(pub String);

tokio::task_local! {
    static REQUEST_ID: String;
}

impl RequestId {
    /// A fresh id: 10 upper-case base32 characters (50 random bits), short enough to read out
    /// over the phone.
    pub fn generate() -> RequestId {
        RequestId(crate::platform::ids::new_id()[..10].to_uppercase())
    }

    /// An id a trusted proxy sent: 1 to 64 letters, digits, `-`, `_` or `.` (what nginx's
    /// `$request_id`, UUIDs and the usual tracing ids look like); anything else is not taken.
    pub fn accept(incoming: &str) -> Option<RequestId> {
        let ok = (1..=64).contains(&incoming.len())
            && incoming
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        ok.then(|| RequestId(incoming.to_string()))
    }

    /// Runs `f` as the request `self` identifies: `current` answers inside it.
    pub fn scope<F: std::future::Future>(self, f: F) -> impl std::future::Future<Output = F::Output> {
        REQUEST_ID.scope(self.0, f)
    }

    /// The id of the request this task serves, if it serves one.
    pub fn current() -> Option<RequestId> {
        REQUEST_ID.try_with(|id| RequestId(id.clone())).ok()
    }
}

/// Logs an internal error and returns the reference id the user can quote: the request's id,
/// or outside a request (the worker) a fresh one.
pub fn log_internal(detail: &str) -> String {
    let reference = RequestId::current().unwrap_or_else(RequestId::generate).0;
    tracing::error!(reference = %reference, detail = %detail, "internal error");
    reference
}

fn page(status: StatusCode, title: &str, message: &str, reference: Option<String>) -> Response {
    let ctx = PageCtx {
        title: title.to_string(),
        user_name: None,
        is_applicant: false,
        is_officer: false,
        is_admin: false,
        is_kadis: false,
        is_cashier: false,
        csrf: String::new(),
        demo: false,
        nav: "",
        unread: 0,
        complaints_nav: "",
    };
    let body = ErrorPage {
        ctx,
        status: status.as_u16(),
        message: message.to_string(),
        reference,
    };
    (status, render(&body)).into_response()
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::NotFound => page(
                StatusCode::NOT_FOUND,
                "Halaman tidak ditemukan",
                "Halaman yang Anda cari tidak ada atau sudah dipindahkan. Periksa alamatnya, atau kembali ke beranda.",
                None,
            ),
            WebError::Forbidden => page(
                StatusCode::FORBIDDEN,
                "Akses ditolak",
                "Anda tidak memiliki akses ke halaman ini dengan akun yang sedang dipakai.",
                None,
            ),
            WebError::LoginRequired(next) => {
                let target = format!(
                    "/masuk?lanjut={}",
                    percent_encoding::utf8_percent_encode(&next, percent_encoding::NON_ALPHANUMERIC)
                );
                Redirect::to(&target).into_response()
            }
            WebError::OfficerLoginRequired => Redirect::to("/petugas/masuk").into_response(),
            WebError::CsrfRejected => page(
                StatusCode::FORBIDDEN,
                "Formulir kedaluwarsa",
                "Formulir ini tidak dapat diproses karena sesinya sudah berakhir atau dikirim dari situs lain. \
                 Kembali, muat ulang halaman, lalu kirim lagi.",
                None,
            ),
            WebError::TooLarge => page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Berkas terlalu besar",
                "Berkas yang dikirim melebihi batas ukuran. Perkecil berkas lalu coba lagi.",
                None,
            ),
            WebError::BadRequest(m) | WebError::Refused(m) => {
                page(StatusCode::UNPROCESSABLE_ENTITY, "Tidak dapat diproses", &m, None)
            }
            WebError::Invalid(fields) => {
                let m = fields.values().cloned().collect::<Vec<_>>().join(" ");
                page(StatusCode::UNPROCESSABLE_ENTITY, "Data belum benar", &m, None)
            }
            WebError::Conflict(m) => page(StatusCode::CONFLICT, "Data sudah berubah", &m, None),
            WebError::Throttled(m) => page(StatusCode::TOO_MANY_REQUESTS, "Terlalu banyak percobaan", &m, None),
            WebError::Internal(detail) => {
                let reference = log_internal(&detail);
                page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Terjadi kesalahan pada sistem",
                    "Maaf, permintaan Anda tidak dapat diselesaikan karena kesalahan pada sistem kami. Data yang sudah tersimpan tidak hilang. \
                     Coba lagi beberapa saat lagi; jika berulang, hubungi kantor layanan dengan menyebutkan nomor referensi di bawah.",
                    Some(reference),
                )
            }
        }
    }
}

impl WebError {
    /// The JSON form for `/api`: `{"error": {"code", "message", "fields"?, "reference"?}}`.
    pub fn into_api_response(self) -> Response {
        let (status, code, message, fields, reference) = match self {
            WebError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "Data tidak ditemukan.".to_string(),
                None,
                None,
            ),
            WebError::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Akses ditolak untuk akun ini.".into(),
                None,
                None,
            ),
            WebError::LoginRequired(_) | WebError::OfficerLoginRequired => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Perlu token akses yang valid (Authorization: Bearer …).".into(),
                None,
                None,
            ),
            WebError::CsrfRejected => (StatusCode::FORBIDDEN, "csrf", "Permintaan ditolak.".into(), None, None),
            WebError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "Berkas terlalu besar.".into(),
                None,
                None,
            ),
            WebError::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m, None, None),
            WebError::Invalid(f) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "Data belum benar; lihat pesan per isian.".into(),
                Some(f),
                None,
            ),
            WebError::Refused(m) => (StatusCode::UNPROCESSABLE_ENTITY, "refused", m, None, None),
            WebError::Conflict(m) => (StatusCode::CONFLICT, "conflict", m, None, None),
            WebError::Throttled(m) => (StatusCode::TOO_MANY_REQUESTS, "throttled", m, None, None),
            WebError::Internal(detail) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Terjadi kesalahan pada sistem. Sebutkan nomor referensi saat menghubungi kantor layanan.".into(),
                None,
                Some(log_internal(&detail)),
            ),
        };
        let mut body = json!({"code": code, "message": message});
        if let Some(f) = fields {
            body["fields"] = json!(f);
        }
        if let Some(r) = reference {
            body["reference"] = json!(r);
        }
        (
            status,
            [(header::CACHE_CONTROL, "no-store")],
            Json(json!({"error": body})),
        )
            .into_response()
    }
}

/// A panic in a handler becomes the same 500 page with a reference id (and the log line).
#[allow(
    clippy::needless_pass_by_value,
    reason = "the signature tower-http's CatchPanicLayer calls it with"
)]
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panic".into());
    WebError::Internal(format!("panic: {detail}")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_incoming_ids_only() {
        for good in [
            "a",
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "abc_DEF.123",
            &"x".repeat(64),
        ] {
            assert_eq!(RequestId::accept(good).map(|r| r.0), Some(good.to_string()));
        }
        for bad in ["", "has space", "semi;colon", "<b>", "ü", &"x".repeat(65)] {
            assert_eq!(RequestId::accept(bad), None, "{bad:?}");
        }
    }

    #[tokio::test]
    async fn the_reference_of_an_error_is_the_request_id() {
        assert!(RequestId::current().is_none());
        let fresh = log_internal("outside a request");
        assert_eq!(fresh.len(), 10);
        let id = RequestId("REQ1234567".into());
        let reference = id.clone().scope(async { log_internal("inside") }).await;
        assert_eq!(reference, id.0);
    }
}
