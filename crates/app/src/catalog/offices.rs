//! Offices (kantor DPMPTSP, the tenants): their profile, cached, and the office's date today.

use crate::catalog::queries;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use chrono::NaiveDate;
use chrono::Utc;
use izinkes_domain::calendar::OfficeTimeZone;

/// Today in the office's time zone.
pub fn today(office: &Office) -> NaiveDate {
    Utc::now().with_timezone(&office.tz().offset()).date_naive()
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Office {
    pub id: String,
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub regency_code: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub timezone: String,
}

impl Office {
    pub fn tz(&self) -> OfficeTimeZone {
        self.timezone.parse().unwrap_or(OfficeTimeZone::Wib)
    }
}

/// Every office, by name (cached for [`crate::platform::cache::CACHE_TTL`]; creating an office forgets it).
pub async fn list(state: &AppState) -> ServiceResult<Vec<Office>> {
    if let Some(all) = state.office_list.get("") {
        return Ok(Vec::clone(&all));
    }
    let rows = queries::offices(&state.db.pool).await?;
    let all: Vec<Office> = rows.into_iter().map(Office::from).collect();
    state.office_list.put("", std::sync::Arc::new(all.clone()));
    Ok(all)
}

/// One office (cached for [`crate::platform::cache::CACHE_TTL`]: an office's row does not change after it is created).
pub async fn get(state: &AppState, id: &str) -> ServiceResult<Office> {
    if let Some(o) = state.offices.get(id) {
        return Ok(Office::clone(&o));
    }
    let row = queries::office(&state.db.pool, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let office = Office::from(row);
    state.offices.put(id, std::sync::Arc::new(office.clone()));
    Ok(office)
}

pub struct NewOffice<'a> {
    pub id: &'a str,
    pub code: &'a str,
    pub name: &'a str,
    pub short_name: &'a str,
    pub regency_code: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub timezone: OfficeTimeZone,
}

pub async fn create(state: &AppState, o: &NewOffice<'_>) -> ServiceResult<()> {
    let ok_id = !o.id.is_empty()
        && o.id.len() <= 40
        && o.id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let ok_code =
        (2..=8).contains(&o.code.len()) && o.code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !ok_id || !ok_code {
        return Err(ServiceError::Refused(
            "id kantor: huruf kecil/angka/tanda minus; kode: 2–8 huruf besar/angka".into(),
        ));
    }
    if izinkes_domain::wilayah::Wilayah::builtin()
        .get(o.regency_code)
        .is_none()
    {
        return Err(ServiceError::Refused(format!(
            "kode wilayah {} tidak dikenal",
            o.regency_code
        )));
    }
    queries::insert_office(&state.db.pool, o, &now_text()).await?;
    state.office_list.forget("");
    Ok(())
}
