//! CSRF protection of every state-changing page request (double-submit cookie, same origin).

use crate::state::AppState;
use crate::web::cookies::CSRF_COOKIE;
use crate::web::cookies::CSRF_FIELD;
use crate::web::cookies::CSRF_HEADER;
use crate::web::cookies::CsrfToken;
use crate::web::cookies::cookie;
use crate::web::cookies::set_cookie;
use axum::body::Body;
use axum::extract::Request;
use axum::extract::State;
use axum::http::Method;
use axum::http::header;
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::response::Response;

/// CSRF protection for every state-changing page request: the `_csrf` value of the form (or the
/// `X-CSRF-Token` header, or the `_csrf` query parameter for file uploads) must equal the
/// browser's CSRF cookie, and a cross-site `Origin` is refused outright. The API is exempt: it
/// authenticates with bearer tokens, never with cookies.
pub(crate) async fn csrf_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if exempt(req.uri().path()) {
        return next.run(req).await;
    }
    let existing = cookie(req.headers(), CSRF_COOKIE)
        .filter(|t| t.len() == 52 && t.bytes().all(|b| b.is_ascii_alphanumeric()))
        .map(str::to_string);
    let token = existing.clone().unwrap_or_else(crate::platform::ids::new_token);
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
                return crate::web::error::WebError::CsrfRejected.into_response();
            }
        }
        let Some(expected) = existing.as_deref() else {
            return crate::web::error::WebError::CsrfRejected.into_response();
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
                Err(_) => return crate::web::error::WebError::TooLarge.into_response(),
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
            return crate::web::error::WebError::CsrfRejected.into_response();
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

/// The API (bearer tokens, never cookies), health checks and static assets carry no CSRF cookie.
fn exempt(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/static/") || path == "/healthz" || path == "/readyz"
}
