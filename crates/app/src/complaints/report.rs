//! The complaint report for the head of office, per month or year: counts by channel, category,
//! severity and status; the share answered within the deadline; the median time to the first
//! answer. As a page and as CSV.

use crate::auth::officer::Officer;
use crate::catalog;
use crate::catalog::offices::Office;
use crate::complaints::queries;
use crate::platform::db::parse_ts;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use chrono::NaiveDate;
use chrono::TimeZone;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::complaints::Category;
use izinkes_domain::complaints::Channel;
use izinkes_domain::complaints::Severity;
use izinkes_domain::complaints::Status;

/// One line of a breakdown.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ComplaintCount)]
pub struct Count {
    pub key: String,
    pub label: String,
    pub count: i64,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ComplaintReport)]
pub struct Report {
    pub office_name: String,
    pub year: i32,
    /// 1–12; absent for the whole year.
    pub month: Option<u32>,
    pub period_label: String,
    pub total: i64,
    pub by_channel: Vec<Count>,
    pub by_category: Vec<Count>,
    pub by_severity: Vec<Count>,
    pub by_status: Vec<Count>,
    /// Complaints answered at least once.
    pub answered: i64,
    pub answered_in_time: i64,
    /// `answered_in_time / answered` in percent, one decimal (`85,7 %`); absent before the first answer.
    pub in_time_share: Option<String>,
    /// Median minutes from receipt to first answer (calendar time).
    pub median_minutes_to_answer: Option<i64>,
    pub median_label: String,
}

/// The period typed as year and month (month empty: the whole year). With nothing typed: the
/// current month when `default_month`, else the current year.
pub fn parse_period(
    tahun: &str,
    bulan: &str,
    today: NaiveDate,
    default_month: bool,
) -> ServiceResult<(i32, Option<u32>)> {
    use chrono::Datelike;
    if tahun.trim().is_empty() && bulan.trim().is_empty() {
        return Ok((today.year(), default_month.then(|| today.month())));
    }
    let year = match tahun.trim() {
        "" => today.year(),
        y => y
            .parse::<i32>()
            .map_err(|_| ServiceError::field("tahun", "Tahun laporan tidak valid (contoh: 2026)."))?,
    };
    let month = match bulan.trim() {
        "" => None,
        m => Some(m.parse::<u32>().map_err(|_| {
            ServiceError::field("bulan", "Bulan laporan berupa 1 sampai 12, atau kosong untuk setahun.")
        })?),
    };
    Ok((year, month))
}

/// The period's first day and the day after its last, checked.
fn bounds(year: i32, month: Option<u32>) -> ServiceResult<(NaiveDate, NaiveDate)> {
    let mut errors = FieldErrors::new();
    if !(2000..=2100).contains(&year) {
        errors.insert("tahun".into(), "Tahun laporan tidak valid (contoh: 2026).".into());
    }
    if month.is_some_and(|m| !(1..=12).contains(&m)) {
        errors.insert(
            "bulan".into(),
            "Bulan laporan berupa 1 sampai 12, atau kosong untuk setahun.".into(),
        );
    }
    let period = izinkes_domain::complaints::period(year, month).filter(|_| errors.is_empty());
    let Some((first, last)) = period else {
        return Err(ServiceError::Invalid(errors));
    };
    let after = last
        .succ_opt()
        .ok_or_else(|| ServiceError::field("tahun", "Tahun laporan tidak valid."))?;
    Ok((first, after))
}

/// Local midnight of the office as stored UTC text.
fn midnight(office: &Office, d: NaiveDate) -> String {
    let local = d.and_time(chrono::NaiveTime::MIN);
    match office.tz().offset().from_local_datetime(&local).single() {
        Some(t) => crate::platform::db::ts(t.with_timezone(&chrono::Utc)),
        None => crate::platform::db::ts(chrono::Utc.from_utc_datetime(&local)),
    }
}

fn counts<T: Copy + PartialEq>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    seen: &[Option<T>],
) -> Vec<Count> {
    let mut out: Vec<Count> = all
        .iter()
        .map(|t| Count {
            key: code(*t).into(),
            label: label(*t).into(),
            count: seen.iter().filter(|s| **s == Some(*t)).count() as i64,
        })
        .collect();
    let none = seen.iter().filter(|s| s.is_none()).count() as i64;
    if none > 0 {
        out.push(Count {
            key: "belum".into(),
            label: "Belum diklasifikasi".into(),
            count: none,
        });
    }
    out
}

