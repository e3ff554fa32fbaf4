//! The officers' second-factor pages: the code after the password, enrolling an authenticator,
//! recovery codes, and turning it off.

use crate::auth;
use crate::auth::sessions::SubjectKind;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::cookies::session_cookie;
use crate::web::cookies::with_cookie;
use crate::web::error::WebError;
use crate::web::extract::OFFICER_2FA_PATH;
use crate::web::extract::OfficerUser;
use crate::web::extract::Visitor;
use crate::web::form::FormBody;
use crate::web::view::FormState;
use crate::web::view::PageResult;
use crate::web::view::page;
use crate::web::view::page_with_status;
use crate::web::view::see_other;
use axum::body::Bytes;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::Response;
use izinkes_domain::catalog::FieldErrors;
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------------
// Officer two-step sign-in: the code page after the password, and Keamanan Akun (enrolment with
// a QR code, recovery codes, turning it off where allowed). These pages accept a session that
// still owes its second factor; every other officer page refuses it (`OfficerUser`).

pub const OFFICER_SECURITY_PATH: &str = "/petugas/keamanan";

#[derive(askama::Template)]
#[template(path = "auth/officer_2fa.html")]
pub struct Officer2faPage {
    pub ctx: crate::web::view::PageCtx,
    pub name: String,
    pub form: FormState,
}

/// Keamanan Akun. `mode`: "enrol" (QR and confirmation), "codes" (new recovery codes, shown
/// once) or "status" (TOTP on).
#[derive(askama::Template)]
#[template(path = "auth/officer_security.html")]
pub struct OfficerSecurityPage {
    pub ctx: crate::web::view::PageCtx,
    pub mode: &'static str,
    pub name: String,
    pub required: bool,
    /// Signing in: the officer must finish this before anything else.
    pub pending: bool,
    pub enrolment: Option<auth::mfa::TotpEnrolment>,
    pub codes: Vec<String>,
    pub enabled_at: String,
    pub recovery_left: i64,
    pub form: FormState,
    pub notice: String,
}

/// The officer of this request, full or still owing the second factor, with the session token.
pub(crate) struct AnyOfficer {
    subject: auth::sessions::SessionSubject,
    token: String,
}

async fn any_officer(state: &AppState, v: &Visitor) -> Result<Option<AnyOfficer>, WebError> {
    let Some(token) = v.session_token.clone() else {
        return Ok(None);
    };
    if let Some(s) = &v.subject {
        return Ok((s.kind == SubjectKind::Officer).then(|| AnyOfficer {
            subject: s.clone(),
            token,
        }));
    }
    match auth::mfa::pending_officer(state, &token).await {
        Ok(subject) => Ok(Some(AnyOfficer { subject, token })),
        Err(ServiceError::Unauthenticated) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The page context; a pending officer is not signed in yet, but sees their name and "Keluar".
fn officer_ctx(state: &AppState, v: &Visitor, o: &AnyOfficer, title: &str) -> crate::web::view::PageCtx {
    let mut ctx = v.ctx(state, title, "keamanan");
    ctx.user_name = Some(o.subject.name.clone());
    ctx
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    r
}

fn with_session_cookie(state: &AppState, r: Response, token: &str) -> Response {
    with_cookie(r, session_cookie(token, state.config.secure_cookies()))
}

fn code_error(key: &str, message: String) -> FormState {
    let mut errors = FieldErrors::new();
    errors.insert(key.to_string(), message);
    FormState::new(HashMap::new(), errors)
}

/// A service error about a code, as the form to show again; other errors pass through.
fn code_form(e: ServiceError, key: &str) -> Result<(StatusCode, FormState), ServiceError> {
    match e {
        ServiceError::Invalid(errors) => {
            let m = errors.into_values().next().unwrap_or_default();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, code_error(key, m)))
        }
        ServiceError::Throttled(m) => Ok((StatusCode::TOO_MANY_REQUESTS, code_error(key, m))),
        other => Err(other),
    }
}

pub(crate) async fn officer_2fa_form(State(state): State<AppState>, v: Visitor) -> PageResult {
    let Some(o) = any_officer(&state, &v).await? else {
        return Ok(see_other("/petugas/masuk"));
    };
    if !o.subject.mfa_pending {
        return Ok(see_other("/petugas"));
    }
    if !auth::mfa::officer_mfa(&state, &o.subject.id).await?.enabled {
        return Ok(see_other(OFFICER_SECURITY_PATH));
    }
    let ctx = officer_ctx(&state, &v, &o, "Verifikasi Dua Langkah");
    Ok(no_store(page(&Officer2faPage {
        ctx,
        name: o.subject.name,
        form: FormState::default(),
    })))
}

pub(crate) async fn officer_2fa(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    let Some(o) = any_officer(&state, &v).await? else {
        return Ok(see_other("/petugas/masuk"));
    };
    if !o.subject.mfa_pending {
        return Ok(see_other("/petugas"));
    }
    let f = FormBody::parse(&body);
    match auth::mfa::verify_pending_session(&state, &o.token, &f.get("code"), &v.client).await {
        Ok(token) => Ok(with_session_cookie(&state, see_other("/petugas"), &token)),
        Err(ServiceError::Refused(_)) => Ok(see_other(OFFICER_SECURITY_PATH)),
        Err(ServiceError::Unauthenticated) => Ok(see_other("/petugas/masuk")),
        Err(e) => {
            let (status, form) = code_form(e, "code")?;
            let ctx = officer_ctx(&state, &v, &o, "Verifikasi Dua Langkah");
            Ok(no_store(page_with_status(
                status,
                &Officer2faPage {
                    ctx,
                    name: o.subject.name,
                    form,
                },
            )))
        }
    }
}

