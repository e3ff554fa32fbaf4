//! The complaint report pages for the head of office: the month's or year's figures as a page
//! and as CSV (`/petugas/pengaduan/laporan?tahun=2026&bulan=12`).

use crate::catalog;
use crate::complaints::report;
use crate::complaints::report::Report;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::OfficerUser;
use crate::web::extract::officer_of;
use crate::web::view::FormState;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page;
use crate::web::view::page_with_status;
use askama::Template;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::IntoResponse;

#[derive(serde::Deserialize, Default)]
pub(crate) struct ReportQuery {
    #[serde(default)]
    tahun: String,
    #[serde(default)]
    bulan: String,
}

/// The period asked for; by default the current month of the office.
fn period(q: &ReportQuery, today: chrono::NaiveDate) -> Result<(i32, Option<u32>), ServiceError> {
    report::parse_period(&q.tahun, &q.bulan, today, true)
}

#[derive(Template)]
#[template(path = "complaints/report.html")]
pub struct ReportPage {
    pub ctx: PageCtx,
    pub report: Option<Report>,
    pub form: FormState,
    pub months: Vec<(String, String)>,
    pub csv_query: String,
}

impl ReportPage {
    /// The four breakdowns with their captions.
    pub fn sections<'a>(&self, r: &'a Report) -> Vec<(&'static str, &'a Vec<report::Count>)> {
        vec![
            ("Menurut saluran", &r.by_channel),
            ("Menurut kategori", &r.by_category),
            ("Menurut tingkat", &r.by_severity),
            ("Menurut status", &r.by_status),
        ]
    }
}

pub(crate) async fn report_page(
    State(state): State<AppState>,
    o: OfficerUser,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let officer = officer_of(&o)?;
    let office = catalog::offices::get(&state, &officer.office_id).await?;
    let months = izinkes_domain::format_id::MONTHS
        .iter()
        .enumerate()
        .map(|(i, m)| ((i + 1).to_string(), (*m).to_string()))
        .collect();
    let result = match period(&q, catalog::offices::today(&office)) {
        Ok((year, month)) => report::report(&state, &officer, year, month).await,
        Err(e) => Err(e),
    };
    let ctx = o.visitor.ctx(&state, "Laporan Pengaduan", "pengaduan");
    match result {
        Ok(r) => {
            let mut values = std::collections::HashMap::new();
            values.insert("tahun".to_string(), r.year.to_string());
            values.insert("bulan".to_string(), r.month.map(|m| m.to_string()).unwrap_or_default());
            let csv_query = format!(
                "tahun={}&bulan={}",
                r.year,
                r.month.map(|m| m.to_string()).unwrap_or_default()
            );
            Ok(page(&ReportPage {
                ctx,
                report: Some(r),
                form: FormState::new(values, Default::default()),
                months,
                csv_query,
            }))
        }
        Err(ServiceError::Invalid(errors)) => {
            let values = [("tahun".to_string(), q.tahun), ("bulan".to_string(), q.bulan)].into();
            Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ReportPage {
                    ctx,
                    report: None,
                    form: FormState::new(values, errors),
                    months,
                    csv_query: String::new(),
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn report_csv(
    State(state): State<AppState>,
    o: OfficerUser,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let officer = officer_of(&o)?;
    let office = catalog::offices::get(&state, &officer.office_id).await?;
    let (year, month) = period(&q, catalog::offices::today(&office)).map_err(WebError::from)?;
    let r = report::report(&state, &officer, year, month).await?;
    let name = match month {
        Some(m) => format!("pengaduan-{}-{year}-{m:02}.csv", office.code.to_lowercase()),
        None => format!("pengaduan-{}-{year}.csv", office.code.to_lowercase()),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        report::csv(&r),
    )
        .into_response())
}
