//! CSRF protection of every state-changing page request (double-submit cookie, same origin).

use crate::state::AppState;
use crate::web::cookies::CSRF_COOKIE;
use crate::web::cookies::CSRF_FIELD;
use crate::web::cookies::CSRF_HEADER;
use crate::web::cookies::CsrfToken;
use crate::web::cookies::cookie;
use crate::web::cookies::csrf_cookie;
use crate::web::cookies::with_cookie;
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
    let existing =
        cookie(req.headers(), CSRF_COOKIE).filter(|t| t.len() == 52 && t.bytes().all(|b| b.is_ascii_alphanumeric()));
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
            tokens_match(&t, expected)
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
            found.is_some_and(|t| tokens_match(&t, expected))
        } else {
            false
        };
        if !ok {
            return crate::web::error::WebError::CsrfRejected.into_response();
        }
    }
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let response = next.run(req).await;
    if existing.is_none() {
        return with_cookie(response, csrf_cookie(&token, state.config.secure_cookies()));
    }
    response
}

/// Whether a submitted token is the cookie's, in time that does not depend on where they first
/// differ (a timing oracle would let a page guess the token byte by byte). The length is not
/// secret: every token has 52 characters.
fn tokens_match(submitted: &str, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(submitted.as_bytes().ct_eq(expected.as_bytes()))
}

/// The API (bearer tokens, never cookies), health checks and static assets carry no CSRF cookie.
fn exempt(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/static/") || path == "/healthz" || path == "/readyz"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_token_matches() {
        let token = crate::platform::ids::new_token();
        assert_eq!(token.len(), 52);
        assert!(tokens_match(&token, &token.clone()));
        let mut other = token.clone().into_bytes();
        other[51] = if other[51] == b'a' { b'b' } else { b'a' };
        let other = String::from_utf8(other).unwrap_or_default();
        assert!(!tokens_match(&other, &token));
        assert!(!tokens_match(&token[..51], &token), "a prefix is not the token");
        assert!(!tokens_match("", &token));
        assert!(!tokens_match(&format!("{token}x"), &token));
    }

    #[test]
    fn the_api_and_assets_are_exempt_and_pages_are_not() {
        assert!(exempt("/api/v1/auth/login"));
        assert!(exempt("/static/app.css"));
        assert!(exempt("/healthz"));
        assert!(!exempt("/petugas/masuk"));
        assert!(!exempt("/v/abc/periksa"));
    }
}
