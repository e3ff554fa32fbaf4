//! The applicant's application pages: Permohonan Saya, starting an application, its page with
//! history, the receipt, and public tracking.

use crate::applications;
use crate::applications::list::ListItem;
use crate::applications::step_pages::AttachedFile;
use crate::applications::step_pages::RequirementRow;
use crate::applications::tracking::TrackResult;
use crate::applications::view::ApplicantData;
use crate::applications::view::ApplicationView;
use crate::catalog;
use crate::catalog::offices::Office;
use crate::catalog::pages::ServiceGroup;
use crate::catalog::pages::accept_attr;
use crate::catalog::pages::formats_label;
use crate::catalog::pages::need_label;
use crate::library;
use crate::permits;
use crate::platform;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::ApplicantUser;
use crate::web::extract::Visitor;
use crate::web::form::FormBody;
use crate::web::view::FormState;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page;
use crate::web::view::page_with_status;
use crate::web::view::plain_pdf;
use crate::web::view::see_other;
use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::catalog::FieldKind;
use izinkes_domain::catalog::PermitType;
use izinkes_domain::catalog::Requirement;
use izinkes_domain::catalog::format_days;
use izinkes_domain::catalog::format_time_range;
use izinkes_domain::format_id::area_label;
use izinkes_domain::format_id::iso_date_id;
use izinkes_domain::format_id::timestamp_id;
use izinkes_domain::phone::PhoneE164;

pub(crate) async fn track_form(State(state): State<AppState>, v: Visitor) -> PageResult {
    Ok(page(&TrackPage {
        ctx: v.ctx(&state, "Lacak Permohonan", "lacak"),
        form: FormState::default(),
        result: None,
        notice: String::new(),
    }))
}

