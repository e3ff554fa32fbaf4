//! The office's settings: default workflow, cuti bersama, automatic approval, warning threshold,
//! and whether downloading a permit waits for the survey.

use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use sqlx::Row;

#[derive(Clone, Debug, serde::Serialize)]
pub struct OfficeSettings {
    /// Workflow preset used for permit types the office has not chosen one for.
    pub default_preset: String,
    pub count_cuti_bersama: bool,
    /// Fiktif positif (SKB 9 Sep 2025): move a file forward automatically at its deadline.
    pub auto_approve_at_deadline: bool,
    /// A step shows the warning state once this share of its days is used.
    pub warning_threshold_pct: i64,
    /// Downloading a permit waits for the holder's satisfaction survey (SKM); off by default.
    pub skm_gate: bool,
}

impl Default for OfficeSettings {
    fn default() -> Self {
        OfficeSettings {
            default_preset: "cilegon".into(),
            count_cuti_bersama: true,
            auto_approve_at_deadline: false,
            skm_gate: false,
            warning_threshold_pct: 75,
        }
    }
}

/// The office's settings (cached for [`crate::platform::cache::CACHE_TTL`]; saving forgets them).
pub async fn settings(state: &AppState, office_id: &str) -> ServiceResult<OfficeSettings> {
    if let Some(s) = state.settings.get(office_id) {
        return Ok(s);
    }
    let s = load_settings(state, office_id).await?;
    state.settings.put(office_id, s.clone());
    Ok(s)
}

async fn load_settings(state: &AppState, office_id: &str) -> ServiceResult<OfficeSettings> {
    let row = sqlx::query(
        "SELECT default_preset, count_cuti_bersama, auto_approve_at_deadline, warning_threshold_pct, skm_gate FROM office_settings WHERE office_id = $1",
    )
    .bind(office_id)
    .fetch_optional(&state.db.pool)
    .await?;
    Ok(match row {
        None => OfficeSettings::default(),
        Some(r) => OfficeSettings {
            default_preset: r.try_get("default_preset")?,
            count_cuti_bersama: r.try_get::<i64, _>("count_cuti_bersama")? == 1,
            auto_approve_at_deadline: r.try_get::<i64, _>("auto_approve_at_deadline")? == 1,
            warning_threshold_pct: r.try_get("warning_threshold_pct")?,
            skm_gate: r.try_get::<i64, _>("skm_gate")? == 1,
        },
    })
}

pub async fn save_settings(state: &AppState, office_id: &str, s: &OfficeSettings) -> ServiceResult<()> {
    if izinkes_domain::workflow::WorkflowDefinition::preset(&s.default_preset).is_none() {
        return Err(ServiceError::field(
            "default_preset",
            "Pilih salah satu alur kerja bawaan.",
        ));
    }
    if !(1..=100).contains(&s.warning_threshold_pct) {
        return Err(ServiceError::field(
            "warning_threshold_pct",
            "Ambang peringatan berupa persen antara 1 dan 100.",
        ));
    }
    sqlx::query(
        "INSERT INTO office_settings (office_id, default_preset, count_cuti_bersama, auto_approve_at_deadline, warning_threshold_pct, skm_gate, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (office_id) DO UPDATE SET default_preset = $2, count_cuti_bersama = $3, \
         auto_approve_at_deadline = $4, warning_threshold_pct = $5, skm_gate = $6, updated_at = $7",
    )
    .bind(office_id)
    .bind(&s.default_preset)
    .bind(i64::from(s.count_cuti_bersama))
    .bind(i64::from(s.auto_approve_at_deadline))
    .bind(s.warning_threshold_pct)
    .bind(i64::from(s.skm_gate))
    .bind(now_text())
    .execute(&state.db.pool)
    .await?;
    state.forget_office(office_id);
    Ok(())
}
