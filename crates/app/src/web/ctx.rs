//! Who is asking: the session (cookie for pages, bearer token for the API) resolved once per
//! request, and the common context every page template needs.

use super::error::WebError;
use super::{CSRF_COOKIE, CsrfToken, SESSION_COOKIE, cookie};
use crate::accounts::{SessionSubject, SubjectKind, resolve_session};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// Anyone: maybe signed in.
#[derive(Clone)]
pub struct Visitor {
    pub subject: Option<SessionSubject>,
    pub session_token: Option<String>,
    pub csrf: String,
    /// The client address used for throttling.
    pub client: String,
    pub path: String,
}

/// The common context of every page (header, footer, CSRF field).
#[derive(Clone)]
pub struct PageCtx {
    pub title: String,
    pub user_name: Option<String>,
    pub is_applicant: bool,
    pub is_officer: bool,
    pub is_admin: bool,
    pub is_kadis: bool,
    pub csrf: String,
    pub demo: bool,
    pub nav: &'static str,
}

impl Visitor {
    pub fn ctx(&self, state: &AppState, title: &str, nav: &'static str) -> PageCtx {
        PageCtx {
            title: title.to_string(),
            user_name: self.subject.as_ref().map(|s| s.name.clone()),
            is_applicant: self.subject.as_ref().is_some_and(|s| s.kind == SubjectKind::Applicant),
            is_officer: self.subject.as_ref().is_some_and(|s| s.kind == SubjectKind::Officer),
            is_admin: self
                .subject
                .as_ref()
                .is_some_and(|s| s.kind == SubjectKind::Officer && s.roles.iter().any(|r| r == "admin")),
            is_kadis: self
                .subject
                .as_ref()
                .is_some_and(|s| s.kind == SubjectKind::Officer && s.roles.iter().any(|r| r == "kadis")),
            csrf: self.csrf.clone(),
            demo: state.config.demo,
            nav,
        }
    }
}

pub fn client_address(parts: &Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(v) = parts.extensions.get::<Visitor>() {
            return Ok(v.clone());
        }
        let token = cookie(&parts.headers, SESSION_COOKIE).map(str::to_string);
        let subject = match &token {
            Some(t) => resolve_session(state, t).await?,
            None => None,
        };
        let csrf = parts
            .extensions
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .or_else(|| cookie(&parts.headers, CSRF_COOKIE).map(str::to_string))
            .unwrap_or_default();
        let v = Visitor {
            subject,
            session_token: token,
            csrf,
            client: client_address(parts),
            path: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into()),
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
    pub roles: Vec<String>,
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
                    && crate::accounts::pending_officer(state, token).await.is_ok()
                {
                    return Err(axum::response::Redirect::to(OFFICER_2FA_PATH).into_response());
                }
                Err(WebError::OfficerLoginRequired.into_response())
            }
        }
    }
}
