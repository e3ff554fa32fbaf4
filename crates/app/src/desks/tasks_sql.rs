//! The SQL Tugas Saya runs: the WHERE clause of a desk and the one round trip that reads a page
//! and its bounded count (a JSON row on SQLite, joined rows on PostgreSQL).

use crate::auth::officer::Officer;
use crate::desks::tasks::DESK_COUNT_LIMIT;
use crate::desks::tasks::DESK_PAGE_SIZE;
use crate::desks::tasks::DeskFilter;
use crate::platform::db::parse_date;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use sqlx::FromRow;

/// One file of a page of Tugas Saya (`tasks`); on SQLite a JSON array in this order.
#[derive(Clone, serde::Deserialize)]
pub(crate) struct DeskRowJson {
    pub(crate) id: String,
    pub(crate) registration_number: Option<String>,
    pub(crate) holder_name: Option<String>,
    pub(crate) permit_code: Option<String>,
    pub(crate) step_key: Option<String>,
    pub(crate) step_role: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) submitted_at: Option<String>,
    pub(crate) step_due_on: Option<String>,
    pub(crate) step_entered_at: Option<String>,
    pub(crate) claimed_by: Option<String>,
    pub(crate) claimed_until: Option<String>,
    pub(crate) claimer: Option<String>,
}

/// A row of the PostgreSQL page: the count joined to one file (no file on an empty page).
#[derive(sqlx::FromRow)]
struct DeskRowPg {
    id: Option<String>,
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

/// The count of a desk, on both backends the first column of the first row.
#[derive(sqlx::FromRow)]
struct DeskTotal {
    desk_total: i64,
}

/// The SQLite page: the count and the page as one JSON array (absent when the page is empty).
#[derive(sqlx::FromRow)]
struct DeskPageSqlite {
    desk_page: Option<String>,
}

/// Where a page of Tugas Saya stands, from the page asked for and the count of matching files
/// taken up to `limit` (exclusive bound: `counted == limit` means "at least that many").
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Paging {
    pub(crate) total: i64,
    pub(crate) total_exact: bool,
    pub(crate) page: i64,
    pub(crate) pages: Option<i64>,
    pub(crate) has_next: bool,
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
    pub(crate) rows: Vec<DeskRowJson>,
    pub(crate) paging: Paging,
}

/// The WHERE clause of a desk and its binds: the office, the officer's roles and the filter
/// (`q` already trimmed and lowercased).
pub(crate) fn desk_condition(officer: &Officer, filter: &DeskFilter, q: &str) -> (String, Vec<String>) {
    // `status IN ('submitted', 'in_process')` is written out literally: it is the condition of
    // the partial index, which the planners use only when the query repeats it.
    let mut cond = String::from("a.office_id = $1 AND a.status IN ('submitted', 'in_process') AND a.step_role IN (");
    let mut binds: Vec<String> = vec![officer.office_id.clone()];
    for (i, role) in officer.roles.iter().enumerate() {
        if i > 0 {
            cond.push_str(", ");
        }
        binds.push(role.code().to_string());
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
pub(crate) async fn read_desk(state: &AppState, page: i64, cond: &str, binds: &[String]) -> ServiceResult<DeskRead> {
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
            crate::platform::db::Backend::Sqlite => {
                let (agg, array) = state.db.backend.json_rows();
                format!(
                    "SELECT ({count}) AS desk_total, \
                       (SELECT CAST({agg}({array}(p.id, p.registration_number, p.holder_name, p.permit_code, p.step_key, \
                           p.step_role, p.status, p.submitted_at, p.step_due_on, p.step_entered_at, p.claimed_by, \
                           p.claimed_until, p.claimer) ORDER BY {ORDER}) AS TEXT) FROM ({page_sql}) AS p) AS desk_page"
                )
            }
            crate::platform::db::Backend::Postgres => format!(
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
            Some(r) => DeskTotal::from_row(r)?.desk_total,
            None => 0,
        };
        let p = paging(asked, counted, limit);
        if p.page == asked {
            let rows: Vec<DeskRowJson> = match state.db.backend {
                // One row; the page a JSON array (absent when the page is empty).
                crate::platform::db::Backend::Sqlite => {
                    match found
                        .first()
                        .map(DeskPageSqlite::from_row)
                        .transpose()?
                        .and_then(|r| r.desk_page)
                    {
                        Some(json) => serde_json::from_str(&json)?,
                        None => Vec::new(),
                    }
                }
                // A row per file; the count's lone row (no id) when the page is empty.
                crate::platform::db::Backend::Postgres => {
                    let mut rows = Vec::with_capacity(found.len());
                    for r in &found {
                        let r = DeskRowPg::from_row(r)?;
                        let Some(id) = r.id else { continue };
                        rows.push(DeskRowJson {
                            id,
                            registration_number: r.registration_number,
                            holder_name: r.holder_name,
                            permit_code: r.permit_code,
                            step_key: r.step_key,
                            step_role: r.step_role,
                            status: r.status,
                            submitted_at: r.submitted_at,
                            step_due_on: r.step_due_on,
                            step_entered_at: r.step_entered_at,
                            claimed_by: r.claimed_by,
                            claimed_until: r.claimed_until,
                            claimer: r.claimer,
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
