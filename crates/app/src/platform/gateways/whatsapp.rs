//! The WhatsApp Business Cloud API: template messages out, delivery statuses in by webhook.
//!
//! Out: `POST {base}/{phone-number-id}/messages` with `Authorization: Bearer {token}` and a
//! `template` message; the answer names the message (`messages[0].id`, a `wamid.…`). Errors are
//! Graph API errors, `{"error": {"message", "type", "code", "error_data": {"details"},
//! "fbtrace_id"}}`. In: the webhook (`GET` to verify the URL with `hub.verify_token`, `POST`
//! signed with the app secret in `X-Hub-Signature-256`) carrying `entry[].changes[].value
//! .statuses[]`. Sources in `docs/gateways.md`.

use crate::platform::config::WhatsAppConfig;
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
use serde_json::Value;
use serde_json::json;

/// The client of one business phone number.
#[derive(Clone)]
pub struct WhatsApp {
    http: reqwest_tls::Client,
    messages_url: String,
    token: String,
}

impl WhatsApp {
    pub fn new(config: &WhatsAppConfig) -> Result<WhatsApp, String> {
        let base = config.base_url.trim_end_matches('/');
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(format!("IZINKES_WHATSAPP_URL is not an http(s) URL: {base}"));
        }
        Ok(WhatsApp {
            http: http_client()?,
            messages_url: format!("{base}/{}/messages", config.phone_number_id),
            token: config.token.clone(),
        })
    }
}

/// The body of a template message.
pub fn template_body(m: &Outgoing) -> Value {
    let parameters: Vec<Value> = m.params.iter().map(|p| json!({"type": "text", "text": p})).collect();
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": m.to.trim_start_matches('+'),
        "type": "template",
        "template": {
            "name": m.template,
            "language": {"code": m.language},
            "components": [{"type": "body", "parameters": parameters}],
        },
    })
}

#[derive(Deserialize)]
struct SendAnswer {
    #[serde(default)]
    messages: Vec<MessageId>,
}

#[derive(Deserialize)]
struct MessageId {
    id: String,
}

#[derive(Deserialize, Serialize, Default)]
pub struct GraphError {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub code: i64,
    #[serde(default)]
    pub error_data: Option<ErrorData>,
}

#[derive(Deserialize, Serialize, Default)]
pub struct ErrorData {
    #[serde(default)]
    pub details: String,
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: GraphError,
}

/// Codes that say "not now" rather than "never": throughput and pair rate limits, spam rate
/// limit, unknown or service errors, and the credentials (an expired token is the office's to
/// fix; the message itself is fine and goes once it is).
const TEMPORARY_CODES: [i64; 11] = [0, 1, 2, 4, 190, 80007, 130429, 131000, 131016, 131048, 131056];

/// Sorts a refused send into permanent or temporary, keeping the gateway's code and reason.
pub fn classify(status: u16, body: &str) -> SendError {
    let error = serde_json::from_str::<ErrorAnswer>(body).map(|a| a.error).ok();
    let Some(error) = error else {
        let reason = format!("HTTP {status}: {}", short(body, 200));
        return if temporary_status(status) {
            SendError::Temporary(reason)
        } else {
            SendError::Permanent {
                code: format!("http_{status}"),
                reason,
            }
        };
    };
    let details = error.error_data.map(|d| d.details).unwrap_or_default();
    let reason = if details.is_empty() { error.message } else { details };
    let reason = short(&reason, 300);
    if TEMPORARY_CODES.contains(&error.code) || temporary_status(status) || status == 401 {
        SendError::Temporary(format!("{} ({reason})", error.code))
    } else {
        SendError::Permanent {
            code: error.code.to_string(),
            reason,
        }
    }
}

impl Gateway for WhatsApp {
    async fn send(&self, m: &Outgoing) -> Result<Accepted, SendError> {
        let (status, text) = post_json(&self.http, &self.messages_url, &self.token, &template_body(m)).await?;
        if !(200..300).contains(&status) {
            return Err(classify(status, &text));
        }
        let answer: SendAnswer = serde_json::from_str(&text)
            .map_err(|_| SendError::Temporary(format!("jawaban WhatsApp tidak dikenal: {}", short(&text, 200))))?;
        let id = answer
            .messages
            .into_iter()
            .next()
            .map(|m| m.id)
            .ok_or_else(|| SendError::Temporary("jawaban WhatsApp tanpa id pesan".into()))?;
        Ok(Accepted { provider_id: id })
    }
}

/// `sha256=<hex>` of the body under the app secret, as Meta signs a webhook (the same form as
/// izinkes's own payment callback).
pub use crate::platform::signatures::signature;
/// Whether `X-Hub-Signature-256` is the body's signature under the app secret.
pub use crate::platform::signatures::signature_valid;

