//! Who may call a route, and the guard that holds every request to it before its handler runs.
//!
//! Each route is registered in [`crate::http::routes`] with its [`Access`]; the router wraps the
//! route's handler in [`guard`], so the table of routes and the access rules are one and the
//! same. Handlers still name their caller through their extractors (`ApplicantUser`,
//! `OfficerUser`, `ApiApplicant`, …), and the services scope every record to its owner or office:
//! a record that exists but is not the caller's (another applicant's application, another
//! office's file) is 404 everywhere, so ids cannot be probed. Which officer may act on a file at
//! its current step is the desks' policy (`crate::desks::policy`), asked by the service.
//!
//! What "refused" looks like: pages send someone who is not signed in to the login page
//! (`/masuk?lanjut=…`, or `/petugas/masuk` for officer pages) and answer 403 to the wrong kind of
//! account; an officer who still owes the second factor is sent to `/petugas/2fa`. The API answers
//! 401 without a valid bearer token and 403 to the wrong kind of account.

use crate::auth::sessions::{SubjectKind, resolve_any_session};
use crate::state::AppState;
use crate::web::api::{ApiCaller, ApiError};
use crate::web::error::WebError;
use crate::web::extract::{ApplicantUser, OfficerUser, Visitor};
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use izinkes_domain::roles::Role;

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not: public pages, registration and sign-in, tracking, reference data.
    Public,
    /// Only on a demonstration server (the development mailbox); 404 for everyone anywhere else.
    DemoOnly,
    /// Anyone with a valid session or token, applicant or officer (who am I, sign out).
    SignedIn,
    /// A signed-in applicant (Pemohon). Where the path has `{id}` — an application, a file of
    /// Manajer Berkas or a permit — only its owner; anyone else gets 404.
    Applicant,
    /// An officer whose password was accepted, including a session that still owes its second
    /// factor: the two-step sign-in and enrolment pages. Anyone else goes to the officer login.
    OfficerSignIn,
    /// A fully signed-in officer of any office (own desk, own account). Where the path has `{id}`
    /// — an application or a permit — only officers of its office; other offices get 404.
    Officer,
    /// A desk action on the file `{id}`: an officer of the file's office (other offices get 404).
    /// The desks' policy then lets only holders of the role of the file's current step act
    /// (others 422 `refused`; 409 when the file changed since it was read or another officer
    /// holds it), and only supervisors reassign a file.
    StepRole,
    /// The heads who supervise the desks of their own office ([`Role::SUPERVISORS`]: Kepala
    /// Seksi, Kepala Bidang, Kepala Dinas, Admin).
    Supervisor,
    /// Officers holding one of these roles, for their own office. Where the path has `{id}`, only
    /// for records of their own office (others 404).
    OfficerRole(&'static [Role]),
}

/// The office admin's pages.
pub const ADMIN: Access = Access::OfficerRole(&[Role::Admin]);
/// The head of office's signing desk.
pub const KADIS: Access = Access::OfficerRole(&[Role::Kadis]);

impl Access {
    /// Whether an officer holding `roles` passes, once signed in.
    fn admits_officer(self, roles: &[Role]) -> bool {
        match self {
            Access::Supervisor => izinkes_domain::roles::holds_any(roles, &Role::SUPERVISORS),
            Access::OfficerRole(wanted) => izinkes_domain::roles::holds_any(roles, wanted),
            _ => true,
        }
    }
}

/// Runs before the handler of every route that is not [`Access::Public`]: lets the request
/// through or answers as "refused" says above.
pub async fn guard(access: Access, req: Request, next: Next) -> Response {
    if access == Access::Public {
        return next.run(req).await;
    }
    let Some(state) = req.extensions().get::<AppState>().cloned() else {
        return WebError::Internal("router without state".into()).into_response();
    };
    let api = req.uri().path().starts_with("/api/");
    let (mut parts, body) = req.into_parts();
    let checked = if api {
        check_api(access, &mut parts, &state).await
    } else {
        check_page(access, &mut parts, &state).await
    };
    match checked {
        Ok(()) => next.run(Request::from_parts(parts, body)).await,
        Err(refused) => refused,
    }
}

async fn check_page(access: Access, parts: &mut Parts, state: &AppState) -> Result<(), Response> {
    match access {
        Access::Public => Ok(()),
        Access::DemoOnly if state.config.demo => Ok(()),
        Access::DemoOnly => Err(WebError::NotFound.into_response()),
        Access::SignedIn => {
            let v = Visitor::from_request_parts(parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
            match v.subject {
                Some(_) => Ok(()),
                None => Err(WebError::LoginRequired(v.path).into_response()),
            }
        }
        Access::Applicant => ApplicantUser::from_request_parts(parts, state)
            .await
            .map(|_| ())
            .map_err(IntoResponse::into_response),
        Access::OfficerSignIn => {
            let v = Visitor::from_request_parts(parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
            let pending = match &v.session_token {
                Some(t) => resolve_any_session(state, t)
                    .await
                    .map_err(|e| WebError::from(e).into_response())?,
                None => None,
            };
            match pending {
                Some(s) if s.kind == SubjectKind::Officer => Ok(()),
                Some(_) => Err(WebError::Forbidden.into_response()),
                None => Err(WebError::OfficerLoginRequired.into_response()),
            }
        }
        Access::Officer | Access::StepRole | Access::Supervisor | Access::OfficerRole(_) => {
            let o = OfficerUser::from_request_parts(parts, state).await?;
            if !access.admits_officer(&o.roles) {
                return Err(WebError::Forbidden.into_response());
            }
            if parts.method == axum::http::Method::GET {
                count_unread(parts, state, o).await;
            }
            Ok(())
        }
    }
}

/// Puts the officer's unread Pesan Pengaduan on the request's visitor, for the header badge of
/// every officer page. The count is cached for a few seconds per officer (and dropped when a
/// message arrives), so a page costs at most one query for it; a failure only hides the badge.
async fn count_unread(parts: &mut Parts, state: &AppState, o: OfficerUser) {
    let Some(officer) = o
        .visitor
        .subject
        .as_ref()
        .and_then(|s| crate::auth::officer::Officer::from_subject(s).ok())
    else {
        return;
    };
    match crate::messages::service::officer_unread_total(state, &officer).await {
        Ok(n) => {
            let mut visitor = o.visitor;
            visitor.unread = n;
            parts.extensions.insert(visitor);
        }
        Err(e) => tracing::warn!(error = %e, "unread count for the header"),
    }
}

async fn check_api(access: Access, parts: &mut Parts, state: &AppState) -> Result<(), Response> {
    if access == Access::DemoOnly {
        return Err(WebError::NotFound.into_api_response());
    }
    let caller = ApiCaller::from_request_parts(parts, state)
        .await
        .map_err(IntoResponse::into_response)?;
    let kind = caller.subject.kind;
    let allowed = match access {
        Access::Public | Access::SignedIn => true,
        Access::Applicant => kind == SubjectKind::Applicant,
        Access::DemoOnly | Access::OfficerSignIn => false,
        Access::Officer | Access::StepRole | Access::Supervisor | Access::OfficerRole(_) => {
            kind == SubjectKind::Officer && access.admits_officer(&caller.subject.roles)
        }
    };
    if allowed {
        Ok(())
    } else {
        Err(ApiError(WebError::Forbidden).into_response())
    }
}
