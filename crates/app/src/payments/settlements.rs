//! Settlement reconciliation for finance (ORD-5, AFS-4): a provider's report imported for a
//! period, each line matched to its payment or refund, and what does not agree listed (missing on
//! either side, amounts or currencies that differ, fees), as a page, CSV and PDF with each finding
//! linked to its order.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use tradeport_connectors::pdf::{PdfLine, render_pdf};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{FieldError, TenantId};
use tradeport_domain::payments::reconcile::{Finding, KnownPayment, SettlementLine, reconcile};
use tradeport_domain::payments::{
    DisputeStatus, PaymentFacts, PaymentProvider, paypal_report_lines, stripe_report_columns,
    stripe_report_line,
};
use tradeport_store::payments::accounts;
use tradeport_store::payments::rows as payment_rows;
use tradeport_store::payments::settlements::{self, SettlementItemRow, SettlementRow};

use crate::{App, AppError, AppResult};

/// A report to import: the account, the period it covers (UTC days, `to` included), the file.
#[derive(Clone, Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SettlementUpload {
    pub account_id: String,
    /// The first day of the period, `YYYY-MM-DD` (UTC).
    pub from: String,
    /// The last day of the period, `YYYY-MM-DD` (UTC).
    pub to: String,
    pub file_name: Option<String>,
}

/// Totals of one currency.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CurrencyTotals {
    pub report_charged_minor: i64,
    pub report_refunded_minor: i64,
    pub fees_minor: i64,
    /// The report less Tradeport over every finding that is not a match, fee or payout.
    pub difference_minor: i64,
}

/// A report as answered.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SettlementView {
    pub id: String,
    pub merchant_id: String,
    pub account_id: String,
    pub provider: PaymentProvider,
    pub file_name: String,
    pub period_from: String,
    pub period_to: String,
    pub line_count: i64,
    /// How many findings of each kind.
    pub counts: BTreeMap<String, i64>,
    pub totals: BTreeMap<String, CurrencyTotals>,
    pub created_at: i64,
    /// The findings, matches last (in the detail only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<SettlementItemView>,
}

/// One finding.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SettlementItemView {
    pub finding: Finding,
    pub reference: String,
    pub currency: String,
    pub line_nos: String,
    pub payment_id: Option<String>,
    pub order_id: Option<String>,
    pub report_charged_minor: i64,
    pub ours_charged_minor: i64,
    pub report_refunded_minor: i64,
    pub ours_refunded_minor: i64,
    pub fee_minor: i64,
    pub difference_minor: i64,
}

#[derive(Serialize, Deserialize)]
struct Summary {
    counts: BTreeMap<String, i64>,
    totals: BTreeMap<String, CurrencyTotals>,
}

fn invalid(field: &str, code: &str, message: impl Into<String>) -> AppError {
    AppError::Invalid(vec![FieldError::new(field, code, message)])
}

fn day(raw: &str, field: &str) -> AppResult<jiff::civil::Date> {
    jiff::civil::Date::strptime("%Y-%m-%d", raw.trim())
        .map_err(|_| invalid(field, "invalid_date", format!("{field} is a day, YYYY-MM-DD")))
}

fn utc_ms(d: jiff::civil::Date) -> AppResult<i64> {
    Ok(d.to_zoned(jiff::tz::TimeZone::UTC)
        .map_err(|e| AppError::Internal(e.to_string()))?
        .timestamp()
        .as_millisecond())
}

