//! The one picture of an application that every page and the API show: its data, answers,
//! attachments and public history, with the catalog version it started on.

use crate::applications::queries;
use crate::applications::queries::AppRow;
use crate::catalog;
use crate::catalog::offices::Office;
use crate::catalog::standards;
use crate::catalog::standards::InForce;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::looks_like_id;
use crate::state::AppState;
use izinkes_domain::catalog::Answers;
use izinkes_domain::catalog::Catalog;
use izinkes_domain::catalog::PermitType;
use izinkes_domain::status::ApplicationStatus;
use serde::Deserialize;
use serde::Serialize;
use std::sync::Arc;

/// Tahap 1: who applies and where the permit is for (seed 000 "Data Pemohon").
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ApplicantData {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub village_code: String,
    /// Filed by a proxy (kuasa) on the holder's behalf.
    pub by_proxy: bool,
    pub proxy_phone: String,
    pub facility_name: String,
    pub location_village_code: String,
    pub location_address: String,
    pub is_company: bool,
    pub company_name: String,
    pub company_address: String,
    pub company_email: String,
    pub company_fax: String,
    pub company_phone: String,
    pub company_npwp: String,
    pub business_type: String,
    /// Nomor Induk Berusaha from OSS (required for an establishment's permit).
    pub company_nib: String,
    /// The business's owner (pemilik), for an establishment's permit.
    pub company_owner: String,
    /// The person in charge (penanggung jawab) of the establishment.
    pub person_in_charge: String,
}

impl ApplicantData {
    /// The pseudo answers conditional requirements may depend on.
    pub fn pseudo_answers(&self) -> Answers {
        let yn = |b: bool| if b { "ya".to_string() } else { "tidak".to_string() };
        let mut a = Answers::new();
        a.insert("pemohon.kuasa".into(), yn(self.by_proxy));
        a.insert("pemohon.perusahaan".into(), yn(self.is_company));
        a
    }
}

/// Field order is the column order of `view`'s JSON rows.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Attachment {
    pub requirement_key: String,
    pub document_id: Option<String>,
    pub filename: String,
    pub mime: String,
    pub size: i64,
    pub sha256: String,
    pub attached_at: String,
}

/// Field order is the column order of `view`'s JSON rows.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub seq: i64,
    pub at: String,
    pub actor_name: String,
    pub actor_role: Option<String>,
    pub action: String,
    pub to_status: String,
    pub public_note: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Application {
    pub id: String,
    pub office_id: String,
    pub applicant_id: String,
    pub permit_code: String,
    pub catalog_version: i64,
    pub status: ApplicationStatus,
    pub registration_number: Option<String>,
    pub data: ApplicantData,
    pub answers: Answers,
    pub step1_done: bool,
    pub step2_done: bool,
    pub created_at: String,
    pub updated_at: String,
    pub submitted_at: Option<String>,
    pub lock_version: i64,
    /// How many times the file was returned to the applicant.
    pub revision_round: i64,
    /// The permit this application renews (perpanjangan).
    pub renewal_of: Option<String>,
    /// The permit whose practice place or schedule this application changes (perubahan data),
    /// with the applicant's reason.
    pub change_of: Option<String>,
    pub change_reason: Option<String>,
    /// The office's service standard the file was submitted under (`None`: see
    /// [`crate::catalog::standards::of_application`]).
    pub standard_id: Option<String>,
    /// The permit this application asks to cancel (pencabutan).
    pub cancels_permit: Option<String>,
}

/// An application with what is needed to show it.
pub struct ApplicationView {
    pub app: Application,
    pub office: Office,
    pub catalog: Arc<Catalog>,
    pub attachments: Vec<Attachment>,
    pub history: Vec<HistoryEntry>,
    /// The service standard the file is (or, for a draft, will be) served on.
    pub standard: InForce,
}

impl ApplicationView {
    pub fn permit(&self) -> Option<&PermitType> {
        self.catalog.get(&self.app.permit_code)
    }

