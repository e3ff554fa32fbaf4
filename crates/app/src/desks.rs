//! The back office: workflows as versioned data per office and permit type, the officers'
//! desks (Tugas Saya), the actions at each step, claims, SLA clocks in working days,
//! escalation and the optional automatic approval at the deadline (fiktif positif).
//!
//! The rules of moving a file live in `izinkes_domain::workflow::apply`; this module loads the
//! state, asks the rules, and writes the result — position, products, history and outbox — in
//! one transaction guarded by the application's `lock_version`.

use crate::accounts::{SessionSubject, SubjectKind, clean_text};
use crate::applications::{self, ApplicationView, NewHistory, append_history};
use crate::calendar;
use crate::db::{Tx, now_text, opt_text, parse_ts, ts};
use crate::error::{ServiceError, ServiceResult};
use crate::ids::{looks_like_id, new_id};
use crate::offices::{self, Office};
use crate::outbox::enqueue_email;
use crate::state::AppState;
use chrono::{Duration, NaiveDate, Utc};
use izinkes_domain::calendar::WorkingCalendar;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::status::ApplicationStatus;
use izinkes_domain::workflow::{
    ActionKind, Command, Position, Product, StepProgress, WorkflowDefinition, apply, supervisor_of,
};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::BTreeMap;
use std::sync::Arc;

/// How long taking a file keeps it for one officer.
pub const CLAIM_MINUTES: i64 = 30;

/// An officer acting at a desk.
#[derive(Clone, Debug)]
pub struct Officer {
    pub id: String,
    pub name: String,
    pub office_id: String,
    pub roles: Vec<String>,
}

impl Officer {
    pub fn from_subject(s: &SessionSubject) -> ServiceResult<Officer> {
        match (s.kind, &s.office_id) {
            (SubjectKind::Officer, Some(office)) => Ok(Officer {
                id: s.id.clone(),
                name: s.name.clone(),
                office_id: office.clone(),
                roles: s.roles.clone(),
            }),
            _ => Err(ServiceError::Forbidden),
        }
    }
    pub fn has(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
    /// Heads of section, division and office, and the admin, supervise the desks.
    pub fn is_supervisor(&self) -> bool {
        ["kasi", "kabid", "kadis", "admin"].iter().any(|r| self.has(r))
    }
}

// ---------------------------------------------------------------------------------------------
// Workflow versions

#[derive(Clone, Debug)]
pub struct WorkflowVersion {
    pub id: String,
    pub version: i64,
    pub preset_key: String,
    pub definition: WorkflowDefinition,
}

async fn load_version(state: &AppState, id: &str) -> ServiceResult<WorkflowVersion> {
    let r = sqlx::query("SELECT id, version, preset_key, body FROM workflow_versions WHERE id = $1")
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let body: String = r.try_get("body")?;
    Ok(WorkflowVersion {
        id: r.try_get("id")?,
        version: r.try_get("version")?,
        preset_key: r.try_get("preset_key")?,
        definition: serde_json::from_str(&body)?,
    })
}

/// Roles held by at least one active officer of the office.
pub async fn office_roles(state: &AppState, office_id: &str) -> ServiceResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT r.role FROM officer_roles r JOIN officers o ON o.id = r.officer_id WHERE r.office_id = $1 AND o.active = 1 ORDER BY r.role",
    )
    .bind(office_id)
    .fetch_all(&state.db.pool)
    .await?)
}

/// Publishes a workflow definition as the next version for an office and permit type, after
/// checking it (every step reachable, the end reachable, roles present, shares adding up).
/// Applications already running keep the version they started with.
pub async fn publish(
    state: &AppState,
    office_id: &str,
    permit_code: &str,
    def: &WorkflowDefinition,
    by: Option<&str>,
) -> ServiceResult<WorkflowVersion> {
    let roles = office_roles(state, office_id).await?;
    let role_refs: Vec<&str> = roles.iter().map(String::as_str).collect();
    if let Err(e) = def.validate(&role_refs) {
        return Err(ServiceError::Refused(e.to_string()));
    }
    store_version(state, office_id, permit_code, def, by).await
}

async fn store_version(
    state: &AppState,
    office_id: &str,
    permit_code: &str,
    def: &WorkflowDefinition,
    by: Option<&str>,
) -> ServiceResult<WorkflowVersion> {
    let mut tx = state.db.begin().await?;
    let next: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM workflow_versions WHERE office_id = $1 AND permit_code = $2",
    )
    .bind(office_id)
    .bind(permit_code)
    .fetch_one(&mut *tx)
    .await?;
    let id = new_id();
    let now = now_text();
    sqlx::query(
        "INSERT INTO workflow_versions (id, office_id, permit_code, version, preset_key, body, published_at, published_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(office_id)
    .bind(permit_code)
    .bind(next)
    .bind(&def.key)
    .bind(def.to_json_pretty())
    .bind(&now)
    .bind(by)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        if crate::db::is_unique_violation(&e) {
            ServiceError::Conflict("Versi alur kerja baru saja diterbitkan oleh orang lain; muat ulang halaman.".into())
        } else {
            e.into()
        }
    })?;
    sqlx::query(
        "INSERT INTO office_workflows (office_id, permit_code, workflow_version_id, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (office_id, permit_code) DO UPDATE SET workflow_version_id = $3, updated_at = $4",
    )
    .bind(office_id)
    .bind(permit_code)
    .bind(&id)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(WorkflowVersion {
        id,
        version: next,
        preset_key: def.key.clone(),
        definition: def.clone(),
    })
}

/// The workflow new applications of this permit type start on; the office's default preset is
/// published on first use.
pub async fn current_workflow(state: &AppState, office_id: &str, permit_code: &str) -> ServiceResult<WorkflowVersion> {
    let id: Option<String> = sqlx::query_scalar(
        "SELECT workflow_version_id FROM office_workflows WHERE office_id = $1 AND permit_code = $2",
    )
    .bind(office_id)
    .bind(permit_code)
    .fetch_optional(&state.db.pool)
    .await?;
    if let Some(id) = id {
        return load_version(state, &id).await;
    }
    let settings = calendar::settings(state, office_id).await?;
    let def = WorkflowDefinition::preset(&settings.default_preset)
        .ok_or_else(|| ServiceError::Internal(format!("unknown preset {}", settings.default_preset)))?;
    // The presets are valid by construction; an office still missing officers for a role must not
    // stop applicants from submitting — the file waits at that desk, and the admin is told.
    let roles = office_roles(state, office_id).await?;
    let refs: Vec<&str> = roles.iter().map(String::as_str).collect();
    if let Err(e) = def.validate(&refs) {
        tracing::warn!(office = office_id, permit = permit_code, problem = %e, "default workflow used although the office lacks officers for some steps");
    }
    match store_version(state, office_id, permit_code, &def, None).await {
        Ok(v) => Ok(v),
        // A parallel first use published it already.
        Err(ServiceError::Conflict(_)) => {
            let id: String = sqlx::query_scalar(
                "SELECT workflow_version_id FROM office_workflows WHERE office_id = $1 AND permit_code = $2",
            )
            .bind(office_id)
            .bind(permit_code)
            .fetch_one(&state.db.pool)
            .await?;
            load_version(state, &id).await
        }
        Err(e) => Err(e),
    }
}

