//! A local stand-in for both gateways, speaking their public contracts, errors included: the
//! WhatsApp Cloud API's `POST /{version}/{phone-number-id}/messages` and the SMS gateway's
//! `POST /sms/send`. It records what it receives, and reports delivery back to our webhooks the
//! way the real ones do (the WhatsApp report signed with the app secret). Used by the
//! integration and browser tests and by `izinkes fake-gateway` for a demo without accounts.
//!
//! What it answers: a wrong token is refused (WhatsApp code 190, HTTP 401); a number marked
//! with [`FakeGateway::reject`] is refused for good (WhatsApp 131026 "Message undeliverable",
//! HTTP 400; SMS `invalid_number`); one marked with [`FakeGateway::undeliverable`] is accepted
//! and then reported failed; [`FakeGateway::throttle_next`] makes the next sends hit the rate
//! limit (WhatsApp 130429, HTTP 429; SMS `rate_limited`, HTTP 429).

use crate::platform::config::GatewayConfig;
use crate::platform::config::SmsConfig;
use crate::platform::config::WhatsAppConfig;
use crate::platform::gateways::sms::SmsError;
use crate::platform::gateways::sms::SmsErrorAnswer;
use crate::platform::gateways::sms::SmsReport;
use crate::platform::gateways::sms::SmsRequest;
use crate::platform::gateways::whatsapp::signature;
use axum::Json;
use axum::Router;
use axum::extract::Path;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::post;
use serde_json::Value;
use serde_json::json;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering;

/// The credentials the fake expects and signs with; `izinkes fake-gateway` prints them.
#[derive(Clone, Debug)]
pub struct FakeSettings {
    pub whatsapp_token: String,
    pub phone_number_id: String,
    pub app_secret: String,
    pub verify_token: String,
    pub sms_token: String,
    pub sms_callback_token: String,
}

impl Default for FakeSettings {
    fn default() -> FakeSettings {
        FakeSettings {
            whatsapp_token: "fake-whatsapp-token".into(),
            phone_number_id: "100000000000001".into(),
            app_secret: "fake-app-secret".into(),
            verify_token: "fake-verify-token".into(),
            sms_token: "fake-sms-token".into(),
            sms_callback_token: "fake-sms-callback-token".into(),
        }
    }
}

/// A message the fake accepted.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Received {
    /// `whatsapp` or `sms`.
    pub channel: &'static str,
    /// The recipient as sent (WhatsApp: digits; SMS: `+62…`).
    pub to: String,
    /// WhatsApp: the template's name.
    pub template: String,
    /// WhatsApp: the body parameters; SMS: the text as the only element.
    pub params: Vec<String>,
    /// The id the fake answered with.
    pub id: String,
}

struct Fake {
    settings: FakeSettings,
    received: Mutex<Vec<Received>>,
    rejected: Mutex<HashSet<String>>,
    undeliverable: Mutex<HashSet<String>>,
    throttle: AtomicUsize,
    callback: Mutex<Option<String>>,
    seq: AtomicU64,
    http: Option<reqwest_tls::Client>,
}

