//! The office's settings: default workflow, cuti bersama, automatic approval, warning threshold,
//! and whether downloading a permit waits for the survey.

use crate::office_admin::queries;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;

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
    /// Answers on Pesan Pengaduan are signed with the officer's name (and desk), not the desk alone.
    pub messages_show_officer_name: bool,
}

impl Default for OfficeSettings {
    fn default() -> Self {
        OfficeSettings {
            default_preset: "cilegon".into(),
            count_cuti_bersama: true,
            auto_approve_at_deadline: false,
            skm_gate: false,
            messages_show_officer_name: false,
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
    let row = queries::settings(&state.db.pool, office_id).await?;
    Ok(row.map(OfficeSettings::from).unwrap_or_default())
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
    queries::save_settings(&state.db.pool, office_id, s, &now_text()).await?;
    state.forget_office(office_id);
    Ok(())
}
