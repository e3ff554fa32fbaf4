//! The applicant's pages for applying (Ajukan Permohonan Baru → Tahap 1–3 → Periksa → Bukti
//! Pendaftaran), Permohonan Saya, Manajer Berkas, and the officer's read-only file view.

use super::ctx::{ApplicantUser, OfficerUser, Visitor};
use super::error::WebError;
use super::fmt::{iso_date_id, timestamp_id};
use super::pages::{FormBody, PageResult, page, page_with_status, read_file_field};
use super::templates::*;
use crate::applications::{self, ApplicantData, ApplicationView, SubmitOutcome};
use crate::documents;
use crate::error::ServiceError;
use crate::offices;
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use izinkes_domain::catalog::{DAYS, FieldErrors, FieldKind, PermitType, format_days, format_time_range};
use izinkes_domain::phone::PhoneE164;
use izinkes_domain::wilayah::Wilayah;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/permohonan", get(list))
        .route("/permohonan/baru", get(start).post(create))
        .route("/permohonan/{id}", get(detail))
        .route("/permohonan/{id}/tahap-1", get(step1).post(step1_save))
        .route("/permohonan/{id}/tahap-2", get(step2).post(step2_save))
        .route("/permohonan/{id}/tahap-3", get(step3))
        .route("/permohonan/{id}/syarat/{key}", get(attachment).post(upload))
        .route("/permohonan/{id}/syarat/{key}/pilih", post(pick))
        .route("/permohonan/{id}/syarat/{key}/hapus", post(unattach))
        .route("/permohonan/{id}/periksa", get(review))
        .route("/permohonan/{id}/ajukan", post(submit))
        .route("/permohonan/{id}/bukti", get(receipt))
        .route("/permohonan/{id}/hapus", post(delete_draft))
        .route("/berkas", get(library).post(library_add))
        .route("/berkas/{id}", get(library_file))
        .route("/berkas/{id}/ganti", post(library_replace))
        .route("/berkas/{id}/hapus", post(library_delete))
        .route("/petugas/permohonan/{id}/syarat/{key}", get(officer_attachment))
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

async fn list(State(state): State<AppState>, user: ApplicantUser) -> PageResult {
    let items = applications::list_for_applicant(&state, &user.id).await?;
    Ok(page(&ApplicationsPage {
        ctx: user.ctx(&state, "Permohonan Saya", "permohonan"),
        items,
    }))
}

#[derive(serde::Deserialize, Default)]
struct StartQuery {
    #[serde(default)]
    izin: String,
}

async fn start_page(state: &AppState, v: &Visitor, code: &str, form: FormState) -> Result<ApplyStartPage, WebError> {
    let (_, catalog) = state.current_catalog().await?;
    let permits: Vec<&PermitType> = catalog.permit_types.iter().collect();
    let selected = catalog.get(code).cloned();
    let mut serving = Vec::new();
    for o in offices::list(state).await? {
        let ok = match &selected {
            Some(p) => offices::is_enabled(state, &o.id, &p.code).await?,
            None => true,
        };
        if ok {
            serving.push(o);
        }
    }
    Ok(ApplyStartPage {
        ctx: v.ctx(state, "Ajukan Permohonan Baru", "baru"),
        groups: super::pages::group_services(&permits, ""),
        offices: serving,
        selected,
        form,
    })
}

async fn start(State(state): State<AppState>, user: ApplicantUser, Query(q): Query<StartQuery>) -> PageResult {
    Ok(page(
        &start_page(&state, &user.visitor, &q.izin, FormState::default()).await?,
    ))
}

