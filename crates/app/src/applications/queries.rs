//! The SQL of applications: drafts and their columns, attachments, submission, the hash-chained
//! history, Permohonan Saya (a measured fast path, docs/benchmarks.md) and public tracking.

use crate::applications::history::NewHistory;
use crate::platform::db::Backend;
use sqlx::Any;
use sqlx::Executor;
use sqlx::any::AnyQueryResult;

/// The columns of an application, in the order `AppRow` reads them.
pub const APP_COLUMNS: &str = "id, office_id, applicant_id, permit_code, catalog_version, status, registration_number, \
     applicant_data, answers, step1_done, step2_done, created_at, updated_at, submitted_at, lock_version, revision_round, renewal_of, change_of, change_reason, standard_id, cancels_permit";

/// An application row (`APP_COLUMNS`); flags are stored as integers, data and answers as JSON.
#[derive(sqlx::FromRow)]
pub struct AppRow {
    pub id: String,
    pub office_id: String,
    pub applicant_id: String,
    pub permit_code: String,
    pub catalog_version: i64,
    pub status: String,
    pub registration_number: Option<String>,
    pub applicant_data: String,
    pub answers: String,
    pub step1_done: i64,
    pub step2_done: i64,
    pub created_at: String,
    pub updated_at: String,
    pub submitted_at: Option<String>,
    pub lock_version: i64,
    pub revision_round: i64,
    pub renewal_of: Option<String>,
    pub change_of: Option<String>,
    pub change_reason: Option<String>,
    pub standard_id: Option<String>,
    pub cancels_permit: Option<String>,
}

pub async fn owned_application(
    db: impl Executor<'_, Database = Any>,
    id: &str,
    applicant_id: &str,
) -> Result<Option<AppRow>, sqlx::Error> {
    let sql = format!("SELECT {APP_COLUMNS} FROM applications WHERE id = $1 AND applicant_id = $2");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(applicant_id)
        .fetch_optional(db)
        .await
}

/// An application's attachments and public history, each a JSON array of rows (NULL when empty).
#[derive(sqlx::FromRow)]
pub struct ViewListsRow {
    pub attachments: Option<String>,
    pub history: Option<String>,
}

/// Both lists of `view` in one row (`Backend::json_rows`), each JSON row in the field order of
/// `Attachment` and `HistoryEntry`.
pub async fn view_lists(
    db: impl Executor<'_, Database = Any>,
    backend: Backend,
    application_id: &str,
) -> Result<ViewListsRow, sqlx::Error> {
    let (agg, array) = backend.json_rows();
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT (SELECT CAST({agg}({array}(requirement_key, document_id, filename, mime, size, sha256, attached_at) \
                  ORDER BY requirement_key) AS TEXT) FROM application_documents WHERE application_id = $1) AS attachments, \
                (SELECT CAST({agg}({array}(seq, at, actor_name, actor_role, action, to_status, public_note) ORDER BY seq) AS TEXT) \
                  FROM application_history WHERE application_id = $1) AS history"
    )))
    .bind(application_id)
    .fetch_one(db)
    .await
}

const LIST_FROM: &str = "FROM applications a JOIN offices o ON o.id = a.office_id WHERE a.applicant_id = $1 \
                    ORDER BY a.created_at DESC, a.id DESC LIMIT 500";

/// Permohonan Saya on SQLite: one JSON array of rows in the field order of `ListRowJson`.
pub async fn applicant_list_json(
    db: impl Executor<'_, Database = Any>,
    backend: Backend,
    applicant_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    const FROM: &str = LIST_FROM;
    let (agg, array) = backend.json_rows();
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT CAST({agg}({array}(x.id, x.permit_code, x.catalog_version, x.status, x.registration_number, \
             x.facility_name, x.created_at, x.submitted_at, x.office_name) ORDER BY x.created_at DESC, x.id DESC) AS TEXT) \
         FROM (SELECT a.id, a.permit_code, a.catalog_version, a.status, a.registration_number, json_extract(a.applicant_data, '$.facility_name') AS facility_name, \
                 a.created_at, a.submitted_at, o.name AS office_name {FROM}) AS x"
    )))
    .bind(applicant_id)
    .fetch_one(db)
    .await
}

/// A row of Permohonan Saya on PostgreSQL (the facility is read from the data in Rust).
#[derive(sqlx::FromRow)]
pub struct ListRow {
    pub id: String,
    pub permit_code: String,
    pub catalog_version: i64,
    pub status: String,
    pub registration_number: Option<String>,
    pub applicant_data: String,
    pub created_at: String,
    pub submitted_at: Option<String>,
    pub office_name: String,
}

