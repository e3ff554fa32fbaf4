//! Working days (DOMAIN rule 5).
//!
//! SLAs are counted in working days: Monday to Friday in the office's time zone, minus national
//! holidays (*libur nasional*), collective leave (*cuti bersama*, counted as off unless the office
//! switches it off) and regional holidays (*libur daerah*). Holidays are data: the national list for
//! 2025–2026 is bundled from `data/holidays/`, and an office admin adds regional holidays and the
//! next year's decree through [`parse_holidays_csv`].

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// The bundled national holidays and cuti bersama (SKB of the three ministers).
const BUILTIN_HOLIDAYS_CSV: &str = include_str!("../../../data/holidays/holidays-2025-2026.csv");

/// How far ahead the calendar must know the national holidays: an admin is warned when it covers
/// less than this many days from today (a deadline is at most 60 working days away).
pub const CALENDAR_NOTICE_DAYS: u64 = 60;

/// The header every holiday CSV starts with.
const CSV_HEADER: [&str; 4] = ["date", "kind", "name", "decree"];

/// What kind of day off a holiday is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    /// National holiday (*libur nasional*): always off.
    Libur,
    /// Collective leave (*cuti bersama*): off only when the office counts it as off (the default).
    Cuti,
    /// Regional holiday (*libur daerah*), added by the office: always off.
    Regional,
}

impl HolidayKind {
    /// The Indonesian label shown to users.
    pub fn label_id(&self) -> &'static str {
        match self {
            HolidayKind::Libur => "Libur nasional",
            HolidayKind::Cuti => "Cuti bersama",
            HolidayKind::Regional => "Libur daerah",
        }
    }

    /// Parses the `kind` column of a holiday CSV (`libur`, `cuti`, `regional`; `daerah` is an alias
    /// of `regional`), ignoring case.
    fn from_csv(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "libur" => Some(HolidayKind::Libur),
            "cuti" => Some(HolidayKind::Cuti),
            "regional" | "daerah" => Some(HolidayKind::Regional),
            _ => None,
        }
    }
}

/// One holiday: a date, its kind, its name and the decree that sets it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub kind: HolidayKind,
    pub name: String,
    /// The decree that sets the day, e.g. `SKB 1497/2025; 2/2025; 5/2025`; may be empty for a
    /// regional holiday.
    pub decree: String,
}

/// A holiday CSV that cannot be read. Lines are numbered from 1, the header being line 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("Baris {line}: {message}")]
    Line { line: usize, message: String },
}

impl CalendarError {
    fn line(line: usize, message: impl Into<String>) -> Self {
        CalendarError::Line {
            line,
            message: message.into(),
        }
    }
}

/// Parses a holiday CSV with the header `date,kind,name,decree`.
///
/// `date` is `YYYY-MM-DD`; `kind` is `libur`, `cuti` or `regional`; `name` is required; `decree` may
/// be empty and takes the rest of the line, so it may hold `;` or even `,`. Blank lines are
/// skipped, fields are trimmed and a field wrapped in double quotes loses them. The first error is
/// reported with its line number.
pub fn parse_holidays_csv(csv: &str) -> Result<Vec<Holiday>, CalendarError> {
    let csv = csv.strip_prefix('\u{feff}').unwrap_or(csv);
    let mut lines = csv.lines().enumerate().map(|(i, l)| (i + 1, l));

    let header_ok = lines.next().is_some_and(|(_, header)| {
        let fields: Vec<String> = header.split(',').map(|f| unquote(f).to_ascii_lowercase()).collect();
        fields == CSV_HEADER
    });
    if !header_ok {
        return Err(CalendarError::line(1, "baris judul harus \"date,kind,name,decree\""));
    }

    let mut holidays = Vec::new();
    for (line, text) in lines {
        if text.trim().is_empty() {
            continue;
        }
        holidays.push(parse_line(line, text)?);
    }
    Ok(holidays)
}

