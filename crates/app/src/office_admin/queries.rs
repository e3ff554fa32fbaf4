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

/// The national holidays, by date.
pub async fn national_holidays(db: impl Executor<'_, Database = Any>) -> Result<Vec<HolidayDbRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, office_id, date, kind, name, decree FROM holidays WHERE office_id IS NULL ORDER BY date")
        .fetch_all(db)
        .await
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

// ---------------------------------------------------------------------------------------------
// Offices and their officers

/// An office's profile as its administrators change it.
pub struct OfficeProfileRow<'a> {
    pub name: &'a str,
    pub short_name: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub website: &'a str,
    pub service_hours: &'a str,
}

pub async fn update_office_profile(
    tx: &mut crate::platform::db::Tx,
    office_id: &str,
    p: &OfficeProfileRow<'_>,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE offices SET name = $1, short_name = $2, address = $3, phone = $4, email = $5, website = $6, \
         service_hours = $7 WHERE id = $8",
    )
    .bind(p.name)
    .bind(p.short_name)
    .bind(p.address)
    .bind(p.phone)
    .bind(p.email)
    .bind(p.website)
    .bind(p.service_hours)
    .bind(office_id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn set_office_disabled(
    tx: &mut crate::platform::db::Tx,
    office_id: &str,
    disabled_at: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("UPDATE offices SET disabled_at = $1 WHERE id = $2")
        .bind(disabled_at)
        .bind(office_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// An officer of the office as the admin's list shows them.
#[derive(sqlx::FromRow)]
pub struct StaffRow {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub position: String,
    pub active: i64,
    pub created_at: String,
    pub deactivated_at: Option<String>,
    pub totp_enabled_at: Option<String>,
    /// A password set (not only invited): 1 or 0.
    pub has_password: i64,
}

const STAFF_COLUMNS: &str = "o.id, o.email, o.full_name, o.position, o.active, o.created_at, o.deactivated_at, \
     o.totp_enabled_at, CASE WHEN EXISTS (SELECT 1 FROM officer_tokens t WHERE t.officer_id = o.id \
     AND t.purpose = 'invite' AND t.used_at IS NULL) THEN 0 ELSE 1 END AS has_password";

pub async fn staff(db: impl Executor<'_, Database = Any>, office_id: &str) -> Result<Vec<StaffRow>, sqlx::Error> {
    // Only the constant column list is spliced in.
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {STAFF_COLUMNS} FROM officers o WHERE o.office_id = $1 ORDER BY o.active DESC, o.full_name"
    )))
    .bind(office_id)
    .fetch_all(db)
    .await
}

pub async fn staff_member(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    officer_id: &str,
) -> Result<Option<StaffRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {STAFF_COLUMNS} FROM officers o WHERE o.office_id = $1 AND o.id = $2"
    )))
    .bind(office_id)
    .bind(officer_id)
    .fetch_optional(db)
    .await
}

/// A role held, and since when (`granted_at` is NULL for roles given before it was recorded).
#[derive(sqlx::FromRow)]
pub struct HeldRoleRow {
    pub officer_id: String,
    pub role: String,
    pub granted_at: Option<String>,
}

pub async fn held_roles(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
) -> Result<Vec<HeldRoleRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT officer_id, role, granted_at FROM officer_roles WHERE office_id = $1 ORDER BY officer_id, role",
    )
    .bind(office_id)
    .fetch_all(db)
    .await
}

