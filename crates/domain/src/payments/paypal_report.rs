//! PayPal's Settlement Report (STL), read record by record. Every line starts with a record type:
//! `CH` names the columns of the `SB` lines that follow (one transaction each); the headers and
//! footers (`RH`, `FH`, `SH`, `SF`, `SC`, `RF`, `RC`, `FF`) carry no transaction and are skipped.
//! Columns are found by name, spaces and case ignored, so version 009's `"Transaction ID"`, older
//! files' `TransactionID` and the double space some versions put in `"Transaction  Debit or
//! Credit"` all read. Amounts are unsigned whole numbers of hundredths of the currency's unit
//! whatever the currency (PayPal writes 100 yen and 1.00 USD both as `100`), their direction in
//! the `CR`/`DR` column beside them. A refund, reversal or chargeback names the payment it takes
//! from in `PayPal Reference ID` when its type is `TXN`.

use super::reconcile::{LineKind, SettlementLine};
use crate::kernel::{Currency, FieldError};

/// The columns an STL section must have.
pub const PAYPAL_REPORT_COLUMNS: [&str; 9] = [
    "Transaction ID",
    "PayPal Reference ID",
    "PayPal Reference ID Type",
    "Transaction Event Code",
    "Transaction Debit or Credit",
    "Gross Transaction Amount",
    "Gross Transaction Currency",
    "Fee Debit or Credit",
    "Fee Amount",
];

fn squeeze(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// Where each needed column is in a `CH` record (its first cell the record type), or the error
/// that names the missing ones.
pub fn paypal_report_columns(header: &[String]) -> Result<[usize; 10], FieldError> {
    let at = |name: &str| header.iter().position(|h| squeeze(h) == squeeze(name));
    let missing: Vec<&str> = PAYPAL_REPORT_COLUMNS.into_iter().filter(|c| at(c).is_none()).collect();
    if !missing.is_empty() {
        return Err(FieldError::new(
            "file",
            "missing_columns",
            format!(
                "the report's CH line lacks {}: upload PayPal's Settlement Report (STL-….CSV) as PayPal delivered it",
                missing.join(", ")
            ),
        ));
    }
    let mut columns = [usize::MAX; 10];
    for (slot, name) in columns.iter_mut().zip(PAYPAL_REPORT_COLUMNS) {
        *slot = at(name).unwrap_or(usize::MAX);
    }
    columns[9] = at("Invoice ID").unwrap_or(usize::MAX);
    Ok(columns)
}

/// What a transaction event code (`T0006`, `T1107`, …) is: PayPal says its group (the first
/// three characters) is enough to reconcile.
fn kind(code: &str) -> LineKind {
    match code.get(..3).unwrap_or_default() {
        "T00" => LineKind::Charge,
        "T11" if matches!(code, "T1110" | "T1111") => LineKind::Dispute,
        "T11" if code == "T1108" => LineKind::Fee,
        "T11" => LineKind::Refund,
        "T12" => LineKind::Dispute,
        "T01" => LineKind::Fee,
        "T04" => LineKind::Payout,
        _ => LineKind::Other,
    }
}

/// An STL amount (hundredths, unsigned) with its `CR`/`DR`, into signed minor units of `currency`.
fn signed_minor(
    raw: &str,
    direction: &str,
    currency: Currency,
    field: &str,
    line_no: u32,
) -> Result<i64, FieldError> {
    let bad = |why: &str| {
        FieldError::new(field, "invalid_amount", format!("line {line_no}: {field} '{raw}' {why}"))
    };
    if raw.is_empty() {
        return Ok(0);
    }
    let hundredths: i64 = raw.parse().ok().filter(|n| *n >= 0).ok_or_else(|| bad("is not a whole number"))?;
    let minor = match currency.decimals() {
        2 => hundredths,
        d if d < 2 => {
            let unit = 10_i64.pow(2 - d);
            if hundredths % unit != 0 {
                return Err(bad(&format!("is not a whole amount of {}", currency.code())));
            }
            hundredths / unit
        }
        d => hundredths.checked_mul(10_i64.pow(d - 2)).ok_or_else(|| bad("is too large"))?,
    };
    match direction {
        "CR" => Ok(minor),
        "DR" => Ok(-minor),
        _ => Err(bad("has no CR or DR beside it")),
    }
}

/// Reads one `SB` record (`line_no` its line in the file).
pub fn paypal_report_line(
    columns: &[usize; 10],
    row: &[String],
    line_no: u32,
) -> Result<SettlementLine, FieldError> {
    let cell = |i: usize| row.get(i).map(|s| s.trim()).unwrap_or_default();
    let [id, reference, reference_type, code, direction, gross, currency, fee_direction, fee, invoice] =
        *columns;
    let code_text = cell(currency).to_ascii_uppercase();
    let money = Currency::parse(&code_text).ok_or_else(|| {
        FieldError::new(
            "currency",
            "unknown_currency",
            format!("line {line_no}: '{code_text}' is not an ISO 4217 currency"),
        )
    })?;
    let kind = kind(cell(code));
    let transaction = cell(id);
    // A payment is known by its own transaction id; what takes from it names that id.
    let reference = match kind {
        LineKind::Charge => transaction,
        _ if cell(reference_type) == "TXN" => cell(reference),
        _ => "",
    };
    // The fee is charged when debited: positive, as the reconciliation counts fees.
    let fee = -signed_minor(cell(fee), cell(fee_direction), money, "Fee Amount", line_no)?;
    Ok(SettlementLine {
        line_no,
        provider_id: transaction.to_string(),
        kind,
        reference: reference.to_string(),
        currency: code_text,
        gross: signed_minor(cell(gross), cell(direction), money, "Gross Transaction Amount", line_no)?,
        fee,
        description: [cell(code), cell(invoice)]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    })
}

/// Reads a whole STL file's records (each a list of cells): its `SB` lines, numbered by their
/// line in the file. Every refused line is named (at most 50).
pub fn paypal_report_lines(records: &[Vec<String>]) -> Result<Vec<SettlementLine>, Vec<FieldError>> {
    let mut columns = None;
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (n, record) in records.iter().enumerate() {
        let line_no = n as u32 + 1;
        match record.first().map(|c| c.trim().trim_start_matches('\u{feff}')) {
            Some("CH") => match paypal_report_columns(record) {
                Ok(c) => columns = Some(c),
                Err(e) => return Err(vec![e]),
            },
            Some("SB") => {
                let Some(c) = &columns else {
                    return Err(vec![FieldError::new(
                        "file",
                        "missing_columns",
                        format!("line {line_no}: a transaction comes before any CH line naming the columns"),
                    )]);
                };
                match paypal_report_line(c, record, line_no) {
                    Ok(l) => lines.push(l),
                    Err(e) if errors.len() < 50 => errors.push(e),
                    Err(_) => {}
                }
            }
            _ => {}
        }
    }
    if columns.is_none() {
        return Err(vec![FieldError::new(
            "file",
            "missing_columns",
            "the file has no CH line: it is not a PayPal Settlement Report (STL)",
        )]);
    }
    if errors.is_empty() { Ok(lines) } else { Err(errors) }
}
