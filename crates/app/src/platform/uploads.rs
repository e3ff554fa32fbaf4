//! Uploaded files: checked by their content against the allowed formats and size, and stored
//! once by their SHA-256 (`blobs`), whatever their name.

use crate::platform::db::now_text;
use crate::platform::error::ServiceResult;
use crate::platform::files::sniff;
use crate::state::AppState;
use izinkes_domain::catalog::FileFormat;

/// A stored file ready to send: its name as the reader knows it, its type and its bytes.
pub struct FileDownload {
    pub filename: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// Largest file accepted anywhere (per requirement limits are usually smaller).
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

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
        Some(f) if formats.contains(&f) => match crate::platform::screen::refusal(bytes, f == FileFormat::Pdf) {
            Some(why) => Err(why),
            None => Ok(f),
        },
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