/// The running fake; stops when dropped.
pub struct FakeGateway {
    addr: SocketAddr,
    fake: Arc<Fake>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeGateway {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Digits only, so `+62812…` and `62812…` are one number.
fn digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

impl FakeGateway {
    /// Listens on 127.0.0.1:`port` (0: any free port).
    pub async fn start(port: u16, settings: FakeSettings) -> std::io::Result<FakeGateway> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let fake = Arc::new(Fake {
            settings,
            received: Mutex::new(Vec::new()),
            rejected: Mutex::new(HashSet::new()),
            undeliverable: Mutex::new(HashSet::new()),
            throttle: AtomicUsize::new(0),
            callback: Mutex::new(None),
            seq: AtomicU64::new(0),
            http: super::http_client().ok(),
        });
        let app = Router::new()
            .route("/{version}/{phone_number_id}/messages", post(whatsapp_send))
            .route("/sms/send", post(sms_send))
            .route("/received", axum::routing::get(received_list))
            .with_state(fake.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(FakeGateway { addr, fake, task })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The settings that point izinkes at this fake.
    pub fn gateway_config(&self) -> GatewayConfig {
        let s = &self.fake.settings;
        GatewayConfig {
            whatsapp: Some(WhatsAppConfig {
                base_url: format!("{}/v24.0", self.url()),
                token: s.whatsapp_token.clone(),
                phone_number_id: s.phone_number_id.clone(),
                app_secret: s.app_secret.clone(),
                verify_token: s.verify_token.clone(),
            }),
            sms: Some(SmsConfig {
                url: format!("{}/sms/send", self.url()),
                token: s.sms_token.clone(),
                callback_token: s.sms_callback_token.clone(),
            }),
        }
    }

    /// The same as environment variables, for `izinkes serve`.
    pub fn env_vars(&self) -> Vec<(&'static str, String)> {
        let s = &self.fake.settings;
        vec![
            ("IZINKES_WHATSAPP_URL", format!("{}/v24.0", self.url())),
            ("IZINKES_WHATSAPP_TOKEN", s.whatsapp_token.clone()),
            ("IZINKES_WHATSAPP_PHONE_NUMBER_ID", s.phone_number_id.clone()),
            ("IZINKES_WHATSAPP_APP_SECRET", s.app_secret.clone()),
            ("IZINKES_WHATSAPP_VERIFY_TOKEN", s.verify_token.clone()),
            ("IZINKES_SMS_URL", format!("{}/sms/send", self.url())),
            ("IZINKES_SMS_TOKEN", s.sms_token.clone()),
            ("IZINKES_SMS_CALLBACK_TOKEN", s.sms_callback_token.clone()),
        ]
    }

    /// Where delivery reports go: the izinkes base URL (`…/api/hooks/whatsapp`, `…/api/hooks/sms`).
    pub fn call_back(&self, base_url: &str) {
        if let Ok(mut c) = self.fake.callback.lock() {
            *c = Some(base_url.trim_end_matches('/').to_string());
        }
    }

    /// Messages accepted so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        self.fake.received.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Refuse every message to `phone` for good.
    pub fn reject(&self, phone: &str) {
        if let Ok(mut r) = self.fake.rejected.lock() {
            r.insert(digits(phone));
        }
    }

    /// Accept messages to `phone`, then report them failed.
    pub fn undeliverable(&self, phone: &str) {
        if let Ok(mut r) = self.fake.undeliverable.lock() {
            r.insert(digits(phone));
        }
    }

    /// The next `n` sends (either channel) hit the rate limit.
    pub fn throttle_next(&self, n: usize) {
        self.fake.throttle.store(n, Ordering::SeqCst);
    }
}

impl Fake {
    fn bearer_is(&self, headers: &HeaderMap, token: &str) -> bool {
        headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|t| t == token)
    }

    /// Takes one throttled send, if any are left.
    fn throttled(&self) -> bool {
        self.throttle
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }

    fn has(set: &Mutex<HashSet<String>>, phone: &str) -> bool {
        set.lock().map(|s| s.contains(&digits(phone))).unwrap_or(false)
    }

    fn next_id(&self, prefix: &str) -> String {
        let n = self.seq.fetch_add(1, Ordering::SeqCst) + 1;
        format!("{prefix}{n:012}")
    }

    fn record(&self, r: Received) {
        tracing::info!(channel = r.channel, to = %r.to, template = %r.template, params = ?r.params, id = %r.id, "fake gateway accepted a message");
        if let Ok(mut v) = self.received.lock() {
            v.push(r);
        }
    }

    /// Posts a delivery report to our webhook a moment later, as a gateway does.
    fn report(self: &Arc<Self>, path: &'static str, body: Value, headers: Vec<(&'static str, String)>) {
        let Some(base) = self.callback.lock().ok().and_then(|c| c.clone()) else {
            return;
        };
        let Some(http) = self.http.clone() else {
            return;
        };
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
            let body = body.to_string();
            let mut request = http
                .post(format!("{base}{path}"))
                .header("content-type", "application/json")
                .body(body);
            for (k, v) in headers {
                request = request.header(k, v);
            }
            if let Err(e) = request.send().await {
                tracing::warn!(error = %e, "fake gateway: delivery report not delivered");
            }
        });
    }
}

fn graph_error(status: StatusCode, code: i64, message: &str, details: &str) -> Response {
    let body = json!({"error": {
        "message": format!("(#{code}) {message}"),
        "type": "OAuthException",
        "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": details},
        "fbtrace_id": "AfakeTraceId",
    }});
    (status, Json(body)).into_response()
}

