//! Complaints (*pengaduan*, DOMAIN rule 16 and the procedure of seed 004): how a complaint moves
//! from received to closed, what its severity gives it as a deadline, and how that deadline is
//! counted on the office's working calendar.
//!
//! The lifecycle: received → classified (category, severity → deadline) → assigned → examined
//! (notes, evidence) → follow-up recorded → answered → the complainant confirms satisfaction
//! (closed) or reopens it (back to examined). Forwarding to SP4N-LAPOR! records its reference
//! number and leaves the status as it is. A complaint is overdue while it is open (not yet
//! answered) and its deadline has passed.
//!
//! Deadlines: *ringan* 3 working hours, *sedang* 3 working days, *berat* 5 working days (per
//! office settings, these are the defaults). The calendar knows working days only; working hours
//! are the office hours 08:00–16:00 local time on working days ([`OFFICE_OPENS`],
//! [`OFFICE_CLOSES`]). A deadline in working days ends when the office closes on the last of them.

use crate::calendar::WorkingCalendar;
use chrono::Duration;
use chrono::NaiveDate;
use chrono::NaiveDateTime;
use chrono::NaiveTime;
use std::fmt;

/// Where a complaint stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Received,
    Classified,
    Assigned,
    Examined,
    FollowedUp,
    Answered,
    Closed,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Received,
        Status::Classified,
        Status::Assigned,
        Status::Examined,
        Status::FollowedUp,
        Status::Answered,
        Status::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Classified => "classified",
            Status::Assigned => "assigned",
            Status::Examined => "examined",
            Status::FollowedUp => "followed_up",
            Status::Answered => "answered",
            Status::Closed => "closed",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Status::Received => "Diterima",
            Status::Classified => "Diklasifikasi",
            Status::Assigned => "Didisposisi",
            Status::Examined => "Diperiksa",
            Status::FollowedUp => "Ditindaklanjuti",
            Status::Answered => "Dijawab",
            Status::Closed => "Selesai",
        }
    }

    pub fn from_code(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.code() == s)
    }

    /// Still waiting for the office's answer: the deadline runs and the complaint can be late.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Answered | Status::Closed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How heavy a complaint is; decides its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Ringan,
    Sedang,
    Berat,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Ringan, Severity::Sedang, Severity::Berat];

    pub fn code(self) -> &'static str {
        match self {
            Severity::Ringan => "ringan",
            Severity::Sedang => "sedang",
            Severity::Berat => "berat",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Severity::Ringan => "Ringan",
            Severity::Sedang => "Sedang",
            Severity::Berat => "Berat",
        }
    }

    pub fn from_code(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// A deadline's length: working hours (office hours of working days) or working days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    WorkingHours(u32),
    WorkingDays(u32),
}

impl Limit {
    /// `3 jam kerja`, `5 hari kerja`.
    pub fn label_id(self) -> String {
        match self {
            Limit::WorkingHours(h) => format!("{h} jam kerja"),
            Limit::WorkingDays(d) => format!("{d} hari kerja"),
        }
    }
}

/// How long a received complaint may wait to be verified and classified (DOMAIN rule 16:
/// "diverifikasi ≤ 3 hari kerja"); classification then sets its severity's deadline.
pub const CLASSIFY_WITHIN: Limit = Limit::WorkingDays(3);

/// The office's three deadlines (an office setting; [`Deadlines::default`] is the rule's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Deadlines {
    pub ringan_hours: u32,
    pub sedang_days: u32,
    pub berat_days: u32,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            ringan_hours: 3,
            sedang_days: 3,
            berat_days: 5,
        }
    }
}

/// Most working hours a *ringan* deadline may have (a week of office days).
pub const MAX_RINGAN_HOURS: u32 = 40;
/// Most working days a deadline may have (DOMAIN rule 16: done within 60 days).
pub const MAX_DEADLINE_DAYS: u32 = 60;

