//! The development mailbox of a demonstration server: the mail the outbox would have sent.

use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::Visitor;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page;
use askama::Template;
use axum::extract::State;

/// The development mailbox: only in demo mode without SMTP, and only to a client on this
/// machine (behind a trusted proxy, the client the proxy names), since it shows every
/// password-reset link.
pub(crate) async fn mailbox(State(state): State<AppState>, v: Visitor) -> PageResult {
    let local = v.client.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if !state.config.demo || state.config.smtp_url.is_some() || !local {
        return Err(WebError::NotFound);
    }
    let rows = crate::platform::outbox::dev_mailbox(&state.db, 100)
        .await
        .map_err(ServiceError::from)?;
    let mails = rows
        .into_iter()
        .map(|(at, recipient, subject, body)| {
            let links = body
                .split_whitespace()
                .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
                .map(|w| {
                    // Make links relative so they work whatever host the browser used.
                    let base = state.config.base_url.trim_end_matches('/');
                    w.strip_prefix(base).unwrap_or(w).to_string()
                })
                .collect();
            MailRow {
                at: izinkes_domain::format_id::timestamp_id(&at, izinkes_domain::format_id::wib(), "WIB"),
                recipient,
                subject,
                body,
                links,
            }
        })
        .collect();
    Ok(page(&MailboxPage {
        ctx: v.ctx(&state, "Kotak surat pengembangan", ""),
        mails,
    }))
}

#[derive(Template)]
#[template(path = "demo/mailbox.html")]
pub struct MailboxPage {
    pub ctx: PageCtx,
    pub mails: Vec<MailRow>,
}

pub struct MailRow {
    pub at: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub links: Vec<String>,
}
