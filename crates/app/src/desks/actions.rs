//! The actions at a desk: claim, release and reassign, forward, return to the applicant, send
//! back, reject, and the products of a step (checklist, inspection, recommendation, draft SK,
//! paraf, approval).
//!
//! An action runs as a pipeline: [`validate`] the form input → ask [`policy`] who may →
//! `izinkes_domain::workflow::apply` for the next position → [`persist`] the products and the
//! position → [`history`] (the hash-chained row) → [`notify`] (the outbox), all in one
//! transaction guarded by the application's `lock_version`. Each product of a step has its own
//! function (checklist, inspection report, recommendation, draft SK, paraf, approval, the
//! revision round and the permit number).

use crate::applications::history::NewHistory;
use crate::applications::history::append_history;
use crate::applications::view::ApplicationView;
use crate::auth::officer::Officer;
use crate::catalog;
use crate::catalog::offices::Office;
use crate::desks::file::DeskFile;
use crate::desks::file::RevisionItem;
use crate::desks::file::open_file;
use crate::desks::policy;
use crate::desks::queries;
use crate::notifications;
use crate::notifications::service::Notice;
use crate::office_admin;
use crate::platform::db::Tx;
use crate::platform::db::date_text;
use crate::platform::db::parse_date;
use crate::platform::db::ts;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::mail;
use crate::platform::text::clean_text;
use crate::state::AppState;
use chrono::DateTime;
use chrono::Duration;
use chrono::NaiveDate;
use chrono::Utc;
use izinkes_domain::calendar::WorkingCalendar;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::sla;
use izinkes_domain::workflow::ActionKind;
use izinkes_domain::workflow::Command;
use izinkes_domain::workflow::Position;
use izinkes_domain::workflow::Product;
use izinkes_domain::workflow::Step;
use izinkes_domain::workflow::WorkflowDefinition;
use izinkes_domain::workflow::apply;
use izinkes_domain::workflow::command_action;
use serde::Deserialize;
use serde::Serialize;
use std::collections::BTreeMap;

/// How long taking a file keeps it for one officer.
pub const CLAIM_MINUTES: i64 = 30;

// ---------------------------------------------------------------------------------------------
// Actions

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CheckItem {
    pub key: String,
    pub ok: bool,
    #[serde(default)]
    pub note: String,
}

/// The laboratory results an inspection records for a type that asks for them (SLHS): which
/// laboratory, its report number, and whether the samples meet the requirements.
#[derive(Clone, Debug, Default)]
pub struct LabResult {
    pub laboratory: String,
    pub report_number: String,
    /// `memenuhi` or `tidak_memenuhi`.
    pub result: String,
}

#[derive(Clone, Debug)]
pub enum DeskAction {
    Claim,
    Release,
    Reassign {
        officer_id: String,
    },
    Forward {
        note: String,
    },
    ReturnToApplicant {
        items: Vec<RevisionItem>,
        note: String,
    },
    SendBack {
        note: String,
    },
    Reject {
        reason: String,
    },
    Checklist {
        items: Vec<CheckItem>,
    },
    RecordInspection {
        date: String,
        officers: String,
        result: String,
        file: Option<(String, Vec<u8>)>,
        lab: LabResult,
    },
    Recommend {
        approve: bool,
        number: String,
        note: String,
    },
    PrepareDraft {
        fields: BTreeMap<String, String>,
    },
    Paraf {
        note: String,
    },
    Approve {
        note: String,
    },
}

pub enum ActOutcome {
    Done,
    /// The same request (double click, retry) was already carried out.
    AlreadyDone,
}

fn conflict() -> ServiceError {
    ServiceError::Conflict(
        "Berkas ini baru saja diubah oleh petugas lain (atau oleh permintaan sebelumnya). Tampilan sudah diperbarui; periksa kembali sebelum bertindak."
            .into(),
    )
}

fn status_for(position: Position) -> &'static str {
    match position {
        Position::AtStep { step: 0 } => "submitted",
        Position::AtStep { .. } => "in_process",
        Position::WithApplicant { .. } => "needs_revision",
        Position::ReadyToSign => "ready_to_sign",
        Position::Rejected => "rejected",
    }
}

fn product_text(data: &BTreeMap<&str, String>) -> String {
    serde_json::to_string(data).unwrap_or_else(|_| "{}".into())
}

