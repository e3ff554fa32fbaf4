//! Files: one object-store interface, content-addressed by SHA-256. Metadata lives in the
//! database (`blobs`, `documents`, `application_documents`); bytes live here and are served only
//! through handlers that check ownership or office role — never from a guessable path.
//!
//! Two backends behind the same calls: the local filesystem (the default) and an S3-compatible
//! bucket (`config::S3Config`), where an object's key is `objects/{sha[..2]}/{sha}`.

use crate::platform::config::S3Config;
use crate::platform::ids::sha256_hex;
use izinkes_domain::catalog::FileFormat;
use object_store::ClientOptions;
use object_store::ObjectStore as _;
use object_store::ObjectStoreExt as _;
use object_store::RetryConfig;
use object_store::aws::AmazonS3;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use std::path::Path;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("object {0} is missing")]
    Missing(String),
    /// The remote (S3-compatible) store refused or could not be reached.
    #[error("remote store: {0}")]
    Remote(String),
}

impl From<object_store::Error> for StoreError {
    fn from(e: object_store::Error) -> Self {
        StoreError::Remote(e.to_string())
    }
}

/// The object store. Local filesystem by default; an S3-compatible bucket by configuration.
#[derive(Clone, Debug)]
pub enum ObjectStore {
    Local { root: PathBuf },
    S3 { store: Arc<AmazonS3> },
}

impl ObjectStore {
    pub fn local(root: impl Into<PathBuf>) -> ObjectStore {
        ObjectStore::Local { root: root.into() }
    }

    /// A bucket on an S3-compatible server, addressed path-style. Nothing is contacted here;
    /// `check` (used by `/readyz`) tells whether the bucket answers.
    pub fn s3(config: &S3Config) -> Result<ObjectStore, StoreError> {
        // The S3 client's rustls is built without a bundled crypto provider (no aws-lc-rs):
        // use ring, as sqlx and lettre do. An already-installed default is kept.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let options = ClientOptions::new()
            .with_connect_timeout(Duration::from_secs(5))
            .with_timeout(Duration::from_secs(60));
        let mut builder = AmazonS3Builder::new()
            .with_client_options(options)
            .with_allow_http(config.allow_http)
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_virtual_hosted_style_request(false)
            // Fail within seconds rather than minutes, so a dead store shows on /readyz and
            // an upload gets its error page instead of hanging.
            .with_retry(RetryConfig {
                max_retries: 3,
                retry_timeout: Duration::from_secs(20),
                ..RetryConfig::default()
            });
        if let Some(endpoint) = config.endpoint.as_deref().filter(|e| !e.is_empty()) {
            builder = builder.with_endpoint(endpoint.trim_end_matches('/'));
        }
        if let Some(key) = &config.access_key {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &config.secret_key {
            builder = builder.with_secret_access_key(secret);
        }
        Ok(ObjectStore::S3 {
            store: Arc::new(builder.build()?),
        })
    }

    fn path_for(root: &Path, sha256: &str) -> PathBuf {
        root.join(&sha256[..2]).join(sha256)
    }

    /// The key of an object in a bucket: the same fan-out as the local layout, under `objects/`.
    pub fn key_for(sha256: &str) -> String {
        format!("objects/{}/{}", &sha256[..2], sha256)
    }

    /// Stores the bytes and returns their SHA-256. Writing the same content twice is a no-op.
    /// Locally the file is written under a temporary name, synced and renamed, so a crash never
    /// leaves a half-written object under its final name; an S3 PUT is atomic by itself.
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
                let tmp = dir.join(format!(".{}.{}.tmp", sha, crate::platform::ids::new_id()));
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
            ObjectStore::S3 { store } => {
                let key = ObjectPath::from(Self::key_for(&sha));
                match store.head(&key).await {
                    // Same key, same content: nothing to upload.
                    Ok(_) => return Ok(sha),
                    Err(object_store::Error::NotFound { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
                store.put(&key, bytes.to_vec().into()).await?;
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
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::Missing(sha256.to_string())),
                Err(e) => Err(e.into()),
            },
            ObjectStore::S3 { store } => {
                let key = ObjectPath::from(Self::key_for(sha256));
                let found = match store.get(&key).await {
                    Ok(found) => found,
                    Err(object_store::Error::NotFound { .. }) => return Err(StoreError::Missing(sha256.to_string())),
                    Err(e) => return Err(e.into()),
                };
                Ok(found.bytes().await?.to_vec())
            }
        }
    }

    /// Whether the store can be used: the local directory exists (or is created); the bucket
    /// answers a one-page listing (an unreachable server, a missing bucket or refused
    /// credentials all fail).
    pub async fn check(&self) -> Result<(), StoreError> {
        match self {
            ObjectStore::Local { root } => {
                tokio::fs::create_dir_all(root).await?;
                Ok(())
            }
            ObjectStore::S3 { store } => {
                store
                    .list_with_delimiter(Some(&ObjectPath::from("readyz-probe")))
                    .await?;
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
    if cleaned.is_empty() {
        "berkas".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub const TINY_PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00,
        0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D,
        0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];

    #[test]
    fn sniff_judges_by_content_not_name() {
        assert_eq!(sniff(TINY_PNG), Some(FileFormat::Png));
        assert_eq!(
            sniff(b"%PDF-1.4\n1 0 obj<<>>endobj\nstartxref\n0\n%%EOF\n"),
            Some(FileFormat::Pdf)
        );
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
