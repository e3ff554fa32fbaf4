//! Validity of permits and the reminders before they expire (90, 60 and 30 days).

use crate::catalog;
use crate::catalog::offices::Office;
use crate::notifications;
use crate::notifications::service::Notice;
use crate::permits::queries;
use crate::platform::error::ServiceResult;
use crate::platform::mail::PermitExpiring;
use crate::state::AppState;
use chrono::Months;
use chrono::NaiveDate;
use chrono::Utc;
use izinkes_domain::format_id::date_id;

/// Days before expiry at which the holder is reminded.
pub const REMINDER_DAYS: [i64; 3] = [90, 60, 30];

/// The validity end (DOMAIN rule 2): years from issue, or earlier when an old-style STR ends.
pub fn valid_until(issued: NaiveDate, years: u32, str_expiry: Option<NaiveDate>, ends_with_str: bool) -> NaiveDate {
    let by_years = issued.checked_add_months(Months::new(years * 12)).unwrap_or(issued);
    match str_expiry {
        Some(s) if ends_with_str && s < by_years => s,
        _ => by_years,
    }
}

/// The daily job: reminders to holders 90, 60 and 30 days before expiry, through the outbox.
/// (Expiry itself needs no write: the status is read from the validity date.)
pub async fn remind_expiring(state: &AppState) -> ServiceResult<usize> {
    // Only permits ending within the largest threshold can be due (a day of margin either side
    // for the offices' time zones): the clock runs every minute over an archive of thousands.
    let utc_today = Utc::now().date_naive();
    let horizon = utc_today + chrono::Days::new(REMINDER_DAYS[0].unsigned_abs() + 1);
    let since = utc_today - chrono::Days::new(1);
    let since = since.format("%Y-%m-%d").to_string();
    let horizon = horizon.format("%Y-%m-%d").to_string();
    let rows = queries::ending_between(&state.db.pool, &since, &horizon).await?;
    let mut sent = 0;
    let mut offices_seen: std::collections::HashMap<String, Office> = std::collections::HashMap::new();
    for r in rows {
        let office = match offices_seen.get(&r.office_id) {
            Some(o) => o.clone(),
            None => {
                let o = catalog::offices::get(state, &r.office_id).await?;
                offices_seen.insert(r.office_id.clone(), o.clone());
                o
            }
        };
        let today = catalog::offices::today(&office);
        let Some(until) = NaiveDate::parse_from_str(&r.valid_until, "%Y-%m-%d").ok() else {
            continue;
        };
        let left = (until - today).num_days();
        let mut done: Vec<i64> = serde_json::from_str(&r.reminders).unwrap_or_default();
        let Some(&mark) = REMINDER_DAYS
            .iter()
            .find(|&&d| left <= d && left >= 0 && !done.contains(&d))
        else {
            continue;
        };
        // Mark every threshold already passed, so a late start sends one reminder, not three.
        for d in REMINDER_DAYS {
            if left <= d && !done.contains(&d) {
                done.push(d);
            }
        }
        let mut tx = state.db.begin().await?;
        queries::set_reminders(&mut *tx, &serde_json::to_string(&done)?, &r.id).await?;
        let base_url = state.config.base_url.trim_end_matches('/');
        let reminder = PermitExpiring {
            holder_name: &r.full_name,
            number: &r.number,
            valid_until: &date_id(until),
            days_left: left,
            threshold_days: mark,
            base_url,
        };
        let text = format!(
            "Izin {} berakhir pada {}. Ajukan perpanjangan.",
            r.number,
            date_id(until)
        );
        let notice = Notice::new("expiring", &reminder, text, format!("{base_url}/izin"))?;
        notifications::service::to_applicant(&mut tx, &office.id, &r.applicant_id, &notice).await?;
        tx.commit().await?;
        sent += 1;
    }
    if sent > 0 {
        state.wake_outbox();
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_is_five_years_or_the_end_of_an_old_str() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(valid_until(d("2026-11-22"), 5, None, true), d("2031-11-22"));
        assert_eq!(
            valid_until(d("2026-11-22"), 5, Some(d("2028-01-31")), true),
            d("2028-01-31")
        );
        assert_eq!(
            valid_until(d("2026-11-22"), 5, Some(d("2028-01-31")), false),
            d("2031-11-22")
        );
        assert_eq!(valid_until(d("2024-02-29"), 5, None, true), d("2029-02-28"));
    }
}
