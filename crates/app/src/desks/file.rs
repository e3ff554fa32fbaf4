//! The file at a desk: everything an officer of its office sees about one application — its
//! workflow position, products of each step, checklist, revision rounds and clocks.

use crate::applications;
use crate::applications::view::ApplicationView;
use crate::auth::officer::Officer;
use crate::catalog;
use crate::desks::workflows::WorkflowVersion;
use crate::desks::workflows::load_version;
use crate::office_admin;
use crate::platform::db::opt_text;
use crate::platform::db::parse_date;
use crate::platform::db::parse_ts;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::looks_like_id;
use crate::state::AppState;
use chrono::NaiveDate;
use chrono::Utc;
use izinkes_domain::workflow::ActionKind;
use izinkes_domain::workflow::Position;
use izinkes_domain::workflow::Product;
use izinkes_domain::workflow::StepProgress;
use serde::Deserialize;
use serde::Serialize;
use sqlx::Row;

// ---------------------------------------------------------------------------------------------
// The file at a desk

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RevisionItem {
    /// "field" (Tahap 1 or 2) or "document".
    pub kind: String,
    pub key: String,
    pub label: String,
    pub note: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ProductRecord {
    pub step_key: String,
    pub product: Product,
    pub data: serde_json::Value,
    pub officer_name: String,
    pub at: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct CheckRecord {
    pub requirement_key: String,
    pub ok: bool,
    pub note: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RevisionRound {
    pub round: i64,
    pub step_key: String,
    pub asked_at: String,
    pub asked_by_name: String,
    pub items: Vec<RevisionItem>,
    pub resubmitted_at: Option<String>,
    pub changes: Option<serde_json::Value>,
}

/// Everything a desk shows about one file.
pub struct DeskFile {
    pub view: ApplicationView,
    pub workflow: WorkflowVersion,
    pub position: Position,
    pub products: Vec<ProductRecord>,
    pub checks: Vec<CheckRecord>,
    pub rounds: Vec<RevisionRound>,
    pub lock_version: i64,
    pub claimed_by: Option<(String, String)>,
    pub step_due_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub remaining_step_days: Option<i64>,
    pub remaining_days: Option<i64>,
    pub paused: bool,
    pub internal_history: Vec<(String, String, String)>,
}

impl DeskFile {
    pub fn current_step(&self) -> Option<&izinkes_domain::workflow::Step> {
        match self.position {
            Position::AtStep { step } => self.workflow.definition.steps.get(step),
            _ => None,
        }
    }

    /// Actions this officer may take now (role of the step; not claimed by someone else).
    pub fn allowed_actions(&self, officer: &Officer) -> Vec<ActionKind> {
        let Some(step) = self.current_step() else {
            return Vec::new();
        };
        if !step.role().is_some_and(|r| officer.has(r)) {
            return Vec::new();
        }
        if let Some((id, _)) = &self.claimed_by
            && id != &officer.id
        {
            return Vec::new();
        }
        step.actions.clone()
    }

    pub fn progress_for_current(&self) -> StepProgress {
        let key = self.current_step().map(|s| s.key.clone()).unwrap_or_default();
        progress_of(&self.products, &key)
    }

    pub fn product(&self, step_key: &str, p: Product) -> Option<&ProductRecord> {
        self.products.iter().find(|r| r.step_key == step_key && r.product == p)
    }
}

fn progress_of(products: &[ProductRecord], step_key: &str) -> StepProgress {
    let mut p = StepProgress::default();
    for r in products.iter().filter(|r| r.step_key == step_key) {
        p.done.insert(r.product);
        if r.product == Product::Recommendation {
            p.recommendation = r.data.get("approve").and_then(|v| v.as_bool());
        }
    }
    p
}

async fn load_products(state: &AppState, app_id: &str) -> ServiceResult<Vec<ProductRecord>> {
    let rows = sqlx::query("SELECT step_key, product, data, officer_name, at FROM application_products WHERE application_id = $1 ORDER BY at")
        .bind(app_id)
        .fetch_all(&state.db.pool)
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let code: String = r.try_get("product")?;
        let Ok(product) = serde_json::from_value::<Product>(serde_json::Value::String(code)) else {
            continue;
        };
        out.push(ProductRecord {
            step_key: r.try_get("step_key")?,
            product,
            data: serde_json::from_str(&r.try_get::<String, _>("data")?).unwrap_or(serde_json::Value::Null),
            officer_name: r.try_get("officer_name")?,
            at: r.try_get("at")?,
        });
    }
    Ok(out)
}

pub async fn load_rounds(state: &AppState, app_id: &str) -> ServiceResult<Vec<RevisionRound>> {
    let rows = sqlx::query(
        "SELECT round, step_key, asked_at, asked_by_name, items, resubmitted_at, changes FROM revision_rounds WHERE application_id = $1 ORDER BY round",
    )
    .bind(app_id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        out.push(RevisionRound {
            round: r.try_get("round")?,
            step_key: r.try_get("step_key")?,
            asked_at: r.try_get("asked_at")?,
            asked_by_name: r.try_get("asked_by_name")?,
            items: serde_json::from_str(&r.try_get::<String, _>("items")?).unwrap_or_default(),
            resubmitted_at: opt_text(&r, "resubmitted_at")?,
            changes: opt_text(&r, "changes")?.and_then(|s| serde_json::from_str(&s).ok()),
        });
    }
    Ok(out)
}

/// The file as an officer of its office sees it. Other offices' files do not exist for them.
pub async fn open_file(state: &AppState, officer: &Officer, app_id: &str) -> ServiceResult<DeskFile> {
    if !looks_like_id(app_id) {
        return Err(ServiceError::NotFound);
    }
    let r = sqlx::query(
        "SELECT a.applicant_id, a.workflow_version_id, a.position, a.lock_version, a.claimed_by, a.claimed_until, a.step_due_on, a.due_on, \
           a.sla_paused_since, o.full_name AS claimer \
         FROM applications a LEFT JOIN officers o ON o.id = a.claimed_by WHERE a.id = $1 AND a.office_id = $2 AND a.status <> 'draft'",
    )
    .bind(app_id)
    .bind(&officer.office_id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(ServiceError::NotFound)?;
    let applicant_id: String = r.try_get("applicant_id")?;
    let wf_id = opt_text(&r, "workflow_version_id")?
        .ok_or_else(|| ServiceError::Internal("application without workflow".into()))?;
    let workflow = load_version(state, &wf_id).await?;
    let position: Position = opt_text(&r, "position")?
        .and_then(|s| serde_json::from_str(&s).ok())
        .ok_or_else(|| ServiceError::Internal("application without position".into()))?;
    let claim_valid = opt_text(&r, "claimed_until")?
        .and_then(|s| parse_ts(&s))
        .is_some_and(|t| t > Utc::now());
    let claimed_by = match (opt_text(&r, "claimed_by")?, claim_valid) {
        (Some(id), true) => Some((id, opt_text(&r, "claimer")?.unwrap_or_default())),
        _ => None,
    };
    let view = applications::view::load_view(state, &applicant_id, app_id).await?;
    let cal = office_admin::calendar::for_office(state, &view.office.id).await?;
    let today = catalog::offices::today(&view.office);
    let step_due_on = opt_text(&r, "step_due_on")?.and_then(|s| parse_date(&s));
    let due_on = opt_text(&r, "due_on")?.and_then(|s| parse_date(&s));
    let paused = opt_text(&r, "sla_paused_since")?.is_some();
    let active = matches!(position, Position::AtStep { .. });
    let internal = sqlx::query("SELECT at, actor_name, internal_note FROM application_history WHERE application_id = $1 AND internal_note IS NOT NULL ORDER BY seq")
        .bind(app_id)
        .fetch_all(&state.db.pool)
        .await?
        .iter()
        .map(|h| Ok((h.try_get("at")?, h.try_get("actor_name")?, h.try_get("internal_note")?)))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(DeskFile {
        products: load_products(state, app_id).await?,
        checks: load_checks(state, app_id).await?,
        rounds: load_rounds(state, app_id).await?,
        lock_version: r.try_get("lock_version")?,
        claimed_by,
        remaining_step_days: step_due_on
            .filter(|_| active)
            .map(|d| cal.working_days_between(today, d)),
        remaining_days: due_on.filter(|_| active).map(|d| cal.working_days_between(today, d)),
        step_due_on,
        due_on,
        paused,
        internal_history: internal,
        view,
        workflow,
        position,
    })
}

async fn load_checks(state: &AppState, app_id: &str) -> ServiceResult<Vec<CheckRecord>> {
    let rows = sqlx::query("SELECT requirement_key, ok, note FROM application_checks WHERE application_id = $1")
        .bind(app_id)
        .fetch_all(&state.db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(CheckRecord {
                requirement_key: r.try_get("requirement_key")?,
                ok: r.try_get::<i64, _>("ok")? == 1,
                note: r.try_get("note")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(Into::into)
}