#[derive(Deserialize, Default)]
struct Notification {
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize, Default)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Deserialize, Default)]
struct Change {
    #[serde(default)]
    value: ChangeValue,
}

#[derive(Deserialize, Default)]
struct ChangeValue {
    #[serde(default)]
    statuses: Vec<StatusItem>,
}

#[derive(Deserialize)]
struct StatusItem {
    id: String,
    status: String,
    #[serde(default)]
    errors: Vec<StatusError>,
}

#[derive(Deserialize)]
struct StatusError {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    title: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    error_data: Option<ErrorData>,
}

/// The delivery reports in a webhook body; other notifications (incoming messages, account
/// updates) carry none and are ignored.
pub fn parse_statuses(body: &[u8]) -> Result<Vec<Report>, serde_json::Error> {
    let n: Notification = serde_json::from_slice(body)?;
    let statuses = n
        .entry
        .into_iter()
        .flat_map(|e| e.changes)
        .flat_map(|c| c.value.statuses);
    Ok(statuses
        .filter_map(|s| {
            let delivery = match s.status.as_str() {
                "sent" => Delivery::Sent,
                "delivered" | "read" => Delivery::Delivered,
                "failed" => {
                    let e = s.errors.into_iter().next();
                    let code = e
                        .as_ref()
                        .map(|e| e.code.to_string())
                        .unwrap_or_else(|| "failed".into());
                    let reason = e
                        .map(|e| {
                            let details = e.error_data.map(|d| d.details).unwrap_or_default();
                            [details, e.message, e.title]
                                .into_iter()
                                .find(|t| !t.is_empty())
                                .unwrap_or_default()
                        })
                        .unwrap_or_default();
                    Delivery::Failed {
                        code,
                        reason: short(&reason, 300),
                    }
                }
                _ => return None,
            };
            Some(Report {
                provider_id: s.id,
                delivery,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_message_names_template_language_and_parameters() {
        let m = Outgoing {
            to: "+6281234567890".into(),
            reference: "7".into(),
            template: "izinkes_status".into(),
            language: "id".into(),
            params: vec!["Berkas dikembalikan".into(), "https://x/y".into()],
            text: String::new(),
        };
        let b = template_body(&m);
        assert_eq!(b["messaging_product"], "whatsapp");
        assert_eq!(b["to"], "6281234567890");
        assert_eq!(b["template"]["name"], "izinkes_status");
        assert_eq!(b["template"]["language"]["code"], "id");
        assert_eq!(b["template"]["components"][0]["parameters"][1]["text"], "https://x/y");
    }

    #[test]
    fn undeliverable_is_permanent_rate_limit_and_bad_token_are_temporary() {
        let err = |code: i64, details: &str| {
            json!({"error": {"message": "(#x) y", "type": "OAuthException", "code": code,
                "error_data": {"messaging_product": "whatsapp", "details": details}, "fbtrace_id": "A"}})
            .to_string()
        };
        assert_eq!(
            classify(400, &err(131026, "Message Undeliverable.")),
            SendError::Permanent {
                code: "131026".into(),
                reason: "Message Undeliverable.".into()
            }
        );
        assert!(matches!(
            classify(429, &err(130429, "Rate limit hit")),
            SendError::Temporary(_)
        ));
        assert!(matches!(classify(401, &err(190, "expired")), SendError::Temporary(_)));
        assert!(matches!(
            classify(502, "<html>bad gateway</html>"),
            SendError::Temporary(_)
        ));
        assert!(matches!(classify(400, "garbage"), SendError::Permanent { .. }));
    }

    #[test]
    fn signatures_verify_only_with_the_same_secret_and_body() {
        let body = br#"{"entry":[]}"#;
        let sig = signature("rahasia", body);
        assert!(signature_valid("rahasia", body, &sig));
        assert!(!signature_valid("lain", body, &sig));
        assert!(!signature_valid("rahasia", br#"{"entry":[1]}"#, &sig));
        assert!(!signature_valid("rahasia", body, "sha256=zz"));
        assert!(!signature_valid("rahasia", body, ""));
    }

    #[test]
    fn statuses_are_read_from_every_entry_and_change() {
        let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "statuses": [
            {"id": "wamid.A", "status": "delivered", "timestamp": "1", "recipient_id": "62812"},
            {"id": "wamid.B", "status": "failed", "errors": [{"code": 131026, "title": "Message undeliverable", "error_data": {"details": "Nomor tidak memakai WhatsApp"}}]},
            {"id": "wamid.C", "status": "deleted"}
        ]}}]}]});
        let r = parse_statuses(body.to_string().as_bytes()).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].delivery, Delivery::Delivered);
        assert_eq!(
            r[1].delivery,
            Delivery::Failed {
                code: "131026".into(),
                reason: "Nomor tidak memakai WhatsApp".into()
            }
        );
    }
}
