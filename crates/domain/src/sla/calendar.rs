//! Working calendars and business-time arithmetic (SLA-1): a time zone, working hours per
//! weekday (several intervals a day), holidays. A clock with a limit in working time is due when
//! that much working time has passed; [`Calendar::add`] finds the instant, [`Calendar::between`]
//! measures working time between two instants. Days are walked in the calendar's local time, so
//! weekends, holidays, year ends and daylight-saving changes fall where the warehouse has them.
//!
//! An interval is turned into instants with jiff's compatible rule: a boundary in a DST gap moves
//! forward by the gap, one in a fold takes the earlier instant. Intervals whose boundaries lie
//! outside the change (09:00–18:00, or 00:00–06:00 across it) get exactly the hours the clock on
//! the wall shows: 5 h on the spring-forward night, 7 h on the fall-back night.

use std::collections::BTreeSet;

use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;

/// Minutes in a day: the end of an interval that runs to midnight.
pub const DAY_MINUTES: u16 = 24 * 60;

/// Most days [`Calendar::add`] looks ahead before deciding the calendar never works.
const HORIZON_DAYS: u32 = 3 * 366;

/// Working intervals of one weekday: `(start, end)` in minutes after midnight, `start < end <= 1440`.
pub type DayHours = Vec<(u16, u16)>;

/// A warehouse's (or an operator's) working time.
#[derive(Clone, Debug)]
pub struct Calendar {
    pub timezone: TimeZone,
    /// Monday first.
    pub week: [DayHours; 7],
    /// Days closed all day (public holidays, one-off closures).
    pub holidays: BTreeSet<Date>,
}

