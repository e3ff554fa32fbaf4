//! The complaint pages: the public form and tracking page (with the complainant's confirmation
//! or reopening), and the complaints desk of the officers (list, recording a complaint taken by
//! phone, at the counter, by letter, box or e-mail, the complaint with its steps, evidence).

use crate::catalog;
use crate::complaints::service;
use crate::complaints::service::ActionInput;
use crate::complaints::service::ComplaintInput;
use crate::complaints::service::Detail;
use crate::complaints::service::ListItem;
use crate::complaints::service::Source;
use crate::complaints::service::Tracked;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::OfficerUser;
use crate::web::extract::Visitor;
use crate::web::extract::officer_of;
use crate::web::form::FormBody;
use crate::web::view::FormState;
use crate::web::view::MessagePage;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page;
use crate::web::view::page_with_status;
use crate::web::view::see_other;
use crate::web::view::{Shown, file_response};
use askama::Template;
use axum::body::Bytes;
use axum::extract::Multipart;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use izinkes_domain::complaints::Action;
use izinkes_domain::complaints::Category;
use izinkes_domain::complaints::Channel;
use izinkes_domain::complaints::Severity;
use izinkes_domain::complaints::Status;
use std::collections::HashMap;

/// A choice of a select: (value, label).
pub type Choice = (String, String);

fn choices<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Vec<Choice> {
    all.iter()
        .map(|t| (code(*t).to_string(), label(*t).to_string()))
        .collect()
}

fn input_from(f: &FormBody) -> ComplaintInput {
    ComplaintInput {
        office_id: f.get("office_id"),
        name: f.get("name"),
        email: f.get("email"),
        phone: f.get("phone"),
        subject: f.get("subject"),
        body: f.get("body"),
    }
}

// ---------------------------------------------------------------------------------------------
// The public form

#[derive(serde::Deserialize, Default)]
pub(crate) struct FormQuery {
    #[serde(default)]
    kantor: String,
}

/// The online complaint form.
#[derive(Template)]
#[template(path = "complaints/form.html")]
pub struct FormPage {
    pub ctx: PageCtx,
    pub offices: Vec<Choice>,
    pub signed_in: bool,
    pub form: FormState,
}

async fn form_view(state: &AppState, v: &Visitor, form: FormState) -> Result<FormPage, WebError> {
    let offices = catalog::offices::list(state)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(FormPage {
        ctx: v.ctx(state, "Sampaikan Pengaduan", "pengaduan"),
        offices,
        signed_in: v
            .subject
            .as_ref()
            .is_some_and(|s| s.kind == crate::auth::sessions::SubjectKind::Applicant),
        form,
    })
}

pub(crate) async fn form_page(State(state): State<AppState>, v: Visitor, Query(q): Query<FormQuery>) -> PageResult {
    let mut values = HashMap::new();
    values.insert("office_id".to_string(), q.kantor);
    Ok(page(
        &form_view(&state, &v, FormState::new(values, Default::default())).await?,
    ))
}

fn applicant_of(v: &Visitor) -> Option<&str> {
    v.subject
        .as_ref()
        .filter(|s| s.kind == crate::auth::sessions::SubjectKind::Applicant)
        .map(|s| s.id.as_str())
}

