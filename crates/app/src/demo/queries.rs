//! The SQL the demo seeding runs besides the services it drives.

use sqlx::Any;
use sqlx::Executor;

#[derive(sqlx::FromRow)]
pub struct OfficerRow {
    pub id: String,
    pub full_name: String,
}

pub async fn office_count(db: impl Executor<'_, Database = Any>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM offices").fetch_one(db).await
}

/// Whether any demo officer (published password) is in the database.
pub async fn demo_officers(db: impl Executor<'_, Database = Any>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM officers WHERE email LIKE $1")
        .bind(format!("%@{DEMO_DOMAIN}"))
        .fetch_one(db)
        .await
}

/// The mail domain of the demo officers.
pub const DEMO_DOMAIN: &str = "demo.izinkes.id";

pub async fn mark_verified(
    db: impl Executor<'_, Database = Any>,
    now: &str,
    applicant_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE applicants SET email_verified_at = $1 WHERE id = $2")
        .bind(now)
        .bind(applicant_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Marks every queued mail sent: the demo's own mails are not worth a look.
pub async fn mark_outbox_sent(db: impl Executor<'_, Database = Any>, now: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE outbox SET sent_at = $1, transport = 'demo' WHERE sent_at IS NULL")
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

/// An officer of an office holding a role.
pub async fn officer_with_role(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    role: &str,
) -> Result<OfficerRow, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, o.full_name FROM officers o JOIN officer_roles r ON r.officer_id = o.id WHERE r.office_id = $1 AND r.role = $2 LIMIT 1",
    )
    .bind(office_id)
    .bind(role)
    .fetch_one(db)
    .await
}

pub async fn permit_of_application(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM permits WHERE application_id = $1")
        .bind(application_id)
        .fetch_one(db)
        .await
}

pub async fn permit_holder(db: impl Executor<'_, Database = Any>, permit_id: &str) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT applicant_id FROM permits WHERE id = $1")
        .bind(permit_id)
        .fetch_one(db)
        .await
}

pub async fn requirement_keys(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT requirement_key FROM application_documents WHERE application_id = $1")
        .bind(application_id)
        .fetch_all(db)
        .await
}

pub async fn lock_version(db: impl Executor<'_, Database = Any>, application_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT lock_version FROM applications WHERE id = $1")
        .bind(application_id)
        .fetch_one(db)
        .await
}
