//! Who is asking a page: the session of the cookie resolved once per request (`Visitor`), and
//! the applicant or the officer a handler needs (`ApplicantUser`, `OfficerUser`).

use crate::auth::sessions::SessionSubject;
use crate::auth::sessions::SubjectKind;
use crate::state::AppState;
use crate::web::error::WebError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use izinkes_domain::roles::Role;
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

/// The client address, for throttling.
pub(crate) struct Parts0(pub(crate) String);

impl FromRequestParts<AppState> for Parts0 {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Parts0(client_address(parts)))
    }
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
