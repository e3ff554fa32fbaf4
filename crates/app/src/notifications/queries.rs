//! The SQL of notifications: channel choices, phone verification, per-office WhatsApp
//! templates, and the outbox as officers see it.

use crate::platform::db::Tx;
use sqlx::AnyPool;

pub const APPLICANT: &str = "applicant";
pub const OFFICER: &str = "officer";

#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct PrefsRow {
    pub email: i64,
    pub whatsapp: i64,
    pub sms: i64,
    pub phone: Option<String>,
    pub phone_verified_at: Option<String>,
    pub immediate: i64,
}

pub async fn prefs(
    db: impl sqlx::Executor<'_, Database = sqlx::Any>,
    kind: &str,
    id: &str,
) -> Result<Option<PrefsRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT email, whatsapp, sms, phone, phone_verified_at, immediate FROM notification_prefs \
         WHERE person_kind = $1 AND person_id = $2",
    )
    .bind(kind)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Saves the channels chosen (e-mail, WhatsApp, SMS as 0/1) and the digest choice.
pub async fn save_channels(
    pool: &AnyPool,
    kind: &str,
    id: &str,
    (email, whatsapp, sms): (i64, i64, i64),
    immediate: i64,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notification_prefs (person_kind, person_id, email, whatsapp, sms, immediate, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (person_kind, person_id) DO UPDATE SET email = $3, whatsapp = $4, sms = $5, immediate = $6, updated_at = $7",
    )
    .bind(kind)
    .bind(id)
    .bind(email)
    .bind(whatsapp)
    .bind(sms)
    .bind(immediate)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// Records a phone number as proven by a code.
pub async fn set_verified_phone(tx: &mut Tx, kind: &str, id: &str, phone: &str, now: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notification_prefs (person_kind, person_id, email, whatsapp, sms, phone, phone_verified_at, immediate, updated_at) \
         VALUES ($1, $2, 1, 0, 0, $3, $4, 0, $4) \
         ON CONFLICT (person_kind, person_id) DO UPDATE SET phone = $3, phone_verified_at = $4, updated_at = $4",
    )
    .bind(kind)
    .bind(id)
    .bind(phone)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApplicantContact {
    pub email: String,
    pub full_name: String,
    pub phone: String,
}

pub async fn applicant_contact(tx: &mut Tx, id: &str) -> Result<Option<ApplicantContact>, sqlx::Error> {
    sqlx::query_as("SELECT email, full_name, phone FROM applicants WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

pub async fn applicant_phone(pool: &AnyPool, id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT phone FROM applicants WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct VerificationRow {
    pub id: i64,
    pub phone: String,
    pub channel: String,
    pub code_salt: String,
    pub code_hash: String,
    pub attempts: i64,
    pub created_at: String,
    pub expires_at: String,
}

pub struct NewVerification<'a> {
    pub kind: &'a str,
    pub person_id: &'a str,
    pub phone: &'a str,
    pub channel: &'a str,
    pub salt: &'a str,
    pub hash: &'a str,
    pub now: &'a str,
    pub expires_at: &'a str,
}

pub async fn insert_verification(tx: &mut Tx, v: &NewVerification<'_>) -> Result<(), sqlx::Error> {
    // A new code replaces any older one still open.
    sqlx::query(
        "UPDATE phone_verifications SET used_at = $1 WHERE person_kind = $2 AND person_id = $3 AND used_at IS NULL",
    )
    .bind(v.now)
    .bind(v.kind)
    .bind(v.person_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO phone_verifications (person_kind, person_id, phone, channel, code_salt, code_hash, attempts, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8)",
    )
    .bind(v.kind)
    .bind(v.person_id)
    .bind(v.phone)
    .bind(v.channel)
    .bind(v.salt)
    .bind(v.hash)
    .bind(v.now)
    .bind(v.expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The open (unused) code of a person, if any.
pub async fn open_verification(pool: &AnyPool, kind: &str, id: &str) -> Result<Option<VerificationRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, phone, channel, code_salt, code_hash, attempts, created_at, expires_at FROM phone_verifications \
         WHERE person_kind = $1 AND person_id = $2 AND used_at IS NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(kind)
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// How many codes a person asked for since `since`.
pub async fn verifications_since(pool: &AnyPool, kind: &str, id: &str, since: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM phone_verifications WHERE person_kind = $1 AND person_id = $2 AND created_at >= $3",
    )
    .bind(kind)
    .bind(id)
    .bind(since)
    .fetch_one(pool)
    .await
}

pub async fn count_wrong_answer(pool: &AnyPool, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE phone_verifications SET attempts = attempts + 1 WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Closes a code; false when it was closed already (a second tab).
pub async fn close_verification(tx: &mut Tx, id: i64, now: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE phone_verifications SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TemplateRow {
    pub kind: String,
    pub template_name: String,
    pub language: String,
}

pub async fn templates(pool: &AnyPool, office_id: &str) -> Result<Vec<TemplateRow>, sqlx::Error> {
    sqlx::query_as("SELECT kind, template_name, language FROM notification_templates WHERE office_id = $1")
        .bind(office_id)
        .fetch_all(pool)
        .await
}

pub async fn template(tx: &mut Tx, office_id: &str, kind: &str) -> Result<Option<TemplateRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, template_name, language FROM notification_templates WHERE office_id = $1 AND kind = $2",
    )
    .bind(office_id)
    .bind(kind)
    .fetch_optional(&mut **tx)
    .await
}

pub async fn save_template(tx: &mut Tx, office_id: &str, t: &TemplateRow, now: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notification_templates (office_id, kind, template_name, language, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (office_id, kind) DO UPDATE SET template_name = $3, language = $4, updated_at = $5",
    )
    .bind(office_id)
    .bind(&t.kind)
    .bind(&t.template_name)
    .bind(&t.language)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An outbox row as the lists show it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MessageRow {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub status: String,
    pub status_at: Option<String>,
    pub created_at: String,
    pub last_error: Option<String>,
    pub attempts: i64,
    pub application_id: Option<String>,
}

const MESSAGE_COLUMNS: &str =
    "id, channel, recipient, subject, status, status_at, created_at, last_error, attempts, application_id";

/// The office's newest messages, optionally of one status.
pub async fn office_messages(
    pool: &AnyPool,
    office_id: &str,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<MessageRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM outbox WHERE office_id = $1 AND ($2 = '' OR status = $2) ORDER BY id DESC LIMIT $3"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(office_id)
        .bind(status.unwrap_or_default())
        .bind(limit)
        .fetch_all(pool)
        .await
}

/// The messages sent about one application, oldest first.
pub async fn application_messages(
    pool: &AnyPool,
    office_id: &str,
    application_id: &str,
) -> Result<Vec<MessageRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM outbox WHERE office_id = $1 AND application_id = $2 ORDER BY id LIMIT 200"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(office_id)
        .bind(application_id)
        .fetch_all(pool)
        .await
}

/// An officer to tell: their id (for their choice and digest) and address.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OfficerTarget {
    pub id: String,
    pub email: String,
}

/// Active officers of the office holding `role`.
pub async fn officers_with_role(tx: &mut Tx, office_id: &str, role: &str) -> Result<Vec<OfficerTarget>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, o.email FROM officers o JOIN officer_roles r ON r.officer_id = o.id \
         WHERE r.office_id = $1 AND r.role = $2 AND o.active = 1 ORDER BY o.email",
    )
    .bind(office_id)
    .bind(role)
    .fetch_all(&mut **tx)
    .await
}

/// An active officer of the office.
pub async fn officer_target(
    tx: &mut Tx,
    office_id: &str,
    officer_id: &str,
) -> Result<Option<OfficerTarget>, sqlx::Error> {
    sqlx::query_as("SELECT id, email FROM officers WHERE id = $1 AND office_id = $2 AND active = 1")
        .bind(officer_id)
        .bind(office_id)
        .fetch_optional(&mut **tx)
        .await
}

/// Saves an officer's choice between the daily digest (0) and immediate notices (1).
pub async fn save_officer_immediate(
    pool: &AnyPool,
    officer_id: &str,
    immediate: i64,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notification_prefs (person_kind, person_id, email, whatsapp, sms, immediate, updated_at) \
         VALUES ($1, $2, 1, 0, 0, $3, $4) \
         ON CONFLICT (person_kind, person_id) DO UPDATE SET immediate = $3, updated_at = $4",
    )
    .bind(OFFICER)
    .bind(officer_id)
    .bind(immediate)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// A notice waiting for the officer's digest.
pub struct NewDigestItem<'a> {
    pub office_id: &'a str,
    pub officer_id: &'a str,
    pub kind: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub link: &'a str,
    pub now: &'a str,
}

