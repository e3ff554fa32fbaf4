//! Who is asking a page: the session of the cookie resolved once per request (`Visitor`), and
//! the applicant or the officer a handler needs (`ApplicantUser`, `OfficerUser`).

use crate::auth::sessions::SessionSubject;
use crate::auth::sessions::SubjectKind;
use crate::platform::config::TrustedProxies;
use crate::state::AppState;
use crate::web::error::WebError;
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use izinkes_domain::roles::Role;
use std::net::IpAddr;
// ---------------------------------------------------------------------------------------------
// The desks (Tugas Saya, the file, its actions, the supervisors' summary) for officer tokens.
use crate::auth::officer::Officer;
use crate::auth::sessions::resolve_session;
use crate::web::api::ApiError;
use crate::web::cookies::CSRF_COOKIE;
use crate::web::cookies::CsrfToken;
use crate::web::cookies::SESSION_COOKIE;
use crate::web::cookies::cookie;
use crate::web::view::PageCtx;

/// The client's address, for throttling and logging: the socket peer, unless the peer is one of
/// the trusted proxies (`TRUSTED_PROXIES`); then the address the proxies forwarded, read right
/// to left and skipping the trusted proxies themselves (the rightmost address no trusted proxy
/// stands for). Headers from any other peer change nothing, so they cannot be forged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub String);

impl ClientAddr {
    /// Resolved once per request by the request layer (`http::trace`), which keeps it in the
    /// request's extensions; `resolve` is the rule itself.
    pub fn resolve(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &TrustedProxies) -> ClientAddr {
        let Some(peer) = peer.map(|p| p.to_canonical()) else {
            return ClientAddr(UNKNOWN_CLIENT.into());
        };
        let client = if trusted.contains(peer) {
            rightmost_untrusted(peer, &forwarded_chain(headers), trusted)
        } else {
            peer
        };
        ClientAddr(client.to_string())
    }

    /// The request's client: the one the request layer resolved, else (a router served without
    /// it) resolved here.
    pub fn of(parts: &Parts, trusted: &TrustedProxies) -> ClientAddr {
        match parts.extensions.get::<ClientAddr>() {
            Some(c) => c.clone(),
            None => ClientAddr::resolve(peer_ip(&parts.extensions), &parts.headers, trusted),
        }
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr::of(parts, &state.config.trusted_proxies))
    }
}

/// What a request without a socket address (a router driven in-process) is keyed as.
const UNKNOWN_CLIENT: &str = "unknown";

/// The socket peer's address, as the server's `ConnectInfo` recorded it.
pub(crate) fn peer_ip(extensions: &axum::http::Extensions) -> Option<IpAddr> {
    extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_canonical())
}

/// Walks the forwarded chain (client first, nearest proxy last) from the right, starting at
/// the trusted peer: each trusted hop vouches for the address before it; the first untrusted
/// one is the client. An entry that is not an address ends the walk at the last trusted hop,
/// since nothing before it can be believed; a chain of trusted hops only ends at its leftmost.
pub(crate) fn rightmost_untrusted(peer: IpAddr, chain: &[Option<IpAddr>], trusted: &TrustedProxies) -> IpAddr {
    let mut client = peer;
    for hop in chain.iter().rev() {
        if !trusted.contains(client) {
            break;
        }
        match hop {
            Some(ip) => client = ip.to_canonical(),
            None => break,
        }
    }
    client
}

/// The addresses the proxies forwarded, client first: `X-Forwarded-For` (every header line, in
/// order) when there is one, else the `for=` of each `Forwarded` element. `X-Forwarded-For`
/// wins because the usual proxies (nginx, Caddy, Traefik, HAProxy) write it and pass an
/// incoming `Forwarded` through untouched. An entry that is not an address is `None`.
pub(crate) fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let xff: Vec<_> = headers.get_all("x-forwarded-for").iter().collect();
    if !xff.is_empty() {
        return xff
            .into_iter()
            .flat_map(|v| match v.to_str() {
                Ok(v) => v.split(',').map(parse_node).collect::<Vec<_>>(),
                Err(_) => vec![None],
            })
            .collect();
    }
    headers
        .get_all(axum::http::header::FORWARDED)
        .iter()
        .flat_map(|v| match v.to_str() {
            Ok(v) => forwarded_for(v),
            Err(_) => vec![None],
        })
        .collect()
}

