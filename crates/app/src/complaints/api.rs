//! Complaints over the JSON API: anyone files and tracks a complaint (number + contact) and
//! answers whether the office's answer satisfies; the complaints desk lists, reads, records and
//! works complaints of its office, and reads the report.

use crate::complaints::report;
use crate::complaints::service;
use crate::complaints::service::ActionInput;
use crate::complaints::service::ComplaintInput;
use crate::complaints::service::Created;
use crate::complaints::service::ListItem;
use crate::complaints::service::Source;
use crate::complaints::service::Tracked;
use crate::state::AppState;
use crate::web::api::ApiJson;
use crate::web::api::ApiOfficer;
use crate::web::api::ApiResult;
use crate::web::api::BadRequest;
use crate::web::api::Conflict;
use crate::web::api::Forbidden;
use crate::web::api::Internal;
use crate::web::api::Invalid;
use crate::web::api::NotFound;
use crate::web::api::Throttled;
use crate::web::api::Unauthenticated;
use crate::web::api::created;
use crate::web::api::ok;
use crate::web::extract::ClientAddr;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use izinkes_domain::complaints::Action;
use izinkes_domain::complaints::Channel;
use izinkes_domain::complaints::Status;
use serde::Deserialize;
use serde::Serialize;
use utoipa::IntoParams;
use utoipa::ToSchema;

/// A complaint as the complainant writes it.
#[derive(Deserialize, ToSchema)]
#[schema(as = ComplaintRequest)]
pub(crate) struct ComplaintBody {
    /// The office the complaint is for (`GET /api/v1/offices`).
    #[serde(default)]
    office_id: String,
    /// Optional: a complaint may be anonymous.
    #[serde(default)]
    name: String,
    /// E-mail or mobile number (or both): at least one is required to answer and to track.
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    /// At most 150 characters.
    #[serde(default)]
    subject: String,
    /// At most 4,000 characters.
    #[serde(default)]
    body: String,
}

impl ComplaintBody {
    fn input(self) -> ComplaintInput {
        ComplaintInput {
            office_id: self.office_id,
            name: self.name,
            email: self.email,
            phone: self.phone,
            subject: self.subject,
            body: self.body,
        }
    }
}

