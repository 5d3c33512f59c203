//! Response clocks (CS-3): how long a ticket may wait for its first answer and for its solution,
//! per category and priority, counted in the customer-service calendar's working time; without a
//! calendar, in plain hours (the 24 hours the requirement allows outside working hours).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::Category;
use crate::sla::{Calendar, CalendarError};

/// How urgent a ticket is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Self::Low, Self::Normal, Self::High, Self::Urgent];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// A ticket's targets, in minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Targets {
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
}

/// The standard targets: a first answer within 4 working hours (1 urgent, 2 high, 8 low), and a
/// solution within 3 working days of 8 hours; a parcel lost, a wrong or broken item halves the
/// time to a solution (the buyer has nothing), a status question is solved by its first answer.
pub fn default_targets(category: Category, priority: Priority) -> Targets {
    let first = match priority {
        Priority::Urgent => 60,
        Priority::High => 120,
        Priority::Normal => 240,
        Priority::Low => 480,
    };
    let resolution = match category {
        Category::DelayLost | Category::WrongMissing | Category::Quality => 12 * 60,
        Category::OrderStatus => first,
        _ => 24 * 60,
    };
    Targets { first_response_minutes: first, resolution_minutes: resolution.max(first) }
}

/// When `minutes` from `at` fall due: in the calendar's working time, or in plain time without one.
pub fn due(calendar: Option<&Calendar>, at: Timestamp, minutes: i64) -> Result<Timestamp, CalendarError> {
    let ms = minutes.max(0).saturating_mul(60_000);
    match calendar {
        Some(c) => c.add(at, ms),
        None => Ok(at.checked_add(jiff::SignedDuration::from_millis(ms)).unwrap_or(at)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::TimeZone;

    fn at(local: &str) -> Timestamp {
        jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M", local)
            .unwrap()
            .to_zoned(TimeZone::get("Europe/London").unwrap())
            .unwrap()
            .timestamp()
    }

    /// The case: opened Friday 17:50 in a calendar ending at 18:00, with a 4-working-hour
    /// first-response target: ten minutes on Friday, 3 h 50 on Monday from 09:00.
    #[test]
    fn a_ticket_opened_just_before_closing_is_due_on_the_next_working_day() {
        let week = Calendar::weekdays(TimeZone::get("Europe/London").unwrap(), 9 * 60, 18 * 60);
        let friday = at("2026-11-27 17:50");
        let targets = default_targets(Category::OrderStatus, Priority::Normal);
        assert_eq!(targets.first_response_minutes, 240);
        assert_eq!(due(Some(&week), friday, 240).unwrap(), at("2026-11-30 12:50"));
        // A Saturday message waits for Monday's first working minute.
        assert_eq!(due(Some(&week), at("2026-11-28 10:00"), 240).unwrap(), at("2026-11-30 13:00"));
        // A holiday on Monday moves it to Tuesday.
        let mut closed = week.clone();
        closed.holidays.insert(jiff::civil::date(2026, 11, 30));
        assert_eq!(due(Some(&closed), friday, 240).unwrap(), at("2026-12-01 12:50"));
        // Without a calendar, plain time.
        assert_eq!(due(None, friday, 240).unwrap(), at("2026-11-27 21:50"));
    }

    #[test]
    fn targets_follow_priority_and_what_the_buyer_is_missing() {
        let cases = [
            (Category::DelayLost, Priority::Urgent, 60, 720),
            (Category::Quality, Priority::Normal, 240, 720),
            (Category::SizeColour, Priority::Low, 480, 1440),
            (Category::OrderStatus, Priority::High, 120, 120),
            (Category::Other, Priority::Normal, 240, 1440),
        ];
        for (category, priority, first, resolution) in cases {
            let t = default_targets(category, priority);
            assert_eq!(
                (t.first_response_minutes, t.resolution_minutes),
                (first, resolution),
                "{category:?} {priority:?}"
            );
        }
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.as_str()), Some(p));
        }
    }
}
