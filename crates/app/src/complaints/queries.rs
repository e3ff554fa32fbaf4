//! The SQL of complaints: the complaint, its events and evidence, the office's complaint
//! settings, the desk list, the clock's overdue list, the report's rows and the throttle counts.

use crate::platform::db::Tx;
use sqlx::Any;
use sqlx::Executor;

/// Every column of a complaint.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ComplaintRow {
    pub id: String,
    pub office_id: String,
    pub number: String,
    pub channel: String,
    pub status: String,
    pub subject: String,
    pub body: String,
    pub complainant_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub applicant_id: Option<String>,
    pub application_id: Option<String>,
    pub recorded_by: Option<String>,
    pub category: Option<String>,
    pub severity: Option<String>,
    pub due_at: Option<String>,
    pub assigned_to: Option<String>,
    pub lapor_reference: Option<String>,
    pub answer: Option<String>,
    pub answered_at: Option<String>,
    pub first_answered_at: Option<String>,
    pub answered_in_time: Option<i64>,
    pub closed_at: Option<String>,
    pub escalated_at: Option<String>,
    pub received_at: String,
    pub updated_at: String,
    pub lock_version: i64,
}

const COLUMNS: &str = "id, office_id, number, channel, status, subject, body, complainant_name, contact_email, \
     contact_phone, applicant_id, application_id, recorded_by, category, severity, due_at, assigned_to, \
     lapor_reference, answer, answered_at, first_answered_at, answered_in_time, closed_at, escalated_at, \
     received_at, updated_at, lock_version";

/// Statuses still waiting for the office's answer (`Status::is_open`), as SQL.
const OPEN: &str = "status NOT IN ('answered', 'closed')";

pub async fn insert_complaint(tx: &mut Tx, c: &ComplaintRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO complaints (id, office_id, number, channel, status, subject, body, complainant_name, \
         contact_email, contact_phone, applicant_id, application_id, recorded_by, received_at, updated_at, due_at, \
         lock_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 0)",
    )
    .bind(&c.id)
    .bind(&c.office_id)
    .bind(&c.number)
    .bind(&c.channel)
    .bind(&c.status)
    .bind(&c.subject)
    .bind(&c.body)
    .bind(&c.complainant_name)
    .bind(&c.contact_email)
    .bind(&c.contact_phone)
    .bind(&c.applicant_id)
    .bind(&c.application_id)
    .bind(&c.recorded_by)
    .bind(&c.received_at)
    .bind(&c.updated_at)
    .bind(&c.due_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes the complaint's changing columns if nobody changed it since `c.lock_version` was read;
/// false when someone did.
pub async fn save(tx: &mut Tx, c: &ComplaintRow) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE complaints SET status = $1, category = $2, severity = $3, due_at = $4, assigned_to = $5, \
         lapor_reference = $6, answer = $7, answered_at = $8, first_answered_at = $9, answered_in_time = $10, \
         closed_at = $11, escalated_at = $12, updated_at = $13, lock_version = lock_version + 1 \
         WHERE id = $14 AND lock_version = $15",
    )
    .bind(&c.status)
    .bind(&c.category)
    .bind(&c.severity)
    .bind(&c.due_at)
    .bind(&c.assigned_to)
    .bind(&c.lapor_reference)
    .bind(&c.answer)
    .bind(&c.answered_at)
    .bind(&c.first_answered_at)
    .bind(c.answered_in_time)
    .bind(&c.closed_at)
    .bind(&c.escalated_at)
    .bind(&c.updated_at)
    .bind(&c.id)
    .bind(c.lock_version)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A complaint of this office (another office's is `None`).
pub async fn in_office(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    id: &str,
) -> Result<Option<ComplaintRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM complaints WHERE office_id = $1 AND id = $2"
    )))
    .bind(office_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn by_number(
    db: impl Executor<'_, Database = Any>,
    number: &str,
) -> Result<Option<ComplaintRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM complaints WHERE number = $1"
    )))
    .bind(number)
    .fetch_optional(db)
    .await
}

/// What the desk list filters by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFilter<'a> {
    /// Not yet answered.
    Open,
    /// Not yet answered and past the deadline.
    Overdue,
    /// One status (its code).
    Status(&'a str),
    All,
}

