//! The session and CSRF cookies — names and attributes in this one file, read and written with
//! axum-extra's `CookieJar` — and the CSRF token the guard hands to pages.

use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::response::Response;
use axum_extra::extract::cookie::Cookie;
use axum_extra::extract::cookie::CookieJar;
use axum_extra::extract::cookie::SameSite;

pub const SESSION_COOKIE: &str = "izk_session";

pub const CSRF_COOKIE: &str = "izk_csrf";

pub const CSRF_FIELD: &str = "_csrf";

pub const CSRF_HEADER: &str = "x-csrf-token";

/// Reads one cookie of the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers).get(name).map(|c| c.value().to_owned())
}

/// Every cookie of ours: the whole site, never readable by scripts, `Secure` when served over
/// HTTPS.
fn ours(name: &'static str, value: String, secure: bool, same_site: SameSite) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(same_site)
        .secure(secure)
        .build()
}

/// The session cookie: a browser session long, `Lax` so that a link from a mail signs in.
pub fn session_cookie(token: &str, secure: bool) -> Cookie<'static> {
    ours(SESSION_COOKIE, token.to_owned(), secure, SameSite::Lax)
}

/// The session cookie emptied and expired at once (signing out).
pub fn session_removal(secure: bool) -> Cookie<'static> {
    let mut c = ours(SESSION_COOKIE, String::new(), secure, SameSite::Lax);
    c.set_max_age(time::Duration::ZERO);
    c
}

/// The CSRF cookie (double submit): `Strict`, no other site ever sends it.
pub fn csrf_cookie(token: &str, secure: bool) -> Cookie<'static> {
    ours(CSRF_COOKIE, token.to_owned(), secure, SameSite::Strict)
}

/// `response` with `cookie` set, besides any cookie it already sets.
pub fn with_cookie(response: Response, cookie: Cookie<'static>) -> Response {
    (CookieJar::new().add(cookie), response).into_response()
}

/// The CSRF token of this browser (double-submit cookie), available to handlers and templates.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    fn set_cookie_of(c: Cookie<'static>) -> Vec<String> {
        let r = with_cookie(Response::new(axum::body::Body::empty()), c);
        let mut attrs: Vec<String> = r
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .split("; ")
            .map(str::to_owned)
            .collect();
        attrs.sort();
        attrs
    }

    #[test]
    fn cookies_keep_their_attributes() {
        assert_eq!(
            set_cookie_of(session_cookie("abc", true)),
            ["HttpOnly", "Path=/", "SameSite=Lax", "Secure", "izk_session=abc"]
        );
        assert_eq!(
            set_cookie_of(session_cookie("abc", false)),
            ["HttpOnly", "Path=/", "SameSite=Lax", "izk_session=abc"]
        );
        assert_eq!(
            set_cookie_of(session_removal(false)),
            ["HttpOnly", "Max-Age=0", "Path=/", "SameSite=Lax", "izk_session="]
        );
        assert_eq!(
            set_cookie_of(csrf_cookie("t0k", true)),
            ["HttpOnly", "Path=/", "SameSite=Strict", "Secure", "izk_csrf=t0k"]
        );
    }

    #[test]
    fn a_cookie_is_read_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=1; izk_session=s3ss; izk_csrf=c5rf".parse().unwrap());
        headers.append(header::COOKIE, "b=2".parse().unwrap());
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("s3ss"));
        assert_eq!(cookie(&headers, CSRF_COOKIE).as_deref(), Some("c5rf"));
        assert_eq!(cookie(&headers, "b").as_deref(), Some("2"));
        assert_eq!(cookie(&headers, "izk"), None);
    }

    #[test]
    fn an_adding_response_keeps_its_own_cookies() {
        let r = with_cookie(Response::new(axum::body::Body::empty()), session_cookie("a", false));
        let r = with_cookie(r, csrf_cookie("b", false));
        assert_eq!(r.headers().get_all(header::SET_COOKIE).iter().count(), 2);
    }
}
