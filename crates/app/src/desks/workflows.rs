//! Workflow versions per office and permit type: publishing a checked definition, the version
//! new applications start on, and putting a submitted application on its first step.

use crate::catalog;
use crate::catalog::offices::Office;
use crate::catalog::standards::InForce;
use crate::desks::queries;
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
use izinkes_domain::sla;
use izinkes_domain::workflow::Position;
use izinkes_domain::workflow::WorkflowDefinition;
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
    let r = queries::version(&state.db.pool, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(WorkflowVersion {
        definition: serde_json::from_str(&r.body)?,
        id: r.id,
        version: r.version,
        preset_key: r.preset_key,
    })
}

/// Roles held by at least one active officer of the office.
pub async fn office_roles(state: &AppState, office_id: &str) -> ServiceResult<Vec<String>> {
    Ok(queries::office_roles(&state.db.pool, office_id).await?)
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
    let (_, catalog) = state.current_catalog().await?;
    if let Some(permit) = catalog.get(permit_code).filter(|p| p.inspection.is_required())
        && !def.inspects()
    {
        return Err(ServiceError::Refused(format!(
            "{} wajib pemeriksaan lapangan: alur kerjanya harus punya tahap dengan tindakan \"{}\".",
            permit.name,
            izinkes_domain::workflow::ActionKind::RecordInspection.label_id()
        )));
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
    let next = queries::next_version(&mut tx, office_id, permit_code).await?;
    let id = new_id();
    let now = now_text();
    queries::insert_version(
        &mut tx,
        queries::VersionWrite {
            id: &id,
            office_id,
            permit_code,
            version: next,
            preset_key: &def.key,
            body: def.to_json_pretty(),
            published_at: &now,
            published_by: by,
        },
    )
    .await
    .map_err(|e| {
        if crate::platform::db::is_unique_violation(&e) {
            ServiceError::Conflict("Versi alur kerja baru saja diterbitkan oleh orang lain; muat ulang halaman.".into())
        } else {
            e.into()
        }
    })?;
    queries::set_office_workflow(&mut tx, office_id, permit_code, &id, &now).await?;
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
    if let Some(id) = queries::office_workflow(&state.db.pool, office_id, permit_code).await? {
        return load_version(state, &id).await;
    }
    let settings = office_admin::settings::settings(state, office_id).await?;
    let (_, catalog) = state.current_catalog().await?;
    let def = match catalog.get(permit_code) {
        Some(permit) => WorkflowDefinition::preset_for(permit, &settings.default_preset),
        None => WorkflowDefinition::preset(&settings.default_preset),
    }
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
            let id = queries::office_workflow(&state.db.pool, office_id, permit_code)
                .await?
                .ok_or(sqlx::Error::RowNotFound)?;
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
    let mut out = std::collections::HashMap::new();
    for r in queries::office_workflow_choices(&state.db.pool, office_id).await? {
        let def: WorkflowDefinition = serde_json::from_str(&r.body)?;
        out.insert(r.permit_code, (def.name, r.version));
    }
    Ok(out)
}

/// What the submit transaction needs to put a new application on its first desk.
pub struct Start {
    pub version: WorkflowVersion,
    pub calendar: Arc<WorkingCalendar>,
    pub today: NaiveDate,
    /// The office's service standard the file is submitted under.
    pub standard: InForce,
}

pub async fn prepare_start(
    state: &AppState,
    office: &Office,
    permit_code: &str,
    standard: InForce,
) -> ServiceResult<Start> {
    Ok(Start {
        version: current_workflow(state, &office.id, permit_code).await?,
        calendar: office_admin::calendar::for_office(state, &office.id).await?,
        today: catalog::offices::today(office),
        standard,
    })
}

/// Puts a just-submitted application on the first step, with its SLA clock started.
pub async fn start_in_tx(tx: &mut Tx, app_id: &str, s: &Start) -> ServiceResult<()> {
    let def = &s.version.definition;
    let first = def
        .steps
        .first()
        .ok_or_else(|| ServiceError::Internal("empty workflow".into()))?;
    let split = s.standard.standard.days_per_step(def);
    let total = s.standard.standard.sla_working_days;
    let (due, step_due) = sla::start(&s.calendar, s.today, total, sla::days_of_step(&split, 0));
    queries::start(
        tx,
        queries::StartWrite {
            version_id: &s.version.id,
            standard_id: s.standard.id(),
            position: serde_json::to_string(&Position::AtStep { step: 0 })?,
            step_key: &first.key,
            step_role: &first.role,
            entered_at: now_text(),
            step_due_on: date_text(step_due),
            received_on: date_text(s.today),
            due_on: date_text(due),
            app_id,
        },
    )
    .await?;
    Ok(())
}