/// The workflow each permit type of the office currently uses: code → (name, version).
pub async fn office_workflow_choices(
    state: &AppState,
    office_id: &str,
) -> ServiceResult<std::collections::HashMap<String, (String, i64)>> {
    let rows = sqlx::query(
        "SELECT w.permit_code, v.body, v.version FROM office_workflows w JOIN workflow_versions v ON v.id = w.workflow_version_id WHERE w.office_id = $1",
    )
    .bind(office_id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut out = std::collections::HashMap::new();
    for r in rows {
        let def: WorkflowDefinition = serde_json::from_str(&r.try_get::<String, _>("body")?)?;
        out.insert(r.try_get("permit_code")?, (def.name, r.try_get("version")?));
    }
    Ok(out)
}

/// What the submit transaction needs to put a new application on its first desk.
pub struct Start {
    pub version: WorkflowVersion,
    pub calendar: Arc<WorkingCalendar>,
    pub today: NaiveDate,
    pub total_days: u32,
}

pub async fn prepare_start(
    state: &AppState,
    office: &Office,
    permit_code: &str,
    total_days: u32,
) -> ServiceResult<Start> {
    Ok(Start {
        version: current_workflow(state, &office.id, permit_code).await?,
        calendar: calendar::for_office(state, &office.id).await?,
        today: calendar::today(office),
        total_days,
    })
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Puts a just-submitted application on the first step, with its SLA clock started.
pub async fn start_in_tx(tx: &mut Tx, app_id: &str, s: &Start) -> ServiceResult<()> {
    let def = &s.version.definition;
    let first = def
        .steps
        .first()
        .ok_or_else(|| ServiceError::Internal("empty workflow".into()))?;
    let days = def.step_days(s.total_days);
    let step_due = s.calendar.add_working_days(s.today, days.first().copied().unwrap_or(0));
    let due = s.calendar.add_working_days(s.today, s.total_days);
    sqlx::query(
        "UPDATE applications SET workflow_version_id = $1, position = $2, step_key = $3, step_role = $4, step_entered_at = $5, \
           step_due_on = $6, sla_received_on = $7, sla_paused_days = 0, sla_paused_since = NULL, due_on = $8 WHERE id = $9",
    )
    .bind(&s.version.id)
    .bind(serde_json::to_string(&Position::AtStep { step: 0 })?)
    .bind(&first.key)
    .bind(&first.role)
    .bind(now_text())
    .bind(date_text(step_due))
    .bind(date_text(s.today))
    .bind(date_text(due))
    .bind(app_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Tugas Saya

#[derive(Clone, Debug, Default, Deserialize)]
pub struct DeskFilter {
    #[serde(default)]
    pub izin: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub dari: String,
    #[serde(default)]
    pub sampai: String,
    #[serde(default)]
    pub q: String,
    /// Page number, from 1 (anything else reads as 1).
    #[serde(default)]
    pub halaman: String,
}

/// Files shown per page of Tugas Saya.
pub const DESK_PAGE_SIZE: i64 = 50;

/// Tugas Saya counts a desk exactly up to this many files (past the page asked for) and says
/// "more than" beyond: counting a backlog of 13,000 files on every page view would cost more
/// than the page itself. The supervisors' summary counts every step exactly.
pub const DESK_COUNT_LIMIT: i64 = 1000;

impl DeskFilter {
    /// The page asked for, 1 when absent or not a number.
    pub fn page(&self) -> i64 {
        self.halaman
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=100_000).contains(p))
            .unwrap_or(1)
    }

    /// The query string of this filter on another page (`izin=…&…&halaman=N`), for pager links.
    pub fn query_for_page(&self, page: i64) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("q", &self.q),
            ("izin", &self.izin),
            ("status", &self.status),
            ("dari", &self.dari),
            ("sampai", &self.sampai),
        ] {
            if !v.is_empty() {
                q.append_pair(k, v);
            }
        }
        if page > 1 {
            q.append_pair("halaman", &page.to_string());
        }
        q.finish()
    }
}

