//! The complaints' clock, run every minute beside the desks' clock: an open complaint past its
//! deadline is escalated once to the supervisor of the complaints desk (as overdue desk steps
//! are), with an event on the complaint and a notice to each supervisor.

use crate::catalog;
use crate::complaints::queries;
use crate::complaints::service;
use crate::platform::db::now_text;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use izinkes_domain::roles::Role;

/// Escalates every overdue, not yet escalated complaint of every office; returns how many.
pub async fn tick(state: &AppState) -> ServiceResult<usize> {
    let mut escalated = 0;
    let supervisor = Role::Pengaduan.supervisor();
    for office in catalog::offices::list(state).await? {
        let overdue = queries::overdue_not_escalated(&state.db.pool, &office.id, &now_text()).await?;
        if overdue.is_empty() {
            continue;
        }
        for c in overdue {
            if service::escalate(state, &office, &c, supervisor.code()).await? {
                escalated += 1;
            }
        }
    }
    if escalated > 0 {
        state.wake_outbox();
    }
    Ok(escalated)
}
