//! Lots (WMS-3, WMS-4): a batch code and an expiry date that travel with units from put-away to
//! the pick. A lot is written as GS1 application identifier 10 allows (up to 20 letters, digits
//! and `-./_`); an expiry as a date. Stock of a lot-tracked SKU always names its lot, the pick
//! list names the lot to take (earliest expiry first), and the picker's scan must show it.
//!
//! Scanners read lots from GS1-128 / GS1 DataMatrix element strings, either as printed
//! (`(01)09506000134352(17)271231(10)AB-12`) or as the raw symbol data (`]C1` or `]d2`, then
//! fixed-length fields and variable ones ended by the group separator, ASCII 29).

use jiff::civil::Date;

/// The longest lot GS1 allows (AI 10).
pub const MAX_LOT_LEN: usize = 20;

/// Why a lot or an expiry cannot be taken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LotError {
    #[error("a lot has at most {MAX_LOT_LEN} characters")]
    TooLong,
    #[error("a lot has only letters, digits and - . / _ (found {0:?})")]
    BadCharacter(char),
    #[error("an expiry is a date written YYYY-MM-DD")]
    BadExpiry,
}

/// A lot as stored and compared: trimmed and upper case; empty for stock without a lot.
pub fn normalise_lot(raw: &str) -> Result<String, LotError> {
    let lot = raw.trim().to_uppercase();
    if lot.chars().count() > MAX_LOT_LEN {
        return Err(LotError::TooLong);
    }
    if let Some(c) = lot.chars().find(|c| !(c.is_ascii_alphanumeric() || "-./_".contains(*c))) {
        return Err(LotError::BadCharacter(c));
    }
    Ok(lot)
}

/// An expiry written `YYYY-MM-DD`; blank is none.
pub fn parse_expiry(raw: &str) -> Result<Option<Date>, LotError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<Date>().map(Some).map_err(|_| LotError::BadExpiry)
}

/// What a GS1 element string says about an item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gs1Item {
    /// AI 01, 14 digits.
    pub gtin: String,
    /// AI 10.
    pub lot: Option<String>,
    /// AI 17 (use by) or, failing it, AI 15 (best before).
    pub expiry: Option<Date>,
}

/// The group separator that ends a variable-length field in raw GS1 data.
const GS: char = '\u{1d}';

/// Reads a GS1 element string with a GTIN (AI 01); `None` when `raw` is not one.
pub fn read_gs1(raw: &str) -> Option<Gs1Item> {
    let s = raw.trim();
    let fields = if s.starts_with('(') { bracketed(s)? } else { raw_fields(s)? };
    let mut item = Gs1Item { gtin: String::new(), lot: None, expiry: None };
    let mut best_before = None;
    for (ai, value) in fields {
        match ai.as_str() {
            "01" if value.len() == 14 && value.chars().all(|c| c.is_ascii_digit()) => item.gtin = value,
            "10" => item.lot = Some(normalise_lot(&value).ok()?),
            "17" => item.expiry = Some(gs1_date(&value)?),
            "15" => best_before = Some(gs1_date(&value)?),
            "11" | "13" | "21" | "30" | "37" => {}
            _ => return None,
        }
    }
    item.expiry = item.expiry.or(best_before);
    (!item.gtin.is_empty()).then_some(item)
}

/// `(01)…(10)…`: each field in brackets, its value up to the next bracket.
fn bracketed(s: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for part in s.split('(').skip(1) {
        let (ai, value) = part.split_once(')')?;
        out.push((ai.to_string(), value.trim().to_string()));
    }
    Some(out)
}

/// Raw symbol data: fixed-length fields by their AI, variable ones up to a group separator.
fn raw_fields(s: &str) -> Option<Vec<(String, String)>> {
    let mut rest = s.strip_prefix("]C1").or_else(|| s.strip_prefix("]d2")).unwrap_or(s);
    if !rest.starts_with("01") {
        return None;
    }
    let mut out = Vec::new();
    while !rest.is_empty() {
        rest = rest.trim_start_matches(GS);
        let ai = rest.get(..2)?;
        let fixed = match ai {
            "01" => Some(14),
            "11" | "13" | "15" | "17" => Some(6),
            "10" | "21" | "30" | "37" => None,
            _ => return None,
        };
        let body = &rest[2..];
        let len = fixed.unwrap_or_else(|| body.find(GS).unwrap_or(body.len()));
        out.push((ai.to_string(), body.get(..len)?.to_string()));
        rest = &body[len..];
    }
    Some(out)
}

/// A GS1 date `YYMMDD` (years 2000–2099; day 00 is the month's last day).
fn gs1_date(v: &str) -> Option<Date> {
    if v.len() != 6 || !v.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let year = 2000 + v[..2].parse::<i16>().ok()?;
    let month = v[2..4].parse::<i8>().ok()?;
    let day = v[4..].parse::<i8>().ok()?;
    if day == 0 {
        return Date::new(year, month, 1).ok().map(|d| d.last_of_month());
    }
    Date::new(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn lots_are_trimmed_upper_case_and_limited_to_the_gs1_set() {
        assert_eq!(normalise_lot(" ab-12.3 "), Ok("AB-12.3".into()));
        assert_eq!(normalise_lot(""), Ok(String::new()));
        assert_eq!(normalise_lot("L 1"), Err(LotError::BadCharacter(' ')));
        assert_eq!(normalise_lot("../../x;"), Err(LotError::BadCharacter(';')));
        assert_eq!(normalise_lot(&"9".repeat(21)), Err(LotError::TooLong));
        assert_eq!(normalise_lot(&"9".repeat(20)).map(|l| l.len()), Ok(20));
    }

    #[test]
    fn expiries_are_dates_or_blank() {
        assert_eq!(parse_expiry("2027-03-31"), Ok(Some(date("2027-03-31"))));
        assert_eq!(parse_expiry("  "), Ok(None));
        assert_eq!(parse_expiry("2027-02-30"), Err(LotError::BadExpiry));
        assert_eq!(parse_expiry("31/03/2027"), Err(LotError::BadExpiry));
    }

    #[test]
    fn printed_and_raw_element_strings_give_the_same_item() {
        let want = Gs1Item {
            gtin: "09506000134352".into(),
            lot: Some("AB-12".into()),
            expiry: Some(date("2027-12-31")),
        };
        assert_eq!(read_gs1("(01)09506000134352(17)271231(10)ab-12"), Some(want.clone()));
        assert_eq!(read_gs1("]C10109506000134352172712311"), None, "a stray digit after the date");
        assert_eq!(read_gs1("]C101095060001343521727123110AB-12"), Some(want.clone()));
        assert_eq!(read_gs1("010950600013435210AB-12\u{1d}17271231"), Some(want));
    }

    #[test]
    fn day_zero_is_the_last_day_and_best_before_stands_in_for_use_by() {
        let item = read_gs1("(01)09506000134352(15)280200").unwrap();
        assert_eq!(item.expiry, Some(date("2028-02-29")));
        assert_eq!(item.lot, None);
        let both = read_gs1("(01)09506000134352(15)280200(17)271130").unwrap();
        assert_eq!(both.expiry, Some(date("2027-11-30")), "use-by wins over best-before");
    }

    #[test]
    fn what_is_not_a_gs1_item_is_not_read_as_one() {
        for other in [
            "LAMP-01",
            "0123",
            "(02)09506000134352",
            "(01)123(10)A",
            "]C1019506",
            "(01)09506000134352(10)A B",
        ] {
            assert_eq!(read_gs1(other), None, "{other}");
        }
        assert_eq!(read_gs1("(01)09506000134352(17)271340"), None, "month 13");
    }
}
