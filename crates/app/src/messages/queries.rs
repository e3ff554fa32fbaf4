//! The SQL of Pesan Pengaduan: messages, the one-row summary of each thread, and how far each
//! reader has read.

use crate::platform::db::Tx;
use sqlx::Any;
use sqlx::Executor;

/// The application a thread belongs to, as the message rules need it.
#[derive(sqlx::FromRow)]
pub struct ThreadFile {
    pub id: String,
    pub office_id: String,
    pub applicant_id: String,
    pub registration_number: Option<String>,
    pub status: String,
    pub step_role: Option<String>,
    pub holder_name: Option<String>,
}

const FILE_COLUMNS: &str = "a.id, a.office_id, a.applicant_id, a.registration_number, a.status, a.step_role, \
     a.holder_name";

/// The applicant's own application (drafts included: the page refuses to write on them).
pub async fn owned_file(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
    applicant_id: &str,
) -> Result<Option<ThreadFile>, sqlx::Error> {
    let sql = format!("SELECT {FILE_COLUMNS} FROM applications a WHERE a.id = $1 AND a.applicant_id = $2");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(application_id)
        .bind(applicant_id)
        .fetch_optional(db)
        .await
}

/// A submitted file of the office (an officer of another office finds nothing).
pub async fn office_file(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
    office_id: &str,
) -> Result<Option<ThreadFile>, sqlx::Error> {
    let sql = format!(
        "SELECT {FILE_COLUMNS} FROM applications a WHERE a.id = $1 AND a.office_id = $2 AND a.status <> 'draft'"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(application_id)
        .bind(office_id)
        .fetch_optional(db)
        .await
}

/// One message as stored.
#[derive(sqlx::FromRow, Clone)]
pub struct MessageRow {
    pub id: i64,
    pub from_office: i64,
    pub author_id: String,
    pub author_label: String,
    pub body: String,
    pub attachment_name: Option<String>,
    pub attachment_sha256: Option<String>,
    pub attachment_mime: Option<String>,
    pub attachment_size: Option<i64>,
    pub complaint_number: Option<String>,
    pub created_at: String,
}

const MESSAGE_COLUMNS: &str = "id, from_office, author_id, author_label, body, attachment_name, attachment_sha256, \
     attachment_mime, attachment_size, complaint_number, created_at";

/// The newest `limit` messages of a thread, oldest first.
pub async fn thread(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
    limit: i64,
) -> Result<Vec<MessageRow>, sqlx::Error> {
    let sql = format!(
        "SELECT * FROM (SELECT {MESSAGE_COLUMNS} FROM messages WHERE application_id = $1 ORDER BY id DESC LIMIT $2) t \
         ORDER BY id"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(application_id)
        .bind(limit)
        .fetch_all(db)
        .await
}

/// One message of a thread.
pub async fn message(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
    message_id: i64,
) -> Result<Option<MessageRow>, sqlx::Error> {
    let sql = format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE application_id = $1 AND id = $2");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(application_id)
        .bind(message_id)
        .fetch_optional(db)
        .await
}

pub struct NewMessage<'a> {
    pub office_id: &'a str,
    pub application_id: &'a str,
    pub from_office: bool,
    pub author_id: &'a str,
    pub author_label: &'a str,
    pub body: &'a str,
    /// (name, sha256, mime, size)
    pub attachment: Option<(&'a str, &'a str, &'a str, i64)>,
    pub digest: &'a str,
    pub now: &'a str,
}

/// Writes a message; returns its id.
pub async fn insert_message(tx: &mut Tx, m: &NewMessage<'_>) -> Result<i64, sqlx::Error> {
    let (name, sha, mime, size) = match m.attachment {
        Some((n, s, t, z)) => (Some(n), Some(s), Some(t), Some(z)),
        None => (None, None, None, None),
    };
    sqlx::query_scalar(
        "INSERT INTO messages (office_id, application_id, from_office, author_id, author_label, body, \
         attachment_name, attachment_sha256, attachment_mime, attachment_size, digest, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(m.office_id)
    .bind(m.application_id)
    .bind(i64::from(m.from_office))
    .bind(m.author_id)
    .bind(m.author_label)
    .bind(m.body)
    .bind(name)
    .bind(sha)
    .bind(mime)
    .bind(size)
    .bind(m.digest)
    .bind(m.now)
    .fetch_one(&mut **tx)
    .await
}

/// Keeps the thread's summary row in step with a new message.
pub async fn touch_thread(
    tx: &mut Tx,
    file: &ThreadFile,
    message_id: i64,
    from_office: bool,
    now: &str,
) -> Result<(), sqlx::Error> {
    let (applicant_id, office_id) = if from_office { (0, message_id) } else { (message_id, 0) };
    sqlx::query(
        "INSERT INTO message_threads (application_id, office_id, applicant_id, last_id, last_applicant_id, \
         last_office_id, awaiting_office, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (application_id) DO UPDATE SET last_id = excluded.last_id, \
         last_applicant_id = CASE WHEN excluded.last_applicant_id > 0 THEN excluded.last_applicant_id \
           ELSE message_threads.last_applicant_id END, \
         last_office_id = CASE WHEN excluded.last_office_id > 0 THEN excluded.last_office_id \
           ELSE message_threads.last_office_id END, \
         awaiting_office = excluded.awaiting_office, updated_at = excluded.updated_at",
    )
    .bind(&file.id)
    .bind(&file.office_id)
    .bind(&file.applicant_id)
    .bind(message_id)
    .bind(applicant_id)
    .bind(office_id)
    .bind(i64::from(!from_office))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records that `reader_id` has read the thread up to `last_id` (never backwards).
pub async fn mark_read(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
    reader_id: &str,
    last_id: i64,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO message_reads (application_id, reader_id, last_read_id, read_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (application_id, reader_id) DO UPDATE SET \
         last_read_id = CASE WHEN excluded.last_read_id > message_reads.last_read_id THEN excluded.last_read_id \
           ELSE message_reads.last_read_id END, read_at = excluded.read_at",
    )
    .bind(application_id)
    .bind(reader_id)
    .bind(last_id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Unread messages per application for one reader, among `application_ids`: messages written
/// by the other side (`from_office` is the side whose messages count) after the reader's mark.
#[derive(sqlx::FromRow)]
pub struct UnreadCount {
    pub application_id: String,
    pub unread: i64,
}

pub async fn unread_counts(
    db: impl Executor<'_, Database = Any>,
    reader_id: &str,
    from_office: bool,
    application_ids: &[&str],
) -> Result<Vec<UnreadCount>, sqlx::Error> {
    if application_ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..application_ids.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "SELECT m.application_id, COUNT(*) AS unread FROM messages m \
         LEFT JOIN message_reads r ON r.application_id = m.application_id AND r.reader_id = $1 \
         WHERE m.from_office = $2 AND m.application_id IN ({}) AND m.id > COALESCE(r.last_read_id, 0) \
         GROUP BY m.application_id",
        placeholders.join(", ")
    );
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(reader_id)
        .bind(i64::from(from_office));
    for id in application_ids {
        q = q.bind(*id);
    }
    q.fetch_all(db).await
}

/// Threads awaiting the office's answer at the officer's desks (the roles of the file's
/// current step) that the officer has not read to the end: the count in the officer's header.
pub async fn officer_unread_threads(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    officer_id: &str,
    roles: &[&str],
) -> Result<Vec<String>, sqlx::Error> {
    if roles.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..roles.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "SELECT t.application_id FROM message_threads t \
         JOIN applications a ON a.id = t.application_id \
         LEFT JOIN message_reads r ON r.application_id = t.application_id AND r.reader_id = $2 \
         WHERE t.office_id = $1 AND t.awaiting_office = 1 AND a.step_role IN ({}) \
         AND a.status IN ('submitted', 'in_process', 'needs_revision') \
         AND t.last_applicant_id > COALESCE(r.last_read_id, 0) ORDER BY t.updated_at DESC LIMIT 500",
        placeholders.join(", ")
    );
    let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(office_id)
        .bind(officer_id);
    for r in roles {
        q = q.bind(*r);
    }
    q.fetch_all(db).await
}

/// A thread in the office's inbox (Pesan Masuk).
#[derive(sqlx::FromRow)]
pub struct InboxRow {
    pub application_id: String,
    pub registration_number: Option<String>,
    pub holder_name: Option<String>,
    pub permit_code: Option<String>,
    pub status: String,
    pub step_role: Option<String>,
    pub awaiting_office: i64,
    pub updated_at: String,
    pub last_body: String,
    pub last_from_office: i64,
    pub unread: i64,
}

/// The office's threads, those awaiting an answer first, newest first; `only_awaiting` keeps
/// those awaiting an answer.
pub async fn inbox(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    officer_id: &str,
    only_awaiting: bool,
    limit: i64,
) -> Result<Vec<InboxRow>, sqlx::Error> {
    let filter = if only_awaiting {
        " AND t.awaiting_office = 1"
    } else {
        ""
    };
    let sql = format!(
        "SELECT t.application_id, a.registration_number, a.holder_name, a.permit_code, a.status, a.step_role, \
         t.awaiting_office, t.updated_at, m.body AS last_body, m.from_office AS last_from_office, \
         (SELECT COUNT(*) FROM messages u WHERE u.application_id = t.application_id AND u.from_office = 0 \
            AND u.id > COALESCE(r.last_read_id, 0)) AS unread \
         FROM message_threads t JOIN applications a ON a.id = t.application_id \
         JOIN messages m ON m.id = t.last_id \
         LEFT JOIN message_reads r ON r.application_id = t.application_id AND r.reader_id = $2 \
         WHERE t.office_id = $1{filter} ORDER BY t.awaiting_office DESC, t.updated_at DESC LIMIT $3"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(office_id)
        .bind(officer_id)
        .bind(limit)
        .fetch_all(db)
        .await
}

/// Marks a message as turned into a complaint.
pub async fn set_complaint(
    db: impl Executor<'_, Database = Any>,
    message_id: i64,
    number: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE messages SET complaint_number = $1 WHERE id = $2 AND complaint_number IS NULL")
        .bind(number)
        .bind(message_id)
        .execute(db)
        .await?;
    Ok(())
}

/// How far a reader has read a thread.
pub async fn last_read(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
    reader_id: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT last_read_id FROM message_reads WHERE application_id = $1 AND reader_id = $2")
        .bind(application_id)
        .bind(reader_id)
        .fetch_optional(db)
        .await
}

/// What the applicant's application page needs before reading any message, in one round trip:
/// the thread's newest message (none: no thread), how far the applicant read it, and the
/// applicant's applications with unread office messages (the header's count).
#[derive(sqlx::FromRow)]
pub struct ApplicantMarks {
    pub last_id: Option<i64>,
    pub last_read: Option<i64>,
    pub unread_threads: i64,
}

pub async fn applicant_marks(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
    applicant_id: &str,
) -> Result<ApplicantMarks, sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT last_id FROM message_threads WHERE application_id = $1) AS last_id, \
         (SELECT last_read_id FROM message_reads WHERE application_id = $1 AND reader_id = $2) AS last_read, \
         (SELECT COUNT(*) FROM message_threads t LEFT JOIN message_reads r \
            ON r.application_id = t.application_id AND r.reader_id = $2 \
          WHERE t.applicant_id = $2 AND t.last_office_id > COALESCE(r.last_read_id, 0)) AS unread_threads",
    )
    .bind(application_id)
    .bind(applicant_id)
    .fetch_one(db)
    .await
}

/// The applicant's applications with unread office messages, and how many each.
pub async fn applicant_unread(
    db: impl Executor<'_, Database = Any>,
    applicant_id: &str,
) -> Result<Vec<UnreadCount>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.application_id, COUNT(*) AS unread FROM message_threads t \
         LEFT JOIN message_reads r ON r.application_id = t.application_id AND r.reader_id = $1 \
         JOIN messages m ON m.application_id = t.application_id AND m.from_office = 1 \
           AND m.id > COALESCE(r.last_read_id, 0) \
         WHERE t.applicant_id = $1 AND t.last_office_id > COALESCE(r.last_read_id, 0) \
         GROUP BY t.application_id",
    )
    .bind(applicant_id)
    .fetch_all(db)
    .await
}
