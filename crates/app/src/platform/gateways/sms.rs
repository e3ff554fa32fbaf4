//! An HTTP SMS gateway with the small contract of `docs/gateways.md`, the shape most Indonesian
//! SMS aggregators offer in some dialect:
//!
//! - `POST {url}` with `Authorization: Bearer {token}` and `{"to": "+628…", "text": "…",
//!   "reference": "…"}`; the gateway answers `{"id": "…", "status": "accepted"}`, or an error
//!   `{"error": {"code": "…", "message": "…"}}` (4xx refused for good, 429/5xx try again later).
//!   `reference` is ours and lets the gateway drop a repeated send.
//! - Delivery reports to our `POST /api/hooks/sms` with `Authorization: Bearer {callback token}`
//!   and `{"id": "…", "reference": "…", "status": "delivered" | "failed",
//!   "error": {"code", "message"}}`.

use crate::platform::config::SmsConfig;
use crate::platform::gateways::Accepted;
use crate::platform::gateways::Delivery;
use crate::platform::gateways::Gateway;
use crate::platform::gateways::Outgoing;
use crate::platform::gateways::Report;
use crate::platform::gateways::SendError;
use crate::platform::gateways::http_client;
use crate::platform::gateways::post_json;
use crate::platform::gateways::short;
use crate::platform::gateways::temporary_status;
use serde::Deserialize;
use serde::Serialize;

#[derive(Clone)]
pub struct Sms {
    http: reqwest_tls::Client,
    url: String,
    token: String,
}

impl Sms {
    pub fn new(config: &SmsConfig) -> Result<Sms, String> {
        if !(config.url.starts_with("https://") || config.url.starts_with("http://")) {
            return Err(format!("IZINKES_SMS_URL is not an http(s) URL: {}", config.url));
        }
        Ok(Sms {
            http: http_client()?,
            url: config.url.clone(),
            token: config.token.clone(),
        })
    }
}

#[derive(Serialize, Deserialize, Debug)]
pub struct SmsRequest {
    pub to: String,
    pub text: String,
    pub reference: String,
}

#[derive(Serialize, Deserialize, Debug)]
pub struct SmsAnswer {
    pub id: String,
    #[serde(default)]
    pub status: String,
}

#[derive(Serialize, Deserialize, Debug, Default)]
pub struct SmsError {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
}

#[derive(Serialize, Deserialize, Debug)]
pub struct SmsErrorAnswer {
    pub error: SmsError,
}

/// A delivery report posted to our callback.
#[derive(Serialize, Deserialize, Debug)]
pub struct SmsReport {
    pub id: String,
    #[serde(default)]
    pub reference: String,
    pub status: String,
    #[serde(default)]
    pub error: Option<SmsError>,
}

impl SmsReport {
    /// What the report says; `None` for statuses we do not track (queued at the operator …).
    pub fn report(self) -> Option<Report> {
        let delivery = match self.status.as_str() {
            "sent" | "accepted" => Delivery::Sent,
            "delivered" => Delivery::Delivered,
            "failed" | "undelivered" | "rejected" => {
                let e = self.error.unwrap_or_default();
                Delivery::Failed {
                    code: if e.code.is_empty() {
                        self.status.clone()
                    } else {
                        short(&e.code, 60)
                    },
                    reason: short(&e.message, 300),
                }
            }
            _ => return None,
        };
        Some(Report {
            provider_id: self.id,
            delivery,
        })
    }
}

/// Sorts a refused send: 401/403 (our credentials) and 429/5xx are worth retrying.
pub fn classify(status: u16, body: &str) -> SendError {
    let (code, message) = match serde_json::from_str::<SmsErrorAnswer>(body) {
        Ok(a) => (a.error.code, a.error.message),
        Err(_) => (format!("http_{status}"), short(body, 200)),
    };
    if temporary_status(status) || matches!(status, 401 | 403) {
        SendError::Temporary(format!("HTTP {status} {code}: {message}"))
    } else {
        SendError::Permanent {
            code: short(&code, 60),
            reason: short(&message, 300),
        }
    }
}

impl Gateway for Sms {
    async fn send(&self, m: &Outgoing) -> Result<Accepted, SendError> {
        let body = SmsRequest {
            to: m.to.clone(),
            text: m.text.clone(),
            reference: m.reference.clone(),
        };
        let (status, text) = post_json(&self.http, &self.url, &self.token, &body).await?;
        if !(200..300).contains(&status) {
            return Err(classify(status, &text));
        }
        let answer: SmsAnswer = serde_json::from_str(&text)
            .map_err(|_| SendError::Temporary(format!("jawaban gateway SMS tidak dikenal: {}", short(&text, 200))))?;
        Ok(Accepted { provider_id: answer.id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_number_is_final_an_outage_is_not() {
        let body = r#"{"error":{"code":"invalid_number","message":"Nomor tidak dikenal operator"}}"#;
        assert_eq!(
            classify(400, body),
            SendError::Permanent {
                code: "invalid_number".into(),
                reason: "Nomor tidak dikenal operator".into()
            }
        );
        assert!(matches!(classify(503, body), SendError::Temporary(_)));
        assert!(matches!(classify(401, body), SendError::Temporary(_)));
    }

    #[test]
    fn reports_map_to_deliveries() {
        let r: SmsReport = serde_json::from_str(
            r#"{"id":"s1","reference":"9","status":"failed","error":{"code":"absent","message":"Ponsel tidak aktif"}}"#,
        )
        .unwrap();
        assert_eq!(
            r.report().unwrap().delivery,
            Delivery::Failed {
                code: "absent".into(),
                reason: "Ponsel tidak aktif".into()
            }
        );
        let r: SmsReport = serde_json::from_str(r#"{"id":"s1","status":"buffered"}"#).unwrap();
        assert!(r.report().is_none());
    }
}
