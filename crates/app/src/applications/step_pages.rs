//! The applicant's pages for applying: Tahap 1–3, attaching files, Periksa and submitting; and
//! an officer's view of one attached file.

use crate::applications;
use crate::applications::pages::AnswerRow;
use crate::applications::pages::AppSummary;
use crate::applications::pages::applicant_rows;
use crate::applications::pages::form_rows;
use crate::applications::pages::load;
use crate::applications::pages::not_draft;
use crate::applications::pages::phone_display;
use crate::applications::pages::requirement_rows;
use crate::applications::submit::SubmitOutcome;
use crate::applications::view::ApplicantData;
use crate::applications::view::ApplicationView;
use crate::library;
use crate::library::service::LibraryDocument;
use crate::permits::pages::time_part;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::ApplicantUser;
use crate::web::extract::OfficerUser;
use crate::web::form::FormBody;
use crate::web::form::read_file_field;
use crate::web::view::AreaPicker;
use crate::web::view::FormState;
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
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use izinkes_domain::catalog::DAYS;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::catalog::FieldKind;
use izinkes_domain::catalog::FormField;
use izinkes_domain::catalog::PermitType;
use izinkes_domain::wilayah::Wilayah;
use std::collections::HashMap;

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
        establishment: v
            .permit()
            .is_some_and(|p| p.holder == izinkes_domain::catalog::Holder::Establishment),
        office_region: w
            .display_name(&v.office.regency_code)
            .unwrap_or_else(|| v.office.regency_code.clone()),
        form,
    }
}

pub(crate) async fn step1(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    let v = load(&state, &user, &id).await?;
    if let Some(r) = not_draft(&v) {
        return Ok(r);
    }
    let form = FormState::new(step1_values(&v.app.data), FieldErrors::new());
    Ok(page(&step1_page(&state, &user, &v, form)))
}

pub(crate) async fn step1_save(
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
        company_nib: f.get("company_nib"),
        company_owner: f.get("company_owner"),
        person_in_charge: f.get("person_in_charge"),
    };
    let errors = applications::drafts::save_step1(&state, &user.id, &id, &input).await?;
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

pub(crate) async fn step2(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
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

pub(crate) async fn step2_save(
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
    let errors = applications::drafts::save_step2(&state, &user.id, &id, &answers).await?;
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
    let library = library::service::list(state, &user.id).await?;
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

pub(crate) async fn step3(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    step3_page(&state, &user, &id, &FieldErrors::new()).await
}

pub(crate) async fn upload(
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
    match applications::attachments::upload_requirement(&state, &user.id, &id, &key, &filename, &bytes).await {
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

pub(crate) async fn pick(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path((id, key)): Path<(String, String)>,
    body: Bytes,
) -> PageResult {
    let f = FormBody::parse(&body);
    match applications::attachments::attach_library(&state, &user.id, &id, &key, &f.get("document_id")).await {
        Ok(()) => Ok(see_other(&format!("/permohonan/{id}/tahap-3#f-{key}"))),
        Err(ServiceError::Invalid(errors)) => step3_page(&state, &user, &id, &errors).await,
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn unattach(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path((id, key)): Path<(String, String)>,
) -> PageResult {
    applications::attachments::remove_attachment(&state, &user.id, &id, &key).await?;
    Ok(see_other(&format!("/permohonan/{id}/tahap-3#f-{key}")))
}

pub(crate) async fn attachment(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path((id, key)): Path<(String, String)>,
) -> PageResult {
    let subject = user.visitor.subject.clone().ok_or(WebError::Forbidden)?;
    Ok(file_response(
        applications::attachments::download_attachment(&state, &subject, &id, &key).await?,
        Shown::Inline,
    ))
}

async fn review_page(
    state: &AppState,
    user: &ApplicantUser,
    v: &ApplicationView,
    refused: String,
    show_problems: bool,
) -> ReviewPage {
    let problems = applications::submit::check_complete(v);
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

pub(crate) async fn review(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    let v = load(&state, &user, &id).await?;
    if let Some(r) = not_draft(&v) {
        return Ok(r);
    }
    Ok(page(&review_page(&state, &user, &v, String::new(), true).await))
}

pub(crate) async fn submit(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    match applications::submit::submit(&state, &user.id, &id).await {
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

pub(crate) async fn officer_attachment(
    State(state): State<AppState>,
    o: OfficerUser,
    Path((id, key)): Path<(String, String)>,
) -> PageResult {
    let subject = o.visitor.subject.clone().ok_or(WebError::Forbidden)?;
    Ok(file_response(
        applications::attachments::download_attachment(&state, &subject, &id, &key).await?,
        Shown::Inline,
    ))
}

#[derive(Template)]
#[template(path = "applications/step1.html")]
pub struct Step1Page {
    pub ctx: PageCtx,
    pub app: AppSummary,
    pub form: FormState,
    pub area: AreaPicker,
    pub location: AreaPicker,
    pub office_region: String,
    /// The permit is an establishment's (SLHS, pest control): the business block is asked
    /// always, with its NIB, owner and person in charge.
    pub establishment: bool,
}

#[derive(Template)]
#[template(path = "applications/step2.html")]
pub struct Step2Page {
    pub ctx: PageCtx,
    pub app: AppSummary,
    pub form: FormState,
    pub fields: Vec<FormField>,
    pub days: Vec<&'static str>,
}

impl Step2Page {
    pub fn time_part(&self, key: &str, idx: usize) -> String {
        time_part(&self.form, key, idx)
    }
}

pub struct RequirementRow {
    pub key: String,
    pub label: String,
    pub hint: String,
    pub need: String,
    pub needed: bool,
    pub formats: String,
    pub accept: String,
    pub attached: Option<AttachedFile>,
    pub error: String,
    pub library: Vec<LibraryDocument>,
    /// The library file picked in advance (one attached as this requirement before), or empty.
    pub preselected: String,
}

pub struct AttachedFile {
    pub filename: String,
    pub size: String,
    pub is_image: bool,
}

#[derive(Template)]
#[template(path = "applications/step3.html")]
pub struct Step3Page {
    pub ctx: PageCtx,
    pub app: AppSummary,
    pub rows: Vec<RequirementRow>,
}

#[derive(Template)]
#[template(path = "applications/review.html")]
pub struct ReviewPage {
    pub ctx: PageCtx,
    pub app: AppSummary,
    pub applicant_rows: Vec<AnswerRow>,
    pub form_rows: Vec<AnswerRow>,
    pub documents: Vec<RequirementRow>,
    pub problems: Vec<(String, String, String)>,
    pub refused: String,
}
