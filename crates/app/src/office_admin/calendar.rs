//! Working days per office (DOMAIN rule 5): Monday–Friday in the office's time zone, minus the
//! national holidays and cuti bersama (shipped as data, extended by admins with next year's
//! decree) and the office's regional holidays. How deadlines are counted on it is
//! `izinkes_domain::sla`.

use crate::office_admin::queries;
use crate::office_admin::queries::NewHoliday;
use crate::office_admin::settings::settings;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use chrono::NaiveDate;
use izinkes_domain::calendar::Holiday;
use izinkes_domain::calendar::HolidayKind;
use izinkes_domain::calendar::WorkingCalendar;
use izinkes_domain::calendar::builtin_holidays;
use std::sync::Arc;

fn kind_code(k: HolidayKind) -> &'static str {
    match k {
        HolidayKind::Libur => "libur",
        HolidayKind::Cuti => "cuti",
        HolidayKind::Regional => "regional",
    }
}

fn kind_from(code: &str) -> Option<HolidayKind> {
    match code {
        "libur" => Some(HolidayKind::Libur),
        "cuti" => Some(HolidayKind::Cuti),
        "regional" => Some(HolidayKind::Regional),
        _ => None,
    }
}

/// Loads the shipped national holidays once (they are data; admins add later decrees).
pub async fn seed_national(state: &AppState) -> ServiceResult<()> {
    let n = queries::national_holiday_count(&state.db.pool).await?;
    if n > 0 {
        return Ok(());
    }
    let mut tx = state.db.begin().await?;
    for h in builtin_holidays() {
        let holiday = NewHoliday {
            date: &h.date.format("%Y-%m-%d").to_string(),
            kind: kind_code(h.kind),
            name: &h.name,
            decree: &h.decree,
            now: &now_text(),
        };
        queries::insert_national_holiday(&mut *tx, &holiday).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct HolidayRow {
    pub id: i64,
    pub national: bool,
    pub date: String,
    pub kind: String,
    pub name: String,
    pub decree: String,
}

pub async fn list(state: &AppState, office_id: &str) -> ServiceResult<Vec<HolidayRow>> {
    let rows = queries::holidays(&state.db.pool, office_id).await?;
    Ok(rows
        .into_iter()
        .map(|r| HolidayRow {
            id: r.id,
            national: r.office_id.is_none(),
            date: r.date,
            kind: r.kind,
            name: r.name,
            decree: r.decree,
        })
        .collect())
}

/// Adds a holiday for an office: a regional day, or a day of a newer national decree (kept per
/// office, so one office's admin never changes another office's calendar).
pub async fn add(
    state: &AppState,
    office_id: &str,
    date: &str,
    kind: &str,
    name: &str,
    decree: &str,
) -> ServiceResult<()> {
    let mut errors = izinkes_domain::catalog::FieldErrors::new();
    let parsed = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d");
    if parsed.is_err() {
        errors.insert("date".into(), "Tanggal tidak valid (format TTTT-BB-HH).".into());
    }
    if kind_from(kind).is_none() {
        errors.insert(
            "kind".into(),
            "Pilih jenis: libur nasional, cuti bersama, atau libur daerah.".into(),
        );
    }
    let name = crate::platform::text::clean_text(name, 120);
    if name.is_empty() {
        errors.insert("name".into(), "Nama hari libur wajib diisi.".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let holiday = NewHoliday {
        date: date.trim(),
        kind,
        name: &name,
        decree: &crate::platform::text::clean_text(decree, 200),
        now: &now_text(),
    };
    queries::insert_office_holiday(&state.db.pool, office_id, &holiday).await?;
    state.forget_office(office_id);
    Ok(())
}

/// Removes one of the office's own holidays (national data stays).
pub async fn remove(state: &AppState, office_id: &str, id: i64) -> ServiceResult<()> {
    queries::delete_office_holiday(&state.db.pool, id, office_id).await?;
    state.forget_office(office_id);
    Ok(())
}

/// The office's working calendar (cached briefly; changed holidays invalidate it).
pub async fn for_office(state: &AppState, office_id: &str) -> ServiceResult<Arc<WorkingCalendar>> {
    if let Some(c) = state.calendars.get(office_id) {
        return Ok(c);
    }
    let s = settings(state, office_id).await?;
    let rows = list(state, office_id).await?;
    let holidays = rows.into_iter().filter_map(|r| {
        Some(Holiday {
            date: NaiveDate::parse_from_str(&r.date, "%Y-%m-%d").ok()?,
            kind: kind_from(&r.kind)?,
            name: r.name,
            decree: r.decree,
        })
    });
    let cal = Arc::new(WorkingCalendar::new(holidays, s.count_cuti_bersama));
    state.calendars.put(office_id, cal.clone());
    Ok(cal)
}
