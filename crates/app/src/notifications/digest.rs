//! The officers' daily digest, run on the minute clock: once per office and office-local day,
//! at or after `DIGEST_HOUR`, every officer with notices waiting (`to_officers` for an officer
//! who kept the default) gets ONE e-mail listing them. The day is claimed (`claim_digest_day`),
//! the items marked sent and the e-mails queued in one transaction, so a digest goes once even
//! with two clocks running.

use crate::catalog;
use crate::catalog::offices::Office;
use crate::notifications::queries;
use crate::notifications::queries::DigestItemRow;
use crate::notifications::service::Notice;
use crate::notifications::service::queue_email;
use crate::platform::db::Tx;
use crate::platform::db::ts;
use crate::platform::error::ServiceResult;
use crate::platform::mail::DigestLine;
use crate::platform::mail::OfficerDigest;
use crate::state::AppState;
use chrono::DateTime;
use chrono::Timelike;
use chrono::Utc;

/// The office-local hour from which the day's digest goes out.
pub const DIGEST_HOUR: u32 = 7;

/// The clock's call: the digests due now.
pub async fn tick(state: &AppState) -> ServiceResult<usize> {
    send_digests(state, Utc::now()).await
}

/// Sends every office's digest due at `now`; returns how many e-mails were queued.
pub async fn send_digests(state: &AppState, now: DateTime<Utc>) -> ServiceResult<usize> {
    let mut sent = 0;
    for office in catalog::offices::list(state).await? {
        sent += office_digest(state, &office, now).await?;
    }
    if sent > 0 {
        state.wake_outbox();
    }
    Ok(sent)
}

async fn office_digest(state: &AppState, office: &Office, now: DateTime<Utc>) -> ServiceResult<usize> {
    let local = now.with_timezone(&office.tz().offset());
    if local.hour() < DIGEST_HOUR {
        return Ok(0);
    }
    let date = local.date_naive();
    let stamp = ts(now);
    let mut tx = state.db.begin().await?;
    if !queries::claim_digest_day(&mut tx, &office.id, &date.format("%Y-%m-%d").to_string(), &stamp).await? {
        tx.rollback().await?;
        return Ok(0);
    }
    let items = queries::pending_digest_items(&mut tx, &office.id).await?;
    let date_label = izinkes_domain::format_id::date_long_id(date);
    let mut sent = 0;
    for officer_items in items.chunk_by(|a, b| a.officer_id == b.officer_id) {
        if send_one(state, &mut tx, office, &date_label, officer_items, &stamp).await? {
            sent += 1;
        }
    }
    tx.commit().await?;
    Ok(sent)
}

/// One officer's digest: the items marked sent and, for an officer still active, the e-mail.
async fn send_one(
    state: &AppState,
    tx: &mut Tx,
    office: &Office,
    date_label: &str,
    items: &[DigestItemRow],
    stamp: &str,
) -> ServiceResult<bool> {
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        return Ok(false);
    };
    if queries::mark_digest_sent(tx, &office.id, &first.officer_id, last.id, stamp).await? == 0 {
        return Ok(false);
    }
    let Some(email) = first.email.as_deref() else {
        return Ok(false);
    };
    let lines: Vec<DigestLine> = items
        .iter()
        .map(|i| DigestLine {
            subject: i.subject.clone(),
            text: i.text.clone(),
            link: i.link.clone(),
        })
        .collect();
    let mail = OfficerDigest {
        office_name: &office.name,
        date: date_label,
        items: &lines,
        base_url: state.config.base_url.trim_end_matches('/'),
    };
    let notice = Notice::new("digest", &mail, String::new(), String::new())?;
    queue_email(tx, Some(&office.id), email, &notice).await?;
    Ok(true)
}