async fn create(State(state): State<AppState>, user: ApplicantUser, body: Bytes) -> PageResult {
    let f = FormBody::parse(&body);
    let applicant = crate::accounts::load_applicant(&state, &user.id).await?;
    match applications::create_draft(&state, &applicant, &f.get("office"), &f.get("izin")).await {
        Ok(id) => Ok(see_other(&format!("/permohonan/{id}/tahap-1"))),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &start_page(&state, &user.visitor, &f.get("izin"), FormState::new(f.map(), errors)).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

async fn load(state: &AppState, user: &ApplicantUser, id: &str) -> Result<ApplicationView, WebError> {
    Ok(applications::load_view(state, &user.id, id).await?)
}

/// A submitted application opens its detail page instead of the wizard.
fn not_draft(v: &ApplicationView) -> Option<Response> {
    (v.app.status.code() != "draft").then(|| see_other(&format!("/permohonan/{}", v.app.id)))
}

async fn detail(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    let v = load(&state, &user, &id).await?;
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
    let revision = crate::revisions::open_round(&state, &v.app.id)
        .await?
        .filter(|_| v.app.status.code() == "needs_revision")
        .map(|r| (r.round, r.asked_by_name, r.items));
    Ok(page(&application_page(&state, &user.visitor, &v, revision)))
}

fn application_page(
    state: &AppState,
    visitor: &Visitor,
    v: &ApplicationView,
    revision: Option<(i64, String, Vec<crate::desks::RevisionItem>)>,
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
        sla_days: v.permit().map(|p| p.sla_working_days).unwrap_or(0),
        revision,
    }
}

fn history_rows(v: &ApplicationView) -> Vec<HistoryRow> {
    let tz = v.office.tz();
    v.history
        .iter()
        .map(|h| HistoryRow {
            at: timestamp_id(&h.at, tz.offset(), tz.label()),
            actor: match &h.actor_role {
                Some(r) => format!("{} ({})", h.actor_name, r),
                None => h.actor_name.clone(),
            },
            action: super::pages_desk::action_label(&h.action),
            status: izinkes_domain::status::ApplicationStatus::from_code(&h.to_status)
                .map(|s| s.label_id().to_string())
                .unwrap_or_else(|| h.to_status.clone()),
            note: h.public_note.clone().unwrap_or_default(),
        })
        .collect()
}

fn phone_display(p: &str) -> String {
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
    rows.push(row("Tempat Praktik", d.facility_name.clone()));
    rows.push(row(
        "Lokasi Izin",
        format!("{}, {}", d.location_address, area_label(&d.location_village_code)),
    ));
    if d.is_company {
        rows.push(row("Nama Perusahaan", d.company_name.clone()));
        rows.push(row("Alamat Perusahaan", d.company_address.clone()));
        rows.push(row("Email Perusahaan", d.company_email.clone()));
        rows.push(row(
            "Telepon / Fax Perusahaan",
            format!("{} / {}", d.company_phone, d.company_fax),
        ));
        rows.push(row("NPWP Perusahaan", d.company_npwp.clone()));
        rows.push(row("Jenis Usaha", d.business_type.clone()));
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
    library: &[documents::LibraryDocument],
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
                .collect();
            RequirementRow {
                key: r.key.clone(),
                label: r.label.clone(),
                hint: r.hint.clone().unwrap_or_default(),
                need: need_label(p, r),
                needed: p.is_triggered(r, &answers),
                formats: formats_label(r),
                accept: accept_attr(r),
                attached: v.attachment(&r.key).map(|a| AttachedFile {
                    filename: a.filename.clone(),
                    size: documents::human_size(a.size),
                    is_image: a.mime.starts_with("image/"),
                }),
                error: errors.get(&r.key).cloned().unwrap_or_default(),
                library: suitable,
            }
        })
        .collect()
}

