//! The SQL of office administration: settings and holidays.

use crate::office_admin::settings::OfficeSettings;
use sqlx::Any;
use sqlx::Executor;

/// The settings row; flags are stored as integers (1 is on).
#[derive(sqlx::FromRow)]
pub struct SettingsRow {
    pub default_preset: String,
    pub count_cuti_bersama: i64,
    pub auto_approve_at_deadline: i64,
    pub warning_threshold_pct: i64,
    pub skm_gate: i64,
    pub messages_show_officer_name: i64,
}

impl From<SettingsRow> for OfficeSettings {
    fn from(r: SettingsRow) -> OfficeSettings {
        OfficeSettings {
            default_preset: r.default_preset,
            count_cuti_bersama: r.count_cuti_bersama == 1,
            auto_approve_at_deadline: r.auto_approve_at_deadline == 1,
            warning_threshold_pct: r.warning_threshold_pct,
            skm_gate: r.skm_gate == 1,
            messages_show_officer_name: r.messages_show_officer_name == 1,
        }
    }
}

/// A holiday; `office_id` is NULL for the national ones.
#[derive(sqlx::FromRow)]
pub struct HolidayDbRow {
    pub id: i64,
    pub office_id: Option<String>,
    pub date: String,
    pub kind: String,
    pub name: String,
    pub decree: String,
}

pub struct NewHoliday<'a> {
    pub date: &'a str,
    pub kind: &'a str,
    pub name: &'a str,
    pub decree: &'a str,
    pub now: &'a str,
}

pub async fn settings(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
) -> Result<Option<SettingsRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT default_preset, count_cuti_bersama, auto_approve_at_deadline, warning_threshold_pct, skm_gate, messages_show_officer_name FROM office_settings WHERE office_id = $1",
    )
    .bind(office_id)
    .fetch_optional(db)
    .await
}

pub async fn save_settings(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    s: &OfficeSettings,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO office_settings (office_id, default_preset, count_cuti_bersama, auto_approve_at_deadline, warning_threshold_pct, skm_gate, messages_show_officer_name, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (office_id) DO UPDATE SET default_preset = $2, count_cuti_bersama = $3, \
         auto_approve_at_deadline = $4, warning_threshold_pct = $5, skm_gate = $6, messages_show_officer_name = $7, updated_at = $8",
    )
    .bind(office_id)
    .bind(&s.default_preset)
    .bind(i64::from(s.count_cuti_bersama))
    .bind(i64::from(s.auto_approve_at_deadline))
    .bind(s.warning_threshold_pct)
    .bind(i64::from(s.skm_gate))
    .bind(i64::from(s.messages_show_officer_name))
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn national_holiday_count(db: impl Executor<'_, Database = Any>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM holidays WHERE office_id IS NULL")
        .fetch_one(db)
        .await
}

pub async fn insert_national_holiday(
    db: impl Executor<'_, Database = Any>,
    h: &NewHoliday<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO holidays (office_id, date, kind, name, decree, created_at) VALUES (NULL, $1, $2, $3, $4, $5)",
    )
    .bind(h.date)
    .bind(h.kind)
    .bind(h.name)
    .bind(h.decree)
    .bind(h.now)
    .execute(db)
    .await?;
    Ok(())
}

/// The national holidays and the office's own, by date.
pub async fn holidays(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
) -> Result<Vec<HolidayDbRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, office_id, date, kind, name, decree FROM holidays WHERE office_id IS NULL OR office_id = $1 ORDER BY date")
        .bind(office_id)
        .fetch_all(db)
        .await
}

pub async fn insert_office_holiday(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    h: &NewHoliday<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO holidays (office_id, date, kind, name, decree, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(office_id)
    .bind(h.date)
    .bind(h.kind)
    .bind(h.name)
    .bind(h.decree)
    .bind(h.now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn delete_office_holiday(
    db: impl Executor<'_, Database = Any>,
    id: i64,
    office_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM holidays WHERE id = $1 AND office_id = $2")
        .bind(id)
        .bind(office_id)
        .execute(db)
        .await?;
    Ok(())
}
