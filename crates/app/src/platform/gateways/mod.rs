//! The gateways that reach a phone: the WhatsApp Business Cloud API (`whatsapp`) and an HTTP
//! SMS gateway (`sms`), each a real HTTP client behind [`Gateway`], and a local fake that speaks
//! both contracts, errors included (`fake`). The contracts and where they come from are in
//! `docs/gateways.md`.
//!
//! A send either is accepted (the gateway's message id is kept to match its delivery reports),
//! refused for good (the gateway's code and reason are shown to officers; never retried), or
//! failed for now (retried by the outbox with backoff).

pub mod fake;
pub mod sms;
pub mod whatsapp;

use crate::platform::config::GatewayConfig;
use std::future::Future;
use std::time::Duration;

/// One message for a phone, as the outbox hands it to a gateway.
#[derive(Clone, Debug)]
pub struct Outgoing {
    /// The recipient in E.164 form, `+628…`.
    pub to: String,
    /// Our reference (the outbox row), sent where the contract has room for it.
    pub reference: String,
    /// WhatsApp: the approved template's name and language.
    pub template: String,
    pub language: String,
    /// WhatsApp: the template's body parameters, in order.
    pub params: Vec<String>,
    /// SMS: the whole text.
    pub text: String,
}

/// The gateway took the message; `provider_id` names it in later delivery reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub provider_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The gateway refused this message and will refuse it again (bad number, template missing).
    #[error("ditolak ({code}): {reason}")]
    Permanent { code: String, reason: String },
    /// Worth another try later (rate limit, outage, timeout, credentials being fixed).
    #[error("gagal sementara: {0}")]
    Temporary(String),
}

/// A gateway that sends one message.
pub trait Gateway: Send + Sync {
    fn send(&self, message: &Outgoing) -> impl Future<Output = Result<Accepted, SendError>> + Send;
}

/// What a delivery report says became of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    Delivered,
    Failed { code: String, reason: String },
}

/// One delivery report from a gateway's webhook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub provider_id: String,
    pub delivery: Delivery,
}

/// The configured gateways; `None` where the settings are missing.
#[derive(Clone, Default)]
pub struct Gateways {
    pub whatsapp: Option<whatsapp::WhatsApp>,
    pub sms: Option<sms::Sms>,
}

impl Gateways {
    pub fn from_config(config: &GatewayConfig) -> Result<Gateways, String> {
        Ok(Gateways {
            whatsapp: config.whatsapp.as_ref().map(whatsapp::WhatsApp::new).transpose()?,
            sms: config.sms.as_ref().map(sms::Sms::new).transpose()?,
        })
    }
}

/// The HTTP client of a gateway: rustls with the ring provider (reqwest is built without a
/// bundled one), short timeouts so a hanging gateway cannot hold the outbox worker.
pub(crate) fn http_client() -> Result<reqwest_tls::Client, String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest_tls::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(20))
        .build()
        .map_err(|e| format!("HTTP client: {e}"))
}

/// Statuses worth retrying: timeouts, rate limits and server errors; any other refusal is final.
pub fn temporary_status(status: u16) -> bool {
    matches!(status, 408 | 425 | 429) || status >= 500
}

/// A transport failure (no answer, refused connection) is always worth another try.
pub(crate) fn unreachable(e: reqwest_tls::Error) -> SendError {
    if e.is_timeout() {
        SendError::Temporary("gateway tidak menjawab tepat waktu".into())
    } else {
        SendError::Temporary(format!("gateway tidak dapat dihubungi ({})", e.without_url()))
    }
}

/// Posts a JSON body with a bearer token; the answer's status and text.
pub(crate) async fn post_json(
    http: &reqwest_tls::Client,
    url: &str,
    token: &str,
    body: &impl serde::Serialize,
) -> Result<(u16, String), SendError> {
    let response = http
        .post(url)
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .map_err(unreachable)?;
    let status = response.status().as_u16();
    let text = response.text().await.map_err(unreachable)?;
    Ok((status, text))
}

/// At most `max` characters of a gateway's text, for storage and display.
pub(crate) fn short(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_and_server_errors_are_temporary_other_refusals_final() {
        assert!(temporary_status(429));
        assert!(temporary_status(500));
        assert!(temporary_status(503));
        assert!(!temporary_status(400));
        assert!(!temporary_status(404));
    }
}