fn step1_values(d: &ApplicantData) -> HashMap<String, String> {
    let mut m: HashMap<String, String> = serde_json::to_value(d)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .map(|o| {
            o.into_iter()
                .map(|(k, v)| {
                    let s = match v {
                        serde_json::Value::Bool(b) => {
                            if b {
                                "1".into()
                            } else {
                                String::new()
                            }
                        }
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (k, s)
                })
                .collect()
        })
        .unwrap_or_default();
    for key in ["phone", "proxy_phone"] {
        if let Some(v) = m.get_mut(key) {
            *v = phone_display(v);
        }
    }
    m
}

fn step1_page(state: &AppState, user: &ApplicantUser, v: &ApplicationView, form: FormState) -> Step1Page {
    let w = Wilayah::builtin();
    let mut form = form;
    // The location picker starts at the office's own regency.
    let region = w.path(&v.office.regency_code);
    if form.v("location_village_code").is_empty()
        && form.v("location_village_code__kab").is_empty()
        && region.len() == 2
    {
        form.values
            .insert("location_village_code__prov".into(), region[0].code.clone());
        form.values
            .insert("location_village_code__kab".into(), region[1].code.clone());
    }
    Step1Page {
        ctx: user.ctx(state, "Tahap 1 · Data Pemohon", "permohonan"),
        app: AppSummary::from_view(v),
        area: AreaPicker::from_form("village_code", "Wilayah alamat pemohon", &form),
        location: AreaPicker::from_form("location_village_code", "Lokasi Izin", &form),
        office_region: w
            .display_name(&v.office.regency_code)
            .unwrap_or_else(|| v.office.regency_code.clone()),
        form,
    }
}

async fn step1(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    let v = load(&state, &user, &id).await?;
    if let Some(r) = not_draft(&v) {
        return Ok(r);
    }
    let form = FormState::new(step1_values(&v.app.data), FieldErrors::new());
    Ok(page(&step1_page(&state, &user, &v, form)))
}

async fn step1_save(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let v = load(&state, &user, &id).await?;
    if let Some(r) = not_draft(&v) {
        return Ok(r);
    }
    let f = FormBody::parse(&body);
    let values = f.map();
    if f.has("_pilih_wilayah") {
        return Ok(page(&step1_page(
            &state,
            &user,
            &v,
            FormState::new(values, FieldErrors::new()),
        )));
    }
    let input = ApplicantData {
        name: f.get("name"),
        email: f.get("email"),
        phone: f.get("phone"),
        address: f.get("address"),
        village_code: f.get("village_code"),
        by_proxy: f.has("by_proxy"),
        proxy_phone: f.get("proxy_phone"),
        facility_name: f.get("facility_name"),
        location_village_code: f.get("location_village_code"),
        location_address: f.get("location_address"),
        is_company: f.has("is_company"),
        company_name: f.get("company_name"),
        company_address: f.get("company_address"),
        company_email: f.get("company_email"),
        company_fax: f.get("company_fax"),
        company_phone: f.get("company_phone"),
        company_npwp: f.get("company_npwp"),
        business_type: f.get("business_type"),
    };
    let errors = applications::save_step1(&state, &user.id, &id, &input).await?;
    if errors.is_empty() {
        return Ok(see_other(&format!("/permohonan/{id}/tahap-2")));
    }
    let v = load(&state, &user, &id).await?;
    Ok(page_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &step1_page(&state, &user, &v, FormState::new(values, errors)),
    ))
}

fn step2_page(state: &AppState, user: &ApplicantUser, v: &ApplicationView, form: FormState) -> Step2Page {
    Step2Page {
        ctx: user.ctx(state, "Tahap 2 · Data Formulir", "permohonan"),
        app: AppSummary::from_view(v),
        form,
        fields: v.permit().map(|p| p.fields.clone()).unwrap_or_default(),
        days: DAYS.to_vec(),
    }
}

async fn step2(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    let v = load(&state, &user, &id).await?;
    if let Some(r) = not_draft(&v) {
        return Ok(r);
    }
    let form = FormState::new(v.app.answers.clone().into_iter().collect(), FieldErrors::new());
    Ok(page(&step2_page(&state, &user, &v, form)))
}

/// Turns the posted step-2 form into answers: day checkboxes are joined, time pairs combined.
fn answers_from_form(permit: &PermitType, f: &FormBody) -> izinkes_domain::catalog::Answers {
    let mut answers = izinkes_domain::catalog::Answers::new();
    for field in &permit.fields {
        let value = match field.kind {
            FieldKind::Days => f.all(&field.key).join(", "),
            FieldKind::TimeRange => {
                let (from, to) = (
                    f.get(&format!("{}__from", field.key)),
                    f.get(&format!("{}__to", field.key)),
                );
                if from.is_empty() && to.is_empty() {
                    f.get(&field.key)
                } else {
                    format!("{from}-{to}")
                }
            }
            _ => f.get(&field.key),
        };
        answers.insert(field.key.clone(), value);
    }
    answers
}

async fn step2_save(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let v = load(&state, &user, &id).await?;
    if let Some(r) = not_draft(&v) {
        return Ok(r);
    }
    let permit = v.permit().ok_or(WebError::NotFound)?;
    let f = FormBody::parse(&body);
    let answers = answers_from_form(permit, &f);
    let errors = applications::save_step2(&state, &user.id, &id, &answers).await?;
    if errors.is_empty() {
        return Ok(see_other(&format!("/permohonan/{id}/tahap-3")));
    }
    Ok(page_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &step2_page(&state, &user, &v, FormState::new(answers.into_iter().collect(), errors)),
    ))
}