/// Carries out one desk action. `lock_version` is the version the officer saw: if the file
/// changed since, nothing happens and the officer gets a clear message. `request_key` makes a
/// repeated request (double click, network retry) a no-op.
pub async fn act(
    state: &AppState,
    officer: &Officer,
    app_id: &str,
    lock_version: i64,
    request_key: &str,
    action: DeskAction,
) -> ServiceResult<ActOutcome> {
    let outcome = act_once(state, officer, app_id, lock_version, request_key, action).await;
    // Whatever happened has committed or rolled back: the desks of the office read afresh.
    state.desks_changed(&officer.office_id);
    outcome
}

/// What every step of the pipeline after the policy needs to know.
struct Ctx<'a> {
    state: &'a AppState,
    officer: &'a Officer,
    file: &'a DeskFile,
    step: &'a Step,
    app_id: &'a str,
    lock_version: i64,
    now: DateTime<Utc>,
    today: NaiveDate,
    cal: &'a WorkingCalendar,
}

impl Ctx<'_> {
    fn office(&self) -> &Office {
        &self.file.view.office
    }
}

async fn act_once(
    state: &AppState,
    officer: &Officer,
    app_id: &str,
    lock_version: i64,
    request_key: &str,
    action: DeskAction,
) -> ServiceResult<ActOutcome> {
    // A repeated request (double click, network retry) is answered before anything else.
    if !request_key.is_empty() && queries::request_seen(&state.db.pool, request_key).await?.as_deref() == Some(app_id) {
        return Ok(ActOutcome::AlreadyDone);
    }
    let file = open_file(state, officer, app_id).await?;
    // The officer acted on what they saw; if the file changed since, say so before anything else.
    if file.lock_version != lock_version {
        return Err(conflict());
    }
    // Input is checked and blobs stored before taking the write lock.
    let inspection = validate(state, &file, &action).await?;
    authorize(officer, &file, &action)?;

    let now = Utc::now();
    let mut tx = state.db.begin().await?;
    // Idempotency: the first request with this key wins; a repeat is a no-op.
    if !request_key.is_empty() && !queries::record_request(&mut tx, request_key, app_id, &officer.id, &ts(now)).await? {
        tx.rollback().await?;
        return Ok(ActOutcome::AlreadyDone);
    }
    if queries::lock_version(&mut tx, app_id, &officer.office_id).await? != Some(lock_version) {
        tx.rollback().await?;
        return Err(conflict());
    }
    let Some(command) = command_of(&action) else {
        set_claim(&mut tx, officer, app_id, &action, now).await?;
        tx.commit().await?;
        return Ok(ActOutcome::Done);
    };

    let step = file
        .current_step()
        .cloned()
        .ok_or_else(|| ServiceError::Internal("no step".into()))?;
    let next = apply(
        &file.workflow.definition,
        file.position,
        &file.progress_for_current(),
        &command,
    )
    .map_err(|e| ServiceError::Refused(e.to_string()))?;
    let cal = office_admin::calendar::for_office(state, &file.view.office.id).await?;
    let ctx = Ctx {
        state,
        officer,
        file: &file,
        step: &step,
        app_id,
        lock_version,
        now,
        today: catalog::offices::today(&file.view.office),
        cal: &cal,
    };
    if !persist(&mut tx, &ctx, &action, inspection, next).await? {
        tx.rollback().await?;
        return Err(conflict());
    }
    let entry = entry_of(&action, next, &file.workflow.definition);
    history(&mut tx, &ctx, &entry, next).await?;
    notify(&mut tx, &ctx, &action, next, entry.public_note.as_deref()).await?;
    notify_desk(&mut tx, &ctx, next).await?;
    tx.commit().await?;
    state.wake_outbox();
    Ok(ActOutcome::Done)
}

// ---------------------------------------------------------------------------------------------
// Validate

/// The Berita Acara file of an inspection, stored as a blob: (file name, sha256, size).
type StoredFile = (String, String, i64);

