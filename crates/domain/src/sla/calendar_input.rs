//! A working calendar as staff write it (SLA-1): a time zone, working hours per weekday as
//! `"09:00-12:00"` intervals, and closed days (public holidays, one-off closures) with a name.
//! [`validate_calendar`] turns it into a [`Calendar`] or says which field is wrong and how to
//! fix it. The same form is what is stored and shown.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::calendar::{Calendar, DAY_MINUTES};
use crate::kernel::FieldError;

/// The weekdays, Monday first, as they are spelt in `week`.
pub const WEEKDAYS: [&str; 7] =
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// Closed days a calendar may hold (about ten years of public holidays and closures).
pub const MAX_CLOSED_DAYS: usize = 500;

/// A day the calendar does not work, all day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosedDay {
    /// `YYYY-MM-DD`, in the calendar's own time zone.
    pub date: String,
    /// What it is: "Christmas Day", "stocktaking".
    #[serde(default)]
    pub name: String,
}

/// A calendar as written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarInput {
    /// IANA time zone name, e.g. `Europe/Berlin`.
    pub timezone: String,
    /// Working intervals per weekday (`"monday": ["09:00-12:00", "13:00-18:00"]`); a day left
    /// out does not work.
    pub week: BTreeMap<String, Vec<String>>,
    pub closed_days: Vec<ClosedDay>,
}

/// Minutes after midnight of `HH:MM` (`24:00` allowed as an end).
fn minutes(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let total = h.checked_mul(60)?.checked_add(m)?;
    (h.to_string().len() <= 2 && m < 60 && total <= DAY_MINUTES).then_some(total)
}

