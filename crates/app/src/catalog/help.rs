//! Bantuan: the guides and FAQ every office shares, each office's contact, and each office's own
//! questions and answers, which its admin writes (`izinkes_domain::help` reads them).

use crate::auth::officer::Officer;
use crate::catalog;
use crate::catalog::offices::Office;
use crate::catalog::queries;
use crate::office_admin::staff::Actor;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use izinkes_domain::help::FaqItem;
use izinkes_domain::roles::Role;

/// One office on the help page: its contact and its own questions.
pub struct OfficeHelp {
    pub office: Office,
    pub faq: Vec<FaqItem>,
}

/// Every open office with its contact and questions.
pub async fn offices(state: &AppState) -> ServiceResult<Vec<OfficeHelp>> {
    let mut out = Vec::new();
    for office in catalog::offices::list(state).await? {
        let faq = faq_of(state, &office.id).await?;
        out.push(OfficeHelp { office, faq });
    }
    Ok(out)
}

/// An office's own questions (a text that no longer parses is shown as nothing, and logged).
pub async fn faq_of(state: &AppState, office_id: &str) -> ServiceResult<Vec<FaqItem>> {
    let text = queries::office_help(&state.db.pool, office_id)
        .await?
        .unwrap_or_default();
    Ok(izinkes_domain::help::parse(&text).unwrap_or_else(|e| {
        tracing::warn!(office = office_id, problem = %e, "stored help text does not parse");
        Vec::new()
    }))
}

/// The text the admin edits.
pub async fn text_of(state: &AppState, office_id: &str) -> ServiceResult<String> {
    Ok(queries::office_help(&state.db.pool, office_id)
        .await?
        .unwrap_or_default())
}

/// Saves the office's questions, checked first; the change is audited.
pub async fn save(state: &AppState, officer: &Officer, text: &str) -> ServiceResult<usize> {
    if !officer.has(Role::Admin) {
        return Err(ServiceError::Forbidden);
    }
    let text: String = text
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .take(60_000)
        .collect();
    let items = izinkes_domain::help::parse(&text).map_err(|e| ServiceError::field("faq", e))?;
    let canonical = izinkes_domain::help::to_text(&items);
    let mut tx = state.db.begin().await?;
    queries::save_office_help(&mut *tx, &officer.office_id, &canonical, &now_text(), &officer.name).await?;
    crate::office_admin::staff::audit(
        &mut tx,
        &officer.office_id,
        Actor::Officer(officer),
        "help_update",
        (None, "Bantuan"),
        &format!("Tanya jawab kantor disimpan ({} pertanyaan).", items.len()),
    )
    .await?;
    tx.commit().await?;
    Ok(items.len())
}