fn parse_line(line: usize, text: &str) -> Result<Holiday, CalendarError> {
    let mut fields = text.splitn(4, ',').map(unquote);
    let (Some(date), Some(kind), Some(name)) = (fields.next(), fields.next(), fields.next()) else {
        return Err(CalendarError::line(line, "kolom kurang (harus date,kind,name,decree)"));
    };
    let decree = fields.next().unwrap_or_default();

    let date =
        NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| CalendarError::line(line, "tanggal tidak valid"))?;
    let kind = HolidayKind::from_csv(kind)
        .ok_or_else(|| CalendarError::line(line, "jenis libur tidak dikenal (gunakan libur, cuti, atau regional)"))?;
    if name.is_empty() {
        return Err(CalendarError::line(line, "nama hari libur kosong"));
    }
    Ok(Holiday {
        date,
        kind,
        name: name.to_owned(),
        decree: decree.to_owned(),
    })
}

/// Trims a field and removes one pair of surrounding double quotes.
fn unquote(field: &str) -> &str {
    let field = field.trim();
    field
        .strip_prefix('"')
        .and_then(|f| f.strip_suffix('"'))
        .map_or(field, str::trim)
}

/// The bundled national holidays and cuti bersama for 2025–2026.
#[allow(
    clippy::expect_used,
    reason = "the bundled CSV is compiled in and checked by the test `builtin_holidays_parse`"
)]
pub fn builtin_holidays() -> Vec<Holiday> {
    // The bundled file is checked by the test `builtin_holidays_parse`.
    parse_holidays_csv(BUILTIN_HOLIDAYS_CSV).expect("bundled holiday CSV is valid")
}

/// The three Indonesian time zones an office can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OfficeTimeZone {
    /// Waktu Indonesia Barat, UTC+7.
    #[serde(rename = "WIB")]
    Wib,
    /// Waktu Indonesia Tengah, UTC+8.
    #[serde(rename = "WITA")]
    Wita,
    /// Waktu Indonesia Timur, UTC+9.
    #[serde(rename = "WIT")]
    Wit,
}

/// Builds a UTC offset of whole hours at compile time.
const fn hours_east(hours: i32) -> FixedOffset {
    match FixedOffset::east_opt(hours * 3600) {
        Some(offset) => offset,
        None => panic!("offset out of range"),
    }
}

const WIB: FixedOffset = hours_east(7);
const WITA: FixedOffset = hours_east(8);
const WIT: FixedOffset = hours_east(9);

impl OfficeTimeZone {
    /// The fixed UTC offset (Indonesia has no daylight saving time).
    pub fn offset(&self) -> FixedOffset {
        match self {
            OfficeTimeZone::Wib => WIB,
            OfficeTimeZone::Wita => WITA,
            OfficeTimeZone::Wit => WIT,
        }
    }

    /// `WIB`, `WITA` or `WIT`.
    pub fn label(&self) -> &'static str {
        match self {
            OfficeTimeZone::Wib => "WIB",
            OfficeTimeZone::Wita => "WITA",
            OfficeTimeZone::Wit => "WIT",
        }
    }
}

impl fmt::Display for OfficeTimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A time zone name other than WIB, WITA or WIT.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Zona waktu harus WIB, WITA, atau WIT.")]
pub struct ParseTimeZoneError;

impl FromStr for OfficeTimeZone {
    type Err = ParseTimeZoneError;

    /// Accepts `WIB`, `WITA`, `WIT`, ignoring case and surrounding spaces.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "WIB" => Ok(OfficeTimeZone::Wib),
            "WITA" => Ok(OfficeTimeZone::Wita),
            "WIT" => Ok(OfficeTimeZone::Wit),
            _ => Err(ParseTimeZoneError),
        }
    }
}

