//! The SQL of Manajer Berkas: the applicant's documents and how often each is used.

use sqlx::Any;
use sqlx::Executor;

/// A library document with the number of submitted applications keeping a copy of it.
#[derive(sqlx::FromRow)]
pub struct DocumentRow {
    pub id: String,
    pub title: String,
    pub filename: String,
    pub mime: String,
    pub size: i64,
    pub sha256: String,
    pub updated_at: String,
    pub used_in: i64,
}

/// A file's stored form: name, content hash, type and size.
pub struct DocumentFile<'a> {
    pub filename: &'a str,
    pub sha256: &'a str,
    pub mime: &'a str,
    pub size: i64,
}

pub async fn documents(
    db: impl Executor<'_, Database = Any>,
    applicant_id: &str,
) -> Result<Vec<DocumentRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.id, d.title, d.filename, d.mime, d.size, d.sha256, d.updated_at, \
           (SELECT COUNT(*) FROM application_documents ad JOIN applications a ON a.id = ad.application_id \
             WHERE ad.document_id = d.id AND a.status <> 'draft') AS used_in \
         FROM documents d WHERE d.applicant_id = $1 AND d.deleted_at IS NULL ORDER BY d.updated_at DESC",
    )
    .bind(applicant_id)
    .fetch_all(db)
    .await
}

/// Where an applicant's library files are attached: the requirement key they were attached as,
/// and the application's number and status.
#[derive(sqlx::FromRow)]
pub struct DocumentUseRow {
    pub document_id: String,
    pub requirement_key: String,
    pub status: String,
    pub registration_number: Option<String>,
}

pub async fn document_uses(
    db: impl Executor<'_, Database = Any>,
    applicant_id: &str,
) -> Result<Vec<DocumentUseRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT ad.document_id, ad.requirement_key, a.status, a.registration_number \
         FROM application_documents ad JOIN applications a ON a.id = ad.application_id \
         JOIN documents d ON d.id = ad.document_id \
         WHERE d.applicant_id = $1 AND d.deleted_at IS NULL ORDER BY a.created_at",
    )
    .bind(applicant_id)
    .fetch_all(db)
    .await
}

pub async fn insert_document(
    db: impl Executor<'_, Database = Any>,
    id: &str,
    applicant_id: &str,
    title: &str,
    f: &DocumentFile<'_>,
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

pub async fn replace_file(
    db: impl Executor<'_, Database = Any>,
    f: &DocumentFile<'_>,
    now: &str,
    id: &str,
    applicant_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE documents SET filename = $1, sha256 = $2, mime = $3, size = $4, updated_at = $5 WHERE id = $6 AND applicant_id = $7")
        .bind(f.filename)
        .bind(f.sha256)
        .bind(f.mime)
        .bind(f.size)
        .bind(now)
        .bind(id)
        .bind(applicant_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn mark_deleted(
    db: impl Executor<'_, Database = Any>,
    now: &str,
    id: &str,
    applicant_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE documents SET deleted_at = $1 WHERE id = $2 AND applicant_id = $3")
        .bind(now)
        .bind(id)
        .bind(applicant_id)
        .execute(db)
        .await?;
    Ok(())
}