impl Deadlines {
    pub fn limit(&self, severity: Severity) -> Limit {
        match severity {
            Severity::Ringan => Limit::WorkingHours(self.ringan_hours),
            Severity::Sedang => Limit::WorkingDays(self.sedang_days),
            Severity::Berat => Limit::WorkingDays(self.berat_days),
        }
    }

    /// Field key → Indonesian message for each deadline out of range.
    pub fn check(&self) -> Vec<(&'static str, String)> {
        let mut errors = Vec::new();
        if !(1..=MAX_RINGAN_HOURS).contains(&self.ringan_hours) {
            errors.push((
                "ringan_hours",
                format!("Batas waktu pengaduan ringan berupa 1 sampai {MAX_RINGAN_HOURS} jam kerja."),
            ));
        }
        for (key, days, name) in [
            ("sedang_days", self.sedang_days, "sedang"),
            ("berat_days", self.berat_days, "berat"),
        ] {
            if !(1..=MAX_DEADLINE_DAYS).contains(&days) {
                errors.push((
                    key,
                    format!("Batas waktu pengaduan {name} berupa 1 sampai {MAX_DEADLINE_DAYS} hari kerja."),
                ));
            }
        }
        errors
    }
}

/// How a complaint reached the office.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The online form (`/pengaduan`).
    Online,
    /// Turned into a complaint from the message thread of an application.
    Pesan,
    Telepon,
    /// Walk-in at the counter.
    Datang,
    Surat,
    KotakSaran,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 7] = [
        Channel::Online,
        Channel::Pesan,
        Channel::Telepon,
        Channel::Datang,
        Channel::Surat,
        Channel::KotakSaran,
        Channel::Email,
    ];

    /// The channels a complaints officer records on the complainant's behalf.
    pub const RECORDED_BY_OFFICER: [Channel; 5] = [
        Channel::Telepon,
        Channel::Datang,
        Channel::Surat,
        Channel::KotakSaran,
        Channel::Email,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Pesan => "pesan",
            Channel::Telepon => "telepon",
            Channel::Datang => "datang",
            Channel::Surat => "surat",
            Channel::KotakSaran => "kotak_saran",
            Channel::Email => "email",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Channel::Online => "Formulir daring",
            Channel::Pesan => "Pesan pada permohonan",
            Channel::Telepon => "Telepon",
            Channel::Datang => "Datang langsung",
            Channel::Surat => "Surat",
            Channel::KotakSaran => "Kotak saran",
            Channel::Email => "E-mail",
        }
    }

    pub fn from_code(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// What a complaint is about (the Standar Pelayanan components people complain of).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Persyaratan,
    Prosedur,
    Waktu,
    Biaya,
    Produk,
    Perilaku,
    Sarana,
    Aplikasi,
    Lainnya,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Persyaratan,
        Category::Prosedur,
        Category::Waktu,
        Category::Biaya,
        Category::Produk,
        Category::Perilaku,
        Category::Sarana,
        Category::Aplikasi,
        Category::Lainnya,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Category::Persyaratan => "persyaratan",
            Category::Prosedur => "prosedur",
            Category::Waktu => "waktu",
            Category::Biaya => "biaya",
            Category::Produk => "produk",
            Category::Perilaku => "perilaku",
            Category::Sarana => "sarana",
            Category::Aplikasi => "aplikasi",
            Category::Lainnya => "lainnya",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Category::Persyaratan => "Persyaratan",
            Category::Prosedur => "Sistem, mekanisme dan prosedur",
            Category::Waktu => "Jangka waktu penyelesaian",
            Category::Biaya => "Biaya/tarif",
            Category::Produk => "Produk pelayanan",
            Category::Perilaku => "Perilaku petugas",
            Category::Sarana => "Sarana dan prasarana",
            Category::Aplikasi => "Aplikasi / sistem daring",
            Category::Lainnya => "Lainnya",
        }
    }

    pub fn from_code(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// A step of the lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Classify,
    Assign,
    Examine,
    FollowUp,
    Answer,
    ForwardLapor,
    /// The complainant is satisfied with the answer.
    Confirm,
    /// The complainant is not satisfied: the office examines again.
    Reopen,
}

