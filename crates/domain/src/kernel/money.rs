//! Money: integer minor units of an ISO 4217 currency. Never floating point.
//!
//! Currency codes and their minor-unit exponents come from the `iso_currency` crate (the ISO
//! 4217 list), not a table of our own. An amount is never negative and never above
//! [`MAX_AMOUNT_MINOR`]; every operation is checked and says which limit it broke, so an
//! overflow is a validation error, never a saturated or wrapped number.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Largest amount in minor units any price, fee, discount or total may be (10^13: 100 billion
/// of a two-decimal currency). Sums of such amounts stay far inside 64 bits.
pub const MAX_AMOUNT_MINOR: i64 = 10_000_000_000_000;

/// A currency one can trade in: in ISO 4217, with a minor-unit exponent, not a fund, a
/// precious metal, a test code or a superseded code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    /// Parses a three-letter code (case-insensitive) a new order or setting may use.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::parse_stored(raw).filter(|c| c.0.is_superseded().is_none())
    }

    /// Parses a code as stored: also one superseded since it was written (BGN, replaced by EUR
    /// in 2026), so old orders stay readable.
    pub fn parse_stored(raw: &str) -> Option<Self> {
        let c = iso_currency::Currency::from_code(&raw.trim().to_ascii_uppercase())?;
        let tradeable = c.exponent().is_some() && !c.is_fund() && !c.is_special();
        tradeable.then_some(Self(c))
    }

    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// Digits after the decimal point (JPY 0, USD 2, KWD 3).
    pub fn decimals(self) -> u32 {
        u32::from(
            self.0
                .exponent()
                .unwrap_or_else(|| unreachable!("parse admits only currencies with an exponent")),
        )
    }

    /// `minor` written in major units, e.g. 12345 USD → "123.45".
    pub fn format(self, minor: i64) -> String {
        let d = self.decimals();
        if d == 0 {
            return minor.to_string();
        }
        let scale = 10u64.pow(d);
        let sign = if minor < 0 { "-" } else { "" };
        let abs = minor.unsigned_abs();
        format!("{sign}{}.{:0width$}", abs / scale, abs % scale, width = d as usize)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).ok_or_else(|| {
            serde::de::Error::custom(format!("'{raw}' is not an ISO 4217 currency code, e.g. USD, EUR, CNY"))
        })
    }
}

/// Why an amount cannot be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("must be zero or more")]
    Negative,
    #[error("must be at most {MAX_AMOUNT_MINOR} minor units")]
    TooLarge,
    #[error("mixes currencies {0} and {1}")]
    CurrencyMismatch(Currency, Currency),
    #[error("is not an amount like 45.99 (digits, one optional decimal point, at most {0} decimals)")]
    NotAnAmount(u32),
    #[error("has more decimals than {0} allows ({n})", n = .0.decimals())]
    TooManyDecimals(Currency),
}

impl MoneyError {
    /// The stable code a field error carries.
    pub fn code(self) -> &'static str {
        match self {
            Self::Negative => "negative",
            Self::TooLarge => "amount_too_large",
            Self::CurrencyMismatch(..) => "currency_mismatch",
            Self::NotAnAmount(_) => "not_an_amount",
            Self::TooManyDecimals(_) => "too_many_decimals",
        }
    }
}

/// Checks a bare number of minor units against the limits, before its currency is known.
pub fn check_minor(minor: i64) -> Result<i64, MoneyError> {
    if minor < 0 {
        Err(MoneyError::Negative)
    } else if minor > MAX_AMOUNT_MINOR {
        Err(MoneyError::TooLarge)
    } else {
        Ok(minor)
    }
}

