//! The desks over the API: Tugas Saya, the summary, the file, its documents and the actions.

use crate::auth::sessions::SubjectKind;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde::Serialize;
use utoipa::IntoParams;
use utoipa::ToSchema;
// ---------------------------------------------------------------------------------------------
// The desks (Tugas Saya, the file, its actions, the supervisors' summary) for officer tokens.
use crate::applications;
use crate::applications::api::ApplicationBody;
use crate::applications::api::application_json;
use crate::auth::officer::Officer;
use crate::desks::actions::ActOutcome;
use crate::desks::actions::CheckItem;
use crate::desks::actions::DeskAction;
use crate::desks::file::CheckRecord;
use crate::desks::file::DeskFile;
use crate::desks::file::ProductRecord;
use crate::desks::file::RevisionItem;
use crate::desks::file::RevisionRound;
use crate::desks::summary::StepSummary;
use crate::desks::tasks::DeskFilter;
use crate::web::api::ApiBody;
use crate::web::api::ApiCaller;
use crate::web::api::ApiError;
use crate::web::api::ApiJson;
use crate::web::api::ApiOfficer;
use crate::web::api::ApiResult;
use crate::web::api::BadRequest;
use crate::web::api::Conflict;
use crate::web::api::FileBytes;
use crate::web::api::Forbidden;
use crate::web::api::Internal;
use crate::web::api::Invalid;
use crate::web::api::NotFound;
use crate::web::api::TooLarge;
use crate::web::api::Unauthenticated;
use crate::web::api::ok;
use izinkes_domain::workflow::Position;
use izinkes_domain::workflow::Product;
use std::collections::BTreeMap;

/// The schemas of the desk services' own types, as they are serialised; the schema test holds
/// them to the real bodies.
#[allow(dead_code)]
pub(crate) mod schema {
    use crate::applications::api::schema::ApplicationStatus;
    use utoipa::ToSchema;

    /// A file waiting at a step of the officer's roles.
    #[derive(ToSchema)]
    #[schema(as = DeskItem)]
    pub(crate) struct DeskItem {
        pub id: String,
        pub registration_number: String,
        pub holder: String,
        pub permit_code: String,
        pub step_key: String,
        pub step_role: String,
        pub status: ApplicationStatus,
        pub submitted_at: String,
        pub step_due_on: String,
        /// Working days left at this step (negative: overdue by that many).
        pub remaining_days: i64,
        pub overdue: bool,
        pub warning: bool,
        pub claimed_by: Option<String>,
        pub claimed_by_me: bool,
        /// Messages from the applicant this officer has not read (Pesan Pengaduan).
        pub unread_messages: i64,
    }

    /// One page of Tugas Saya.
    #[derive(ToSchema)]
    #[schema(as = DeskTaskList)]
    pub(crate) struct DeskTaskList {
        pub tasks: Vec<DeskItem>,
        /// Files matching the filter over all pages: exact when `total_exact`, else a lower
        /// bound.
        pub total: i64,
        pub total_exact: bool,
        pub page: i64,
        /// Number of pages, when the count is exact.
        pub pages: Option<i64>,
        pub has_next: bool,
        pub per_page: i64,
    }

    /// Files waiting and overdue at one step.
    #[derive(ToSchema)]
    #[schema(as = StepSummary)]
    pub(crate) struct StepSummary {
        pub step_key: String,
        pub step_name: String,
        pub role: String,
        pub waiting: i64,
        pub overdue: i64,
        /// Average working days files spent at this step (files that left it in the last 90
        /// days).
        pub average_days: Option<f64>,
    }

    /// Where a file is in its workflow: `at_step` (with `step`), `with_applicant` (with
    /// `return_to`), `ready_to_sign` or `rejected`.
    #[derive(ToSchema)]
    #[schema(as = Position)]
    #[serde(tag = "at", rename_all = "snake_case")]
    pub(crate) enum Position {
        AtStep { step: u64 },
        WithApplicant { return_to: u64 },
        ReadyToSign,
        Rejected,
    }

