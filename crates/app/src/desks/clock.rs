//! The desks' clock, run every minute: escalation of overdue steps to the supervisor and, where
//! the office switched it on, automatic approval at the deadline (fiktif positif).

use crate::applications;
use crate::applications::history::NewHistory;
use crate::applications::history::append_history;
use crate::catalog;
use crate::catalog::offices::Office;
use crate::office_admin;
use crate::platform::db::date_text;
use crate::platform::db::now_text;
use crate::platform::db::opt_text;
use crate::platform::error::ServiceResult;
use crate::platform::outbox::enqueue_email;
use crate::state::AppState;
use izinkes_domain::workflow::Position;
use izinkes_domain::workflow::supervisor_of;
use sqlx::Row;

// ---------------------------------------------------------------------------------------------
// The clock: escalation and fiktif positif

/// The files of an office (`$1`) past their step deadline (before `$2`) whose supervisors have
/// not been told yet; read from the partial index `applications_clock`.
pub const OVERDUE_NOT_ESCALATED: &str = "SELECT id, registration_number, step_key, step_role, step_due_on, due_on, lock_version \
     FROM applications WHERE office_id = $1 AND status IN ('submitted', 'in_process') AND step_due_on < $2 \
     AND (escalated_step IS NULL OR escalated_step <> step_key)";

/// Run periodically by the worker: queues an escalation notice to the supervisors of every
/// overdue step (once per step visit), and, where the office has switched it on, approves files
/// past their deadline automatically (fiktif positif) with a system actor in the history.
pub async fn tick(state: &AppState) -> ServiceResult<usize> {
    let mut changed = 0;
    for office in catalog::offices::list(state).await? {
        let settings = office_admin::settings::settings(state, &office.id).await?;
        let today = date_text(catalog::offices::today(&office));
        let overdue = sqlx::query(OVERDUE_NOT_ESCALATED)
            .bind(&office.id)
            .bind(&today)
            .fetch_all(&state.db.pool)
            .await?;
        for r in overdue {
            let id: String = r.try_get("id")?;
            let role = opt_text(&r, "step_role")?.unwrap_or_default();
            let step = opt_text(&r, "step_key")?.unwrap_or_default();
            let number = opt_text(&r, "registration_number")?.unwrap_or_default();
            let supervisor = supervisor_of(&role);
            let recipients: Vec<String> = sqlx::query_scalar(
                "SELECT o.email FROM officers o JOIN officer_roles r ON r.officer_id = o.id WHERE r.office_id = $1 AND r.role = $2 AND o.active = 1",
            )
            .bind(&office.id)
            .bind(supervisor)
            .fetch_all(&state.db.pool)
            .await?;
            let mut tx = state.db.begin().await?;
            let marked = sqlx::query("UPDATE applications SET escalated_step = step_key WHERE id = $1 AND step_key = $2 AND (escalated_step IS NULL OR escalated_step <> step_key)")
                .bind(&id)
                .bind(&step)
                .execute(&mut *tx)
                .await?;
            if marked.rows_affected() == 1 {
                for to in &recipients {
                    enqueue_email(
                        &mut tx,
                        Some(&office.id),
                        to,
                        &format!("Eskalasi: berkas {number} melewati batas waktu"),
                        &format!(
                            "Berkas {number} pada tahap {step} ({}) telah melewati batas waktu tahapnya ({}). Mohon ditindaklanjuti.\n{}/petugas/berkas/{id}\n",
                            izinkes_domain::roles::role_label(&role),
                            opt_text(&r, "step_due_on")?.unwrap_or_default(),
                            state.config.base_url.trim_end_matches('/')
                        ),
                    )
                    .await?;
                }
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
    let rows = sqlx::query("SELECT id, status, lock_version FROM applications WHERE office_id = $1 AND status IN ('submitted', 'in_process') AND due_on < $2")
        .bind(&office.id)
        .bind(today)
        .fetch_all(&state.db.pool)
        .await?;
    let mut n = 0;
    for r in rows {
        let id: String = r.try_get("id")?;
        let status: String = r.try_get("status")?;
        let lock: i64 = r.try_get("lock_version")?;
        let mut tx = state.db.begin().await?;
        let updated = sqlx::query(
            "UPDATE applications SET status = 'ready_to_sign', position = $1, step_key = NULL, step_role = NULL, step_due_on = NULL, claimed_by = NULL, \
               claimed_until = NULL, updated_at = $2, lock_version = lock_version + 1 WHERE id = $3 AND lock_version = $4",
        )
        .bind(serde_json::to_string(&Position::ReadyToSign)?)
        .bind(now_text())
        .bind(&id)
        .bind(lock)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 1 {
            let applicant_id: String = sqlx::query_scalar("SELECT applicant_id FROM applications WHERE id = $1")
                .bind(&id)
                .fetch_one(&mut *tx)
                .await?;
            let view = applications::view::load_view(state, &applicant_id, &id).await?;
            let applicant = crate::accounts::profile::load_applicant(state, &applicant_id).await?;
            crate::permits::numbering::assign_in_tx(&mut tx, &view, &applicant.masked_identity(), &view.app.data.name)
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