/// An office's working calendar: weekends plus its holidays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingCalendar {
    /// Holidays by date; a date may carry several (e.g. a national and a regional one).
    holidays: BTreeMap<NaiveDate, Vec<Holiday>>,
    /// Whether cuti bersama is a day off (the default in DOMAIN rule 5).
    count_cuti_bersama_as_off: bool,
}

impl WorkingCalendar {
    pub fn new(holidays: impl IntoIterator<Item = Holiday>, count_cuti_bersama_as_off: bool) -> Self {
        let mut by_date: BTreeMap<NaiveDate, Vec<Holiday>> = BTreeMap::new();
        for holiday in holidays {
            by_date.entry(holiday.date).or_default().push(holiday);
        }
        WorkingCalendar {
            holidays: by_date,
            count_cuti_bersama_as_off,
        }
    }

    /// Whether cuti bersama is counted as a day off.
    pub fn count_cuti_bersama_as_off(&self) -> bool {
        self.count_cuti_bersama_as_off
    }

    /// Monday to Friday and not a day off (cuti bersama only when the switch is on).
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        is_weekday(d) && !self.is_holiday_off(d)
    }

    /// The holidays on a date (empty if none), whatever the cuti bersama switch.
    pub fn holidays_on(&self, d: NaiveDate) -> &[Holiday] {
        self.holidays.get(&d).map_or(&[], Vec::as_slice)
    }

    /// The `n`-th working day after `start`; `start` itself is never counted, so `n = 0` gives
    /// `start`. Saturates at [`NaiveDate::MAX`] far beyond any real deadline.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        // Jump by weekday arithmetic, then make up for the days off that fell on weekdays in the
        // jumped range; stops because the holiday list is finite and the ranges are disjoint.
        let mut date = start;
        let mut remaining = n;
        while remaining > 0 {
            let Some(target) = add_weekdays(date, remaining) else {
                return NaiveDate::MAX;
            };
            let off = self.weekday_holidays_off_in(date, target);
            remaining = u32::try_from(off).unwrap_or(u32::MAX);
            date = target;
        }
        date
    }

    /// The number of working days `d` with `from < d <= to`; negative (the same count, from `to` to
    /// `from`) if `to < from`. The inverse of [`WorkingCalendar::add_working_days`].
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        let weekdays = weekdays_up_to(to) - weekdays_up_to(from);
        let off = i64::try_from(self.weekday_holidays_off_in(from, to)).unwrap_or(i64::MAX);
        weekdays - off
    }

    /// The office's calendar date at an instant.
    pub fn local_date(&self, at: DateTime<Utc>, tz: OfficeTimeZone) -> NaiveDate {
        at.with_timezone(&tz.offset()).date_naive()
    }

    /// All holidays of a year by date, whatever their kind or the cuti bersama switch.
    pub fn holidays_in_year(&self, year: i32) -> Vec<&Holiday> {
        let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return Vec::new();
        };
        self.holidays
            .range(first..=last)
            .flat_map(|(_, holidays)| holidays)
            .collect()
    }

    /// The last day the calendar knows the national days off for: 31 December of the latest year
    /// with at least one national holiday. Beyond it every weekday counts as a working day, so
    /// deadlines come out too early; `None` when no national holiday is loaded at all.
    pub fn covered_until(&self) -> Option<NaiveDate> {
        let year = self
            .holidays
            .iter()
            .rev()
            .find(|(_, hs)| hs.iter().any(|h| h.kind == HolidayKind::Libur))
            .map(|(d, _)| d.year())?;
        NaiveDate::from_ymd_opt(year, 12, 31)
    }

    /// Whether the admin must load the next decree: the calendar covers less than
    /// [`CALENDAR_NOTICE_DAYS`] days after `today`.
    pub fn needs_next_decree(&self, today: NaiveDate) -> bool {
        self.covered_until()
            .is_none_or(|until| until < today + chrono::Days::new(CALENDAR_NOTICE_DAYS))
    }

    /// Whether the holidays on `d` make it a day off (ignoring the weekday).
    fn is_holiday_off(&self, d: NaiveDate) -> bool {
        self.holidays
            .get(&d)
            .is_some_and(|holidays| holidays.iter().any(|h| self.is_off(h.kind)))
    }

    fn is_off(&self, kind: HolidayKind) -> bool {
        match kind {
            HolidayKind::Libur | HolidayKind::Regional => true,
            HolidayKind::Cuti => self.count_cuti_bersama_as_off,
        }
    }

    /// Days off falling on a weekday with `from < d <= to`.
    fn weekday_holidays_off_in(&self, from: NaiveDate, to: NaiveDate) -> usize {
        if to <= from {
            return 0;
        }
        self.holidays
            .range((std::ops::Bound::Excluded(from), std::ops::Bound::Included(to)))
            .filter(|(date, holidays)| is_weekday(**date) && holidays.iter().any(|h| self.is_off(h.kind)))
            .count()
    }
}