impl Action {
    /// What officers do, in the order of the lifecycle.
    pub const OFFICER: [Action; 6] = [
        Action::Classify,
        Action::Assign,
        Action::Examine,
        Action::FollowUp,
        Action::Answer,
        Action::ForwardLapor,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::Classify => "classify",
            Action::Assign => "assign",
            Action::Examine => "examine",
            Action::FollowUp => "follow_up",
            Action::Answer => "answer",
            Action::ForwardLapor => "forward_lapor",
            Action::Confirm => "confirm",
            Action::Reopen => "reopen",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Action::Classify => "Klasifikasi",
            Action::Assign => "Disposisi ke petugas",
            Action::Examine => "Penelitian dan pemeriksaan",
            Action::FollowUp => "Tindak lanjut",
            Action::Answer => "Jawaban kepada pengadu",
            Action::ForwardLapor => "Diteruskan ke SP4N-LAPOR!",
            Action::Confirm => "Pengadu menyatakan puas",
            Action::Reopen => "Pengadu belum puas, dibuka kembali",
        }
    }

    pub fn from_code(s: &str) -> Option<Action> {
        Action::OFFICER
            .into_iter()
            .chain([Action::Confirm, Action::Reopen])
            .find(|x| x.code() == s)
    }
}

/// An action the complaint's status does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Langkah \"{action}\" tidak dapat dilakukan pada pengaduan berstatus {status}.", action = .action.label_id(), status = .status.label_id())]
pub struct NotAllowed {
    pub status: Status,
    pub action: Action,
}

/// The status after `action`, or why the action is not allowed now. Classification may be
/// corrected until the complaint is assigned; assignment may change until it is answered; notes of
/// examination and follow-up may be added repeatedly; an answer needs an assigned officer.
pub fn next_status(status: Status, action: Action) -> Result<Status, NotAllowed> {
    use Status::*;
    let next = match (action, status) {
        (Action::Classify, Received | Classified) => Classified,
        (Action::Assign, Classified | Assigned) => Assigned,
        (Action::Assign, s @ (Examined | FollowedUp)) => s,
        (Action::Examine, Assigned | Examined | FollowedUp) => Examined,
        (Action::FollowUp, Examined | FollowedUp) => FollowedUp,
        (Action::Answer, Assigned | Examined | FollowedUp) => Answered,
        (Action::ForwardLapor, s) if s != Closed => s,
        (Action::Confirm, Answered) => Closed,
        (Action::Reopen, Answered) => Examined,
        _ => return Err(NotAllowed { status, action }),
    };
    Ok(next)
}

/// The officers' actions the status allows, in lifecycle order.
pub fn officer_actions(status: Status) -> Vec<Action> {
    Action::OFFICER
        .into_iter()
        .filter(|a| next_status(status, *a).is_ok())
        .collect()
}

/// When the office opens and closes on a working day (local time).
pub const OFFICE_OPENS: NaiveTime = hm(8, 0);
pub const OFFICE_CLOSES: NaiveTime = hm(16, 0);

const fn hm(h: u32, m: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(h, m, 0) {
        Some(t) => t,
        None => panic!("time out of range"),
    }
}

/// Working days searched for the next opening before giving up (far more than any run of
/// holidays and weekends).
const MAX_DAYS_SEARCHED: u32 = 400;

/// The first moment at or after `t` inside office hours of a working day.
pub fn next_office_moment(cal: &WorkingCalendar, t: NaiveDateTime) -> NaiveDateTime {
    let mut date = t.date();
    let mut time = t.time();
    for _ in 0..MAX_DAYS_SEARCHED {
        if cal.is_working_day(date) {
            if time < OFFICE_OPENS {
                return date.and_time(OFFICE_OPENS);
            }
            if time < OFFICE_CLOSES {
                return date.and_time(time);
            }
        }
        let Some(next) = date.succ_opt() else { break };
        date = next;
        time = NaiveTime::MIN;
    }
    t
}

