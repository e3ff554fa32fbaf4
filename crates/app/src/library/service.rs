//! Manajer Berkas: the applicant's library of documents (KTP, ijazah, STR, pas foto…), reusable
//! across applications.

use crate::applications::attachments::FileDownload;
use crate::auth::sessions::SessionSubject;
use crate::auth::sessions::SubjectKind;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::files::clean_filename;
use crate::platform::ids::looks_like_id;
use crate::platform::ids::new_id;
use crate::platform::text::clean_text;
use crate::platform::uploads::check_file;
use crate::platform::uploads::store_blob;
use crate::state::AppState;
use izinkes_domain::catalog::FileFormat;
use sqlx::Row;

/// Formats and size accepted into the library itself.
pub const LIBRARY_FORMATS: [FileFormat; 3] = [FileFormat::Pdf, FileFormat::Jpg, FileFormat::Png];

pub const LIBRARY_MAX_KB: u32 = 5 * 1024;

#[derive(Clone, Debug, serde::Serialize)]
pub struct LibraryDocument {
    pub id: String,
    pub title: String,
    pub filename: String,
    pub mime: String,
    pub size: i64,
    pub sha256: String,
    pub updated_at: String,
    /// How many submitted applications keep a copy of it.
    pub used_in: i64,
}

pub async fn list(state: &AppState, applicant_id: &str) -> ServiceResult<Vec<LibraryDocument>> {
    let rows = sqlx::query(
        "SELECT d.id, d.title, d.filename, d.mime, d.size, d.sha256, d.updated_at, \
           (SELECT COUNT(*) FROM application_documents ad JOIN applications a ON a.id = ad.application_id \
             WHERE ad.document_id = d.id AND a.status <> 'draft') AS used_in \
         FROM documents d WHERE d.applicant_id = $1 AND d.deleted_at IS NULL ORDER BY d.updated_at DESC",
    )
    .bind(applicant_id)
    .fetch_all(&state.db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(LibraryDocument {
                id: r.try_get("id")?,
                title: r.try_get("title")?,
                filename: r.try_get("filename")?,
                mime: r.try_get("mime")?,
                size: r.try_get("size")?,
                sha256: r.try_get("sha256")?,
                updated_at: r.try_get("updated_at")?,
                used_in: r.try_get("used_in")?,
            })
        })
        .collect()
}

pub async fn get(state: &AppState, applicant_id: &str, id: &str) -> ServiceResult<LibraryDocument> {
    if !looks_like_id(id) {
        return Err(ServiceError::NotFound);
    }
    list(state, applicant_id)
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or(ServiceError::NotFound)
}

/// Adds a file to the library.
pub async fn add(
    state: &AppState,
    applicant_id: &str,
    title: &str,
    filename: &str,
    bytes: &[u8],
) -> ServiceResult<String> {
    let title = clean_text(title, 120);
    let mut errors = izinkes_domain::catalog::FieldErrors::new();
    if title.is_empty() {
        errors.insert(
            "title".into(),
            "Beri nama berkas, misalnya \"KTP\" atau \"Ijazah S1\".".into(),
        );
    }
    let format = match check_file(bytes, &LIBRARY_FORMATS, LIBRARY_MAX_KB) {
        Ok(f) => Some(f),
        Err(m) => {
            errors.insert("file".into(), m);
            None
        }
    };
    let Some(format) = format.filter(|_| errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let sha = store_blob(state, bytes, format.mime()).await?;
    let id = new_id();
    let now = now_text();
    sqlx::query(
        "INSERT INTO documents (id, applicant_id, title, filename, sha256, mime, size, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(&id)
    .bind(applicant_id)
    .bind(&title)
    .bind(clean_filename(filename))
    .bind(&sha)
    .bind(format.mime())
    .bind(bytes.len() as i64)
    .bind(&now)
    .execute(&state.db.pool)
    .await?;
    Ok(id)
}

/// Replaces a library file's content. Applications keep the copy they were given.
pub async fn replace(
    state: &AppState,
    applicant_id: &str,
    id: &str,
    filename: &str,
    bytes: &[u8],
) -> ServiceResult<()> {
    get(state, applicant_id, id).await?;
    let format = check_file(bytes, &LIBRARY_FORMATS, LIBRARY_MAX_KB).map_err(|m| ServiceError::field("file", m))?;
    let sha = store_blob(state, bytes, format.mime()).await?;
    sqlx::query("UPDATE documents SET filename = $1, sha256 = $2, mime = $3, size = $4, updated_at = $5 WHERE id = $6 AND applicant_id = $7")
        .bind(clean_filename(filename))
        .bind(&sha)
        .bind(format.mime())
        .bind(bytes.len() as i64)
        .bind(now_text())
        .bind(id)
        .bind(applicant_id)
        .execute(&state.db.pool)
        .await?;
    Ok(())
}

/// Removes a file from the library. Applications that use it keep their copy.
pub async fn delete(state: &AppState, applicant_id: &str, id: &str) -> ServiceResult<()> {
    get(state, applicant_id, id).await?;
    sqlx::query("UPDATE documents SET deleted_at = $1 WHERE id = $2 AND applicant_id = $3")
        .bind(now_text())
        .bind(id)
        .bind(applicant_id)
        .execute(&state.db.pool)
        .await?;
    Ok(())
}

/// A library file, for its owner only.
pub async fn download_library(state: &AppState, viewer: &SessionSubject, id: &str) -> ServiceResult<FileDownload> {
    if viewer.kind != SubjectKind::Applicant {
        return Err(ServiceError::Forbidden);
    }
    let doc = get(state, &viewer.id, id).await?;
    Ok(FileDownload {
        filename: doc.filename,
        mime: doc.mime,
        bytes: state.store.get(&doc.sha256).await?,
    })
}
