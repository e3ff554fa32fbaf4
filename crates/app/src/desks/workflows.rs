//! Workflow versions per office and permit type: publishing a checked definition, the version
//! new applications start on, and putting a submitted application on its first step.

use crate::catalog;
use crate::catalog::offices::Office;
use crate::office_admin;
use crate::platform::db::Tx;
use crate::platform::db::date_text;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::new_id;
use crate::state::AppState;
use chrono::NaiveDate;
use izinkes_domain::calendar::WorkingCalendar;
use izinkes_domain::workflow::Position;
use izinkes_domain::workflow::WorkflowDefinition;
use sqlx::Row;
use std::sync::Arc;

// ---------------------------------------------------------------------------------------------
// Workflow versions

#[derive(Clone, Debug)]
pub struct WorkflowVersion {
    pub id: String,
    pub version: i64,
    pub preset_key: String,
    pub definition: WorkflowDefinition,
}

pub(crate) async fn load_version(state: &AppState, id: &str) -> ServiceResult<WorkflowVersion> {
    let r = sqlx::query("SELECT id, version, preset_key, body FROM workflow_versions WHERE id = $1")
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let body: String = r.try_get("body")?;
    Ok(WorkflowVersion {
        id: r.try_get("id")?,
        version: r.try_get("version")?,
        preset_key: r.try_get("preset_key")?,
        definition: serde_json::from_str(&body)?,
    })
}

/// Roles held by at least one active officer of the office.
pub async fn office_roles(state: &AppState, office_id: &str) -> ServiceResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT r.role FROM officer_roles r JOIN officers o ON o.id = r.officer_id WHERE r.office_id = $1 AND o.active = 1 ORDER BY r.role",
    )
    .bind(office_id)
    .fetch_all(&state.db.pool)
    .await?)
}

/// Publishes a workflow definition as the next version for an office and permit type, after
/// checking it (every step reachable, the end reachable, roles present, shares adding up).
/// Applications already running keep the version they started with.
pub async fn publish(
    state: &AppState,
    office_id: &str,
    permit_code: &str,
    def: &WorkflowDefinition,
    by: Option<&str>,
) -> ServiceResult<WorkflowVersion> {
    let roles = office_roles(state, office_id).await?;
    let role_refs: Vec<&str> = roles.iter().map(String::as_str).collect();
    if let Err(e) = def.validate(&role_refs) {
        return Err(ServiceError::Refused(e.to_string()));
    }
    store_version(state, office_id, permit_code, def, by).await
}

async fn store_version(
    state: &AppState,
    office_id: &str,
    permit_code: &str,
    def: &WorkflowDefinition,
    by: Option<&str>,
) -> ServiceResult<WorkflowVersion> {
    let mut tx = state.db.begin().await?;
    let next: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM workflow_versions WHERE office_id = $1 AND permit_code = $2",
    )
    .bind(office_id)
    .bind(permit_code)
    .fetch_one(&mut *tx)
    .await?;
    let id = new_id();
    let now = now_text();
    sqlx::query(
        "INSERT INTO workflow_versions (id, office_id, permit_code, version, preset_key, body, published_at, published_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(office_id)
    .bind(permit_code)
    .bind(next)
    .bind(&def.key)
    .bind(def.to_json_pretty())
    .bind(&now)
    .bind(by)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        if crate::platform::db::is_unique_violation(&e) {
            ServiceError::Conflict("Versi alur kerja baru saja diterbitkan oleh orang lain; muat ulang halaman.".into())
        } else {
            e.into()
        }
    })?;
    sqlx::query(
        "INSERT INTO office_workflows (office_id, permit_code, workflow_version_id, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (office_id, permit_code) DO UPDATE SET workflow_version_id = $3, updated_at = $4",
    )
    .bind(office_id)
    .bind(permit_code)
    .bind(&id)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(WorkflowVersion {
        id,
        version: next,
        preset_key: def.key.clone(),
        definition: def.clone(),
    })
}