/// Keamanan Akun as it stands: enrolment when TOTP is off, the status when it is on.
async fn security_page(
    state: &AppState,
    v: &Visitor,
    o: &AnyOfficer,
    form: FormState,
    notice: String,
) -> Result<OfficerSecurityPage, WebError> {
    let mfa = auth::mfa::officer_mfa(state, &o.subject.id).await?;
    let enrolment = if mfa.enabled {
        None
    } else {
        Some(auth::mfa::begin_totp_enrolment(state, &o.subject.id).await?)
    };
    let tz = crate::catalog::offices::get(state, o.subject.office_id.as_deref().unwrap_or_default())
        .await
        .ok()
        .map(|of| of.tz());
    let enabled_at = match (&mfa.enabled_at, tz) {
        (Some(at), Some(tz)) => izinkes_domain::format_id::timestamp_id(at, tz.offset(), tz.label()),
        (Some(at), None) => izinkes_domain::format_id::timestamp_id(at, izinkes_domain::format_id::wib(), "WIB"),
        (None, _) => String::new(),
    };
    Ok(OfficerSecurityPage {
        ctx: officer_ctx(state, v, o, "Keamanan Akun"),
        mode: if mfa.enabled { "status" } else { "enrol" },
        name: o.subject.name.clone(),
        required: mfa.required,
        pending: o.subject.mfa_pending,
        enrolment,
        codes: Vec::new(),
        enabled_at,
        recovery_left: mfa.recovery_left,
        form,
        notice,
    })
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct SecurityQuery {
    #[serde(default)]
    nonaktif: Option<String>,
}

pub(crate) async fn officer_security(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<SecurityQuery>,
) -> PageResult {
    let Some(o) = any_officer(&state, &v).await? else {
        return Ok(see_other("/petugas/masuk"));
    };
    if o.subject.mfa_pending && auth::mfa::officer_mfa(&state, &o.subject.id).await?.enabled {
        return Ok(see_other(OFFICER_2FA_PATH));
    }
    let notice = if q.nonaktif.is_some() {
        "Verifikasi dua langkah telah dimatikan.".to_string()
    } else {
        String::new()
    };
    Ok(no_store(page(
        &security_page(&state, &v, &o, FormState::default(), notice).await?,
    )))
}

fn codes_page(mut p: OfficerSecurityPage, codes: Vec<String>) -> Response {
    p.mode = "codes";
    p.codes = codes;
    p.enrolment = None;
    no_store(page(&p))
}

pub(crate) async fn officer_totp_enable(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    let Some(o) = any_officer(&state, &v).await? else {
        return Ok(see_other("/petugas/masuk"));
    };
    let f = FormBody::parse(&body);
    match auth::mfa::confirm_totp_enrolment(&state, &o.subject.id, &f.get("code"), &v.client).await {
        Ok(codes) => {
            let mut p = security_page(&state, &v, &o, FormState::default(), String::new()).await?;
            if o.subject.mfa_pending {
                // Enrolment was the second factor of this sign-in: the session becomes a full one.
                let token = auth::mfa::finish_pending_after_enrolment(&state, &o.token).await?;
                p.pending = false;
                p.ctx.is_officer = true;
                return Ok(with_session_cookie(&state, codes_page(p, codes), &token));
            }
            Ok(codes_page(p, codes))
        }
        Err(ServiceError::Refused(_)) | Err(ServiceError::Conflict(_)) => Ok(see_other(OFFICER_SECURITY_PATH)),
        Err(e) => {
            let (status, form) = code_form(e, "code")?;
            Ok(no_store(page_with_status(
                status,
                &security_page(&state, &v, &o, form, String::new()).await?,
            )))
        }
    }
}

pub(crate) async fn officer_recovery_codes(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    let any = AnyOfficer {
        subject: o.visitor.subject.clone().ok_or(WebError::OfficerLoginRequired)?,
        token: o.visitor.session_token.clone().unwrap_or_default(),
    };
    match auth::mfa::regenerate_recovery_codes(&state, &o.id, &f.get("code_new"), &o.visitor.client).await {
        Ok(codes) => Ok(codes_page(
            security_page(&state, &o.visitor, &any, FormState::default(), String::new()).await?,
            codes,
        )),
        Err(ServiceError::Refused(_)) => Ok(see_other(OFFICER_SECURITY_PATH)),
        Err(e) => {
            let (status, form) = code_form(e, "code_new")?;
            Ok(no_store(page_with_status(
                status,
                &security_page(&state, &o.visitor, &any, form, String::new()).await?,
            )))
        }
    }
}

pub(crate) async fn officer_totp_disable(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    let any = AnyOfficer {
        subject: o.visitor.subject.clone().ok_or(WebError::OfficerLoginRequired)?,
        token: o.visitor.session_token.clone().unwrap_or_default(),
    };
    match auth::mfa::disable_totp(&state, &o.id, &f.get("code_off"), &o.visitor.client).await {
        Ok(()) => Ok(see_other("/petugas/keamanan?nonaktif=1")),
        Err(ServiceError::Refused(m)) => Ok(no_store(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &security_page(&state, &o.visitor, &any, FormState::default(), m).await?,
        ))),
        Err(e) => {
            let (status, form) = code_form(e, "code_off")?;
            Ok(no_store(page_with_status(
                status,
                &security_page(&state, &o.visitor, &any, form, String::new()).await?,
            )))
        }
    }
}