/// Checks the form input of an action; stores the inspection's Berita Acara file.
async fn validate(state: &AppState, file: &DeskFile, action: &DeskAction) -> ServiceResult<Option<StoredFile>> {
    let mut errors = FieldErrors::new();
    let mut stored = None;
    match action {
        DeskAction::ReturnToApplicant { items, .. } if items.iter().all(|i| i.note.trim().is_empty()) => {
            errors.insert(
                "items".into(),
                "Pilih isian atau berkas yang perlu diperbaiki dan tuliskan catatannya.".into(),
            );
        }
        DeskAction::SendBack { note } if note.trim().is_empty() => {
            errors.insert(
                "note".into(),
                "Tuliskan alasan berkas dikembalikan ke tahap sebelumnya.".into(),
            );
        }
        DeskAction::Reject { reason } if reason.trim().chars().count() < 10 => {
            errors.insert(
                "reason".into(),
                "Tuliskan alasan penolakan yang jelas bagi pemohon (minimal 10 huruf).".into(),
            );
        }
        DeskAction::RecordInspection {
            date,
            officers,
            result,
            file: upload,
            lab,
        } => {
            check_inspection(&file.view.office, date, officers, result, &mut errors);
            if file.view.permit().is_some_and(|p| p.inspection.needs_lab()) {
                check_lab(lab, &mut errors);
            }
            stored = check_report_file(state, upload.as_ref(), &mut errors).await?;
        }
        DeskAction::Forward { .. } | DeskAction::Recommend { .. } if inspection_missing(file) => {
            errors.insert(
                "action".into(),
                "Jenis izin ini wajib pemeriksaan lapangan: catat Berita Acara Pemeriksaan (dengan hasil uji \
                 laboratorium bila diminta) sebelum rekomendasi atau meneruskan berkas."
                    .into(),
            );
        }
        DeskAction::Recommend { number, .. } if number.trim().is_empty() => {
            errors.insert("number".into(), "Tuliskan nomor surat rekomendasi.".into());
        }
        DeskAction::Checklist { items } => check_checklist(file, items, &mut errors)?,
        _ => {}
    }
    if errors.is_empty() {
        Ok(stored)
    } else {
        Err(ServiceError::Invalid(errors))
    }
}

fn check_inspection(office: &Office, date: &str, officers: &str, result: &str, errors: &mut FieldErrors) {
    if parse_date(date).is_none_or(|d| d > catalog::offices::today(office)) {
        errors.insert(
            "date".into(),
            "Tanggal pemeriksaan tidak valid atau di masa depan.".into(),
        );
    }
    if officers.trim().is_empty() {
        errors.insert("officers".into(), "Tuliskan nama petugas pemeriksa.".into());
    }
    if !matches!(result, "sesuai" | "tidak_sesuai") {
        errors.insert("result".into(), "Pilih hasil pemeriksaan.".into());
    }
}

/// The type asks for a field inspection and the current step records inspections, but none was
/// recorded at this step yet.
fn inspection_missing(file: &DeskFile) -> bool {
    let required = file.view.permit().is_some_and(|p| p.inspection.is_required());
    let Some(step) = file
        .current_step()
        .filter(|s| s.actions.contains(&ActionKind::RecordInspection))
    else {
        return false;
    };
    required
        && !file
            .products
            .iter()
            .any(|p| p.product == Product::BeritaAcara && p.step_key == step.key)
}

fn check_lab(lab: &LabResult, errors: &mut FieldErrors) {
    if lab.laboratory.trim().chars().count() < 3 {
        errors.insert(
            "lab_laboratory".into(),
            "Tuliskan nama laboratorium yang menguji sampel (laboratorium terakreditasi).".into(),
        );
    }
    if lab.report_number.trim().is_empty() {
        errors.insert(
            "lab_report_number".into(),
            "Tuliskan nomor laporan hasil uji laboratorium.".into(),
        );
    }
    if !matches!(lab.result.as_str(), "memenuhi" | "tidak_memenuhi") {
        errors.insert(
            "lab_result".into(),
            "Pilih hasil uji laboratorium: memenuhi atau tidak memenuhi syarat.".into(),
        );
    }
}

/// The Berita Acara must be a PDF of at most 5 MB; a valid one is stored right away.
async fn check_report_file(
    state: &AppState,
    upload: Option<&(String, Vec<u8>)>,
    errors: &mut FieldErrors,
) -> ServiceResult<Option<StoredFile>> {
    let Some((name, bytes)) = upload else {
        errors.insert("file".into(), "Unggah berkas Berita Acara Pemeriksaan (PDF).".into());
        return Ok(None);
    };
    match crate::platform::uploads::check_file(bytes, &[izinkes_domain::catalog::FileFormat::Pdf], 5 * 1024) {
        Ok(_) => {
            let sha = crate::platform::uploads::store_blob(state, bytes, "application/pdf").await?;
            Ok(Some((
                crate::platform::files::clean_filename(name),
                sha,
                bytes.len() as i64,
            )))
        }
        Err(m) => {
            errors.insert("file".into(), m);
            Ok(None)
        }
    }
}