/// The office's complaints for the desk: overdue first, then open by deadline (unclassified
/// ones, without a deadline, after those with one), then the answered and closed, newest first.
pub async fn list(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    filter: ListFilter<'_>,
    now: &str,
    limit: i64,
) -> Result<Vec<ComplaintRow>, sqlx::Error> {
    let (condition, status) = match filter {
        ListFilter::Open => (format!(" AND {OPEN}"), None),
        ListFilter::Overdue => (format!(" AND {OPEN} AND due_at IS NOT NULL AND due_at < $2"), None),
        ListFilter::Status(s) => (" AND status = $4".to_string(), Some(s)),
        ListFilter::All => (String::new(), None),
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM complaints WHERE office_id = $1{condition} ORDER BY \
         CASE WHEN {OPEN} AND due_at IS NOT NULL AND due_at < $2 THEN 0 WHEN {OPEN} THEN 1 ELSE 2 END, \
         CASE WHEN {OPEN} THEN COALESCE(due_at, '9999') ELSE '' END, received_at DESC LIMIT $3"
    );
    let q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(office_id)
        .bind(now)
        .bind(limit);
    let q = match status {
        Some(s) => q.bind(s),
        None => q,
    };
    q.fetch_all(db).await
}

/// Open complaints past their deadline that have not been escalated yet.
pub async fn overdue_not_escalated(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    now: &str,
) -> Result<Vec<ComplaintRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM complaints WHERE office_id = $1 AND {OPEN} AND due_at IS NOT NULL \
         AND due_at < $2 AND escalated_at IS NULL ORDER BY due_at"
    )))
    .bind(office_id)
    .bind(now)
    .fetch_all(db)
    .await
}

/// Marks the complaint escalated; false when it already was.
pub async fn mark_escalated(tx: &mut Tx, id: &str, now: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE complaints SET escalated_at = $1, lock_version = lock_version + 1 WHERE id = $2 AND escalated_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub struct NewEvent<'a> {
    pub office_id: &'a str,
    pub complaint_id: &'a str,
    pub at: &'a str,
    pub actor_kind: &'a str,
    pub actor_id: Option<&'a str>,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub from_status: Option<&'a str>,
    pub to_status: &'a str,
    pub note: &'a str,
    /// Shown to the complainant on the tracking page.
    pub public: bool,
}

/// Appends a step; returns its id.
pub async fn insert_event(tx: &mut Tx, e: &NewEvent<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO complaint_events (office_id, complaint_id, at, actor_kind, actor_id, actor_name, action, \
         from_status, to_status, note, public) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(e.office_id)
    .bind(e.complaint_id)
    .bind(e.at)
    .bind(e.actor_kind)
    .bind(e.actor_id)
    .bind(e.actor_name)
    .bind(e.action)
    .bind(e.from_status)
    .bind(e.to_status)
    .bind(e.note)
    .bind(i64::from(e.public))
    .fetch_one(&mut **tx)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub at: String,
    pub actor_kind: String,
    pub actor_name: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: String,
    pub public: i64,
}

pub async fn events_of(
    db: impl Executor<'_, Database = Any>,
    complaint_id: &str,
) -> Result<Vec<EventRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, at, actor_kind, actor_name, action, from_status, to_status, note, public \
         FROM complaint_events WHERE complaint_id = $1 ORDER BY id",
    )
    .bind(complaint_id)
    .fetch_all(db)
    .await
}

pub struct NewAttachment<'a> {
    pub id: &'a str,
    pub office_id: &'a str,
    pub complaint_id: &'a str,
    pub event_id: i64,
    pub filename: &'a str,
    pub sha256: &'a str,
    pub mime: &'a str,
    pub size: i64,
    pub uploaded_by: &'a str,
    pub now: &'a str,
}

