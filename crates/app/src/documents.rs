//! Manajer Berkas: the applicant's library of documents (KTP, ijazah, STR, pas foto…), reusable
//! across applications, and the checks every uploaded file passes.

use crate::accounts::{SessionSubject, SubjectKind, clean_text};
use crate::db::now_text;
use crate::error::{ServiceError, ServiceResult};
use crate::files::{clean_filename, sniff};
use crate::ids::{looks_like_id, new_id};
use crate::state::AppState;
use izinkes_domain::catalog::FileFormat;
use sqlx::Row;

/// Largest file accepted anywhere (per requirement limits are usually smaller).
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Formats and size accepted into the library itself.
pub const LIBRARY_FORMATS: [FileFormat; 3] = [FileFormat::Pdf, FileFormat::Jpg, FileFormat::Png];
pub const LIBRARY_MAX_KB: u32 = 5 * 1024;

/// Checks a file against accepted formats (by content) and a size limit; the message is
/// Indonesian and names what is accepted.
pub fn check_file(bytes: &[u8], formats: &[FileFormat], max_kb: u32) -> Result<FileFormat, String> {
    let accepted = formats.iter().map(|f| f.label()).collect::<Vec<_>>().join(", ");
    if bytes.is_empty() {
        return Err("Berkas kosong. Pilih berkas yang akan diunggah.".into());
    }
    if bytes.len() > max_kb as usize * 1024 {
        return Err(format!(
            "Ukuran berkas {} melebihi batas {}. Perkecil atau pindai ulang dengan resolusi lebih rendah.",
            human_size(bytes.len() as i64),
            human_size(i64::from(max_kb) * 1024)
        ));
    }
    match sniff(bytes) {
        Some(f) if formats.contains(&f) => Ok(f),
        Some(f) => Err(format!(
            "Berkas ini berformat {}, sedangkan yang diterima: {accepted}.",
            f.label()
        )),
        None => Err(format!(
            "Berkas tidak dapat dibaca sebagai {accepted}. Pastikan berkas tidak rusak dan formatnya benar (bukan hanya nama berkasnya)."
        )),
    }
}

pub fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// Stores bytes in the object store and records the blob. Safe to repeat.
pub async fn store_blob(state: &AppState, bytes: &[u8], mime: &str) -> ServiceResult<String> {
    let sha = state.store.put(bytes).await?;
    sqlx::query(
        "INSERT INTO blobs (sha256, size, mime, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&sha)
    .bind(bytes.len() as i64)
    .bind(mime)
    .bind(now_text())
    .execute(&state.db.pool)
    .await?;
    Ok(sha)
}

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

/// A file ready to send to a browser.
pub struct FileDownload {
    pub filename: String,
    pub mime: String,
    pub bytes: Vec<u8>,
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

/// A document attached to an application: its applicant, or an officer of the application's
/// office. Every officer view is logged (UU 27/2022: health documents are access-controlled).
pub async fn download_attachment(
    state: &AppState,
    viewer: &SessionSubject,
    application_id: &str,
    requirement_key: &str,
) -> ServiceResult<FileDownload> {
    if !looks_like_id(application_id) {
        return Err(ServiceError::NotFound);
    }
    let row = sqlx::query(
        "SELECT a.office_id, a.applicant_id, ad.filename, ad.mime, ad.sha256 FROM application_documents ad \
         JOIN applications a ON a.id = ad.application_id WHERE ad.application_id = $1 AND ad.requirement_key = $2",
    )
    .bind(application_id)
    .bind(requirement_key)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(ServiceError::NotFound)?;
    let office_id: String = row.try_get("office_id")?;
    let applicant_id: String = row.try_get("applicant_id")?;
    let allowed = match viewer.kind {
        SubjectKind::Applicant => viewer.id == applicant_id,
        SubjectKind::Officer => viewer.office_id.as_deref() == Some(office_id.as_str()),
    };
    if !allowed {
        // Not found rather than forbidden: do not confirm that the file exists.
        return Err(ServiceError::NotFound);
    }
    if viewer.kind == SubjectKind::Officer {
        sqlx::query(
            "INSERT INTO access_log (office_id, at, actor_kind, actor_id, object_kind, object_id, action) VALUES ($1, $2, 'officer', $3, 'application_document', $4, 'view')",
        )
        .bind(&office_id)
        .bind(now_text())
        .bind(&viewer.id)
        .bind(format!("{application_id}/{requirement_key}"))
        .execute(&state.db.pool)
        .await?;
    }
    let sha: String = row.try_get("sha256")?;
    Ok(FileDownload {
        filename: row.try_get("filename")?,
        mime: row.try_get("mime")?,
        bytes: state.store.get(&sha).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_file_names_the_accepted_formats_and_limit() {
        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\nstartxref\n0\n%%EOF\n";
        assert_eq!(check_file(pdf, &[FileFormat::Pdf], 10), Ok(FileFormat::Pdf));
        let e = check_file(pdf, &[FileFormat::Jpg], 10).unwrap_err();
        assert!(e.contains("PDF") && e.contains("JPG"), "{e}");
        let big = vec![b'%'; 3000];
        assert!(
            check_file(&big, &[FileFormat::Pdf], 1)
                .unwrap_err()
                .contains("melebihi batas")
        );
        assert!(check_file(b"", &[FileFormat::Pdf], 1).unwrap_err().contains("kosong"));
        assert!(
            check_file(b"hello world", &[FileFormat::Pdf], 10)
                .unwrap_err()
                .contains("tidak dapat dibaca")
        );
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(1024 * 1024), "1,0 MB");
        assert_eq!(human_size(1500), "2 KB");
    }
}