/// The `for=` of each element of an RFC 7239 `Forwarded` value, in order; an element without
/// one (or with `unknown`, an obfuscated `_name`, or garbage) is `None`.
pub(crate) fn forwarded_for(value: &str) -> Vec<Option<IpAddr>> {
    split_unquoted(value, ',')
        .into_iter()
        .map(|element| {
            split_unquoted(element, ';').into_iter().find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| parse_node(&unquote(value.trim())))
            })?
        })
        .collect()
}

/// Splits at `sep` outside double-quoted strings (a quoted value may hold `,` or `;`).
fn split_unquoted(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == sep && !quoted => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// A token or an RFC 7230 quoted-string's content (backslash escapes undone).
fn unquote(s: &str) -> String {
    let Some(inner) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return s.to_string();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

/// One node of a forwarded chain: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]`
/// or `[2001:db8::1]:4711`; anything else (`unknown`, `_hidden`, garbage) is `None`.
pub(crate) fn parse_node(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(sock) = s.parse::<std::net::SocketAddr>() {
        return Some(sock.ip().to_canonical());
    }
    s.strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .and_then(|s| s.parse::<std::net::Ipv6Addr>().ok())
        .map(|ip| IpAddr::V6(ip).to_canonical())
}

/// Anyone: maybe signed in.
#[derive(Clone)]
pub struct Visitor {
    pub subject: Option<SessionSubject>,
    pub session_token: Option<String>,
    pub csrf: String,
    /// The client address used for throttling.
    pub client: String,
    pub path: String,
    /// Unread Pesan Pengaduan for the header badge: counted by the access guard for an
    /// officer's pages (0 elsewhere).
    pub unread: i64,
}

impl Visitor {
    pub fn ctx(&self, state: &AppState, title: &str, nav: &'static str) -> PageCtx {
        PageCtx {
            title: title.to_string(),
            user_name: self.subject.as_ref().map(|s| s.name.clone()),
            is_applicant: self.subject.as_ref().is_some_and(|s| s.kind == SubjectKind::Applicant),
            is_officer: self.subject.as_ref().is_some_and(|s| s.kind == SubjectKind::Officer),
            is_admin: self.subject.as_ref().is_some_and(|s| {
                s.kind == SubjectKind::Officer && s.roles.contains(&izinkes_domain::roles::Role::Admin)
            }),
            is_kadis: self.subject.as_ref().is_some_and(|s| {
                s.kind == SubjectKind::Officer && s.roles.contains(&izinkes_domain::roles::Role::Kadis)
            }),
            is_cashier: self.subject.as_ref().is_some_and(|s| {
                use izinkes_domain::roles::Role;
                s.kind == SubjectKind::Officer
                    && izinkes_domain::roles::holds_any(&s.roles, &[Role::Kasir, Role::Admin])
            }),
            csrf: self.csrf.clone(),
            demo: state.config.demo,
            nav,
            unread: self.unread,
            complaints_nav: self.complaints_nav(),
        }
    }
}

impl Visitor {
    /// The complaints desk for its officers, the report for the heads who read it.
    fn complaints_nav(&self) -> &'static str {
        use izinkes_domain::roles::Role;
        let Some(s) = self.subject.as_ref().filter(|s| s.kind == SubjectKind::Officer) else {
            return "";
        };
        if izinkes_domain::roles::holds_any(&s.roles, &[Role::Pengaduan, Role::Admin]) {
            "/petugas/pengaduan"
        } else if izinkes_domain::roles::holds_any(&s.roles, &[Role::Kasi, Role::Kabid, Role::Kadis]) {
            "/petugas/pengaduan/laporan"
        } else {
            ""
        }
    }
}

/// The client address the request layer resolved; without that layer, the socket peer (no
/// proxy trusted).
pub fn client_address(parts: &Parts) -> String {
    ClientAddr::of(parts, &TrustedProxies::default()).0
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(v) = parts.extensions.get::<Visitor>() {
            return Ok(v.clone());
        }
        let token = cookie(&parts.headers, SESSION_COOKIE);
        let subject = match &token {
            Some(t) => resolve_session(state, t).await?,
            None => None,
        };
        let csrf = parts
            .extensions
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .or_else(|| cookie(&parts.headers, CSRF_COOKIE))
            .unwrap_or_default();
        let v = Visitor {
            subject,
            session_token: token,
            csrf,
            client: ClientAddr::of(parts, &state.config.trusted_proxies).0,
            path: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into()),
            unread: 0,
        };
        parts.extensions.insert(v.clone());
        Ok(v)
    }
}

