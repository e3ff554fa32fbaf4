//! Working days per office (DOMAIN rule 5): Monday–Friday in the office's time zone, minus the
//! national holidays and cuti bersama (shipped as data, extended by admins with next year's
//! decree) and the office's regional holidays. Office settings live here too.

use crate::db::now_text;
use crate::error::{ServiceError, ServiceResult};
use crate::offices::Office;
use crate::state::AppState;
use chrono::{NaiveDate, Utc};
use izinkes_domain::calendar::{Holiday, HolidayKind, WorkingCalendar, builtin_holidays};
use sqlx::Row;
use std::sync::Arc;

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
}

impl Default for OfficeSettings {
    fn default() -> Self {
        OfficeSettings {
            default_preset: "cilegon".into(),
            count_cuti_bersama: true,
            auto_approve_at_deadline: false,
            skm_gate: false,
            warning_threshold_pct: 75,
        }
    }
}

/// The office's settings (cached for [`crate::state::CACHE_TTL`]; saving forgets them).
pub async fn settings(state: &AppState, office_id: &str) -> ServiceResult<OfficeSettings> {
    if let Some(s) = state.settings.get(office_id) {
        return Ok(s);
    }
    let s = load_settings(state, office_id).await?;
    state.settings.put(office_id, s.clone());
    Ok(s)
}

async fn load_settings(state: &AppState, office_id: &str) -> ServiceResult<OfficeSettings> {
    let row = sqlx::query(
        "SELECT default_preset, count_cuti_bersama, auto_approve_at_deadline, warning_threshold_pct, skm_gate FROM office_settings WHERE office_id = $1",
    )
    .bind(office_id)
    .fetch_optional(&state.db.pool)
    .await?;
    Ok(match row {
        None => OfficeSettings::default(),
        Some(r) => OfficeSettings {
            default_preset: r.try_get("default_preset")?,
            count_cuti_bersama: r.try_get::<i64, _>("count_cuti_bersama")? == 1,
            auto_approve_at_deadline: r.try_get::<i64, _>("auto_approve_at_deadline")? == 1,
            warning_threshold_pct: r.try_get("warning_threshold_pct")?,
            skm_gate: r.try_get::<i64, _>("skm_gate")? == 1,
        },
    })
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
    sqlx::query(
        "INSERT INTO office_settings (office_id, default_preset, count_cuti_bersama, auto_approve_at_deadline, warning_threshold_pct, skm_gate, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (office_id) DO UPDATE SET default_preset = $2, count_cuti_bersama = $3, \
         auto_approve_at_deadline = $4, warning_threshold_pct = $5, skm_gate = $6, updated_at = $7",
    )
    .bind(office_id)
    .bind(&s.default_preset)
    .bind(i64::from(s.count_cuti_bersama))
    .bind(i64::from(s.auto_approve_at_deadline))
    .bind(s.warning_threshold_pct)
    .bind(i64::from(s.skm_gate))
    .bind(now_text())
    .execute(&state.db.pool)
    .await?;
    state.forget_office(office_id);
    Ok(())
}

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
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM holidays WHERE office_id IS NULL")
        .fetch_one(&state.db.pool)
        .await?;
    if n > 0 {
        return Ok(());
    }
    let mut tx = state.db.begin().await?;
    for h in builtin_holidays() {
        sqlx::query(
            "INSERT INTO holidays (office_id, date, kind, name, decree, created_at) VALUES (NULL, $1, $2, $3, $4, $5)",
        )
        .bind(h.date.format("%Y-%m-%d").to_string())
        .bind(kind_code(h.kind))
        .bind(&h.name)
        .bind(&h.decree)
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
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
    let rows = sqlx::query("SELECT id, office_id, date, kind, name, decree FROM holidays WHERE office_id IS NULL OR office_id = $1 ORDER BY date")
        .bind(office_id)
        .fetch_all(&state.db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(HolidayRow {
                id: r.try_get("id")?,
                national: crate::db::opt_text(r, "office_id")?.is_none(),
                date: r.try_get("date")?,
                kind: r.try_get("kind")?,
                name: r.try_get("name")?,
                decree: r.try_get("decree")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
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
    let name = crate::accounts::clean_text(name, 120);
    if name.is_empty() {
        errors.insert("name".into(), "Nama hari libur wajib diisi.".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    sqlx::query(
        "INSERT INTO holidays (office_id, date, kind, name, decree, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(office_id)
    .bind(date.trim())
    .bind(kind)
    .bind(&name)
    .bind(crate::accounts::clean_text(decree, 200))
    .bind(now_text())
    .execute(&state.db.pool)
    .await?;
    state.forget_office(office_id);
    Ok(())
}

/// Removes one of the office's own holidays (national data stays).
pub async fn remove(state: &AppState, office_id: &str, id: i64) -> ServiceResult<()> {
    sqlx::query("DELETE FROM holidays WHERE id = $1 AND office_id = $2")
        .bind(id)
        .bind(office_id)
        .execute(&state.db.pool)
        .await?;
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

/// Whether downloading a permit waits for the SKM survey (an office setting, off by default).
pub async fn skm_gate(state: &AppState, office_id: &str) -> ServiceResult<bool> {
    Ok(settings(state, office_id).await?.skm_gate)
}

/// Whether the applicant answered the satisfaction survey for this application.
pub async fn skm_done(state: &AppState, application_id: &str) -> ServiceResult<bool> {
    crate::skm::done(state, application_id).await
}

/// Today in the office's time zone.
pub fn today(office: &Office) -> NaiveDate {
    Utc::now().with_timezone(&office.tz().offset()).date_naive()
}