fn date_of(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map(|t| t.strftime("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// Reads a report of `provider`; every refused line is named.
fn read_lines(provider: PaymentProvider, body: &[u8]) -> AppResult<Vec<SettlementLine>> {
    let lines = match provider {
        PaymentProvider::Stripe => read_stripe_lines(body)?,
        PaymentProvider::Paypal => paypal_report_lines(&stl_records(body)?).map_err(AppError::Invalid)?,
        PaymentProvider::Alipay => {
            return Err(invalid(
                "account_id",
                "not_supported",
                "Alipay's settlement files are not read yet: reconcile Stripe or PayPal accounts",
            ));
        }
    };
    if lines.is_empty() {
        return Err(invalid("file", "empty", "the report has no lines"));
    }
    Ok(lines)
}

/// The records of a PayPal STL file: UTF-8 (a byte-order mark dropped) or, as older files are,
/// UTF-16; commas or tabs between fields.
fn stl_records(body: &[u8]) -> AppResult<Vec<Vec<String>>> {
    let text = match body {
        [0xff, 0xfe, rest @ ..] | [0xfe, 0xff, rest @ ..] => {
            let little = body[0] == 0xff;
            let units: Vec<u16> =
                rest.chunks_exact(2)
                    .map(|c| {
                        if little {
                            u16::from_le_bytes([c[0], c[1]])
                        } else {
                            u16::from_be_bytes([c[0], c[1]])
                        }
                    })
                    .collect();
            String::from_utf16(&units)
                .map_err(|_| invalid("file", "unreadable", "the file is not UTF-16 text"))?
        }
        _ => String::from_utf8(body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body).to_vec())
            .map_err(|_| invalid("file", "unreadable", "the file is not UTF-8 text"))?,
    };
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.contains('\t') && !first.contains(',') { b'\t' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    reader
        .records()
        .enumerate()
        .map(|(n, r)| {
            r.map(|r| r.iter().map(String::from).collect())
                .map_err(|e| invalid("file", "unreadable", format!("line {}: {e}", n + 1)))
        })
        .collect()
}

/// Reads a Stripe report's lines.
fn read_stripe_lines(body: &[u8]) -> AppResult<Vec<SettlementLine>> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(body);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| invalid("file", "unreadable", format!("the file is not CSV: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let columns = stripe_report_columns(&headers).map_err(|e| AppError::Invalid(vec![e]))?;
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let row: Vec<String> = match record {
            Ok(r) => r.iter().map(String::from).collect(),
            Err(e) => return Err(invalid("file", "unreadable", format!("line {}: {e}", n + 1))),
        };
        match stripe_report_line(&columns, &row, n as u32 + 1) {
            Ok(l) => lines.push(l),
            Err(e) if errors.len() < 50 => errors.push(e),
            Err(_) => {}
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(lines)
}

/// Imports and reconciles a report. Admins, finance, merchants (their own accounts).
pub async fn import_settlement(
    app: &App,
    principal: &Principal,
    u: &SettlementUpload,
    body: &[u8],
) -> AppResult<SettlementView> {
    principal.require(Permission::ManagePayments)?;
    let operator = principal.scope.operator_id;
    let (from, to) = (day(&u.from, "from")?, day(&u.to, "to")?);
    if to < from {
        return Err(invalid("to", "before_from", "to is the period's last day, on or after from"));
    }
    let next = to.tomorrow().map_err(|e| AppError::Internal(e.to_string()))?;
    let (period_from, period_to) = (utc_ms(from)?, utc_ms(next)?);
    let mut conn = app.db().read().await?;
    let account = accounts::get(&mut conn, operator, principal.scope.merchant_id, &u.account_id)
        .await?
        .ok_or(AppError::NotFound("payment account"))?;
    let provider = PaymentProvider::parse(&account.provider)
        .ok_or_else(|| AppError::Internal(format!("account {} has an unknown provider", account.id)))?;
    let lines = read_lines(provider, body)?;
    // The period's payments, and any earlier one a line names.
    let mut rows = payment_rows::of_period(&mut conn, &account.id, period_from, period_to).await?;
    let known: HashSet<String> = rows.iter().map(|p| p.reference.clone()).collect();
    let named: HashSet<&str> = lines.iter().map(|l| l.reference.as_str()).filter(|r| !r.is_empty()).collect();
    for reference in named.into_iter().filter(|r| !known.contains(*r)) {
        rows.extend(payment_rows::find(&mut conn, &account.id, reference).await?);
    }
    drop(conn);
    // What went back to the buyer: refunds, and a dispute not won (its money is withdrawn while
    // it is open, as the provider's balance shows it).
    let payments: Vec<KnownPayment> = rows
        .into_iter()
        .map(|p| {
            let facts: PaymentFacts = serde_json::from_str(&p.facts).unwrap_or_default();
            let disputed =
                facts.dispute.as_ref().filter(|d| d.status != DisputeStatus::Won).map_or(0, |d| d.amount);
            KnownPayment {
                id: p.id,
                order_id: p.order_id,
                reference: p.reference,
                currency: p.currency,
                captured: p.captured_minor,
                refunded: p.refunded_minor + disputed,
            }
        })
        .collect();
    let mut found = reconcile(&lines, &payments);
    found.sort_by_key(|r| (r.finding == Finding::Matched, r.reference.clone()));

    let id = app.new_uuid().to_string();
    let items: Vec<SettlementItemRow> = found
        .iter()
        .enumerate()
        .map(|(n, r)| SettlementItemRow {
            id: app.new_uuid().to_string(),
            report_id: id.clone(),
            position: n as i64,
            finding: serde_json::to_value(r.finding)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            reference: r.reference.clone(),
            currency: r.currency.clone(),
            line_nos: r.line_nos.iter().map(u32::to_string).collect::<Vec<_>>().join(","),
            payment_id: r.payment_id.clone(),
            order_id: r.order_id.clone(),
            report_charged_minor: r.report_charged,
            ours_charged_minor: r.ours_charged,
            report_refunded_minor: r.report_refunded,
            ours_refunded_minor: r.ours_refunded,
            fee_minor: r.fee,
            difference_minor: if matches!(r.finding, Finding::Fee | Finding::NotReconciled) {
                0
            } else {
                r.difference()
            },
        })
        .collect();
    let mut summary = Summary { counts: BTreeMap::new(), totals: BTreeMap::new() };
    for i in &items {
        *summary.counts.entry(i.finding.clone()).or_default() += 1;
        let t = summary.totals.entry(i.currency.clone()).or_default();
        t.report_charged_minor += i.report_charged_minor;
        t.report_refunded_minor += i.report_refunded_minor;
        t.fees_minor += i.fee_minor;
        t.difference_minor += i.difference_minor;
    }
    let row = SettlementRow {
        id,
        tenant_id: operator.to_string(),
        merchant_id: account.merchant_id.clone(),
        account_id: account.id.clone(),
        provider: provider.as_str().into(),
        file_name: u.file_name.clone().unwrap_or_else(|| "settlement.csv".into()),
        period_from,
        period_to,
        line_count: lines.len() as i64,
        summary: serde_json::to_string(&summary).map_err(|e| AppError::Internal(e.to_string()))?,
        created_at: app.now().0,
    };
    let mut tx = app.begin().await?;
    settlements::insert_in_tx(&mut tx, &row, &items).await?;
    tx.commit().await?;
    view(&row, &items)
}

fn view(r: &SettlementRow, items: &[SettlementItemRow]) -> AppResult<SettlementView> {
    let corrupt = || AppError::Internal(format!("settlement {} cannot be read", r.id));
    let summary: Summary = serde_json::from_str(&r.summary).map_err(|_| corrupt())?;
    let items = items
        .iter()
        .map(|i| {
            Ok(SettlementItemView {
                finding: serde_json::from_value(serde_json::Value::String(i.finding.clone()))
                    .map_err(|_| corrupt())?,
                reference: i.reference.clone(),
                currency: i.currency.clone(),
                line_nos: i.line_nos.clone(),
                payment_id: i.payment_id.clone(),
                order_id: i.order_id.clone(),
                report_charged_minor: i.report_charged_minor,
                ours_charged_minor: i.ours_charged_minor,
                report_refunded_minor: i.report_refunded_minor,
                ours_refunded_minor: i.ours_refunded_minor,
                fee_minor: i.fee_minor,
                difference_minor: i.difference_minor,
            })
        })
        .collect::<AppResult<_>>()?;
    Ok(SettlementView {
        id: r.id.clone(),
        merchant_id: r.merchant_id.clone(),
        account_id: r.account_id.clone(),
        provider: PaymentProvider::parse(&r.provider).ok_or_else(corrupt)?,
        file_name: r.file_name.clone(),
        period_from: date_of(r.period_from),
        period_to: date_of(r.period_to - 1),
        line_count: r.line_count,
        counts: summary.counts,
        totals: summary.totals,
        created_at: r.created_at,
        items,
    })
}

/// The operator's reports (a merchant: its own), newest first, without their findings.
pub async fn list_settlements(app: &App, principal: &Principal) -> AppResult<Vec<SettlementView>> {
    principal.require(Permission::ManagePayments)?;
    let mut conn = app.db().read().await?;
    let rows = settlements::list(&mut conn, principal.scope.operator_id, principal.scope.merchant_id).await?;
    rows.iter().map(|r| view(r, &[])).collect()
}

/// One report with its findings.
pub async fn settlement_detail(app: &App, principal: &Principal, id: &str) -> AppResult<SettlementView> {
    principal.require(Permission::ManagePayments)?;
    let operator: TenantId = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let r = settlements::get(&mut conn, operator, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("settlement"))?;
    let items = settlements::items(&mut conn, &r.id).await?;
    view(&r, &items)
}

/// The findings as CSV for finance.
pub fn settlement_csv(v: &SettlementView) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "finding",
        "reference",
        "currency",
        "lines",
        "order_id",
        "report_charged_minor",
        "ours_charged_minor",
        "report_refunded_minor",
        "ours_refunded_minor",
        "fee_minor",
        "difference_minor",
    ]);
    for i in &v.items {
        let finding = serde_json::to_value(i.finding)
            .ok()
            .and_then(|f| f.as_str().map(String::from))
            .unwrap_or_default();
        let _ = w.write_record([
            finding,
            i.reference.clone(),
            i.currency.clone(),
            i.line_nos.clone(),
            i.order_id.clone().unwrap_or_default(),
            i.report_charged_minor.to_string(),
            i.ours_charged_minor.to_string(),
            i.report_refunded_minor.to_string(),
            i.ours_refunded_minor.to_string(),
            i.fee_minor.to_string(),
            i.difference_minor.to_string(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The report as a PDF.
pub fn settlement_pdf(v: &SettlementView) -> AppResult<crate::warehouse::Document> {
    let title = format!("Settlement {} {} to {}", v.provider.as_str(), v.period_from, v.period_to);
    let mut lines = vec![
        PdfLine::heading(title.clone()),
        PdfLine::text(format!("File {} · {} lines · merchant {}", v.file_name, v.line_count, v.merchant_id)),
    ];
    for (currency, t) in &v.totals {
        lines.push(PdfLine::text(format!(
            "{currency}: charged {} · refunded {} · fees {} · difference {} (minor units)",
            t.report_charged_minor, t.report_refunded_minor, t.fees_minor, t.difference_minor
        )));
    }
    lines.push(PdfLine::heading("Findings"));
    for i in &v.items {
        let finding = serde_json::to_value(i.finding)
            .ok()
            .and_then(|f| f.as_str().map(String::from))
            .unwrap_or_default();
        lines.push(PdfLine::text(format!(
            "{finding} · {} · {} · report {}/{} · Tradeport {}/{} · fee {} · difference {}{}",
            i.reference,
            i.currency,
            i.report_charged_minor,
            i.report_refunded_minor,
            i.ours_charged_minor,
            i.ours_refunded_minor,
            i.fee_minor,
            i.difference_minor,
            i.order_id.as_deref().map(|o| format!(" · order {o}")).unwrap_or_default()
        )));
    }
    let pdf = render_pdf(&title, &lines).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::warehouse::Document { file_name: format!("settlement-{}.pdf", v.id), pdf })
}

#[cfg(test)]
mod tests {
    use super::stl_records;

    const STL: &str = "\"RH\",2026/07/30 03:12:45 -0700,\"A\",\"T\",009,\n\"CH\",\"Transaction ID\",\"Gross Transaction Amount\"\n\"SB\",\"1REC\",4599\n";

    fn utf16(text: &str, little: bool) -> Vec<u8> {
        let mut bytes = if little { vec![0xff, 0xfe] } else { vec![0xfe, 0xff] };
        for unit in text.encode_utf16() {
            bytes.extend(if little { unit.to_le_bytes() } else { unit.to_be_bytes() });
        }
        bytes
    }

    /// PayPal delivers UTF-8 (with a byte-order mark since spec 9.0.3) or, in older files, UTF-16;
    /// fields between commas or tabs. Every form reads to the same records.
    #[test]
    fn an_stl_file_reads_the_same_in_every_encoding_and_separator_paypal_uses() {
        let expected = stl_records(STL.as_bytes()).unwrap();
        assert_eq!(expected[2], ["SB", "1REC", "4599"]);
        let with_bom = [b"\xef\xbb\xbf".as_slice(), STL.as_bytes()].concat();
        let tabs = STL.replace(',', "\t");
        for (what, bytes) in [
            ("a byte-order mark", with_bom),
            ("UTF-16 LE", utf16(STL, true)),
            ("UTF-16 BE", utf16(STL, false)),
            ("tabs", tabs.clone().into_bytes()),
            ("UTF-16 with tabs", utf16(&tabs, true)),
        ] {
            let got = stl_records(&bytes).unwrap_or_else(|e| panic!("{what}: {e:?}"));
            assert_eq!(got[1..], expected[1..], "{what}");
        }
        assert!(stl_records(&[0xff, 0xfe, 0x00, 0xd8]).is_err(), "a broken UTF-16 file is refused");
        assert!(stl_records(b"\"SB\",\xff\xfe\xfd").is_err(), "a file that is not text is refused");
    }
}
