//! The Manajer Berkas pages: list, upload, replace, delete and open the applicant's files.

use crate::library::service::LibraryDocument;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::ApplicantUser;
use crate::web::form::read_file_field;
use crate::web::view::FormState;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page;
use crate::web::view::page_with_status;
use crate::web::view::see_other;
use crate::web::view::{Shown, file_response};
use askama::Template;
use axum::extract::Multipart;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use std::collections::HashMap;

async fn library_page(
    state: &AppState,
    user: &ApplicantUser,
    form: FormState,
    notice: &str,
) -> Result<DocumentsPage, WebError> {
    Ok(DocumentsPage {
        ctx: user.ctx(state, "Manajer Berkas", "berkas"),
        docs: crate::library::service::list(state, &user.id).await?,
        form,
        notice: notice.to_string(),
    })
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct NoticeQuery {
    #[serde(default)]
    info: String,
}

pub(crate) async fn library(
    State(state): State<AppState>,
    user: ApplicantUser,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let notice = match q.info.as_str() {
        "tersimpan" => "Berkas tersimpan.",
        "diganti" => "Berkas diganti. Permohonan yang sudah diajukan tetap memakai berkas lama.",
        "dihapus" => "Berkas dihapus dari Manajer Berkas.",
        _ => "",
    };
    Ok(page(&library_page(&state, &user, FormState::default(), notice).await?))
}

pub(crate) async fn library_add(State(state): State<AppState>, user: ApplicantUser, mp: Multipart) -> PageResult {
    let (file, fields) = read_file_field(mp).await?;
    let title = fields.get("title").cloned().unwrap_or_default();
    let (filename, bytes) = file.unwrap_or_default();
    match crate::library::service::add(&state, &user.id, &title, &filename, &bytes).await {
        Ok(_) => Ok(see_other("/berkas?info=tersimpan")),
        Err(ServiceError::Invalid(errors)) => {
            let mut values = HashMap::new();
            values.insert("title".to_string(), title);
            Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &library_page(&state, &user, FormState::new(values, errors), "").await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn library_replace(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
    mp: Multipart,
) -> PageResult {
    let (file, _) = read_file_field(mp).await?;
    let (filename, bytes) = file.unwrap_or_default();
    match crate::library::service::replace(&state, &user.id, &id, &filename, &bytes).await {
        Ok(()) => Ok(see_other("/berkas?info=diganti")),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &library_page(&state, &user, FormState::new(HashMap::new(), errors), "").await?,
        )),
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn library_delete(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
) -> PageResult {
    crate::library::service::delete(&state, &user.id, &id).await?;
    Ok(see_other("/berkas?info=dihapus"))
}

pub(crate) async fn library_file(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
) -> PageResult {
    let subject = user.visitor.subject.clone().ok_or(WebError::Forbidden)?;
    Ok(file_response(
        crate::library::service::download_library(&state, &subject, &id).await?,
        Shown::Inline,
    ))
}

#[derive(Template)]
#[template(path = "library/documents.html")]
pub struct DocumentsPage {
    pub ctx: PageCtx,
    pub docs: Vec<LibraryDocument>,
    pub form: FormState,
    pub notice: String,
}