/// Why a calendar cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{day}: interval {start}–{end} must start before it ends and end by 24:00 (1440)")]
    BadInterval { day: &'static str, start: u16, end: u16 },
    #[error("{day}: intervals overlap or are out of order")]
    Overlap { day: &'static str },
    #[error("the calendar has no working time in the next three years")]
    NeverWorks,
}

const DAY_NAMES: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

fn index(day: Weekday) -> usize {
    day.to_monday_zero_offset() as usize
}

impl Calendar {
    /// Monday to Friday, `start` to `end` (minutes), in `timezone`, no holidays.
    pub fn weekdays(timezone: TimeZone, start: u16, end: u16) -> Self {
        let day = vec![(start, end)];
        let week = [day.clone(), day.clone(), day.clone(), day.clone(), day, Vec::new(), Vec::new()];
        Self { timezone, week, holidays: BTreeSet::new() }
    }

    /// Checks every interval: well formed, ordered, not overlapping.
    pub fn validate(&self) -> Result<(), CalendarError> {
        for (n, hours) in self.week.iter().enumerate() {
            let day = DAY_NAMES[n];
            for &(start, end) in hours {
                if start >= end || end > DAY_MINUTES {
                    return Err(CalendarError::BadInterval { day, start, end });
                }
            }
            if hours.windows(2).any(|w| w[1].0 < w[0].1) {
                return Err(CalendarError::Overlap { day });
            }
        }
        Ok(())
    }

    /// The working intervals of local `date` as instants, in order.
    fn intervals(&self, date: Date) -> Vec<(Timestamp, Timestamp)> {
        if self.holidays.contains(&date) {
            return Vec::new();
        }
        let at = |minutes: u16| -> Option<Timestamp> {
            let local = if minutes >= DAY_MINUTES {
                date.tomorrow().ok()?.to_datetime(Time::midnight())
            } else {
                date.to_datetime(Time::new((minutes / 60) as i8, (minutes % 60) as i8, 0, 0).ok()?)
            };
            Some(self.timezone.to_zoned(local).ok()?.timestamp())
        };
        self.week[index(date.weekday())]
            .iter()
            .filter_map(|&(s, e)| Some((at(s)?, at(e)?)))
            .filter(|(s, e)| s < e)
            .collect()
    }

    fn local_date(&self, t: Timestamp) -> Date {
        t.to_zoned(self.timezone.clone()).date()
    }

    /// The instant at which `work_ms` of working time has passed since `start`. A clock started
    /// outside working hours starts at the next working minute. `work_ms <= 0` is due at `start`.
    pub fn add(&self, start: Timestamp, work_ms: i64) -> Result<Timestamp, CalendarError> {
        let mut left = work_ms;
        if left <= 0 {
            return Ok(start);
        }
        // The day before too: an interval running to midnight may belong to the previous date.
        let mut date = self.local_date(start).yesterday().map_err(|_| CalendarError::NeverWorks)?;
        for _ in 0..HORIZON_DAYS {
            for (s, e) in self.intervals(date) {
                let from = s.max(start);
                if from >= e {
                    continue;
                }
                let span = e.as_millisecond() - from.as_millisecond();
                if span >= left {
                    return Timestamp::from_millisecond(from.as_millisecond() + left)
                        .map_err(|_| CalendarError::NeverWorks);
                }
                left -= span;
            }
            date = date.tomorrow().map_err(|_| CalendarError::NeverWorks)?;
        }
        Err(CalendarError::NeverWorks)
    }

    /// The end of the `days`-th working day after `start`'s local date (a day with working time
    /// that is no holiday): a limit in business days (AFS-4's three for a refund). `days <= 0` is
    /// due at `start`.
    pub fn add_working_days(&self, start: Timestamp, days: i64) -> Result<Timestamp, CalendarError> {
        if days <= 0 {
            return Ok(start);
        }
        let mut left = days;
        let mut date = self.local_date(start);
        for _ in 0..HORIZON_DAYS {
            date = date.tomorrow().map_err(|_| CalendarError::NeverWorks)?;
            if let Some(&(_, end)) = self.intervals(date).last() {
                left -= 1;
                if left == 0 {
                    return Ok(end);
                }
            }
        }
        Err(CalendarError::NeverWorks)
    }

    /// Working time between `from` and `to` in milliseconds (0 when `to` is not after `from`).
    pub fn between(&self, from: Timestamp, to: Timestamp) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = 0;
        let Ok(mut date) = self.local_date(from).yesterday() else {
            return 0;
        };
        let last = self.local_date(to);
        while date <= last {
            for (s, e) in self.intervals(date) {
                let (a, b) = (s.max(from), e.min(to));
                if a < b {
                    total += b.as_millisecond() - a.as_millisecond();
                }
            }
            let Ok(next) = date.tomorrow() else {
                break;
            };
            date = next;
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tz(name: &str) -> TimeZone {
        TimeZone::get(name).unwrap()
    }

    fn at(tz_name: &str, text: &str) -> Timestamp {
        let dt: jiff::civil::DateTime = text.parse().unwrap();
        tz(tz_name).to_zoned(dt).unwrap().timestamp()
    }

    const HOUR: i64 = 3_600_000;

    #[test]
    fn three_business_days_skip_the_weekend_and_holidays_and_end_when_work_ends() {
        let mut c = Calendar::weekdays(tz("Europe/Berlin"), 9 * 60, 18 * 60);
        // Granted on Thursday 2026-03-19 at 10:00: Friday, Monday, Tuesday.
        let granted = at("Europe/Berlin", "2026-03-19T10:00");
        assert_eq!(c.add_working_days(granted, 3).unwrap(), at("Europe/Berlin", "2026-03-24T18:00"));
        // Granted on Saturday: Monday, Tuesday, Wednesday.
        let saturday = at("Europe/Berlin", "2026-03-21T11:00");
        assert_eq!(c.add_working_days(saturday, 3).unwrap(), at("Europe/Berlin", "2026-03-25T18:00"));
        // A Monday holiday moves it a day.
        c.holidays.insert("2026-03-23".parse().unwrap());
        assert_eq!(c.add_working_days(granted, 3).unwrap(), at("Europe/Berlin", "2026-03-25T18:00"));
        assert_eq!(c.add_working_days(granted, 0).unwrap(), granted);
        let never = Calendar { week: Default::default(), ..c };
        assert_eq!(never.add_working_days(granted, 1), Err(CalendarError::NeverWorks));
    }

    #[test]
    fn a_first_review_started_friday_evening_before_a_monday_holiday_is_due_tuesday() {
        // 2026-03-20 is a Friday; Monday 2026-03-23 is a holiday.
        let mut c = Calendar::weekdays(tz("Europe/Berlin"), 9 * 60, 18 * 60);
        c.holidays.insert("2026-03-23".parse().unwrap());
        let due = c.add(at("Europe/Berlin", "2026-03-20T17:30"), 2 * HOUR).unwrap();
        assert_eq!(due, at("Europe/Berlin", "2026-03-24T10:30"));
        assert_eq!(c.between(at("Europe/Berlin", "2026-03-20T17:30"), due), 2 * HOUR);
    }

    #[test]
    fn daylight_saving_nights_have_the_hours_the_wall_clock_shows() {
        // An all-night shift 00:00–06:00 every day, in Berlin and New York.
        for (name, spring, fall) in
            [("Europe/Berlin", "2026-03-29", "2026-10-25"), ("America/New_York", "2026-03-08", "2026-11-01")]
        {
            let night = vec![(0, 6 * 60)];
            let c = Calendar {
                timezone: tz(name),
                week: std::array::from_fn(|_| night.clone()),
                holidays: BTreeSet::new(),
            };
            let day = |d: &str| (at(name, &format!("{d}T00:00")), at(name, &format!("{d}T12:00")));
            let (a, b) = day(spring);
            assert_eq!(c.between(a, b), 5 * HOUR, "{name} spring forward");
            let (a, b) = day(fall);
            assert_eq!(c.between(a, b), 7 * HOUR, "{name} fall back");
        }
    }

    #[test]
    fn year_ends_weekends_and_several_intervals_a_day() {
        let mut c = Calendar::weekdays(tz("Asia/Shanghai"), 9 * 60, 12 * 60);
        for d in 0..5 {
            c.week[d].push((13 * 60, 18 * 60));
        }
        c.holidays.insert("2027-01-01".parse().unwrap());
        // Thursday 2026-12-31 16:00 + 4 h: 2 h that day, Friday a holiday, weekend, Monday 11:00.
        let due = c.add(at("Asia/Shanghai", "2026-12-31T16:00"), 4 * HOUR).unwrap();
        assert_eq!(due, at("Asia/Shanghai", "2027-01-04T11:00"));
        // Started in the lunch break: the clock starts at 13:00.
        let due = c.add(at("Asia/Shanghai", "2026-12-30T12:30"), HOUR).unwrap();
        assert_eq!(due, at("Asia/Shanghai", "2026-12-30T14:00"));
    }

    #[test]
    fn bad_calendars_are_refused_and_one_that_never_works_says_so() {
        let mut c = Calendar::weekdays(tz("UTC"), 9 * 60, 18 * 60);
        assert_eq!(c.validate(), Ok(()));
        c.week[0] = vec![(9 * 60, 12 * 60), (11 * 60, 13 * 60)];
        assert_eq!(c.validate(), Err(CalendarError::Overlap { day: "monday" }));
        c.week[0] = vec![(18 * 60, 9 * 60)];
        assert!(matches!(c.validate(), Err(CalendarError::BadInterval { day: "monday", .. })));
        let never = Calendar { timezone: tz("UTC"), week: Default::default(), holidays: BTreeSet::new() };
        assert_eq!(never.add(at("UTC", "2026-01-01T00:00"), HOUR), Err(CalendarError::NeverWorks));
    }

    /// A deterministic random stream (xorshift), so a failure can be replayed.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self, below: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % below
        }
    }

    /// The reference: walk minute by minute, counting the minutes whose local wall-clock time is in
    /// an interval of a working day.
    fn reference_add(c: &Calendar, start: Timestamp, minutes: i64) -> Timestamp {
        let mut t = start;
        let mut left = minutes;
        loop {
            let local = t.to_zoned(c.timezone.clone());
            let minute = (local.hour() as u16) * 60 + local.minute() as u16;
            let working = !c.holidays.contains(&local.date())
                && c.week[index(local.weekday())].iter().any(|&(s, e)| s <= minute && minute < e);
            t = Timestamp::from_millisecond(t.as_millisecond() + 60_000).unwrap();
            if working {
                left -= 1;
                if left == 0 {
                    return t;
                }
            }
        }
    }

    #[test]
    fn business_time_matches_a_minute_by_minute_walk_over_random_calendars_and_zones() {
        let zones = ["Europe/Berlin", "America/New_York", "Asia/Shanghai", "Europe/London", "UTC"];
        // Boundaries off the hours clocks change at, so both readings of the wall clock agree.
        let bounds =
            [0u16, 6 * 60, 7 * 60 + 30, 9 * 60, 12 * 60, 13 * 60, 17 * 60 + 45, 20 * 60, DAY_MINUTES];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        // Around both DST changes of 2026 and the year end, and a plain week.
        let anchors = ["2026-03-06", "2026-03-27", "2026-10-23", "2026-10-30", "2026-12-29", "2026-06-10"];
        for case in 0..300 {
            let name = zones[rng.next(zones.len() as u64) as usize];
            let week: [DayHours; 7] = std::array::from_fn(|_| {
                let mut picks: Vec<u16> = (0..2 * (rng.next(3) as usize))
                    .map(|_| bounds[rng.next(bounds.len() as u64) as usize])
                    .collect();
                picks.sort_unstable();
                picks.dedup();
                picks.chunks_exact(2).map(|p| (p[0], p[1])).filter(|(s, e)| s < e).collect()
            });
            let mut c = Calendar { timezone: tz(name), week, holidays: BTreeSet::new() };
            if c.week.iter().all(Vec::is_empty) {
                c.week[2] = vec![(9 * 60, 17 * 60 + 45)];
            }
            let anchor = anchors[rng.next(anchors.len() as u64) as usize];
            let first: Date = anchor.parse().unwrap();
            if rng.next(2) == 0 {
                c.holidays.insert(first.tomorrow().unwrap());
            }
            let start = at(name, &format!("{anchor}T00:00"));
            let start =
                Timestamp::from_millisecond(start.as_millisecond() + rng.next(4 * 24 * 60) as i64 * 60_000)
                    .unwrap();
            let minutes = 1 + rng.next(30 * 60) as i64;
            let due = c.add(start, minutes * 60_000).unwrap();
            assert_eq!(
                due,
                reference_add(&c, start, minutes),
                "case {case}: {name} {start} + {minutes} min, {:?}",
                c.week
            );
            assert_eq!(c.between(start, due), minutes * 60_000, "case {case}");
        }
    }
}
