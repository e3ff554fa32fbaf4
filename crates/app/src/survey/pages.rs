//! The satisfaction survey page of an issued permit.

use crate::permits;
use crate::permits::archive::PermitRow;
use crate::permits::pages::permit_name;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::ApplicantUser;
use crate::web::form::FormBody;
use crate::web::view::FormState;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page;
use crate::web::view::page_with_status;
use crate::web::view::see_other;
use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;

#[derive(serde::Deserialize, Default)]
pub(crate) struct SurveyQuery {
    #[serde(default)]
    unduh: String,
}

async fn survey_view(
    state: &AppState,
    user: &ApplicantUser,
    p: &PermitRow,
    form: FormState,
    then_download: bool,
) -> SkmPage {
    SkmPage {
        ctx: user.ctx(state, "Survei Kepuasan Masyarakat", "izin"),
        permit_id: p.id.clone(),
        permit_title: format!("{} — {}", permit_name(state, p).await, p.number),
        questions: izinkes_domain::skm::UNSUR
            .iter()
            .map(|u| SkmQuestion {
                key: u.key,
                name: u.name,
                question: u.question,
                answers: u
                    .answers
                    .iter()
                    .enumerate()
                    .map(|(i, w)| ((i + 1).to_string(), *w))
                    .collect(),
            })
            .collect(),
        form,
        then_download,
    }
}

/// The holder's own permit (anything else is "not found").
async fn own_permit(state: &AppState, user: &ApplicantUser, id: &str) -> Result<PermitRow, WebError> {
    let p = permits::archive::owned_by(state, &user.id, id).await?;
    if p.status == "awaiting_signature" {
        return Err(WebError::NotFound);
    }
    Ok(p)
}

pub(crate) async fn survey_page(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
    Query(q): Query<SurveyQuery>,
) -> PageResult {
    let p = own_permit(&state, &user, &id).await?;
    if crate::survey::service::done(&state, &p.application_id).await? {
        return Ok(see_other("/izin?info=skm"));
    }
    Ok(page(
        &survey_view(&state, &user, &p, FormState::default(), q.unduh == "1").await,
    ))
}

pub(crate) async fn survey_post(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let p = own_permit(&state, &user, &id).await?;
    let f = FormBody::parse(&body);
    let answers: izinkes_domain::catalog::Answers = f.map().into_iter().collect();
    let then_download = f.get("unduh") == "1";
    match crate::survey::service::submit(&state, &user.id, &id, &answers, &f.get("comment")).await {
        Ok(()) => Ok(see_other(&if then_download {
            format!("/izin/{id}/unduh")
        } else {
            "/izin?info=skm".to_string()
        })),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &survey_view(&state, &user, &p, FormState::new(f.map(), errors), then_download).await,
        )),
        Err(e) => Err(e.into()),
    }
}

/// One element of the SKM form: key, name, question, answers (value, words).
pub struct SkmQuestion {
    pub key: &'static str,
    pub name: &'static str,
    pub question: &'static str,
    pub answers: Vec<(String, &'static str)>,
}

/// The satisfaction survey of one issued permit.
#[derive(Template)]
#[template(path = "survey/skm.html")]
pub struct SkmPage {
    pub ctx: PageCtx,
    pub permit_id: String,
    pub permit_title: String,
    pub questions: Vec<SkmQuestion>,
    pub form: FormState,
    /// Come back to the download after answering.
    pub then_download: bool,
}