/// Permohonan Saya on PostgreSQL: row by row.
pub async fn applicant_list_rows(
    db: impl Executor<'_, Database = Any>,
    applicant_id: &str,
) -> Result<Vec<ListRow>, sqlx::Error> {
    const FROM: &str = LIST_FROM;
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT a.id, a.permit_code, a.catalog_version, a.status, a.registration_number, a.applicant_data, \
                a.created_at, a.submitted_at, o.name AS office_name {FROM}"
    )))
    .bind(applicant_id)
    .fetch_all(db)
    .await
}

#[derive(sqlx::FromRow)]
pub struct LastHistoryRow {
    pub seq: i64,
    pub hash: String,
}

pub async fn last_history(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
) -> Result<Option<LastHistoryRow>, sqlx::Error> {
    sqlx::query_as("SELECT seq, hash FROM application_history WHERE application_id = $1 ORDER BY seq DESC LIMIT 1")
        .bind(application_id)
        .fetch_optional(db)
        .await
}

/// The chained fields of one new history entry.
pub struct HistoryLink<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub prev_hash: &'a str,
    pub hash: &'a str,
}

pub async fn insert_history(
    db: impl Executor<'_, Database = Any>,
    h: &NewHistory<'_>,
    link: &HistoryLink<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO application_history (office_id, application_id, seq, at, actor_kind, actor_id, actor_name, actor_role, action, \
           from_status, to_status, step, public_note, internal_note, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(h.office_id)
    .bind(h.application_id)
    .bind(link.seq)
    .bind(link.at)
    .bind(h.actor_kind)
    .bind(h.actor_id)
    .bind(h.actor_name)
    .bind(h.actor_role)
    .bind(h.action)
    .bind(h.from_status)
    .bind(h.to_status)
    .bind(h.step)
    .bind(h.public_note)
    .bind(h.internal_note)
    .bind(link.prev_hash)
    .bind(link.hash)
    .execute(db)
    .await?;
    Ok(())
}

/// A history entry as `izinkes audit verify` rechecks it.
#[derive(sqlx::FromRow)]
pub struct HistoryRow {
    pub application_id: String,
    pub office_id: String,
    pub seq: i64,
    pub at: String,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub actor_role: Option<String>,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub step: Option<String>,
    pub public_note: Option<String>,
    pub internal_note: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

pub async fn all_history(db: impl Executor<'_, Database = Any>) -> Result<Vec<HistoryRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, application_id, office_id, seq, at, actor_kind, actor_id, actor_name, actor_role, action, from_status, to_status, step, \
           public_note, internal_note, prev_hash, hash FROM application_history ORDER BY application_id, id",
    )
    .fetch_all(db)
    .await
}

pub struct NewDraft<'a> {
    pub id: &'a str,
    pub office_id: &'a str,
    pub applicant_id: &'a str,
    pub permit_code: &'a str,
    pub profession: &'a str,
    pub catalog_version: i64,
    pub applicant_data: &'a str,
    pub answers: &'a str,
    pub holder_name: &'a str,
    pub now: &'a str,
}

pub async fn insert_draft(db: impl Executor<'_, Database = Any>, d: &NewDraft<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO applications (id, office_id, applicant_id, permit_code, profession, catalog_version, status, applicant_data, answers, \
           step1_done, step2_done, holder_name, created_at, updated_at, lock_version) \
         VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, 0, 0, $9, $10, $10, 0)",
    )
    .bind(d.id)
    .bind(d.office_id)
    .bind(d.applicant_id)
    .bind(d.permit_code)
    .bind(d.profession)
    .bind(d.catalog_version)
    .bind(d.applicant_data)
    .bind(d.answers)
    .bind(d.holder_name)
    .bind(d.now)
    .execute(db)
    .await?;
    Ok(())
}

/// What a copied draft takes over from the application it copies.
pub struct CopiedDraft<'a> {
    pub applicant_data: &'a str,
    pub answers: &'a str,
    pub renewal_of: Option<&'a str>,
    pub change_of: Option<&'a str>,
    pub change_reason: Option<&'a str>,
    pub cancels_permit: Option<&'a str>,
    /// Whether the copied form answers stand (Tahap 2 done); a cancellation asks its own.
    pub step2_done: bool,
}

pub async fn fill_copied_draft(
    db: impl Executor<'_, Database = Any>,
    c: &CopiedDraft<'_>,
    id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE applications SET applicant_data = $1, answers = $2, step1_done = 1, step2_done = $3, renewal_of = $4, \
           change_of = $5, change_reason = $6, cancels_permit = $7 WHERE id = $8",
    )
    .bind(c.applicant_data)
    .bind(c.answers)
    .bind(i64::from(c.step2_done))
    .bind(c.renewal_of)
    .bind(c.change_of)
    .bind(c.change_reason)
    .bind(c.cancels_permit)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn copy_attachments(
    db: impl Executor<'_, Database = Any>,
    to_id: &str,
    now: &str,
    from_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO application_documents (application_id, requirement_key, document_id, filename, sha256, mime, size, attached_at) \
         SELECT $1, requirement_key, document_id, filename, sha256, mime, size, $2 FROM application_documents WHERE application_id = $3",
    )
    .bind(to_id)
    .bind(now)
    .bind(from_id)
    .execute(db)
    .await?;
    Ok(())
}

