//! Money: integer minor units of an ISO 4217 currency. Never floating point.

use serde::{Deserialize, Serialize};

/// Currencies by number of decimals (ISO 4217): the codes Tradeport accepts.
const ZERO_DECIMALS: &[&str] = &["JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF", "PYG"];
const THREE_DECIMALS: &[&str] = &["KWD", "BHD", "OMR", "JOD", "TND", "IQD", "LYD"];
const TWO_DECIMALS: &[&str] = &[
    "USD", "EUR", "GBP", "CNY", "HKD", "TWD", "SGD", "MYR", "THB", "PHP", "IDR", "INR", "AUD", "NZD", "CAD",
    "MXN", "BRL", "ARS", "COP", "PEN", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "BGN", "TRY",
    "ILS", "AED", "SAR", "QAR", "ZAR", "EGP", "NGN", "KES", "MAD", "RUB", "UAH",
];

/// An ISO 4217 currency code Tradeport knows, with its number of decimals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Currency(&'static str);

impl Currency {
    /// Parses a three-letter code (case-insensitive).
    pub fn parse(raw: &str) -> Option<Self> {
        let up = raw.trim().to_ascii_uppercase();
        [ZERO_DECIMALS, THREE_DECIMALS, TWO_DECIMALS]
            .iter()
            .flat_map(|list| list.iter())
            .find(|c| **c == up)
            .map(|c| Self(c))
    }

    pub fn code(self) -> &'static str {
        self.0
    }

    /// Digits after the decimal point.
    pub fn decimals(self) -> u32 {
        if ZERO_DECIMALS.contains(&self.0) {
            0
        } else if THREE_DECIMALS.contains(&self.0) {
            3
        } else {
            2
        }
    }

    /// `minor` written in major units, e.g. 12345 USD → "123.45".
    pub fn format(self, minor: i64) -> String {
        let d = self.decimals();
        if d == 0 {
            return minor.to_string();
        }
        let scale = 10i64.pow(d);
        let sign = if minor < 0 { "-" } else { "" };
        let abs = minor.unsigned_abs();
        format!("{sign}{}.{:0width$}", abs / scale as u64, abs % scale as u64, width = d as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies_know_their_decimals() {
        assert_eq!(Currency::parse("usd").map(Currency::decimals), Some(2));
        assert_eq!(Currency::parse("JPY").map(Currency::decimals), Some(0));
        assert_eq!(Currency::parse("KWD").map(Currency::decimals), Some(3));
        assert_eq!(Currency::parse("XXX"), None);
    }

    #[test]
    fn amounts_format_exactly() {
        let usd = Currency::parse("USD").unwrap();
        assert_eq!(usd.format(12345), "123.45");
        assert_eq!(usd.format(-5), "-0.05");
        assert_eq!(Currency::parse("JPY").unwrap().format(1500), "1500");
        assert_eq!(Currency::parse("KWD").unwrap().format(1234), "1.234");
    }
}