/// An amount of one currency, 0 ≤ minor ≤ [`MAX_AMOUNT_MINOR`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    /// Nothing, in `currency`.
    pub fn zero(currency: Currency) -> Self {
        Self { minor: 0, currency }
    }

    /// `minor` units of `currency`, within the limits.
    pub fn new(minor: i64, currency: Currency) -> Result<Self, MoneyError> {
        check_minor(minor).map(|minor| Self { minor, currency })
    }

    /// Reads an amount in major units as a person writes it: `45.99`, `45`, `1,299.50` (USD),
    /// `1500` (JPY). More decimals than the currency has is an error, never rounded.
    pub fn parse_major(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        let decimals = currency.decimals();
        let bad = MoneyError::NotAnAmount(decimals);
        // A comma only groups thousands (`1,299.50`); `45,99` written the European way is refused,
        // never read as 4,599.
        let (written_whole, written_fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
        if written_whole.contains(',') {
            let mut groups = written_whole.split(',');
            let first = groups.next().unwrap_or_default();
            if !(1..=3).contains(&first.len()) || groups.any(|g| g.len() != 3) {
                return Err(bad);
            }
        }
        if written_fraction.contains(',') {
            return Err(bad);
        }
        let cleaned: String = text.trim().chars().filter(|c| *c != ',' && *c != '_').collect();
        let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() && fraction.is_empty() || !digits(whole) || !digits(fraction) {
            return Err(bad);
        }
        if cleaned.contains('.') && fraction.is_empty() {
            return Err(bad);
        }
        if fraction.len() > decimals as usize {
            return Err(MoneyError::TooManyDecimals(currency));
        }
        let scale = 10i64.pow(decimals);
        let whole: i64 =
            if whole.is_empty() { 0 } else { whole.parse().map_err(|_| MoneyError::TooLarge)? };
        let fraction: i64 = if fraction.is_empty() {
            0
        } else {
            let padded = format!("{fraction:0<width$}", width = decimals as usize);
            padded.parse().map_err(|_| bad)?
        };
        let minor =
            whole.checked_mul(scale).and_then(|w| w.checked_add(fraction)).ok_or(MoneyError::TooLarge)?;
        Self::new(minor, currency)
    }

    pub fn minor(self) -> i64 {
        self.minor
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    pub fn is_zero(self) -> bool {
        self.minor == 0
    }

    /// The sum, if both are in one currency and it stays within the limit.
    pub fn checked_add(self, other: Self) -> Result<Self, MoneyError> {
        self.same_currency(other)?;
        let sum = self.minor.checked_add(other.minor).ok_or(MoneyError::TooLarge)?;
        Self::new(sum, self.currency)
    }

    /// The difference, if both are in one currency and `other` is not larger.
    pub fn checked_sub(self, other: Self) -> Result<Self, MoneyError> {
        self.same_currency(other)?;
        Self::new(self.minor - other.minor, self.currency)
    }

    /// `quantity` times this amount (a line's amount from its unit price).
    pub fn checked_mul(self, quantity: i64) -> Result<Self, MoneyError> {
        if quantity < 0 {
            return Err(MoneyError::Negative);
        }
        let product = self.minor.checked_mul(quantity).ok_or(MoneyError::TooLarge)?;
        Self::new(product, self.currency)
    }

    /// The amount in major units, without the currency: "45.99".
    pub fn major(self) -> String {
        self.currency.format(self.minor)
    }

    fn same_currency(self, other: Self) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(self.currency, other.currency))
        }
    }
}

impl fmt::Display for Money {
    /// "45.99 USD".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.major(), self.currency)
    }
}