async fn step3_page(
    state: &AppState,
    user: &ApplicantUser,
    id: &str,
    errors: &FieldErrors,
) -> Result<Response, WebError> {
    let v = load(state, user, id).await?;
    if let Some(r) = not_draft(&v) {
        return Ok(r);
    }
    let library = documents::list(state, &user.id).await?;
    let p = Step3Page {
        ctx: user.ctx(state, "Tahap 3 · Data Syarat", "permohonan"),
        app: AppSummary::from_view(&v),
        rows: requirement_rows(&v, errors, &library),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(page_with_status(status, &p))
}

async fn step3(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    step3_page(&state, &user, &id, &FieldErrors::new()).await
}

async fn upload(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path((id, key)): Path<(String, String)>,
    mp: Multipart,
) -> PageResult {
    let (file, _) = match read_file_field(mp).await {
        Ok(x) => x,
        Err(WebError::TooLarge) => {
            return step3_page(
                &state,
                &user,
                &id,
                &one_error(&key, "Berkas terlalu besar untuk diunggah."),
            )
            .await;
        }
        Err(e) => return Err(e),
    };
    let Some((filename, bytes)) = file else {
        return step3_page(&state, &user, &id, &one_error(&key, "Pilih berkas terlebih dahulu.")).await;
    };
    match applications::upload_requirement(&state, &user.id, &id, &key, &filename, &bytes).await {
        Ok(()) => Ok(see_other(&format!("/permohonan/{id}/tahap-3#f-{key}"))),
        Err(ServiceError::Invalid(errors)) => step3_page(&state, &user, &id, &errors).await,
        Err(e) => Err(e.into()),
    }
}

fn one_error(key: &str, msg: &str) -> FieldErrors {
    let mut e = FieldErrors::new();
    e.insert(key.to_string(), msg.to_string());
    e
}

async fn pick(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path((id, key)): Path<(String, String)>,
    body: Bytes,
) -> PageResult {
    let f = FormBody::parse(&body);
    match applications::attach_library(&state, &user.id, &id, &key, &f.get("document_id")).await {
        Ok(()) => Ok(see_other(&format!("/permohonan/{id}/tahap-3#f-{key}"))),
        Err(ServiceError::Invalid(errors)) => step3_page(&state, &user, &id, &errors).await,
        Err(e) => Err(e.into()),
    }
}

async fn unattach(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path((id, key)): Path<(String, String)>,
) -> PageResult {
    applications::remove_attachment(&state, &user.id, &id, &key).await?;
    Ok(see_other(&format!("/permohonan/{id}/tahap-3#f-{key}")))
}

fn file_response(d: documents::FileDownload) -> Response {
    // Inline so PDFs and images preview in the browser (and in the desk's frame); the CSP lets
    // nothing else load.
    let disposition = format!("inline; filename=\"{}\"", d.filename.replace('"', ""));
    (
        [
            (header::CONTENT_TYPE, d.mime),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'".to_string(),
            ),
        ],
        d.bytes,
    )
        .into_response()
}

async fn attachment(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path((id, key)): Path<(String, String)>,
) -> PageResult {
    let subject = user.visitor.subject.clone().ok_or(WebError::Forbidden)?;
    Ok(file_response(
        documents::download_attachment(&state, &subject, &id, &key).await?,
    ))
}

async fn review_page(
    state: &AppState,
    user: &ApplicantUser,
    v: &ApplicationView,
    refused: String,
    show_problems: bool,
) -> ReviewPage {
    let problems = applications::check_complete(v);
    let mut list = Vec::new();
    if show_problems {
        for (k, m) in &problems.step1 {
            list.push((
                format!("/permohonan/{}/tahap-1#f-{k}", v.app.id),
                k.clone(),
                format!("Tahap 1: {m}"),
            ));
        }
        for (k, m) in &problems.step2 {
            list.push((
                format!("/permohonan/{}/tahap-2#f-{k}", v.app.id),
                k.clone(),
                format!("Tahap 2: {m}"),
            ));
        }
        for (k, m) in &problems.documents {
            list.push((
                format!("/permohonan/{}/tahap-3#f-{k}", v.app.id),
                k.clone(),
                format!("Tahap 3: {m}"),
            ));
        }
    }
    ReviewPage {
        ctx: user.ctx(state, "Periksa & Ajukan", "permohonan"),
        app: AppSummary::from_view(v),
        applicant_rows: applicant_rows(&v.app.data),
        form_rows: form_rows(v),
        documents: requirement_rows(v, &problems.documents, &[]),
        problems: list,
        refused,
    }
}

