//! Order numbers: `YYYYMMDD` (the day in the operator's time zone) followed by the day's serial,
//! zero-padded to six digits: up to 999,999 confirmations per operator per day, e.g.
//! `20260325000001`. Serials come from a per-operator, per-day counter that is incremented in the
//! confirming transaction, so numbers are unique and without gaps.

use crate::kernel::Millis;

/// Digits of the daily serial.
pub const SERIAL_WIDTH: usize = 6;

/// The calendar day (`YYYYMMDD`) of `at` in the IANA time zone `timezone` (UTC when unknown).
pub fn local_day(at: Millis, timezone: &str) -> String {
    let tz = jiff::tz::TimeZone::get(timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    match jiff::Timestamp::from_millisecond(at.0) {
        Ok(ts) => ts.to_zoned(tz).strftime("%Y%m%d").to_string(),
        Err(_) => "19700101".to_string(),
    }
}

/// The order number of serial `serial` on `day`; `None` past the day's capacity.
pub fn format_order_no(day: &str, serial: i64) -> Option<String> {
    (1..10i64.pow(SERIAL_WIDTH as u32))
        .contains(&serial)
        .then(|| format!("{day}{serial:0width$}", width = SERIAL_WIDTH))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_is_the_operators_local_day() {
        // 2026-03-24 20:30 UTC is already 25 March in Shanghai (UTC+8).
        let at = Millis(1_774_384_200_000);
        assert_eq!(local_day(at, "UTC"), "20260324");
        assert_eq!(local_day(at, "Asia/Shanghai"), "20260325");
    }

    #[test]
    fn numbers_are_padded_and_bounded() {
        assert_eq!(format_order_no("20260325", 1).as_deref(), Some("20260325000001"));
        assert_eq!(format_order_no("20260325", 999_999).as_deref(), Some("20260325999999"));
        assert_eq!(format_order_no("20260325", 1_000_000), None);
        assert_eq!(format_order_no("20260325", 0), None);
    }
}