/// `hours` of office time after `start` (local): counted only between opening and closing on
/// working days. A start outside office hours counts from the next opening.
pub fn add_working_hours(cal: &WorkingCalendar, start: NaiveDateTime, hours: u32) -> NaiveDateTime {
    let mut left = i64::from(hours) * 60;
    let mut t = next_office_moment(cal, start);
    for _ in 0..MAX_DAYS_SEARCHED {
        let today = (OFFICE_CLOSES - t.time()).num_minutes();
        if left <= today {
            return t + Duration::minutes(left);
        }
        left -= today;
        let Some(tomorrow) = t.date().succ_opt() else { break };
        t = next_office_moment(cal, tomorrow.and_time(NaiveTime::MIN));
    }
    t
}

/// The deadline of a complaint classified at `start` (local time): `n` working hours later, or
/// at closing time of the `n`-th working day after the day of `start`.
pub fn due_at(cal: &WorkingCalendar, start: NaiveDateTime, limit: Limit) -> NaiveDateTime {
    match limit {
        Limit::WorkingHours(h) => add_working_hours(cal, start, h),
        Limit::WorkingDays(n) => cal.add_working_days(start.date(), n).and_time(OFFICE_CLOSES),
    }
}

/// Late: still open and its deadline has passed (a deadline is met at its very moment).
pub fn is_overdue(status: Status, due: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    status.is_open() && due.is_some_and(|d| now > d)
}

/// An answer given by the deadline (or without one, before classification) is in time.
pub fn answered_in_time(answered: NaiveDateTime, due: Option<NaiveDateTime>) -> bool {
    due.is_none_or(|d| answered <= d)
}

/// Free text that cannot be stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("Wajib diisi.")]
    Empty,
    #[error("Terlalu panjang: paling banyak {max} karakter.")]
    TooLong { max: usize },
}

/// Trims text, keeps line breaks (as `\n`) and tabs, drops other control characters, and refuses
/// empty text or text longer than `max` characters (never cuts what the person wrote).
pub fn clean_text(s: &str, max: usize) -> Result<String, TextError> {
    let text: String = s
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    let text = text.trim();
    if text.is_empty() {
        return Err(TextError::Empty);
    }
    if text.chars().count() > max {
        return Err(TextError::TooLong { max });
    }
    Ok(text.to_string())
}

/// A complaint's number: `{office code}-ADU-{year}-{sequence:05}`, e.g. `JBR-ADU-2026-00012`.
pub fn complaint_number(office_code: &str, year: i32, seq: i64) -> String {
    format!("{office_code}-ADU-{year}-{seq:05}")
}

/// A typed complaint number, upper-cased and trimmed, if it has the shape of one.
pub fn parse_number(s: &str) -> Option<String> {
    let s = s.trim().to_ascii_uppercase();
    let mut parts = s.split('-');
    let (Some(office), Some(adu), Some(year), Some(seq), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let ok = (2..=8).contains(&office.len())
        && office.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && adu == "ADU"
        && year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && (5..=9).contains(&seq.len())
        && seq.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(s)
}

/// Whether what someone typed as their contact is the complaint's: the same e-mail (ignoring
/// case) or the same mobile number in any accepted spelling (`08…`, `628…`, `+628…`).
pub fn contact_matches(email: &str, phone: &str, typed: &str) -> bool {
    let typed = typed.trim();
    if typed.is_empty() {
        return false;
    }
    if typed.contains('@') {
        return !email.is_empty() && email.eq_ignore_ascii_case(typed);
    }
    match crate::phone::PhoneE164::parse(typed) {
        Ok(p) => !phone.is_empty() && p.as_str() == phone,
        Err(_) => false,
    }
}

/// The median of some durations (minutes); the mean of the two middle ones for an even count.
pub fn median(values: &[i64]) -> Option<i64> {
    let mut v = values.to_vec();
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => v.get(n / 2).copied(),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2),
    }
}

