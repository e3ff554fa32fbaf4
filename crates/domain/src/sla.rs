//! How the service-level clock of an application is counted (DOMAIN rule 5): in working days of
//! the office's calendar, from the day the file is received, paused while the file is with the
//! applicant for revision, and split over the workflow's steps by their shares.
//!
//! Every deadline izinkes shows or acts on comes from these functions: the total deadline at
//! submission ([`due_on`], with the first step's: [`start`]), each step's deadline when the file
//! enters it ([`step_due_on`], [`step_due_after_action`]), the days left on a desk
//! ([`remaining_days`]) and its warning state ([`is_warning`]; together as Tugas Saya shows them:
//! [`desk_clock`]), the pause and resume around a revision ([`resume`]), whether a step or file
//! is overdue ([`is_overdue`]; the desk clock's SQL filters `step_due_on < today` and
//! `due_on < today` say the same), and how long a step took ([`days_spent`]). Dates are the
//! office's calendar dates; no time of day is involved.

use crate::calendar::WorkingCalendar;
use chrono::NaiveDate;

/// The deadline of the whole service: `total_days` working days after the day the file was
/// received, plus the working days it spent with the applicant (`paused_days`).
pub fn due_on(cal: &WorkingCalendar, received_on: NaiveDate, total_days: u32, paused_days: i64) -> NaiveDate {
    let paused = u32::try_from(paused_days.max(0)).unwrap_or(u32::MAX);
    cal.add_working_days(received_on, total_days.saturating_add(paused))
}

/// The deadline of a step entered on `entered_on` with `step_days` working days (its share of
/// the total, `WorkflowDefinition::step_days`).
pub fn step_due_on(cal: &WorkingCalendar, entered_on: NaiveDate, step_days: u32) -> NaiveDate {
    cal.add_working_days(entered_on, step_days)
}

/// The working days of step `index` out of a split (`0` for a step past the end).
pub fn days_of_step(split: &[u32], index: usize) -> u32 {
    split.get(index).copied().unwrap_or(0)
}

/// Working days left until `due` (negative: overdue by that many).
pub fn remaining_days(cal: &WorkingCalendar, today: NaiveDate, due: NaiveDate) -> i64 {
    cal.working_days_between(today, due)
}

/// A deadline is missed the day after it: a file due today is on time all day.
pub fn is_overdue(today: NaiveDate, due: NaiveDate) -> bool {
    due < today
}

/// A step shows its warning once `threshold_pct` percent of its working days are used and it is
/// not yet overdue. A step of zero days counts as one day long.
pub fn is_warning(
    cal: &WorkingCalendar,
    entered_on: Option<NaiveDate>,
    due: NaiveDate,
    today: NaiveDate,
    threshold_pct: i64,
) -> bool {
    let left = remaining_days(cal, today, due);
    let length = entered_on.map_or(0, |e| cal.working_days_between(e, due)).max(1);
    let used_pct = (length - left) * 100 / length;
    left >= 0 && used_pct >= threshold_pct
}

/// A file on a desk as Tugas Saya shows it today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeskClock {
    /// Working days left at the step (negative: overdue by that many).
    pub remaining_days: i64,
    /// A working day has passed since the deadline. Unlike [`is_overdue`] (a calendar date past
    /// the deadline), a step due on a Saturday is not late on Sunday: the desk counts working
    /// days, and no working day has gone by.
    pub overdue: bool,
    /// See [`is_warning`].
    pub warning: bool,
}

/// The desk's clock of a step entered on `entered_on` and due on `due`.
pub fn desk_clock(
    cal: &WorkingCalendar,
    entered_on: Option<NaiveDate>,
    due: NaiveDate,
    today: NaiveDate,
    threshold_pct: i64,
) -> DeskClock {
    let remaining_days = remaining_days(cal, today, due);
    DeskClock {
        remaining_days,
        overdue: remaining_days < 0,
        warning: is_warning(cal, entered_on, due, today, threshold_pct),
    }
}

/// The clock started when a file is received on `received_on`: the total deadline and the
/// deadline of the first step (`first_step_days`, its share of the total).
pub fn start(
    cal: &WorkingCalendar,
    received_on: NaiveDate,
    total_days: u32,
    first_step_days: u32,
) -> (NaiveDate, NaiveDate) {
    (
        due_on(cal, received_on, total_days, 0),
        step_due_on(cal, received_on, first_step_days),
    )
}

/// The deadline of the step a file is at after an action: counted afresh from today when the
/// file moved to another step, the step's own deadline otherwise (today when it had none).
pub fn step_due_after_action(
    cal: &WorkingCalendar,
    today: NaiveDate,
    moved: bool,
    step_days: u32,
    current_due: Option<NaiveDate>,
) -> NaiveDate {
    if moved {
        step_due_on(cal, today, step_days)
    } else {
        current_due.unwrap_or(today)
    }
}

/// Working days between two dates, never negative: how long a file stayed at a step.
pub fn days_spent(cal: &WorkingCalendar, from: NaiveDate, to: NaiveDate) -> i64 {
    cal.working_days_between(from, to).max(0)
}

/// The clock after the applicant resubmits a revision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resumed {
    /// All working days the file has spent with the applicant so far.
    pub paused_days: i64,
    /// The total deadline, moved by the pause.
    pub due_on: NaiveDate,
    /// The deadline of the step the file returns to, counted afresh from today.
    pub step_due_on: NaiveDate,
}