pub(crate) async fn form_post(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    let source = Source::Online {
        applicant_id: applicant_of(&v),
        client: &v.client,
    };
    match service::submit(&state, &input_from(&f), source).await {
        Ok(created) => Ok(page(&received_page(&state, &v, &created.number))),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_view(&state, &v, FormState::new(f.map(), errors)).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

fn received_page(state: &AppState, v: &Visitor, number: &str) -> MessagePage {
    MessagePage {
        ctx: v.ctx(state, "Pengaduan diterima", "pengaduan"),
        heading: "Pengaduan Anda telah diterima".into(),
        paragraphs: vec![
            format!("Nomor pengaduan Anda: {number}"),
            "Simpan nomor ini. Dengan nomor ini dan e-mail atau nomor handphone yang Anda berikan, Anda dapat \
             melacak penanganannya dan memberi tanggapan atas jawaban kami."
                .into(),
        ],
        link: Some(("/pengaduan/lacak".into(), "Lacak pengaduan".into())),
    }
}

// ---------------------------------------------------------------------------------------------
// Public tracking, confirmation and reopening

#[derive(Template)]
#[template(path = "complaints/track.html")]
pub struct TrackPage {
    pub ctx: PageCtx,
    pub form: FormState,
    pub result: Option<Tracked>,
    /// What the complainant's last response did.
    pub info: String,
}

fn track_view(state: &AppState, v: &Visitor, form: FormState, result: Option<Tracked>) -> TrackPage {
    TrackPage {
        ctx: v.ctx(state, "Lacak Pengaduan", "pengaduan"),
        form,
        result,
        info: String::new(),
    }
}

pub(crate) async fn track_form(State(state): State<AppState>, v: Visitor) -> PageResult {
    Ok(page(&track_view(&state, &v, FormState::default(), None)))
}

/// Shows a failed lookup or response next to its field: "not found" is one answer for a wrong
/// number and a wrong contact.
fn track_failure(state: &AppState, v: &Visitor, f: &FormBody, e: ServiceError) -> PageResult {
    let mut errors = izinkes_domain::catalog::FieldErrors::new();
    let status = match e {
        ServiceError::Invalid(fields) => {
            errors = fields;
            StatusCode::UNPROCESSABLE_ENTITY
        }
        ServiceError::NotFound => {
            errors.insert("number".into(), service::not_found_text().into());
            StatusCode::NOT_FOUND
        }
        ServiceError::Throttled(m) => {
            errors.insert("number".into(), m);
            StatusCode::TOO_MANY_REQUESTS
        }
        ServiceError::Refused(m) => {
            errors.insert("reason".into(), m);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        other => return Err(other.into()),
    };
    Ok(page_with_status(
        status,
        &track_view(state, v, FormState::new(f.map(), errors), None),
    ))
}

pub(crate) async fn track_post(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    match service::track(&state, &f.get("number"), &f.get("contact"), &v.client).await {
        Ok(t) => Ok(page(&track_view(
            &state,
            &v,
            FormState::new(f.map(), Default::default()),
            Some(t),
        ))),
        Err(e) => track_failure(&state, &v, &f, e),
    }
}

pub(crate) async fn respond_post(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    let satisfied = f.get("puas") == "ya";
    let (number, contact) = (f.get("number"), f.get("contact"));
    match service::respond(&state, &number, &contact, &v.client, satisfied, &f.get("reason")).await {
        Ok(t) => {
            let mut p = track_view(&state, &v, FormState::new(f.map(), Default::default()), Some(t));
            p.info = if satisfied {
                "Terima kasih atas tanggapan Anda. Pengaduan ini dinyatakan selesai.".into()
            } else {
                "Pengaduan Anda dibuka kembali dan akan kami periksa lagi.".into()
            };
            Ok(page(&p))
        }
        Err(ServiceError::Invalid(errors)) => {
            let t = service::track(&state, &number, &contact, &v.client).await.ok();
            Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &track_view(&state, &v, FormState::new(f.map(), errors), t),
            ))
        }
        Err(e) => track_failure(&state, &v, &f, e),
    }
}

// ---------------------------------------------------------------------------------------------
// The desk: list

#[derive(serde::Deserialize, Default)]
pub(crate) struct ListQuery {
    #[serde(default)]
    status: String,
}

#[derive(Template)]
#[template(path = "complaints/desk_list.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    pub office_name: String,
    pub filter: String,
    pub filters: Vec<Choice>,
    pub rows: Vec<ListItem>,
}

pub(crate) async fn desk_list(State(state): State<AppState>, o: OfficerUser, Query(q): Query<ListQuery>) -> PageResult {
    let officer = officer_of(&o)?;
    let rows = service::list(&state, &officer, &q.status).await?;
    let office = catalog::offices::get(&state, &officer.office_id).await?;
    let mut filters: Vec<Choice> = vec![
        ("terbuka".into(), "Belum dijawab".into()),
        ("terlambat".into(), "Terlambat".into()),
    ];
    filters.extend(choices(&Status::ALL, Status::code, Status::label_id));
    filters.push(("semua".into(), "Semua".into()));
    let filter = if q.status.is_empty() {
        "terbuka".to_string()
    } else {
        q.status
    };
    Ok(page(&ListPage {
        ctx: o.visitor.ctx(&state, "Pengaduan", "pengaduan"),
        office_name: office.name,
        filter,
        filters,
        rows,
    }))
}

// ---------------------------------------------------------------------------------------------
// The desk: recording a complaint received by phone, at the counter, by letter, box or e-mail

