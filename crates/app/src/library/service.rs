//! Manajer Berkas: the applicant's library of documents (KTP, ijazah, STR, pas foto…), reusable
//! across applications.

use crate::auth::sessions::SessionSubject;
use crate::auth::sessions::SubjectKind;
use crate::library::queries;
use crate::library::queries::DocumentFile;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::files::clean_filename;
use crate::platform::ids::looks_like_id;
use crate::platform::ids::new_id;
use crate::platform::text::clean_text;
use crate::platform::uploads::FileDownload;
use crate::platform::uploads::check_file;
use crate::platform::uploads::store_blob;
use crate::state::AppState;
use izinkes_domain::catalog::FileFormat;

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
    /// The requirement keys it has been attached as (`ktp`, `str`, …): what kind of file it is.
    pub kinds: Vec<String>,
    /// The registration numbers of the submitted applications that keep a copy of it.
    pub used_by: Vec<String>,
}

pub async fn list(state: &AppState, applicant_id: &str) -> ServiceResult<Vec<LibraryDocument>> {
    let rows = queries::documents(&state.db.pool, applicant_id).await?;
    let uses = queries::document_uses(&state.db.pool, applicant_id).await?;
    let kinds = |id: &str| {
        let mut k: Vec<String> = Vec::new();
        for u in uses.iter().filter(|u| u.document_id == id) {
            if !k.contains(&u.requirement_key) {
                k.push(u.requirement_key.clone());
            }
        }
        k
    };
    let used_by = |id: &str| {
        let mut n: Vec<String> = Vec::new();
        for u in uses.iter().filter(|u| u.document_id == id && u.status != "draft") {
            if let Some(number) = u.registration_number.as_ref().filter(|x| !n.contains(x)) {
                n.push(number.clone());
            }
        }
        n
    };
    Ok(rows
        .into_iter()
        .map(|r| LibraryDocument {
            kinds: kinds(&r.id),
            used_by: used_by(&r.id),
            id: r.id,
            title: r.title,
            filename: r.filename,
            mime: r.mime,
            size: r.size,
            sha256: r.sha256,
            updated_at: r.updated_at,
            used_in: r.used_in,
        })
        .collect())
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
    let file = DocumentFile {
        filename: &clean_filename(filename),
        sha256: &sha,
        mime: format.mime(),
        size: bytes.len() as i64,
    };
    queries::insert_document(&state.db.pool, &id, applicant_id, &title, &file, &now).await?;
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
    let file = DocumentFile {
        filename: &clean_filename(filename),
        sha256: &sha,
        mime: format.mime(),
        size: bytes.len() as i64,
    };
    queries::replace_file(&state.db.pool, &file, &now_text(), id, applicant_id).await?;
    Ok(())
}

/// Removes a file from the library. Applications that use it keep their copy.
pub async fn delete(state: &AppState, applicant_id: &str, id: &str) -> ServiceResult<()> {
    get(state, applicant_id, id).await?;
    queries::mark_deleted(&state.db.pool, &now_text(), id, applicant_id).await?;
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
