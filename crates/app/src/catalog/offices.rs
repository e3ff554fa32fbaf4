//! Offices (kantor DPMPTSP, the tenants): their profile, cached, and the office's date today.

use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use chrono::NaiveDate;
use chrono::Utc;
use izinkes_domain::calendar::OfficeTimeZone;
use sqlx::Row;

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

fn office_from_row(r: &sqlx::any::AnyRow) -> Result<Office, sqlx::Error> {
    Ok(Office {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        short_name: r.try_get("short_name")?,
        regency_code: r.try_get("regency_code")?,
        address: r.try_get("address")?,
        phone: r.try_get("phone")?,
        email: r.try_get("email")?,
        timezone: r.try_get("timezone")?,
    })
}

/// Every office, by name (cached for [`crate::platform::cache::CACHE_TTL`]; creating an office forgets it).
pub async fn list(state: &AppState) -> ServiceResult<Vec<Office>> {
    if let Some(all) = state.office_list.get("") {
        return Ok(Vec::clone(&all));
    }
    let rows = sqlx::query("SELECT * FROM offices ORDER BY name")
        .fetch_all(&state.db.pool)
        .await?;
    let all: Vec<Office> = rows.iter().map(office_from_row).collect::<Result<_, _>>()?;
    state.office_list.put("", std::sync::Arc::new(all.clone()));
    Ok(all)
}

/// One office (cached for [`crate::platform::cache::CACHE_TTL`]: an office's row does not change after it is created).
pub async fn get(state: &AppState, id: &str) -> ServiceResult<Office> {
    if let Some(o) = state.offices.get(id) {
        return Ok(Office::clone(&o));
    }
    let row = sqlx::query("SELECT * FROM offices WHERE id = $1")
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let office = office_from_row(&row)?;
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
    sqlx::query(
        "INSERT INTO offices (id, code, name, short_name, regency_code, address, phone, email, timezone, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(o.id)
    .bind(o.code)
    .bind(o.name)
    .bind(o.short_name)
    .bind(o.regency_code)
    .bind(o.address)
    .bind(o.phone)
    .bind(o.email)
    .bind(o.timezone.label())
    .bind(now_text())
    .execute(&state.db.pool)
    .await?;
    state.office_list.forget("");
    Ok(())
}
