//! The transactional outbox: a message is a row written in the same transaction as the change
//! that causes it; a background worker delivers it later with retries and backoff. A mail or
//! gateway outage never blocks a request and never loses a message. Channels: e-mail (SMTP),
//! WhatsApp and SMS (`platform::gateways`). A row's `status` goes queued → sent → delivered or
//! failed (the gateway's reason in `last_error`).

use crate::platform::db::Backend;
use crate::platform::db::Db;
use crate::platform::db::Tx;
use crate::platform::db::now_text;
use crate::platform::db::ts;
use crate::platform::gateways::Delivery;
use crate::platform::gateways::Gateway;
use crate::platform::gateways::Gateways;
use crate::platform::gateways::Outgoing;
use crate::platform::gateways::Report;
use crate::platform::gateways::SendError;
use chrono::Duration;
use chrono::Utc;
use lettre::AsyncSmtpTransport;
use lettre::AsyncTransport;
use lettre::Message;
use lettre::Tokio1Executor;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use sqlx::Row;
use std::sync::Arc;
use tokio::sync::Notify;

pub const DEV_MAILBOX: &str = "dev-mailbox";

/// Queues an email in the caller's transaction.
pub async fn enqueue_email(
    tx: &mut Tx,
    office_id: Option<&str>,
    recipient: &str,
    subject: &str,
    body: &str,
) -> Result<(), sqlx::Error> {
    enqueue(
        tx,
        &NewMessage {
            office_id,
            channel: EMAIL,
            recipient,
            subject,
            body,
            ..NewMessage::default()
        },
    )
    .await
}

pub const EMAIL: &str = "email";
pub const WHATSAPP: &str = "whatsapp";
pub const SMS: &str = "sms";

/// Notices of this kind carry a secret (a verification code): once the gateway has it, the
/// stored text and parameters are blanked.
pub const SECRET_KIND: &str = "verification";

/// A message of any channel. E-mail: `subject` and `body`. WhatsApp: `template` (name,
/// language) with `params`, `subject` kept for the lists. SMS: `body` is the text.
#[derive(Default)]
pub struct NewMessage<'a> {
    pub office_id: Option<&'a str>,
    pub channel: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub kind: Option<&'a str>,
    pub template: Option<(&'a str, &'a str)>,
    pub params: &'a [String],
    pub application_id: Option<&'a str>,
}

/// Queues a message in the caller's transaction.
pub async fn enqueue(tx: &mut Tx, m: &NewMessage<'_>) -> Result<(), sqlx::Error> {
    let now = now_text();
    let params = (!m.params.is_empty()).then(|| serde_json::to_string(m.params).unwrap_or_default());
    sqlx::query(
        "INSERT INTO outbox (office_id, channel, recipient, subject, body, created_at, attempts, next_attempt_at, \
         status, kind, template, template_language, params, application_id) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, 'queued', $8, $9, $10, $11, $12)",
    )
    .bind(m.office_id)
    .bind(m.channel)
    .bind(m.recipient)
    .bind(m.subject)
    .bind(m.body)
    .bind(&now)
    .bind(&now)
    .bind(m.kind)
    .bind(m.template.map(|t| t.0))
    .bind(m.template.map(|t| t.1))
    .bind(params)
    .bind(m.application_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
    },
    /// No SMTP configured: messages are kept for the development mailbox page.
    DevMailbox,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid SMTP URL: {0}")]
    Url(String),
    #[error("invalid sender address: {0}")]
    From(String),
}

