//! Page templates (askama, checked at compile time, escaped by default) and the small helpers
//! they share: form state with values and errors, and the area picker.

use super::ctx::PageCtx;
use crate::applications::{ApplicationView, ListItem, TrackResult};
use crate::documents::LibraryDocument;
use crate::offices::Office;
use askama::Template;
use axum::response::Html;
use izinkes_domain::catalog::{FieldErrors, FormField, PermitType, Requirement};
use izinkes_domain::wilayah::{AreaLevel, Wilayah};
use std::collections::HashMap;

/// Renders a template; a rendering failure becomes the 500 page.
pub fn render<T: Template>(t: &T) -> Html<String> {
    match t.render() {
        Ok(s) => Html(s),
        Err(e) => {
            let reference = super::error::log_internal(&format!("template: {e}"));
            Html(format!(
                "<!doctype html><html lang=\"id\"><meta charset=\"utf-8\"><title>Kesalahan sistem</title>\
                 <p>Terjadi kesalahan pada sistem. Nomor referensi: {reference}</p></html>"
            ))
        }
    }
}

/// What a form holds: the values as typed and the errors per field.
#[derive(Clone, Debug, Default)]
pub struct FormState {
    pub values: HashMap<String, String>,
    pub errors: FieldErrors,
}

impl FormState {
    pub fn new(values: HashMap<String, String>, errors: FieldErrors) -> FormState {
        FormState { values, errors }
    }
    pub fn v(&self, key: &str) -> &str {
        self.values.get(key).map(String::as_str).unwrap_or("")
    }
    pub fn e(&self, key: &str) -> &str {
        self.errors.get(key).map(String::as_str).unwrap_or("")
    }
    pub fn has(&self, key: &str) -> bool {
        self.errors.contains_key(key)
    }
    pub fn checked(&self, key: &str) -> bool {
        matches!(self.v(key), "1" | "on" | "true" | "ya")
    }
    pub fn is(&self, key: &str, value: &str) -> bool {
        self.v(key) == value
    }
    /// For multi-valued answers stored comma-separated (Hari Praktik).
    pub fn contains(&self, key: &str, item: &str) -> bool {
        self.v(key).split(',').any(|d| d.trim().eq_ignore_ascii_case(item))
    }
    pub fn error_list(&self) -> Vec<(String, String)> {
        self.errors.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}

#[derive(Clone, Debug)]
pub struct Opt {
    pub code: String,
    pub name: String,
}

/// Province → regency → district → village selects. Works without JavaScript (a "Pilih" button
/// reloads the next level); with JavaScript the next level loads as soon as one is chosen.
#[derive(Clone, Debug)]
pub struct AreaPicker {
    pub name: String,
    pub label: String,
    pub province: String,
    pub regency: String,
    pub district: String,
    pub village: String,
    pub provinces: Vec<Opt>,
    pub regencies: Vec<Opt>,
    pub districts: Vec<Opt>,
    pub villages: Vec<Opt>,
    pub error: String,
}

fn opts(areas: &[izinkes_domain::wilayah::Area]) -> Vec<Opt> {
    let w = Wilayah::builtin();
    areas
        .iter()
        .map(|a| Opt {
            code: a.code.clone(),
            name: w.display_name(&a.code).unwrap_or_else(|| a.name.clone()),
        })
        .collect()
}

impl AreaPicker {
    /// Builds the picker from the form values `{name}__prov`, `{name}__kab`, `{name}__kec` and
    /// `{name}` (the village code). A valid village decides everything above it.
    pub fn from_form(name: &str, label: &str, form: &FormState) -> AreaPicker {
        let w = Wilayah::builtin();
        let mut province = form.v(&format!("{name}__prov")).to_string();
        let mut regency = form.v(&format!("{name}__kab")).to_string();
        let mut district = form.v(&format!("{name}__kec")).to_string();
        let mut village = form.v(name).to_string();
        if Wilayah::level_of(&village) == Some(AreaLevel::Village) && w.get(&village).is_some() {
            let path = w.path(&village);
            if path.len() == 4 {
                province = path[0].code.clone();
                regency = path[1].code.clone();
                district = path[2].code.clone();
            }
        }
        // Drop any level that does not belong to the one above (the user changed a parent).
        if w.get(&province).is_none() || Wilayah::level_of(&province) != Some(AreaLevel::Province) {
            province.clear();
        }
        if !w.children(&province).iter().any(|a| a.code == regency) {
            regency.clear();
        }
        if !w.children(&regency).iter().any(|a| a.code == district) {
            district.clear();
        }
        if !w.children(&district).iter().any(|a| a.code == village) {
            village.clear();
        }
        AreaPicker {
            name: name.to_string(),
            label: label.to_string(),
            provinces: opts(w.provinces()),
            regencies: opts(w.children(&province)),
            districts: opts(w.children(&regency)),
            villages: opts(w.children(&district)),
            province,
            regency,
            district,
            village,
            error: form.e(name).to_string(),
        }
    }