/// The columns a draft step saves.
pub struct DraftColumns<'a> {
    pub applicant_data: &'a str,
    pub answers: &'a str,
    pub step1_done: bool,
    pub step2_done: bool,
    pub holder_name: &'a str,
    pub now: &'a str,
}

/// Saves a draft's columns; no row changes once it was submitted.
pub async fn save_draft_columns(
    db: impl Executor<'_, Database = Any>,
    c: &DraftColumns<'_>,
    id: &str,
) -> Result<AnyQueryResult, sqlx::Error> {
    sqlx::query(
        "UPDATE applications SET applicant_data = $1, answers = $2, step1_done = $3, step2_done = $4, holder_name = $5, \
           updated_at = $6, lock_version = lock_version + 1 WHERE id = $7 AND status = 'draft'",
    )
    .bind(c.applicant_data)
    .bind(c.answers)
    .bind(i64::from(c.step1_done))
    .bind(i64::from(c.step2_done))
    .bind(c.holder_name)
    .bind(c.now)
    .bind(id)
    .execute(db)
    .await
}

pub async fn delete_all_attachments(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM application_documents WHERE application_id = $1")
        .bind(application_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn delete_draft(db: impl Executor<'_, Database = Any>, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM applications WHERE id = $1 AND status = 'draft'")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn status(db: impl Executor<'_, Database = Any>, id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT status FROM applications WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A file as stored: in Manajer Berkas (`documents`) or attached (`application_documents`).
pub struct StoredFile<'a> {
    pub filename: &'a str,
    pub sha256: &'a str,
    pub mime: &'a str,
    pub size: i64,
}

pub async fn insert_library_document(
    db: impl Executor<'_, Database = Any>,
    id: &str,
    applicant_id: &str,
    title: &str,
    f: &StoredFile<'_>,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO documents (id, applicant_id, title, filename, sha256, mime, size, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(id)
    .bind(applicant_id)
    .bind(title)
    .bind(f.filename)
    .bind(f.sha256)
    .bind(f.mime)
    .bind(f.size)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn delete_attachment(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
    requirement_key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM application_documents WHERE application_id = $1 AND requirement_key = $2")
        .bind(application_id)
        .bind(requirement_key)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn insert_attachment(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
    requirement_key: &str,
    document_id: Option<&str>,
    f: &StoredFile<'_>,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO application_documents (application_id, requirement_key, document_id, filename, sha256, mime, size, attached_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(application_id)
    .bind(requirement_key)
    .bind(document_id)
    .bind(f.filename)
    .bind(f.sha256)
    .bind(f.mime)
    .bind(f.size)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn touch(db: impl Executor<'_, Database = Any>, now: &str, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE applications SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Removes a draft's attachment (nothing once the application was submitted).
pub async fn delete_draft_attachment(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
    requirement_key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM application_documents WHERE application_id = $1 AND requirement_key = $2 \
         AND EXISTS (SELECT 1 FROM applications WHERE id = $1 AND status = 'draft')",
    )
    .bind(application_id)
    .bind(requirement_key)
    .execute(db)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct AttachmentFileRow {
    pub office_id: String,
    pub applicant_id: String,
    pub filename: String,
    pub mime: String,
    pub sha256: String,
}

pub async fn attachment_file(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
    requirement_key: &str,
) -> Result<Option<AttachmentFileRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.office_id, a.applicant_id, ad.filename, ad.mime, ad.sha256 FROM application_documents ad \
         JOIN applications a ON a.id = ad.application_id WHERE ad.application_id = $1 AND ad.requirement_key = $2",
    )
    .bind(application_id)
    .bind(requirement_key)
    .fetch_optional(db)
    .await
}

/// Logs an officer's view of an attached document.
pub async fn log_document_view(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    now: &str,
    officer_id: &str,
    object_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO access_log (office_id, at, actor_kind, actor_id, object_kind, object_id, action) VALUES ($1, $2, 'officer', $3, 'application_document', $4, 'view')",
    )
    .bind(office_id)
    .bind(now)
    .bind(officer_id)
    .bind(object_id)
    .execute(db)
    .await?;
    Ok(())
}

/// Locks the applicant's row (PostgreSQL) so two parallel submits cannot both pass the cap.
pub async fn lock_applicant(db: impl Executor<'_, Database = Any>, applicant_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT id FROM applicants WHERE id = $1 FOR UPDATE")
        .bind(applicant_id)
        .fetch_one(db)
        .await?;
    Ok(())
}

/// An application of the same profession that counts against the cap.
/// A permit of one person and profession, as the practice-place cap reads it.
#[derive(sqlx::FromRow)]
pub struct CapPermitRow {
    pub id: String,
    pub number: String,
    pub practice_place: String,
    pub status: String,
    pub valid_until: Option<String>,
}

/// A filed, undecided application of one person and profession, as the cap reads it.
#[derive(sqlx::FromRow)]
pub struct CapOpenRow {
    pub registration_number: Option<String>,
    pub applicant_data: String,
    pub renewal_of: Option<String>,
    pub change_of: Option<String>,
}

pub async fn permits_of_profession(
    db: impl Executor<'_, Database = Any>,
    applicant_id: &str,
    profession: &str,
) -> Result<Vec<CapPermitRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, number, practice_place, status, valid_until FROM permits \
         WHERE applicant_id = $1 AND profession = $2 AND cancels_permit IS NULL ORDER BY created_at",
    )
    .bind(applicant_id)
    .bind(profession)
    .fetch_all(db)
    .await
}

pub async fn open_of_profession(
    db: impl Executor<'_, Database = Any>,
    applicant_id: &str,
    profession: &str,
    except_id: &str,
) -> Result<Vec<CapOpenRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT registration_number, applicant_data, renewal_of, change_of FROM applications \
         WHERE applicant_id = $1 AND profession = $2 AND id <> $3 AND cancels_permit IS NULL \
         AND status IN ('submitted', 'in_process', 'needs_revision', 'ready_to_sign') ORDER BY submitted_at",
    )
    .bind(applicant_id)
    .bind(profession)
    .bind(except_id)
    .fetch_all(db)
    .await
}