/// A signed-in applicant (Pemohon); anyone else is sent to the login page and brought back.
#[derive(Clone)]
pub struct ApplicantUser {
    pub visitor: Visitor,
    pub id: String,
}

impl ApplicantUser {
    pub fn ctx(&self, state: &AppState, title: &str, nav: &'static str) -> PageCtx {
        self.visitor.ctx(state, title, nav)
    }
}

impl FromRequestParts<AppState> for ApplicantUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let visitor = Visitor::from_request_parts(parts, state).await?;
        match &visitor.subject {
            Some(s) if s.kind == SubjectKind::Applicant => Ok(ApplicantUser {
                id: s.id.clone(),
                visitor,
            }),
            Some(_) => Err(WebError::Forbidden),
            None => Err(WebError::LoginRequired(visitor.path.clone())),
        }
    }
}

/// A signed-in officer (Petugas) of an office.
#[derive(Clone)]
pub struct OfficerUser {
    pub visitor: Visitor,
    pub id: String,
    pub office_id: String,
    pub roles: Vec<izinkes_domain::roles::Role>,
}

/// Where an officer whose sign-in still owes its second factor is sent.
pub const OFFICER_2FA_PATH: &str = "/petugas/2fa";

impl FromRequestParts<AppState> for OfficerUser {
    type Rejection = axum::response::Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let visitor = Visitor::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match &visitor.subject {
            Some(s) if s.kind == SubjectKind::Officer && !s.mfa_pending => Ok(OfficerUser {
                id: s.id.clone(),
                office_id: s.office_id.clone().unwrap_or_default(),
                roles: s.roles.clone(),
                visitor: visitor.clone(),
            }),
            Some(_) => Err(WebError::Forbidden.into_response()),
            None => {
                // A session waiting for its second factor resolves to no subject; send its
                // officer to the code page instead of the login form.
                if let Some(token) = &visitor.session_token
                    && crate::auth::mfa::pending_officer(state, token).await.is_ok()
                {
                    return Err(axum::response::Redirect::to(OFFICER_2FA_PATH).into_response());
                }
                Err(WebError::OfficerLoginRequired.into_response())
            }
        }
    }
}

pub(crate) fn admin(o: &OfficerUser) -> Result<Officer, WebError> {
    let s = o.visitor.subject.as_ref().ok_or(WebError::OfficerLoginRequired)?;
    let officer = Officer::from_subject(s)?;
    if !officer.has(Role::Admin) {
        return Err(WebError::Forbidden);
    }
    Ok(officer)
}

