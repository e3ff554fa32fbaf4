//! The sign-in pages of applicants and officers, and signing out.

use crate::auth;
use crate::auth::mfa_pages::OFFICER_SECURITY_PATH;
use crate::auth::sessions::SessionKind;
use crate::auth::sessions::SubjectKind;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::cookies::session_cookie;
use crate::web::cookies::session_removal;
use crate::web::cookies::with_cookie;
use crate::web::extract::OFFICER_2FA_PATH;
use crate::web::extract::Visitor;
use crate::web::form::FormBody;
use crate::web::view::FormState;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page;
use crate::web::view::page_with_status;
use crate::web::view::see_other;
use askama::Template;
use axum::body::Bytes;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use izinkes_domain::catalog::FieldErrors;

/// Only a path of this site is followed after login (no open redirects): it starts with one `/`,
/// and holds no backslash, whitespace or control character — a browser drops a tab or newline
/// from `/\t/evil.example`, which would make it `//evil.example`, another site.
fn safe_next(next: &str) -> String {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && next.len() <= 2000
        && !next.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control())
        && !next.starts_with("/masuk");
    if local {
        next.to_string()
    } else {
        "/permohonan".to_string()
    }
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct NextQuery {
    #[serde(default)]
    lanjut: String,
}

pub fn demo_logins(state: &AppState, officer: bool) -> Vec<(String, String, String)> {
    if !state.config.demo {
        return Vec::new();
    }
    crate::demo::logins()
        .into_iter()
        .filter(|(role, _, _)| (role == "Pemohon") != officer)
        .collect()
}

fn login_page(
    state: &AppState,
    v: &Visitor,
    officer: bool,
    form: FormState,
    next: String,
    notice: String,
    show_resend: bool,
) -> LoginPage {
    LoginPage {
        ctx: v.ctx(state, if officer { "Masuk Petugas" } else { "Masuk" }, "masuk"),
        form,
        next,
        officer,
        notice,
        show_resend,
        demo_logins: demo_logins(state, officer),
    }
}

pub(crate) async fn login_form(State(state): State<AppState>, v: Visitor, Query(q): Query<NextQuery>) -> PageResult {
    let notice = if q.lanjut.is_empty() {
        String::new()
    } else {
        "Silakan masuk terlebih dahulu untuk melanjutkan.".into()
    };
    Ok(page(&login_page(
        &state,
        &v,
        false,
        FormState::default(),
        q.lanjut,
        notice,
        false,
    )))
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct OfficerLoginQuery {
    #[serde(default)]
    info: String,
}

pub(crate) async fn officer_login_form(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<OfficerLoginQuery>,
) -> PageResult {
    let notice = if q.info == "undangan" {
        "Kata sandi tersimpan. Silakan masuk dengan e-mail dan kata sandi Anda.".to_string()
    } else {
        String::new()
    };
    Ok(page(&login_page(
        &state,
        &v,
        true,
        FormState::default(),
        "/petugas".into(),
        notice,
        false,
    )))
}

async fn do_login(state: AppState, v: Visitor, body: Bytes, subject: SubjectKind) -> PageResult {
    let f = FormBody::parse(&body);
    let officer = subject == SubjectKind::Officer;
    let mut values = f.map();
    values.remove("password");
    let next = f.get("lanjut");
    let result = if officer {
        // Officers: the second-factor policy decides where the browser goes next.
        match auth::mfa::login_officer(
            &state,
            &f.get("email"),
            &f.get("password"),
            None,
            &v.client,
            SessionKind::Web,
        )
        .await
        {
            Ok(auth::mfa::OfficerLogin::Signed(token)) => Ok((token, "/petugas".to_string())),
            Ok(auth::mfa::OfficerLogin::Pending { token, enrol }) => Ok((
                token,
                if enrol { OFFICER_SECURITY_PATH } else { OFFICER_2FA_PATH }.to_string(),
            )),
            Ok(auth::mfa::OfficerLogin::MfaRequired { enrol }) => Err(ServiceError::Refused(
                auth::mfa::OfficerLogin::required_message(enrol).into(),
            )),
            Ok(auth::mfa::OfficerLogin::CodeRejected(m)) => Err(ServiceError::Refused(m)),
            Err(e) => Err(e),
        }
    } else {
        auth::sessions::login(
            &state,
            subject,
            &f.get("email"),
            &f.get("password"),
            &v.client,
            SessionKind::Web,
        )
        .await
        .map(|token| (token, safe_next(&next)))
    };
    match result {
        Ok((token, to)) => {
            if let Some(old) = &v.session_token {
                auth::sessions::logout(&state, old).await?;
            }
            Ok(with_cookie(
                see_other(&to),
                session_cookie(&token, state.config.secure_cookies()),
            ))
        }
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &login_page(
                &state,
                &v,
                officer,
                FormState::new(values, errors),
                next,
                String::new(),
                false,
            ),
        )),
        Err(ServiceError::Refused(m)) | Err(ServiceError::Throttled(m)) => {
            let show_resend = m.contains("belum dikonfirmasi");
            let mut errors = FieldErrors::new();
            errors.insert("email".into(), m);
            Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &login_page(
                    &state,
                    &v,
                    officer,
                    FormState::new(values, errors),
                    next,
                    String::new(),
                    show_resend,
                ),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn login(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    do_login(state, v, body, SubjectKind::Applicant).await
}

pub(crate) async fn officer_login(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    do_login(state, v, body, SubjectKind::Officer).await
}

pub(crate) async fn logout(State(state): State<AppState>, v: Visitor) -> PageResult {
    if let Some(t) = &v.session_token {
        auth::sessions::logout(&state, t).await?;
    }
    Ok(with_cookie(
        see_other("/"),
        session_removal(state.config.secure_cookies()),
    ))
}

#[derive(Template)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    pub ctx: PageCtx,
    pub form: FormState,
    pub next: String,
    pub officer: bool,
    pub notice: String,
    pub show_resend: bool,
    pub demo_logins: Vec<(String, String, String)>,
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_of_this_site_are_followed_after_login() {
        for ok in ["/permohonan/abc", "/izin?status=active", "/akun/profil#sandi"] {
            assert_eq!(safe_next(ok), ok);
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/ /evil.example",
            "/masuk?lanjut=/masuk",
            "",
        ] {
            assert_eq!(safe_next(bad), "/permohonan", "{bad:?}");
        }
    }
}
