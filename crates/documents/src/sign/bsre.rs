//! The BSrE adapter: remote signing by the national CA (Balai Sertifikasi Elektronik).
//!
//! Hash-only — the PDF never leaves the server: the document digest goes out with the signer's
//! NIK and passphrase, a CMS SignedData comes back. BSrE's API differs between versions; this
//! follows the common "sign hash" shape:
//! `POST {base}/api/v2/sign/hash` with JSON
//! `{"nik", "passphrase", "hash": [base64 SHA-256], "signatureType": "PAdES"}` →
//! `200 {"signatures": [base64 DER CMS]}`; errors are 4xx/5xx with a JSON or text message.
//! Optional client credentials go as HTTP Basic authentication.

use std::time::Duration;

use base64ct::{Base64, Encoding};
use zeroize::Zeroizing;

use super::{PdfSigner, SignError, SignFuture};

/// A secret (NIK, passphrase, client secret) that never prints and is wiped on drop.
#[derive(Clone)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl std::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[disembunyikan]")
    }
}

/// Signs through BSrE for one signer. Build it when the head of office types NIK and passphrase,
/// use it for the batch, drop it: nothing here is stored or logged (`Debug` redacts them).
#[derive(Debug)]
pub struct BsreSigner {
    base_url: String,
    client_credentials: Option<(String, SecretString)>,
    nik: SecretString,
    passphrase: SecretString,
    http: reqwest::Client,
}

#[derive(serde::Serialize)]
struct HashRequest<'a> {
    nik: &'a str,
    passphrase: &'a str,
    hash: [String; 1],
    #[serde(rename = "signatureType")]
    signature_type: &'a str,
}

#[derive(serde::Deserialize)]
struct HashResponse {
    signatures: Vec<String>,
}

impl BsreSigner {
    /// `base_url` is the service root, e.g. `https://esign.example.go.id` (TLS through rustls
    /// with the ring provider).
    pub fn new(base_url: &str, nik: SecretString, passphrase: SecretString) -> Result<Self, SignError> {
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(SignError::Unavailable(format!("alamat BSrE tidak valid: {base_url}")));
        }
        // Already installed by the app is fine; reqwest is built without a bundled provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| SignError::Unavailable(format!("klien HTTP tidak dapat dibuat: {e}")))?;
        Ok(Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            client_credentials: None,
            nik,
            passphrase,
            http,
        })
    }

    /// Client credentials of the office's BSrE integration, sent as HTTP Basic authentication.
    pub fn with_client_credentials(mut self, client_id: &str, client_secret: SecretString) -> Self {
        self.client_credentials = Some((client_id.to_owned(), client_secret));
        self
    }

    async fn sign_hash(&self, digest: [u8; 32]) -> Result<Vec<u8>, SignError> {
        let body = HashRequest {
            nik: self.nik.expose(),
            passphrase: self.passphrase.expose(),
            hash: [Base64::encode_string(&digest)],
            signature_type: "PAdES",
        };
        let mut request = self
            .http
            .post(format!("{}/api/v2/sign/hash", self.base_url))
            .json(&body);
        if let Some((id, secret)) = &self.client_credentials {
            request = request.basic_auth(id, Some(secret.expose()));
        }
        let unreachable = |e: reqwest::Error| {
            if e.is_timeout() {
                SignError::Unavailable("BSrE tidak menjawab tepat waktu".into())
            } else {
                SignError::Unavailable(format!("BSrE tidak dapat dihubungi ({})", e.without_url()))
            }
        };
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status();
        let text = response.text().await.map_err(unreachable)?;
        if !status.is_success() {
            return Err(classify(status.as_u16(), &self.redact(&error_message(&text))));
        }
        let parsed: HashResponse = serde_json::from_str(&text)
            .map_err(|_| SignError::Unavailable("jawaban BSrE tidak dapat dibaca".into()))?;
        let signature = parsed
            .signatures
            .first()
            .ok_or_else(|| SignError::Unavailable("jawaban BSrE tanpa tanda tangan".into()))?;
        Base64::decode_vec(signature.trim())
            .map_err(|_| SignError::Unavailable("tanda tangan dari BSrE bukan base64".into()))
    }

    /// Removes the NIK and passphrase from a message the service may have echoed them in.
    fn redact(&self, message: &str) -> String {
        [self.nik.expose(), self.passphrase.expose()]
            .into_iter()
            .filter(|secret| !secret.is_empty())
            .fold(message.to_owned(), |text, secret| text.replace(secret, "***"))
    }
}

impl PdfSigner for BsreSigner {
    fn sign_digest(&self, digest: [u8; 32]) -> SignFuture<'_> {
        Box::pin(self.sign_hash(digest))
    }
}

/// The human part of an error body: the usual JSON message fields, else the text itself.
fn error_message(body: &str) -> String {
    if let Ok(serde_json::Value::Object(fields)) = serde_json::from_str::<serde_json::Value>(body) {
        let parts: Vec<&str> = ["error", "message", "error_description", "detail"]
            .iter()
            .filter_map(|key| fields.get(*key).and_then(serde_json::Value::as_str))
            .collect();
        if !parts.is_empty() {
            return parts.join("; ");
        }
    }
    body.chars().take(200).collect()
}

fn classify(status: u16, message: &str) -> SignError {
    let lower = message.to_lowercase();
    if ["tidak terdaftar", "belum terdaftar", "not registered"]
        .iter()
        .any(|k| lower.contains(k))
    {
        SignError::NotRegistered
    } else if lower.contains("passphrase") {
        SignError::WrongPassphrase
    } else if status >= 500 {
        SignError::Unavailable(format!("BSrE menjawab HTTP {status}"))
    } else {
        SignError::Unavailable(format!("BSrE menolak permintaan (HTTP {status}): {message}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_map_to_the_officer_messages() {
        let nik = error_message(r#"{"error":"NIK Tidak Terdaftar","status_code":2021}"#);
        assert!(matches!(classify(400, &nik), SignError::NotRegistered));
        assert!(matches!(classify(400, "user not registered"), SignError::NotRegistered));
        let pass = error_message(r#"{"message":"Passphrase anda salah"}"#);
        assert!(matches!(classify(401, &pass), SignError::WrongPassphrase));
        assert!(matches!(
            classify(503, "<html>Service Unavailable</html>"),
            SignError::Unavailable(_)
        ));
        assert!(matches!(classify(401, "invalid client"), SignError::Unavailable(m) if m.contains("401")));
    }

    #[test]
    fn secrets_never_print_and_echoes_are_redacted() {
        let signer = BsreSigner::new("http://127.0.0.1:9", "3201010101010001".into(), "rahasia-sekali".into())
            .unwrap()
            .with_client_credentials("kantor", "klien-rahasia".into());
        let debug = format!("{signer:?}");
        for secret in ["3201010101010001", "rahasia-sekali", "klien-rahasia"] {
            assert!(!debug.contains(secret), "{debug}");
        }
        assert_eq!(
            signer.redact("NIK 3201010101010001 / rahasia-sekali ditolak"),
            "NIK *** / *** ditolak"
        );
    }
}
