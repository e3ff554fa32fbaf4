//! Indonesian formatting of dates, times, numbers and area names, for pages, documents and
//! messages alike: `17 Maret 2026`, `09.30 WITA`, `13.114`, `Pekutatan, Kabupaten Jembrana, Bali`.

use crate::calendar::OfficeTimeZone;
use crate::wilayah::Wilayah;
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

/// A moment in the office's time zone: `17 Maret 2026 09.30 WITA`.
pub fn moment_id(at: DateTime<Utc>, offset: FixedOffset, tz_label: &str) -> String {
    let local = at.with_timezone(&offset);
    format!(
        "{} {:02}.{:02} {tz_label}",
        date_id(local.date_naive()),
        local.hour(),
        local.minute()
    )
}

/// A stored UTC timestamp (RFC 3339) in the office's time zone, or the input unchanged when it
/// is not one.
pub fn timestamp_id(stored: &str, offset: FixedOffset, tz_label: &str) -> String {
    match DateTime::parse_from_rfc3339(stored) {
        Ok(t) => moment_id(t.with_timezone(&Utc), offset, tz_label),
        Err(_) => stored.to_string(),
    }
}

/// A stored UTC timestamp in an office's time zone (`17 Maret 2026 09.30 WITA`).
pub fn timestamp_in(stored: &str, tz: OfficeTimeZone) -> String {
    timestamp_id(stored, tz.offset(), tz.label())
}

/// A stored `YYYY-MM-DD` date, or the input unchanged.
pub fn iso_date_id(s: &str) -> String {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_or_else(|_| s.to_string(), date_id)
}

pub fn wib() -> FixedOffset {
    OfficeTimeZone::Wib.offset()
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

/// A human name for an area code, smallest first: "Pekutatan, Kabupaten Jembrana, Bali".
pub fn area_label(code: &str) -> String {
    let w = Wilayah::builtin();
    w.path(code)
        .iter()
        .rev()
        .map(|a| w.display_name(&a.code).unwrap_or_else(|| a.name.clone()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_the_indonesian_way() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 17).unwrap();
        assert_eq!(date_id(d), "17 Maret 2026");
        assert_eq!(date_long_id(d), "Selasa, 17 Maret 2026");
        let wita = OfficeTimeZone::Wita.offset();
        assert_eq!(
            timestamp_id("2026-03-17T01:30:00.000000Z", wita, "WITA"),
            "17 Maret 2026 09.30 WITA"
        );
        assert_eq!(
            timestamp_in("2026-03-17T17:30:00.000000Z", OfficeTimeZone::Wit),
            "18 Maret 2026 02.30 WIT"
        );
        assert_eq!(timestamp_id("kemarin", wita, "WITA"), "kemarin");
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

    #[test]
    fn an_area_is_named_from_the_village_up() {
        let label = area_label("51.01.03.2004");
        assert!(label.ends_with("Bali"), "{label}");
        assert!(label.contains("Jembrana"), "{label}");
        assert_eq!(area_label("99.99"), "");
    }
}
