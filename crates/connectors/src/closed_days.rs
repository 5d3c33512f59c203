//! Closed days from files staff already have (SLA-1): an iCalendar feed of public holidays
//! (`.ics`, as Google, Apple and Outlook publish them) or a CSV of `date,name` rows.
//!
//! From iCalendar, every all-day event becomes closed days: one per day from DTSTART up to its
//! DTEND (exclusive, as RFC 5545 says), and a yearly repeating one (`RRULE:FREQ=YEARLY`) once a
//! year up to its UNTIL or COUNT, at most [`YEARS_AHEAD`] years on. Events with a time of day,
//! other repeat rules and cancelled events are left out, each with the reason.

use chrono::{Datelike, NaiveDate};
use icalendar::{CalendarComponent, Component, DatePerhapsTime, EventStatus};
use tradeport_domain::sla::ClosedDay;

/// How far a yearly event is repeated when it has no end.
pub const YEARS_AHEAD: i32 = 5;

/// What a file gave: the closed days, and what was left out and why.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub days: Vec<ClosedDay>,
    pub skipped: Vec<String>,
}

fn day(date: NaiveDate, name: &str) -> ClosedDay {
    ClosedDay { date: date.format("%Y-%m-%d").to_string(), name: name.to_string() }
}

/// The value of `key` in an RRULE such as `FREQ=YEARLY;COUNT=3`.
fn rule_part<'a>(rule: &'a str, key: &str) -> Option<&'a str> {
    rule.split(';')
        .find_map(|p| p.split_once('=').filter(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
}

/// Reads an iCalendar file. Fails only when the text is not iCalendar at all.
pub fn from_ics(text: &str) -> Result<Imported, String> {
    if !text.trim_start().to_ascii_uppercase().starts_with("BEGIN:VCALENDAR") {
        return Err("this is not an iCalendar file: it must start with BEGIN:VCALENDAR".into());
    }
    let calendar: icalendar::Calendar =
        text.parse().map_err(|e| format!("the iCalendar file cannot be read: {e}"))?;
    let mut out = Imported::default();
    for component in &calendar.components {
        let CalendarComponent::Event(event) = component else { continue };
        let name = event.get_summary().unwrap_or("closed").trim().to_string();
        if event.get_status() == Some(EventStatus::Cancelled) {
            out.skipped.push(format!("{name}: cancelled"));
            continue;
        }
        let Some(DatePerhapsTime::Date(start)) = event.get_start() else {
            out.skipped.push(format!("{name}: not an all-day event (only whole days can be closed)"));
            continue;
        };
        let end = match event.get_end() {
            Some(DatePerhapsTime::Date(end)) if end > start => end,
            _ => start.succ_opt().unwrap_or(start),
        };
        let span: Vec<NaiveDate> = start.iter_days().take_while(|d| *d < end).take(366).collect();
        match event.property_value("RRULE") {
            None => out.days.extend(span.iter().map(|d| day(*d, &name))),
            Some(rule) if rule_part(rule, "FREQ").is_some_and(|f| f.eq_ignore_ascii_case("YEARLY")) => {
                let count =
                    rule_part(rule, "COUNT").and_then(|c| c.parse::<i32>().ok()).unwrap_or(YEARS_AHEAD + 1);
                let until = rule_part(rule, "UNTIL")
                    .and_then(|u| NaiveDate::parse_from_str(u.get(..8).unwrap_or(u), "%Y%m%d").ok());
                for year in 0..count.min(YEARS_AHEAD + 1) {
                    for d in &span {
                        let Some(repeat) = d.with_year(d.year() + year) else { continue };
                        if until.is_none_or(|u| repeat <= u) {
                            out.days.push(day(repeat, &name));
                        }
                    }
                }
            }
            Some(rule) => {
                out.skipped.push(format!("{name}: repeats by '{rule}'; only yearly repeats are read"))
            }
        }
    }
    Ok(out)
}

/// Reads `date,name` rows (a header row naming `date` is allowed; `#` starts a comment). Dates
/// are `YYYY-MM-DD`; a row that is not gives its line number in `skipped`.
pub fn from_csv(text: &str) -> Imported {
    let mut out = Imported::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (date, name) = line.split_once([',', ';', '\t']).unwrap_or((line, ""));
        let (date, name) = (date.trim().trim_matches('"'), name.trim().trim_matches('"'));
        if n == 0 && date.eq_ignore_ascii_case("date") {
            continue;
        }
        match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
            Ok(d) => out.days.push(day(d, if name.is_empty() { "closed" } else { name })),
            Err(_) => out.skipped.push(format!("line {}: '{date}' is not a date (YYYY-MM-DD)", n + 1)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(i: &Imported) -> Vec<(&str, &str)> {
        i.days.iter().map(|d| (d.date.as_str(), d.name.as_str())).collect()
    }

    /// Shaped like the public-holiday feeds calendar services publish: folded lines, all-day
    /// events with an exclusive DTEND, a yearly rule, a timed event and a cancelled one.
    const FEED: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tradeport//closed days test//EN\r\n\
BEGIN:VEVENT\r\nUID:1@test\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261227\r\nSUMMARY:Christmas\r\n  holidays\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:2@test\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:New Year's Day\r\nRRULE:FREQ=YEARLY;COUNT=3\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:3@test\r\nDTSTART:20261231T140000Z\r\nDTEND:20261231T180000Z\r\nSUMMARY:Early close\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:4@test\r\nDTSTART;VALUE=DATE:20261124\r\nSUMMARY:Stocktaking\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

    #[test]
    fn an_ics_feed_gives_its_all_day_events_and_says_what_it_left_out() {
        let got = from_ics(FEED).unwrap();
        assert_eq!(
            dates(&got),
            [
                ("2026-12-25", "Christmas holidays"),
                ("2026-12-26", "Christmas holidays"),
                ("2027-01-01", "New Year's Day"),
                ("2028-01-01", "New Year's Day"),
                ("2029-01-01", "New Year's Day"),
            ]
        );
        assert_eq!(got.skipped.len(), 2, "{:?}", got.skipped);
        assert!(got.skipped[0].starts_with("Early close: not an all-day event"));
        assert!(got.skipped[1].starts_with("Stocktaking: cancelled"));
        assert!(from_ics("date,name\n2026-12-25,Christmas").unwrap_err().contains("BEGIN:VCALENDAR"));
    }

    #[test]
    fn a_csv_gives_its_dated_rows_and_the_lines_it_could_not_read() {
        let got = from_csv(
            "date,name\n2026-12-25,Christmas Day\n# comment\n\n2026-12-26;\"Boxing Day\"\n25/12/2026,wrong\n2027-01-01\n",
        );
        assert_eq!(
            dates(&got),
            [("2026-12-25", "Christmas Day"), ("2026-12-26", "Boxing Day"), ("2027-01-01", "closed")]
        );
        assert_eq!(got.skipped, ["line 6: '25/12/2026' is not a date (YYYY-MM-DD)"]);
    }
}
