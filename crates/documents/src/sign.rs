//! PAdES signatures on issued permits (ISO 32000-1 §12.8, ETSI EN 319 142-1 baseline B-B).
//!
//! Signing is split in three steps so that the PDF work is done once, whoever signs:
//! 1. [`prepare`] appends an incremental update (signature field and widget, signature
//!    dictionary with a zero-filled `/Contents` placeholder, a new xref section) after the
//!    original `%%EOF` — the rendered bytes stay untouched — and computes the SHA-256 of the
//!    signed byte ranges;
//! 2. a [`PdfSigner`] turns that digest into a detached CMS SignedData — [`LocalSigner`] with the
//!    office's certificate, [`BsreSigner`] through the national CA's hash-only remote signing;
//! 3. [`PreparedPdf::finish`] checks that the CMS really signs this digest and writes it into
//!    the placeholder.
//!
//! [`PdfSigner::sign_digest`] returns a boxed future because BSrE is an HTTP call: the web
//! handler awaits it without holding a blocking thread, while [`LocalSigner`] answers at once
//! (and offers the synchronous [`LocalSigner::sign_pdf`] for the CLI and the demo data).
//! [`prepare`] and [`PreparedPdf::finish`] are CPU work of a few milliseconds.

mod bsre;
mod cms;
mod pdf;
mod pki;
mod verify;

use std::future::Future;
use std::pin::Pin;

pub use bsre::{BsreSigner, SecretString};
pub use pdf::{PreparedPdf, SIGNATURE_CAPACITY, prepare};
pub use pki::{DemoPki, LocalSigner, demo_office_ca};
pub use verify::{VerifyReport, verify_embedded};

/// What the signer declares about one signature.
#[derive(Debug, Clone)]
pub struct SignRequest<'a> {
    /// `/Name` of the signature dictionary (the certificate's name is what verifiers trust).
    pub signer_name: &'a str,
    pub reason: &'a str,
    pub location: &'a str,
    /// Written as `/M`; PAdES puts the claimed signing time there, not in the CMS.
    pub signing_time: chrono::DateTime<chrono::Utc>,
    /// Visible signature rectangle in PDF points `[x1, y1, x2, y2]` (origin bottom-left, as
    /// `render::SignaturePlacement::rect`), or `None` for an invisible signature. The widget's
    /// appearance is transparent: the page itself (the SK template's signer block with the QR
    /// code) is what people see inside the rectangle.
    pub rect: Option<[f32; 4]>,
    /// Page of the widget, starting at 1 (`render::SignaturePlacement::page`; 1 when invisible).
    pub page: usize,
}

/// A signed PDF and the SHA-256 (lowercase hex) of the whole file, as stored and published.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedPdf {
    pub bytes: Vec<u8>,
    pub sha256: String,
}

impl std::fmt::Debug for SignedPdf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedPdf")
            .field("len", &self.bytes.len())
            .field("sha256", &self.sha256)
            .finish()
    }
}

/// Why signing or verifying failed; the messages are shown to officers as they are.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("NIK penandatangan tidak terdaftar di BSrE.")]
    NotRegistered,
    #[error("Passphrase salah.")]
    WrongPassphrase,
    #[error("Layanan tanda tangan elektronik tidak tersedia: {0}")]
    Unavailable(String),
    #[error("Berkas PDF tidak dapat diproses: {0}")]
    Pdf(String),
    #[error("Tanda tangan elektronik tidak valid: {0}")]
    Crypto(String),
    #[error("Sertifikat penandatangan bermasalah: {0}")]
    Certificate(String),
    #[error("Dokumen tidak memiliki tanda tangan elektronik.")]
    NotSigned,
}

/// The future returned by [`PdfSigner::sign_digest`]: DER of a CMS `ContentInfo` (SignedData).
pub type SignFuture<'a> = Pin<Box<dyn Future<Output = Result<Vec<u8>, SignError>> + Send + 'a>>;

/// One interface, two adapters (issue 4 §3): the local certificate signer and BSrE.
pub trait PdfSigner: Send + Sync {
    /// Produces a detached CMS SignedData (eContentType id-data, no eContent) whose signed
    /// message-digest attribute is `digest`, the SHA-256 of the PDF's signed byte ranges.
    fn sign_digest(&self, digest: [u8; 32]) -> SignFuture<'_>;
}

/// Signs `pdf` with `signer`: [`prepare`], [`PdfSigner::sign_digest`], [`PreparedPdf::finish`].
pub async fn sign_pdf(pdf: &[u8], req: &SignRequest<'_>, signer: &dyn PdfSigner) -> Result<SignedPdf, SignError> {
    let prepared = prepare(pdf, req)?;
    let cms = signer.sign_digest(prepared.digest()).await?;
    prepared.finish(&cms)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Refuses;

    impl PdfSigner for Refuses {
        fn sign_digest(&self, _digest: [u8; 32]) -> SignFuture<'_> {
            Box::pin(std::future::ready(Err(SignError::Unavailable("uji".into()))))
        }
    }

    #[test]
    fn sign_pdf_can_be_awaited_in_a_spawned_task() {
        fn send<T: Send>(_: T) {}
        let req = SignRequest {
            signer_name: "",
            reason: "",
            location: "",
            signing_time: chrono::Utc::now(),
            rect: None,
            page: 1,
        };
        send(sign_pdf(b"", &req, &Refuses));
    }
}