fn is_weekday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The number of weekdays from a fixed Monday up to and including `d` (may be negative); only
/// differences are meaningful.
fn weekdays_up_to(d: NaiveDate) -> i64 {
    // 0001-01-01 (day 1 of the common era) is a Monday, so day 0 is Sunday 0000-12-31.
    let k = i64::from(d.num_days_from_ce()) - 1; // 0 = Monday 0001-01-01
    let weeks = k.div_euclid(7);
    let day = k.rem_euclid(7); // 0 = Monday … 6 = Sunday
    weeks * 5 + (day + 1).min(5)
}

/// The `n`-th weekday (Mon–Fri) after `start`, ignoring holidays; `None` past [`NaiveDate::MAX`].
fn add_weekdays(start: NaiveDate, n: u32) -> Option<NaiveDate> {
    if n == 0 {
        return Some(start);
    }
    // From a weekend day, the next weekdays are those after the preceding Friday.
    let from_monday = i64::from(start.weekday().num_days_from_monday());
    let (base, w) = if from_monday >= 5 {
        (from_monday - 4, 4) // days back to Friday, Friday's index
    } else {
        (0, from_monday)
    };
    let n = i64::from(n);
    let full_weeks = (n - 1) / 5;
    let rest = (n - 1) % 5 + 1; // 1..=5
    let weekend = if w + rest > 4 { 2 } else { 0 };
    let days = full_weeks * 7 + rest + weekend - base;
    let days = u64::try_from(days).ok()?;
    start.checked_add_days(chrono::Days::new(days))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn builtin(cuti_off: bool) -> WorkingCalendar {
        WorkingCalendar::new(builtin_holidays(), cuti_off)
    }

    #[test]
    fn the_shipped_data_covers_2026_and_warns_from_60_days_before_its_end() {
        let cal = builtin(true);
        assert_eq!(cal.covered_until(), Some(date(2026, 12, 31)));
        assert!(!cal.needs_next_decree(date(2026, 11, 1)));
        assert!(
            cal.needs_next_decree(date(2026, 11, 2)),
            "31 Dec is 59 days after 2 Nov"
        );
        assert!(cal.needs_next_decree(date(2027, 1, 4)));
    }

    #[test]
    fn only_a_national_holiday_extends_the_coverage() {
        let mut days = builtin_holidays();
        let regional = |d, kind| Holiday {
            date: d,
            kind,
            name: "Hari Jadi Kota".into(),
            decree: String::new(),
        };
        days.push(regional(date(2027, 10, 23), HolidayKind::Regional));
        days.push(regional(date(2027, 12, 24), HolidayKind::Cuti));
        assert_eq!(
            WorkingCalendar::new(days.clone(), true).covered_until(),
            Some(date(2026, 12, 31))
        );
        days.push(regional(date(2027, 1, 1), HolidayKind::Libur));
        let cal = WorkingCalendar::new(days, true);
        assert_eq!(cal.covered_until(), Some(date(2027, 12, 31)));
        assert!(!cal.needs_next_decree(date(2027, 1, 4)));
        assert!(WorkingCalendar::new([], true).needs_next_decree(date(2026, 1, 1)));
        assert_eq!(WorkingCalendar::new([], true).covered_until(), None);
    }

    /// Day-by-day reference for the arithmetic shortcuts.
    fn naive_add(cal: &WorkingCalendar, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt().expect("test dates are far from MAX");
            if cal.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    #[test]
    fn builtin_holidays_parse() {
        let holidays = builtin_holidays();
        assert_eq!(holidays.len(), BUILTIN_HOLIDAYS_CSV.lines().count() - 1);
        assert!(holidays.iter().all(|h| (2025..=2026).contains(&h.date.year())));
        let nyepi = holidays
            .iter()
            .find(|h| h.date == date(2026, 3, 19))
            .expect("Nyepi 2026 is bundled");
        assert_eq!(nyepi.kind, HolidayKind::Libur);
        assert_eq!(nyepi.decree, "SKB 1497/2025; 2/2025; 5/2025");
    }

    #[test]
    fn domain_test_vector_received_tuesday_plus_three_is_next_friday() {
        let cal = builtin(true);
        assert_eq!(cal.add_working_days(date(2026, 3, 17), 3), date(2026, 3, 27));
        assert_eq!(cal.working_days_between(date(2026, 3, 17), date(2026, 3, 27)), 3);
    }

    #[test]
    fn cuti_bersama_switch_off_makes_cuti_days_working_days() {
        let cal = builtin(false);
        // 18 Mar (cuti), 20 Mar (cuti), 23 Mar (cuti) now count; 19 Mar (Nyepi) does not.
        assert!(cal.is_working_day(date(2026, 3, 18)));
        assert!(!cal.is_working_day(date(2026, 3, 19)));
        assert_eq!(cal.add_working_days(date(2026, 3, 17), 3), date(2026, 3, 23));
        assert_ne!(
            cal.add_working_days(date(2026, 3, 17), 3),
            builtin(true).add_working_days(date(2026, 3, 17), 3)
        );
    }

    #[test]
    fn weekends_are_skipped() {
        let cal = WorkingCalendar::new([], true);
        assert!(!cal.is_working_day(date(2026, 3, 7))); // Saturday
        assert!(!cal.is_working_day(date(2026, 3, 8))); // Sunday
        // Thursday + 2 = Monday; Friday + 1 = Monday; Saturday + 1 = Monday; Sunday + 5 = Friday.
        assert_eq!(cal.add_working_days(date(2026, 3, 5), 2), date(2026, 3, 9));
        assert_eq!(cal.add_working_days(date(2026, 3, 6), 1), date(2026, 3, 9));
        assert_eq!(cal.add_working_days(date(2026, 3, 7), 1), date(2026, 3, 9));
        assert_eq!(cal.add_working_days(date(2026, 3, 8), 5), date(2026, 3, 13));
        assert_eq!(cal.add_working_days(date(2026, 3, 9), 10), date(2026, 3, 23));
        assert_eq!(cal.working_days_between(date(2026, 3, 6), date(2026, 3, 8)), 0);
    }

    #[test]
    fn zero_working_days_is_the_start_even_on_a_holiday() {
        let cal = builtin(true);
        assert_eq!(cal.add_working_days(date(2026, 3, 19), 0), date(2026, 3, 19));
        assert_eq!(cal.add_working_days(date(2026, 3, 21), 0), date(2026, 3, 21));
    }

    #[test]
    fn working_days_between_is_negative_backwards() {
        let cal = builtin(true);
        assert_eq!(cal.working_days_between(date(2026, 3, 27), date(2026, 3, 17)), -3);
        assert_eq!(cal.working_days_between(date(2026, 3, 17), date(2026, 3, 17)), 0);
    }

    #[test]
    fn regional_holiday_is_skipped_whatever_the_cuti_switch() {
        let csv = "date,kind,name,decree\n2026-04-14,regional,Hari Jadi Kabupaten,Perbup 12/2025\n";
        let regional = parse_holidays_csv(csv).expect("valid CSV");
        assert_eq!(regional[0].kind, HolidayKind::Regional);
        for cuti_off in [true, false] {
            let cal = WorkingCalendar::new(builtin_holidays().into_iter().chain(regional.clone()), cuti_off);
            assert!(!cal.is_working_day(date(2026, 4, 14)));
            // Mon 13 Apr + 1 = Wed 15 Apr.
            assert_eq!(cal.add_working_days(date(2026, 4, 13), 1), date(2026, 4, 15));
        }
    }

    #[test]
    fn bad_csv_line_reports_its_line_number() {
        let csv = "date,kind,name,decree\n2026-01-01,libur,Tahun Baru,SKB\n2026-02-30,libur,Salah,SKB\n";
        let err = parse_holidays_csv(csv).expect_err("30 February is invalid");
        assert_eq!(
            err,
            CalendarError::Line {
                line: 3,
                message: "tanggal tidak valid".to_owned()
            }
        );
        assert_eq!(err.to_string(), "Baris 3: tanggal tidak valid");

        let unknown_kind = "date,kind,name,decree\n\n2026-01-01,bebas,X,SKB\n";
        assert!(matches!(
            parse_holidays_csv(unknown_kind),
            Err(CalendarError::Line { line: 3, .. })
        ));
        let missing_name = "date,kind,name,decree\n2026-01-01,libur\n";
        assert!(matches!(
            parse_holidays_csv(missing_name),
            Err(CalendarError::Line { line: 2, .. })
        ));
    }

    #[test]
    fn csv_requires_its_header() {
        let no_header = "2026-01-01,libur,Tahun Baru,SKB\n";
        assert!(matches!(
            parse_holidays_csv(no_header),
            Err(CalendarError::Line { line: 1, .. })
        ));
        assert!(matches!(
            parse_holidays_csv(""),
            Err(CalendarError::Line { line: 1, .. })
        ));
    }

    #[test]
    fn csv_tolerates_crlf_bom_quotes_and_an_empty_decree() {
        let csv = "\u{feff}date,kind,name,decree\r\n2026-01-01, libur ,\"Tahun Baru\",\"SKB 1; 2, 3\"\r\n2026-04-14,cuti,Cuti,\r\n2026-04-15,Regional,Hari Jadi\r\n";
        let holidays = parse_holidays_csv(csv).expect("valid CSV");
        assert_eq!(holidays.len(), 3);
        assert_eq!(holidays[0].name, "Tahun Baru");
        assert_eq!(holidays[0].decree, "SKB 1; 2, 3");
        assert_eq!(holidays[1].decree, "");
        assert_eq!(holidays[2].kind, HolidayKind::Regional);
    }

    #[test]
    fn holidays_in_year_are_sorted_and_include_every_kind() {
        let cal = builtin(false);
        let y2026 = cal.holidays_in_year(2026);
        assert_eq!(y2026.len(), 25);
        assert!(y2026.windows(2).all(|w| w[0].date <= w[1].date));
        assert!(y2026.iter().any(|h| h.kind == HolidayKind::Cuti));
        assert!(cal.holidays_in_year(2030).is_empty());
        assert_eq!(cal.holidays_on(date(2026, 3, 19)).len(), 1);
    }

    #[test]
    fn local_date_follows_the_office_time_zone() {
        let cal = builtin(true);
        // 16:30 UTC on 17 March is 23:30 WIB, 00:30 WITA and 01:30 WIT the next day.
        let at = Utc
            .with_ymd_and_hms(2026, 3, 17, 16, 30, 0)
            .single()
            .expect("valid instant");
        assert_eq!(cal.local_date(at, OfficeTimeZone::Wib), date(2026, 3, 17));
        assert_eq!(cal.local_date(at, OfficeTimeZone::Wita), date(2026, 3, 18));
        assert_eq!(cal.local_date(at, OfficeTimeZone::Wit), date(2026, 3, 18));
    }

    #[test]
    fn time_zone_labels_offsets_and_serde() {
        assert_eq!(OfficeTimeZone::Wib.offset().local_minus_utc(), 7 * 3600);
        assert_eq!(OfficeTimeZone::Wita.offset().local_minus_utc(), 8 * 3600);
        assert_eq!(OfficeTimeZone::Wit.offset().local_minus_utc(), 9 * 3600);
        for tz in [OfficeTimeZone::Wib, OfficeTimeZone::Wita, OfficeTimeZone::Wit] {
            assert_eq!(tz.label().parse::<OfficeTimeZone>(), Ok(tz));
            let json = serde_json::to_string(&tz).expect("serializes");
            assert_eq!(json, format!("\"{}\"", tz.label()));
            assert_eq!(serde_json::from_str::<OfficeTimeZone>(&json).ok(), Some(tz));
        }
        assert_eq!(" wita ".parse::<OfficeTimeZone>(), Ok(OfficeTimeZone::Wita));
        assert_eq!("UTC".parse::<OfficeTimeZone>(), Err(ParseTimeZoneError));
        assert_eq!(ParseTimeZoneError.to_string(), "Zona waktu harus WIB, WITA, atau WIT.");
    }

    #[test]
    fn holiday_kind_labels_and_serde() {
        assert_eq!(HolidayKind::Libur.label_id(), "Libur nasional");
        assert_eq!(HolidayKind::Cuti.label_id(), "Cuti bersama");
        assert_eq!(HolidayKind::Regional.label_id(), "Libur daerah");
        assert_eq!(
            serde_json::to_string(&HolidayKind::Regional).expect("serializes"),
            "\"regional\""
        );
    }

    #[test]
    fn huge_counts_saturate_instead_of_panicking() {
        let cal = builtin(true);
        assert_eq!(cal.add_working_days(NaiveDate::MAX, 1), NaiveDate::MAX);
        let far = cal.add_working_days(date(2026, 1, 1), u32::MAX);
        assert!(far > date(2026, 1, 1));
    }

    fn date_2025_2026() -> impl Strategy<Value = NaiveDate> {
        (0u64..730).prop_map(|offset| date(2025, 1, 1) + chrono::Days::new(offset))
    }

    proptest! {
        #[test]
        fn working_days_between_inverts_add_working_days(
            start in date_2025_2026(),
            n in 0u32..60,
            cuti_off in any::<bool>(),
        ) {
            let cal = builtin(cuti_off);
            let end = cal.add_working_days(start, n);
            prop_assert_eq!(cal.working_days_between(start, end), i64::from(n));
            prop_assert_eq!(cal.working_days_between(end, start), -i64::from(n));
            if n > 0 {
                prop_assert!(cal.is_working_day(end));
            }
        }

        #[test]
        fn add_working_days_matches_day_by_day_counting(
            start in date_2025_2026(),
            n in 0u32..60,
            cuti_off in any::<bool>(),
        ) {
            let cal = builtin(cuti_off);
            prop_assert_eq!(cal.add_working_days(start, n), naive_add(&cal, start, n));
        }

        #[test]
        fn working_days_between_counts_working_days(
            from in date_2025_2026(),
            to in date_2025_2026(),
        ) {
            let cal = builtin(true);
            let (lo, hi) = if from <= to { (from, to) } else { (to, from) };
            let counted = lo
                .iter_days()
                .skip(1)
                .take_while(|d| *d <= hi)
                .filter(|d| cal.is_working_day(*d))
                .count();
            let counted = i64::try_from(counted).expect("small");
            let expected = if from <= to { counted } else { -counted };
            prop_assert_eq!(cal.working_days_between(from, to), expected);
        }
    }
}