/// File a complaint (pengaduan)
///
/// Anonymous or named, with an e-mail or mobile number to answer and track it. Throttled per
/// client address (429 `throttled`). The answer carries the number to track it with.
#[utoipa::path(post, path = "/api/v1/complaints", operation_id = "createComplaint", tag = "Complaints",
    request_body = ComplaintBody,
    responses(
        (status = 201, description = "Received.", body = Created),
        (status = 400, response = BadRequest),
        (status = 422, response = Invalid),
        (status = 429, response = Throttled),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn create_complaint(
    State(state): State<AppState>,
    client: ClientAddr,
    ApiJson(body): ApiJson<ComplaintBody>,
) -> ApiResult {
    let source = Source::Online {
        applicant_id: None,
        client: &client.0,
    };
    Ok(created(service::submit(&state, &body.input(), source).await?))
}

/// A complaint's number and the complainant's contact.
#[derive(Deserialize, ToSchema)]
#[schema(as = ComplaintTrackRequest)]
pub(crate) struct TrackBody {
    /// e.g. `JBR-ADU-2026-00012`.
    #[serde(default)]
    number: String,
    /// The e-mail or mobile number given with the complaint.
    #[serde(default)]
    contact: String,
}

/// Track a complaint
///
/// By its number and the complainant's e-mail or mobile number. A wrong number and a wrong
/// contact get the same 404; failed lookups are throttled per client address.
#[utoipa::path(post, path = "/api/v1/complaints/track", operation_id = "trackComplaint", tag = "Complaints",
    request_body = TrackBody,
    responses(
        (status = 200, description = "The complaint's public state and steps.", body = Tracked),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 429, response = Throttled),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn track_complaint(
    State(state): State<AppState>,
    client: ClientAddr,
    ApiJson(body): ApiJson<TrackBody>,
) -> ApiResult {
    Ok(ok(service::track(&state, &body.number, &body.contact, &client.0).await?))
}

/// The complainant's word on the office's answer.
#[derive(Deserialize, ToSchema)]
#[schema(as = ComplaintResponseRequest)]
pub(crate) struct RespondBody {
    #[serde(default)]
    number: String,
    #[serde(default)]
    contact: String,
    /// `true`: satisfied, the complaint is closed; `false`: reopened (a reason is required).
    #[serde(default)]
    satisfied: bool,
    #[serde(default)]
    reason: String,
}

/// Confirm satisfaction with the answer, or reopen the complaint
///
/// Only once the office has answered (else 422 `refused`).
#[utoipa::path(post, path = "/api/v1/complaints/respond", operation_id = "respondToComplaintAnswer", tag = "Complaints",
    request_body = RespondBody,
    responses(
        (status = 200, description = "The complaint after the response.", body = Tracked),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 429, response = Throttled),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn respond_complaint(
    State(state): State<AppState>,
    client: ClientAddr,
    ApiJson(body): ApiJson<RespondBody>,
) -> ApiResult {
    let t = service::respond(
        &state,
        &body.number,
        &body.contact,
        &client.0,
        body.satisfied,
        &body.reason,
    )
    .await?;
    Ok(ok(t))
}

// ---------------------------------------------------------------------------------------------
// The complaints desk

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DeskListQuery {
    /// `terbuka` (not yet answered, the default), `terlambat` (overdue), `semua`, or a status code.
    #[serde(default)]
    status: String,
}

/// The desk's complaints, overdue first.
#[derive(Serialize, ToSchema)]
#[schema(as = ComplaintList)]
pub(crate) struct DeskList {
    complaints: Vec<ListItem>,
}

/// The complaints of the officer's office
#[utoipa::path(get, path = "/api/v1/desk/complaints", operation_id = "deskComplaints", tag = "Complaints",
    params(DeskListQuery),
    responses(
        (status = 200, description = "Overdue first, then open by deadline, then answered and closed.", body = DeskList),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn desk_complaints(
    State(state): State<AppState>,
    o: ApiOfficer,
    Query(q): Query<DeskListQuery>,
) -> ApiResult {
    Ok(ok(DeskList {
        complaints: service::list(&state, &o.0, &q.status).await?,
    }))
}

/// A complaint an officer records (phone, walk-in, letter, complaint box, e-mail).
#[derive(Deserialize, ToSchema)]
#[schema(as = DeskComplaintRequest)]
pub(crate) struct RecordBody {
    /// `telepon`, `datang`, `surat`, `kotak_saran` or `email`.
    #[serde(default)]
    channel: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
}

/// Record a complaint received by phone, at the counter, by letter, box or e-mail
#[utoipa::path(post, path = "/api/v1/desk/complaints", operation_id = "recordComplaint", tag = "Complaints",
    request_body = RecordBody,
    responses(
        (status = 201, description = "Recorded.", body = Created),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn record_complaint(
    State(state): State<AppState>,
    o: ApiOfficer,
    ApiJson(body): ApiJson<RecordBody>,
) -> ApiResult {
    let channel = Channel::from_code(body.channel.trim())
        .filter(|c| Channel::RECORDED_BY_OFFICER.contains(c))
        .ok_or_else(|| crate::platform::error::ServiceError::field("channel", "Pilih saluran pengaduan."))?;
    let input = ComplaintInput {
        office_id: o.0.office_id.clone(),
        name: body.name,
        email: body.email,
        phone: body.phone,
        subject: body.subject,
        body: body.body,
    };
    let source = Source::Officer { officer: &o.0, channel };
    Ok(created(service::submit(&state, &input, source).await?))
}

/// A step of a complaint as the desk sees it.
#[derive(Serialize, ToSchema)]
#[schema(as = DeskComplaintStep)]
pub(crate) struct DeskStep {
    at: String,
    actor: String,
    /// The step's code (`receive`, `classify`, `assign`, `examine`, `follow_up`, `answer`,
    /// `forward_lapor`, `confirm`, `reopen`, `escalate`).
    action: String,
    status: String,
    note: String,
    /// Shown to the complainant.
    public: bool,
}

/// A complaint of the officer's office.
#[derive(Serialize, ToSchema)]
#[schema(as = DeskComplaint)]
pub(crate) struct DeskComplaint {
    #[serde(flatten)]
    item: ListItem,
    body: String,
    complainant_name: String,
    contact_email: String,
    contact_phone: String,
    category: Option<String>,
    severity: Option<String>,
    answer: Option<String>,
    lapor_reference: Option<String>,
    application_id: Option<String>,
    /// The steps the status allows now (codes as in `DeskComplaintStep.action`).
    actions: Vec<String>,
    steps: Vec<DeskStep>,
    /// Evidence recorded with examinations, oldest first.
    evidence: Vec<DeskEvidence>,
}

/// A piece of evidence of a complaint.
#[derive(Serialize, ToSchema)]
#[schema(as = DeskComplaintEvidence)]
pub(crate) struct DeskEvidence {
    /// For `GET /api/v1/desk/complaints/{id}/evidence/{evidence}`.
    id: String,
    filename: String,
    mime: String,
    size: i64,
    created_at: String,
}

async fn desk_view(state: &AppState, o: &ApiOfficer, id: &str) -> Result<DeskComplaint, crate::web::api::ApiError> {
    let d = service::detail(state, &o.0, id).await?;
    let steps = d
        .events
        .iter()
        .map(|e| DeskStep {
            at: e.at.clone(),
            actor: e.actor_name.clone(),
            action: e.action.clone(),
            status: Status::from_code(&e.to_status).map_or(e.to_status.clone(), |s| s.code().to_string()),
            note: e.note.clone(),
            public: e.public != 0,
        })
        .collect();
    Ok(DeskComplaint {
        item: d.item,
        body: d.row.body,
        complainant_name: d.row.complainant_name,
        contact_email: d.row.contact_email,
        contact_phone: d.row.contact_phone,
        category: d.row.category,
        severity: d.row.severity,
        answer: d.row.answer,
        lapor_reference: d.row.lapor_reference,
        application_id: d.row.application_id,
        actions: d.actions.iter().map(|a| a.code().to_string()).collect(),
        steps,
        evidence: d
            .attachments
            .into_iter()
            .map(|a| DeskEvidence {
                id: a.id,
                filename: a.filename,
                mime: a.mime,
                size: a.size,
                created_at: a.created_at,
            })
            .collect(),
    })
}

/// A complaint of the officer's office with its steps
#[utoipa::path(get, path = "/api/v1/desk/complaints/{id}", operation_id = "deskComplaint", tag = "Complaints",
    params(("id" = String, Path, description = "The complaint's id (from the list).")),
    responses(
        (status = 200, description = "The complaint.", body = DeskComplaint),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn desk_complaint(State(state): State<AppState>, o: ApiOfficer, Path(id): Path<String>) -> ApiResult {
    Ok(ok(desk_view(&state, &o, &id).await?))
}

/// A step of the complaints desk; only the fields of the action are read.
#[derive(Deserialize, ToSchema)]
#[schema(as = DeskComplaintActionRequest)]
pub(crate) struct ActionBody {
    /// `classify`, `assign`, `examine`, `follow_up`, `answer` or `forward_lapor`.
    #[serde(default)]
    action: String,
    /// classify: a category code (`persyaratan`, `prosedur`, `waktu`, `biaya`, `produk`,
    /// `perilaku`, `sarana`, `aplikasi`, `lainnya`).
    #[serde(default)]
    category: String,
    /// classify: `ringan`, `sedang` or `berat`.
    #[serde(default)]
    severity: String,
    /// assign: the officer's id (`GET /api/v1/desk/officers`).
    #[serde(default)]
    assignee: String,
    /// examine, follow_up, answer: the text (required); classify, assign: optional.
    #[serde(default)]
    note: String,
    /// forward_lapor: the SP4N-LAPOR! ticket number.
    #[serde(default)]
    reference: String,
    /// examine: an optional evidence file, PDF, JPG or PNG (by content).
    #[serde(default)]
    evidence: Option<crate::web::api::Base64File>,
}

/// Take a step on a complaint
///
/// A step the status does not allow is 422 `refused`; missing fields are 422 `invalid`. An
/// examination may carry an evidence file as base64.
#[utoipa::path(post, path = "/api/v1/desk/complaints/{id}/actions", operation_id = "deskComplaintAction", tag = "Complaints",
    params(("id" = String, Path, description = "The complaint's id.")),
    request_body = ActionBody,
    responses(
        (status = 200, description = "The complaint after the step.", body = DeskComplaint),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn desk_complaint_action(
    State(state): State<AppState>,
    o: ApiOfficer,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ActionBody>,
) -> ApiResult {
    let evidence = crate::web::api::Base64File::decode(body.evidence.as_ref(), "evidence")?;
    let input = ActionInput {
        action: body.action,
        category: body.category,
        severity: body.severity,
        assignee: body.assignee,
        note: body.note,
        reference: body.reference,
        evidence,
    };
    let _: Action = service::act(&state, &o.0, &id, &input).await?;
    Ok(ok(desk_view(&state, &o, &id).await?))
}

/// A piece of evidence of a complaint of the caller's office
#[utoipa::path(get, path = "/api/v1/desk/complaints/{id}/evidence/{evidence}", operation_id = "getDeskComplaintEvidence", tag = "Complaints",
    params(("id" = String, Path, description = "The complaint's id."), ("evidence" = String, Path, description = "The evidence's id.")),
    responses(
        (status = 200, description = "The file (PDF, JPG or PNG).", content_type = "application/octet-stream"),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn desk_complaint_evidence(
    State(state): State<AppState>,
    o: ApiOfficer,
    Path((id, evidence)): Path<(String, String)>,
) -> ApiResult {
    Ok(crate::web::view::file_response(
        service::evidence(&state, &o.0, &id, &evidence).await?,
        crate::web::view::Shown::Saved,
    ))
}

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReportQuery {
    /// The year, e.g. 2026 (default: this year).
    #[serde(default)]
    tahun: String,
    /// 1–12; omitted for the whole year.
    #[serde(default)]
    bulan: String,
}

/// The complaint report of the officer's office for a month or a year
#[utoipa::path(get, path = "/api/v1/desk/complaints/report", operation_id = "complaintReport", tag = "Complaints",
    params(ReportQuery),
    responses(
        (status = 200, description = "Counts by channel, category, severity and status; answers in time; median time to answer.", body = report::Report),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn complaint_report(
    State(state): State<AppState>,
    o: ApiOfficer,
    Query(q): Query<ReportQuery>,
) -> ApiResult {
    let office = crate::catalog::offices::get(&state, &o.0.office_id).await?;
    let today = crate::catalog::offices::today(&office);
    let (year, month) = report::parse_period(&q.tahun, &q.bulan, today, false)?;
    Ok(ok(report::report(&state, &o.0, year, month).await?))
}