impl PartialOrd for Money {
    /// Amounts compare only within one currency.
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        (self.currency == other.currency).then(|| self.minor.cmp(&other.minor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    fn m(minor: i64, code: &str) -> Money {
        Money::new(minor, c(code)).unwrap()
    }

    #[test]
    fn currencies_come_from_iso_4217_with_their_exponents() {
        for (code, decimals) in [
            ("usd", 2),
            ("JPY", 0),
            ("KWD", 3),
            ("VND", 0),
            ("CLP", 0),
            ("BHD", 3),
            ("CNY", 2),
            ("UYU", 2),
            ("ISK", 0),
        ] {
            assert_eq!(Currency::parse(code).map(Currency::decimals), Some(decimals), "{code}");
        }
        // Not tradeable: no currency, test code, gold, special drawing rights, a fund, unknown.
        for code in ["XXX", "XTS", "XAU", "XDR", "BOV", "ABC", "", "US"] {
            assert_eq!(Currency::parse(code), None, "{code}");
        }
        // Superseded: refused for new orders, still read from stored ones.
        assert_eq!(Currency::parse("BGN"), None);
        assert_eq!(Currency::parse_stored("BGN").map(Currency::decimals), Some(2));
    }

    #[test]
    fn currencies_travel_as_their_code() {
        assert_eq!(serde_json::to_string(&c("EUR")).unwrap(), "\"EUR\"");
        assert_eq!(serde_json::from_str::<Currency>("\"gbp\"").unwrap(), c("GBP"));
        let e = serde_json::from_str::<Currency>("\"XXX\"").unwrap_err().to_string();
        assert!(e.contains("'XXX' is not an ISO 4217 currency code"), "{e}");
    }

    #[test]
    fn amounts_format_exactly() {
        assert_eq!(c("USD").format(12345), "123.45");
        assert_eq!(c("USD").format(-5), "-0.05");
        assert_eq!(c("JPY").format(1500), "1500");
        assert_eq!(c("KWD").format(1234), "1.234");
        assert_eq!(m(4599, "USD").to_string(), "45.99 USD");
    }

    #[test]
    fn amounts_stay_within_limits() {
        assert_eq!(Money::new(-1, c("USD")), Err(MoneyError::Negative));
        assert_eq!(Money::new(MAX_AMOUNT_MINOR + 1, c("USD")), Err(MoneyError::TooLarge));
        assert_eq!(Money::new(MAX_AMOUNT_MINOR, c("USD")).map(Money::minor), Ok(MAX_AMOUNT_MINOR));
    }

    #[test]
    fn arithmetic_is_checked_never_saturated() {
        let cases: [(&str, Result<Money, MoneyError>); 7] = [
            ("add", m(150, "USD").checked_add(m(250, "USD"))),
            ("add over limit", m(MAX_AMOUNT_MINOR, "USD").checked_add(m(1, "USD"))),
            ("add across currencies", m(1, "USD").checked_add(m(1, "EUR"))),
            ("sub", m(500, "EUR").checked_sub(m(200, "EUR"))),
            ("sub below zero", m(100, "EUR").checked_sub(m(101, "EUR"))),
            ("mul", m(2500, "GBP").checked_mul(3)),
            ("mul overflowing i64", m(MAX_AMOUNT_MINOR, "GBP").checked_mul(i64::MAX)),
        ];
        let expected = [
            Ok(m(400, "USD")),
            Err(MoneyError::TooLarge),
            Err(MoneyError::CurrencyMismatch(c("USD"), c("EUR"))),
            Ok(m(300, "EUR")),
            Err(MoneyError::Negative),
            Ok(m(7500, "GBP")),
            Err(MoneyError::TooLarge),
        ];
        for ((name, got), want) in cases.into_iter().zip(expected) {
            assert_eq!(got, want, "{name}");
        }
        assert_eq!(m(1, "GBP").checked_mul(-1), Err(MoneyError::Negative));
    }

    #[test]
    fn amounts_compare_only_within_one_currency() {
        assert!(m(100, "USD") < m(200, "USD"));
        assert_eq!(m(100, "USD").partial_cmp(&m(100, "EUR")), None);
    }

    #[test]
    fn major_amounts_parse_exactly_or_not_at_all() {
        let ok = [
            ("45.99", "USD", 4599),
            ("45", "USD", 4500),
            ("45.9", "USD", 4590),
            (" 1,299.50 ", "USD", 129_950),
            (".5", "USD", 50),
            ("1500", "JPY", 1500),
            ("1.234", "KWD", 1234),
            ("0", "EUR", 0),
        ];
        for (text, code, minor) in ok {
            assert_eq!(Money::parse_major(text, c(code)), Ok(m(minor, code)), "{text} {code}");
        }
        for (text, code) in [("45.999", "GBP"), ("1.5", "JPY"), ("1.2345", "KWD")] {
            let refused = Money::parse_major(text, c(code));
            assert_eq!(refused, Err(MoneyError::TooManyDecimals(c(code))), "{text} {code}");
        }
        assert_eq!(
            MoneyError::TooManyDecimals(c("GBP")).to_string(),
            "has more decimals than GBP allows (2)"
        );
        let bad = [
            ("45,99", "EUR"),
            ("1,2345", "USD"),
            (",5", "USD"),
            ("1.5,00", "USD"),
            ("abc", "USD"),
            ("-3", "USD"),
            ("4.5.6", "USD"),
            ("", "USD"),
            ("45.", "USD"),
            ("1e3", "USD"),
        ];
        for (text, code) in bad {
            assert_eq!(
                Money::parse_major(text, c(code)),
                Err(MoneyError::NotAnAmount(c(code).decimals())),
                "{text} {code}"
            );
        }
        assert_eq!(Money::parse_major("99999999999999999999", c("USD")), Err(MoneyError::TooLarge));
        assert_eq!(Money::parse_major("100000000001", c("USD")), Err(MoneyError::TooLarge));
    }
}