/// `HH:MM` of minutes after midnight.
fn clock_text(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The interval text of `(start, end)`.
pub fn interval_text((start, end): (u16, u16)) -> String {
    format!("{}-{}", clock_text(start), clock_text(end))
}

fn interval(text: &str) -> Option<(u16, u16)> {
    let (start, end) = text.split_once('-')?;
    Some((minutes(start)?, minutes(end)?))
}

/// Checks a calendar as written; returns it ready to compute with, closed days sorted by date
/// (a date given twice keeps its first name), or every mistake with its field.
pub fn validate_calendar(input: &CalendarInput) -> Result<(Calendar, CalendarInput), Vec<FieldError>> {
    let mut errors = Vec::new();
    let timezone = TimeZone::get(input.timezone.trim()).ok();
    if timezone.is_none() {
        errors.push(FieldError::new(
            "timezone",
            "unknown_timezone",
            format!(
                "'{}' is not a time zone; use an IANA name such as Europe/Berlin or Asia/Shanghai",
                input.timezone
            ),
        ));
    }
    let mut week: [Vec<(u16, u16)>; 7] = Default::default();
    for (day, intervals) in &input.week {
        let Some(n) = WEEKDAYS.iter().position(|d| d == &day.trim().to_ascii_lowercase()) else {
            errors.push(FieldError::new(
                format!("week.{day}"),
                "unknown_day",
                format!("'{day}' is not a weekday; use monday … sunday"),
            ));
            continue;
        };
        let mut hours: Vec<(u16, u16)> = Vec::new();
        for (i, text) in intervals.iter().enumerate() {
            let field = format!("week.{}[{i}]", WEEKDAYS[n]);
            match interval(text) {
                None => errors.push(FieldError::new(
                    field,
                    "bad_interval",
                    format!("'{text}' is not an interval; write it as 09:00-18:00 (24-hour clock, 24:00 for midnight)"),
                )),
                Some((start, end)) if start >= end => errors.push(FieldError::new(
                    field,
                    "bad_interval",
                    format!("'{text}' ends before it starts; an interval must end later the same day (24:00 at the latest)"),
                )),
                Some(span) => hours.push(span),
            }
        }
        hours.sort_unstable();
        if hours.windows(2).any(|w| w[1].0 < w[0].1) {
            errors.push(FieldError::new(
                format!("week.{}", WEEKDAYS[n]),
                "overlapping_intervals",
                "intervals of one day overlap; merge them into one",
            ));
        }
        week[n] = hours;
    }
    let mut seen = BTreeSet::new();
    let mut closed = Vec::new();
    if input.closed_days.len() > MAX_CLOSED_DAYS {
        errors.push(FieldError::new(
            "closed_days",
            "too_many",
            format!("at most {MAX_CLOSED_DAYS} closed days; remove past years"),
        ));
    }
    for (i, day) in input.closed_days.iter().enumerate() {
        match day.date.trim().parse::<Date>() {
            Ok(date) if seen.insert(date) => closed.push(ClosedDay {
                date: date.to_string(),
                name: day.name.trim().chars().take(120).collect(),
            }),
            Ok(_) => {}
            Err(_) => errors.push(FieldError::new(
                format!("closed_days[{i}].date"),
                "bad_date",
                format!("'{}' is not a date; write it as YYYY-MM-DD", day.date),
            )),
        }
    }
    let Some(timezone) = timezone.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    closed.sort_by(|a, b| a.date.cmp(&b.date));
    if week.iter().all(Vec::is_empty) {
        return Err(vec![FieldError::new(
            "week",
            "never_works",
            "the calendar has no working hours; give at least one weekday an interval such as 09:00-18:00",
        )]);
    }
    let calendar = Calendar { timezone, week: week.clone(), holidays: seen };
    let normal = CalendarInput {
        timezone: input.timezone.trim().to_string(),
        week: WEEKDAYS
            .iter()
            .zip(&week)
            .filter(|(_, hours)| !hours.is_empty())
            .map(|(day, hours)| (day.to_string(), hours.iter().copied().map(interval_text).collect()))
            .collect(),
        closed_days: closed,
    };
    Ok((calendar, normal))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(tz: &str, week: &[(&str, &[&str])], closed: &[&str]) -> CalendarInput {
        CalendarInput {
            timezone: tz.into(),
            week: week
                .iter()
                .map(|(d, h)| (d.to_string(), h.iter().map(|s| s.to_string()).collect()))
                .collect(),
            closed_days: closed
                .iter()
                .map(|d| ClosedDay { date: d.to_string(), name: "holiday".into() })
                .collect(),
        }
    }

    #[test]
    fn a_written_calendar_becomes_one_to_compute_with_in_its_normal_form() {
        let given = input(
            "Europe/Berlin",
            &[("Friday", &["13:00-18:00", "9:00-12:00"]), ("monday", &["09:00-24:00"])],
            &["2026-12-25", "2026-12-24", "2026-12-25"],
        );
        let (calendar, normal) = validate_calendar(&given).unwrap();
        assert_eq!(calendar.week[0], vec![(540, 1440)]);
        assert_eq!(calendar.week[4], vec![(540, 720), (780, 1080)]);
        assert!(calendar.week[1].is_empty());
        assert_eq!(calendar.holidays.len(), 2);
        assert_eq!(normal.week["friday"], vec!["09:00-12:00", "13:00-18:00"]);
        assert_eq!(normal.week["monday"], vec!["09:00-24:00"]);
        let dates: Vec<&str> = normal.closed_days.iter().map(|d| d.date.as_str()).collect();
        assert_eq!(dates, ["2026-12-24", "2026-12-25"]);
        assert_eq!(validate_calendar(&normal).unwrap().1, normal, "the normal form reads back as itself");
    }

    #[test]
    fn every_mistake_names_its_field() {
        let bad = input(
            "Mars/Olympus",
            &[
                ("funday", &["09:00-18:00"]),
                ("monday", &["9-18", "18:00-09:00", "25:00-26:00"]),
                ("tuesday", &["09:00-13:00", "12:00-18:00"]),
            ],
            &["2026-13-01"],
        );
        let errors = validate_calendar(&bad).unwrap_err();
        let fields: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(
            fields,
            [
                ("timezone", "unknown_timezone"),
                ("week.funday", "unknown_day"),
                ("week.monday[0]", "bad_interval"),
                ("week.monday[1]", "bad_interval"),
                ("week.monday[2]", "bad_interval"),
                ("week.tuesday", "overlapping_intervals"),
                ("closed_days[0].date", "bad_date"),
            ]
        );
        let never = input("UTC", &[], &[]);
        assert_eq!(validate_calendar(&never).unwrap_err()[0].code, "never_works");
    }
}
