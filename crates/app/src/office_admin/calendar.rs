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
use izinkes_domain::calendar::parse_holidays_csv;
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

/// Most rows one CSV import takes: a year's decree has about 25, a few years of regional days fit.
const MAX_IMPORT_ROWS: usize = 400;

/// Reads a holiday CSV (`date,kind,name,decree`, as `data/holidays/`) into rows to insert, or the
/// error for the form's `csv` field, naming the line.
fn read_csv(csv: &str) -> ServiceResult<Vec<Holiday>> {
    let invalid = |message: String| {
        let mut errors = izinkes_domain::catalog::FieldErrors::new();
        errors.insert("csv".into(), message);
        ServiceError::Invalid(errors)
    };
    if csv.trim().is_empty() {
        return Err(invalid(
            "Tempelkan isi berkas CSV, diawali baris judul date,kind,name,decree.".into(),
        ));
    }
    let rows = parse_holidays_csv(csv).map_err(|e| invalid(format!("{e}. Tidak ada yang disimpan.")))?;
    if rows.is_empty() {
        return Err(invalid("Berkas CSV tidak memuat satu pun hari libur.".into()));
    }
    if rows.len() > MAX_IMPORT_ROWS {
        return Err(invalid(format!(
            "Paling banyak {MAX_IMPORT_ROWS} baris sekali impor; berkas ini memuat {}.",
            rows.len()
        )));
    }
    Ok(rows)
}

/// What an import did: rows added and rows skipped because the same day and kind was already in
/// the calendar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub added: usize,
    pub skipped: usize,
}

/// Imports a holiday CSV into an office's calendar (its own rows; national data stays), all rows
/// or none, skipping the days it already has.
pub async fn import_csv(state: &AppState, office_id: &str, csv: &str) -> ServiceResult<Imported> {
    let rows = read_csv(csv)?;
    let known = list(state, office_id).await?;
    let done = import_rows(state, Some(office_id), &rows, &known).await?;
    state.forget_office(office_id);
    Ok(done)
}

/// Imports a holiday CSV as national data, for every office (the instance administrator's
/// `izinkes calendar import`), skipping the days already there.
pub async fn import_national_csv(state: &AppState, csv: &str) -> ServiceResult<Imported> {
    let rows = read_csv(csv)?;
    let known: Vec<HolidayRow> = queries::national_holidays(&state.db.pool)
        .await?
        .into_iter()
        .map(|r| HolidayRow {
            id: r.id,
            national: true,
            date: r.date,
            kind: r.kind,
            name: r.name,
            decree: r.decree,
        })
        .collect();
    let done = import_rows(state, None, &rows, &known).await?;
    state.calendars.clear();
    Ok(done)
}

async fn import_rows(
    state: &AppState,
    office_id: Option<&str>,
    rows: &[Holiday],
    known: &[HolidayRow],
) -> ServiceResult<Imported> {
    let mut seen: std::collections::HashSet<(String, &str)> =
        known.iter().map(|h| (h.date.clone(), h.kind.as_str())).collect();
    let mut done = Imported::default();
    let now = now_text();
    let mut tx = state.db.begin().await?;
    for h in rows {
        let date = h.date.format("%Y-%m-%d").to_string();
        let kind = kind_code(h.kind);
        if !seen.insert((date.clone(), kind)) {
            done.skipped += 1;
            continue;
        }
        let holiday = NewHoliday {
            date: &date,
            kind,
            name: &crate::platform::text::clean_text(&h.name, 120),
            decree: &crate::platform::text::clean_text(&h.decree, 200),
            now: &now,
        };
        match office_id {
            Some(office) => queries::insert_office_holiday(&mut *tx, office, &holiday).await?,
            None => queries::insert_national_holiday(&mut *tx, &holiday).await?,
        }
        done.added += 1;
    }
    tx.commit().await?;
    Ok(done)
}

/// The warning an admin sees when the calendar covers less than the next 60 days (DOMAIN rule 5:
/// beyond its last decree every weekday would count as a working day).
pub async fn coverage_warning(
    state: &AppState,
    office: &crate::catalog::offices::Office,
) -> ServiceResult<Option<String>> {
    let cal = for_office(state, &office.id).await?;
    let today = crate::catalog::offices::today(office);
    if !cal.needs_next_decree(today) {
        return Ok(None);
    }
    let until = cal.covered_until().map_or_else(
        || "belum memuat hari libur nasional".to_owned(),
        |d| {
            format!(
                "hanya memuat hari libur nasional sampai {}",
                izinkes_domain::format_id::date_id(d)
            )
        },
    );
    Ok(Some(format!(
        "Kalender kantor {until}. Sesudah itu setiap Senin–Jumat dihitung hari kerja, sehingga tenggat \
         layanan keliru. Muat hari libur nasional dan cuti bersama tahun berikutnya dari SKB tiga menteri."
    )))
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
