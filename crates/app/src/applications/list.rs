//! Permohonan Saya: the applicant's applications, newest first.

use crate::applications::queries;
use crate::applications::view::ApplicantData;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use izinkes_domain::status::ApplicationStatus;
use serde::Deserialize;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct ListItem {
    pub id: String,
    pub permit_code: String,
    pub permit_name: String,
    pub office_name: String,
    pub facility_name: String,
    pub status: ApplicationStatus,
    pub registration_number: Option<String>,
    pub created_at: String,
    pub submitted_at: Option<String>,
}

/// One row of Permohonan Saya (`list_for_applicant`); on SQLite a JSON array in this order.
#[derive(Deserialize)]
struct ListRowJson {
    id: String,
    permit_code: String,
    catalog_version: i64,
    status: String,
    registration_number: Option<String>,
    facility_name: Option<String>,
    created_at: String,
    submitted_at: Option<String>,
    office_name: String,
}

/// Permohonan Saya: newest first. On SQLite read as one row (`Backend::json_rows`); on
/// PostgreSQL row by row, where rows are cheap and taking the facility out of the applicant's
/// data in SQL (a JSON parse per row in the server) cost more than the whole list
/// (docs/benchmarks.md).
pub async fn list_for_applicant(state: &AppState, applicant_id: &str) -> ServiceResult<Vec<ListItem>> {
    let rows: Vec<ListRowJson> = match state.db.backend {
        crate::platform::db::Backend::Sqlite => {
            let list = queries::applicant_list_json(&state.db.pool, state.db.backend, applicant_id).await?;
            match list {
                Some(json) => serde_json::from_str(&json)?,
                None => Vec::new(),
            }
        }
        crate::platform::db::Backend::Postgres => {
            let rows = queries::applicant_list_rows(&state.db.pool, applicant_id).await?;
            let mut list = Vec::with_capacity(rows.len());
            for r in rows {
                let data: ApplicantData = serde_json::from_str(&r.applicant_data).unwrap_or_default();
                list.push(ListRowJson {
                    id: r.id,
                    permit_code: r.permit_code,
                    catalog_version: r.catalog_version,
                    status: r.status,
                    registration_number: r.registration_number,
                    facility_name: Some(data.facility_name),
                    created_at: r.created_at,
                    submitted_at: r.submitted_at,
                    office_name: r.office_name,
                });
            }
            list
        }
    };
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let catalog = state.catalog(r.catalog_version).await?;
        out.push(ListItem {
            permit_name: catalog
                .get(&r.permit_code)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| r.permit_code.clone()),
            id: r.id,
            permit_code: r.permit_code,
            office_name: r.office_name,
            facility_name: r.facility_name.unwrap_or_default(),
            status: ApplicationStatus::from_code(&r.status).unwrap_or(ApplicationStatus::Draft),
            registration_number: r.registration_number,
            created_at: r.created_at,
            submitted_at: r.submitted_at,
        });
    }
    Ok(out)
}
