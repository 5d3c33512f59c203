//! When a parcel is due: its service's longest transit, counted in business days (Monday to
//! Friday, UTC) from the hand-over.

use jiff::civil::Weekday;

use crate::kernel::Millis;

const DAY_MS: i64 = 86_400_000;

/// The end of the day `business_days` working days after `from` (a weekend hand-over counts from
/// the Monday).
pub fn promised_by(from: Millis, business_days: u32) -> Millis {
    let weekday = |at: i64| {
        jiff::Timestamp::from_millisecond(at)
            .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).weekday())
            .unwrap_or(Weekday::Monday)
    };
    let mut day = from.0 - from.0.rem_euclid(DAY_MS);
    let mut left = business_days;
    while left > 0 {
        day += DAY_MS;
        if !matches!(weekday(day), Weekday::Saturday | Weekday::Sunday) {
            left -= 1;
        }
    }
    Millis(day + DAY_MS - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Millis {
        Millis(text.parse::<jiff::Timestamp>().unwrap().as_millisecond())
    }

    #[test]
    fn weekends_do_not_count() {
        // 2026-11-26 is a Thursday.
        let table = [
            ("2026-11-26T10:00:00Z", 0, "2026-11-26T23:59:59.999Z"),
            ("2026-11-26T10:00:00Z", 1, "2026-11-27T23:59:59.999Z"),
            ("2026-11-26T10:00:00Z", 2, "2026-11-30T23:59:59.999Z"),
            ("2026-11-28T10:00:00Z", 1, "2026-11-30T23:59:59.999Z"),
            ("2026-11-26T10:00:00Z", 7, "2026-12-07T23:59:59.999Z"),
        ];
        for (from, days, due) in table {
            assert_eq!(promised_by(at(from), days), at(due), "{from} + {days}");
        }
    }
}