pub async fn insert_attachment(tx: &mut Tx, a: &NewAttachment<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO complaint_attachments (id, office_id, complaint_id, event_id, filename, sha256, mime, size, \
         uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(a.id)
    .bind(a.office_id)
    .bind(a.complaint_id)
    .bind(a.event_id)
    .bind(a.filename)
    .bind(a.sha256)
    .bind(a.mime)
    .bind(a.size)
    .bind(a.uploaded_by)
    .bind(a.now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AttachmentRow {
    pub id: String,
    pub event_id: i64,
    pub filename: String,
    pub sha256: String,
    pub mime: String,
    pub size: i64,
    pub created_at: String,
}

pub async fn attachments_of(
    db: impl Executor<'_, Database = Any>,
    complaint_id: &str,
) -> Result<Vec<AttachmentRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, event_id, filename, sha256, mime, size, created_at FROM complaint_attachments \
         WHERE complaint_id = $1 ORDER BY created_at, id",
    )
    .bind(complaint_id)
    .fetch_all(db)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OfficerOption {
    pub id: String,
    pub full_name: String,
}

/// The office's active officers, by name (whom a complaint can be assigned to).
pub async fn officers_of(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
) -> Result<Vec<OfficerOption>, sqlx::Error> {
    sqlx::query_as("SELECT id, full_name FROM officers WHERE office_id = $1 AND active = 1 ORDER BY full_name, id")
        .bind(office_id)
        .fetch_all(db)
        .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApplicantContact {
    pub full_name: String,
    pub email: String,
    pub phone: String,
}

pub async fn applicant_contact(
    db: impl Executor<'_, Database = Any>,
    applicant_id: &str,
) -> Result<Option<ApplicantContact>, sqlx::Error> {
    sqlx::query_as("SELECT full_name, email, phone FROM applicants WHERE id = $1")
        .bind(applicant_id)
        .fetch_optional(db)
        .await
}

/// Whether the application belongs to the office (and, when given, to the applicant).
pub async fn application_in_office(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    application_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT applicant_id FROM applications WHERE office_id = $1 AND id = $2")
        .bind(office_id)
        .bind(application_id)
        .fetch_optional(db)
        .await
}

/// What the report counts of one complaint.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReportRow {
    pub channel: String,
    pub category: Option<String>,
    pub severity: Option<String>,
    pub status: String,
    pub received_at: String,
    pub first_answered_at: Option<String>,
    pub answered_in_time: Option<i64>,
}

/// The office's complaints received in `[from, to)` (UTC timestamps).
pub async fn received_between(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    from: &str,
    to: &str,
) -> Result<Vec<ReportRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT channel, category, severity, status, received_at, first_answered_at, answered_in_time \
         FROM complaints WHERE office_id = $1 AND received_at >= $2 AND received_at < $3",
    )
    .bind(office_id)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SettingsRow {
    pub address: String,
    pub phone: String,
    pub fax: String,
    pub email: String,
    pub website: String,
    pub lapor_url: String,
    pub box_note: String,
    pub forwards_to_lapor: i64,
    pub ringan_hours: i64,
    pub sedang_days: i64,
    pub berat_days: i64,
}

pub async fn settings(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
) -> Result<Option<SettingsRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT address, phone, fax, email, website, lapor_url, box_note, forwards_to_lapor, ringan_hours, \
         sedang_days, berat_days FROM complaint_settings WHERE office_id = $1",
    )
    .bind(office_id)
    .fetch_optional(db)
    .await
}

pub async fn save_settings(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    s: &SettingsRow,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO complaint_settings (office_id, address, phone, fax, email, website, lapor_url, box_note, \
         forwards_to_lapor, ringan_hours, sedang_days, berat_days, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (office_id) DO UPDATE SET address = $2, phone = $3, fax = $4, email = $5, website = $6, \
         lapor_url = $7, box_note = $8, forwards_to_lapor = $9, ringan_hours = $10, sedang_days = $11, \
         berat_days = $12, updated_at = $13",
    )
    .bind(office_id)
    .bind(&s.address)
    .bind(&s.phone)
    .bind(&s.fax)
    .bind(&s.email)
    .bind(&s.website)
    .bind(&s.lapor_url)
    .bind(&s.box_note)
    .bind(s.forwards_to_lapor)
    .bind(s.ringan_hours)
    .bind(s.sedang_days)
    .bind(s.berat_days)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Rows of `key` in the throttle table (`login_failures`) since `since`.
pub async fn recent_attempts(
    db: impl Executor<'_, Database = Any>,
    key: &str,
    since: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2")
        .bind(key)
        .bind(since)
        .fetch_one(db)
        .await
}

pub async fn record_attempt(db: impl Executor<'_, Database = Any>, key: &str, now: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
        .bind(key)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}