/// Withdraws a filed application still before the signature; no row changes otherwise.
pub async fn mark_withdrawn(
    db: impl Executor<'_, Database = Any>,
    now: &str,
    id: &str,
) -> Result<AnyQueryResult, sqlx::Error> {
    sqlx::query(
        "UPDATE applications SET status = 'withdrawn', claimed_by = NULL, claimed_until = NULL, updated_at = $1, \
           lock_version = lock_version + 1 WHERE id = $2 AND status IN ('submitted', 'in_process', 'needs_revision')",
    )
    .bind(now)
    .bind(id)
    .execute(db)
    .await
}

/// Marks a draft submitted with its number; no row changes when another request did first.
pub async fn mark_submitted(
    db: impl Executor<'_, Database = Any>,
    number: &str,
    now: &str,
    id: &str,
) -> Result<AnyQueryResult, sqlx::Error> {
    sqlx::query(
        "UPDATE applications SET status = 'submitted', registration_number = $1, submitted_at = $2, updated_at = $2, \
           lock_version = lock_version + 1 WHERE id = $3 AND status = 'draft'",
    )
    .bind(number)
    .bind(now)
    .bind(id)
    .execute(db)
    .await
}

pub async fn recent_failures(
    db: impl Executor<'_, Database = Any>,
    key: &str,
    since: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at > $2")
        .bind(key)
        .bind(since)
        .fetch_one(db)
        .await
}

pub async fn record_failure(db: impl Executor<'_, Database = Any>, key: &str, now: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
        .bind(key)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct TrackRow {
    pub permit_code: String,
    pub catalog_version: i64,
    pub status: String,
    pub submitted_at: Option<String>,
    pub updated_at: String,
    pub identity_number: String,
    pub office_name: String,
    /// The status of the application's permit, once one exists.
    pub permit_status: Option<String>,
    pub workflow_version_id: Option<String>,
    pub step_key: Option<String>,
    pub step_due_on: Option<String>,
    pub due_on: Option<String>,
}

pub async fn tracked(
    db: impl Executor<'_, Database = Any>,
    registration_number: &str,
) -> Result<Option<TrackRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.permit_code, a.catalog_version, a.status, a.submitted_at, a.updated_at, p.identity_number, o.name AS office_name, \
           (SELECT pm.status FROM permits pm WHERE pm.application_id = a.id) AS permit_status, \
           a.workflow_version_id, a.step_key, a.step_due_on, a.due_on \
         FROM applications a JOIN applicants p ON p.id = a.applicant_id JOIN offices o ON o.id = a.office_id \
         WHERE a.registration_number = $1",
    )
    .bind(registration_number)
    .fetch_optional(db)
    .await
}

/// The office of an application.
pub async fn office_of(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT office_id FROM applications WHERE id = $1")
        .bind(application_id)
        .fetch_optional(db)
        .await
}

/// The applicant of an application: (applicant id, full name).
pub async fn applicant_of(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.applicant_id, p.full_name FROM applications a JOIN applicants p ON p.id = a.applicant_id WHERE a.id = $1",
    )
    .bind(application_id)
    .fetch_optional(db)
    .await
}