/// The file comes back from the applicant today: the pause that began on `paused_since` ends,
/// the total deadline moves by every working day paused so far, and the step it returns to gets
/// its full share again.
pub fn resume(
    cal: &WorkingCalendar,
    received_on: NaiveDate,
    total_days: u32,
    paused_before: i64,
    paused_since: NaiveDate,
    today: NaiveDate,
    step_days: u32,
) -> Resumed {
    let paused_days = paused_before + days_spent(cal, paused_since, today);
    Resumed {
        paused_days,
        due_on: due_on(cal, received_on, total_days, paused_days),
        step_due_on: step_due_on(cal, today, step_days),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::builtin_holidays;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cal() -> WorkingCalendar {
        WorkingCalendar::new(builtin_holidays(), true)
    }

    #[test]
    fn the_domain_test_vector_received_tuesday_plus_three_is_the_next_friday() {
        // DOMAIN rule 5: Nyepi and cuti bersama fall in that week.
        assert_eq!(due_on(&cal(), d(2026, 3, 17), 3, 0), d(2026, 3, 27));
    }

    #[test]
    fn a_pause_moves_the_total_deadline_by_the_working_days_paused() {
        let c = cal();
        let plain = due_on(&c, d(2026, 6, 1), 12, 0);
        let paused = due_on(&c, d(2026, 6, 1), 12, 3);
        assert_eq!(c.working_days_between(plain, paused), 3);
        assert_eq!(due_on(&c, d(2026, 6, 1), 12, -5), plain, "a negative pause is none");
    }

    #[test]
    fn resuming_adds_this_pause_to_the_earlier_ones_and_restarts_the_step() {
        let c = cal();
        // Received Mon 1 June, returned Wed 3 June, resubmitted Wed 10 June: 5 working days paused.
        let r = resume(&c, d(2026, 6, 1), 7, 2, d(2026, 6, 3), d(2026, 6, 10), 2);
        assert_eq!(r.paused_days, 7);
        assert_eq!(r.due_on, due_on(&c, d(2026, 6, 1), 7, 7));
        assert_eq!(r.step_due_on, d(2026, 6, 12));
    }

    #[test]
    fn remaining_days_are_negative_once_overdue_and_today_is_not_overdue() {
        let c = cal();
        assert_eq!(remaining_days(&c, d(2026, 6, 1), d(2026, 6, 5)), 4);
        assert_eq!(remaining_days(&c, d(2026, 6, 8), d(2026, 6, 5)), -1);
        assert!(!is_overdue(d(2026, 6, 5), d(2026, 6, 5)));
        assert!(is_overdue(d(2026, 6, 6), d(2026, 6, 5)));
    }

    #[test]
    fn the_warning_starts_at_the_threshold_and_ends_when_overdue() {
        let c = cal();
        let entered = Some(d(2026, 6, 1));
        let due = d(2026, 6, 5); // four working days
        assert!(!is_warning(&c, entered, due, d(2026, 6, 2), 75));
        assert!(is_warning(&c, entered, due, d(2026, 6, 4), 75));
        assert!(
            !is_warning(&c, entered, due, d(2026, 6, 8), 75),
            "overdue is not a warning"
        );
        assert!(
            is_warning(&c, None, due, d(2026, 6, 5), 75),
            "unknown entry: one-day step"
        );
    }

    #[test]
    fn a_step_past_the_split_has_no_days() {
        assert_eq!(days_of_step(&[2, 3], 1), 3);
        assert_eq!(days_of_step(&[2, 3], 2), 0);
        assert_eq!(days_spent(&cal(), d(2026, 6, 5), d(2026, 6, 1)), 0);
    }

    #[test]
    fn the_desk_clock_counts_working_days_and_a_weekend_deadline_is_late_on_monday() {
        let c = cal();
        let entered = Some(d(2026, 6, 1));
        let k = desk_clock(&c, entered, d(2026, 6, 5), d(2026, 6, 4), 75);
        assert_eq!(
            k,
            DeskClock {
                remaining_days: 1,
                overdue: false,
                warning: true
            }
        );
        // Due Saturday 6 June: Sunday is not late for the desk (though the date is past), Monday is.
        let sunday = desk_clock(&c, entered, d(2026, 6, 6), d(2026, 6, 7), 75);
        assert!(!sunday.overdue && is_overdue(d(2026, 6, 7), d(2026, 6, 6)));
        let monday = desk_clock(&c, entered, d(2026, 6, 6), d(2026, 6, 8), 75);
        assert_eq!(
            (monday.remaining_days, monday.overdue, monday.warning),
            (-1, true, false)
        );
    }

    #[test]
    fn the_clock_starts_with_the_total_and_the_first_step() {
        let c = cal();
        assert_eq!(
            start(&c, d(2026, 3, 17), 3, 1),
            (d(2026, 3, 27), step_due_on(&c, d(2026, 3, 17), 1))
        );
    }

    #[test]
    fn a_step_deadline_is_counted_afresh_only_when_the_file_moved() {
        let c = cal();
        let today = d(2026, 6, 1);
        assert_eq!(
            step_due_after_action(&c, today, true, 2, Some(d(2026, 6, 30))),
            d(2026, 6, 3)
        );
        assert_eq!(
            step_due_after_action(&c, today, false, 2, Some(d(2026, 6, 30))),
            d(2026, 6, 30)
        );
        assert_eq!(step_due_after_action(&c, today, false, 2, None), today);
    }
}
