//! Pesan Pengaduan over the API: the applicant's thread of an application and the office's
//! thread of a file. Reading a thread marks it read for the caller. A message may carry one
//! attachment, sent in the JSON body as base64 and checked by the same rules as the pages'.

use crate::messages::service;
use crate::messages::service::MessageView;
use crate::messages::service::Thread;
use crate::state::AppState;
use crate::web::api::ApiApplicant;
use crate::web::api::ApiJson;
use crate::web::api::ApiOfficer;
use crate::web::api::ApiResult;
use crate::web::api::BadRequest;
use crate::web::api::Base64File;
use crate::web::api::Forbidden;
use crate::web::api::Internal;
use crate::web::api::Invalid;
use crate::web::api::NotFound;
use crate::web::api::Throttled;
use crate::web::api::Unauthenticated;
use crate::web::api::created;
use crate::web::api::ok;
use axum::extract::Path;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

/// A thread of messages, oldest first.
#[derive(Serialize, ToSchema)]
pub(crate) struct MessageThread {
    pub application_id: String,
    pub registration_number: Option<String>,
    /// Messages of the other side the caller had not read before this call (now marked read).
    pub unread: usize,
    pub messages: Vec<MessageView>,
}

fn thread_json(t: Thread) -> MessageThread {
    MessageThread {
        application_id: t.file.id,
        registration_number: t.file.registration_number,
        unread: t.unread,
        messages: t.messages,
    }
}

/// A new message.
#[derive(serde::Deserialize, ToSchema)]
#[schema(as = NewMessageRequest)]
pub(crate) struct NewMessageBody {
    /// The text, 1–2000 characters; HTML is kept as text (shown escaped).
    #[serde(default)]
    text: String,
    /// An optional attachment: PDF, JPG or PNG (by content), at most 2 MB.
    #[serde(default)]
    attachment: Option<Base64File>,
}

fn upload(a: Option<&(String, Vec<u8>)>) -> Option<service::Upload<'_>> {
    a.map(|(filename, bytes)| service::Upload { filename, bytes })
}

/// The written message's id.
#[derive(Serialize, ToSchema)]
pub(crate) struct MessageCreated {
    pub id: i64,
}

/// The thread of one of the caller's applications
///
/// Applicant token. Marks the office's messages read for the caller.
#[utoipa::path(get, path = "/api/v1/applications/{id}/messages", operation_id = "listApplicationMessages", tag = "Messages",
    params(("id" = String, Path, description = "Application id.")),
    responses(
        (status = 200, description = "The thread.", body = MessageThread),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn applicant_thread(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
) -> ApiResult {
    Ok(ok(thread_json(
        service::thread_for_applicant(&state, a.id(), &id).await?,
    )))
}

/// Write to the office about one of the caller's applications
///
/// Applicant token; the application must have been submitted (422 `refused` for a draft). The
/// officers of the file's desk are notified. At most 30 messages an hour per thread (429).
#[utoipa::path(post, path = "/api/v1/applications/{id}/messages", operation_id = "postApplicationMessage", tag = "Messages",
    params(("id" = String, Path, description = "Application id.")),
    request_body = NewMessageBody,
    responses(
        (status = 201, description = "Written.", body = MessageCreated),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 429, response = Throttled),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn applicant_post(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewMessageBody>,
) -> ApiResult {
    let name = a.0.subject.name.clone();
    let attachment = Base64File::decode(body.attachment.as_ref(), "lampiran")?;
    let id = service::post_by_applicant(&state, a.id(), &name, &id, &body.text, upload(attachment.as_ref())).await?;
    Ok(created(MessageCreated { id }))
}

/// The thread of a file of the caller's office
///
/// Officer token. Marks the applicant's messages read for the calling officer.
#[utoipa::path(get, path = "/api/v1/desk/applications/{id}/messages", operation_id = "listDeskMessages", tag = "Messages",
    params(("id" = String, Path, description = "Application id.")),
    responses(
        (status = 200, description = "The thread.", body = MessageThread),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn desk_thread(State(state): State<AppState>, o: ApiOfficer, Path(id): Path<String>) -> ApiResult {
    Ok(ok(thread_json(service::thread_for_officer(&state, &o.0, &id).await?)))
}

/// Answer the applicant on a file of the caller's office
///
/// Officer token. Signed with the officer's desk (or name, where the office chooses); the
/// applicant is notified.
#[utoipa::path(post, path = "/api/v1/desk/applications/{id}/messages", operation_id = "postDeskMessage", tag = "Messages",
    params(("id" = String, Path, description = "Application id.")),
    request_body = NewMessageBody,
    responses(
        (status = 201, description = "Written.", body = MessageCreated),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 429, response = Throttled),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn desk_post(
    State(state): State<AppState>,
    o: ApiOfficer,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewMessageBody>,
) -> ApiResult {
    let attachment = Base64File::decode(body.attachment.as_ref(), "lampiran")?;
    let id = service::post_by_officer(&state, &o.0, &id, &body.text, upload(attachment.as_ref())).await?;
    Ok(created(MessageCreated { id }))
}

fn attachment_response(d: crate::platform::uploads::FileDownload) -> axum::response::Response {
    crate::web::view::file_response(d, crate::web::view::Shown::Saved)
}

/// A message's attachment, for the applicant
#[utoipa::path(get, path = "/api/v1/applications/{id}/messages/{message}/attachment", operation_id = "getApplicationMessageAttachment", tag = "Messages",
    params(("id" = String, Path, description = "Application id."), ("message" = i64, Path, description = "Message id.")),
    responses(
        (status = 200, description = "The file (PDF, JPG or PNG).", content_type = "application/octet-stream"),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn applicant_attachment(
    State(state): State<AppState>,
    a: ApiApplicant,
    Path((id, message)): Path<(String, String)>,
) -> ApiResult {
    Ok(attachment_response(
        service::applicant_attachment(&state, a.id(), &id, &message).await?,
    ))
}

/// A message's attachment, for an officer of the office
#[utoipa::path(get, path = "/api/v1/desk/applications/{id}/messages/{message}/attachment", operation_id = "getDeskMessageAttachment", tag = "Messages",
    params(("id" = String, Path, description = "Application id."), ("message" = i64, Path, description = "Message id.")),
    responses(
        (status = 200, description = "The file (PDF, JPG or PNG).", content_type = "application/octet-stream"),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn desk_attachment(
    State(state): State<AppState>,
    o: ApiOfficer,
    Path((id, message)): Path<(String, String)>,
) -> ApiResult {
    Ok(attachment_response(
        service::officer_attachment(&state, &o.0, &id, &message).await?,
    ))
}