impl Mailer {
    pub fn from_config(smtp_url: Option<&str>, from: &str) -> Result<Mailer, MailError> {
        match smtp_url {
            None => Ok(Mailer::DevMailbox),
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailError::Url(e.to_string()))?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build();
                let from = from.parse::<Mailbox>().map_err(|e| MailError::From(e.to_string()))?;
                Ok(Mailer::Smtp {
                    transport: Box::new(transport),
                    from,
                })
            }
        }
    }

    async fn deliver(&self, to: &str, subject: &str, body: &str) -> Result<&'static str, String> {
        match self {
            Mailer::DevMailbox => Ok(DEV_MAILBOX),
            Mailer::Smtp { transport, from } => {
                let to: Mailbox = to.parse().map_err(|e| format!("recipient: {e}"))?;
                let message = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(subject)
                    .header(ContentType::TEXT_PLAIN)
                    .body(body.to_string())
                    .map_err(|e| format!("build: {e}"))?;
                transport.send(message).await.map_err(|e| format!("smtp: {e}"))?;
                Ok("smtp")
            }
        }
    }
}

struct Claimed {
    id: i64,
    channel: String,
    recipient: String,
    subject: String,
    body: String,
    attempts: i64,
    kind: Option<String>,
    template: Option<String>,
    template_language: Option<String>,
    params: Option<String>,
}

impl Claimed {
    fn is_secret(&self) -> bool {
        self.kind.as_deref() == Some(SECRET_KIND)
    }

    fn outgoing(&self) -> Outgoing {
        Outgoing {
            to: self.recipient.clone(),
            reference: self.id.to_string(),
            template: self.template.clone().unwrap_or_default(),
            language: self.template_language.clone().unwrap_or_else(|| "id".into()),
            params: self
                .params
                .as_deref()
                .and_then(|p| serde_json::from_str(p).ok())
                .unwrap_or_default(),
            text: self.body.clone(),
        }
    }
}

/// Backoff after the n-th failed attempt: 30 s, 1 min, 2 min … capped at 1 hour. Never gives up
/// on a temporary failure; a gateway's final refusal is marked failed instead.
pub fn backoff(attempts: i64) -> Duration {
    let secs = 30i64.saturating_mul(1i64 << attempts.clamp(0, 7));
    Duration::seconds(secs.min(3600))
}

async fn claim(db: &Db, limit: i64) -> Result<Vec<Claimed>, sqlx::Error> {
    let now = Utc::now();
    let lock = match db.backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    // The lease makes a crashed worker's claim expire; the guarded UPDATE makes the claim safe
    // on SQLite, which has no row locks (the write lock serialises claimers).
    let sql = format!(
        "UPDATE outbox SET lease_until = $1, attempts = attempts + 1 WHERE id IN (\
           SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $2 AND status = 'queued' \
           AND (lease_until IS NULL OR lease_until < $2) ORDER BY id LIMIT $3{lock}) \
         RETURNING id, channel, recipient, subject, body, attempts, kind, template, template_language, params"
    );
    let mut tx = db.begin().await?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(ts(now + Duration::seconds(120)))
        .bind(ts(now))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    rows.iter()
        .map(|r| {
            Ok(Claimed {
                id: r.try_get("id")?,
                channel: r.try_get("channel")?,
                recipient: r.try_get("recipient")?,
                subject: r.try_get("subject")?,
                body: r.try_get("body")?,
                attempts: r.try_get("attempts")?,
                kind: r.try_get("kind")?,
                template: r.try_get("template")?,
                template_language: r.try_get("template_language")?,
                params: r.try_get("params")?,
            })
        })
        .collect()
}

/// What became of one claimed message.
enum Outcome {
    /// Handed over: the mail server or gateway accepted it.
    Sent {
        id: i64,
        transport: &'static str,
        provider_id: Option<String>,
        secret: bool,
    },
    /// Failed for now: tried again after the backoff.
    Retry { id: i64, attempts: i64, error: String },
    /// Refused for good by the gateway: never tried again.
    Failed { id: i64, error: String, secret: bool },
}

/// Everything the worker delivers with: the mailer and the configured phone gateways.
#[derive(Clone)]
pub struct Senders {
    pub mailer: Mailer,
    pub gateways: Gateways,
}

