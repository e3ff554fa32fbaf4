//! The desks' clock, run every minute: escalation of overdue steps to the supervisor and, where
//! the office switched it on, automatic approval at the deadline (fiktif positif).
//!
//! "Overdue" is `izinkes_domain::sla::is_overdue` (a deadline is missed the day after it),
//! written as the SQL filters `step_due_on < today` and `due_on < today` so the partial index
//! `applications_clock` finds the files.

use crate::applications;
use crate::applications::history::NewHistory;
use crate::applications::history::append_history;
use crate::catalog;
use crate::catalog::offices::Office;
use crate::desks::queries;
use crate::notifications;
use crate::notifications::service::Notice;
use crate::notifications::service::Officers;
use crate::office_admin;
use crate::platform::db::date_text;
use crate::platform::db::now_text;
use crate::platform::error::ServiceResult;
use crate::platform::mail;
use crate::state::AppState;
use izinkes_domain::workflow::Position;
use izinkes_domain::workflow::supervisor_of;

// ---------------------------------------------------------------------------------------------
// The clock: escalation and fiktif positif

pub use crate::desks::queries::OVERDUE_NOT_ESCALATED;

/// Run periodically by the worker: queues an escalation notice to the supervisors of every
/// overdue step (once per step visit), and, where the office has switched it on, approves files
/// past their deadline automatically (fiktif positif) with a system actor in the history.
pub async fn tick(state: &AppState) -> ServiceResult<usize> {
    let mut changed = 0;
    for office in catalog::offices::list(state).await? {
        let settings = office_admin::settings::settings(state, &office.id).await?;
        let today = date_text(catalog::offices::today(&office));
        let overdue = queries::overdue_not_escalated(&state.db.pool, &office.id, &today).await?;
        for r in overdue {
            let id = r.id;
            let role = r.step_role.unwrap_or_default();
            let step = r.step_key.unwrap_or_default();
            let number = r.registration_number.unwrap_or_default();
            let supervisor = supervisor_of(&role);
            let mut tx = state.db.begin().await?;
            let marked = queries::mark_escalated(&mut tx, &id, &step).await?;
            if marked {
                let base_url = state.config.base_url.trim_end_matches('/');
                let mail = mail::StepOverdue {
                    number: &number,
                    step: &step,
                    role_label: &izinkes_domain::roles::role_label(&role),
                    due_on: r.step_due_on.as_deref().unwrap_or_default(),
                    base_url,
                    app_id: &id,
                };
                let text = format!("Tahap {step} berkas {number} melewati batas waktu.");
                let notice = Notice::new("overdue", &mail, text, format!("{base_url}/petugas/berkas/{id}"))?.about(&id);
                notifications::service::to_officers(&mut tx, &office.id, Officers::Role(supervisor), &notice).await?;
                changed += 1;
            }
            tx.commit().await?;
        }
        if settings.auto_approve_at_deadline {
            changed += auto_approve(state, &office, &today).await?;
        }
    }
    if changed > 0 {
        state.wake_outbox();
    }
    Ok(changed)
}

async fn auto_approve(state: &AppState, office: &Office, today: &str) -> ServiceResult<usize> {
    let rows = queries::past_total_deadline(&state.db.pool, &office.id, today).await?;
    let mut n = 0;
    for r in rows {
        let (id, status, lock) = (r.id, r.status, r.lock_version);
        let mut tx = state.db.begin().await?;
        let updated = queries::approve_automatically(
            &mut tx,
            &id,
            serde_json::to_string(&Position::ReadyToSign)?,
            now_text(),
            lock,
        )
        .await?;
        if updated {
            let applicant_id = queries::applicant_of(&mut tx, &id).await?;
            let view = applications::view::load_view(state, &applicant_id, &id).await?;
            let applicant = crate::accounts::profile::load_applicant(state, &applicant_id).await?;
            crate::permits::numbering::ready_to_sign_in_tx(
                &mut tx,
                state,
                &view,
                &applicant.masked_identity(),
                &view.app.data.name,
            )
            .await?;
            append_history(
                &mut tx,
                &NewHistory {
                    office_id: &office.id,
                    application_id: &id,
                    actor_kind: "system",
                    actor_id: None,
                    actor_name: "Sistem izinkes",
                    actor_role: None,
                    action: "setujui_otomatis",
                    from_status: Some(&status),
                    to_status: "ready_to_sign",
                    step: None,
                    public_note: Some("Disetujui otomatis karena jangka waktu layanan terlampaui (fiktif positif, SKB 9 September 2025)."),
                    internal_note: None,
                },
            )
            .await?;
            n += 1;
        }
        tx.commit().await?;
    }
    if n > 0 {
        state.desks_changed(&office.id);
    }
    Ok(n)
}
