//! Reading typed values back from rows: a stored value that no longer parses is corrupt.

use tradeport_domain::kernel::{Currency, Money};

use crate::StoreError;

/// A stored ISO 4217 code.
pub(crate) fn parse_currency(raw: &str) -> Result<Currency, StoreError> {
    Currency::parse(raw).ok_or_else(|| StoreError::Corrupt(format!("currency {raw}")))
}

/// A stored amount of minor units in `currency`.
pub(crate) fn money(minor: i64, currency: Currency) -> Result<Money, StoreError> {
    Money::new(minor, currency).map_err(|e| StoreError::Corrupt(format!("amount {minor} {currency}: {e}")))
}
