//! The applicant's side of the revision loop: the items to fix, saving fields and files,
//! resubmitting, or starting again after a rejection.

use crate::applications::pages::AppSummary;
use crate::applications::pages::requirement_rows;
use crate::desks;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::extract::ApplicantUser;
use crate::web::form::FormBody;
use crate::web::form::read_file_field;
use crate::web::view::FormState;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page_with_status;
use crate::web::view::see_other;
use askama::Template;
use axum::body::Bytes;
use axum::extract::Multipart;
use axum::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;
use izinkes_domain::catalog::Answers;
use izinkes_domain::catalog::FieldErrors;
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------------
// The applicant's side of the revision loop

async fn revision_page(
    state: &AppState,
    user: &ApplicantUser,
    id: &str,
    errors: FieldErrors,
    values: Option<Answers>,
) -> PageResult {
    let v = crate::applications::view::load_view(state, &user.id, id).await?;
    let Some(round) = desks::revisions::open_round(state, id).await? else {
        return Ok(see_other(&format!("/permohonan/{id}")));
    };
    if v.app.status.code() != "needs_revision" {
        return Ok(see_other(&format!("/permohonan/{id}")));
    }
    let data = serde_json::to_value(&v.app.data)
        .ok()
        .and_then(|x| x.as_object().cloned())
        .unwrap_or_default();
    let permit = v.permit().cloned();
    let fields = round
        .items
        .iter()
        .filter(|i| i.kind == "field")
        .map(|i| {
            let current = values.as_ref().and_then(|m| m.get(&i.key).cloned()).unwrap_or_else(|| {
                data.get(&i.key)
                    .and_then(|x| x.as_str())
                    .map(str::to_string)
                    .unwrap_or_else(|| v.app.answers.get(&i.key).cloned().unwrap_or_default())
            });
            let example = permit
                .as_ref()
                .and_then(|p| p.fields.iter().find(|f| f.key == i.key))
                .and_then(|f| f.example.clone())
                .unwrap_or_default();
            RevisionFieldRow {
                key: i.key.clone(),
                label: i.label.clone(),
                note: i.note.clone(),
                value: current,
                example,
                error: errors.get(&i.key).cloned().unwrap_or_default(),
            }
        })
        .collect();
    let docs = requirement_rows(&v, &errors, &[]);
    let doc_rows = round
        .items
        .iter()
        .filter(|i| i.kind == "document")
        .filter_map(|i| docs.iter().find(|d| d.key == i.key).map(|d| (i.note.clone(), d)))
        .map(|(note, d)| RevisionDocRow {
            key: d.key.clone(),
            label: d.label.clone(),
            note,
            formats: d.formats.clone(),
            accept: d.accept.clone(),
            filename: d.attached.as_ref().map(|a| a.filename.clone()).unwrap_or_default(),
            error: d.error.clone(),
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(page_with_status(
        status,
        &RevisionPage {
            ctx: user.ctx(state, "Perbaikan Permohonan", "permohonan"),
            app: AppSummary::from_view(&v),
            round: round.round,
            asked_by: round.asked_by_name.clone(),
            fields,
            docs: doc_rows,
            errors: FormState::new(HashMap::new(), errors),
        },
    ))
}

pub(crate) async fn revision_form(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
) -> PageResult {
    revision_page(&state, &user, &id, FieldErrors::new(), None).await
}

pub(crate) async fn revision_save(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let f = FormBody::parse(&body);
    let values: Answers = f.map().into_iter().collect();
    let errors = desks::revisions::save_fields(&state, &user.id, &id, &values).await?;
    if errors.is_empty() {
        return Ok(see_other(&format!("/permohonan/{id}/perbaikan?tersimpan=1")));
    }
    revision_page(&state, &user, &id, errors, Some(values)).await
}

pub(crate) async fn revision_upload(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path((id, key)): Path<(String, String)>,
    mp: Multipart,
) -> PageResult {
    let (file, _) = read_file_field(mp).await?;
    let Some((name, bytes)) = file else {
        let mut e = FieldErrors::new();
        e.insert(key.clone(), "Pilih berkas terlebih dahulu.".into());
        return revision_page(&state, &user, &id, e, None).await;
    };
    match desks::revisions::replace_document(&state, &user.id, &id, &key, &name, &bytes).await {
        Ok(()) => Ok(see_other(&format!("/permohonan/{id}/perbaikan"))),
        Err(ServiceError::Invalid(e)) => revision_page(&state, &user, &id, e, None).await,
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn resubmit(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    match desks::revisions::resubmit(&state, &user.id, &id).await {
        Ok(Ok(())) => Ok(see_other(&format!("/permohonan/{id}"))),
        Ok(Err(errors)) => revision_page(&state, &user, &id, errors, None).await,
        Err(ServiceError::Refused(_)) => Ok(see_other(&format!("/permohonan/{id}"))),
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn restart(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    let new_id = desks::revisions::restart_from(&state, &user.id, &id).await?;
    Ok(see_other(&format!("/permohonan/{new_id}/tahap-1")))
}

pub struct RevisionFieldRow {
    pub key: String,
    pub label: String,
    pub note: String,
    pub value: String,
    pub example: String,
    pub error: String,
}

pub struct RevisionDocRow {
    pub key: String,
    pub label: String,
    pub note: String,
    pub formats: String,
    pub accept: String,
    pub filename: String,
    pub error: String,
}

#[derive(Template)]
#[template(path = "desks/revision.html")]
pub struct RevisionPage {
    pub ctx: PageCtx,
    pub app: AppSummary,
    pub round: i64,
    pub asked_by: String,
    pub fields: Vec<RevisionFieldRow>,
    pub docs: Vec<RevisionDocRow>,
    pub errors: FormState,
}
