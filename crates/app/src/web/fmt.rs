//! Indonesian formatting of dates, times and numbers for pages and messages.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};

pub const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
pub const WEEKDAYS: [&str; 7] = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"];

/// `17 Maret 2026`
pub fn date_id(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// `Selasa, 17 Maret 2026`
pub fn date_long_id(d: NaiveDate) -> String {
    format!(
        "{}, {}",
        WEEKDAYS[d.weekday().num_days_from_monday() as usize],
        date_id(d)
    )
}

/// A stored UTC timestamp shown in the office's time zone: `17 Maret 2026 09.30 WITA`.
pub fn timestamp_id(stored: &str, offset: FixedOffset, tz_label: &str) -> String {
    match crate::db::parse_ts(stored) {
        Some(t) => {
            let local = t.with_timezone(&offset);
            format!(
                "{} {:02}.{:02} {tz_label}",
                date_id(local.date_naive()),
                local.hour(),
                local.minute()
            )
        }
        None => stored.to_string(),
    }
}

/// A stored YYYY-MM-DD date, or the input unchanged.
pub fn iso_date_id(s: &str) -> String {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(date_id)
        .unwrap_or_else(|_| s.to_string())
}

pub fn wib() -> FixedOffset {
    izinkes_domain::calendar::OfficeTimeZone::Wib.offset()
}

pub fn now_utc() -> DateTime<Utc> {
    Utc::now()
}

/// 13114 → "13.114" (the Indonesian thousands separator).
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_the_indonesian_way() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 17).unwrap();
        assert_eq!(date_id(d), "17 Maret 2026");
        assert_eq!(date_long_id(d), "Selasa, 17 Maret 2026");
        let wita = izinkes_domain::calendar::OfficeTimeZone::Wita.offset();
        assert_eq!(
            timestamp_id("2026-03-17T01:30:00.000000Z", wita, "WITA"),
            "17 Maret 2026 09.30 WITA"
        );
        assert_eq!(iso_date_id("1997-03-09"), "9 Maret 1997");
    }

    #[test]
    fn thousands_use_dots() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1.000");
        assert_eq!(thousands(13114), "13.114");
        assert_eq!(thousands(1234567), "1.234.567");
        assert_eq!(thousands(-4200), "-4.200");
    }
}
