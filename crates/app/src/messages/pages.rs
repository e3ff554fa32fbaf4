//! The thread on the applicant's application page and on the officer's file page, writing a
//! message (text and an optional attachment), the attachments, and the office's inbox.

use crate::messages::service;
use crate::messages::service::MessageView;
use crate::messages::service::Thread;
use crate::messages::service::Upload;
use crate::platform::error::ServiceError;
use crate::platform::uploads::human_size;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::ApplicantUser;
use crate::web::extract::OfficerUser;
use crate::web::extract::officer_of;
use crate::web::form::FormBody;
use crate::web::form::read_file_and_fields;
use crate::web::view::FormState;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page;
use crate::web::view::see_other;
use askama::Template;
use axum::body::Bytes;
use axum::extract::FromRequest;
use axum::extract::Multipart;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::Request;
use axum::extract::State;
use axum::http::header;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::format_id::timestamp_id;

/// One message as the thread template shows it.
pub struct MessageItem {
    pub id: i64,
    /// Written by the reader's own side (drawn on the right).
    pub mine: bool,
    pub author: String,
    pub body: String,
    pub at: String,
    /// (download link, file name, size)
    pub attachment: Option<(String, String, String)>,
    pub complaint_number: String,
    pub unread: bool,
    /// The reader may turn it into a complaint (the applicant's own, or the applicant's for an officer).
    pub can_complain: bool,
}

/// The thread block of a page: its messages, the form to write one, and where things go.
pub struct ThreadBlock {
    pub messages: Vec<MessageItem>,
    pub unread: usize,
    /// Where the form posts (multipart; the CSRF token rides in the query).
    pub post_url: String,
    /// The reader is at the office.
    pub office_side: bool,
    pub can_write: bool,
    /// Why writing is closed, when it is.
    pub closed_reason: String,
    pub form: FormState,
    pub max_chars: usize,
}

impl ThreadBlock {
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }
}

fn items(
    thread: &Thread,
    office_side: bool,
    attachment_base: &str,
    tz: (chrono::FixedOffset, &str),
) -> Vec<MessageItem> {
    thread
        .messages
        .iter()
        .map(|m: &MessageView| MessageItem {
            id: m.id,
            mine: m.from_office == office_side,
            author: m.author.clone(),
            body: m.body.clone(),
            at: timestamp_id(&m.created_at, tz.0, tz.1),
            attachment: m.attachment.as_ref().map(|a| {
                (
                    format!("{attachment_base}/{}/lampiran", m.id),
                    a.filename.clone(),
                    human_size(a.size),
                )
            }),
            complaint_number: m.complaint_number.clone().unwrap_or_default(),
            unread: m.unread,
            can_complain: !m.from_office && m.complaint_number.is_none(),
        })
        .collect()
}

async fn office_tz(state: &AppState, office_id: &str) -> Result<(chrono::FixedOffset, &'static str), WebError> {
    let office = crate::catalog::offices::get(state, office_id).await?;
    let tz = office.tz();
    Ok((tz.offset(), tz.label()))
}

/// The applicant's thread of an application the page loaded as theirs (reading it marks it
/// read), and the header's count of applications with unread messages.
pub async fn applicant_thread(
    state: &AppState,
    application: &crate::applications::view::Application,
    form: FormState,
) -> Result<(ThreadBlock, i64), WebError> {
    let application_id = application.id.as_str();
    let (thread, unread_elsewhere) = service::thread_of_loaded(state, application).await?;
    let tz = office_tz(state, &thread.file.office_id).await?;
    let base = format!("/permohonan/{application_id}/pesan");
    let draft = thread.file.status == "draft";
    let block = ThreadBlock {
        messages: items(&thread, false, &base, tz),
        unread: thread.unread,
        post_url: base,
        office_side: false,
        can_write: !draft,
        closed_reason: if draft {
            "Pesan dapat dikirim setelah permohonan diajukan.".into()
        } else {
            String::new()
        },
        form,
        max_chars: service::MAX_BODY_CHARS,
    };
    Ok((block, unread_elsewhere))
}