/// The workflow new applications of this permit type start on; the office's default preset is
/// published on first use.
pub async fn current_workflow(state: &AppState, office_id: &str, permit_code: &str) -> ServiceResult<WorkflowVersion> {
    let id: Option<String> = sqlx::query_scalar(
        "SELECT workflow_version_id FROM office_workflows WHERE office_id = $1 AND permit_code = $2",
    )
    .bind(office_id)
    .bind(permit_code)
    .fetch_optional(&state.db.pool)
    .await?;
    if let Some(id) = id {
        return load_version(state, &id).await;
    }
    let settings = office_admin::settings::settings(state, office_id).await?;
    let def = WorkflowDefinition::preset(&settings.default_preset)
        .ok_or_else(|| ServiceError::Internal(format!("unknown preset {}", settings.default_preset)))?;
    // The presets are valid by construction; an office still missing officers for a role must not
    // stop applicants from submitting — the file waits at that desk, and the admin is told.
    let roles = office_roles(state, office_id).await?;
    let refs: Vec<&str> = roles.iter().map(String::as_str).collect();
    if let Err(e) = def.validate(&refs) {
        tracing::warn!(office = office_id, permit = permit_code, problem = %e, "default workflow used although the office lacks officers for some steps");
    }
    match store_version(state, office_id, permit_code, &def, None).await {
        Ok(v) => Ok(v),
        // A parallel first use published it already.
        Err(ServiceError::Conflict(_)) => {
            let id: String = sqlx::query_scalar(
                "SELECT workflow_version_id FROM office_workflows WHERE office_id = $1 AND permit_code = $2",
            )
            .bind(office_id)
            .bind(permit_code)
            .fetch_one(&state.db.pool)
            .await?;
            load_version(state, &id).await
        }
        Err(e) => Err(e),
    }
}

/// The workflow each permit type of the office currently uses: code → (name, version).
pub async fn office_workflow_choices(
    state: &AppState,
    office_id: &str,
) -> ServiceResult<std::collections::HashMap<String, (String, i64)>> {
    let rows = sqlx::query(
        "SELECT w.permit_code, v.body, v.version FROM office_workflows w JOIN workflow_versions v ON v.id = w.workflow_version_id WHERE w.office_id = $1",
    )
    .bind(office_id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut out = std::collections::HashMap::new();
    for r in rows {
        let def: WorkflowDefinition = serde_json::from_str(&r.try_get::<String, _>("body")?)?;
        out.insert(r.try_get("permit_code")?, (def.name, r.try_get("version")?));
    }
    Ok(out)
}

/// What the submit transaction needs to put a new application on its first desk.
pub struct Start {
    pub version: WorkflowVersion,
    pub calendar: Arc<WorkingCalendar>,
    pub today: NaiveDate,
    pub total_days: u32,
}

pub async fn prepare_start(
    state: &AppState,
    office: &Office,
    permit_code: &str,
    total_days: u32,
) -> ServiceResult<Start> {
    Ok(Start {
        version: current_workflow(state, &office.id, permit_code).await?,
        calendar: office_admin::calendar::for_office(state, &office.id).await?,
        today: catalog::offices::today(office),
        total_days,
    })
}

/// Puts a just-submitted application on the first step, with its SLA clock started.
pub async fn start_in_tx(tx: &mut Tx, app_id: &str, s: &Start) -> ServiceResult<()> {
    let def = &s.version.definition;
    let first = def
        .steps
        .first()
        .ok_or_else(|| ServiceError::Internal("empty workflow".into()))?;
    let days = def.step_days(s.total_days);
    let step_due = s.calendar.add_working_days(s.today, days.first().copied().unwrap_or(0));
    let due = s.calendar.add_working_days(s.today, s.total_days);
    sqlx::query(
        "UPDATE applications SET workflow_version_id = $1, position = $2, step_key = $3, step_role = $4, step_entered_at = $5, \
           step_due_on = $6, sla_received_on = $7, sla_paused_days = 0, sla_paused_since = NULL, due_on = $8 WHERE id = $9",
    )
    .bind(&s.version.id)
    .bind(serde_json::to_string(&Position::AtStep { step: 0 })?)
    .bind(&first.key)
    .bind(&first.role)
    .bind(now_text())
    .bind(date_text(step_due))
    .bind(date_text(s.today))
    .bind(date_text(due))
    .bind(app_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