/// Outcomes are written together, in one transaction, at the end of a claimed batch, or sooner
/// when delivering has taken this long (a slow SMTP server).
const RECORD_AT_LEAST_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Delivers what is due; returns how many were sent.
///
/// Delivery is at least once: a message is marked sent after the mail server accepted it, so a
/// crash in between sends it again when its lease runs out. The marks of a batch of mail are
/// written in one transaction rather than one each: draining a backlog (a day's expiry
/// reminders, a queue kept while the mail server was down) would otherwise be a commit per
/// message, each one making every other SQLite connection drop its page cache while the pages
/// are being served. The price is that a crash can repeat up to one batch (or 5 s) of mail. A
/// WhatsApp or SMS message costs money and reaches a phone, so its outcome is written the
/// moment the gateway answered: a crash can repeat at most that one message.
pub async fn deliver_due(db: &Db, senders: &Senders) -> Result<usize, sqlx::Error> {
    let mut sent = 0;
    loop {
        let batch = claim(db, 20).await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut since = std::time::Instant::now();
        for m in batch {
            if m.channel == EMAIL {
                outcomes.push(deliver_mail(&senders.mailer, &m).await);
            } else {
                let outcome = deliver_phone(&senders.gateways, &m).await;
                sent += record(db, &[outcome]).await?;
            }
            if since.elapsed() >= RECORD_AT_LEAST_EVERY {
                sent += record(db, &outcomes).await?;
                outcomes.clear();
                since = std::time::Instant::now();
            }
        }
        sent += record(db, &outcomes).await?;
    }
}

async fn deliver_mail(mailer: &Mailer, m: &Claimed) -> Outcome {
    match mailer.deliver(&m.recipient, &m.subject, &m.body).await {
        Ok(transport) => Outcome::Sent {
            id: m.id,
            transport,
            provider_id: None,
            secret: m.is_secret(),
        },
        Err(error) => {
            tracing::warn!(outbox_id = m.id, attempts = m.attempts, %error, "mail delivery failed; will retry");
            Outcome::Retry {
                id: m.id,
                attempts: m.attempts,
                error,
            }
        }
    }
}

async fn deliver_phone(gateways: &Gateways, m: &Claimed) -> Outcome {
    let outgoing = m.outgoing();
    let (transport, result) = match m.channel.as_str() {
        WHATSAPP => match &gateways.whatsapp {
            Some(g) => (WHATSAPP, g.send(&outgoing).await),
            None => (WHATSAPP, Err(not_configured("WhatsApp"))),
        },
        SMS => match &gateways.sms {
            Some(g) => (SMS, g.send(&outgoing).await),
            None => (SMS, Err(not_configured("SMS"))),
        },
        other => (
            "unknown",
            Err(SendError::Permanent {
                code: "channel".into(),
                reason: format!("saluran tidak dikenal: {other}"),
            }),
        ),
    };
    match result {
        Ok(accepted) => Outcome::Sent {
            id: m.id,
            transport,
            provider_id: Some(accepted.provider_id),
            secret: m.is_secret(),
        },
        Err(SendError::Temporary(error)) => {
            tracing::warn!(outbox_id = m.id, attempts = m.attempts, channel = %m.channel, %error, "gateway send failed; will retry");
            Outcome::Retry {
                id: m.id,
                attempts: m.attempts,
                error,
            }
        }
        Err(SendError::Permanent { code, reason }) => {
            tracing::warn!(outbox_id = m.id, channel = %m.channel, %code, %reason, "gateway refused the message");
            Outcome::Failed {
                id: m.id,
                error: format!("{code}: {reason}"),
                secret: m.is_secret(),
            }
        }
    }
}

/// A message for a gateway this server has no settings for (they were removed after it was
/// queued): it cannot go, and the admin list says so.
fn not_configured(name: &str) -> SendError {
    SendError::Permanent {
        code: "not_configured".into(),
        reason: format!("gateway {name} belum diatur di server ini"),
    }
}