pub async fn grant_role(
    tx: &mut crate::platform::db::Tx,
    office_id: &str,
    officer_id: &str,
    role: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO officer_roles (office_id, officer_id, role, granted_at) VALUES ($1, $2, $3, $4)")
        .bind(office_id)
        .bind(officer_id)
        .bind(role)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn revoke_role(tx: &mut crate::platform::db::Tx, officer_id: &str, role: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM officer_roles WHERE officer_id = $1 AND role = $2")
        .bind(officer_id)
        .bind(role)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Active officers of the office holding the admin role.
pub async fn active_admins(tx: &mut crate::platform::db::Tx, office_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT o.id FROM officers o JOIN officer_roles r ON r.officer_id = o.id \
         WHERE o.office_id = $1 AND o.active = 1 AND r.role = 'admin'",
    )
    .bind(office_id)
    .fetch_all(&mut **tx)
    .await
}

pub async fn set_officer_active(
    tx: &mut crate::platform::db::Tx,
    officer_id: &str,
    active: bool,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE officers SET active = $1, deactivated_at = $2 WHERE id = $3")
        .bind(i64::from(active))
        .bind((!active).then_some(now))
        .bind(officer_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Returns the files an officer holds to their desk's queue; the count released.
pub async fn release_claims(tx: &mut crate::platform::db::Tx, officer_id: &str) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE applications SET claimed_by = NULL, claimed_until = NULL, lock_version = lock_version + 1 \
         WHERE claimed_by = $1",
    )
    .bind(officer_id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected())
}

pub async fn insert_officer_token(
    tx: &mut crate::platform::db::Tx,
    token_hash: &str,
    officer_id: &str,
    purpose: &str,
    now: &str,
    expires_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO officer_tokens (token_hash, officer_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(officer_id)
    .bind(purpose)
    .bind(now)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Voids an officer's unused links of a purpose (a new invitation replaces the old one).
pub async fn void_officer_tokens(
    tx: &mut crate::platform::db::Tx,
    officer_id: &str,
    purpose: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE officer_tokens SET expires_at = $1 WHERE officer_id = $2 AND purpose = $3 AND used_at IS NULL")
        .bind(now)
        .bind(officer_id)
        .bind(purpose)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The officer a valid (unused, unexpired) link of `purpose` is for.
pub async fn officer_of_token(
    db: impl Executor<'_, Database = Any>,
    token_hash: &str,
    purpose: &str,
    now: &str,
) -> Result<Option<(String, String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, o.full_name, o.email, o.office_id FROM officer_tokens t JOIN officers o ON o.id = t.officer_id \
         WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > $3 AND o.active = 1",
    )
    .bind(token_hash)
    .bind(purpose)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Spends a link; false when it was spent or expired meanwhile.
pub async fn use_officer_token(
    tx: &mut crate::platform::db::Tx,
    token_hash: &str,
    purpose: &str,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE officer_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(token_hash)
    .bind(purpose)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn set_officer_password(
    tx: &mut crate::platform::db::Tx,
    officer_id: &str,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE officers SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(officer_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub struct NewAudit<'a> {
    pub office_id: &'a str,
    pub at: &'a str,
    pub actor_id: Option<&'a str>,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub subject_id: Option<&'a str>,
    pub subject_name: &'a str,
    pub detail: &'a str,
}

pub async fn insert_audit(tx: &mut crate::platform::db::Tx, a: &NewAudit<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO office_audit (office_id, at, actor_id, actor_name, action, subject_id, subject_name, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(a.office_id)
    .bind(a.at)
    .bind(a.actor_id)
    .bind(a.actor_name)
    .bind(a.action)
    .bind(a.subject_id)
    .bind(a.subject_name)
    .bind(a.detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct AuditRow {
    pub at: String,
    pub actor_name: String,
    pub action: String,
    pub subject_id: Option<String>,
    pub subject_name: String,
    pub detail: String,
}

/// The office's audit, newest first; `subject` narrows it to one officer.
pub async fn audit(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    subject: Option<&str>,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT at, actor_name, action, subject_id, subject_name, detail FROM office_audit \
         WHERE office_id = $1 AND ($2 IS NULL OR subject_id = $2) ORDER BY id DESC LIMIT $3",
    )
    .bind(office_id)
    .bind(subject)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// What the setup checklist reads.
#[derive(sqlx::FromRow)]
pub struct SetupRow {
    /// The letterhead is filled in (office documents saved).
    pub letterhead: i64,
    /// A signer: a local key, or BSrE with its address.
    pub signer: i64,
    /// Permit types switched off at the office.
    pub types_off: i64,
    /// The office saved its complaint channels.
    pub complaint_channels: i64,
}

pub async fn setup(db: impl Executor<'_, Database = Any>, office_id: &str) -> Result<SetupRow, sqlx::Error> {
    sqlx::query_as(
        "SELECT \
         (SELECT COUNT(*) FROM office_documents d WHERE d.office_id = $1 AND d.office_title <> '') AS letterhead, \
         (SELECT COUNT(*) FROM office_documents d WHERE d.office_id = $1 AND (d.signer_key_pem IS NOT NULL \
            OR (d.signer_kind = 'bsre' AND COALESCE(d.bsre_url, '') <> ''))) AS signer, \
         (SELECT COUNT(*) FROM office_permit_types t WHERE t.office_id = $1 AND t.enabled = 0) AS types_off, \
         (SELECT COUNT(*) FROM complaint_settings c WHERE c.office_id = $1) AS complaint_channels",
    )
    .bind(office_id)
    .fetch_one(db)
    .await
}

/// Holidays known for a year (national and the office's own).
pub async fn holidays_in_year(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    year: i32,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM holidays WHERE (office_id IS NULL OR office_id = $1) AND date LIKE $2")
        .bind(office_id)
        .bind(format!("{year}-%"))
        .fetch_one(db)
        .await
}