pub(crate) async fn track(State(state): State<AppState>, v: Visitor, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    let values = f.map();
    let ctx = v.ctx(&state, "Lacak Permohonan", "lacak");
    match applications::tracking::track(&state, &f.get("number"), &f.get("nik4"), &v.client).await {
        Ok(r) => Ok(page(&TrackPage {
            ctx,
            form: FormState::new(values, FieldErrors::new()),
            result: Some(r),
            notice: String::new(),
        })),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &TrackPage {
                ctx,
                form: FormState::new(values, errors),
                result: None,
                notice: String::new(),
            },
        )),
        Err(ServiceError::Refused(m)) | Err(ServiceError::Throttled(m)) => Ok(page_with_status(
            StatusCode::NOT_FOUND,
            &TrackPage {
                ctx,
                form: FormState::new(values, FieldErrors::new()),
                result: None,
                notice: m,
            },
        )),
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn list(State(state): State<AppState>, user: ApplicantUser) -> PageResult {
    let items = applications::list::list_for_applicant(&state, &user.id).await?;
    let unread = crate::messages::service::applicant_unread(&state, &user.id).await?;
    let mut ctx = user.ctx(&state, "Permohonan Saya", "permohonan");
    ctx.unread = unread.len() as i64;
    Ok(page(&ApplicationsPage { ctx, items, unread }))
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct StartQuery {
    #[serde(default)]
    izin: String,
}

async fn start_page(state: &AppState, v: &Visitor, code: &str, form: FormState) -> Result<ApplyStartPage, WebError> {
    let (_, catalog) = state.current_catalog().await?;
    // A cancellation starts from the permit it cancels (Izin Saya), not here.
    let permits: Vec<&PermitType> = catalog.permit_types.iter().filter(|p| !p.is_cancellation()).collect();
    let selected = catalog.get(code).filter(|p| !p.is_cancellation()).cloned();
    let offices = catalog::offices::list(state).await?;
    let mut serving = Vec::new();
    if let Some(p) = &selected {
        for o in &offices {
            if catalog::service::is_enabled(state, &o.id, &p.code).await? {
                let s = catalog::standards::in_force(state, &o.id, p).await?.standard;
                serving.push(ServingOffice {
                    terms: format!(
                        "{} hari kerja · {}",
                        s.sla_working_days,
                        izinkes_domain::standard::fee_label(s.fee_rupiah)
                    ),
                    office: o.clone(),
                });
            }
        }
    }
    let spans = crate::catalog::pages::spans(state, &offices, &permits).await?;
    Ok(ApplyStartPage {
        ctx: v.ctx(state, "Ajukan Permohonan Baru", "baru"),
        groups: crate::catalog::pages::group_services(&permits, &spans, ""),
        offices: serving,
        selected,
        form,
    })
}

pub(crate) async fn start(
    State(state): State<AppState>,
    user: ApplicantUser,
    Query(q): Query<StartQuery>,
) -> PageResult {
    Ok(page(
        &start_page(&state, &user.visitor, &q.izin, FormState::default()).await?,
    ))
}

pub(crate) async fn create(State(state): State<AppState>, user: ApplicantUser, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    let applicant = crate::accounts::profile::load_applicant(&state, &user.id).await?;
    match applications::drafts::create_draft(&state, &applicant, &f.get("office"), &f.get("izin")).await {
        Ok(id) => Ok(see_other(&format!("/permohonan/{id}/tahap-1"))),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &start_page(&state, &user.visitor, &f.get("izin"), FormState::new(f.map(), errors)).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn load(state: &AppState, user: &ApplicantUser, id: &str) -> Result<ApplicationView, WebError> {
    Ok(applications::view::load_view(state, &user.id, id).await?)
}

/// A submitted application opens its detail page instead of the wizard.
pub(crate) fn not_draft(v: &ApplicationView) -> Option<Response> {
    (v.app.status.code() != "draft").then(|| see_other(&format!("/permohonan/{}", v.app.id)))
}

pub(crate) async fn detail(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    detail_page(&state, &user, &id, FormState::default(), StatusCode::OK).await
}

/// Writes a Pesan Pengaduan message from the application page; bad input shows the page again.
pub(crate) async fn message_post(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> PageResult {
    match crate::messages::pages::write_applicant(&state, &user, &id, req).await? {
        None => Ok(see_other(&format!("/permohonan/{id}?info=pesan#pesan"))),
        Some(form) => detail_page(&state, &user, &id, form, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

/// Withdraws the application (Batalkan permohonan); a missing reason shows the page again.
pub(crate) async fn withdraw_post(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let f = crate::web::form::FormBody::parse(&body);
    match applications::withdraw::withdraw(&state, &user.id, &id, &f.get("reason")).await {
        Ok(()) => Ok(see_other(&format!("/permohonan/{id}"))),
        Err(ServiceError::Invalid(errors)) => {
            let form = FormState::new(f.map(), errors);
            detail_page_with(
                &state,
                &user,
                &id,
                FormState::default(),
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The application page; `message` is the Pesan Pengaduan form as sent (after bad input).
pub(crate) async fn detail_page(
    state: &AppState,
    user: &ApplicantUser,
    id: &str,
    message: FormState,
    status: StatusCode,
) -> PageResult {
    detail_page_with(state, user, id, message, FormState::default(), status).await
}

/// The application page with the Pesan form and the withdrawal form as sent.
async fn detail_page_with(
    state: &AppState,
    user: &ApplicantUser,
    id: &str,
    message: FormState,
    withdraw: FormState,
    status: StatusCode,
) -> PageResult {
    let v = load(state, user, id).await?;
    if v.app.status.code() == "draft" {
        let next = if !v.app.step1_done {
            "tahap-1"
        } else if !v.app.step2_done {
            "tahap-2"
        } else if !v.step3_done() {
            "tahap-3"
        } else {
            "periksa"
        };
        return Ok(see_other(&format!("/permohonan/{}/{next}", v.app.id)));
    }
    // Only a file returned to the applicant has an open revision round to show.
    let revision = if v.app.status.code() == "needs_revision" {
        crate::desks::revisions::open_round(state, &v.app.id)
            .await?
            .map(|r| (r.round, r.asked_by_name, r.items))
    } else {
        None
    };
    let (thread, unread) = crate::messages::pages::applicant_thread(state, &v.app, message).await?;
    let mut p = application_page(state, &user.visitor, &v, revision, thread);
    p.ctx.unread = unread;
    p.can_withdraw = v.app.status.may_be_withdrawn();
    p.withdraw = withdraw;
    let today = crate::catalog::offices::today(&v.office);
    p.retribution = crate::permits::retribution::of_application(state, &v.app.id, today).await?;
    if v.app.status.code() == "issued" {
        p.permit = crate::permits::archive::of_application(state, &v.app.id)
            .await?
            .map(|row| crate::permits::archive::PermitInfo::of(&row, today, v.office.tz()));
        if let Some(info) = p.permit.as_ref().filter(|i| i.status_code != "active") {
            p.app.status_label = format!("Izin {}", info.status);
            p.app.status_code = info.status_code.clone();
        }
    }
    Ok(page_with_status(status, &p))
}

fn application_page(
    state: &AppState,
    visitor: &Visitor,
    v: &ApplicationView,
    revision: Option<(i64, String, Vec<crate::desks::file::RevisionItem>)>,
    thread: crate::messages::pages::ThreadBlock,
) -> ApplicationPage {
    let tz = v.office.tz();
    ApplicationPage {
        ctx: visitor.ctx(
            state,
            &format!("Permohonan {}", v.app.registration_number.clone().unwrap_or_default()),
            "permohonan",
        ),
        app: AppSummary::from_view(v),
        applicant_rows: applicant_rows(&v.app.data),
        form_rows: form_rows(v),
        documents: requirement_rows(v, &FieldErrors::new(), &[]),
        history: history_rows(v),
        submitted_at: v
            .app
            .submitted_at
            .as_deref()
            .map(|s| timestamp_id(s, tz.offset(), tz.label()))
            .unwrap_or_default(),
        sla_days: v.standard.standard.sla_working_days,
        fee: v.standard.standard.fee_text(),
        revision,
        thread,
        permit: None,
        retribution: None,
        can_withdraw: false,
        withdraw: FormState::default(),
    }
}

fn history_rows(v: &ApplicationView) -> Vec<HistoryRow> {
    let tz = v.office.tz();
    v.history
        .iter()
        .filter(|h| !h.action.starts_with("pesan_"))
        .map(|h| HistoryRow {
            at: timestamp_id(&h.at, tz.offset(), tz.label()),
            actor: match &h.actor_role {
                Some(r) => format!("{} ({})", h.actor_name, r),
                None => h.actor_name.clone(),
            },
            action: crate::desks::pages::action_label(&h.action),
            status: izinkes_domain::status::ApplicationStatus::from_code(&h.to_status)
                .map(|s| s.label_id().to_string())
                .unwrap_or_else(|| h.to_status.clone()),
            note: h.public_note.clone().unwrap_or_default(),
        })
        .collect()
}

pub(crate) fn phone_display(p: &str) -> String {
    PhoneE164::parse(p)
        .map(|p| p.national())
        .unwrap_or_else(|_| p.to_string())
}

pub fn applicant_rows(d: &ApplicantData) -> Vec<AnswerRow> {
    let row = |label: &str, value: String| AnswerRow {
        label: label.into(),
        value,
    };
    let mut rows = vec![
        row("Nama Pemohon", d.name.clone()),
        row("Email Pemohon", d.email.clone()),
        row("Handphone", phone_display(&d.phone)),
        row("Alamat", format!("{}, {}", d.address, area_label(&d.village_code))),
    ];
    if d.by_proxy {
        rows.push(row("Handphone Kuasa", phone_display(&d.proxy_phone)));
    }
    // An establishment's permit names its business with an owner; a practice permit, a place.
    let place = if d.company_owner.is_empty() {
        "Tempat Praktik"
    } else {
        "Tempat Usaha"
    };
    rows.push(row(place, d.facility_name.clone()));
    rows.push(row(
        "Lokasi Izin",
        format!("{}, {}", d.location_address, area_label(&d.location_village_code)),
    ));
    if d.is_company {
        rows.push(row("Nama Perusahaan", d.company_name.clone()));
        rows.push(row("Alamat Perusahaan", d.company_address.clone()));
        rows.push(row("Email Perusahaan", d.company_email.clone()));
        let contact: Vec<&str> = [d.company_phone.as_str(), d.company_fax.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        rows.push(row("Telepon / Fax Perusahaan", contact.join(" / ")));
        rows.push(row("NPWP Perusahaan", d.company_npwp.clone()));
        rows.push(row("Jenis Usaha", d.business_type.clone()));
        for (label, value) in [
            ("Nomor Induk Berusaha (NIB)", &d.company_nib),
            ("Nama Pemilik", &d.company_owner),
            ("Penanggung Jawab", &d.person_in_charge),
        ] {
            if !value.is_empty() {
                rows.push(row(label, value.clone()));
            }
        }
    }
    rows
}

pub fn form_rows(v: &ApplicationView) -> Vec<AnswerRow> {
    let Some(p) = v.permit() else { return Vec::new() };
    p.fields
        .iter()
        .map(|f| {
            let raw = v.app.answers.get(&f.key).cloned().unwrap_or_default();
            let value = match f.kind {
                _ if raw.is_empty() => "—".to_string(),
                FieldKind::Days => format_days(&raw),
                FieldKind::TimeRange => format!("Pukul {} {}", format_time_range(&raw), v.office.tz().label()),
                FieldKind::Date => iso_date_id(&raw),
                _ => raw,
            };
            AnswerRow {
                label: f.label.clone(),
                value,
            }
        })
        .collect()
}

pub fn requirement_rows(
    v: &ApplicationView,
    errors: &FieldErrors,
    library: &[library::service::LibraryDocument],
) -> Vec<RequirementRow> {
    let Some(p) = v.permit() else { return Vec::new() };
    let answers = v.all_answers();
    p.requirements
        .iter()
        .filter(|r| {
            !matches!(r.need, izinkes_domain::catalog::Need::When { .. })
                || p.is_triggered(r, &answers)
                || v.attachment(&r.key).is_some()
        })
        .map(|r| {
            let suitable = library
                .iter()
                .filter(|d| r.formats.iter().any(|f| f.mime() == d.mime) && d.size <= i64::from(r.max_size_kb) * 1024)
                .cloned()
                .collect::<Vec<_>>();
            // Offer a library file ready to use only when it was attached as this kind before.
            let preselected = suitable
                .iter()
                .find(|d| d.kinds.contains(&r.key))
                .map(|d| d.id.clone())
                .unwrap_or_default();
            RequirementRow {
                preselected,
                key: r.key.clone(),
                label: r.label.clone(),
                hint: r.hint.clone().unwrap_or_default(),
                need: need_label(p, r),
                needed: p.is_triggered(r, &answers),
                formats: formats_label(r),
                accept: accept_attr(r),
                attached: v.attachment(&r.key).map(|a| AttachedFile {
                    filename: a.filename.clone(),
                    size: platform::uploads::human_size(a.size),
                    is_image: a.mime.starts_with("image/"),
                }),
                error: errors.get(&r.key).cloned().unwrap_or_default(),
                library: suitable,
            }
        })
        .collect()
}

pub(crate) async fn receipt(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    let v = load(&state, &user, &id).await?;
    if v.app.registration_number.is_none() {
        return Ok(see_other(&format!("/permohonan/{id}")));
    }
    let applicant = crate::accounts::profile::load_applicant(&state, &user.id).await?;
    let tz = v.office.tz();
    let documents = requirement_rows(&v, &FieldErrors::new(), &[])
        .into_iter()
        .filter_map(|r| r.attached.map(|a| (r.label, a.filename)))
        .collect();
    Ok(page(&ReceiptPage {
        ctx: user.ctx(&state, "Bukti Pendaftaran", "permohonan"),
        app: AppSummary::from_view(&v),
        holder: v.app.data.name.clone(),
        identity: applicant.masked_identity(),
        facility: v.app.data.facility_name.clone(),
        location: format!(
            "{}, {}",
            v.app.data.location_address,
            area_label(&v.app.data.location_village_code)
        ),
        submitted_at: v
            .app
            .submitted_at
            .as_deref()
            .map(|s| timestamp_id(s, tz.offset(), tz.label()))
            .unwrap_or_default(),
        documents,
        sla_days: v.standard.standard.sla_working_days,
        fee: v.standard.standard.fee_text(),
        track_url: format!("{}/lacak", state.config.base_url.trim_end_matches('/')),
        office: v.office.clone(),
    }))
}

pub(crate) async fn delete_draft(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
) -> PageResult {
    applications::drafts::delete_draft(&state, &user.id, &id).await?;
    Ok(see_other("/permohonan"))
}

pub(crate) async fn receipt_pdf(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
) -> PageResult {
    let bytes = permits::documents::receipt_pdf(&state, &user.id, &id).await?;
    Ok(plain_pdf("bukti-pendaftaran.pdf", bytes))
}

#[derive(Template)]
#[template(path = "applications/track.html")]
pub struct TrackPage {
    pub ctx: PageCtx,
    pub form: FormState,
    pub result: Option<TrackResult>,
    pub notice: String,
}

#[derive(Template)]
#[template(path = "applications/applications.html")]
pub struct ApplicationsPage {
    pub ctx: PageCtx,
    pub items: Vec<ListItem>,
    /// Unread messages from the office per application (absent: none).
    pub unread: std::sync::Arc<std::collections::HashMap<String, i64>>,
}

impl ApplicationsPage {
    pub fn unread_of(&self, id: &str) -> i64 {
        self.unread.get(id).copied().unwrap_or(0)
    }
}

/// An office that serves the chosen type, with its time and fee for it.
pub struct ServingOffice {
    pub office: Office,
    pub terms: String,
}

#[derive(Template)]
#[template(path = "applications/apply_start.html")]
pub struct ApplyStartPage {
    pub ctx: PageCtx,
    pub groups: Vec<ServiceGroup>,
    pub offices: Vec<ServingOffice>,
    pub selected: Option<PermitType>,
    pub form: FormState,
}

impl ApplyStartPage {
    pub fn need_label(&self, r: &Requirement) -> String {
        self.selected.as_ref().map(|p| need_label(p, r)).unwrap_or_default()
    }
}

/// Everything the wizard pages show about one application.
pub struct AppSummary {
    pub id: String,
    pub permit_name: String,
    pub office_name: String,
    pub status_label: String,
    pub status_code: String,
    pub registration_number: String,
    pub step1_done: bool,
    pub step2_done: bool,
    pub step3_done: bool,
    pub editable: bool,
    /// "Perpanjangan izin" or "Perubahan data izin — alasan: …"; empty for a new permit.
    pub purpose: String,
}

impl AppSummary {
    pub fn from_view(v: &ApplicationView) -> AppSummary {
        AppSummary {
            id: v.app.id.clone(),
            permit_name: v
                .permit()
                .map(|p| p.name.clone())
                .unwrap_or_else(|| v.app.permit_code.clone()),
            office_name: v.office.name.clone(),
            status_label: v.app.status.label_id().to_string(),
            status_code: v.app.status.code().to_string(),
            registration_number: v.app.registration_number.clone().unwrap_or_default(),
            step1_done: v.app.step1_done,
            step2_done: v.app.step2_done,
            step3_done: v.step3_done(),
            editable: v.app.status.is_editable_by_applicant(),
            purpose: match (&v.app.renewal_of, &v.app.change_of) {
                _ if v.app.cancels_permit.is_some() => format!(
                    "Pencabutan izin atas permohonan pemegangnya: izin praktik di {} dicabut setelah surat keputusan \
                     pencabutan ditandatangani.",
                    v.app.data.facility_name
                ),
                (_, Some(_)) => format!(
                    "Perubahan data izin (tempat dan/atau jadwal praktik) — alasan: {}",
                    v.app.change_reason.as_deref().unwrap_or("-")
                ),
                (Some(_), None) => "Perpanjangan izin".to_string(),
                (None, None) => String::new(),
            },
        }
    }
}

pub struct AnswerRow {
    pub label: String,
    pub value: String,
}

pub struct HistoryRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub status: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "applications/application.html")]
pub struct ApplicationPage {
    pub ctx: PageCtx,
    pub app: AppSummary,
    pub applicant_rows: Vec<AnswerRow>,
    pub form_rows: Vec<AnswerRow>,
    pub documents: Vec<RequirementRow>,
    pub history: Vec<HistoryRow>,
    pub submitted_at: String,
    pub sla_days: u32,
    pub fee: String,
    /// The open revision round: (round, asked by, items).
    pub revision: Option<(i64, String, Vec<crate::desks::file::RevisionItem>)>,
    /// Pesan Pengaduan: the thread with the office.
    pub thread: crate::messages::pages::ThreadBlock,
    /// Informasi Perizinan: the signed permit of an issued file.
    pub permit: Option<crate::permits::archive::PermitInfo>,
    /// The SKRD of the file, once issued.
    pub retribution: Option<crate::permits::retribution::Retribution>,
    /// Whether the applicant may still withdraw it, and that form as sent.
    pub can_withdraw: bool,
    pub withdraw: FormState,
}

#[derive(Template)]
#[template(path = "applications/receipt.html")]
pub struct ReceiptPage {
    pub ctx: PageCtx,
    pub app: AppSummary,
    pub office: Office,
    pub holder: String,
    pub identity: String,
    pub facility: String,
    pub location: String,
    pub submitted_at: String,
    pub documents: Vec<(String, String)>,
    pub sla_days: u32,
    pub fee: String,
    pub track_url: String,
}