pub(crate) fn officer_of(o: &OfficerUser) -> Result<Officer, WebError> {
    let s = o.visitor.subject.as_ref().ok_or(WebError::OfficerLoginRequired)?;
    Ok(Officer::from_subject(s)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn trusted(s: &str) -> TrustedProxies {
        TrustedProxies::parse(s).unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn client(peer: &str, pairs: &[(&'static str, &str)], proxies: &str) -> String {
        ClientAddr::resolve(Some(ip(peer)), &headers(pairs), &trusted(proxies)).0
    }

    #[test]
    fn nodes_parse_with_and_without_ports_and_brackets() {
        assert_eq!(parse_node("192.0.2.60"), Some(ip("192.0.2.60")));
        assert_eq!(parse_node(" 192.0.2.60:4711 "), Some(ip("192.0.2.60")));
        assert_eq!(parse_node("2001:db8:cafe::17"), Some(ip("2001:db8:cafe::17")));
        assert_eq!(parse_node("[2001:db8:cafe::17]"), Some(ip("2001:db8:cafe::17")));
        assert_eq!(parse_node("[2001:db8:cafe::17]:4711"), Some(ip("2001:db8:cafe::17")));
        assert_eq!(parse_node("::ffff:192.0.2.1"), Some(ip("192.0.2.1")));
        for garbage in [
            "",
            "unknown",
            "_hidden",
            "192.0.2",
            "[192.0.2.1]",
            "2001:db8::1]:80",
            "1.2.3.4:port",
            "<script>",
        ] {
            assert_eq!(parse_node(garbage), None, "{garbage:?}");
        }
    }

    #[test]
    fn forwarded_reads_for_of_each_element_quoted_or_not() {
        assert_eq!(
            forwarded_for(r#"for=192.0.2.60;proto=http;by=203.0.113.43, For="[2001:db8:cafe::17]:4711""#),
            vec![Some(ip("192.0.2.60")), Some(ip("2001:db8:cafe::17"))]
        );
        assert_eq!(
            forwarded_for(r#"proto=https;for="198.51.100.1:80""#),
            vec![Some(ip("198.51.100.1"))]
        );
        // A quoted value holding the separators does not split its element.
        assert_eq!(
            forwarded_for(r#"by="a,b;c";for=198.51.100.2, for=198.51.100.3"#),
            vec![Some(ip("198.51.100.2")), Some(ip("198.51.100.3"))]
        );
        assert_eq!(forwarded_for(r#"for="\[::1\]""#), vec![Some(ip("::1"))]);
        assert_eq!(
            forwarded_for("for=unknown, proto=https, for=_x, garbage"),
            vec![None, None, None, None]
        );
        assert_eq!(forwarded_for(r#"for="198.51.100.4"#), vec![None], "an unclosed quote");
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_sends() {
        let forged = [("x-forwarded-for", "198.51.100.9"), ("forwarded", "for=198.51.100.8")];
        assert_eq!(client("203.0.113.5", &forged, ""), "203.0.113.5");
        assert_eq!(client("203.0.113.5", &forged, "127.0.0.1/32"), "203.0.113.5");
        assert_eq!(client("::ffff:203.0.113.5", &forged, ""), "203.0.113.5");
        assert_eq!(
            ClientAddr::resolve(None, &headers(&forged), &trusted("0.0.0.0/0")).0,
            "unknown"
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_address_is_the_client() {
        let proxies = "127.0.0.1/32,::1/128,10.0.0.0/8";
        assert_eq!(
            client("127.0.0.1", &[("x-forwarded-for", "198.51.100.7")], proxies),
            "198.51.100.7"
        );
        // What the client wrote itself stays left of what the proxies appended.
        assert_eq!(
            client(
                "127.0.0.1",
                &[("x-forwarded-for", "1.1.1.1, 198.51.100.7, 10.0.0.3")],
                proxies
            ),
            "198.51.100.7"
        );
        // Several header lines are one list, in order.
        assert_eq!(
            client(
                "::1",
                &[
                    ("x-forwarded-for", "1.1.1.1"),
                    ("x-forwarded-for", "[2001:db8::5]:443, 10.1.2.3")
                ],
                proxies
            ),
            "2001:db8::5"
        );
        assert_eq!(
            client("127.0.0.1", &[("forwarded", r#"for="[2001:db8::6]:1234""#)], proxies),
            "2001:db8::6"
        );
        // X-Forwarded-For is what the usual proxies write; a passed-through Forwarded is not read.
        assert_eq!(
            client(
                "127.0.0.1",
                &[("forwarded", "for=1.1.1.1"), ("x-forwarded-for", "198.51.100.7")],
                proxies
            ),
            "198.51.100.7"
        );
    }

    #[test]
    fn a_chain_of_trusted_hops_or_garbage_stops_at_the_last_trusted_address() {
        let proxies = "127.0.0.1/32,10.0.0.0/8";
        assert_eq!(client("127.0.0.1", &[], proxies), "127.0.0.1");
        assert_eq!(
            client("127.0.0.1", &[("x-forwarded-for", "10.0.0.9, 10.0.0.8")], proxies),
            "10.0.0.9"
        );
        assert_eq!(
            client(
                "127.0.0.1",
                &[("x-forwarded-for", "198.51.100.1, garbage, 10.0.0.8")],
                proxies
            ),
            "10.0.0.8"
        );
        assert_eq!(client("127.0.0.1", &[("x-forwarded-for", "")], proxies), "127.0.0.1");
        assert_eq!(
            client("127.0.0.1", &[("forwarded", "for=unknown")], proxies),
            "127.0.0.1"
        );
    }
}
