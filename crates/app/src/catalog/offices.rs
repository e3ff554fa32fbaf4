//! Offices (kantor DPMPTSP, the tenants): their profile, cached, and the office's date today.

use crate::catalog::queries;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use chrono::NaiveDate;
use chrono::Utc;
use izinkes_domain::calendar::OfficeTimeZone;
use izinkes_domain::catalog::FieldErrors;

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
    pub website: String,
    /// Service hours as the office writes them, e.g. "Senin–Kamis 08.00–15.00, Jumat 08.00–11.00".
    pub service_hours: String,
    /// Closed by the instance administrator: off the public pages, no new applications; its
    /// files and permits stay readable. Not in the public JSON (closed offices are not listed).
    #[serde(skip_serializing)]
    pub disabled: bool,
}

impl Office {
    pub fn tz(&self) -> OfficeTimeZone {
        self.timezone.parse().unwrap_or(OfficeTimeZone::Wib)
    }
}

/// Every open office, by name (cached for [`crate::platform::cache::CACHE_TTL`]; creating,
/// changing or closing an office forgets it).
pub async fn list(state: &AppState) -> ServiceResult<Vec<Office>> {
    if let Some(all) = state.office_list.get("") {
        return Ok(Vec::clone(&all));
    }
    let rows = queries::offices(&state.db.pool).await?;
    let all: Vec<Office> = rows.into_iter().map(Office::from).filter(|o| !o.disabled).collect();
    state.office_list.put("", std::sync::Arc::new(all.clone()));
    Ok(all)
}

/// Every office, closed ones too, by name (the instance administrator's list; not cached).
pub async fn all(state: &AppState) -> ServiceResult<Vec<Office>> {
    let rows = queries::offices(&state.db.pool).await?;
    Ok(rows.into_iter().map(Office::from).collect())
}

/// Forgets the cached rows of an office after a change.
pub fn forget(state: &AppState, id: &str) {
    state.offices.forget(id);
    state.office_list.forget("");
}

/// One office, open or closed (cached for [`crate::platform::cache::CACHE_TTL`]; a change forgets it).
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
    pub website: &'a str,
    pub service_hours: &'a str,
    pub timezone: OfficeTimeZone,
}

/// Checks a new office's fields; the errors are per field, in Indonesian.
pub fn check_new(o: &NewOffice<'_>) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let ok_id = !o.id.is_empty()
        && o.id.len() <= 40
        && o.id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok_id {
        errors.insert(
            "id".into(),
            "Id kantor: 1–40 huruf kecil, angka atau tanda minus, mis. \"kota-bontang\".".into(),
        );
    }
    let ok_code =
        (2..=8).contains(&o.code.len()) && o.code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !ok_code {
        errors.insert(
            "code".into(),
            "Kode kantor (dipakai pada nomor izin): 2–8 huruf besar atau angka, mis. \"BTG\".".into(),
        );
    }
    check_profile(
        &mut errors,
        &Profile {
            name: o.name,
            short_name: o.short_name,
            address: o.address,
            phone: o.phone,
            email: o.email,
            website: o.website,
            service_hours: o.service_hours,
        },
    );
    let regency = izinkes_domain::wilayah::Wilayah::builtin().get(o.regency_code);
    if regency.is_none_or(|a| a.level != izinkes_domain::wilayah::AreaLevel::Regency) {
        errors.insert(
            "regency_code".into(),
            format!(
                "Kode kabupaten/kota \"{}\" tidak dikenal dalam data wilayah Kemendagri (contoh: 64.74).",
                o.regency_code
            ),
        );
    }
    errors
}

/// An office's public profile, as it is changed after creation.
pub struct Profile<'a> {
    pub name: &'a str,
    pub short_name: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub website: &'a str,
    pub service_hours: &'a str,
}

/// Checks a profile: name, short name and address are required; the e-mail, when given, must
/// be one; the website, when given, an http(s) address.
pub fn check_profile(errors: &mut FieldErrors, p: &Profile<'_>) {
    for (key, label, value, max) in [
        ("name", "Nama kantor", p.name, 160),
        ("short_name", "Nama singkat", p.short_name, 80),
        ("address", "Alamat", p.address, 300),
    ] {
        if value.trim().is_empty() {
            errors.insert(key.into(), format!("{label} wajib diisi."));
        } else if value.chars().count() > max {
            errors.insert(key.into(), format!("{label} paling banyak {max} karakter."));
        }
    }
    for (key, label, value, max) in [
        ("phone", "Telepon", p.phone, 60),
        ("service_hours", "Jam layanan", p.service_hours, 200),
    ] {
        if value.chars().count() > max {
            errors.insert(key.into(), format!("{label} paling banyak {max} karakter."));
        }
    }
    if !p.email.trim().is_empty() && izinkes_domain::email::Email::parse(p.email).is_err() {
        errors.insert("email".into(), "Masukkan alamat e-mail kantor yang valid.".into());
    }
    let web = p.website.trim();
    if !web.is_empty()
        && (!(web.starts_with("https://") || web.starts_with("http://"))
            || web.len() > 200
            || web.contains(char::is_whitespace))
    {
        errors.insert(
            "website".into(),
            "Alamat situs web diawali https:// (paling banyak 200 karakter), mis. https://dpmptsp.bontangkota.go.id"
                .into(),
        );
    }
}

/// Creates an office; a taken id or code is refused on its field, nothing is written.
pub async fn create(state: &AppState, o: &NewOffice<'_>) -> ServiceResult<()> {
    let mut errors = check_new(o);
    if errors.is_empty() {
        for existing in all(state).await? {
            if existing.id == o.id {
                errors.insert("id".into(), format!("Id kantor \"{}\" sudah dipakai.", o.id));
            }
            if existing.code == o.code {
                errors.insert(
                    "code".into(),
                    format!("Kode \"{}\" sudah dipakai oleh {}.", o.code, existing.name),
                );
            }
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    match queries::insert_office(&state.db.pool, o, &now_text()).await {
        Ok(()) => {}
        Err(e) if crate::platform::db::is_unique_violation(&e) => {
            return Err(ServiceError::field("code", "Id atau kode kantor sudah dipakai."));
        }
        Err(e) => return Err(e.into()),
    }
    state.office_list.forget("");
    Ok(())
}