async fn whatsapp_send(
    State(fake): State<Arc<Fake>>,
    Path((_version, phone_number_id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if !fake.bearer_is(&headers, &fake.settings.whatsapp_token) {
        return graph_error(
            StatusCode::UNAUTHORIZED,
            190,
            "Access token has expired",
            "Error validating access token",
        );
    }
    let to = body["to"].as_str().unwrap_or_default().to_string();
    let template = body["template"]["name"].as_str().unwrap_or_default().to_string();
    if phone_number_id != fake.settings.phone_number_id
        || body["messaging_product"] != "whatsapp"
        || body["type"] != "template"
        || template.is_empty()
        || to.is_empty()
    {
        return graph_error(StatusCode::BAD_REQUEST, 100, "Invalid parameter", "Invalid parameter");
    }
    if fake.throttled() {
        return graph_error(
            StatusCode::TOO_MANY_REQUESTS,
            130429,
            "Rate limit hit",
            "Message failed to send because there were too many messages sent from this phone number in a short period of time",
        );
    }
    if Fake::has(&fake.rejected, &to) {
        return graph_error(
            StatusCode::BAD_REQUEST,
            131026,
            "Message undeliverable",
            "Message Undeliverable.",
        );
    }
    let params = body["template"]["components"][0]["parameters"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .map(|p| p["text"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    let id = fake.next_id("wamid.FAKE");
    fake.record(Received {
        channel: "whatsapp",
        to: to.clone(),
        template,
        params,
        id: id.clone(),
    });
    let status = if Fake::has(&fake.undeliverable, &to) {
        json!({"id": id, "status": "failed", "timestamp": "1", "recipient_id": to,
            "errors": [{"code": 131026, "title": "Message undeliverable",
                "message": "Message undeliverable", "error_data": {"details": "Message Undeliverable."}}]})
    } else {
        json!({"id": id, "status": "delivered", "timestamp": "1", "recipient_id": to})
    };
    let report = json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA-FAKE", "changes": [{
        "field": "messages",
        "value": {"messaging_product": "whatsapp",
            "metadata": {"phone_number_id": fake.settings.phone_number_id},
            "statuses": [status]},
    }]}]});
    let sig = signature(&fake.settings.app_secret, report.to_string().as_bytes());
    fake.report("/api/hooks/whatsapp", report, vec![("x-hub-signature-256", sig)]);
    let answer = json!({
        "messaging_product": "whatsapp",
        "contacts": [{"input": to, "wa_id": to}],
        "messages": [{"id": id}],
    });
    (StatusCode::OK, Json(answer)).into_response()
}

fn sms_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = SmsErrorAnswer {
        error: SmsError {
            code: code.into(),
            message: message.into(),
        },
    };
    (status, Json(body)).into_response()
}

async fn sms_send(State(fake): State<Arc<Fake>>, headers: HeaderMap, Json(body): Json<SmsRequest>) -> Response {
    if !fake.bearer_is(&headers, &fake.settings.sms_token) {
        return sms_error(StatusCode::UNAUTHORIZED, "unauthorized", "Token tidak valid");
    }
    if body.text.is_empty() {
        return sms_error(StatusCode::BAD_REQUEST, "empty_text", "Teks kosong");
    }
    if fake.throttled() {
        return sms_error(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Terlalu banyak pesan; coba lagi nanti",
        );
    }
    if Fake::has(&fake.rejected, &body.to) || !body.to.starts_with("+62") {
        return sms_error(StatusCode::BAD_REQUEST, "invalid_number", "Nomor tujuan tidak valid");
    }
    let id = fake.next_id("sms-");
    fake.record(Received {
        channel: "sms",
        to: body.to.clone(),
        template: String::new(),
        params: vec![body.text.clone()],
        id: id.clone(),
    });
    let report = if Fake::has(&fake.undeliverable, &body.to) {
        SmsReport {
            id: id.clone(),
            reference: body.reference.clone(),
            status: "failed".into(),
            error: Some(SmsError {
                code: "absent_subscriber".into(),
                message: "Ponsel tujuan tidak aktif".into(),
            }),
        }
    } else {
        SmsReport {
            id: id.clone(),
            reference: body.reference.clone(),
            status: "delivered".into(),
            error: None,
        }
    };
    let report = serde_json::to_value(report).unwrap_or_default();
    let auth = format!("Bearer {}", fake.settings.sms_callback_token);
    fake.report("/api/hooks/sms", report, vec![("authorization", auth)]);
    (StatusCode::OK, Json(json!({"id": id, "status": "accepted"}))).into_response()
}

/// `GET /received`: what the fake accepted, oldest first, as JSON (to read the WhatsApp and SMS
/// messages of a local run).
async fn received_list(State(fake): State<Arc<Fake>>) -> Response {
    let list = fake.received.lock().map(|l| l.clone()).unwrap_or_default();
    Json(list).into_response()
}
