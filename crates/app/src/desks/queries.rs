//! The SQL of the desks area (Tugas Saya's own query is in `tasks_sql`): the file at a desk,
//! the actions' writes, the revision loop, workflow versions, the clock and the summary. Rows
//! are read into `FromRow` structs; every function takes the pool or the open transaction and
//! typed arguments.

use crate::platform::db::Tx;
use sqlx::AnyPool;

// ---------------------------------------------------------------------------------------------
// The file at a desk

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct FileRow {
    pub applicant_id: String,
    pub workflow_version_id: Option<String>,
    pub position: Option<String>,
    pub lock_version: i64,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<String>,
    pub step_due_on: Option<String>,
    pub due_on: Option<String>,
    pub sla_paused_since: Option<String>,
    pub claimer: Option<String>,
}

pub(crate) async fn file_row(pool: &AnyPool, app_id: &str, office_id: &str) -> Result<Option<FileRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.applicant_id, a.workflow_version_id, a.position, a.lock_version, a.claimed_by, a.claimed_until, a.step_due_on, a.due_on, \
           a.sla_paused_since, o.full_name AS claimer \
         FROM applications a LEFT JOIN officers o ON o.id = a.claimed_by WHERE a.id = $1 AND a.office_id = $2 AND a.status <> 'draft'",
    )
    .bind(app_id)
    .bind(office_id)
    .fetch_optional(pool)
    .await
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct InternalNoteRow {
    pub at: String,
    pub actor_name: String,
    pub internal_note: String,
}

