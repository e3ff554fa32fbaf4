//! The supervisors' summary: files waiting and overdue per step, and the average working days
//! a step took.

use crate::auth::officer::Officer;
use crate::catalog;
use crate::desks::policy;
use crate::desks::queries;
use crate::office_admin;
use crate::platform::db::parse_date;
use crate::platform::db::parse_ts;
use crate::platform::db::ts;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use chrono::Duration;
use chrono::Utc;
use izinkes_domain::sla;
use izinkes_domain::workflow::WorkflowDefinition;
use serde::Serialize;
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------------
// Supervision

#[derive(Clone, Debug, Serialize)]
pub struct StepSummary {
    pub step_key: String,
    pub step_name: String,
    pub role: String,
    pub waiting: i64,
    pub overdue: i64,
    /// Average working days files spent at this step (files that left it in the last 90 days).
    pub average_days: Option<f64>,
}

/// Counts per step, overdue files and average working days per step, for the heads.
pub async fn summary(state: &AppState, officer: &Officer) -> ServiceResult<Vec<StepSummary>> {
    policy::may_see_summary(&officer.roles)?;
    let office = catalog::offices::get(state, &officer.office_id).await?;
    let cal = office_admin::calendar::for_office(state, &office.id).await?;
    let today = catalog::offices::today(&office);
    let rows = queries::open_files(&state.db.pool, &office.id).await?;
    let mut by_step: BTreeMap<String, StepSummary> = BTreeMap::new();
    // Step names from the office's workflow versions.
    let mut names: BTreeMap<String, (String, String)> = BTreeMap::new();
    for body in queries::office_workflow_bodies(&state.db.pool, &office.id).await? {
        if let Ok(def) = serde_json::from_str::<WorkflowDefinition>(&body) {
            for s in def.steps {
                names.entry(s.key.clone()).or_insert((s.name, s.role));
            }
        }
    }
    for r in rows {
        let key = r.step_key.unwrap_or_default();
        let (name, role) = names
            .get(&key)
            .cloned()
            .unwrap_or((key.clone(), r.step_role.unwrap_or_default()));
        let e = by_step.entry(key.clone()).or_insert(StepSummary {
            step_key: key,
            step_name: name,
            role,
            waiting: 0,
            overdue: 0,
            average_days: None,
        });
        e.waiting += 1;
        if r.step_due_on
            .as_deref()
            .and_then(parse_date)
            .is_some_and(|d| sla::is_overdue(today, d))
        {
            e.overdue += 1;
        }
    }
    // Average days per step from the history: time between entering a step and leaving it.
    let since = ts(Utc::now() - Duration::days(90));
    let hist = queries::recent_history(&state.db.pool, &office.id, &since).await?;
    let mut totals: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut prev: Option<(String, String)> = None;
    for h in hist {
        let (app, at, action) = (h.application_id, h.at, h.action);
        if let (Some((papp, pat)), Some(step)) = (&prev, h.step)
            && papp == &app
            && action == "teruskan"
            && let (Some(a), Some(b)) = (parse_ts(pat), parse_ts(&at))
        {
            let off = office.tz().offset();
            let days = sla::days_spent(
                &cal,
                a.with_timezone(&off).date_naive(),
                b.with_timezone(&off).date_naive(),
            );
            let t = totals.entry(step).or_insert((0, 0));
            t.0 += days;
            t.1 += 1;
        }
        if action == "teruskan"
            || action == "ajukan"
            || action == "ajukan_ulang"
            || action == "kembalikan_ke_tahap_sebelumnya"
        {
            prev = Some((app, at));
        }
    }
    for (step, (sum, n)) in totals {
        let (name, role) = names.get(&step).cloned().unwrap_or((step.clone(), String::new()));
        let e = by_step.entry(step.clone()).or_insert(StepSummary {
            step_key: step,
            step_name: name,
            role,
            waiting: 0,
            overdue: 0,
            average_days: None,
        });
        e.average_days = Some(sum as f64 / n as f64);
    }
    Ok(by_step.into_values().collect())
}
