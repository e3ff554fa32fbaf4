//! Public tracking by registration number and the last four digits of the identity number.

use crate::applications::queries;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use chrono::Utc;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::status::ApplicationStatus;
use izinkes_domain::status::RegistrationNumber;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct TrackResult {
    pub registration_number: String,
    pub permit_name: String,
    pub office_name: String,
    pub status: ApplicationStatus,
    pub status_label: String,
    pub submitted_at: Option<String>,
    pub updated_at: String,
    /// The desk the file is at (its public name), while it is worked.
    pub stage: Option<String>,
    /// What happens there, in the workflow's own words.
    pub stage_note: Option<String>,
    /// The desk's due date (`YYYY-MM-DD`).
    pub stage_due_on: Option<String>,
    /// The whole service's due date (`YYYY-MM-DD`).
    pub due_on: Option<String>,
}

impl TrackResult {
    /// The desk's due date for reading (`17 Maret 2026`); empty if none.
    pub fn stage_due_label(&self) -> String {
        self.stage_due_on
            .as_deref()
            .map(izinkes_domain::format_id::iso_date_id)
            .unwrap_or_default()
    }

    /// The service's due date for reading; empty if none.
    pub fn due_label(&self) -> String {
        self.due_on
            .as_deref()
            .map(izinkes_domain::format_id::iso_date_id)
            .unwrap_or_default()
    }
}

/// Public tracking by registration number and the last 4 digits of the identity number.
/// Shows the status and, while the file is worked, its desk and due dates. Failed lookups count against the client address, like logins.
pub async fn track(state: &AppState, number: &str, last4: &str, client: &str) -> ServiceResult<TrackResult> {
    let mut errors = FieldErrors::new();
    let number = RegistrationNumber::parse(number);
    if number.is_none() {
        errors.insert(
            "number".into(),
            "Nomor registrasi tidak valid (contoh: JBR-2026-000123).".into(),
        );
    }
    let last4 = last4.trim();
    if last4.len() != 4 || !last4.bytes().all(|b| b.is_ascii_alphanumeric()) {
        errors.insert(
            "nik4".into(),
            "Masukkan 4 digit terakhir NIK/nomor identitas pemohon.".into(),
        );
    }
    let Some(number) = number.filter(|_| errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let key = format!("track:{client}");
    let since =
        crate::platform::db::ts(Utc::now() - chrono::Duration::minutes(crate::auth::throttle::THROTTLE_WINDOW_MINUTES));
    let failures = queries::recent_failures(&state.db.pool, &key, &since).await?;
    if failures >= 20 {
        return Err(ServiceError::Throttled(
            "Terlalu banyak pencarian yang tidak cocok. Coba lagi dalam 15 menit.".into(),
        ));
    }
    let row = queries::tracked(&state.db.pool, number.as_str()).await?;
    let found = row.filter(|r| {
        r.identity_number
            .to_ascii_uppercase()
            .ends_with(&last4.to_ascii_uppercase())
    });
    let Some(r) = found else {
        queries::record_failure(&state.db.pool, &key, &now_text()).await?;
        return Err(ServiceError::Refused(
            "Permohonan tidak ditemukan. Periksa nomor registrasi dan 4 digit terakhir NIK.".into(),
        ));
    };
    let code = r.permit_code.clone();
    let catalog = state.catalog(r.catalog_version).await?;
    let status = ApplicationStatus::from_code(&r.status).unwrap_or(ApplicationStatus::Submitted);
    let (stage, stage_note) = stage_of(state, &r, status).await?;
    Ok(TrackResult {
        registration_number: number.to_string(),
        permit_name: catalog.get(&code).map(|p| p.name.clone()).unwrap_or(code),
        office_name: r.office_name,
        status,
        // An issued file whose permit was revoked or replaced since says so (issue 18).
        status_label: match r.permit_status.as_deref() {
            Some("revoked") => "Izin Dicabut".to_string(),
            Some("replaced") => "Izin Diganti".to_string(),
            _ => status.label_id().to_string(),
        },
        stage_due_on: stage.as_ref().and(r.step_due_on),
        due_on: matches!(status, ApplicationStatus::Submitted | ApplicationStatus::InProcess)
            .then_some(r.due_on)
            .flatten(),
        stage,
        stage_note,
        submitted_at: r.submitted_at,
        updated_at: r.updated_at,
    })
}

/// The desk a file being worked is at, and its public note; none before and after the desks.
async fn stage_of(
    state: &AppState,
    r: &queries::TrackRow,
    status: ApplicationStatus,
) -> ServiceResult<(Option<String>, Option<String>)> {
    let (Some(version), Some(key)) = (&r.workflow_version_id, &r.step_key) else {
        return Ok((None, None));
    };
    if !matches!(status, ApplicationStatus::Submitted | ApplicationStatus::InProcess) {
        return Ok((None, None));
    }
    let workflow = crate::desks::workflows::load_version(state, version).await?;
    Ok(workflow
        .definition
        .steps
        .iter()
        .find(|s| &s.key == key)
        .map_or((None, None), |s| (Some(s.name.clone()), s.public_note.clone())))
}
