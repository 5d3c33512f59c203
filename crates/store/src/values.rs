//! Reading typed values back from rows: a stored value that no longer parses is corrupt.

use tradeport_domain::kernel::{Currency, Money};

use crate::StoreError;

/// A stored ISO 4217 code.
pub(crate) fn parse_currency(raw: &str) -> Result<Currency, StoreError> {
    Currency::parse_stored(raw).ok_or_else(|| StoreError::Corrupt(format!("currency {raw}")))
}

/// A stored amount of minor units in `currency`.
pub(crate) fn money(minor: i64, currency: Currency) -> Result<Money, StoreError> {
    Money::new(minor, currency).map_err(|e| StoreError::Corrupt(format!("amount {minor} {currency}: {e}")))
}

/// Column `n` of `r`: a stored typed id (`what` names it in the error).
pub(crate) fn id_at<T: std::str::FromStr>(
    r: &sqlx::any::AnyRow,
    n: usize,
    what: &str,
) -> Result<T, StoreError> {
    use sqlx::Row;
    let raw: String = r.try_get(n)?;
    T::from_str(&raw).map_err(|_| StoreError::Corrupt(format!("{what} id {raw}")))
}

/// Column `n` of `r`: a stored typed id or NULL.
pub(crate) fn opt_id_at<T: std::str::FromStr>(
    r: &sqlx::any::AnyRow,
    n: usize,
    what: &str,
) -> Result<Option<T>, StoreError> {
    use sqlx::Row;
    let raw: Option<String> = r.try_get(n)?;
    raw.map(|raw| T::from_str(&raw).map_err(|_| StoreError::Corrupt(format!("{what} id {raw}")))).transpose()
}
