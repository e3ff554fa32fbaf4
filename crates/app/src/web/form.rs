//! Reading form bodies (urlencoded, with repeated keys) and uploaded files from multipart forms.

use crate::web::error::WebError;
use axum::extract::Multipart;
use axum::http::StatusCode;
use std::collections::HashMap;

/// A urlencoded form body: first value per key, and every value for repeated keys.
pub struct FormBody {
    pub pairs: Vec<(String, String)>,
}

impl FormBody {
    pub fn parse(bytes: &[u8]) -> FormBody {
        FormBody {
            pairs: form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }
    pub fn get(&self, key: &str) -> String {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
    pub fn all(&self, key: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }
    pub fn has(&self, key: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == key)
    }
    /// All values as a map (first wins), without the CSRF token.
    pub fn map(&self) -> HashMap<String, String> {
        let mut m = HashMap::new();
        for (k, v) in &self.pairs {
            if k != crate::web::cookies::CSRF_FIELD {
                m.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        m
    }
}

/// Reads the first file field of a multipart body: (field name, file name, bytes).
pub async fn read_file_field(mp: Multipart) -> Result<(Option<(String, Vec<u8>)>, HashMap<String, String>), WebError> {
    read_file_and_fields(mp, 500).await
}

/// As [`read_file_field`], keeping up to `max_chars` of each text field (a message's text is
/// longer than a label; the service says when it is too long rather than cutting it).
pub async fn read_file_and_fields(
    mut mp: Multipart,
    max_chars: usize,
) -> Result<(Option<(String, Vec<u8>)>, HashMap<String, String>), WebError> {
    let mut file = None;
    let mut fields = HashMap::new();
    loop {
        let next = mp.next_field().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                WebError::TooLarge
            } else {
                WebError::BadRequest("Unggahan terputus atau rusak; silakan coba lagi.".into())
            }
        })?;
        let Some(field) = next else { break };
        let name = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            Some(filename) if file.is_none() => {
                let bytes = field.bytes().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        WebError::TooLarge
                    } else {
                        WebError::BadRequest("Unggahan terputus; silakan coba lagi.".into())
                    }
                })?;
                if !filename.is_empty() || !bytes.is_empty() {
                    file = Some((filename, bytes.to_vec()));
                }
            }
            _ => {
                let text = field.text().await.unwrap_or_default();
                fields.insert(name, text.chars().take(max_chars).collect());
            }
        }
    }
    Ok((file, fields))
}