pub(crate) async fn internal_notes(pool: &AnyPool, app_id: &str) -> Result<Vec<InternalNoteRow>, sqlx::Error> {
    sqlx::query_as("SELECT at, actor_name, internal_note FROM application_history WHERE application_id = $1 AND internal_note IS NOT NULL AND action NOT LIKE 'pesan%' ORDER BY seq")
        .bind(app_id)
        .fetch_all(pool)
        .await
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ProductRow {
    pub step_key: String,
    pub product: String,
    pub data: String,
    pub officer_name: String,
    pub at: String,
}

pub(crate) async fn products(pool: &AnyPool, app_id: &str) -> Result<Vec<ProductRow>, sqlx::Error> {
    sqlx::query_as("SELECT step_key, product, data, officer_name, at FROM application_products WHERE application_id = $1 ORDER BY at")
        .bind(app_id)
        .fetch_all(pool)
        .await
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct RoundRow {
    pub round: i64,
    pub step_key: String,
    pub asked_at: String,
    pub asked_by_name: String,
    pub items: String,
    pub resubmitted_at: Option<String>,
    pub changes: Option<String>,
}

pub(crate) async fn rounds(pool: &AnyPool, app_id: &str) -> Result<Vec<RoundRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT round, step_key, asked_at, asked_by_name, items, resubmitted_at, changes FROM revision_rounds WHERE application_id = $1 ORDER BY round",
    )
    .bind(app_id)
    .fetch_all(pool)
    .await
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct CheckRow {
    pub requirement_key: String,
    pub ok: i64,
    pub note: String,
}

pub(crate) async fn checks(pool: &AnyPool, app_id: &str) -> Result<Vec<CheckRow>, sqlx::Error> {
    sqlx::query_as("SELECT requirement_key, ok, note FROM application_checks WHERE application_id = $1")
        .bind(app_id)
        .fetch_all(pool)
        .await
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct OfficerName {
    pub id: String,
    pub full_name: String,
}

/// The active officers of an office, by name.
pub(crate) async fn office_officers(pool: &AnyPool, office_id: &str) -> Result<Vec<OfficerName>, sqlx::Error> {
    sqlx::query_as("SELECT id, full_name FROM officers WHERE office_id = $1 AND active = 1 ORDER BY full_name")
        .bind(office_id)
        .fetch_all(pool)
        .await
}

// ---------------------------------------------------------------------------------------------
// The actions

/// The application a request key was already used for.
pub(crate) async fn request_seen(pool: &AnyPool, key: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT application_id FROM action_requests WHERE key = $1")
        .bind(key)
        .fetch_optional(pool)
        .await
}

/// Records a request key; false when it was recorded before (the first request wins).
pub(crate) async fn record_request(
    tx: &mut Tx,
    key: &str,
    app_id: &str,
    officer_id: &str,
    at: &str,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query("INSERT INTO action_requests (key, application_id, officer_id, at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .bind(app_id)
        .bind(officer_id)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(inserted.rows_affected() > 0)
}

pub(crate) async fn lock_version(tx: &mut Tx, app_id: &str, office_id: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT lock_version FROM applications WHERE id = $1 AND office_id = $2")
        .bind(app_id)
        .bind(office_id)
        .fetch_optional(&mut **tx)
        .await
}

/// Whether `officer_id` is an active officer of the office.
pub(crate) async fn is_active_officer(tx: &mut Tx, officer_id: &str, office_id: &str) -> Result<bool, sqlx::Error> {
    let ok: Option<String> =
        sqlx::query_scalar("SELECT id FROM officers WHERE id = $1 AND office_id = $2 AND active = 1")
            .bind(officer_id)
            .bind(office_id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(ok.is_some())
}

pub(crate) async fn set_claim(
    tx: &mut Tx,
    app_id: &str,
    by: Option<String>,
    until: Option<String>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE applications SET claimed_by = $1, claimed_until = $2, lock_version = lock_version + 1 WHERE id = $3",
    )
    .bind(by)
    .bind(until)
    .bind(app_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One line of the requirements checklist.
pub(crate) struct CheckWrite<'a> {
    pub office_id: &'a str,
    pub app_id: &'a str,
    pub requirement_key: &'a str,
    pub ok: bool,
    pub note: String,
    pub officer_id: &'a str,
    pub at: &'a str,
}

pub(crate) async fn upsert_check(tx: &mut Tx, c: CheckWrite<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO application_checks (office_id, application_id, requirement_key, ok, note, officer_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (application_id, requirement_key) DO UPDATE SET ok = $4, note = $5, officer_id = $6, at = $7",
    )
    .bind(c.office_id)
    .bind(c.app_id)
    .bind(c.requirement_key)
    .bind(i64::from(c.ok))
    .bind(c.note)
    .bind(c.officer_id)
    .bind(c.at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A product of a step (one per step and kind; recording it again replaces it).
pub(crate) struct ProductWrite<'a> {
    pub office_id: &'a str,
    pub app_id: &'a str,
    pub step_key: &'a str,
    pub product: &'a str,
    pub data: &'a str,
    pub officer_id: &'a str,
    pub officer_name: &'a str,
    pub at: &'a str,
}

pub(crate) async fn upsert_product(tx: &mut Tx, p: ProductWrite<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO application_products (office_id, application_id, step_key, product, data, officer_id, officer_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (application_id, step_key, product) DO UPDATE SET data = $5, officer_id = $6, officer_name = $7, at = $8",
    )
    .bind(p.office_id)
    .bind(p.app_id)
    .bind(p.step_key)
    .bind(p.product)
    .bind(p.data)
    .bind(p.officer_id)
    .bind(p.officer_name)
    .bind(p.at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The file's new place after an action: status, position, step, SLA fields and the claim.
pub(crate) struct MoveWrite<'a> {
    pub status: &'a str,
    pub position: String,
    pub step_key: Option<String>,
    pub step_role: Option<String>,
    pub step_due_on: Option<String>,
    pub moved: bool,
    pub now: String,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<String>,
    /// Set when the file goes to the applicant: the SLA pauses from this date.
    pub paused_since: Option<String>,
    pub officer_id: &'a str,
    pub app_id: &'a str,
    pub lock_version: i64,
}

/// Moves the file if it is still at `lock_version`; false when it changed meanwhile.
pub(crate) async fn move_file(tx: &mut Tx, m: MoveWrite<'_>) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE applications SET status = $1, position = $2, step_key = $3, step_role = $4, step_due_on = $5, \
           step_entered_at = CASE WHEN $6 = 1 THEN $7 ELSE step_entered_at END, escalated_step = CASE WHEN $6 = 1 THEN NULL ELSE escalated_step END, \
           claimed_by = $8, claimed_until = $9, sla_paused_since = COALESCE($10, sla_paused_since), \
           returned_by = CASE WHEN $10 IS NULL THEN returned_by ELSE $11 END, \
           updated_at = $7, lock_version = lock_version + 1 WHERE id = $12 AND lock_version = $13",
    )
    .bind(m.status)
    .bind(m.position)
    .bind(m.step_key)
    .bind(m.step_role)
    .bind(m.step_due_on)
    .bind(i64::from(m.moved))
    .bind(m.now)
    .bind(m.claimed_by)
    .bind(m.claimed_until)
    .bind(m.paused_since)
    .bind(m.officer_id)
    .bind(m.app_id)
    .bind(m.lock_version)
    .execute(&mut **tx)
    .await?;
    Ok(updated.rows_affected() > 0)
}

/// A new revision round: what the officer asked and the values before.
pub(crate) struct RoundWrite<'a> {
    pub office_id: &'a str,
    pub app_id: &'a str,
    pub round: i64,
    pub step_key: &'a str,
    pub asked_at: String,
    pub asked_by: &'a str,
    pub asked_by_name: &'a str,
    pub items: String,
    pub changes: String,
}

pub(crate) async fn open_round(tx: &mut Tx, r: RoundWrite<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO revision_rounds (office_id, application_id, round, step_key, asked_at, asked_by, asked_by_name, items, changes) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(r.office_id)
    .bind(r.app_id)
    .bind(r.round)
    .bind(r.step_key)
    .bind(r.asked_at)
    .bind(r.asked_by)
    .bind(r.asked_by_name)
    .bind(r.items)
    .bind(r.changes)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE applications SET revision_round = $1 WHERE id = $2")
        .bind(r.round)
        .bind(r.app_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The revision loop, applicant side

pub(crate) async fn save_revision_data(
    pool: &AnyPool,
    app_id: &str,
    applicant_data: String,
    answers: String,
    now: String,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE applications SET applicant_data = $1, answers = $2, updated_at = $3 WHERE id = $4 AND status = 'needs_revision'")
        .bind(applicant_data)
        .bind(answers)
        .bind(now)
        .bind(app_id)
        .execute(pool)
        .await?;
    Ok(())
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct DocumentRow {
    pub filename: String,
    pub sha256: String,
    pub mime: String,
    pub size: i64,
    pub attached_at: String,
}

pub(crate) async fn attached_document(
    tx: &mut Tx,
    app_id: &str,
    key: &str,
) -> Result<Option<DocumentRow>, sqlx::Error> {
    sqlx::query_as("SELECT filename, sha256, mime, size, attached_at FROM application_documents WHERE application_id = $1 AND requirement_key = $2")
        .bind(app_id)
        .bind(key)
        .fetch_optional(&mut **tx)
        .await
}

/// Keeps the replaced version of a document with the round.
pub(crate) async fn keep_document_version(
    tx: &mut Tx,
    app_id: &str,
    key: &str,
    round: i64,
    old: DocumentRow,
    replaced_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO application_document_versions (application_id, requirement_key, round, filename, sha256, mime, size, attached_at, replaced_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(app_id)
    .bind(key)
    .bind(round)
    .bind(old.filename)
    .bind(old.sha256)
    .bind(old.mime)
    .bind(old.size)
    .bind(old.attached_at)
    .bind(replaced_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A document uploaded in a revision round, in place of the one before.
pub(crate) struct DocumentWrite<'a> {
    pub app_id: &'a str,
    pub key: &'a str,
    pub filename: String,
    pub sha256: &'a str,
    pub mime: &'a str,
    pub size: i64,
    pub attached_at: &'a str,
}

pub(crate) async fn replace_document(tx: &mut Tx, d: DocumentWrite<'_>) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM application_documents WHERE application_id = $1 AND requirement_key = $2")
        .bind(d.app_id)
        .bind(d.key)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO application_documents (application_id, requirement_key, document_id, filename, sha256, mime, size, attached_at) VALUES ($1, $2, NULL, $3, $4, $5, $6, $7)",
    )
    .bind(d.app_id)
    .bind(d.key)
    .bind(d.filename)
    .bind(d.sha256)
    .bind(d.mime)
    .bind(d.size)
    .bind(d.attached_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ResumeRow {
    pub workflow_version_id: Option<String>,
    pub position: Option<String>,
    pub sla_received_on: Option<String>,
    pub sla_paused_days: i64,
    pub sla_paused_since: Option<String>,
    pub returned_by: Option<String>,
    pub lock_version: i64,
}

pub(crate) async fn resume_row(pool: &AnyPool, app_id: &str) -> Result<ResumeRow, sqlx::Error> {
    sqlx::query_as(
        "SELECT workflow_version_id, position, sla_received_on, sla_paused_days, sla_paused_since, returned_by, lock_version FROM applications WHERE id = $1",
    )
    .bind(app_id)
    .fetch_one(pool)
    .await
}

pub(crate) async fn workflow_body(pool: &AnyPool, version_id: &str) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT body FROM workflow_versions WHERE id = $1")
        .bind(version_id)
        .fetch_one(pool)
        .await
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct OfficerContact {
    pub id: String,
}

pub(crate) async fn active_officer(pool: &AnyPool, officer_id: &str) -> Result<Option<OfficerContact>, sqlx::Error> {
    sqlx::query_as("SELECT id, email, full_name FROM officers WHERE id = $1 AND active = 1")
        .bind(officer_id)
        .fetch_optional(pool)
        .await
}

pub(crate) async fn round_changes(pool: &AnyPool, app_id: &str, round: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar::<_, Option<String>>(
        "SELECT changes FROM revision_rounds WHERE application_id = $1 AND round = $2",
    )
    .bind(app_id)
    .bind(round)
    .fetch_one(pool)
    .await
}

/// The file back from the applicant: at its step again, the clock resumed.
pub(crate) struct ResumeWrite<'a> {
    pub status: &'a str,
    pub position: String,
    pub step_key: &'a str,
    pub step_role: &'a str,
    pub now: String,
    pub step_due_on: String,
    pub paused_days: i64,
    pub due_on: String,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<String>,
    pub app_id: &'a str,
    pub lock_version: i64,
}

/// False when the file changed meanwhile.
pub(crate) async fn resume_file(tx: &mut Tx, r: ResumeWrite<'_>) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE applications SET status = $1, position = $2, step_key = $3, step_role = $4, step_entered_at = $5, step_due_on = $6, \
           sla_paused_days = $7, sla_paused_since = NULL, due_on = $8, escalated_step = NULL, claimed_by = $9, claimed_until = $10, \
           updated_at = $5, lock_version = lock_version + 1 WHERE id = $11 AND lock_version = $12 AND status = 'needs_revision'",
    )
    .bind(r.status)
    .bind(r.position)
    .bind(r.step_key)
    .bind(r.step_role)
    .bind(r.now)
    .bind(r.step_due_on)
    .bind(r.paused_days)
    .bind(r.due_on)
    .bind(r.claimed_by)
    .bind(r.claimed_until)
    .bind(r.app_id)
    .bind(r.lock_version)
    .execute(&mut **tx)
    .await?;
    Ok(updated.rows_affected() > 0)
}

pub(crate) async fn close_round(
    tx: &mut Tx,
    app_id: &str,
    round: i64,
    resubmitted_at: String,
    changes: String,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE revision_rounds SET resubmitted_at = $1, changes = $2 WHERE application_id = $3 AND round = $4",
    )
    .bind(resubmitted_at)
    .bind(changes)
    .bind(app_id)
    .bind(round)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Workflow versions

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct VersionRow {
    pub id: String,
    pub version: i64,
    pub preset_key: String,
    pub body: String,
}

pub(crate) async fn version(pool: &AnyPool, id: &str) -> Result<Option<VersionRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, version, preset_key, body FROM workflow_versions WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub(crate) async fn office_roles(pool: &AnyPool, office_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT r.role FROM officer_roles r JOIN officers o ON o.id = r.officer_id WHERE r.office_id = $1 AND o.active = 1 ORDER BY r.role",
    )
    .bind(office_id)
    .fetch_all(pool)
    .await
}

pub(crate) async fn next_version(tx: &mut Tx, office_id: &str, permit_code: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM workflow_versions WHERE office_id = $1 AND permit_code = $2",
    )
    .bind(office_id)
    .bind(permit_code)
    .fetch_one(&mut **tx)
    .await
}

pub(crate) struct VersionWrite<'a> {
    pub id: &'a str,
    pub office_id: &'a str,
    pub permit_code: &'a str,
    pub version: i64,
    pub preset_key: &'a str,
    pub body: String,
    pub published_at: &'a str,
    pub published_by: Option<&'a str>,
}

pub(crate) async fn insert_version(tx: &mut Tx, v: VersionWrite<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO workflow_versions (id, office_id, permit_code, version, preset_key, body, published_at, published_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(v.id)
    .bind(v.office_id)
    .bind(v.permit_code)
    .bind(v.version)
    .bind(v.preset_key)
    .bind(v.body)
    .bind(v.published_at)
    .bind(v.published_by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(crate) async fn set_office_workflow(
    tx: &mut Tx,
    office_id: &str,
    permit_code: &str,
    version_id: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO office_workflows (office_id, permit_code, workflow_version_id, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (office_id, permit_code) DO UPDATE SET workflow_version_id = $3, updated_at = $4",
    )
    .bind(office_id)
    .bind(permit_code)
    .bind(version_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(crate) async fn office_workflow(
    pool: &AnyPool,
    office_id: &str,
    permit_code: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT workflow_version_id FROM office_workflows WHERE office_id = $1 AND permit_code = $2")
        .bind(office_id)
        .bind(permit_code)
        .fetch_optional(pool)
        .await
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ChoiceRow {
    pub permit_code: String,
    pub body: String,
    pub version: i64,
}

pub(crate) async fn office_workflow_choices(pool: &AnyPool, office_id: &str) -> Result<Vec<ChoiceRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT w.permit_code, v.body, v.version FROM office_workflows w JOIN workflow_versions v ON v.id = w.workflow_version_id WHERE w.office_id = $1",
    )
    .bind(office_id)
    .fetch_all(pool)
    .await
}

/// A just-submitted application on its first step, with its SLA clock started.
pub(crate) struct StartWrite<'a> {
    pub version_id: &'a str,
    pub standard_id: Option<&'a str>,
    pub position: String,
    pub step_key: &'a str,
    pub step_role: &'a str,
    pub entered_at: String,
    pub step_due_on: String,
    pub received_on: String,
    pub due_on: String,
    pub app_id: &'a str,
}

pub(crate) async fn start(tx: &mut Tx, s: StartWrite<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE applications SET workflow_version_id = $1, position = $2, step_key = $3, step_role = $4, step_entered_at = $5, \
           step_due_on = $6, sla_received_on = $7, sla_paused_days = 0, sla_paused_since = NULL, due_on = $8, standard_id = $9 \
         WHERE id = $10",
    )
    .bind(s.version_id)
    .bind(s.position)
    .bind(s.step_key)
    .bind(s.step_role)
    .bind(s.entered_at)
    .bind(s.step_due_on)
    .bind(s.received_on)
    .bind(s.due_on)
    .bind(s.standard_id)
    .bind(s.app_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The clock

/// The files of an office (`$1`) past their step deadline (before `$2`) whose supervisors have
/// not been told yet; read from the partial index `applications_clock`.
pub const OVERDUE_NOT_ESCALATED: &str = "SELECT id, registration_number, step_key, step_role, step_due_on, due_on, lock_version \
     FROM applications WHERE office_id = $1 AND status IN ('submitted', 'in_process') AND step_due_on < $2 \
     AND (escalated_step IS NULL OR escalated_step <> step_key)";

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct OverdueRow {
    pub id: String,
    pub registration_number: Option<String>,
    pub step_key: Option<String>,
    pub step_role: Option<String>,
    pub step_due_on: Option<String>,
}

pub(crate) async fn overdue_not_escalated(
    pool: &AnyPool,
    office_id: &str,
    today: &str,
) -> Result<Vec<OverdueRow>, sqlx::Error> {
    sqlx::query_as(OVERDUE_NOT_ESCALATED)
        .bind(office_id)
        .bind(today)
        .fetch_all(pool)
        .await
}

/// Marks the step visit escalated; false when it was already (or the file moved on).
pub(crate) async fn mark_escalated(tx: &mut Tx, app_id: &str, step_key: &str) -> Result<bool, sqlx::Error> {
    let marked = sqlx::query("UPDATE applications SET escalated_step = step_key WHERE id = $1 AND step_key = $2 AND (escalated_step IS NULL OR escalated_step <> step_key)")
        .bind(app_id)
        .bind(step_key)
        .execute(&mut **tx)
        .await?;
    Ok(marked.rows_affected() == 1)
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PastDueRow {
    pub id: String,
    pub status: String,
    pub lock_version: i64,
}

pub(crate) async fn past_total_deadline(
    pool: &AnyPool,
    office_id: &str,
    today: &str,
) -> Result<Vec<PastDueRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, status, lock_version FROM applications WHERE office_id = $1 AND status IN ('submitted', 'in_process') AND due_on < $2")
        .bind(office_id)
        .bind(today)
        .fetch_all(pool)
        .await
}

/// Puts the file ready to sign if it is still at `lock_version`; false otherwise.
pub(crate) async fn approve_automatically(
    tx: &mut Tx,
    app_id: &str,
    position: String,
    now: String,
    lock_version: i64,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE applications SET status = 'ready_to_sign', position = $1, step_key = NULL, step_role = NULL, step_due_on = NULL, claimed_by = NULL, \
           claimed_until = NULL, updated_at = $2, lock_version = lock_version + 1 WHERE id = $3 AND lock_version = $4",
    )
    .bind(position)
    .bind(now)
    .bind(app_id)
    .bind(lock_version)
    .execute(&mut **tx)
    .await?;
    Ok(updated.rows_affected() == 1)
}

pub(crate) async fn applicant_of(tx: &mut Tx, app_id: &str) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT applicant_id FROM applications WHERE id = $1")
        .bind(app_id)
        .fetch_one(&mut **tx)
        .await
}

// ---------------------------------------------------------------------------------------------
// The supervisors' summary

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct OpenFileRow {
    pub step_key: Option<String>,
    pub step_role: Option<String>,
    pub step_due_on: Option<String>,
}

pub(crate) async fn open_files(pool: &AnyPool, office_id: &str) -> Result<Vec<OpenFileRow>, sqlx::Error> {
    sqlx::query_as("SELECT step_key, step_role, step_due_on FROM applications WHERE office_id = $1 AND status IN ('submitted', 'in_process')")
        .bind(office_id)
        .fetch_all(pool)
        .await
}

pub(crate) async fn office_workflow_bodies(pool: &AnyPool, office_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT body FROM workflow_versions WHERE office_id = $1")
        .bind(office_id)
        .fetch_all(pool)
        .await
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct HistoryStepRow {
    pub application_id: String,
    pub at: String,
    pub step: Option<String>,
    pub action: String,
}

pub(crate) async fn recent_history(
    pool: &AnyPool,
    office_id: &str,
    since: &str,
) -> Result<Vec<HistoryStepRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT application_id, seq, at, step, action FROM application_history WHERE office_id = $1 AND at > $2 ORDER BY application_id, seq",
    )
    .bind(office_id)
    .bind(since)
    .fetch_all(pool)
    .await
}