/// The report of the officer's office for a month (`month` 1–12) or a year.
pub async fn report(state: &AppState, officer: &Officer, year: i32, month: Option<u32>) -> ServiceResult<Report> {
    let (first, after) = bounds(year, month)?;
    let office = catalog::offices::get(state, &officer.office_id).await?;
    let rows = queries::received_between(
        &state.db.pool,
        &office.id,
        &midnight(&office, first),
        &midnight(&office, after),
    )
    .await?;
    let channels: Vec<Option<Channel>> = rows.iter().map(|r| Channel::from_code(&r.channel)).collect();
    let categories: Vec<Option<Category>> = rows
        .iter()
        .map(|r| r.category.as_deref().and_then(Category::from_code))
        .collect();
    let severities: Vec<Option<Severity>> = rows
        .iter()
        .map(|r| r.severity.as_deref().and_then(Severity::from_code))
        .collect();
    let statuses: Vec<Option<Status>> = rows.iter().map(|r| Status::from_code(&r.status)).collect();
    let minutes: Vec<i64> = rows
        .iter()
        .filter_map(|r| {
            let answered = parse_ts(r.first_answered_at.as_deref()?)?;
            Some((answered - parse_ts(&r.received_at)?).num_minutes().max(0))
        })
        .collect();
    let answered = minutes.len() as i64;
    let in_time = rows.iter().filter(|r| r.answered_in_time == Some(1)).count() as i64;
    let median = izinkes_domain::complaints::median(&minutes);
    let period_label = match month {
        Some(m) => format!(
            "{} {year}",
            izinkes_domain::format_id::MONTHS
                .get(m as usize - 1)
                .copied()
                .unwrap_or_default()
        ),
        None => format!("Tahun {year}"),
    };
    Ok(Report {
        office_name: office.name.clone(),
        year,
        month,
        period_label,
        total: rows.len() as i64,
        by_channel: counts(&Channel::ALL, Channel::code, Channel::label_id, &channels),
        by_category: counts(&Category::ALL, Category::code, Category::label_id, &categories),
        by_severity: counts(&Severity::ALL, Severity::code, Severity::label_id, &severities),
        by_status: counts(&Status::ALL, Status::code, Status::label_id, &statuses),
        answered,
        answered_in_time: in_time,
        in_time_share: (answered > 0).then(|| percent(in_time, answered)),
        median_minutes_to_answer: median,
        median_label: median.map_or_else(|| "—".to_string(), izinkes_domain::complaints::duration_label),
    })
}

/// `85,7 %`
fn percent(part: i64, whole: i64) -> String {
    let tenths = (part * 1000 + whole / 2) / whole.max(1);
    format!("{},{} %", tenths / 10, tenths % 10)
}

/// A CSV field, quoted when it holds a separator, a quote or a line break.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The report as CSV: `bagian,kode,uraian,jumlah`, one line per count, then the summary lines.
pub fn csv(r: &Report) -> String {
    let mut out = String::from("bagian,kode,uraian,jumlah\n");
    let mut line = |section: &str, key: &str, label: &str, value: &str| {
        out.push_str(&format!(
            "{},{},{},{}\n",
            field(section),
            field(key),
            field(label),
            field(value)
        ));
    };
    line("ringkasan", "kantor", &r.office_name, "");
    line("ringkasan", "periode", &r.period_label, "");
    line("ringkasan", "jumlah", "Jumlah pengaduan", &r.total.to_string());
    for (section, list) in [
        ("saluran", &r.by_channel),
        ("kategori", &r.by_category),
        ("tingkat", &r.by_severity),
        ("status", &r.by_status),
    ] {
        for c in list {
            line(section, &c.key, &c.label, &c.count.to_string());
        }
    }
    line(
        "ringkasan",
        "dijawab",
        "Pengaduan yang sudah dijawab",
        &r.answered.to_string(),
    );
    line(
        "ringkasan",
        "tepat_waktu",
        "Dijawab dalam batas waktu",
        &r.answered_in_time.to_string(),
    );
    line(
        "ringkasan",
        "persen_tepat_waktu",
        "Persentase dijawab dalam batas waktu",
        r.in_time_share.as_deref().unwrap_or(""),
    );
    line(
        "ringkasan",
        "median_menit",
        "Median waktu sampai jawaban pertama (menit)",
        &r.median_minutes_to_answer.map(|m| m.to_string()).unwrap_or_default(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_to_one_decimal_with_a_comma() {
        assert_eq!(percent(6, 7), "85,7 %");
        assert_eq!(percent(1, 1), "100,0 %");
        assert_eq!(percent(0, 3), "0,0 %");
    }

    #[test]
    fn csv_fields_with_separators_are_quoted() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(field("plain"), "plain");
    }
}
