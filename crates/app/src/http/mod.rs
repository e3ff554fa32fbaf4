//! The router and what wraps every request: the route table with its access rules
//! (`routes`, `access`), the request's id, client address and log span (`trace`), CSRF
//! protection, compression, security headers, limits, timeouts, health checks and static assets.
//! Only `lib.rs` (serving) imports this module; the areas' handlers are written with `crate::web`.

pub mod access;
pub mod compress;
pub mod csrf;
pub mod openapi;
pub mod routes;
pub mod trace;

use crate::http::csrf::csrf_guard;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::http::header;
use axum::middleware;
use axum::response::IntoResponse;
use axum::response::Response;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

/// Largest request body (uploads); each requirement has its own smaller limit.
pub const BODY_LIMIT: usize = crate::platform::uploads::MAX_UPLOAD_BYTES + 512 * 1024;

/// HSTS for a year, the usual first commitment (no subdomains: other services of the regency's
/// domain may still be plain HTTP).
const HSTS: &str = "max-age=31536000";

pub fn router(state: AppState) -> Router {
    let hsts = state.config.sends_hsts();
    let (app, _) = routes::routes().into_parts();
    let app = app
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), csrf_guard))
        // The access guard of each route finds the state here (`access::guard`).
        .layer(axum::Extension(state.clone()));
    let app = app
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(crate::web::error::panic_response))
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
        // Outermost, so that every response (timeouts, panics, 404s) has its id and every log
        // line of the request its span.
        .layer(trace::trace_layer())
        .layer(middleware::from_fn_with_state(state.clone(), trace::request_context))
        .with_state(state);
    if hsts {
        app.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        ))
    } else {
        app
    }
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
        return crate::web::api::no_route().await;
    }
    crate::web::error::WebError::NotFound.into_response()
}