/// One page of Tugas Saya.
#[derive(Clone, Debug, Serialize)]
pub struct DeskPage {
    pub tasks: Vec<DeskItem>,
    /// Files matching the filter over all pages: exact when `total_exact`, else a lower bound
    /// (there are more than this many).
    pub total: i64,
    pub total_exact: bool,
    pub page: i64,
    /// Number of pages, when the count is exact.
    pub pages: Option<i64>,
    pub has_next: bool,
    pub per_page: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct DeskItem {
    pub id: String,
    pub registration_number: String,
    pub holder: String,
    pub permit_code: String,
    pub step_key: String,
    pub step_role: String,
    pub status: ApplicationStatus,
    pub submitted_at: String,
    pub step_due_on: String,
    /// Working days left at this step (negative: overdue by that many).
    pub remaining_days: i64,
    pub overdue: bool,
    pub warning: bool,
    pub claimed_by: Option<String>,
    pub claimed_by_me: bool,
}

/// One file of a page of Tugas Saya (`tasks`); on SQLite a JSON array in this order.
#[derive(Clone, serde::Deserialize)]
pub(crate) struct DeskRowJson {
    id: String,
    registration_number: Option<String>,
    holder_name: Option<String>,
    permit_code: Option<String>,
    step_key: Option<String>,
    step_role: Option<String>,
    status: Option<String>,
    submitted_at: Option<String>,
    step_due_on: Option<String>,
    step_entered_at: Option<String>,
    claimed_by: Option<String>,
    claimed_until: Option<String>,
    claimer: Option<String>,
}

/// Where a page of Tugas Saya stands, from the page asked for and the count of matching files
/// taken up to `limit` (exclusive bound: `counted == limit` means "at least that many").
#[derive(Clone, Copy, Debug, PartialEq)]
struct Paging {
    total: i64,
    total_exact: bool,
    page: i64,
    pages: Option<i64>,
    has_next: bool,
}

fn paging(asked: i64, counted: i64, limit: i64) -> Paging {
    let total_exact = counted < limit;
    let total = counted.min(limit - 1);
    let pages = total_exact.then(|| ((total + DESK_PAGE_SIZE - 1) / DESK_PAGE_SIZE).max(1));
    // Past the end shows the last page; with an inexact count the asked page is known to be full.
    let page = pages.map_or(asked, |pages| asked.min(pages));
    Paging {
        total,
        total_exact,
        page,
        pages,
        has_next: pages.is_none_or(|pages| page < pages),
    }
}

/// What the database says of one page of a desk: its rows and where the page stands.
pub(crate) struct DeskRead {
    rows: Vec<DeskRowJson>,
    paging: Paging,
}

/// The WHERE clause of a desk and its binds: the office, the officer's roles and the filter
/// (`q` already trimmed and lowercased).
fn desk_condition(officer: &Officer, filter: &DeskFilter, q: &str) -> (String, Vec<String>) {
    // `status IN ('submitted', 'in_process')` is written out literally: it is the condition of
    // the partial index, which the planners use only when the query repeats it.
    let mut cond = String::from("a.office_id = $1 AND a.status IN ('submitted', 'in_process') AND a.step_role IN (");
    let mut binds: Vec<String> = vec![officer.office_id.clone()];
    for (i, role) in officer.roles.iter().enumerate() {
        if i > 0 {
            cond.push_str(", ");
        }
        binds.push(role.clone());
        cond.push_str(&format!("${}", binds.len()));
    }
    cond.push(')');
    if !filter.izin.is_empty() {
        binds.push(filter.izin.clone());
        cond.push_str(&format!(" AND a.permit_code = ${}", binds.len()));
    }
    if matches!(filter.status.as_str(), "submitted" | "in_process") {
        binds.push(filter.status.clone());
        cond.push_str(&format!(" AND a.status = ${}", binds.len()));
    }
    if parse_date(&filter.dari).is_some() {
        binds.push(format!("{}T00:00:00", filter.dari));
        cond.push_str(&format!(" AND a.submitted_at >= ${}", binds.len()));
    }
    if parse_date(&filter.sampai).is_some() {
        binds.push(format!("{}T23:59:59.999999Z", filter.sampai));
        cond.push_str(&format!(" AND a.submitted_at <= ${}", binds.len()));
    }
    if !q.is_empty() {
        let escaped: String = q.chars().filter(|c| !matches!(c, '%' | '_' | '\\')).take(60).collect();
        binds.push(format!("%{escaped}%"));
        let n = binds.len();
        binds.push(format!("%{}%", escaped.to_uppercase()));
        cond.push_str(&format!(
            " AND (a.holder_name LIKE ${n} OR a.registration_number LIKE ${})",
            binds.len()
        ));
    }
    (cond, binds)
}

/// Reads one page of a desk and the bounded count of its files, in one round trip: the count
/// (up to the limit, or far enough to know the page asked for is full) with the page. On SQLite
/// as one row, the page a JSON array (`Backend::json_rows`: fifty rows one by one were most of
/// the cost of the desk); on PostgreSQL, where rows are cheap and building the JSON cost the
/// server more, the count joined to each row of the page (an empty page still brings the count).
/// A page past the end is asked again as the last page.
async fn read_desk(state: &AppState, page: i64, cond: &str, binds: &[String]) -> ServiceResult<DeskRead> {
    let mut asked = page;
    loop {
        let limit = DESK_COUNT_LIMIT.max(asked * DESK_PAGE_SIZE) + 1;
        let count = format!("SELECT COUNT(*) FROM (SELECT 1 FROM applications a WHERE {cond} LIMIT {limit}) AS x");
        let page_sql = format!(
            "SELECT a.id, a.registration_number, a.holder_name, a.permit_code, a.step_key, a.step_role, a.status, \
                 a.submitted_at, a.step_due_on, a.step_entered_at, a.claimed_by, a.claimed_until, o.full_name AS claimer \
             FROM applications a LEFT JOIN officers o ON o.id = a.claimed_by WHERE {cond} \
             ORDER BY a.step_due_on ASC, a.submitted_at ASC, a.id ASC LIMIT {DESK_PAGE_SIZE} OFFSET {}",
            (asked - 1) * DESK_PAGE_SIZE
        );
        const ORDER: &str = "p.step_due_on ASC, p.submitted_at ASC, p.id ASC";
        let sql = match state.db.backend {
            crate::db::Backend::Sqlite => {
                let (agg, array) = state.db.backend.json_rows();
                format!(
                    "SELECT ({count}) AS desk_total, \
                       (SELECT CAST({agg}({array}(p.id, p.registration_number, p.holder_name, p.permit_code, p.step_key, \
                           p.step_role, p.status, p.submitted_at, p.step_due_on, p.step_entered_at, p.claimed_by, \
                           p.claimed_until, p.claimer) ORDER BY {ORDER}) AS TEXT) FROM ({page_sql}) AS p) AS desk_page"
                )
            }
            crate::db::Backend::Postgres => format!(
                "SELECT c.n AS desk_total, p.* FROM (SELECT ({count}) AS n) AS c \
                 LEFT JOIN ({page_sql}) AS p ON 1 = 1 ORDER BY {ORDER}"
            ),
        };
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in binds {
            query = query.bind(b);
        }
        let found = query.fetch_all(&state.db.pool).await?;
        let counted: i64 = match found.first() {
            Some(r) => r.try_get("desk_total")?,
            None => 0,
        };
        let p = paging(asked, counted, limit);
        if p.page == asked {
            let rows: Vec<DeskRowJson> = match state.db.backend {
                // One row; the page a JSON array (absent when the page is empty).
                crate::db::Backend::Sqlite => {
                    match found.first().map(|r| opt_text(r, "desk_page")).transpose()?.flatten() {
                        Some(json) => serde_json::from_str(&json)?,
                        None => Vec::new(),
                    }
                }
                // A row per file; the count's lone row (no id) when the page is empty.
                crate::db::Backend::Postgres => {
                    let mut rows = Vec::with_capacity(found.len());
                    for r in &found {
                        let Some(id) = opt_text(r, "id")? else { continue };
                        rows.push(DeskRowJson {
                            id,
                            registration_number: opt_text(r, "registration_number")?,
                            holder_name: opt_text(r, "holder_name")?,
                            permit_code: opt_text(r, "permit_code")?,
                            step_key: opt_text(r, "step_key")?,
                            step_role: opt_text(r, "step_role")?,
                            status: opt_text(r, "status")?,
                            submitted_at: opt_text(r, "submitted_at")?,
                            step_due_on: opt_text(r, "step_due_on")?,
                            step_entered_at: opt_text(r, "step_entered_at")?,
                            claimed_by: opt_text(r, "claimed_by")?,
                            claimed_until: opt_text(r, "claimed_until")?,
                            claimer: opt_text(r, "claimer")?,
                        });
                    }
                    rows
                }
            };
            return Ok(DeskRead { rows, paging: p });
        }
        asked = p.page;
    }
}

/// The files waiting at steps of the officer's roles, the most pressing first, one page of
/// [`DESK_PAGE_SIZE`] at a time. The list query reads the partial index `applications_desk_open`
/// in its order (office, step role, deadline), so a page costs the same at 100 files or 100,000.
pub async fn tasks(state: &AppState, officer: &Officer, filter: &DeskFilter) -> ServiceResult<DeskPage> {
    let page = filter.page();
    if officer.roles.is_empty() {
        return Ok(DeskPage {
            tasks: Vec::new(),
            total: 0,
            total_exact: true,
            page: 1,
            pages: Some(1),
            has_next: false,
            per_page: DESK_PAGE_SIZE,
        });
    }
    let q = filter.q.trim().to_lowercase();
    // Officers of a desk refreshing it share one read (crate::read_cache).
    let mut roles = officer.roles.clone();
    roles.sort_unstable();
    let key = [
        officer.office_id.as_str(),
        &roles.join(","),
        &filter.izin,
        &filter.status,
        &filter.dari,
        &filter.sampai,
        &q,
        &page.to_string(),
    ]
    .join("\u{1f}");
    let cached = state.desk_pages.get(&officer.office_id, &key);
    let generation = state.desk_pages.generation(&officer.office_id);
    let read = match cached {
        Some(c) => c,
        None => {
            let (cond, binds) = desk_condition(officer, filter, &q);
            let read = Arc::new(read_desk(state, page, &cond, &binds).await?);
            state.desk_pages.put(key, generation, read.clone());
            read
        }
    };
    let Paging {
        total,
        total_exact,
        page,
        pages,
        has_next,
    } = read.paging;
    let rows = &read.rows;
    let office = offices::get(state, &officer.office_id).await?;
    let cal = calendar::for_office(state, &office.id).await?;
    let settings = calendar::settings(state, &office.id).await?;
    let today = calendar::today(&office);
    let now = Utc::now();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (remaining, warning) = match parse_date(r.step_due_on.as_deref().unwrap_or_default()) {
            Some(d) => {
                let left = cal.working_days_between(today, d);
                let entered = r
                    .step_entered_at
                    .as_deref()
                    .and_then(parse_ts)
                    .map(|t| t.with_timezone(&office.tz().offset()).date_naive());
                let total = entered.map(|e| cal.working_days_between(e, d)).unwrap_or(0).max(1);
                let used_pct = (total - left) * 100 / total;
                (left, left >= 0 && used_pct >= settings.warning_threshold_pct)
            }
            None => (0, false),
        };
        let claim_valid = r.claimed_until.as_deref().and_then(parse_ts).is_some_and(|t| t > now);
        let claimed_by = r.claimed_by.as_deref().filter(|_| claim_valid);
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        out.push(DeskItem {
            id: r.id.clone(),
            registration_number: text(&r.registration_number),
            holder: r.holder_name.as_deref().unwrap_or_default().to_uppercase(),
            permit_code: text(&r.permit_code),
            step_key: text(&r.step_key),
            step_role: text(&r.step_role),
            status: ApplicationStatus::from_code(r.status.as_deref().unwrap_or_default())
                .unwrap_or(ApplicationStatus::InProcess),
            submitted_at: text(&r.submitted_at),
            step_due_on: text(&r.step_due_on),
            remaining_days: remaining,
            overdue: remaining < 0,
            warning,
            claimed_by_me: claimed_by == Some(officer.id.as_str()),
            claimed_by: claimed_by.and(r.claimer.clone()),
        });
    }
    Ok(DeskPage {
        tasks: out,
        total,
        total_exact,
        page,
        pages,
        has_next,
        per_page: DESK_PAGE_SIZE,
    })
}

