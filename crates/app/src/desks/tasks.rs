//! Tugas Saya: the files waiting at the officer's desks, most pressing first, filtered and paged,
//! with each file's working days left. The SQL is in `tasks_sql`.

use crate::auth::officer::Officer;
use crate::catalog;
use crate::desks::policy;
use crate::desks::tasks_sql::Paging;
use crate::desks::tasks_sql::desk_condition;
use crate::desks::tasks_sql::read_desk;
use crate::office_admin;
use crate::platform::db::parse_date;
use crate::platform::db::parse_ts;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use chrono::Utc;
use izinkes_domain::sla;
use izinkes_domain::status::ApplicationStatus;
use serde::Deserialize;
use serde::Serialize;
use std::sync::Arc;

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
    /// Messages from the applicant this officer has not read (Pesan Pengaduan).
    pub unread_messages: i64,
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
        &roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(","),
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
    let office = catalog::offices::get(state, &officer.office_id).await?;
    let cal = office_admin::calendar::for_office(state, &office.id).await?;
    let settings = office_admin::settings::settings(state, &office.id).await?;
    let today = catalog::offices::today(&office);
    let now = Utc::now();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let clock = parse_date(r.step_due_on.as_deref().unwrap_or_default()).map(|d| {
            let entered = r
                .step_entered_at
                .as_deref()
                .and_then(parse_ts)
                .map(|t| t.with_timezone(&office.tz().offset()).date_naive());
            sla::desk_clock(&cal, entered, d, today, settings.warning_threshold_pct)
        });
        let claimed_by = policy::live_claim(
            r.claimed_by.as_deref(),
            r.claimed_until.as_deref().and_then(parse_ts),
            now,
        );
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
            remaining_days: clock.map_or(0, |c| c.remaining_days),
            overdue: clock.is_some_and(|c| c.overdue),
            warning: clock.is_some_and(|c| c.warning),
            claimed_by_me: claimed_by == Some(officer.id.as_str()),
            claimed_by: claimed_by.and(r.claimer.clone()),
            unread_messages: 0,
        });
    }
    add_unread(state, officer, &mut out).await?;
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

/// The applicant's messages this officer has not read, per file of the page. Unread is per
/// reader, so it is read for each officer, not kept in the desk's shared page.
async fn add_unread(state: &AppState, officer: &Officer, items: &mut [DeskItem]) -> ServiceResult<()> {
    let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
    let unread = crate::messages::service::officer_unread_among(state, officer, &ids).await?;
    if !unread.is_empty() {
        for item in items {
            item.unread_messages = unread.get(&item.id).copied().unwrap_or(0);
        }
    }
    Ok(())
}
