//! The transactional outbox: a message is a row written in the same transaction as the change
//! that causes it; a background worker delivers it later with retries and backoff. A mail
//! outage never blocks a request and never loses a message.

use crate::platform::db::Backend;
use crate::platform::db::Db;
use crate::platform::db::Tx;
use crate::platform::db::now_text;
use crate::platform::db::ts;
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
    let now = now_text();
    sqlx::query(
        "INSERT INTO outbox (office_id, channel, recipient, subject, body, created_at, attempts, next_attempt_at) \
         VALUES ($1, 'email', $2, $3, $4, $5, 0, $6)",
    )
    .bind(office_id)
    .bind(recipient)
    .bind(subject)
    .bind(body)
    .bind(&now)
    .bind(&now)
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
    recipient: String,
    subject: String,
    body: String,
    attempts: i64,
}

/// Backoff after the n-th failed attempt: 30 s, 1 min, 2 min … capped at 1 hour. Never gives up.
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
           SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $2 \
           AND (lease_until IS NULL OR lease_until < $2) ORDER BY id LIMIT $3{lock}) \
         RETURNING id, recipient, subject, body, attempts"
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
                recipient: r.try_get("recipient")?,
                subject: r.try_get("subject")?,
                body: r.try_get("body")?,
                attempts: r.try_get("attempts")?,
            })
        })
        .collect()
}

/// What became of one claimed message.
enum Outcome {
    Sent { id: i64, transport: &'static str },
    Failed { id: i64, attempts: i64, error: String },
}

/// Outcomes are written together, in one transaction, at the end of a claimed batch, or sooner
/// when delivering has taken this long (a slow SMTP server).
const RECORD_AT_LEAST_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Delivers what is due; returns how many were sent.
///
/// Delivery is at least once: a message is marked sent after the mail server accepted it, so a
/// crash in between sends it again when its lease runs out. The marks of a batch are written in
/// one transaction rather than one each: draining a backlog (a day's expiry reminders, a queue
/// kept while the mail server was down) would otherwise be a commit per message, each one making
/// every other SQLite connection drop its page cache while the pages are being served. The price
/// is that a crash can repeat up to one batch (or 5 s) of mail instead of one message.
pub async fn deliver_due(db: &Db, mailer: &Mailer) -> Result<usize, sqlx::Error> {
    let mut sent = 0;
    loop {
        let batch = claim(db, 20).await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut since = std::time::Instant::now();
        for m in batch {
            outcomes.push(match mailer.deliver(&m.recipient, &m.subject, &m.body).await {
                Ok(transport) => Outcome::Sent { id: m.id, transport },
                Err(error) => {
                    tracing::warn!(outbox_id = m.id, attempts = m.attempts, %error, "mail delivery failed; will retry");
                    Outcome::Failed {
                        id: m.id,
                        attempts: m.attempts,
                        error,
                    }
                }
            });
            if since.elapsed() >= RECORD_AT_LEAST_EVERY {
                sent += record(db, &outcomes).await?;
                outcomes.clear();
                since = std::time::Instant::now();
            }
        }
        sent += record(db, &outcomes).await?;
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
            Outcome::Sent { id, transport } => {
                sqlx::query("UPDATE outbox SET sent_at = $1, transport = $2, lease_until = NULL, last_error = NULL WHERE id = $3")
                    .bind(&now)
                    .bind(*transport)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sent += 1;
            }
            Outcome::Failed { id, attempts, error } => {
                sqlx::query(
                    "UPDATE outbox SET next_attempt_at = $1, lease_until = NULL, last_error = $2 WHERE id = $3",
                )
                .bind(ts(Utc::now() + backoff(*attempts)))
                .bind(error.chars().take(500).collect::<String>())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(sent)
}

/// The background worker: wakes on a notification (a message was queued) or every interval.
pub async fn run_worker(db: Db, mailer: Mailer, wake: Arc<Notify>, interval_ms: u64) {
    loop {
        if let Err(e) = deliver_due(&db, &mailer).await {
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
