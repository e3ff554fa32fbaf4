//! Tahap 3: attaching files to requirements (uploaded or from Manajer Berkas), and downloading
//! an application's files by its applicant or an officer of its office.

use crate::applications::drafts::editable;
use crate::applications::queries;
use crate::applications::queries::StoredFile;
use crate::applications::view::load_owned;
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
use izinkes_domain::catalog::PermitType;

fn requirement<'a>(permit: &'a PermitType, key: &str) -> ServiceResult<&'a izinkes_domain::catalog::Requirement> {
    permit
        .requirements
        .iter()
        .find(|r| r.key == key)
        .ok_or(ServiceError::NotFound)
}

/// The copy of a file an application keeps (later changes in Manajer Berkas do not touch it).
struct FileCopy<'a> {
    /// A new upload is also kept in Manajer Berkas under this title (written with the attachment).
    library_title: Option<&'a str>,
    applicant_id: &'a str,
    document_id: Option<&'a str>,
    filename: &'a str,
    sha: &'a str,
    mime: &'a str,
    size: i64,
}

async fn put_attachment(state: &AppState, app_id: &str, key: &str, f: FileCopy<'_>) -> ServiceResult<()> {
    let now = now_text();
    let mut tx = state.db.begin().await?;
    let status = queries::status(&mut *tx, app_id).await?;
    if status.as_deref() != Some("draft") {
        return Err(ServiceError::Conflict(
            "Permohonan ini sudah diajukan dan tidak dapat diubah lagi.".into(),
        ));
    }
    let file = StoredFile {
        filename: f.filename,
        sha256: f.sha,
        mime: f.mime,
        size: f.size,
    };
    if let (Some(title), Some(doc_id)) = (f.library_title, f.document_id) {
        queries::insert_library_document(&mut *tx, doc_id, f.applicant_id, title, &file, &now).await?;
    }
    queries::delete_attachment(&mut *tx, app_id, key).await?;
    queries::insert_attachment(&mut *tx, app_id, key, f.document_id, &file, &now).await?;
    queries::touch(&mut *tx, &now, app_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Tahap 3: uploads a file for one requirement. The file is checked by content against the
/// requirement's formats and size, kept in Manajer Berkas for reuse, and attached.
pub async fn upload_requirement(
    state: &AppState,
    applicant_id: &str,
    id: &str,
    key: &str,
    filename: &str,
    bytes: &[u8],
) -> ServiceResult<()> {
    let app = load_owned(state, applicant_id, id).await?;
    editable(&app)?;
    let catalog = state.catalog(app.catalog_version).await?;
    let permit = catalog.get(&app.permit_code).ok_or(ServiceError::NotFound)?;
    let req = requirement(permit, key)?;
    let format = check_file(bytes, &req.formats, req.max_size_kb).map_err(|m| ServiceError::field(key, m))?;
    let sha = store_blob(state, bytes, format.mime()).await?;
    let filename = clean_filename(filename);
    let doc_id = new_id();
    let title = clean_text(&req.label, 120);
    let copy = FileCopy {
        library_title: Some(&title),
        applicant_id,
        document_id: Some(&doc_id),
        filename: &filename,
        sha: &sha,
        mime: format.mime(),
        size: bytes.len() as i64,
    };
    put_attachment(state, &app.id, key, copy).await
}

/// Tahap 3: attaches a file already in Manajer Berkas, if it suits the requirement.
pub async fn attach_library(
    state: &AppState,
    applicant_id: &str,
    id: &str,
    key: &str,
    document_id: &str,
) -> ServiceResult<()> {
    let app = load_owned(state, applicant_id, id).await?;
    editable(&app)?;
    let catalog = state.catalog(app.catalog_version).await?;
    let permit = catalog.get(&app.permit_code).ok_or(ServiceError::NotFound)?;
    let req = requirement(permit, key)?;
    if document_id.trim().is_empty() {
        return Err(ServiceError::field(
            key,
            "Pilih dulu berkas dari Manajer Berkas, atau unggah berkas baru.",
        ));
    }
    let doc = crate::library::service::get(state, applicant_id, document_id)
        .await
        .map_err(|_| ServiceError::field(key, "Berkas tidak ditemukan di Manajer Berkas Anda."))?;
    let format = [FileFormat::Pdf, FileFormat::Jpg, FileFormat::Png]
        .into_iter()
        .find(|f| f.mime() == doc.mime);
    let accepted = req.formats.iter().map(|f| f.label()).collect::<Vec<_>>().join(", ");
    if !format.is_some_and(|f| req.formats.contains(&f)) {
        return Err(ServiceError::field(
            key,
            format!("Berkas \"{}\" tidak sesuai: syarat ini menerima {accepted}.", doc.title),
        ));
    }
    if doc.size > i64::from(req.max_size_kb) * 1024 {
        return Err(ServiceError::field(
            key,
            format!(
                "Berkas \"{}\" terlalu besar untuk syarat ini (batas {}).",
                doc.title,
                crate::platform::uploads::human_size(i64::from(req.max_size_kb) * 1024)
            ),
        ));
    }
    let copy = FileCopy {
        library_title: None,
        applicant_id,
        document_id: Some(&doc.id),
        filename: &doc.filename,
        sha: &doc.sha256,
        mime: &doc.mime,
        size: doc.size,
    };
    put_attachment(state, &app.id, key, copy).await
}

pub async fn remove_attachment(state: &AppState, applicant_id: &str, id: &str, key: &str) -> ServiceResult<()> {
    let app = load_owned(state, applicant_id, id).await?;
    editable(&app)?;
    let mut tx = state.db.begin().await?;
    queries::delete_draft_attachment(&mut *tx, &app.id, key).await?;
    tx.commit().await?;
    Ok(())
}

pub use crate::platform::uploads::FileDownload;

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
    let row = queries::attachment_file(&state.db.pool, application_id, requirement_key)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let office_id = row.office_id;
    let applicant_id = row.applicant_id;
    let allowed = match viewer.kind {
        SubjectKind::Applicant => viewer.id == applicant_id,
        SubjectKind::Officer => viewer.office_id.as_deref() == Some(office_id.as_str()),
    };
    if !allowed {
        // Not found rather than forbidden: do not confirm that the file exists.
        return Err(ServiceError::NotFound);
    }
    if viewer.kind == SubjectKind::Officer {
        let object_id = format!("{application_id}/{requirement_key}");
        queries::log_document_view(&state.db.pool, &office_id, &now_text(), &viewer.id, &object_id).await?;
    }
    let sha = row.sha256;
    Ok(FileDownload {
        filename: row.filename,
        mime: row.mime,
        bytes: state.store.get(&sha).await?,
    })
}