/// Writes the outcomes in one transaction; returns how many were sent.
async fn record(db: &Db, outcomes: &[Outcome]) -> Result<usize, sqlx::Error> {
    if outcomes.is_empty() {
        return Ok(0);
    }
    let now = now_text();
    let mut sent = 0;
    let mut tx = db.begin().await?;
    for o in outcomes {
        match o {
            Outcome::Sent {
                id,
                transport,
                provider_id,
                secret,
            } => {
                sqlx::query(
                    "UPDATE outbox SET sent_at = $1, status = 'sent', status_at = $1, transport = $2, provider_id = $3, \
                     lease_until = NULL, last_error = NULL WHERE id = $4",
                )
                .bind(&now)
                .bind(*transport)
                .bind(provider_id.as_deref())
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if *secret {
                    forget_secret(&mut tx, *id).await?;
                }
                sent += 1;
            }
            Outcome::Retry { id, attempts, error } => {
                sqlx::query(
                    "UPDATE outbox SET next_attempt_at = $1, lease_until = NULL, last_error = $2 WHERE id = $3",
                )
                .bind(ts(Utc::now() + backoff(*attempts)))
                .bind(error.chars().take(500).collect::<String>())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            Outcome::Failed { id, error, secret } => {
                sqlx::query(
                    "UPDATE outbox SET status = 'failed', status_at = $1, lease_until = NULL, last_error = $2 WHERE id = $3",
                )
                .bind(&now)
                .bind(error.chars().take(500).collect::<String>())
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if *secret {
                    forget_secret(&mut tx, *id).await?;
                }
            }
        }
    }
    tx.commit().await?;
    Ok(sent)
}

/// Blanks the text of a message that carried a verification code.
async fn forget_secret(tx: &mut Tx, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE outbox SET body = '(kode verifikasi tidak disimpan)', params = NULL WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Records a gateway's delivery report; false when no sent message has that id (a report for
/// another system's message, or one already final).
pub async fn record_report(db: &Db, channel: &str, report: &Report) -> Result<bool, sqlx::Error> {
    let now = now_text();
    let done = match &report.delivery {
        Delivery::Sent => return Ok(true),
        Delivery::Delivered => {
            sqlx::query(
                "UPDATE outbox SET status = 'delivered', status_at = $1 \
                 WHERE channel = $2 AND provider_id = $3 AND status = 'sent'",
            )
            .bind(&now)
            .bind(channel)
            .bind(&report.provider_id)
            .execute(&db.pool)
            .await?
        }
        Delivery::Failed { code, reason } => {
            sqlx::query(
                "UPDATE outbox SET status = 'failed', status_at = $1, last_error = $2 \
                 WHERE channel = $3 AND provider_id = $4 AND status = 'sent'",
            )
            .bind(&now)
            .bind(format!("{code}: {reason}").chars().take(500).collect::<String>())
            .bind(channel)
            .bind(&report.provider_id)
            .execute(&db.pool)
            .await?
        }
    };
    Ok(done.rows_affected() > 0)
}

/// The background worker: wakes on a notification (a message was queued) or every interval.
pub async fn run_worker(db: Db, senders: Senders, wake: Arc<Notify>, interval_ms: u64) {
    loop {
        if let Err(e) = deliver_due(&db, &senders).await {
            tracing::error!(error = %e, "outbox worker");
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(std::time::Duration::from_millis(interval_ms)) => {}
        }
    }
}

/// Messages delivered to the development mailbox, newest first: (created_at, recipient, subject, body).
pub async fn dev_mailbox(db: &Db, limit: i64) -> Result<Vec<(String, String, String, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT created_at, recipient, subject, body FROM outbox WHERE transport = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(DEV_MAILBOX)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("created_at")?,
                r.try_get("recipient")?,
                r.try_get("subject")?,
                r.try_get("body")?,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(0), Duration::seconds(30));
        assert_eq!(backoff(1), Duration::seconds(60));
        assert!(backoff(3) > backoff(2));
        assert_eq!(backoff(50), Duration::seconds(3600));
    }
}