fn check_checklist(file: &DeskFile, items: &[CheckItem], errors: &mut FieldErrors) -> ServiceResult<()> {
    let permit = file.view.permit().ok_or(ServiceError::NotFound)?;
    for i in items {
        if !permit.requirements.iter().any(|r| r.key == i.key) {
            errors.insert(i.key.clone(), "Syarat tidak dikenal.".into());
        } else if !i.ok && i.note.trim().is_empty() {
            errors.insert(i.key.clone(), "Tuliskan catatan untuk syarat yang tidak sesuai.".into());
        }
    }
    Ok(())
}

/// The workflow command of an action; `None` for taking, releasing and handing over a file,
/// which change who holds it and not where it is.
fn command_of(action: &DeskAction) -> Option<Command> {
    let produce = |product| Command::Produce { product, approve: None };
    Some(match action {
        DeskAction::Forward { .. } => Command::Forward,
        DeskAction::ReturnToApplicant { items, .. } => Command::ReturnToApplicant { items: items.len() },
        DeskAction::SendBack { .. } => Command::SendBack,
        DeskAction::Reject { .. } => Command::Reject,
        DeskAction::Checklist { .. } => produce(Product::Checklist),
        DeskAction::RecordInspection { .. } => produce(Product::BeritaAcara),
        DeskAction::Recommend { approve, .. } => Command::Produce {
            product: Product::Recommendation,
            approve: Some(*approve),
        },
        DeskAction::PrepareDraft { .. } => produce(Product::DraftSk),
        DeskAction::Paraf { .. } => produce(Product::Paraf),
        DeskAction::Approve { .. } => produce(Product::Approval),
        DeskAction::Claim | DeskAction::Release | DeskAction::Reassign { .. } => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Policy

fn verb_of(action: &DeskAction) -> policy::Verb {
    match action {
        DeskAction::Claim => policy::Verb::Claim,
        DeskAction::Release => policy::Verb::Release,
        DeskAction::Reassign { .. } => policy::Verb::Reassign,
        other => match command_of(other).as_ref().and_then(command_action) {
            Some(kind) => policy::Verb::Act(kind),
            // Every other action has a command with an action kind.
            None => policy::Verb::Claim,
        },
    }
}

fn authorize(officer: &Officer, file: &DeskFile, action: &DeskAction) -> Result<(), policy::Refusal> {
    let desk = policy::Desk {
        position: file.position,
        step: file.current_step(),
        claimed_by: file.claimed_by.as_ref().map(|(id, name)| (id.as_str(), name.as_str())),
    };
    policy::decide(policy::Actor::of(officer), &desk, verb_of(action))
}

// ---------------------------------------------------------------------------------------------
// Persist

fn claim_until(now: DateTime<Utc>) -> Option<String> {
    Some(ts(now + Duration::minutes(CLAIM_MINUTES)))
}

/// Takes, releases or hands over the file.
async fn set_claim(
    tx: &mut Tx,
    officer: &Officer,
    app_id: &str,
    action: &DeskAction,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let (by, until) = match action {
        DeskAction::Claim => (Some(officer.id.clone()), claim_until(now)),
        DeskAction::Reassign { officer_id } => {
            if !queries::is_active_officer(tx, officer_id, &officer.office_id).await? {
                return Err(ServiceError::field("officer_id", "Pilih petugas kantor ini."));
            }
            (Some(officer_id.clone()), claim_until(now))
        }
        _ => (None, None),
    };
    queries::set_claim(tx, app_id, by, until).await?;
    Ok(())
}

/// Writes the action's product, the file's new place (position, step, SLA fields, claim), and
/// what follows from it: the permit number when ready to sign, the revision round when it goes
/// to the applicant. False when the file changed meanwhile.
async fn persist(
    tx: &mut Tx,
    ctx: &Ctx<'_>,
    action: &DeskAction,
    inspection: Option<StoredFile>,
    next: Position,
) -> ServiceResult<bool> {
    // Products are recorded at the step; they do not move the file.
    if let Some((product, data)) = produce(tx, ctx, action, inspection).await? {
        store_product(tx, ctx, product, &data).await?;
    }
    if !move_file(tx, ctx, next).await? {
        return Ok(false);
    }
    // The number is assigned once, when the file becomes ready to sign.
    if next == Position::ReadyToSign {
        assign_number(ctx.state, tx, ctx.file).await?;
    }
    if let DeskAction::ReturnToApplicant { items, .. } = action {
        open_revision_round(tx, ctx, items).await?;
    }
    Ok(true)
}

async fn move_file(tx: &mut Tx, ctx: &Ctx<'_>, next: Position) -> ServiceResult<bool> {
    let def = &ctx.file.workflow.definition;
    let moved = next != ctx.file.position;
    let split = ctx.file.view.standard.standard.days_per_step(def);
    let (step_key, step_role, step_due) = match next {
        Position::AtStep { step: i } => {
            let s = def
                .steps
                .get(i.min(def.steps.len().saturating_sub(1)))
                .ok_or_else(|| ServiceError::Internal("empty workflow".into()))?;
            let due = sla::step_due_after_action(
                ctx.cal,
                ctx.today,
                moved,
                sla::days_of_step(&split, i),
                ctx.file.step_due_on,
            );
            (Some(s.key.clone()), Some(s.role.clone()), Some(date_text(due)))
        }
        _ => (None, None, None),
    };
    // Working at a step keeps the file with the officer; moving it frees it for the next desk.
    let (claimed_by, claimed_until) = if moved {
        (None, None)
    } else {
        (Some(ctx.officer.id.clone()), claim_until(ctx.now))
    };
    Ok(queries::move_file(
        tx,
        queries::MoveWrite {
            status: status_for(next),
            position: serde_json::to_string(&next)?,
            step_key,
            step_role,
            step_due_on: step_due,
            moved,
            now: ts(ctx.now),
            claimed_by,
            claimed_until,
            paused_since: matches!(next, Position::WithApplicant { .. }).then(|| date_text(ctx.today)),
            officer_id: &ctx.officer.id,
            app_id: ctx.app_id,
            lock_version: ctx.lock_version,
        },
    )
    .await?)
}

/// The product an action records at the step, as (kind, JSON data); `None` for actions that
/// only move the file.
async fn produce(
    tx: &mut Tx,
    ctx: &Ctx<'_>,
    action: &DeskAction,
    inspection: Option<StoredFile>,
) -> ServiceResult<Option<(Product, String)>> {
    Ok(Some(match action {
        DeskAction::Checklist { items } => record_checklist(tx, ctx, items).await?,
        DeskAction::RecordInspection {
            date,
            officers,
            result,
            lab,
            ..
        } => inspection_report(date, officers, result, lab, inspection),
        DeskAction::Recommend { approve, number, note } => recommendation(*approve, number, note),
        DeskAction::PrepareDraft { fields } => draft_decree(fields)?,
        DeskAction::Paraf { note } => paraf(note),
        DeskAction::Approve { note } => approval(note),
        _ => return Ok(None),
    }))
}

async fn store_product(tx: &mut Tx, ctx: &Ctx<'_>, product: Product, data: &str) -> ServiceResult<()> {
    let at = ts(ctx.now);
    queries::upsert_product(
        tx,
        queries::ProductWrite {
            office_id: &ctx.office().id,
            app_id: ctx.app_id,
            step_key: &ctx.step.key,
            product: product.code(),
            data,
            officer_id: &ctx.officer.id,
            officer_name: &ctx.officer.name,
            at: &at,
        },
    )
    .await?;
    Ok(())
}

/// The requirements checklist: one row per requirement, and its tally as the product.
async fn record_checklist(tx: &mut Tx, ctx: &Ctx<'_>, items: &[CheckItem]) -> ServiceResult<(Product, String)> {
    let at = ts(ctx.now);
    for i in items {
        queries::upsert_check(
            tx,
            queries::CheckWrite {
                office_id: &ctx.office().id,
                app_id: ctx.app_id,
                requirement_key: &i.key,
                ok: i.ok,
                note: clean_text(&i.note, 500),
                officer_id: &ctx.officer.id,
                at: &at,
            },
        )
        .await?;
    }
    let failed = items.iter().filter(|i| !i.ok).count();
    Ok((
        Product::Checklist,
        serde_json::json!({"checked": items.len(), "not_ok": failed}).to_string(),
    ))
}

/// The inspection report (Berita Acara Pemeriksaan) with its stored file.
fn inspection_report(
    date: &str,
    officers: &str,
    result: &str,
    lab: &LabResult,
    stored: Option<StoredFile>,
) -> (Product, String) {
    let (filename, sha, size) = stored.unwrap_or_default();
    let mut d = BTreeMap::new();
    d.insert("date", date.to_string());
    d.insert("officers", clean_text(officers, 300));
    d.insert("result", result.to_string());
    if !lab.result.is_empty() {
        d.insert("lab_laboratory", clean_text(&lab.laboratory, 200));
        d.insert("lab_report_number", clean_text(&lab.report_number, 100));
        d.insert("lab_result", lab.result.clone());
    }
    d.insert("filename", filename);
    d.insert("sha256", sha);
    d.insert("size", size.to_string());
    (Product::BeritaAcara, product_text(&d))
}

/// The technical recommendation: issued or refused, with its letter number.
fn recommendation(approve: bool, number: &str, note: &str) -> (Product, String) {
    (
        Product::Recommendation,
        serde_json::json!({"approve": approve, "number": clean_text(number, 100), "note": clean_text(note, 1000)})
            .to_string(),
    )
}

/// The draft decree (draf SK): its fields as the officer filled them.
fn draft_decree(fields: &BTreeMap<String, String>) -> ServiceResult<(Product, String)> {
    let cleaned: BTreeMap<String, String> = fields
        .iter()
        .map(|(k, v)| (clean_text(k, 60), clean_text(v, 500)))
        .collect();
    Ok((Product::DraftSk, serde_json::to_string(&cleaned)?))
}

/// The initials (paraf) on the draft SK.
fn paraf(note: &str) -> (Product, String) {
    (
        Product::Paraf,
        serde_json::json!({"note": clean_text(note, 500)}).to_string(),
    )
}

/// The approval of the draft SK.
fn approval(note: &str) -> (Product, String) {
    (
        Product::Approval,
        serde_json::json!({"note": clean_text(note, 500)}).to_string(),
    )
}

/// The items of a return with a note, cleaned.
fn revision_items(items: &[RevisionItem]) -> Vec<RevisionItem> {
    items
        .iter()
        .filter(|i| !i.note.trim().is_empty())
        .map(|i| RevisionItem {
            kind: i.kind.clone(),
            key: i.key.clone(),
            label: clean_text(&i.label, 200),
            note: clean_text(&i.note, 1000),
        })
        .collect()
}

/// The revision round, when the file goes back to the applicant: what is asked, and the values
/// before, to compare with what comes back.
async fn open_revision_round(tx: &mut Tx, ctx: &Ctx<'_>, items: &[RevisionItem]) -> ServiceResult<()> {
    let items = revision_items(items);
    let before = serde_json::json!({"before": crate::desks::revisions::snapshot(&ctx.file.view, &items)});
    queries::open_round(
        tx,
        queries::RoundWrite {
            office_id: &ctx.office().id,
            app_id: ctx.app_id,
            round: ctx.file.view.app_round() + 1,
            step_key: &ctx.step.key,
            asked_at: ts(ctx.now),
            asked_by: &ctx.officer.id,
            asked_by_name: &ctx.officer.name,
            items: serde_json::to_string(&items)?,
            changes: before.to_string(),
        },
    )
    .await?;
    Ok(())
}

/// The permit number, assigned inside the action's transaction.
async fn assign_number(state: &AppState, tx: &mut Tx, file: &DeskFile) -> ServiceResult<String> {
    let applicant = crate::accounts::profile::load_applicant(state, &file.view.app.applicant_id).await?;
    let holder = file
        .products
        .iter()
        .find(|p| p.product == Product::DraftSk)
        .and_then(|p| p.data.get("nama").and_then(|v| v.as_str()).map(str::to_string))
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            file.view
                .app
                .answers
                .get("nama_sesuai_ijazah")
                .cloned()
                .filter(|s| !s.trim().is_empty())
        })
        .unwrap_or_else(|| file.view.app.data.name.clone());
    crate::permits::numbering::ready_to_sign_in_tx(tx, state, &file.view, &applicant.masked_identity(), &holder).await
}

// ---------------------------------------------------------------------------------------------
// History

/// The history row of an action: its code and its notes for the applicant and inside the office.
#[derive(Debug, PartialEq)]
struct Entry {
    action: &'static str,
    public_note: Option<String>,
    internal_note: Option<String>,
}

fn entry_of(action: &DeskAction, next: Position, def: &WorkflowDefinition) -> Entry {
    let entry = |action, public_note, internal_note| Entry {
        action,
        public_note,
        internal_note,
    };
    let optional = |note: &str, max| Some(clean_text(note, max)).filter(|s| !s.is_empty());
    match action {
        DeskAction::Forward { note } => {
            let public = match next {
                Position::AtStep { step: i } => def.steps.get(i).and_then(|s| s.public_note.clone()),
                Position::ReadyToSign => {
                    Some("Berkas telah diverifikasi dan menunggu penandatanganan oleh Kepala Dinas.".into())
                }
                _ => None,
            };
            entry("teruskan", public, optional(note, 1000))
        }
        DeskAction::ReturnToApplicant { items, note } => entry(
            "kembalikan_ke_pemohon",
            Some(return_note(&revision_items(items), note)),
            None,
        ),
        DeskAction::SendBack { note } => entry("kembalikan_ke_tahap_sebelumnya", None, Some(clean_text(note, 1000))),
        DeskAction::Reject { reason } => entry("tolak", Some(clean_text(reason, 2000)), None),
        DeskAction::Checklist { .. } => entry("periksa_syarat", None, None),
        DeskAction::RecordInspection { .. } => entry("catat_pemeriksaan", None, None),
        DeskAction::Recommend { approve: true, .. } => entry("rekomendasi_terbit", None, None),
        DeskAction::Recommend { approve: false, .. } => entry("rekomendasi_tolak", None, None),
        DeskAction::PrepareDraft { .. } => entry("siapkan_draf_sk", None, None),
        DeskAction::Paraf { note } => entry("paraf", None, optional(note, 500)),
        DeskAction::Approve { note } => entry("setujui", None, optional(note, 500)),
        DeskAction::Claim | DeskAction::Release | DeskAction::Reassign { .. } => entry("ambil", None, None),
    }
}

/// What the applicant reads when the file comes back to them: the items, then the officer's note.
fn return_note(items: &[RevisionItem], note: &str) -> String {
    let list = items
        .iter()
        .map(|i| format!("• {}: {}", i.label, i.note))
        .collect::<Vec<_>>()
        .join("\n");
    let extra = clean_text(note, 1000);
    if extra.is_empty() {
        format!("Perlu perbaikan:\n{list}")
    } else {
        format!("Perlu perbaikan:\n{list}\n{extra}")
    }
}

async fn history(tx: &mut Tx, ctx: &Ctx<'_>, entry: &Entry, next: Position) -> ServiceResult<()> {
    let role_label = izinkes_domain::roles::role_label(&ctx.step.role);
    append_history(
        tx,
        &NewHistory {
            office_id: &ctx.office().id,
            application_id: ctx.app_id,
            actor_kind: "officer",
            actor_id: Some(&ctx.officer.id),
            actor_name: &ctx.officer.name,
            actor_role: Some(&role_label),
            action: entry.action,
            from_status: Some(ctx.file.view.app.status.code()),
            to_status: status_for(next),
            step: Some(&ctx.step.key),
            public_note: entry.public_note.as_deref(),
            internal_note: entry.internal_note.as_deref(),
        },
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Notify

/// Tells the applicant when the file needs them or is decided. Mail goes to the account's
/// verified address.
async fn notify(
    tx: &mut Tx,
    ctx: &Ctx<'_>,
    action: &DeskAction,
    next: Position,
    public_note: Option<&str>,
) -> ServiceResult<()> {
    let app = &ctx.file.view.app;
    let number = app.registration_number.as_deref().unwrap_or_default();
    let name = app.data.name.as_str();
    let base_url = ctx.state.config.base_url.trim_end_matches('/');
    let app_id = ctx.app_id;
    let link = format!("{base_url}/permohonan/{app_id}");
    match (action, next) {
        (DeskAction::ReturnToApplicant { .. }, _) => {
            let note = public_note.unwrap_or_default();
            let mail = mail::ApplicationReturned {
                name,
                number,
                note,
                base_url,
                app_id,
            };
            let text = format!("Permohonan {number} dikembalikan untuk diperbaiki.");
            to_applicant(tx, ctx, Notice::new("returned", &mail, text, link)?).await
        }
        (DeskAction::Reject { reason }, _) => {
            let reason = clean_text(reason, 2000);
            let mail = mail::ApplicationRejected {
                name,
                number,
                reason: &reason,
                base_url,
                app_id,
            };
            let text = format!("Permohonan {number} ditolak.");
            to_applicant(tx, ctx, Notice::new("rejected", &mail, text, link)?).await
        }
        (DeskAction::Forward { .. }, Position::AtStep { step: 1 }) => {
            let mail = mail::ApplicationComplete {
                name,
                number,
                base_url,
                app_id,
            };
            let text = format!("Berkas permohonan {number} lengkap dan sedang diproses.");
            to_applicant(tx, ctx, Notice::new("complete", &mail, text, link)?).await
        }
        _ => Ok(()),
    }
}

/// Tells the officers of the step a file moved to (forwarded or sent back) that it is at their
/// desk.
async fn notify_desk(tx: &mut Tx, ctx: &Ctx<'_>, next: Position) -> ServiceResult<()> {
    let Position::AtStep { step: i } = next else {
        return Ok(());
    };
    let Some(s) = ctx
        .file
        .workflow
        .definition
        .steps
        .get(i)
        .filter(|_| next != ctx.file.position)
    else {
        return Ok(());
    };
    let number = ctx.file.view.app.registration_number.as_deref().unwrap_or_default();
    let (base_url, office_id) = (&ctx.state.config.base_url, &ctx.office().id);
    notifications::service::file_at_desk(tx, base_url, office_id, (&s.key, &s.role), number, ctx.app_id).await
}

/// Tells the file's applicant on the channels they chose, in the action's transaction.
async fn to_applicant(tx: &mut Tx, ctx: &Ctx<'_>, notice: Notice) -> ServiceResult<()> {
    let notice = notice.about(ctx.app_id);
    notifications::service::to_applicant(tx, &ctx.office().id, &ctx.file.view.app.applicant_id, &notice).await
}

impl ApplicationView {
    fn app_round(&self) -> i64 {
        self.app.revision_round
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(label: &str, note: &str) -> RevisionItem {
        RevisionItem {
            kind: "field".into(),
            key: label.to_lowercase(),
            label: label.into(),
            note: note.into(),
        }
    }

    #[test]
    fn claiming_verbs_have_no_command_and_every_other_action_has_one_of_its_kind() {
        assert!(command_of(&DeskAction::Claim).is_none());
        assert!(command_of(&DeskAction::Reassign { officer_id: "x".into() }).is_none());
        assert_eq!(
            verb_of(&DeskAction::Recommend {
                approve: false,
                number: "1".into(),
                note: String::new()
            }),
            policy::Verb::Act(izinkes_domain::workflow::ActionKind::Recommend)
        );
        assert_eq!(
            verb_of(&DeskAction::Paraf { note: String::new() }),
            policy::Verb::Act(izinkes_domain::workflow::ActionKind::Paraf)
        );
        assert_eq!(
            command_of(&DeskAction::ReturnToApplicant {
                items: vec![item("A", ""), item("B", "x")],
                note: String::new()
            }),
            Some(Command::ReturnToApplicant { items: 2 })
        );
    }

    #[test]
    fn a_return_lists_the_items_with_notes_then_the_officers_note() {
        let items = revision_items(&[item("Nama", " ejaan "), item("Alamat", "  ")]);
        assert_eq!(items.len(), 1);
        assert_eq!(return_note(&items, ""), "Perlu perbaikan:\n• Nama: ejaan");
        assert_eq!(
            return_note(&items, "Segera."),
            "Perlu perbaikan:\n• Nama: ejaan\nSegera."
        );
    }

    #[test]
    fn products_record_what_the_officer_entered() {
        let (p, data) = recommendation(true, " 12/REK ", "");
        assert_eq!(p, Product::Recommendation);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&data).ok(),
            Some(serde_json::json!({"approve": true, "number": "12/REK", "note": ""}))
        );
        let (p, data) = inspection_report(
            "2026-06-01",
            "Ani",
            "sesuai",
            &LabResult::default(),
            Some(("ba.pdf".into(), "abc".into(), 9)),
        );
        assert_eq!(p, Product::BeritaAcara);
        assert!(data.contains("\"filename\":\"ba.pdf\"") && data.contains("\"size\":\"9\""));
        assert_eq!(paraf("ok").0, Product::Paraf);
        assert_eq!(approval("ok").0, Product::Approval);
    }

    #[test]
    fn optional_notes_stay_out_of_the_history_when_empty() {
        let def = WorkflowDefinition::presets().remove(0);
        let e = entry_of(
            &DeskAction::Paraf { note: "  ".into() },
            Position::AtStep { step: 0 },
            &def,
        );
        assert_eq!(e.action, "paraf");
        assert_eq!(e.internal_note, None);
        let e = entry_of(
            &DeskAction::Forward { note: String::new() },
            Position::ReadyToSign,
            &def,
        );
        assert_eq!(e.action, "teruskan");
        assert!(e.public_note.is_some_and(|n| n.contains("penandatanganan")));
        let e = entry_of(
            &DeskAction::Recommend {
                approve: false,
                number: "1".into(),
                note: String::new(),
            },
            Position::AtStep { step: 0 },
            &def,
        );
        assert_eq!(e.action, "rekomendasi_tolak");
    }
}