/// The thread of a file as an officer reads it (reading marks it read for that officer).
pub async fn officer_thread(
    state: &AppState,
    o: &OfficerUser,
    application_id: &str,
    form: FormState,
) -> Result<ThreadBlock, WebError> {
    let officer = officer_of(o)?;
    let thread = service::thread_for_officer(state, &officer, application_id).await?;
    let tz = office_tz(state, &thread.file.office_id).await?;
    let base = format!("/petugas/berkas/{application_id}/pesan");
    Ok(ThreadBlock {
        messages: items(&thread, true, &base, tz),
        unread: thread.unread,
        post_url: base,
        office_side: true,
        can_write: true,
        closed_reason: String::new(),
        form,
        max_chars: service::MAX_BODY_CHARS,
    })
}

/// What a message form sent: its fields and its optional file.
struct Posted {
    fields: std::collections::HashMap<String, String>,
    file: Option<(String, Vec<u8>)>,
}

/// Reads the message form; a file too large for the request comes back as a field error.
async fn read_posted(mp: Multipart) -> Result<Result<Posted, FieldErrors>, WebError> {
    match read_file_and_fields(mp, service::MAX_BODY_CHARS * 2).await {
        Ok((file, fields)) => Ok(Ok(Posted { fields, file })),
        Err(WebError::TooLarge) => {
            let mut e = FieldErrors::new();
            e.insert(
                "lampiran".into(),
                format!(
                    "Lampiran terlalu besar; paling besar {}.",
                    human_size(i64::from(service::MAX_ATTACHMENT_KB) * 1024)
                ),
            );
            Ok(Err(e))
        }
        Err(e) => Err(e),
    }
}

/// Reads the message form, multipart (the page's form, with its file) or URL-encoded (text only).
async fn read_form(state: &AppState, req: Request) -> Result<Result<Posted, FieldErrors>, WebError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("multipart/form-data"));
    let unreadable = || WebError::BadRequest("Formulir tidak terbaca; muat ulang halaman lalu coba lagi.".into());
    if multipart {
        let mp = Multipart::from_request(req, state).await.map_err(|_| unreadable())?;
        return read_posted(mp).await;
    }
    let body = Bytes::from_request(req, state).await.map_err(|_| unreadable())?;
    Ok(Ok(Posted {
        fields: FormBody::parse(&body).map(),
        file: None,
    }))
}

fn upload_of(p: &Posted) -> Option<Upload<'_>> {
    p.file.as_ref().map(|(name, bytes)| Upload { filename: name, bytes })
}

/// Writes the applicant's message from the application page's form: `None` when written,
/// else the form again with its errors and the text kept (the page hosting the thread shows it).
pub(crate) async fn write_applicant(
    state: &AppState,
    user: &ApplicantUser,
    id: &str,
    req: Request,
) -> Result<Option<FormState>, WebError> {
    let (values, errors) = match read_form(state, req).await? {
        Ok(p) => {
            let name = user
                .visitor
                .subject
                .as_ref()
                .map(|s| s.name.clone())
                .unwrap_or_default();
            let body = p.fields.get("pesan").cloned().unwrap_or_default();
            match service::post_by_applicant(state, &user.id, &name, id, &body, upload_of(&p)).await {
                Ok(_) => return Ok(None),
                Err(e) => (p.fields, form_errors(e)?),
            }
        }
        Err(errors) => (std::collections::HashMap::new(), errors),
    };
    Ok(Some(FormState::new(values, errors)))
}

/// Writes an officer's answer from the file page's form: `None` when written, else the form
/// again with its errors and the text kept.
pub(crate) async fn write_officer(
    state: &AppState,
    o: &OfficerUser,
    id: &str,
    req: Request,
) -> Result<Option<FormState>, WebError> {
    let officer = officer_of(o)?;
    let (values, errors) = match read_form(state, req).await? {
        Ok(p) => {
            let body = p.fields.get("pesan").cloned().unwrap_or_default();
            match service::post_by_officer(state, &officer, id, &body, upload_of(&p)).await {
                Ok(_) => return Ok(None),
                Err(e) => (p.fields, form_errors(e)?),
            }
        }
        Err(errors) => (std::collections::HashMap::new(), errors),
    };
    Ok(Some(FormState::new(values, errors)))
}