#[derive(Template)]
#[template(path = "complaints/desk_record.html")]
pub struct RecordPage {
    pub ctx: PageCtx,
    pub channels: Vec<Choice>,
    pub form: FormState,
}

fn record_view(state: &AppState, o: &OfficerUser, form: FormState) -> RecordPage {
    RecordPage {
        ctx: o.visitor.ctx(state, "Catat Pengaduan", "pengaduan"),
        channels: choices(&Channel::RECORDED_BY_OFFICER, Channel::code, Channel::label_id),
        form,
    }
}

pub(crate) async fn record_form(State(state): State<AppState>, o: OfficerUser) -> PageResult {
    Ok(page(&record_view(&state, &o, FormState::default())))
}

pub(crate) async fn record_post(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let officer = officer_of(&o)?;
    let f = FormBody::parse(&body);
    let channel = Channel::from_code(&f.get("channel")).filter(|c| Channel::RECORDED_BY_OFFICER.contains(c));
    let Some(channel) = channel else {
        let errors = [("channel".to_string(), "Pilih saluran pengaduan.".to_string())].into();
        return Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &record_view(&state, &o, FormState::new(f.map(), errors)),
        ));
    };
    let source = Source::Officer {
        officer: &officer,
        channel,
    };
    match service::submit(&state, &input_from(&f), source).await {
        Ok(created) => Ok(see_other(&format!("/petugas/pengaduan/{}", created.id))),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &record_view(&state, &o, FormState::new(f.map(), errors)),
        )),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// The desk: one complaint and its steps

/// One step as the desk shows it.
pub struct StepView {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub status: String,
    pub note: String,
    pub public: bool,
    pub evidence: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "complaints/desk_detail.html")]
pub struct DetailPage {
    pub ctx: PageCtx,
    pub d: Detail,
    pub channel_label: String,
    pub category_label: String,
    pub steps: Vec<StepView>,
    pub categories: Vec<Choice>,
    pub severities: Vec<Choice>,
    pub officers: Vec<Choice>,
    /// The form of the action last sent, with its values and errors.
    pub form: FormState,
    pub refused: String,
    pub info: String,
}

impl DetailPage {
    pub fn can(&self, action: &str) -> bool {
        self.d.actions.iter().any(|a| a.code() == action)
    }
    /// The value typed in `key` of the form of `action` (empty for another form).
    pub fn val(&self, action: &str, key: &str) -> &str {
        if self.form.is("action", action) {
            self.form.v(key)
        } else {
            ""
        }
    }
    /// The error of `key` in the form of `action`.
    pub fn err(&self, action: &str, key: &str) -> &str {
        if self.form.is("action", action) {
            self.form.e(key)
        } else {
            ""
        }
    }
    pub fn severity_hint(&self, code: &str) -> String {
        Severity::from_code(code).map_or_else(String::new, |s| self.d.deadlines.limit(s).label_id())
    }
}

async fn detail_view(
    state: &AppState,
    o: &OfficerUser,
    id: &str,
    form: FormState,
    refused: String,
) -> Result<DetailPage, WebError> {
    let officer = officer_of(o)?;
    let d = service::detail(state, &officer, id).await?;
    let steps = d
        .events
        .iter()
        .map(|e| StepView {
            at: service::local_label(&d.office, &e.at),
            actor: e.actor_name.clone(),
            action: Action::from_code(&e.action).map_or_else(
                || match e.action.as_str() {
                    "receive" => "Pengaduan diterima".to_string(),
                    "escalate" => "Eskalasi kepada atasan".to_string(),
                    other => other.to_string(),
                },
                |a| a.label_id().to_string(),
            ),
            status: Status::from_code(&e.to_status).map_or("", Status::label_id).to_string(),
            note: e.note.clone(),
            public: e.public != 0,
            evidence: d
                .attachments
                .iter()
                .filter(|a| a.event_id == e.id)
                .map(|a| {
                    (
                        a.id.clone(),
                        format!("{} ({})", a.filename, crate::platform::uploads::human_size(a.size)),
                    )
                })
                .collect(),
        })
        .collect();
    Ok(DetailPage {
        ctx: o
            .visitor
            .ctx(state, &format!("Pengaduan {}", d.row.number), "pengaduan"),
        channel_label: d.item.channel_label.clone(),
        category_label: d
            .row
            .category
            .as_deref()
            .and_then(Category::from_code)
            .map_or("—", Category::label_id)
            .to_string(),
        steps,
        categories: choices(&Category::ALL, Category::code, Category::label_id),
        severities: choices(&Severity::ALL, Severity::code, Severity::label_id),
        officers: d.officers.iter().map(|x| (x.id.clone(), x.full_name.clone())).collect(),
        d,
        form,
        refused,
        info: String::new(),
    })
}

