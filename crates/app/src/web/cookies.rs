//! The session and CSRF cookies, and the CSRF token the guard hands to pages.

use axum::http::HeaderValue;
use axum::http::header;

pub const SESSION_COOKIE: &str = "izk_session";

pub const CSRF_COOKIE: &str = "izk_csrf";

pub const CSRF_FIELD: &str = "_csrf";

pub const CSRF_HEADER: &str = "x-csrf-token";

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
