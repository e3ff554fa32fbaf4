//! Permohonan Saya: the applicant's applications, newest first.

use crate::applications::view::ApplicantData;
use crate::platform::db::opt_text;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use izinkes_domain::status::ApplicationStatus;
use serde::Deserialize;
use serde::Serialize;
use sqlx::Row;

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
    const FROM: &str = "FROM applications a JOIN offices o ON o.id = a.office_id WHERE a.applicant_id = $1 \
                        ORDER BY a.created_at DESC, a.id DESC LIMIT 500";
    let rows: Vec<ListRowJson> = match state.db.backend {
        crate::platform::db::Backend::Sqlite => {
            let (agg, array) = state.db.backend.json_rows();
            let list: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT CAST({agg}({array}(x.id, x.permit_code, x.catalog_version, x.status, x.registration_number, \
                     x.facility_name, x.created_at, x.submitted_at, x.office_name) ORDER BY x.created_at DESC, x.id DESC) AS TEXT) \
                 FROM (SELECT a.id, a.permit_code, a.catalog_version, a.status, a.registration_number, json_extract(a.applicant_data, '$.facility_name') AS facility_name, \
                         a.created_at, a.submitted_at, o.name AS office_name {FROM}) AS x"
            )))
            .bind(applicant_id)
            .fetch_one(&state.db.pool)
            .await?;
            match list {
                Some(json) => serde_json::from_str(&json)?,
                None => Vec::new(),
            }
        }
        crate::platform::db::Backend::Postgres => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT a.id, a.permit_code, a.catalog_version, a.status, a.registration_number, a.applicant_data, \
                        a.created_at, a.submitted_at, o.name AS office_name {FROM}"
            )))
            .bind(applicant_id)
            .fetch_all(&state.db.pool)
            .await?;
            let mut list = Vec::with_capacity(rows.len());
            for r in rows {
                let data: ApplicantData =
                    serde_json::from_str(&r.try_get::<String, _>("applicant_data")?).unwrap_or_default();
                list.push(ListRowJson {
                    id: r.try_get("id")?,
                    permit_code: r.try_get("permit_code")?,
                    catalog_version: r.try_get("catalog_version")?,
                    status: r.try_get("status")?,
                    registration_number: opt_text(&r, "registration_number")?,
                    facility_name: Some(data.facility_name),
                    created_at: r.try_get("created_at")?,
                    submitted_at: opt_text(&r, "submitted_at")?,
                    office_name: r.try_get("office_name")?,
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