async fn review(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    let v = load(&state, &user, &id).await?;
    if let Some(r) = not_draft(&v) {
        return Ok(r);
    }
    Ok(page(&review_page(&state, &user, &v, String::new(), true).await))
}

async fn submit(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    match applications::submit(&state, &user.id, &id).await {
        Ok(SubmitOutcome::Submitted(_)) => Ok(see_other(&format!("/permohonan/{id}/bukti"))),
        Ok(SubmitOutcome::Problems(_)) => {
            let v = load(&state, &user, &id).await?;
            Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &review_page(&state, &user, &v, String::new(), true).await,
            ))
        }
        Err(ServiceError::Refused(m)) => {
            let v = load(&state, &user, &id).await?;
            Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &review_page(&state, &user, &v, m, true).await,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn receipt(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    let v = load(&state, &user, &id).await?;
    if v.app.registration_number.is_none() {
        return Ok(see_other(&format!("/permohonan/{id}")));
    }
    let applicant = crate::accounts::load_applicant(&state, &user.id).await?;
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
        sla_days: v.permit().map(|p| p.sla_working_days).unwrap_or(0),
        track_url: format!("{}/lacak", state.config.base_url.trim_end_matches('/')),
        office: v.office.clone(),
    }))
}

async fn delete_draft(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    applications::delete_draft(&state, &user.id, &id).await?;
    Ok(see_other("/permohonan"))
}

async fn library_page(
    state: &AppState,
    user: &ApplicantUser,
    form: FormState,
    notice: &str,
) -> Result<DocumentsPage, WebError> {
    Ok(DocumentsPage {
        ctx: user.ctx(state, "Manajer Berkas", "berkas"),
        docs: documents::list(state, &user.id).await?,
        form,
        notice: notice.to_string(),
    })
}

#[derive(serde::Deserialize, Default)]
struct NoticeQuery {
    #[serde(default)]
    info: String,
}

async fn library(State(state): State<AppState>, user: ApplicantUser, Query(q): Query<NoticeQuery>) -> PageResult {
    let notice = match q.info.as_str() {
        "tersimpan" => "Berkas tersimpan.",
        "diganti" => "Berkas diganti. Permohonan yang sudah diajukan tetap memakai berkas lama.",
        "dihapus" => "Berkas dihapus dari Manajer Berkas.",
        _ => "",
    };
    Ok(page(&library_page(&state, &user, FormState::default(), notice).await?))
}

async fn library_add(State(state): State<AppState>, user: ApplicantUser, mp: Multipart) -> PageResult {
    let (file, fields) = read_file_field(mp).await?;
    let title = fields.get("title").cloned().unwrap_or_default();
    let (filename, bytes) = file.unwrap_or_default();
    match documents::add(&state, &user.id, &title, &filename, &bytes).await {
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

async fn library_replace(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
    mp: Multipart,
) -> PageResult {
    let (file, _) = read_file_field(mp).await?;
    let (filename, bytes) = file.unwrap_or_default();
    match documents::replace(&state, &user.id, &id, &filename, &bytes).await {
        Ok(()) => Ok(see_other("/berkas?info=diganti")),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &library_page(&state, &user, FormState::new(HashMap::new(), errors), "").await?,
        )),
        Err(e) => Err(e.into()),
    }
}

async fn library_delete(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    documents::delete(&state, &user.id, &id).await?;
    Ok(see_other("/berkas?info=dihapus"))
}

async fn library_file(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    let subject = user.visitor.subject.clone().ok_or(WebError::Forbidden)?;
    Ok(file_response(documents::download_library(&state, &subject, &id).await?))
}

async fn officer_attachment(
    State(state): State<AppState>,
    o: OfficerUser,
    Path((id, key)): Path<(String, String)>,
) -> PageResult {
    let subject = o.visitor.subject.clone().ok_or(WebError::Forbidden)?;
    Ok(file_response(
        documents::download_attachment(&state, &subject, &id, &key).await?,
    ))
}