pub(crate) async fn desk_detail(State(state): State<AppState>, o: OfficerUser, Path(id): Path<String>) -> PageResult {
    Ok(page(
        &detail_view(&state, &o, &id, FormState::default(), String::new()).await?,
    ))
}

/// After a step: back to the complaint; a refused or invalid step shows its form again.
async fn after_step(
    state: &AppState,
    o: &OfficerUser,
    id: &str,
    values: HashMap<String, String>,
    result: Result<Action, ServiceError>,
) -> PageResult {
    match result {
        Ok(_) => Ok(see_other(&format!("/petugas/pengaduan/{id}"))),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &detail_view(state, o, id, FormState::new(values, errors), String::new()).await?,
        )),
        Err(ServiceError::Refused(m)) | Err(ServiceError::Conflict(m)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &detail_view(state, o, id, FormState::new(values, Default::default()), m).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn desk_action(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let officer = officer_of(&o)?;
    let f = FormBody::parse(&body);
    let input = ActionInput {
        action: f.get("action"),
        category: f.get("category"),
        severity: f.get("severity"),
        assignee: f.get("assignee"),
        note: f.get("note"),
        reference: f.get("reference"),
        evidence: None,
    };
    if input.action == Action::Examine.code() {
        return Err(WebError::BadRequest(
            "Catatan pemeriksaan dikirim dengan formulirnya sendiri.".into(),
        ));
    }
    let result = service::act(&state, &officer, &id, &input).await;
    after_step(&state, &o, &id, f.map(), result).await
}

/// Longest text field read from a multipart form (longer notes are refused by the service).
const MULTIPART_TEXT_MAX: usize = service::NOTE_MAX + 1;

/// The examination form: a note and optionally one evidence file.
async fn read_examination(mut mp: Multipart) -> Result<(HashMap<String, String>, Option<(String, Vec<u8>)>), WebError> {
    let mut fields = HashMap::new();
    let mut file = None;
    let broken = |_| WebError::BadRequest("Unggahan terputus atau rusak; silakan coba lagi.".into());
    while let Some(field) = mp.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge
        } else {
            WebError::BadRequest("Unggahan terputus atau rusak; silakan coba lagi.".into())
        }
    })? {
        let name = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            Some(filename) => {
                let bytes = field.bytes().await.map_err(broken)?;
                if file.is_none() && (!filename.is_empty() || !bytes.is_empty()) {
                    file = Some((filename, bytes.to_vec()));
                }
            }
            None => {
                let text = field.text().await.map_err(broken)?;
                fields.insert(name, text.chars().take(MULTIPART_TEXT_MAX).collect());
            }
        }
    }
    Ok((fields, file))
}

/// The examination form (multipart); the complaint's office is checked before the body is read.
pub(crate) async fn desk_examine(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> PageResult {
    use axum::extract::FromRequest;
    let officer = officer_of(&o)?;
    service::ensure_in_office(&state, &officer, &id).await?;
    let mp = Multipart::from_request(req, &state)
        .await
        .map_err(|_| WebError::BadRequest("Formulir pemeriksaan harus dikirim sebagai unggahan (multipart).".into()))?;
    let (mut values, evidence) = read_examination(mp).await?;
    values.insert("action".into(), Action::Examine.code().into());
    let input = ActionInput {
        action: Action::Examine.code().into(),
        note: values.get("note").cloned().unwrap_or_default(),
        evidence,
        ..ActionInput::default()
    };
    let result = service::act(&state, &officer, &id, &input).await;
    after_step(&state, &o, &id, values, result).await
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct EvidenceQuery {
    #[serde(default)]
    berkas: String,
}

/// A piece of evidence, shown inline (PDF or image, checked by content when uploaded).
pub(crate) async fn desk_evidence(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(id): Path<String>,
    Query(q): Query<EvidenceQuery>,
) -> PageResult {
    let officer = officer_of(&o)?;
    Ok(file_response(
        service::evidence(&state, &officer, &id, &q.berkas).await?,
        Shown::Inline,
    ))
}