    /// What a step produces.
    #[derive(ToSchema)]
    #[schema(as = Product)]
    #[serde(rename_all = "snake_case")]
    pub(crate) enum Product {
        Checklist,
        BeritaAcara,
        Recommendation,
        DraftSk,
        Paraf,
        Approval,
    }

    /// A product made at a step.
    #[derive(ToSchema)]
    #[schema(as = ProductRecord)]
    pub(crate) struct ProductRecord {
        pub step_key: String,
        pub product: Product,
        #[schema(value_type = Object)]
        pub data: serde_json::Value,
        pub officer_name: String,
        pub at: String,
    }

    /// The result of checking one requirement.
    #[derive(ToSchema)]
    #[schema(as = CheckRecord)]
    pub(crate) struct CheckRecord {
        pub requirement_key: String,
        pub ok: bool,
        pub note: String,
    }

    /// A field or document the applicant must fix.
    #[derive(ToSchema)]
    #[schema(as = RevisionItem)]
    pub(crate) struct RevisionItem {
        /// `field` (Tahap 1 or 2) or `document`.
        pub kind: String,
        pub key: String,
        pub label: String,
        pub note: String,
    }

    /// One return to the applicant and what came back.
    #[derive(ToSchema)]
    #[schema(as = RevisionRound)]
    pub(crate) struct RevisionRound {
        pub round: i64,
        pub step_key: String,
        pub asked_at: String,
        pub asked_by_name: String,
        pub items: Vec<RevisionItem>,
        pub resubmitted_at: Option<String>,
        /// What the applicant changed, once resubmitted.
        #[schema(value_type = Option<Object>)]
        pub changes: Option<serde_json::Value>,
    }

    /// The result of checking one requirement, as sent.
    #[derive(ToSchema)]
    #[schema(as = CheckItem)]
    pub(crate) struct CheckItem {
        pub key: String,
        pub ok: bool,
        pub note: Option<String>,
    }
}