// ---------------------------------------------------------------------------------------------
// The file at a desk

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RevisionItem {
    /// "field" (Tahap 1 or 2) or "document".
    pub kind: String,
    pub key: String,
    pub label: String,
    pub note: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ProductRecord {
    pub step_key: String,
    pub product: Product,
    pub data: serde_json::Value,
    pub officer_name: String,
    pub at: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct CheckRecord {
    pub requirement_key: String,
    pub ok: bool,
    pub note: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RevisionRound {
    pub round: i64,
    pub step_key: String,
    pub asked_at: String,
    pub asked_by_name: String,
    pub items: Vec<RevisionItem>,
    pub resubmitted_at: Option<String>,
    pub changes: Option<serde_json::Value>,
}

/// Everything a desk shows about one file.
pub struct DeskFile {
    pub view: ApplicationView,
    pub workflow: WorkflowVersion,
    pub position: Position,
    pub products: Vec<ProductRecord>,
    pub checks: Vec<CheckRecord>,
    pub rounds: Vec<RevisionRound>,
    pub lock_version: i64,
    pub claimed_by: Option<(String, String)>,
    pub step_due_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub remaining_step_days: Option<i64>,
    pub remaining_days: Option<i64>,
    pub paused: bool,
    pub internal_history: Vec<(String, String, String)>,
}

impl DeskFile {
    pub fn current_step(&self) -> Option<&izinkes_domain::workflow::Step> {
        match self.position {
            Position::AtStep { step } => self.workflow.definition.steps.get(step),
            _ => None,
        }
    }

    /// Actions this officer may take now (role of the step; not claimed by someone else).
    pub fn allowed_actions(&self, officer: &Officer) -> Vec<ActionKind> {
        let Some(step) = self.current_step() else {
            return Vec::new();
        };
        if !officer.has(&step.role) {
            return Vec::new();
        }
        if let Some((id, _)) = &self.claimed_by
            && id != &officer.id
        {
            return Vec::new();
        }
        step.actions.clone()
    }

    pub fn progress_for_current(&self) -> StepProgress {
        let key = self.current_step().map(|s| s.key.clone()).unwrap_or_default();
        progress_of(&self.products, &key)
    }

    pub fn product(&self, step_key: &str, p: Product) -> Option<&ProductRecord> {
        self.products.iter().find(|r| r.step_key == step_key && r.product == p)
    }
}

fn progress_of(products: &[ProductRecord], step_key: &str) -> StepProgress {
    let mut p = StepProgress::default();
    for r in products.iter().filter(|r| r.step_key == step_key) {
        p.done.insert(r.product);
        if r.product == Product::Recommendation {
            p.recommendation = r.data.get("approve").and_then(|v| v.as_bool());
        }
    }
    p
}

async fn load_products(state: &AppState, app_id: &str) -> ServiceResult<Vec<ProductRecord>> {
    let rows = sqlx::query("SELECT step_key, product, data, officer_name, at FROM application_products WHERE application_id = $1 ORDER BY at")
        .bind(app_id)
        .fetch_all(&state.db.pool)
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let code: String = r.try_get("product")?;
        let Ok(product) = serde_json::from_value::<Product>(serde_json::Value::String(code)) else {
            continue;
        };
        out.push(ProductRecord {
            step_key: r.try_get("step_key")?,
            product,
            data: serde_json::from_str(&r.try_get::<String, _>("data")?).unwrap_or(serde_json::Value::Null),
            officer_name: r.try_get("officer_name")?,
            at: r.try_get("at")?,
        });
    }
    Ok(out)
}

pub async fn load_rounds(state: &AppState, app_id: &str) -> ServiceResult<Vec<RevisionRound>> {
    let rows = sqlx::query(
        "SELECT round, step_key, asked_at, asked_by_name, items, resubmitted_at, changes FROM revision_rounds WHERE application_id = $1 ORDER BY round",
    )
    .bind(app_id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        out.push(RevisionRound {
            round: r.try_get("round")?,
            step_key: r.try_get("step_key")?,
            asked_at: r.try_get("asked_at")?,
            asked_by_name: r.try_get("asked_by_name")?,
            items: serde_json::from_str(&r.try_get::<String, _>("items")?).unwrap_or_default(),
            resubmitted_at: opt_text(&r, "resubmitted_at")?,
            changes: opt_text(&r, "changes")?.and_then(|s| serde_json::from_str(&s).ok()),
        });
    }
    Ok(out)
}

/// The file as an officer of its office sees it. Other offices' files do not exist for them.
pub async fn open_file(state: &AppState, officer: &Officer, app_id: &str) -> ServiceResult<DeskFile> {
    if !looks_like_id(app_id) {
        return Err(ServiceError::NotFound);
    }
    let r = sqlx::query(
        "SELECT a.applicant_id, a.workflow_version_id, a.position, a.lock_version, a.claimed_by, a.claimed_until, a.step_due_on, a.due_on, \
           a.sla_paused_since, o.full_name AS claimer \
         FROM applications a LEFT JOIN officers o ON o.id = a.claimed_by WHERE a.id = $1 AND a.office_id = $2 AND a.status <> 'draft'",
    )
    .bind(app_id)
    .bind(&officer.office_id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(ServiceError::NotFound)?;
    let applicant_id: String = r.try_get("applicant_id")?;
    let wf_id = opt_text(&r, "workflow_version_id")?
        .ok_or_else(|| ServiceError::Internal("application without workflow".into()))?;
    let workflow = load_version(state, &wf_id).await?;
    let position: Position = opt_text(&r, "position")?
        .and_then(|s| serde_json::from_str(&s).ok())
        .ok_or_else(|| ServiceError::Internal("application without position".into()))?;
    let claim_valid = opt_text(&r, "claimed_until")?
        .and_then(|s| parse_ts(&s))
        .is_some_and(|t| t > Utc::now());
    let claimed_by = match (opt_text(&r, "claimed_by")?, claim_valid) {
        (Some(id), true) => Some((id, opt_text(&r, "claimer")?.unwrap_or_default())),
        _ => None,
    };
    let view = applications::load_view(state, &applicant_id, app_id).await?;
    let cal = calendar::for_office(state, &view.office.id).await?;
    let today = calendar::today(&view.office);
    let step_due_on = opt_text(&r, "step_due_on")?.and_then(|s| parse_date(&s));
    let due_on = opt_text(&r, "due_on")?.and_then(|s| parse_date(&s));
    let paused = opt_text(&r, "sla_paused_since")?.is_some();
    let active = matches!(position, Position::AtStep { .. });
    let internal = sqlx::query("SELECT at, actor_name, internal_note FROM application_history WHERE application_id = $1 AND internal_note IS NOT NULL ORDER BY seq")
        .bind(app_id)
        .fetch_all(&state.db.pool)
        .await?
        .iter()
        .map(|h| Ok((h.try_get("at")?, h.try_get("actor_name")?, h.try_get("internal_note")?)))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(DeskFile {
        products: load_products(state, app_id).await?,
        checks: load_checks(state, app_id).await?,
        rounds: load_rounds(state, app_id).await?,
        lock_version: r.try_get("lock_version")?,
        claimed_by,
        remaining_step_days: step_due_on
            .filter(|_| active)
            .map(|d| cal.working_days_between(today, d)),
        remaining_days: due_on.filter(|_| active).map(|d| cal.working_days_between(today, d)),
        step_due_on,
        due_on,
        paused,
        internal_history: internal,
        view,
        workflow,
        position,
    })
}

async fn load_checks(state: &AppState, app_id: &str) -> ServiceResult<Vec<CheckRecord>> {
    let rows = sqlx::query("SELECT requirement_key, ok, note FROM application_checks WHERE application_id = $1")
        .bind(app_id)
        .fetch_all(&state.db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(CheckRecord {
                requirement_key: r.try_get("requirement_key")?,
                ok: r.try_get::<i64, _>("ok")? == 1,
                note: r.try_get("note")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(Into::into)
}

// ---------------------------------------------------------------------------------------------
// Actions

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CheckItem {
    pub key: String,
    pub ok: bool,
    #[serde(default)]
    pub note: String,
}

#[derive(Clone, Debug)]
pub enum DeskAction {
    Claim,
    Release,
    Reassign {
        officer_id: String,
    },
    Forward {
        note: String,
    },
    ReturnToApplicant {
        items: Vec<RevisionItem>,
        note: String,
    },
    SendBack {
        note: String,
    },
    Reject {
        reason: String,
    },
    Checklist {
        items: Vec<CheckItem>,
    },
    RecordInspection {
        date: String,
        officers: String,
        result: String,
        file: Option<(String, Vec<u8>)>,
    },
    Recommend {
        approve: bool,
        number: String,
        note: String,
    },
    PrepareDraft {
        fields: BTreeMap<String, String>,
    },
    Paraf {
        note: String,
    },
    Approve {
        note: String,
    },
}

pub enum ActOutcome {
    Done,
    /// The same request (double click, retry) was already carried out.
    AlreadyDone,
}

fn conflict() -> ServiceError {
    ServiceError::Conflict(
        "Berkas ini baru saja diubah oleh petugas lain (atau oleh permintaan sebelumnya). Tampilan sudah diperbarui; periksa kembali sebelum bertindak."
            .into(),
    )
}

fn status_for(position: Position) -> &'static str {
    match position {
        Position::AtStep { step: 0 } => "submitted",
        Position::AtStep { .. } => "in_process",
        Position::WithApplicant { .. } => "needs_revision",
        Position::ReadyToSign => "ready_to_sign",
        Position::Rejected => "rejected",
    }
}

fn product_text(data: &BTreeMap<&str, String>) -> String {
    serde_json::to_string(data).unwrap_or_else(|_| "{}".into())
}

/// Carries out one desk action. `lock_version` is the version the officer saw: if the file
/// changed since, nothing happens and the officer gets a clear message. `request_key` makes a
/// repeated request (double click, network retry) a no-op.
pub async fn act(
    state: &AppState,
    officer: &Officer,
    app_id: &str,
    lock_version: i64,
    request_key: &str,
    action: DeskAction,
) -> ServiceResult<ActOutcome> {
    let outcome = act_once(state, officer, app_id, lock_version, request_key, action).await;
    // Whatever happened has committed or rolled back: the desks of the office read afresh.
    state.desks_changed(&officer.office_id);
    outcome
}

async fn act_once(
    state: &AppState,
    officer: &Officer,
    app_id: &str,
    lock_version: i64,
    request_key: &str,
    action: DeskAction,
) -> ServiceResult<ActOutcome> {
    // A repeated request (double click, network retry) is answered before anything else.
    if !request_key.is_empty() {
        let seen: Option<String> = sqlx::query_scalar("SELECT application_id FROM action_requests WHERE key = $1")
            .bind(request_key)
            .fetch_optional(&state.db.pool)
            .await?;
        if seen.as_deref() == Some(app_id) {
            return Ok(ActOutcome::AlreadyDone);
        }
    }
    let file = open_file(state, officer, app_id).await?;
    // The officer acted on what they saw; if the file changed since, say so before anything else.
    if file.lock_version != lock_version {
        return Err(conflict());
    }
    let office = file.view.office.clone();
    let now = Utc::now();

    // Validate input and prepare blobs before taking the write lock.
    let mut errors = FieldErrors::new();
    let mut ba_file: Option<(String, String, i64)> = None;
    match &action {
        DeskAction::ReturnToApplicant { items, .. } if items.iter().all(|i| i.note.trim().is_empty()) => {
            errors.insert(
                "items".into(),
                "Pilih isian atau berkas yang perlu diperbaiki dan tuliskan catatannya.".into(),
            );
        }
        DeskAction::SendBack { note } if note.trim().is_empty() => {
            errors.insert(
                "note".into(),
                "Tuliskan alasan berkas dikembalikan ke tahap sebelumnya.".into(),
            );
        }
        DeskAction::Reject { reason } if reason.trim().chars().count() < 10 => {
            errors.insert(
                "reason".into(),
                "Tuliskan alasan penolakan yang jelas bagi pemohon (minimal 10 huruf).".into(),
            );
        }
        DeskAction::RecordInspection {
            date,
            officers,
            result,
            file,
        } => {
            if parse_date(date).is_none_or(|d| d > calendar::today(&office)) {
                errors.insert(
                    "date".into(),
                    "Tanggal pemeriksaan tidak valid atau di masa depan.".into(),
                );
            }
            if officers.trim().is_empty() {
                errors.insert("officers".into(), "Tuliskan nama petugas pemeriksa.".into());
            }
            if !matches!(result.as_str(), "sesuai" | "tidak_sesuai") {
                errors.insert("result".into(), "Pilih hasil pemeriksaan.".into());
            }
            match file {
                None => {
                    errors.insert("file".into(), "Unggah berkas Berita Acara Pemeriksaan (PDF).".into());
                }
                Some((name, bytes)) => {
                    match crate::documents::check_file(bytes, &[izinkes_domain::catalog::FileFormat::Pdf], 5 * 1024) {
                        Ok(_) => {
                            let sha = crate::documents::store_blob(state, bytes, "application/pdf").await?;
                            ba_file = Some((crate::files::clean_filename(name), sha, bytes.len() as i64));
                        }
                        Err(m) => {
                            errors.insert("file".into(), m);
                        }
                    }
                }
            }
        }
        DeskAction::Recommend { number, .. } if number.trim().is_empty() => {
            errors.insert("number".into(), "Tuliskan nomor surat rekomendasi.".into());
        }
        DeskAction::Checklist { items } => {
            let permit = file.view.permit().ok_or(ServiceError::NotFound)?;
            for i in items {
                if !permit.requirements.iter().any(|r| r.key == i.key) {
                    errors.insert(i.key.clone(), "Syarat tidak dikenal.".into());
                } else if !i.ok && i.note.trim().is_empty() {
                    errors.insert(i.key.clone(), "Tuliskan catatan untuk syarat yang tidak sesuai.".into());
                }
            }
        }
        _ => {}
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }

    let step = file.current_step().cloned();
    let is_claim_action = matches!(
        action,
        DeskAction::Claim | DeskAction::Release | DeskAction::Reassign { .. }
    );
    if let DeskAction::Reassign { .. } = action {
        if !officer.is_supervisor() {
            return Err(ServiceError::Forbidden);
        }
    } else {
        let Some(step) = &step else {
            return Err(ServiceError::Refused(match file.position {
                Position::WithApplicant { .. } => "Berkas sedang dikembalikan kepada pemohon untuk diperbaiki.".into(),
                _ => "Berkas ini sudah selesai diproses di meja kerja.".into(),
            }));
        };
        if !officer.has(&step.role) {
            return Err(ServiceError::Refused(format!(
                "Tahap \"{}\" dikerjakan oleh {}; akun Anda tidak memiliki peran itu.",
                step.name,
                crate::roles::role_label(&step.role)
            )));
        }
        if let Some((id, name)) = &file.claimed_by
            && id != &officer.id
        {
            return Err(ServiceError::Conflict(format!(
                "Berkas ini sedang dikerjakan oleh {name}. Minta atasan untuk mengalihkannya bila perlu."
            )));
        }
    }

    let mut tx = state.db.begin().await?;
    // Idempotency: the first request with this key wins; a repeat is a no-op.
    if !request_key.is_empty() {
        let inserted = sqlx::query("INSERT INTO action_requests (key, application_id, officer_id, at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING")
            .bind(request_key)
            .bind(app_id)
            .bind(&officer.id)
            .bind(ts(now))
            .execute(&mut *tx)
            .await?;
        if inserted.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(ActOutcome::AlreadyDone);
        }
    }
    let current: Option<i64> =
        sqlx::query_scalar("SELECT lock_version FROM applications WHERE id = $1 AND office_id = $2")
            .bind(app_id)
            .bind(&officer.office_id)
            .fetch_optional(&mut *tx)
            .await?;
    if current != Some(lock_version) {
        tx.rollback().await?;
        return Err(conflict());
    }

    if is_claim_action {
        let (by, until): (Option<String>, Option<String>) = match &action {
            DeskAction::Claim => (
                Some(officer.id.clone()),
                Some(ts(now + Duration::minutes(CLAIM_MINUTES))),
            ),
            DeskAction::Release => (None, None),
            DeskAction::Reassign { officer_id } => {
                let ok: Option<String> =
                    sqlx::query_scalar("SELECT id FROM officers WHERE id = $1 AND office_id = $2 AND active = 1")
                        .bind(officer_id)
                        .bind(&officer.office_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                if ok.is_none() {
                    return Err(ServiceError::field("officer_id", "Pilih petugas kantor ini."));
                }
                (
                    Some(officer_id.clone()),
                    Some(ts(now + Duration::minutes(CLAIM_MINUTES))),
                )
            }
            _ => (None, None),
        };
        sqlx::query("UPDATE applications SET claimed_by = $1, claimed_until = $2, lock_version = lock_version + 1 WHERE id = $3")
            .bind(by)
            .bind(until)
            .bind(app_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(ActOutcome::Done);
    }

    let step = step.ok_or_else(|| ServiceError::Internal("no step".into()))?;
    let def = &file.workflow.definition;
    let progress = file.progress_for_current();
    let command = match &action {
        DeskAction::Forward { .. } => Command::Forward,
        DeskAction::ReturnToApplicant { items, .. } => Command::ReturnToApplicant { items: items.len() },
        DeskAction::SendBack { .. } => Command::SendBack,
        DeskAction::Reject { .. } => Command::Reject,
        DeskAction::Checklist { .. } => Command::Produce {
            product: Product::Checklist,
            approve: None,
        },
        DeskAction::RecordInspection { .. } => Command::Produce {
            product: Product::BeritaAcara,
            approve: None,
        },
        DeskAction::Recommend { approve, .. } => Command::Produce {
            product: Product::Recommendation,
            approve: Some(*approve),
        },
        DeskAction::PrepareDraft { .. } => Command::Produce {
            product: Product::DraftSk,
            approve: None,
        },
        DeskAction::Paraf { .. } => Command::Produce {
            product: Product::Paraf,
            approve: None,
        },
        DeskAction::Approve { .. } => Command::Produce {
            product: Product::Approval,
            approve: None,
        },
        DeskAction::Claim | DeskAction::Release | DeskAction::Reassign { .. } => unreachable_claim(),
    };
    let next = apply(def, file.position, &progress, &command).map_err(|e| ServiceError::Refused(e.to_string()))?;
    let role_label = crate::roles::role_label(&step.role);
    let from_status = file.view.app.status.code();
    let cal = calendar::for_office(state, &office.id).await?;
    let today = calendar::today(&office);

    // Products are recorded at the step; they do not move the file.
    let mut produced: Option<(Product, String)> = None;
    match &action {
        DeskAction::Checklist { items } => {
            for i in items {
                sqlx::query(
                    "INSERT INTO application_checks (office_id, application_id, requirement_key, ok, note, officer_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (application_id, requirement_key) DO UPDATE SET ok = $4, note = $5, officer_id = $6, at = $7",
                )
                .bind(&office.id)
                .bind(app_id)
                .bind(&i.key)
                .bind(i64::from(i.ok))
                .bind(clean_text(&i.note, 500))
                .bind(&officer.id)
                .bind(ts(now))
                .execute(&mut *tx)
                .await?;
            }
            let failed = items.iter().filter(|i| !i.ok).count();
            produced = Some((
                Product::Checklist,
                serde_json::json!({"checked": items.len(), "not_ok": failed}).to_string(),
            ));
        }
        DeskAction::RecordInspection {
            date, officers, result, ..
        } => {
            let (filename, sha, size) = ba_file.clone().unwrap_or_default();
            let mut d = BTreeMap::new();
            d.insert("date", date.clone());
            d.insert("officers", clean_text(officers, 300));
            d.insert("result", result.clone());
            d.insert("filename", filename);
            d.insert("sha256", sha);
            d.insert("size", size.to_string());
            produced = Some((Product::BeritaAcara, product_text(&d)));
        }
        DeskAction::Recommend { approve, number, note } => {
            produced = Some((
                Product::Recommendation,
                serde_json::json!({"approve": approve, "number": clean_text(number, 100), "note": clean_text(note, 1000)}).to_string(),
            ));
        }
        DeskAction::PrepareDraft { fields } => {
            let cleaned: BTreeMap<String, String> = fields
                .iter()
                .map(|(k, v)| (clean_text(k, 60), clean_text(v, 500)))
                .collect();
            produced = Some((Product::DraftSk, serde_json::to_string(&cleaned)?));
        }
        DeskAction::Paraf { note } => {
            produced = Some((
                Product::Paraf,
                serde_json::json!({"note": clean_text(note, 500)}).to_string(),
            ))
        }
        DeskAction::Approve { note } => {
            produced = Some((
                Product::Approval,
                serde_json::json!({"note": clean_text(note, 500)}).to_string(),
            ))
        }
        _ => {}
    }
    if let Some((product, data)) = &produced {
        sqlx::query(
            "INSERT INTO application_products (office_id, application_id, step_key, product, data, officer_id, officer_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (application_id, step_key, product) DO UPDATE SET data = $5, officer_id = $6, officer_name = $7, at = $8",
        )
        .bind(&office.id)
        .bind(app_id)
        .bind(&step.key)
        .bind(product.code())
        .bind(data)
        .bind(&officer.id)
        .bind(&officer.name)
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
    }

    let to_status = status_for(next);
    let moved = next != file.position;
    // Position, step, SLA fields and the claim.
    let days = def.step_days(file.view.permit().map(|p| p.sla_working_days).unwrap_or(0));
    let (step_key, step_role, step_due) = match next {
        Position::AtStep { step: i } => {
            let s = &def.steps[i.min(def.steps.len() - 1)];
            let due = if moved {
                cal.add_working_days(today, days.get(i).copied().unwrap_or(0))
            } else {
                file.step_due_on.unwrap_or(today)
            };
            (Some(s.key.clone()), Some(s.role.clone()), Some(date_text(due)))
        }
        _ => (None, None, None),
    };
    let (claimed_by, claimed_until) = if moved {
        (None, None)
    } else {
        (
            Some(officer.id.clone()),
            Some(ts(now + Duration::minutes(CLAIM_MINUTES))),
        )
    };
    let paused_since = matches!(next, Position::WithApplicant { .. }).then(|| date_text(today));
    let updated = sqlx::query(
        "UPDATE applications SET status = $1, position = $2, step_key = $3, step_role = $4, step_due_on = $5, \
           step_entered_at = CASE WHEN $6 = 1 THEN $7 ELSE step_entered_at END, escalated_step = CASE WHEN $6 = 1 THEN NULL ELSE escalated_step END, \
           claimed_by = $8, claimed_until = $9, sla_paused_since = COALESCE($10, sla_paused_since), \
           returned_by = CASE WHEN $10 IS NULL THEN returned_by ELSE $11 END, \
           updated_at = $7, lock_version = lock_version + 1 WHERE id = $12 AND lock_version = $13",
    )
    .bind(to_status)
    .bind(serde_json::to_string(&next)?)
    .bind(step_key)
    .bind(step_role)
    .bind(step_due)
    .bind(i64::from(moved))
    .bind(ts(now))
    .bind(claimed_by)
    .bind(claimed_until)
    .bind(paused_since.clone())
    .bind(&officer.id)
    .bind(app_id)
    .bind(lock_version)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        tx.rollback().await?;
        return Err(conflict());
    }

    // The number is assigned once, when the file becomes ready to sign.
    if next == Position::ReadyToSign {
        assign_number(state, &mut tx, &file).await?;
    }

    // The revision round, when the file goes back to the applicant.
    let mut public_note: Option<String> = None;
    let mut internal_note: Option<String> = None;
    let action_code;
    match &action {
        DeskAction::Forward { note } => {
            action_code = "teruskan";
            internal_note = Some(clean_text(note, 1000)).filter(|s| !s.is_empty());
            public_note = match next {
                Position::AtStep { step: i } => def.steps.get(i).and_then(|s| s.public_note.clone()),
                Position::ReadyToSign => {
                    Some("Berkas telah diverifikasi dan menunggu penandatanganan oleh Kepala Dinas.".into())
                }
                _ => None,
            };
        }
        DeskAction::ReturnToApplicant { items, note } => {
            action_code = "kembalikan_ke_pemohon";
            let round = file.view.app_round() + 1;
            let items: Vec<RevisionItem> = items
                .iter()
                .filter(|i| !i.note.trim().is_empty())
                .map(|i| RevisionItem {
                    kind: i.kind.clone(),
                    key: i.key.clone(),
                    label: clean_text(&i.label, 200),
                    note: clean_text(&i.note, 1000),
                })
                .collect();
            let before = serde_json::json!({"before": crate::revisions::snapshot(&file.view, &items)});
            sqlx::query(
                "INSERT INTO revision_rounds (office_id, application_id, round, step_key, asked_at, asked_by, asked_by_name, items, changes) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&office.id)
            .bind(app_id)
            .bind(round)
            .bind(&step.key)
            .bind(ts(now))
            .bind(&officer.id)
            .bind(&officer.name)
            .bind(serde_json::to_string(&items)?)
            .bind(before.to_string())
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE applications SET revision_round = $1 WHERE id = $2")
                .bind(round)
                .bind(app_id)
                .execute(&mut *tx)
                .await?;
            let list = items
                .iter()
                .map(|i| format!("• {}: {}", i.label, i.note))
                .collect::<Vec<_>>()
                .join("\n");
            let extra = clean_text(note, 1000);
            public_note = Some(if extra.is_empty() {
                format!("Perlu perbaikan:\n{list}")
            } else {
                format!("Perlu perbaikan:\n{list}\n{extra}")
            });
        }
        DeskAction::SendBack { note } => {
            action_code = "kembalikan_ke_tahap_sebelumnya";
            internal_note = Some(clean_text(note, 1000));
        }
        DeskAction::Reject { reason } => {
            action_code = "tolak";
            public_note = Some(clean_text(reason, 2000));
        }
        DeskAction::Checklist { .. } => action_code = "periksa_syarat",
        DeskAction::RecordInspection { .. } => action_code = "catat_pemeriksaan",
        DeskAction::Recommend { approve, .. } => {
            action_code = if *approve {
                "rekomendasi_terbit"
            } else {
                "rekomendasi_tolak"
            }
        }
        DeskAction::PrepareDraft { .. } => action_code = "siapkan_draf_sk",
        DeskAction::Paraf { note } => {
            action_code = "paraf";
            internal_note = Some(clean_text(note, 500)).filter(|s| !s.is_empty());
        }
        DeskAction::Approve { note } => {
            action_code = "setujui";
            internal_note = Some(clean_text(note, 500)).filter(|s| !s.is_empty());
        }
        DeskAction::Claim | DeskAction::Release | DeskAction::Reassign { .. } => action_code = "ambil",
    }
    append_history(
        &mut tx,
        &NewHistory {
            office_id: &office.id,
            application_id: app_id,
            actor_kind: "officer",
            actor_id: Some(&officer.id),
            actor_name: &officer.name,
            actor_role: Some(&role_label),
            action: action_code,
            from_status: Some(from_status),
            to_status,
            step: Some(&step.key),
            public_note: public_note.as_deref(),
            internal_note: internal_note.as_deref(),
        },
    )
    .await?;

    // Tell the applicant when the file needs them or is decided.
    // Mail goes to the account's verified address.
    let applicant_email: String = sqlx::query_scalar("SELECT email FROM applicants WHERE id = $1")
        .bind(&file.view.app.applicant_id)
        .fetch_one(&mut *tx)
        .await?;
    let number = file.view.app.registration_number.clone().unwrap_or_default();
    let base = state.config.base_url.trim_end_matches('/').to_string();
    let mail = match (&action, next) {
        (DeskAction::ReturnToApplicant { .. }, _) => Some((
            format!("Permohonan {number} perlu perbaikan"),
            format!(
                "Yth. {},\n\nPermohonan {number} dikembalikan untuk diperbaiki:\n\n{}\n\nPerbaiki melalui {base}/permohonan/{app_id} lalu ajukan kembali. \
                 Jangka waktu layanan berhenti sementara sampai perbaikan diajukan.\n",
                file.view.app.data.name,
                public_note.clone().unwrap_or_default()
            ),
        )),
        (DeskAction::Reject { reason }, _) => Some((
            format!("Permohonan {number} ditolak"),
            format!(
                "Yth. {},\n\nMohon maaf, permohonan {number} ditolak dengan alasan:\n\n{}\n\nAnda dapat mengajukan permohonan baru dari {base}/permohonan/{app_id}.\n",
                file.view.app.data.name,
                clean_text(reason, 2000)
            ),
        )),
        (DeskAction::Forward { .. }, Position::AtStep { step: 1 }) => Some((
            format!("Berkas {number} lengkap"),
            format!(
                "Yth. {},\n\nBerkas permohonan {number} telah dinyatakan lengkap oleh Front Office dan sedang diproses.\nPantau di {base}/permohonan/{app_id}.\n",
                file.view.app.data.name
            ),
        )),
        _ => None,
    };
    if let Some((subject, body)) = mail {
        enqueue_email(&mut tx, Some(&office.id), &applicant_email, &subject, &body).await?;
    }
    tx.commit().await?;
    state.wake_outbox();
    Ok(ActOutcome::Done)
}

/// Assigns the permit number inside the action's transaction.
async fn assign_number(state: &AppState, tx: &mut Tx, file: &DeskFile) -> ServiceResult<String> {
    let applicant = crate::accounts::load_applicant(state, &file.view.app.applicant_id).await?;
    let holder = file
        .products
        .iter()
        .find(|p| p.product == Product::DraftSk)
        .and_then(|p| p.data.get("nama").and_then(|v| v.as_str()).map(str::to_string))
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            file.view
                .app
                .answers
                .get("nama_sesuai_ijazah")
                .cloned()
                .filter(|s| !s.trim().is_empty())
        })
        .unwrap_or_else(|| file.view.app.data.name.clone());
    crate::permits::assign_in_tx(tx, &file.view, &applicant.masked_identity(), &holder).await
}

fn unreachable_claim() -> Command {
    // Claim actions return before a command is needed.
    Command::Forward
}

// ---------------------------------------------------------------------------------------------
// Supervision

#[derive(Clone, Debug, Serialize)]
pub struct StepSummary {
    pub step_key: String,
    pub step_name: String,
    pub role: String,
    pub waiting: i64,
    pub overdue: i64,
    /// Average working days files spent at this step (files that left it in the last 90 days).
    pub average_days: Option<f64>,
}

/// Counts per step, overdue files and average working days per step, for the heads.
pub async fn summary(state: &AppState, officer: &Officer) -> ServiceResult<Vec<StepSummary>> {
    if !officer.is_supervisor() {
        return Err(ServiceError::Forbidden);
    }
    let office = offices::get(state, &officer.office_id).await?;
    let cal = calendar::for_office(state, &office.id).await?;
    let today = calendar::today(&office);
    let rows = sqlx::query("SELECT step_key, step_role, step_due_on FROM applications WHERE office_id = $1 AND status IN ('submitted', 'in_process')")
        .bind(&office.id)
        .fetch_all(&state.db.pool)
        .await?;
    let mut by_step: BTreeMap<String, StepSummary> = BTreeMap::new();
    // Step names from the office's workflow versions.
    let versions = sqlx::query("SELECT body FROM workflow_versions WHERE office_id = $1")
        .bind(&office.id)
        .fetch_all(&state.db.pool)
        .await?;
    let mut names: BTreeMap<String, (String, String)> = BTreeMap::new();
    for v in versions {
        if let Ok(def) = serde_json::from_str::<WorkflowDefinition>(&v.try_get::<String, _>("body")?) {
            for s in def.steps {
                names.entry(s.key.clone()).or_insert((s.name, s.role));
            }
        }
    }
    for r in rows {
        let key = opt_text(&r, "step_key")?.unwrap_or_default();
        let (name, role) = names
            .get(&key)
            .cloned()
            .unwrap_or((key.clone(), opt_text(&r, "step_role")?.unwrap_or_default()));
        let e = by_step.entry(key.clone()).or_insert(StepSummary {
            step_key: key,
            step_name: name,
            role,
            waiting: 0,
            overdue: 0,
            average_days: None,
        });
        e.waiting += 1;
        if opt_text(&r, "step_due_on")?
            .and_then(|d| parse_date(&d))
            .is_some_and(|d| d < today)
        {
            e.overdue += 1;
        }
    }
    // Average days per step from the history: time between entering a step and leaving it.
    let since = ts(Utc::now() - Duration::days(90));
    let hist = sqlx::query(
        "SELECT application_id, seq, at, step, action FROM application_history WHERE office_id = $1 AND at > $2 ORDER BY application_id, seq",
    )
    .bind(&office.id)
    .bind(&since)
    .fetch_all(&state.db.pool)
    .await?;
    let mut totals: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut prev: Option<(String, String)> = None;
    for h in hist {
        let app: String = h.try_get("application_id")?;
        let at: String = h.try_get("at")?;
        let action: String = h.try_get("action")?;
        if let (Some((papp, pat)), Some(step)) = (&prev, opt_text(&h, "step")?)
            && papp == &app
            && action == "teruskan"
            && let (Some(a), Some(b)) = (parse_ts(pat), parse_ts(&at))
        {
            let off = office.tz().offset();
            let days = cal
                .working_days_between(a.with_timezone(&off).date_naive(), b.with_timezone(&off).date_naive())
                .max(0);
            let t = totals.entry(step).or_insert((0, 0));
            t.0 += days;
            t.1 += 1;
        }
        if action == "teruskan"
            || action == "ajukan"
            || action == "ajukan_ulang"
            || action == "kembalikan_ke_tahap_sebelumnya"
        {
            prev = Some((app, at));
        }
    }
    for (step, (sum, n)) in totals {
        let (name, role) = names.get(&step).cloned().unwrap_or((step.clone(), String::new()));
        let e = by_step.entry(step.clone()).or_insert(StepSummary {
            step_key: step,
            step_name: name,
            role,
            waiting: 0,
            overdue: 0,
            average_days: None,
        });
        e.average_days = Some(sum as f64 / n as f64);
    }
    Ok(by_step.into_values().collect())
}

// ---------------------------------------------------------------------------------------------
// The clock: escalation and fiktif positif

/// The files of an office (`$1`) past their step deadline (before `$2`) whose supervisors have
/// not been told yet; read from the partial index `applications_clock`.
pub const OVERDUE_NOT_ESCALATED: &str = "SELECT id, registration_number, step_key, step_role, step_due_on, due_on, lock_version \
     FROM applications WHERE office_id = $1 AND status IN ('submitted', 'in_process') AND step_due_on < $2 \
     AND (escalated_step IS NULL OR escalated_step <> step_key)";

/// Run periodically by the worker: queues an escalation notice to the supervisors of every
/// overdue step (once per step visit), and, where the office has switched it on, approves files
/// past their deadline automatically (fiktif positif) with a system actor in the history.
pub async fn tick(state: &AppState) -> ServiceResult<usize> {
    let mut changed = 0;
    for office in offices::list(state).await? {
        let settings = calendar::settings(state, &office.id).await?;
        let today = date_text(calendar::today(&office));
        let overdue = sqlx::query(OVERDUE_NOT_ESCALATED)
            .bind(&office.id)
            .bind(&today)
            .fetch_all(&state.db.pool)
            .await?;
        for r in overdue {
            let id: String = r.try_get("id")?;
            let role = opt_text(&r, "step_role")?.unwrap_or_default();
            let step = opt_text(&r, "step_key")?.unwrap_or_default();
            let number = opt_text(&r, "registration_number")?.unwrap_or_default();
            let supervisor = supervisor_of(&role);
            let recipients: Vec<String> = sqlx::query_scalar(
                "SELECT o.email FROM officers o JOIN officer_roles r ON r.officer_id = o.id WHERE r.office_id = $1 AND r.role = $2 AND o.active = 1",
            )
            .bind(&office.id)
            .bind(supervisor)
            .fetch_all(&state.db.pool)
            .await?;
            let mut tx = state.db.begin().await?;
            let marked = sqlx::query("UPDATE applications SET escalated_step = step_key WHERE id = $1 AND step_key = $2 AND (escalated_step IS NULL OR escalated_step <> step_key)")
                .bind(&id)
                .bind(&step)
                .execute(&mut *tx)
                .await?;
            if marked.rows_affected() == 1 {
                for to in &recipients {
                    enqueue_email(
                        &mut tx,
                        Some(&office.id),
                        to,
                        &format!("Eskalasi: berkas {number} melewati batas waktu"),
                        &format!(
                            "Berkas {number} pada tahap {step} ({}) telah melewati batas waktu tahapnya ({}). Mohon ditindaklanjuti.\n{}/petugas/berkas/{id}\n",
                            crate::roles::role_label(&role),
                            opt_text(&r, "step_due_on")?.unwrap_or_default(),
                            state.config.base_url.trim_end_matches('/')
                        ),
                    )
                    .await?;
                }
                changed += 1;
            }
            tx.commit().await?;
        }
        if settings.auto_approve_at_deadline {
            changed += auto_approve(state, &office, &today).await?;
        }
    }
    if changed > 0 {
        state.wake_outbox();
    }
    Ok(changed)
}

async fn auto_approve(state: &AppState, office: &Office, today: &str) -> ServiceResult<usize> {
    let rows = sqlx::query("SELECT id, status, lock_version FROM applications WHERE office_id = $1 AND status IN ('submitted', 'in_process') AND due_on < $2")
        .bind(&office.id)
        .bind(today)
        .fetch_all(&state.db.pool)
        .await?;
    let mut n = 0;
    for r in rows {
        let id: String = r.try_get("id")?;
        let status: String = r.try_get("status")?;
        let lock: i64 = r.try_get("lock_version")?;
        let mut tx = state.db.begin().await?;
        let updated = sqlx::query(
            "UPDATE applications SET status = 'ready_to_sign', position = $1, step_key = NULL, step_role = NULL, step_due_on = NULL, claimed_by = NULL, \
               claimed_until = NULL, updated_at = $2, lock_version = lock_version + 1 WHERE id = $3 AND lock_version = $4",
        )
        .bind(serde_json::to_string(&Position::ReadyToSign)?)
        .bind(now_text())
        .bind(&id)
        .bind(lock)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 1 {
            let applicant_id: String = sqlx::query_scalar("SELECT applicant_id FROM applications WHERE id = $1")
                .bind(&id)
                .fetch_one(&mut *tx)
                .await?;
            let view = applications::load_view(state, &applicant_id, &id).await?;
            let applicant = crate::accounts::load_applicant(state, &applicant_id).await?;
            crate::permits::assign_in_tx(&mut tx, &view, &applicant.masked_identity(), &view.app.data.name).await?;
            append_history(
                &mut tx,
                &NewHistory {
                    office_id: &office.id,
                    application_id: &id,
                    actor_kind: "system",
                    actor_id: None,
                    actor_name: "Sistem izinkes",
                    actor_role: None,
                    action: "setujui_otomatis",
                    from_status: Some(&status),
                    to_status: "ready_to_sign",
                    step: None,
                    public_note: Some("Disetujui otomatis karena jangka waktu layanan terlampaui (fiktif positif, SKB 9 September 2025)."),
                    internal_note: None,
                },
            )
            .await?;
            n += 1;
        }
        tx.commit().await?;
    }
    if n > 0 {
        state.desks_changed(&office.id);
    }
    Ok(n)
}

impl ApplicationView {
    fn app_round(&self) -> i64 {
        self.app.revision_round
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(asked: i64, counted: i64) -> Paging {
        paging(asked, counted, DESK_COUNT_LIMIT.max(asked * DESK_PAGE_SIZE) + 1)
    }

    #[test]
    fn an_empty_desk_is_one_empty_page() {
        let p = at(1, 0);
        assert_eq!(
            (p.total, p.total_exact, p.page, p.pages, p.has_next),
            (0, true, 1, Some(1), false)
        );
    }

    #[test]
    fn a_desk_under_the_limit_is_counted_exactly_and_past_the_end_shows_the_last_page() {
        let p = at(1, 52);
        assert_eq!((p.total, p.total_exact, p.pages, p.has_next), (52, true, Some(2), true));
        let p = at(2, 52);
        assert_eq!((p.page, p.has_next), (2, false));
        let p = at(9, 52);
        assert_eq!((p.page, p.pages, p.has_next), (2, Some(2), false));
        let p = at(1, 1000);
        assert_eq!((p.total, p.total_exact, p.pages), (1000, true, Some(20)));
    }

    #[test]
    fn a_desk_over_the_limit_says_more_than_and_always_has_a_next_page() {
        // 13,114 files: the count stops at 1,001.
        let p = at(1, 1001);
        assert_eq!((p.total, p.total_exact, p.pages, p.has_next), (1000, false, None, true));
        // Page 30 counts to 1,501: still more, page 30 is full.
        let p = at(30, 1501);
        assert_eq!((p.total, p.total_exact, p.page, p.has_next), (1500, false, 30, true));
        // Page 30 of a desk of 1,480: the count is exact and shows the last page, 30.
        let p = at(30, 1480);
        assert_eq!(
            (p.total, p.total_exact, p.page, p.pages, p.has_next),
            (1480, true, 30, Some(30), false)
        );
        let p = at(31, 1480);
        assert_eq!(p.page, 30);
    }
}