    /// All answers including the applicant-step pseudo fields.
    pub fn all_answers(&self) -> Answers {
        let mut a = self.app.answers.clone();
        a.extend(self.app.data.pseudo_answers());
        a
    }

    pub fn attachment(&self, key: &str) -> Option<&Attachment> {
        self.attachments.iter().find(|a| a.requirement_key == key)
    }

    /// Needed requirements without a file yet.
    pub fn missing_requirements(&self) -> Vec<String> {
        let answers = self.all_answers();
        self.permit()
            .map(|p| {
                p.needed_requirements(&answers)
                    .into_iter()
                    .filter(|r| self.attachment(&r.key).is_none())
                    .map(|r| r.key.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn step3_done(&self) -> bool {
        self.missing_requirements().is_empty()
    }
}

fn app_from_row(r: AppRow) -> Result<Application, ServiceError> {
    let status = r.status;
    Ok(Application {
        id: r.id,
        office_id: r.office_id,
        applicant_id: r.applicant_id,
        permit_code: r.permit_code,
        catalog_version: r.catalog_version,
        status: ApplicationStatus::from_code(&status)
            .ok_or_else(|| ServiceError::Internal(format!("unknown status {status}")))?,
        registration_number: r.registration_number,
        data: serde_json::from_str(&r.applicant_data)?,
        answers: serde_json::from_str(&r.answers)?,
        step1_done: r.step1_done == 1,
        step2_done: r.step2_done == 1,
        created_at: r.created_at,
        updated_at: r.updated_at,
        submitted_at: r.submitted_at,
        lock_version: r.lock_version,
        revision_round: r.revision_round,
        renewal_of: r.renewal_of,
        change_of: r.change_of,
        change_reason: r.change_reason,
        standard_id: r.standard_id,
        cancels_permit: r.cancels_permit,
    })
}

/// Loads an application the applicant owns (anything else is "not found").
pub async fn load_owned(state: &AppState, applicant_id: &str, id: &str) -> ServiceResult<Application> {
    if !looks_like_id(id) {
        return Err(ServiceError::NotFound);
    }
    let row = queries::owned_application(&state.db.pool, id, applicant_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    app_from_row(row)
}

pub async fn view(state: &AppState, app: Application) -> ServiceResult<ApplicationView> {
    let office = catalog::offices::get(state, &app.office_id).await?;
    let catalog = state.catalog(app.catalog_version).await?;
    // Both lists in one row (`Backend::json_rows`), each JSON row in the field order of
    // `Attachment` and `HistoryEntry`.
    let row = queries::view_lists(&state.db.pool, state.db.backend, &app.id).await?;
    let attachments: Vec<Attachment> = match row.attachments {
        Some(json) => serde_json::from_str(&json)?,
        None => Vec::new(),
    };
    let history: Vec<HistoryEntry> = match row.history {
        Some(json) => serde_json::from_str(&json)?,
        None => Vec::new(),
    };
    let standard = match catalog.get(&app.permit_code) {
        Some(permit) => {
            let submitted = app.status != ApplicationStatus::Draft;
            standards::of_application(state, &app.office_id, app.standard_id.as_deref(), submitted, permit).await?
        }
        None => {
            return Err(ServiceError::Internal(format!(
                "permit type {} not in its catalog",
                app.permit_code
            )));
        }
    };
    Ok(ApplicationView {
        app,
        office,
        catalog,
        attachments,
        history,
        standard,
    })
}

pub async fn load_view(state: &AppState, applicant_id: &str, id: &str) -> ServiceResult<ApplicationView> {
    let app = load_owned(state, applicant_id, id).await?;
    view(state, app).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudo_answers_follow_proxy_and_company_flags() {
        let d = ApplicantData {
            by_proxy: true,
            ..ApplicantData::default()
        };
        let a = d.pseudo_answers();
        assert_eq!(a.get("pemohon.kuasa").map(String::as_str), Some("ya"));
        assert_eq!(a.get("pemohon.perusahaan").map(String::as_str), Some("tidak"));
    }
}