/// Tugas Saya: files waiting at the officer's steps
///
/// Officer token. Files of the officer's office at steps of the officer's roles, the most
/// pressing first, 50 a page. The count is exact up to 1,000 files (past the page asked for);
/// beyond, `total_exact` is false and `total` is a lower bound.
#[utoipa::path(get, path = "/api/v1/desk/tasks", operation_id = "deskTasks", tag = "Desk",
    params(
        ("izin" = Option<String>, Query, description = "Permit type code.", example = "SIP-DRSP"),
        ("status" = Option<String>, Query, description = "`submitted` or `in_process`."),
        ("dari" = Option<String>, Query, description = "Submitted on or after (YYYY-MM-DD)."),
        ("sampai" = Option<String>, Query, description = "Submitted on or before (YYYY-MM-DD)."),
        ("q" = Option<String>, Query, description = "Part of the holder's name or of the registration number."),
        ("halaman" = Option<u32>, Query, description = "Page number, from 1 (default 1; past the last page gives the last page).", example = 2),
    ),
    responses(
        (status = 200, description = "The list.", body = schema::DeskTaskList),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn desk_tasks(
    State(state): State<AppState>,
    o: ApiOfficer,
    Query(filter): Query<DeskFilter>,
) -> ApiResult {
    Ok(ok(crate::desks::tasks::tasks(&state, &o.0, &filter).await?))
}

/// Per step.
#[derive(Serialize, ToSchema)]
pub(crate) struct StepSummaryList {
    #[schema(value_type = Vec<schema::StepSummary>)]
    steps: Vec<StepSummary>,
}

/// Counts per step for the heads
///
/// Officer token. Kepala Seksi, Kepala Bidang, Kepala Dinas and Admin only (others 403): files
/// waiting and overdue per step, and the average working days at each step over the last 90
/// days.
#[utoipa::path(get, path = "/api/v1/desk/summary", operation_id = "deskSummary", tag = "Desk",
    responses(
        (status = 200, description = "Per step.", body = StepSummaryList),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn desk_summary(State(state): State<AppState>, o: ApiOfficer) -> ApiResult {
    Ok(ok(StepSummaryList {
        steps: crate::desks::summary::summary(&state, &o.0).await?,
    }))
}

/// An officer, by id and name.
#[derive(Serialize, ToSchema)]
pub(crate) struct OfficerRef {
    id: String,
    name: String,
}

/// The active officers of an office.
#[derive(Serialize, ToSchema)]
pub(crate) struct OfficerList {
    officers: Vec<OfficerRef>,
}

/// The active officers of the caller's office
///
/// Officer token. For `reassign`.
#[utoipa::path(get, path = "/api/v1/desk/officers", operation_id = "deskOfficers", tag = "Desk",
    responses(
        (status = 200, description = "The officers.", body = OfficerList),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn desk_officers(State(state): State<AppState>, o: ApiOfficer) -> ApiResult {
    let list = crate::desks::pages::office_officers(&state, &o.0.office_id).await?;
    let officers = list.into_iter().map(|(id, name)| OfficerRef { id, name }).collect();
    Ok(ok(OfficerList { officers }))
}

pub(crate) fn date_text(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// The actions this officer can take on the file now: claim or release when the step is theirs
/// and nobody else holds the file, the step's own actions, and reassign for supervisors.
fn allowed_actions(f: &DeskFile, officer: &Officer) -> Vec<&'static str> {
    crate::desks::policy::action_codes(crate::desks::policy::Actor::of(officer), &f.desk())
}

/// A step of the file's workflow and where the file stands with it.
#[derive(Serialize, ToSchema)]
pub(crate) struct WorkflowStep {
    key: String,
    name: String,
    /// The role code that acts here.
    role: String,
    role_label: String,
    /// Share of the permit type's SLA, in percent.
    sla_share: u32,
    working_days: Option<u32>,
    /// Action codes, e.g. `forward`.
    actions: Vec<&'static str>,
    #[schema(value_type = Vec<schema::Product>)]
    produces: Vec<Product>,
    /// `done`, `current`, `returned` or `pending`.
    state: &'static str,
}

/// The workflow version the file follows.
#[derive(Serialize, ToSchema)]
pub(crate) struct WorkflowInfo {
    id: String,
    key: String,
    name: String,
    version: i64,
    steps: Vec<WorkflowStep>,
}

/// The step the file is at, and what has been produced there.
#[derive(Serialize, ToSchema)]
pub(crate) struct CurrentStep {
    key: String,
    name: String,
    role: String,
    role_label: String,
    #[schema(value_type = Vec<schema::Product>)]
    produces: Vec<Product>,
    #[schema(value_type = Vec<schema::Product>)]
    produced: Vec<Product>,
}

/// An internal note of the file's history (officers only).
#[derive(Serialize, ToSchema)]
pub(crate) struct InternalNote {
    at: String,
    actor_name: String,
    note: String,
}

/// The file as an officer of its office sees it: the application plus its place in the
/// workflow, what the officer may do, the step's products, the checks, the revision rounds,
/// the claim, the lock version to send back with an action, and the SLA clock.
#[derive(Serialize, ToSchema)]
#[schema(as = DeskFile)]
pub(crate) struct DeskFileBody {
    #[serde(flatten)]
    application: ApplicationBody,
    status_officer: String,
    workflow: WorkflowInfo,
    #[schema(value_type = schema::Position)]
    position: Position,
    current_step: Option<CurrentStep>,
    /// Action codes: `claim`, `release`, `reassign` and the step's own actions.
    allowed_actions: Vec<&'static str>,
    #[schema(value_type = Vec<schema::ProductRecord>)]
    products: Vec<ProductRecord>,
    #[schema(value_type = Vec<schema::CheckRecord>)]
    checks: Vec<CheckRecord>,
    #[schema(value_type = Vec<schema::RevisionRound>)]
    revision_rounds: Vec<RevisionRound>,
    internal_notes: Vec<InternalNote>,
    /// Send it back with an action: if the file changed since, the action is refused (409).
    lock_version: i64,
    claimed_by: Option<OfficerRef>,
    claimed_by_me: bool,
    step_due_on: Option<String>,
    due_on: Option<String>,
    remaining_step_days: Option<i64>,
    remaining_days: Option<i64>,
    sla_paused: bool,
}

fn workflow_steps(f: &DeskFile) -> Vec<WorkflowStep> {
    let def = &f.workflow.definition;
    let days = f.view.standard.standard.days_per_step(def);
    def.steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let state = match f.position {
                Position::AtStep { step } if step == i => "current",
                Position::AtStep { step } if i < step => "done",
                Position::WithApplicant { return_to } if return_to == i => "returned",
                Position::WithApplicant { return_to } if i < return_to => "done",
                Position::ReadyToSign => "done",
                _ => "pending",
            };
            WorkflowStep {
                key: s.key.clone(),
                name: s.name.clone(),
                role: s.role.clone(),
                role_label: izinkes_domain::roles::role_label(&s.role),
                sla_share: s.sla_share,
                working_days: days.get(i).copied(),
                actions: s.actions.iter().map(|a| a.code()).collect(),
                produces: s.produces.clone(),
                state,
            }
        })
        .collect()
}

fn desk_file_json(f: &DeskFile, officer: &Officer) -> DeskFileBody {
    let def = &f.workflow.definition;
    let current_step = f.current_step().map(|s| CurrentStep {
        key: s.key.clone(),
        name: s.name.clone(),
        role: s.role.clone(),
        role_label: izinkes_domain::roles::role_label(&s.role),
        produces: s.produces.clone(),
        produced: f.progress_for_current().done.iter().copied().collect(),
    });
    DeskFileBody {
        application: application_json(&f.view),
        status_officer: f.view.app.status.label_officer().to_string(),
        workflow: WorkflowInfo {
            id: f.workflow.id.clone(),
            key: f.workflow.preset_key.clone(),
            name: def.name.clone(),
            version: f.workflow.version,
            steps: workflow_steps(f),
        },
        position: f.position,
        current_step,
        allowed_actions: allowed_actions(f, officer),
        products: f.products.clone(),
        checks: f.checks.clone(),
        revision_rounds: f.rounds.clone(),
        internal_notes: f
            .internal_history
            .iter()
            .map(|(at, who, note)| InternalNote {
                at: at.clone(),
                actor_name: who.clone(),
                note: note.clone(),
            })
            .collect(),
        lock_version: f.lock_version,
        claimed_by: f.claimed_by.as_ref().map(|(id, name)| OfficerRef {
            id: id.clone(),
            name: name.clone(),
        }),
        claimed_by_me: f.claimed_by.as_ref().is_some_and(|(id, _)| id == &officer.id),
        step_due_on: date_text(f.step_due_on),
        due_on: date_text(f.due_on),
        remaining_step_days: f.remaining_step_days,
        remaining_days: f.remaining_days,
        sla_paused: f.paused,
    }
}

/// A file at the desk
///
/// Officer token. The application with its workflow, position, the actions this officer can
/// take now, products, checks, revision rounds, claim, `lock_version` and SLA clock. Files of
/// other offices are 404.
#[utoipa::path(get, path = "/api/v1/desk/applications/{id}", operation_id = "deskFile", tag = "Desk",
    params(("id" = String, Path, description = "Application id.")),
    responses(
        (status = 200, description = "The file.", body = DeskFileBody),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn desk_file(State(state): State<AppState>, o: ApiOfficer, Path(id): Path<String>) -> ApiResult {
    let f = crate::desks::file::open_file(&state, &o.0, &id).await?;
    Ok(ok(desk_file_json(&f, &o.0)))
}

/// A document attached to a file of the officer's office (every view is logged).
/// A document attached to a file
///
/// Officer token. The file's bytes with their content type. Every view is logged. Files of
/// other offices are 404.
#[utoipa::path(get, path = "/api/v1/desk/applications/{id}/documents/{key}", operation_id = "deskDocument", tag = "Desk",
    params(("id" = String, Path, description = "Application id."), ("key" = String, Path, description = "Requirement key of the application's permit type (see `requirements[].key`).", example = "ktp")),
    responses(
        (status = 200, description = "The document.", content(
            (FileBytes = "application/pdf"), (FileBytes = "image/jpeg"), (FileBytes = "image/png"))),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn desk_document(
    State(state): State<AppState>,
    c: ApiCaller,
    Path((id, key)): Path<(String, String)>,
) -> ApiResult {
    if c.subject.kind != SubjectKind::Officer {
        return Err(WebError::Forbidden.into());
    }
    let d = applications::attachments::download_attachment(&state, &c.subject, &id, &key).await?;
    Ok((
        [
            (header::CONTENT_TYPE, d.mime.as_str()),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        d.bytes,
    )
        .into_response())
}

/// A field or document to return to the applicant, with a note.
#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
pub(crate) struct ReturnItem {
    /// "field" (Tahap 1 or 2) or "document".
    kind: String,
    key: String,
    label: String,
    note: String,
}

/// A desk action: `action` and the file's `lock_version` always, the rest as the action needs.
#[derive(Deserialize, Serialize, Default, ToSchema)]
#[schema(as = DeskActionRequest)]
#[serde(default)]
pub(crate) struct DeskActionBody {
    /// `claim`, `release`, `reassign` (with `officer_id`), `forward`, `return_to_applicant`
    /// (with `items`), `send_back`, `reject` (with `reason`), `checklist` (with `checks`),
    /// `recommend` (with `approve`), `prepare_draft` (with `fields`), `paraf` or `approve`.
    #[schema(required)]
    action: String,
    #[schema(required)]
    lock_version: Option<i64>,
    request_key: String,
    note: String,
    reason: String,
    officer_id: String,
    items: Vec<ReturnItem>,
    #[schema(value_type = Vec<schema::CheckItem>)]
    checks: Vec<CheckItem>,
    approve: Option<bool>,
    number: String,
    fields: BTreeMap<String, String>,
}

fn one_field(key: &str, message: impl Into<String>) -> ApiError {
    ApiError(ServiceError::field(key, message).into())
}

/// The label the applicant sees for a field of Tahap 1.
fn applicant_field_label(key: &str) -> Option<&'static str> {
    Some(match key {
        "name" => "Nama Pemohon",
        "email" => "Email Pemohon",
        "phone" => "Handphone",
        "address" => "Alamat",
        "village_code" => "Wilayah alamat pemohon",
        "proxy_phone" => "Handphone Kuasa",
        "facility_name" => "Nama Tempat Praktik",
        "location_village_code" => "Lokasi Izin",
        "location_address" => "Detail Alamat Lokasi",
        "company_name" => "Nama Perusahaan",
        "company_address" => "Alamat Perusahaan",
        "company_email" => "Email Perusahaan",
        "company_phone" => "Telepon Perusahaan",
        "company_fax" => "Fax Perusahaan",
        "company_npwp" => "NPWP Perusahaan",
        "business_type" => "Jenis Usaha",
        "company_nib" => "Nomor Induk Berusaha (NIB)",
        "company_owner" => "Nama Pemilik",
        "person_in_charge" => "Nama Penanggung Jawab",
        _ => return None,
    })
}

/// The items named for a revision, checked against the file's permit type, labelled as the
/// applicant knows them when the client sent no label.
fn revision_items(f: &DeskFile, items: Vec<ReturnItem>) -> Result<Vec<RevisionItem>, ApiError> {
    let permit = f.view.permit();
    let mut out = Vec::new();
    for i in items {
        let known = match i.kind.as_str() {
            "document" => permit
                .and_then(|p| p.requirements.iter().find(|r| r.key == i.key))
                .map(|r| r.label.clone()),
            "field" => applicant_field_label(&i.key).map(str::to_string).or_else(|| {
                permit
                    .and_then(|p| p.fields.iter().find(|x| x.key == i.key))
                    .map(|x| x.label.clone())
            }),
            _ => {
                return Err(one_field(
                    "items",
                    "Jenis item perbaikan harus \"field\" atau \"document\".",
                ));
            }
        };
        let Some(label) = known else {
            return Err(one_field(
                "items",
                format!("Isian atau syarat \"{}\" tidak ada pada permohonan ini.", i.key),
            ));
        };
        let label = if i.label.trim().is_empty() { label } else { i.label };
        out.push(RevisionItem {
            kind: i.kind,
            key: i.key,
            label,
            note: i.note,
        });
    }
    Ok(out)
}

fn desk_action_of(f: &DeskFile, b: DeskActionBody) -> Result<DeskAction, ApiError> {
    Ok(match b.action.as_str() {
        "claim" => DeskAction::Claim,
        "release" => DeskAction::Release,
        "reassign" if b.officer_id.trim().is_empty() => {
            return Err(one_field("officer_id", "Pilih petugas kantor ini."));
        }
        "reassign" => DeskAction::Reassign {
            officer_id: b.officer_id,
        },
        "forward" => DeskAction::Forward { note: b.note },
        "return_to_applicant" => DeskAction::ReturnToApplicant {
            items: revision_items(f, b.items)?,
            note: b.note,
        },
        "send_back" => DeskAction::SendBack { note: b.note },
        "reject" => DeskAction::Reject { reason: b.reason },
        "checklist" if b.checks.is_empty() => {
            return Err(one_field(
                "checks",
                "Sertakan hasil pemeriksaan tiap syarat: [{\"key\", \"ok\", \"note\"}].",
            ));
        }
        "checklist" => DeskAction::Checklist { items: b.checks },
        "recommend" => {
            let Some(approve) = b.approve else {
                return Err(one_field(
                    "approve",
                    "Pilih rekomendasi: terbitkan (true) atau tolak (false).",
                ));
            };
            DeskAction::Recommend {
                approve,
                number: b.number,
                note: b.note,
            }
        }
        "prepare_draft" => DeskAction::PrepareDraft { fields: b.fields },
        "paraf" => DeskAction::Paraf { note: b.note },
        "approve" => DeskAction::Approve { note: b.note },
        "record_inspection" => {
            return Err(one_field(
                "action",
                "Berita Acara Pemeriksaan dikirim dengan berkas PDF-nya ke POST /api/v1/desk/applications/{id}/inspection.",
            ));
        }
        other => return Err(one_field("action", format!("Tindakan \"{other}\" tidak dikenal."))),
    })
}

fn lock_missing() -> ApiError {
    one_field(
        "lock_version",
        "Sertakan lock_version berkas seperti yang terakhir Anda lihat.",
    )
}

/// Whether the action was carried out now or by an earlier request with the same key.
#[derive(Serialize, ToSchema)]
#[schema(as = ActionOutcome)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Outcome {
    Done,
    AlreadyDone,
}

/// The outcome and the file as it is now.
#[derive(Serialize, ToSchema)]
pub(crate) struct DeskActionResult {
    outcome: Outcome,
    application: DeskFileBody,
}

/// Carries out an action and answers with the outcome and the file as it is now.
async fn run_desk_action(
    state: &AppState,
    officer: &Officer,
    id: &str,
    lock: i64,
    key: &str,
    action: DeskAction,
) -> ApiResult {
    let outcome = match crate::desks::actions::act(state, officer, id, lock, key, action).await? {
        ActOutcome::Done => Outcome::Done,
        ActOutcome::AlreadyDone => Outcome::AlreadyDone,
    };
    let f = crate::desks::file::open_file(state, officer, id).await?;
    Ok(ok(DeskActionResult {
        outcome,
        application: desk_file_json(&f, officer),
    }))
}

/// Take a desk action
///
/// Officer token. Send the `lock_version` of the file as last read: if the file changed since,
/// nothing happens (409 `conflict`). A `request_key` makes a retry harmless: the same key again
/// answers `already_done`. Only holders of the current step's role act (others 422 `refused`),
/// not while another officer holds the file (409); only supervisors `reassign` (others 403).
/// What the workflow does not allow at this step is 422 `refused`.
#[utoipa::path(post, path = "/api/v1/desk/applications/{id}/actions", operation_id = "deskAction", tag = "Desk",
    params(("id" = String, Path, description = "Application id.")),
    request_body = DeskActionBody,
    responses(
        (status = 200, description = "Done, or already done.", body = DeskActionResult),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn desk_action(
    State(state): State<AppState>,
    o: ApiOfficer,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DeskActionBody>,
) -> ApiResult {
    // The office scope first: another office's file is 404 whatever the body says.
    let f = crate::desks::file::open_file(&state, &o.0, &id).await?;
    let lock = b.lock_version.ok_or_else(lock_missing)?;
    let key = b.request_key.clone();
    let action = desk_action_of(&f, b)?;
    run_desk_action(&state, &o.0, &id, lock, &key, action).await
}

/// The Berita Acara's data, in the query.
#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub(crate) struct InspectionQuery {
    /// The file's `lock_version` as last read.
    #[param(required = true, value_type = i64)]
    lock_version: String,
    /// Makes a retry harmless.
    #[param(required = false)]
    request_key: String,
    /// The inspection date (YYYY-MM-DD).
    #[param(required = false)]
    date: String,
    /// Who inspected.
    #[param(required = false)]
    officers: String,
    /// The outcome, as written in the Berita Acara.
    #[param(required = false)]
    result: String,
    /// The PDF's file name.
    #[param(required = false)]
    filename: String,
    /// The laboratory that tested the samples (required when the permit type asks for
    /// laboratory results, e.g. SLHS).
    #[param(required = false)]
    lab_laboratory: String,
    /// The laboratory report's number.
    #[param(required = false)]
    lab_report_number: String,
    /// `memenuhi` or `tidak_memenuhi` (meets the requirements or not).
    #[param(required = false)]
    lab_result: String,
}

/// Records the Berita Acara Pemeriksaan: the raw PDF as the body, the rest in the query.
/// Record the Berita Acara Pemeriksaan
///
/// Officer token. The request body is the Berita Acara as PDF (at most 5 MB); the rest is in
/// the query. Same rules as the other actions (`lock_version`, `request_key`, step role).
#[utoipa::path(post, path = "/api/v1/desk/applications/{id}/inspection", operation_id = "deskInspection", tag = "Desk",
    params(("id" = String, Path, description = "Application id."), InspectionQuery),
    request_body(content = FileBytes, content_type = "application/pdf", description = "The Berita Acara."),
    responses(
        (status = 200, description = "Recorded.", body = DeskActionResult),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn desk_inspection(
    State(state): State<AppState>,
    o: ApiOfficer,
    Path(id): Path<String>,
    Query(q): Query<InspectionQuery>,
    ApiBody(body): ApiBody,
) -> ApiResult {
    crate::desks::file::open_file(&state, &o.0, &id).await?;
    let lock = q.lock_version.trim().parse::<i64>().map_err(|_| lock_missing())?;
    let filename = if q.filename.trim().is_empty() {
        "berita-acara.pdf".to_string()
    } else {
        q.filename
    };
    let file = (!body.is_empty()).then(|| (filename, body.to_vec()));
    let action = DeskAction::RecordInspection {
        date: q.date,
        officers: q.officers,
        result: q.result,
        file,
        lab: crate::desks::actions::LabResult {
            laboratory: q.lab_laboratory,
            report_number: q.lab_report_number,
            result: q.lab_result,
        },
    };
    run_desk_action(&state, &o.0, &id, lock, &q.request_key, action).await
}
