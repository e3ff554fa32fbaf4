//! The web layer: server-rendered pages in Bahasa Indonesia and the JSON API, both thin over
//! the same services. Cross-cutting concerns live here: sessions, CSRF, security headers,
//! limits, error pages.

pub mod access;
pub mod api;
pub mod compress;
pub mod ctx;
pub mod error;
pub mod fmt;
pub mod pages;
pub mod pages_admin;
pub mod pages_apply;
pub mod pages_desk;
pub mod pages_documents;
pub mod pages_permits;
pub mod templates;

use crate::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

pub const SESSION_COOKIE: &str = "izk_session";
pub const CSRF_COOKIE: &str = "izk_csrf";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Largest request body (uploads); each requirement has its own smaller limit.
pub const BODY_LIMIT: usize = crate::documents::MAX_UPLOAD_BYTES + 512 * 1024;

pub fn router(state: AppState) -> Router {
    let app = pages::routes()
        .merge(pages_apply::routes())
        .merge(pages_desk::routes())
        .merge(pages_admin::routes())
        .merge(pages_documents::routes())
        .merge(pages_permits::routes())
        .layer(middleware::from_fn_with_state(state.clone(), csrf_guard))
        .nest("/api", api::routes())
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/static/app.css", get(static_css))
        .route("/static/app.js", get(static_js))
        .fallback(not_found);
    app.layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(error::panic_response))
        .layer(middleware::from_fn(compress::gzip))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(60)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN")))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
            ),
        ))
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> Response {
    match (state.db.ping().await, state.store.check().await) {
        (Ok(()), Ok(())) => (StatusCode::OK, "ready").into_response(),
        (db, store) => {
            tracing::error!(db = ?db.err(), store = ?store.err(), "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "not ready").into_response()
        }
    }
}

async fn static_css() -> Response {
    static_asset(include_str!("../../static/app.css"), "text/css; charset=utf-8")
}

async fn static_js() -> Response {
    static_asset(include_str!("../../static/app.js"), "text/javascript; charset=utf-8")
}

fn static_asset(body: &'static str, mime: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

async fn not_found(req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        return error::WebError::NotFound.into_api_response();
    }
    error::WebError::NotFound.into_response()
}

/// Reads one cookie from the request headers.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn set_cookie(name: &str, value: &str, max_age_secs: Option<i64>, secure: bool, same_site: &str) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}");
    if let Some(age) = max_age_secs {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The CSRF token of this browser (double-submit cookie), available to handlers and templates.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

/// CSRF protection for every state-changing page request: the `_csrf` value of the form (or the
/// `X-CSRF-Token` header, or the `_csrf` query parameter for file uploads) must equal the
/// browser's CSRF cookie, and a cross-site `Origin` is refused outright. The API is exempt: it
/// authenticates with bearer tokens, never with cookies.
async fn csrf_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let existing = cookie(req.headers(), CSRF_COOKIE)
        .filter(|t| t.len() == 52 && t.bytes().all(|b| b.is_ascii_alphanumeric()))
        .map(str::to_string);
    let token = existing.clone().unwrap_or_else(crate::ids::new_token);
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let mut req = req;
    if unsafe_method {
        if let Some(origin) = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            let host = req
                .headers()
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let same = origin.split("://").nth(1).is_some_and(|o| o == host)
                || state.config.base_url.trim_end_matches('/') == origin;
            if !same {
                return error::WebError::CsrfRejected.into_response();
            }
        }
        let Some(expected) = existing.as_deref() else {
            return error::WebError::CsrfRejected.into_response();
        };
        let header_token = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let query_token = req.uri().query().and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v.into_owned())
        });
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        let ok = if let Some(t) = header_token.or(query_token) {
            t == expected
        } else if is_form {
            let (parts, body) = req.into_parts();
            let bytes = match axum::body::to_bytes(body, 256 * 1024).await {
                Ok(b) => b,
                Err(_) => return error::WebError::TooLarge.into_response(),
            };
            let found = form_urlencoded::parse(&bytes)
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v.into_owned());
            req = Request::from_parts(parts, Body::from(bytes));
            found.as_deref() == Some(expected)
        } else {
            false
        };
        if !ok {
            return error::WebError::CsrfRejected.into_response();
        }
    }
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(req).await;
    if existing.is_none() {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(CSRF_COOKIE, &token, None, state.config.secure_cookies(), "Strict"),
        );
    }
    response
}