pub async fn insert_digest_item(tx: &mut Tx, item: &NewDigestItem<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO officer_digest_items (office_id, officer_id, kind, subject, text, link, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(item.office_id)
    .bind(item.officer_id)
    .bind(item.kind)
    .bind(item.subject)
    .bind(item.text)
    .bind(item.link)
    .bind(item.now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Claims the office's digest of `date` (office-local): true once per office and date, for the
/// first transaction that asks; a later or parallel one gets false.
pub async fn claim_digest_day(tx: &mut Tx, office_id: &str, date: &str, now: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO officer_digest_runs (office_id, last_date, ran_at) VALUES ($1, $2, $3) \
         ON CONFLICT (office_id) DO UPDATE SET last_date = $2, ran_at = $3 \
         WHERE officer_digest_runs.last_date < $2",
    )
    .bind(office_id)
    .bind(date)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A pending digest item with its officer's address (none when the officer left).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DigestItemRow {
    pub id: i64,
    pub officer_id: String,
    pub email: Option<String>,
    pub kind: String,
    pub subject: String,
    pub text: String,
    pub link: String,
    pub created_at: String,
}

/// The office's unsent digest items, by officer then age.
pub async fn pending_digest_items(tx: &mut Tx, office_id: &str) -> Result<Vec<DigestItemRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.id, d.officer_id, o.email, d.kind, d.subject, d.text, d.link, d.created_at \
         FROM officer_digest_items d LEFT JOIN officers o ON o.id = d.officer_id AND o.active = 1 \
         WHERE d.office_id = $1 AND d.sent_at IS NULL ORDER BY d.officer_id, d.id",
    )
    .bind(office_id)
    .fetch_all(&mut **tx)
    .await
}

/// Marks one officer's items up to `last_id` sent; returns how many were still unsent.
pub async fn mark_digest_sent(
    tx: &mut Tx,
    office_id: &str,
    officer_id: &str,
    last_id: i64,
    now: &str,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE officer_digest_items SET sent_at = $1 \
         WHERE office_id = $2 AND officer_id = $3 AND id <= $4 AND sent_at IS NULL",
    )
    .bind(now)
    .bind(office_id)
    .bind(officer_id)
    .bind(last_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}