/// Minutes as people say them: `2 hari 3 jam`, `45 menit` (calendar time).
pub fn duration_label(minutes: i64) -> String {
    let (days, hours, mins) = (minutes / (24 * 60), minutes / 60 % 24, minutes % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days} hari"));
    }
    if hours > 0 {
        parts.push(format!("{hours} jam"));
    }
    if mins > 0 && days == 0 {
        parts.push(format!("{mins} menit"));
    }
    if parts.is_empty() {
        "kurang dari 1 menit".into()
    } else {
        parts.join(" ")
    }
}

/// The first and last day of a report's period: a month (`1..=12`) or the whole year.
pub fn period(year: i32, month: Option<u32>) -> Option<(NaiveDate, NaiveDate)> {
    match month {
        None => Some((
            NaiveDate::from_ymd_opt(year, 1, 1)?,
            NaiveDate::from_ymd_opt(year, 12, 31)?,
        )),
        Some(m) => {
            let first = NaiveDate::from_ymd_opt(year, m, 1)?;
            let next = if m == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(year, m + 1, 1)?
            };
            Some((first, next.pred_opt()?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::builtin_holidays;

    fn cal() -> WorkingCalendar {
        WorkingCalendar::new(builtin_holidays(), true)
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    #[test]
    fn the_lifecycle_runs_from_received_to_closed() {
        let mut s = Status::Received;
        for a in [
            Action::Classify,
            Action::Assign,
            Action::Examine,
            Action::FollowUp,
            Action::Answer,
            Action::Confirm,
        ] {
            s = next_status(s, a).unwrap();
        }
        assert_eq!(s, Status::Closed);
    }

    #[test]
    fn an_assigned_complaint_may_be_answered_without_further_notes() {
        assert_eq!(next_status(Status::Assigned, Action::Answer), Ok(Status::Answered));
    }

    #[test]
    fn reopening_sends_an_answered_complaint_back_to_examination() {
        assert_eq!(next_status(Status::Answered, Action::Reopen), Ok(Status::Examined));
        assert!(next_status(Status::Examined, Action::Reopen).is_err());
        assert!(next_status(Status::Closed, Action::Reopen).is_err());
    }

    #[test]
    fn steps_out_of_order_are_refused_with_the_status_named() {
        let e = next_status(Status::Received, Action::Answer).unwrap_err();
        assert_eq!(e.status, Status::Received);
        assert!(e.to_string().contains("Diterima"), "{e}");
        assert!(next_status(Status::Received, Action::Assign).is_err());
        assert!(next_status(Status::Classified, Action::Examine).is_err());
        assert!(next_status(Status::Assigned, Action::FollowUp).is_err());
        assert!(next_status(Status::Closed, Action::Examine).is_err());
        assert!(next_status(Status::Answered, Action::Classify).is_err());
        assert!(next_status(Status::Received, Action::Confirm).is_err());
    }

    #[test]
    fn forwarding_to_lapor_keeps_the_status_of_an_unclosed_complaint() {
        for s in Status::ALL {
            let r = next_status(s, Action::ForwardLapor);
            if s == Status::Closed {
                assert!(r.is_err());
            } else {
                assert_eq!(r, Ok(s));
            }
        }
    }

    #[test]
    fn officer_actions_follow_the_status() {
        assert_eq!(
            officer_actions(Status::Received),
            vec![Action::Classify, Action::ForwardLapor]
        );
        assert_eq!(
            officer_actions(Status::Assigned),
            vec![Action::Assign, Action::Examine, Action::Answer, Action::ForwardLapor]
        );
        assert!(officer_actions(Status::Closed).is_empty());
    }

    #[test]
    fn codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        for s in Severity::ALL {
            assert_eq!(Severity::from_code(s.code()), Some(s));
        }
        for c in Channel::ALL {
            assert_eq!(Channel::from_code(c.code()), Some(c));
        }
        for c in Category::ALL {
            assert_eq!(Category::from_code(c.code()), Some(c));
        }
        for a in Action::OFFICER.into_iter().chain([Action::Confirm, Action::Reopen]) {
            assert_eq!(Action::from_code(a.code()), Some(a));
        }
        assert_eq!(Status::from_code("x"), None);
    }

    #[test]
    fn the_default_deadlines_are_three_hours_three_days_five_days() {
        let d = Deadlines::default();
        assert_eq!(d.limit(Severity::Ringan), Limit::WorkingHours(3));
        assert_eq!(d.limit(Severity::Sedang), Limit::WorkingDays(3));
        assert_eq!(d.limit(Severity::Berat), Limit::WorkingDays(5));
        assert_eq!(d.limit(Severity::Ringan).label_id(), "3 jam kerja");
        assert!(d.check().is_empty());
        let bad = Deadlines {
            ringan_hours: 0,
            sedang_days: 61,
            berat_days: 5,
        };
        let keys: Vec<_> = bad.check().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, vec!["ringan_hours", "sedang_days"]);
    }

    #[test]
    fn working_hours_run_within_office_hours_of_the_same_day() {
        // Tue 2 June 2026 (Mon 1 June is Hari Lahir Pancasila).
        assert_eq!(
            add_working_hours(&cal(), at(2026, 6, 2, 10, 0), 3),
            at(2026, 6, 2, 13, 0)
        );
        assert_eq!(
            add_working_hours(&cal(), at(2026, 6, 2, 13, 0), 3),
            at(2026, 6, 2, 16, 0)
        );
    }

    #[test]
    fn working_hours_carry_over_to_the_next_working_morning() {
        assert_eq!(
            add_working_hours(&cal(), at(2026, 6, 2, 14, 30), 3),
            at(2026, 6, 3, 9, 30)
        );
        // Friday afternoon → Monday morning.
        assert_eq!(
            add_working_hours(&cal(), at(2026, 6, 5, 15, 0), 3),
            at(2026, 6, 8, 10, 0)
        );
    }

    #[test]
    fn working_hours_start_at_the_next_opening_outside_office_hours() {
        assert_eq!(
            add_working_hours(&cal(), at(2026, 6, 2, 6, 45), 3),
            at(2026, 6, 2, 11, 0)
        );
        assert_eq!(
            add_working_hours(&cal(), at(2026, 6, 2, 16, 0), 3),
            at(2026, 6, 3, 11, 0)
        );
        assert_eq!(
            add_working_hours(&cal(), at(2026, 6, 2, 21, 0), 3),
            at(2026, 6, 3, 11, 0)
        );
        // Saturday, Sunday and the holiday Monday 1 June: Tuesday.
        assert_eq!(
            add_working_hours(&cal(), at(2026, 5, 30, 9, 0), 3),
            at(2026, 6, 2, 11, 0)
        );
    }

    #[test]
    fn working_hours_skip_holidays_and_cuti_bersama() {
        // Tue 17 March 2026, 15:00: 18 March is cuti bersama, then Nyepi, Idulfitri and its cuti
        // bersama up to 24 March: the third hour falls on Wed 25 March.
        assert_eq!(
            add_working_hours(&cal(), at(2026, 3, 17, 15, 0), 3),
            at(2026, 3, 25, 10, 0)
        );
        let without_cuti = WorkingCalendar::new(builtin_holidays(), false);
        assert_eq!(
            add_working_hours(&without_cuti, at(2026, 3, 17, 15, 0), 3),
            at(2026, 3, 18, 10, 0)
        );
    }

    #[test]
    fn a_deadline_in_days_ends_at_closing_time_of_the_last_working_day() {
        // DOMAIN rule 5's vector: Tue 17 March + 3 working days = Fri 27 March.
        assert_eq!(
            due_at(&cal(), at(2026, 3, 17, 9, 0), Limit::WorkingDays(3)),
            at(2026, 3, 27, 16, 0)
        );
        assert_eq!(
            due_at(&cal(), at(2026, 6, 2, 20, 0), Limit::WorkingDays(5)),
            at(2026, 6, 9, 16, 0)
        );
        assert_eq!(
            due_at(&cal(), at(2026, 6, 2, 10, 0), Limit::WorkingHours(3)),
            at(2026, 6, 2, 13, 0)
        );
    }

    #[test]
    fn overdue_means_open_and_past_the_deadline() {
        let due = Some(at(2026, 6, 2, 13, 0));
        assert!(!is_overdue(Status::Assigned, due, at(2026, 6, 2, 13, 0)));
        assert!(is_overdue(Status::Assigned, due, at(2026, 6, 2, 13, 1)));
        assert!(!is_overdue(Status::Answered, due, at(2026, 6, 3, 0, 0)));
        assert!(!is_overdue(Status::Closed, due, at(2026, 6, 3, 0, 0)));
        assert!(!is_overdue(Status::Received, None, at(2030, 1, 1, 0, 0)));
        assert!(answered_in_time(at(2026, 6, 2, 13, 0), due));
        assert!(!answered_in_time(at(2026, 6, 2, 13, 1), due));
        assert!(answered_in_time(at(2026, 6, 2, 13, 1), None));
    }

    #[test]
    fn text_is_trimmed_keeps_its_lines_and_is_refused_empty_or_too_long() {
        assert_eq!(clean_text("  a\r\nb\u{7}  ", 10), Ok("a\nb".into()));
        assert_eq!(clean_text(" \n ", 10), Err(TextError::Empty));
        assert_eq!(clean_text("abcdef", 5), Err(TextError::TooLong { max: 5 }));
        assert_eq!(clean_text("ééééé", 5), Ok("ééééé".into()), "counted in characters");
        assert_eq!(
            clean_text("<b>x</b>", 20),
            Ok("<b>x</b>".into()),
            "escaped when shown, kept as written"
        );
    }

    #[test]
    fn numbers_are_per_office_and_year_and_parse_back() {
        let n = complaint_number("JBR", 2026, 12);
        assert_eq!(n, "JBR-ADU-2026-00012");
        assert_eq!(parse_number(" jbr-adu-2026-00012 "), Some(n));
        for bad in [
            "",
            "JBR-2026-000123",
            "JBR-ADU-26-00012",
            "JBR-ADU-2026-12",
            "J-ADU-2026-00012",
            "JBR-ADU-2026-00012-1",
        ] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_contact_matches_by_email_or_phone_in_any_spelling() {
        assert!(contact_matches("Siti@Contoh.id", "", "siti@contoh.id"));
        assert!(!contact_matches("siti@contoh.id", "", "budi@contoh.id"));
        assert!(contact_matches("", "+6281234567890", "0812-3456-7890"));
        assert!(contact_matches("", "+6281234567890", "6281234567890"));
        assert!(!contact_matches("", "+6281234567890", "081234567891"));
        assert!(
            !contact_matches("", "", "081234567890"),
            "no phone on record matches nothing"
        );
        assert!(!contact_matches("", "", "@"));
        assert!(!contact_matches("a@b.id", "+6281234567890", ""));
    }

    #[test]
    fn the_median_of_durations() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[30, 10, 20]), Some(20));
        assert_eq!(median(&[10, 40, 20, 30]), Some(25));
        assert_eq!(duration_label(60 * 24 * 2 + 180), "2 hari 3 jam");
        assert_eq!(duration_label(45), "45 menit");
        assert_eq!(duration_label(0), "kurang dari 1 menit");
    }

    #[test]
    fn a_period_is_a_month_or_a_year() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(period(2026, Some(12)), Some((d(2026, 12, 1), d(2026, 12, 31))));
        assert_eq!(period(2026, Some(2)), Some((d(2026, 2, 1), d(2026, 2, 28))));
        assert_eq!(period(2026, None), Some((d(2026, 1, 1), d(2026, 12, 31))));
        assert_eq!(period(2026, Some(13)), None);
    }
}
