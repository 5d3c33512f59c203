//! Reading channel payloads: text that may be absent or null, exact integer ids, and money from
//! decimal strings into minor units, each failure naming the field.

use serde_json::Value;

use crate::kernel::{Currency, FieldError, FieldErrors, Money};

/// The text at `key`, trimmed; empty when absent, null or not text.
pub(super) fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).map(str::trim).unwrap_or_default()
}

/// The first non-empty text among `keys`.
pub(super) fn first_text<'a>(v: &'a Value, keys: &[&str]) -> &'a str {
    keys.iter().map(|k| text(v, k)).find(|t| !t.is_empty()).unwrap_or_default()
}

/// An id as the channel sends it: a JSON integer (kept exact, up to 2^64 − 1) or a string of
/// digits. A number with a fraction or an exponent has been through floating point and may have
/// lost digits, so it is refused.
pub(super) fn exact_id(v: &Value, key: &str) -> Result<String, FieldError> {
    match v.get(key) {
        Some(Value::Number(n)) if n.is_u64() => Ok(n.to_string()),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        _ => Err(FieldError::new(
            key,
            "invalid_id",
            format!(
                "{key} must be the channel's integer id; a value that went through floating point may have lost digits"
            ),
        )),
    }
}

/// A count (a quantity) as a JSON integer.
pub(super) fn count(v: &Value, key: &str, field: &str) -> Result<i64, FieldError> {
    v.get(key)
        .and_then(Value::as_i64)
        .ok_or_else(|| FieldError::new(field, "invalid_quantity", format!("{field} must be a whole number")))
}

/// An amount in minor units of `currency` from a decimal string (or a JSON integer). An absent or
/// null value is zero; a value with more decimals than the currency has is refused, not rounded.
pub(super) fn minor(v: &Value, key: &str, currency: Currency, field: &str) -> Result<i64, FieldError> {
    let raw = match v.get(key) {
        None | Some(Value::Null) => return Ok(0),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(0),
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => n.to_string(),
        Some(_) => {
            return Err(FieldError::new(
                field,
                "invalid_amount",
                format!("{field} must be a decimal string such as \"19.99\""),
            ));
        }
    };
    let (negative, digits) = match raw.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, raw.as_str()),
    };
    let amount = Money::parse_major(digits, currency).map_err(|e| {
        FieldError::new(
            field,
            "invalid_amount",
            format!("{field} '{raw}' is not an amount in {}: {e}", currency.code()),
        )
    })?;
    Ok(if negative { -amount.minor() } else { amount.minor() })
}

/// The currency at `key`, or the field error that names it.
pub(super) fn currency(v: &Value, key: &str) -> Result<Currency, FieldError> {
    let code = text(v, key);
    Currency::parse(code).ok_or_else(|| {
        FieldError::new(key, "unknown_currency", format!("{key} '{code}' is not an ISO 4217 currency code"))
    })
}

/// `whole` split into `quantity` equal unit prices, when it divides exactly.
pub(super) fn unit_price(whole: i64, quantity: i64, field: &str) -> Result<i64, FieldError> {
    if quantity > 0 && whole % quantity != 0 {
        return Err(FieldError::new(
            field,
            "uneven_unit_price",
            format!("{field} of {whole} minor units does not divide into {quantity} equal unit prices"),
        ));
    }
    Ok(if quantity > 0 { whole / quantity } else { whole })
}

/// The value, or zero with the error kept: so one answer names every bad field.
pub(super) fn or_zero(errors: &mut FieldErrors, read: Result<i64, FieldError>) -> i64 {
    read.unwrap_or_else(|e| {
        errors.push(e);
        0
    })
}
