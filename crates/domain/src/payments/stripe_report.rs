//! Stripe's itemized balance report (`balance_change_from_activity.itemized.3`, the CSV the
//! Dashboard's reports and the Reporting API give), read line by line by column name: amounts are
//! decimals in major units (`45.99`, `-10.00`), `gross` negative for money going out, `fee`
//! positive when charged; the currency is lower case; `payment_intent_id` names the payment on
//! charge, refund and dispute lines alike. Header names are matched without regard to case.

use super::reconcile::{LineKind, SettlementLine};
use crate::kernel::{Currency, FieldError, Money};

/// The columns a Stripe report must have.
pub const STRIPE_REPORT_COLUMNS: [&str; 6] =
    ["balance_transaction_id", "currency", "gross", "fee", "reporting_category", "payment_intent_id"];

/// Where each needed column is in the header, or the error that names the missing ones.
pub fn stripe_report_columns(headers: &[String]) -> Result<[usize; 7], FieldError> {
    let at = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let missing: Vec<&str> = STRIPE_REPORT_COLUMNS.into_iter().filter(|c| at(c).is_none()).collect();
    if !missing.is_empty() {
        return Err(FieldError::new(
            "file",
            "missing_columns",
            format!(
                "the file lacks {}: export Stripe's itemized balance report (balance_change_from_activity.itemized.3) with those columns",
                missing.join(", ")
            ),
        ));
    }
    let get = |name: &str| at(name).unwrap_or_else(|| unreachable!("checked above"));
    Ok([
        get("balance_transaction_id"),
        get("currency"),
        get("gross"),
        get("fee"),
        get("reporting_category"),
        get("payment_intent_id"),
        at("description").unwrap_or(usize::MAX),
    ])
}

/// What a `reporting_category` is.
fn kind(category: &str) -> LineKind {
    match category {
        "charge" | "charge_failure" => LineKind::Charge,
        "refund" | "refund_failure" | "partial_capture_reversal" => LineKind::Refund,
        "dispute" | "dispute_reversal" => LineKind::Dispute,
        "fee" | "network_cost" | "tax" => LineKind::Fee,
        "payout" | "payout_reversal" => LineKind::Payout,
        _ => LineKind::Other,
    }
}

/// A decimal in major units of `currency`, signed, into minor units.
fn signed_minor(raw: &str, currency: Currency, field: &str) -> Result<i64, FieldError> {
    let raw = raw.trim();
    let (negative, digits) = raw.strip_prefix('-').map_or((false, raw), |rest| (true, rest));
    let m = Money::parse_major(digits, currency).map_err(|_| {
        FieldError::new(
            field,
            "invalid_amount",
            format!("{field} '{raw}' is not an amount in {}", currency.code()),
        )
    })?;
    Ok(if negative { -m.minor() } else { m.minor() })
}

/// Reads one line (`line_no` counts from 1 after the header).
pub fn stripe_report_line(
    columns: &[usize; 7],
    row: &[String],
    line_no: u32,
) -> Result<SettlementLine, FieldError> {
    let cell = |i: usize| row.get(i).map(|s| s.trim()).unwrap_or_default();
    let [id, currency, gross, fee, category, intent, description] = *columns;
    let code = cell(currency).to_ascii_uppercase();
    let currency = Currency::parse(&code).ok_or_else(|| {
        FieldError::new(
            "currency",
            "unknown_currency",
            format!("line {line_no}: '{code}' is not an ISO 4217 currency"),
        )
    })?;
    let at = |e: FieldError| FieldError { message: format!("line {line_no}: {}", e.message), ..e };
    Ok(SettlementLine {
        line_no,
        provider_id: cell(id).to_string(),
        kind: kind(cell(category)),
        reference: cell(intent).to_string(),
        currency: code,
        gross: signed_minor(cell(gross), currency, "gross").map_err(at)?,
        fee: signed_minor(cell(fee), currency, "fee").map_err(at)?,
        description: cell(description).to_string(),
    })
}