    /// Puts a stored village code into form values so `from_form` can rebuild the picker.
    pub fn seed(values: &mut HashMap<String, String>, name: &str, village_code: &str) {
        values.insert(name.to_string(), village_code.to_string());
    }
}

/// A human name for an area code: "Pekutatan, Kabupaten Jembrana, Bali".
pub fn area_label(code: &str) -> String {
    let w = Wilayah::builtin();
    let path = w.path(code);
    path.iter()
        .rev()
        .map(|a| w.display_name(&a.code).unwrap_or_else(|| a.name.clone()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ctx: PageCtx,
    pub status: u16,
    pub message: String,
    pub reference: Option<String>,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub ctx: PageCtx,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub link: Option<(String, String)>,
}

pub struct ServiceGroup {
    pub category: String,
    pub items: Vec<PermitType>,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub ctx: PageCtx,
    pub q: String,
    pub groups: Vec<ServiceGroup>,
    pub total: usize,
    pub offices: Vec<Office>,
}

#[derive(Template)]
#[template(path = "service.html")]
pub struct ServicePage {
    pub ctx: PageCtx,
    pub permit: PermitType,
    pub offices: Vec<Office>,
}

impl ServicePage {
    pub fn need_label(&self, r: &Requirement) -> String {
        need_label(&self.permit, r)
    }
    pub fn formats(&self, r: &Requirement) -> String {
        formats_label(r)
    }
}

pub fn need_label(permit: &PermitType, r: &Requirement) -> String {
    use izinkes_domain::catalog::Need;
    match &r.need {
        Need::Required => "Wajib".into(),
        Need::Optional => "Tidak wajib".into(),
        Need::When { field, equals } => {
            let what = match field.as_str() {
                "pemohon.kuasa" => "diajukan oleh kuasa".to_string(),
                "pemohon.perusahaan" => "permohonan dari perusahaan".to_string(),
                f => {
                    let label = permit
                        .fields
                        .iter()
                        .find(|x| x.key == f)
                        .map(|x| x.label.clone())
                        .unwrap_or_else(|| f.to_string());
                    format!("{label}: {equals}")
                }
            };
            format!("Wajib jika {what}")
        }
    }
}

pub fn formats_label(r: &Requirement) -> String {
    let f = r.formats.iter().map(|f| f.label()).collect::<Vec<_>>().join("/");
    format!(
        "{f}, maks. {}",
        crate::documents::human_size(i64::from(r.max_size_kb) * 1024)
    )
}

pub fn accept_attr(r: &Requirement) -> String {
    r.formats
        .iter()
        .flat_map(|f| match f.label() {
            "PDF" => vec![".pdf", "application/pdf"],
            "JPG" => vec![".jpg", ".jpeg", "image/jpeg"],
            _ => vec![".png", "image/png"],
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[derive(Template)]
#[template(path = "about.html")]
pub struct AboutPage {
    pub ctx: PageCtx,
    pub credit: &'static str,
}

#[derive(Template)]
#[template(path = "register.html")]
pub struct RegisterPage {
    pub ctx: PageCtx,
    pub form: FormState,
    pub area: AreaPicker,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub ctx: PageCtx,
    pub form: FormState,
    pub next: String,
    pub officer: bool,
    pub notice: String,
    pub show_resend: bool,
    pub demo_logins: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "email_form.html")]
pub struct EmailFormPage {
    pub ctx: PageCtx,
    pub heading: String,
    pub intro: String,
    pub action: String,
    pub button: String,
    pub form: FormState,
}

#[derive(Template)]
#[template(path = "reset.html")]
pub struct ResetPage {
    pub ctx: PageCtx,
    pub token: String,
    pub form: FormState,
}

#[derive(Template)]
#[template(path = "profile.html")]
pub struct ProfilePage {
    pub ctx: PageCtx,
    pub form: FormState,
    pub account: AccountSummary,
    pub ktp_area: AreaPicker,
    pub domicile_area: AreaPicker,
    pub religions: Vec<&'static str>,
    pub marital: Vec<&'static str>,
    pub education: Vec<&'static str>,
    pub saved: bool,
    pub has_photo: bool,
    pub photo_error: String,
}

pub struct AccountSummary {
    pub full_name: String,
    pub email: String,
    pub identity: String,
    pub identity_type: String,
    pub phone: String,
    pub address: String,
    pub nik_sex: String,
    pub nik_birth: String,
}

#[derive(Template)]
#[template(path = "mailbox.html")]
pub struct MailboxPage {
    pub ctx: PageCtx,
    pub mails: Vec<MailRow>,
}

pub struct MailRow {
    pub at: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub links: Vec<String>,
}

#[derive(Template)]
#[template(path = "track.html")]
pub struct TrackPage {
    pub ctx: PageCtx,
    pub form: FormState,
    pub result: Option<TrackResult>,
    pub notice: String,
}

#[derive(Template)]
#[template(path = "applications.html")]
pub struct ApplicationsPage {
    pub ctx: PageCtx,
    pub items: Vec<ListItem>,
}

#[derive(Template)]
#[template(path = "apply_start.html")]
pub struct ApplyStartPage {
    pub ctx: PageCtx,
    pub groups: Vec<ServiceGroup>,
    pub offices: Vec<Office>,
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

#[derive(Template)]
#[template(path = "step1.html")]
pub struct Step1Page {
    pub ctx: PageCtx,
    pub app: AppSummary,
    pub form: FormState,
    pub area: AreaPicker,
    pub location: AreaPicker,
    pub office_region: String,
}

#[derive(Template)]
#[template(path = "step2.html")]
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
}

pub struct AttachedFile {
    pub filename: String,
    pub size: String,
    pub is_image: bool,
}

#[derive(Template)]
#[template(path = "step3.html")]
pub struct Step3Page {
    pub ctx: PageCtx,
    pub app: AppSummary,
    pub rows: Vec<RequirementRow>,
}

pub struct AnswerRow {
    pub label: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "review.html")]
pub struct ReviewPage {
    pub ctx: PageCtx,
    pub app: AppSummary,
    pub applicant_rows: Vec<AnswerRow>,
    pub form_rows: Vec<AnswerRow>,
    pub documents: Vec<RequirementRow>,
    pub problems: Vec<(String, String, String)>,
    pub refused: String,
}

pub struct HistoryRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub status: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "application.html")]
pub struct ApplicationPage {
    pub ctx: PageCtx,
    pub app: AppSummary,
    pub applicant_rows: Vec<AnswerRow>,
    pub form_rows: Vec<AnswerRow>,
    pub documents: Vec<RequirementRow>,
    pub history: Vec<HistoryRow>,
    pub submitted_at: String,
    pub sla_days: u32,
    /// The open revision round: (round, asked by, items).
    pub revision: Option<(i64, String, Vec<crate::desks::RevisionItem>)>,
}

#[derive(Template)]
#[template(path = "receipt.html")]
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
    pub track_url: String,
}

#[derive(Template)]
#[template(path = "documents.html")]
pub struct DocumentsPage {
    pub ctx: PageCtx,
    pub docs: Vec<LibraryDocument>,
    pub form: FormState,
    pub notice: String,
}

pub struct DeskRow {
    pub item: crate::desks::DeskItem,
    pub permit: String,
    pub step: String,
    pub role: String,
    pub submitted: String,
    pub due: String,
    pub status: String,
    pub claimed: String,
}

#[derive(Template)]
#[template(path = "desk_tasks.html")]
pub struct DeskTasksPage {
    pub ctx: PageCtx,
    pub office_name: String,
    pub roles: Vec<String>,
    pub rows: Vec<DeskRow>,
    pub filter: crate::desks::DeskFilter,
    pub permits: Vec<(String, String)>,
    pub pager: DeskPager,
    pub supervisor: bool,
}

/// "Berkas 51–100 dari 713" (or "dari lebih dari 1.000") and the links to the pages beside this
/// one (query strings).
pub struct DeskPager {
    pub total: String,
    pub first: i64,
    pub last: i64,
    pub page: i64,
    /// " dari 15" when the number of pages is known, else empty.
    pub pages: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "desk_summary.html")]
