//! Files: one object-store interface, content-addressed by SHA-256. Metadata lives in the
//! database (`blobs`, `documents`, `application_documents`); bytes live here and are served only
//! through handlers that check ownership or office role — never from a guessable path.

use crate::ids::sha256_hex;
use izinkes_domain::catalog::FileFormat;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("object {0} is missing")]
    Missing(String),
}

/// The object store. Local filesystem by default; the enum is the seam where another
/// backend (S3-compatible) plugs in behind the same calls.
#[derive(Clone, Debug)]
pub enum ObjectStore {
    Local { root: PathBuf },
}

impl ObjectStore {
    pub fn local(root: impl Into<PathBuf>) -> ObjectStore {
        ObjectStore::Local { root: root.into() }
    }

    fn path_for(root: &Path, sha256: &str) -> PathBuf {
        root.join(&sha256[..2]).join(sha256)
    }

    /// Stores the bytes and returns their SHA-256. Writing the same content twice is a no-op.
    /// The file is written under a temporary name, synced and renamed, so a crash never leaves
    /// a half-written object under its final name.
    pub async fn put(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let sha = sha256_hex(bytes);
        match self {
            ObjectStore::Local { root } => {
                let path = Self::path_for(root, &sha);
                if tokio::fs::try_exists(&path).await? {
                    return Ok(sha);
                }
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_else(|| root.clone());
                tokio::fs::create_dir_all(&dir).await?;
                let tmp = dir.join(format!(".{}.{}.tmp", sha, crate::ids::new_id()));
                let data = bytes.to_vec();
                let tmp2 = tmp.clone();
                tokio::task::spawn_blocking(move || -> std::io::Result<()> {
                    use std::io::Write;
                    let mut f = std::fs::File::create(&tmp2)?;
                    f.write_all(&data)?;
                    f.sync_all()
                })
                .await
                .map_err(|e| std::io::Error::other(e.to_string()))??;
                tokio::fs::rename(&tmp, &path).await?;
                Ok(sha)
            }
        }
    }

    pub async fn get(&self, sha256: &str) -> Result<Vec<u8>, StoreError> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::Missing(sha256.to_string()));
        }
        match self {
            ObjectStore::Local { root } => match tokio::fs::read(Self::path_for(root, sha256)).await {
                Ok(bytes) => Ok(bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Err(StoreError::Missing(sha256.to_string()))
                }
                Err(e) => Err(e.into()),
            },
        }
    }

    pub async fn check(&self) -> Result<(), StoreError> {
        match self {
            ObjectStore::Local { root } => {
                tokio::fs::create_dir_all(root).await?;
                Ok(())
            }
        }
    }
}

/// What an uploaded file really is, judged by its content: magic bytes, then a parse.
pub fn sniff(bytes: &[u8]) -> Option<FileFormat> {
    if bytes.starts_with(b"%PDF-") {
        // A PDF ends with %%EOF (possibly followed by whitespace) and has a cross-reference.
        let tail = &bytes[bytes.len().saturating_sub(2048)..];
        let has_eof = tail.windows(5).any(|w| w == b"%%EOF");
        let has_xref = bytes.windows(9).any(|w| w == b"startxref");
        return (has_eof && has_xref).then_some(FileFormat::Pdf);
    }
    let kind = infer::get(bytes)?;
    let format = match kind.mime_type() {
        "image/jpeg" => FileFormat::Jpg,
        "image/png" => FileFormat::Png,
        _ => return None,
    };
    // The header must parse to real dimensions, not just start with the right bytes.
    match imagesize::blob_size(bytes) {
        Ok(size) if size.width > 0 && size.height > 0 => Some(format),
        _ => None,
    }
}

/// A file name safe to show and to put in a Content-Disposition header.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/' | ';'))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() { "berkas".to_string() } else { cleaned }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub const TINY_PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F,
        0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00,
        0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49,
        0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];

    #[test]
    fn sniff_judges_by_content_not_name() {
        assert_eq!(sniff(TINY_PNG), Some(FileFormat::Png));
        assert_eq!(sniff(b"%PDF-1.4\n1 0 obj<<>>endobj\nstartxref\n0\n%%EOF\n"), Some(FileFormat::Pdf));
        assert_eq!(sniff(b"%PDF-1.4 truncated"), None);
        assert_eq!(sniff(b"MZ\x90\x00 an exe"), None);
        // PNG magic with a broken header is refused.
        assert_eq!(sniff(&TINY_PNG[..12]), None);
    }

    #[test]
    fn filenames_lose_paths_and_quotes() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\x\\ktp \"asli\".pdf"), "ktp asli.pdf");
        assert_eq!(clean_filename(""), "berkas");
    }

    #[tokio::test]
    async fn put_is_content_addressed_and_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let store = ObjectStore::local(dir.path());
        let a = store.put(b"hello").await.unwrap();
        let b = store.put(b"hello").await.unwrap();
        assert_eq!(a, b);
        assert_eq!(store.get(&a).await.unwrap(), b"hello");
        assert!(matches!(store.get(&"0".repeat(64)).await, Err(StoreError::Missing(_))));
        assert!(matches!(store.get("../x").await, Err(StoreError::Missing(_))));
    }
}