/// Turns a message into a complaint, from the applicant's page; back to the message.
pub(crate) async fn applicant_complaint(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path((id, message)): Path<(String, String)>,
) -> PageResult {
    let name = user
        .visitor
        .subject
        .as_ref()
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let who = service::Author::Applicant {
        id: &user.id,
        name: &name,
    };
    service::to_complaint(&state, &who, &id, &message).await?;
    Ok(see_other(&format!("/permohonan/{id}#pesan-{message}")))
}

/// Turns the applicant's message into a complaint, from the officer's file page.
pub(crate) async fn officer_complaint(
    State(state): State<AppState>,
    o: OfficerUser,
    Path((id, message)): Path<(String, String)>,
) -> PageResult {
    let officer = officer_of(&o)?;
    service::to_complaint(&state, &service::Author::Officer(&officer), &id, &message).await?;
    Ok(see_other(&format!("/petugas/berkas/{id}#pesan-{message}")))
}

/// Field errors stay on the page; a throttle shows next to the text; anything else (a refusal:
/// the application is still a draft) is the error page with its message.
fn form_errors(e: ServiceError) -> Result<FieldErrors, WebError> {
    match e {
        ServiceError::Invalid(errors) => Ok(errors),
        ServiceError::Throttled(m) => {
            let mut errors = FieldErrors::new();
            errors.insert("pesan".into(), m);
            Ok(errors)
        }
        other => Err(other.into()),
    }
}

fn download(d: crate::platform::uploads::FileDownload) -> axum::response::Response {
    crate::web::view::file_response(d, crate::web::view::Shown::Inline)
}

pub(crate) async fn applicant_attachment(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path((id, message)): Path<(String, String)>,
) -> PageResult {
    Ok(download(
        service::applicant_attachment(&state, &user.id, &id, &message).await?,
    ))
}

pub(crate) async fn officer_attachment(
    State(state): State<AppState>,
    o: OfficerUser,
    Path((id, message)): Path<(String, String)>,
) -> PageResult {
    let officer = officer_of(&o)?;
    Ok(download(
        service::officer_attachment(&state, &officer, &id, &message).await?,
    ))
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct InboxQuery {
    #[serde(default)]
    semua: String,
}

/// One thread of the inbox.
pub struct InboxItem {
    pub application_id: String,
    pub registration_number: String,
    pub holder: String,
    pub permit_code: String,
    pub desk: String,
    pub awaiting: bool,
    pub unread: i64,
    pub at: String,
    pub last: String,
    pub last_from_office: bool,
}

/// Pesan Masuk: the office's threads, those awaiting an answer first.
#[derive(Template)]
#[template(path = "messages/inbox.html")]
pub struct InboxPage {
    pub ctx: PageCtx,
    pub items: Vec<InboxItem>,
    pub all: bool,
}

pub(crate) async fn inbox(State(state): State<AppState>, o: OfficerUser, Query(q): Query<InboxQuery>) -> PageResult {
    let officer = officer_of(&o)?;
    let all = q.semua == "1";
    let rows = service::inbox(&state, &officer, !all).await?;
    let tz = office_tz(&state, &officer.office_id).await?;
    let items = rows
        .into_iter()
        .map(|r| InboxItem {
            registration_number: r.registration_number.unwrap_or_default(),
            holder: r.holder_name.unwrap_or_default().to_uppercase(),
            permit_code: r.permit_code.unwrap_or_default(),
            desk: r
                .step_role
                .as_deref()
                .map(izinkes_domain::roles::role_label)
                .unwrap_or_else(|| {
                    izinkes_domain::status::ApplicationStatus::from_code(&r.status)
                        .map(|s| s.label_officer().to_string())
                        .unwrap_or(r.status.clone())
                }),
            awaiting: r.awaiting_office == 1,
            unread: r.unread,
            at: timestamp_id(&r.updated_at, tz.0, tz.1),
            last: r.last_body.chars().take(140).collect(),
            last_from_office: r.last_from_office == 1,
            application_id: r.application_id,
        })
        .collect();
    let ctx = o.visitor.ctx(&state, "Pesan Masuk", "pesan");
    Ok(page(&InboxPage { ctx, items, all }))
}