pub struct DeskSummaryPage {
    pub ctx: PageCtx,
    pub steps: Vec<crate::desks::StepSummary>,
    /// The office's satisfaction index: (index, grade, respondents, NRR per element).
    #[allow(clippy::type_complexity)]
    pub ikm: Option<(String, String, usize, Vec<(&'static str, String)>)>,
}

impl DeskSummaryPage {
    pub fn avg(&self, s: &crate::desks::StepSummary) -> String {
        s.average_days
            .map(|d| format!("{d:.1}").replace('.', ","))
            .unwrap_or_else(|| "—".into())
    }
    pub fn role(&self, s: &crate::desks::StepSummary) -> String {
        crate::roles::role_label(&s.role)
    }
}

pub struct CheckRow {
    pub key: String,
    pub label: String,
    pub filename: String,
    pub is_image: bool,
    pub ok: Option<bool>,
    pub note: String,
}

#[derive(Template)]
#[template(path = "desk_file.html")]
pub struct DeskFilePage {
    pub ctx: PageCtx,
    pub app: AppSummary,
    pub status_officer: String,
    pub applicant_rows: Vec<AnswerRow>,
    pub form_rows: Vec<AnswerRow>,
    pub check_rows: Vec<CheckRow>,
    pub history: Vec<HistoryRow>,
    pub internal_notes: Vec<(String, String, String)>,
    pub rounds: Vec<crate::desks::RevisionRound>,
    pub products: Vec<(String, String, String, String)>,
    pub step_name: String,
    pub step_role: String,
    pub step_produces: Vec<String>,
    pub steps: Vec<(String, String, bool, bool)>,
    pub workflow_name: String,
    pub can: Vec<String>,
    pub lock_version: i64,
    pub request_key: String,
    pub claimed_by: String,
    pub claimed_by_me: bool,
    pub can_claim: bool,
    pub supervisor: bool,
    pub officers: Vec<(String, String)>,
    pub step_due: String,
    pub due: String,
    pub remaining_step_days: Option<i64>,
    pub remaining_days: Option<i64>,
    pub paused: bool,
    pub field_choices: Vec<(String, String)>,
    pub doc_choices: Vec<(String, String)>,
    pub draft_defaults: Vec<(String, String, String)>,
    pub errors: FormState,
    pub notice: String,
    pub today: String,
}

impl DeskFilePage {
    pub fn may(&self, action: &str) -> bool {
        self.can.iter().any(|a| a == action)
    }
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
#[template(path = "revision.html")]
pub struct RevisionPage {
    pub ctx: PageCtx,
    pub app: AppSummary,
    pub round: i64,
    pub asked_by: String,
    pub fields: Vec<RevisionFieldRow>,
    pub docs: Vec<RevisionDocRow>,
    pub errors: FormState,
}

pub struct AdminHoliday {
    pub id: i64,
    pub national: bool,
    pub date: String,
    pub kind: String,
    pub name: String,
    pub decree: String,
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
pub struct AdminCalendarPage {
    pub ctx: PageCtx,
    pub holidays: Vec<AdminHoliday>,
    pub settings: crate::calendar::OfficeSettings,
    pub presets: Vec<(String, String)>,
    pub form: FormState,
    pub notice: String,
}

#[derive(Template)]
#[template(path = "admin_workflows.html")]
pub struct AdminWorkflowsPage {
    pub ctx: PageCtx,
    /// (permit code, permit name, workflow name, version; 0 = not yet published)
    pub rows: Vec<(String, String, String, i64)>,
}

pub struct StepRow {
    pub index: usize,
    pub order: usize,
    pub key: String,
    pub name: String,
    pub role: String,
    pub share: u32,
    pub actions: Vec<String>,
    pub produces: Vec<String>,
    pub description: String,
    pub public_note: String,
}

impl StepRow {
    pub fn has_action(&self, a: &str) -> bool {
        self.actions.iter().any(|x| x == a)
    }
    pub fn has_product(&self, p: &str) -> bool {
        self.produces.iter().any(|x| x == p)
    }
}

#[derive(Template)]
#[template(path = "admin_workflow_edit.html")]
pub struct AdminWorkflowEditPage {
    pub ctx: PageCtx,
    pub code: String,
    pub permit_name: String,
    pub sla: u32,
    pub days: Vec<u32>,
    pub steps: Vec<StepRow>,
    pub workflow_key: String,
    pub workflow_name: String,
    pub source: String,
    pub version: i64,
    /// (role code, label, held by an officer of this office)
    pub roles: Vec<(String, String, bool)>,
    pub actions: Vec<(String, String)>,
    pub products: Vec<(String, String)>,
    pub presets: Vec<(String, String)>,
    pub problems: Vec<String>,
    pub notice: String,
}

impl AdminWorkflowEditPage {
    pub fn day(&self, i: &usize) -> u32 {
        self.days.get(*i).copied().unwrap_or(0)
    }
    pub fn row_count(&self) -> usize {
        self.steps.len() + 2
    }
    /// Indexes of the empty rows for new steps.
    pub fn extra_rows(&self) -> Vec<usize> {
        vec![self.steps.len(), self.steps.len() + 1]
    }
}

#[derive(Template)]
#[template(path = "sign_list.html")]
pub struct SignListPage {
    pub ctx: PageCtx,
    /// (permit id, number, holder, permit name, practice place, application id)
    pub rows: Vec<(String, String, String, String, String, String)>,
    pub form: FormState,
    pub notice: String,
    /// (number, ok, message)
    pub results: Vec<(String, bool, String)>,
    /// The office signs through BSrE: NIK and passphrase are asked (never stored).
    pub bsre: bool,
}

#[derive(Template)]
#[template(path = "permits_office.html")]
pub struct PermitsOfficePage {
    pub ctx: PageCtx,
    pub q: String,
    /// (id, number, holder, place, valid until, status)
    pub rows: Vec<(String, String, String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "permit_office.html")]
pub struct PermitOfficePage {
    pub ctx: PageCtx,
    pub p: crate::permits::PermitRow,
    pub status: String,
    pub issued: String,
    pub until: String,
    pub signer: String,
    pub prints: Vec<crate::permits::PrintRecord>,
    pub can_revoke: bool,
    pub form: FormState,
    pub notice: String,
}

#[derive(Template)]
#[template(path = "verify.html")]
pub struct VerifyPage {
    pub ctx: PageCtx,
    pub permit: Option<crate::permits::PermitRow>,
    pub permit_name: String,
    pub status: String,
    pub status_class: String,
    pub issued: String,
    pub until: String,
    pub signer: String,
    pub office: String,
    pub check: Option<bool>,
}

#[derive(Template)]
#[template(path = "permits_applicant.html")]
pub struct PermitsApplicantPage {
    pub ctx: PageCtx,
    /// (id, permit name + number, place, status, valid until, token, survey answered)
    pub active: Vec<(String, String, String, String, String, String, bool)>,
    pub expired: Vec<(String, String, String, String, String, String, bool)>,
    pub notice: String,
}

pub struct AdminTemplateRow {
    pub code: String,
    pub label: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "admin_documents.html")]
pub struct AdminDocumentsPage {
    pub ctx: PageCtx,
    pub form: FormState,
    pub has_logo: bool,
    pub logo_error: String,
    pub templates: Vec<AdminTemplateRow>,
    pub signer_kind: String,
    pub notice: String,
}

pub struct AdminTemplateVersion {
    pub version: i64,
    pub what: String,
    pub by: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "admin_template.html")]
pub struct AdminTemplatePage {
    pub ctx: PageCtx,
    pub code: String,
    pub label: String,
    pub fields_doc: String,
    pub source: String,
    pub custom: bool,
    pub error: String,
    pub notice: String,
    pub versions: Vec<AdminTemplateVersion>,
}

/// Perubahan data of an active permit: the practice place, its address and the schedule.
#[derive(Template)]
#[template(path = "permit_change.html")]
pub struct PermitChangePage {
    pub ctx: PageCtx,
    pub permit_id: String,
    pub number: String,
    pub permit_name: String,
    pub valid_until: String,
    pub form: FormState,
    pub location: AreaPicker,
    pub fields: Vec<izinkes_domain::catalog::FormField>,
    pub days: Vec<&'static str>,
}

impl PermitChangePage {
    pub fn time_part(&self, key: &str, idx: usize) -> String {
        time_part(&self.form, key, idx)
    }
}

/// One end of a time range answer ("08:00-12:00") for a `<input type="time">`.
pub fn time_part(form: &FormState, key: &str, idx: usize) -> String {
    form.v(key)
        .replace("s/d", "-")
        .split('-')
        .nth(idx)
        .map(|s| {
            s.trim()
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == ':' || *c == '.')
                .collect::<String>()
                .replace('.', ":")
        })
        .unwrap_or_default()
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
#[template(path = "skm.html")]
pub struct SkmPage {
    pub ctx: PageCtx,
    pub permit_id: String,
    pub permit_title: String,
    pub questions: Vec<SkmQuestion>,
    pub form: FormState,
    /// Come back to the download after answering.
    pub then_download: bool,
}
