//! The password-change pages: `/akun/sandi` for applicants, `/petugas/sandi` for officers.

use crate::auth::password_change::PasswordChange;
use crate::auth::password_change::change_password;
use crate::auth::sessions::SubjectKind;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::ApplicantUser;
use crate::web::extract::OfficerUser;
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
use izinkes_domain::calendar::OfficeTimeZone;

pub const APPLICANT_PATH: &str = "/akun/sandi";
pub const OFFICER_PATH: &str = "/petugas/sandi";

#[derive(Template)]
#[template(path = "auth/password_change.html")]
pub struct PasswordChangePage {
    pub ctx: PageCtx,
    pub action: &'static str,
    pub officer: bool,
    pub form: FormState,
    pub notice: String,
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct Done {
    #[serde(default)]
    info: String,
}

fn view(state: &AppState, v: &Visitor, officer: bool, form: FormState, done: bool) -> PasswordChangePage {
    PasswordChangePage {
        ctx: v.ctx(state, "Ubah kata sandi", if officer { "" } else { "profil" }),
        action: if officer { OFFICER_PATH } else { APPLICANT_PATH },
        officer,
        form,
        notice: if done {
            "Kata sandi baru disimpan. Sesi lain telah diakhiri dan pemberitahuan dikirim ke e-mail Anda.".into()
        } else {
            String::new()
        },
    }
}

pub(crate) async fn applicant_form(
    State(state): State<AppState>,
    u: ApplicantUser,
    Query(q): Query<Done>,
) -> PageResult {
    Ok(page(&view(
        &state,
        &u.visitor,
        false,
        FormState::default(),
        q.info == "ok",
    )))
}

pub(crate) async fn officer_form(State(state): State<AppState>, o: OfficerUser, Query(q): Query<Done>) -> PageResult {
    Ok(page(&view(
        &state,
        &o.visitor,
        true,
        FormState::default(),
        q.info == "ok",
    )))
}

pub(crate) async fn applicant_save(State(state): State<AppState>, u: ApplicantUser, body: Bytes) -> PageResult {
    save(
        &state,
        &u.visitor,
        SubjectKind::Applicant,
        &u.id,
        OfficeTimeZone::Wib,
        body,
    )
    .await
}

pub(crate) async fn officer_save(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let office = crate::catalog::offices::get(&state, &o.office_id).await?;
    save(&state, &o.visitor, SubjectKind::Officer, &o.id, office.tz(), body).await
}

async fn save(
    state: &AppState,
    v: &Visitor,
    who: SubjectKind,
    id: &str,
    tz: OfficeTimeZone,
    body: Bytes,
) -> PageResult {
    let f = FormBody::parse(&body);
    let token = v.session_token.clone().ok_or(WebError::Forbidden)?;
    let (current, password, confirm) = (f.get("current"), f.get("password"), f.get("password_confirm"));
    let input = PasswordChange {
        current: &current,
        password: &password,
        confirm: &confirm,
    };
    let officer = who == SubjectKind::Officer;
    match change_password(state, who, id, &token, tz, &input).await {
        Ok(()) => Ok(see_other(&format!(
            "{}?info=ok",
            if officer { OFFICER_PATH } else { APPLICANT_PATH }
        ))),
        // Passwords are never written back into the form.
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &view(state, v, officer, FormState::new(Default::default(), errors), false),
        )),
        Err(ServiceError::Throttled(m)) => {
            let mut errors = izinkes_domain::catalog::FieldErrors::new();
            errors.insert("current".into(), m);
            Ok(page_with_status(
                StatusCode::TOO_MANY_REQUESTS,
                &view(state, v, officer, FormState::new(Default::default(), errors), false),
            ))
        }
        Err(e) => Err(e.into()),
    }
}
