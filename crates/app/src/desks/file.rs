//! The file at a desk: everything an officer of its office sees about one application — its
//! workflow position, products of each step, checklist, revision rounds and clocks.

use crate::applications;
use crate::applications::view::ApplicationView;
use crate::auth::officer::Officer;
use crate::catalog;
use crate::desks::policy;
use crate::desks::queries;
use crate::desks::workflows::WorkflowVersion;
use crate::desks::workflows::load_version;
use crate::office_admin;
use crate::platform::db::parse_date;
use crate::platform::db::parse_ts;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::looks_like_id;
use crate::state::AppState;
use chrono::NaiveDate;
use chrono::Utc;
use izinkes_domain::sla;
use izinkes_domain::workflow::ActionKind;
use izinkes_domain::workflow::Position;
use izinkes_domain::workflow::Product;
use izinkes_domain::workflow::StepProgress;
use serde::Deserialize;
use serde::Serialize;

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
        // A withdrawn file keeps its last position for the record but is at no desk.
        if self.view.app.status == izinkes_domain::status::ApplicationStatus::Withdrawn {
            return None;
        }
        match self.position {
            Position::AtStep { step } => self.workflow.definition.steps.get(step),
            _ => None,
        }
    }

    /// Actions this officer may take now (role of the step; not claimed by someone else).
    pub fn allowed_actions(&self, officer: &Officer) -> Vec<ActionKind> {
        policy::allowed_actions(policy::Actor::of(officer), &self.desk())
    }

    /// The file as the desk policy sees it.
    pub fn desk(&self) -> policy::Desk<'_> {
        policy::Desk {
            position: self.position,
            step: self.current_step(),
            claimed_by: self.claimed_by.as_ref().map(|(id, name)| (id.as_str(), name.as_str())),
        }
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
    let mut out = Vec::new();
    for r in queries::products(&state.db.pool, app_id).await? {
        let Ok(product) = serde_json::from_value::<Product>(serde_json::Value::String(r.product)) else {
            continue;
        };
        out.push(ProductRecord {
            step_key: r.step_key,
            product,
            data: serde_json::from_str(&r.data).unwrap_or(serde_json::Value::Null),
            officer_name: r.officer_name,
            at: r.at,
        });
    }
    Ok(out)
}

pub async fn load_rounds(state: &AppState, app_id: &str) -> ServiceResult<Vec<RevisionRound>> {
    Ok(queries::rounds(&state.db.pool, app_id)
        .await?
        .into_iter()
        .map(|r| RevisionRound {
            round: r.round,
            step_key: r.step_key,
            asked_at: r.asked_at,
            asked_by_name: r.asked_by_name,
            items: serde_json::from_str(&r.items).unwrap_or_default(),
            resubmitted_at: r.resubmitted_at,
            changes: r.changes.and_then(|s| serde_json::from_str(&s).ok()),
        })
        .collect())
}

/// The file as an officer of its office sees it. Other offices' files do not exist for them.
pub async fn open_file(state: &AppState, officer: &Officer, app_id: &str) -> ServiceResult<DeskFile> {
    if !looks_like_id(app_id) {
        return Err(ServiceError::NotFound);
    }
    let r = queries::file_row(&state.db.pool, app_id, &officer.office_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let wf_id = r
        .workflow_version_id
        .ok_or_else(|| ServiceError::Internal("application without workflow".into()))?;
    let workflow = load_version(state, &wf_id).await?;
    let position: Position = r
        .position
        .and_then(|s| serde_json::from_str(&s).ok())
        .ok_or_else(|| ServiceError::Internal("application without position".into()))?;
    let claimed_by = policy::live_claim(r.claimed_by, r.claimed_until.as_deref().and_then(parse_ts), Utc::now())
        .map(|id| (id, r.claimer.unwrap_or_default()));
    let view = applications::view::load_view(state, &r.applicant_id, app_id).await?;
    let cal = office_admin::calendar::for_office(state, &view.office.id).await?;
    let today = catalog::offices::today(&view.office);
    let step_due_on = r.step_due_on.as_deref().and_then(parse_date);
    let due_on = r.due_on.as_deref().and_then(parse_date);
    let active = matches!(position, Position::AtStep { .. });
    let remaining = |due: Option<NaiveDate>| due.filter(|_| active).map(|d| sla::remaining_days(&cal, today, d));
    let internal = queries::internal_notes(&state.db.pool, app_id)
        .await?
        .into_iter()
        .map(|h| (h.at, h.actor_name, h.internal_note))
        .collect();
    Ok(DeskFile {
        products: load_products(state, app_id).await?,
        checks: load_checks(state, app_id).await?,
        rounds: load_rounds(state, app_id).await?,
        lock_version: r.lock_version,
        claimed_by,
        remaining_step_days: remaining(step_due_on),
        remaining_days: remaining(due_on),
        step_due_on,
        due_on,
        paused: r.sla_paused_since.is_some(),
        internal_history: internal,
        view,
        workflow,
        position,
    })
}

async fn load_checks(state: &AppState, app_id: &str) -> ServiceResult<Vec<CheckRecord>> {
    Ok(queries::checks(&state.db.pool, app_id)
        .await?
        .into_iter()
        .map(|r| CheckRecord {
            requirement_key: r.requirement_key,
            ok: r.ok == 1,
            note: r.note,
        })
        .collect())
}
