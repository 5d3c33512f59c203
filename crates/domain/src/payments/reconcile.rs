//! Settlement reconciliation (ORD-5, AFS-4): a provider's settlement lines matched against the
//! payments and refunds Tradeport knows, to the minor unit, listing what does not agree: a line
//! for a payment Tradeport does not know, a payment of the period the provider did not settle,
//! amounts or currencies that differ, and the provider's fees.
//!
//! Charges and refunds are compared per payment reference with the lines of one reference added
//! up (a provider may settle a refund in several lines), so the order of lines never matters.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What a settlement line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// Money taken from the buyer (gross positive).
    Charge,
    /// Money given back (gross negative).
    Refund,
    /// A chargeback or its reversal.
    Dispute,
    /// A fee not tied to one payment (a monthly fee, a currency conversion fee).
    Fee,
    /// Money sent to the seller's bank: not reconciled against payments.
    Payout,
    /// Anything else the provider reports.
    Other,
}

/// One line of a settlement report, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettlementLine {
    /// The line's number in the file (1 is the first line after the header).
    pub line_no: u32,
    /// The provider's id of the line (a balance transaction `txn_…`, a PayPal transaction id).
    pub provider_id: String,
    pub kind: LineKind,
    /// The payment it belongs to (a PaymentIntent `pi_…`); empty when none.
    pub reference: String,
    /// ISO 4217, upper case.
    pub currency: String,
    /// Minor units; negative for money going back to the buyer.
    pub gross: i64,
    /// The provider's fee on the line, minor units, positive when charged to the seller.
    pub fee: i64,
    pub description: String,
}

/// A payment as Tradeport knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownPayment {
    pub id: String,
    pub order_id: Option<String>,
    pub reference: String,
    pub currency: String,
    pub captured: i64,
    pub refunded: i64,
}

/// What reconciling found on one reference or line.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// The provider and Tradeport agree.
    Matched,
    /// The provider settled a payment Tradeport does not know.
    MissingInTradeport,
    /// Tradeport has a captured payment the provider did not settle in this report.
    MissingInReport,
    /// Both know it, with different amounts (captured or refunded).
    AmountDiffers,
    /// Both know it, in different currencies.
    CurrencyDiffers,
    /// A fee the provider charged.
    Fee,
    /// A payout or another line not reconciled against payments.
    NotReconciled,
}

/// One result: a reference (its lines added up), a fee, or a payment missing from the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reconciled {
    pub finding: Finding,
    pub reference: String,
    pub currency: String,
    /// The report's lines behind it.
    pub line_nos: Vec<u32>,
    pub payment_id: Option<String>,
    pub order_id: Option<String>,
    /// Captured as the report says, and as Tradeport knows it.
    pub report_charged: i64,
    pub ours_charged: i64,
    /// Refunded as the report says (positive), and as Tradeport knows it.
    pub report_refunded: i64,
    pub ours_refunded: i64,
    /// The provider's fees on these lines.
    pub fee: i64,
}

impl Reconciled {
    /// What the report says less what Tradeport knows, net of refunds (minor units).
    pub fn difference(&self) -> i64 {
        (self.report_charged - self.report_refunded) - (self.ours_charged - self.ours_refunded)
    }
}

/// Reconciles `lines` against `payments` (the account's payments of the report's period).
pub fn reconcile(lines: &[SettlementLine], payments: &[KnownPayment]) -> Vec<Reconciled> {
    let mut out = Vec::new();
    let mut by_reference: BTreeMap<&str, Vec<&SettlementLine>> = BTreeMap::new();
    for l in lines {
        match l.kind {
            LineKind::Charge | LineKind::Refund | LineKind::Dispute if !l.reference.is_empty() => {
                by_reference.entry(l.reference.as_str()).or_default().push(l)
            }
            LineKind::Fee => out.push(single(l, Finding::Fee)),
            _ => out.push(single(l, Finding::NotReconciled)),
        }
    }
    for (reference, ls) in &by_reference {
        let charged: i64 = ls.iter().filter(|l| l.kind == LineKind::Charge).map(|l| l.gross).sum();
        let refunded: i64 = ls.iter().filter(|l| l.kind != LineKind::Charge).map(|l| -l.gross).sum();
        let currency = ls[0].currency.clone();
        let known = payments.iter().find(|p| p.reference == *reference);
        let finding = match known {
            None => Finding::MissingInTradeport,
            Some(p) if p.currency != currency => Finding::CurrencyDiffers,
            Some(p) if (p.captured, p.refunded) != (charged, refunded) => Finding::AmountDiffers,
            Some(_) => Finding::Matched,
        };
        out.push(Reconciled {
            finding,
            reference: reference.to_string(),
            currency,
            line_nos: ls.iter().map(|l| l.line_no).collect(),
            payment_id: known.map(|p| p.id.clone()),
            order_id: known.and_then(|p| p.order_id.clone()),
            report_charged: charged,
            ours_charged: known.map_or(0, |p| p.captured),
            report_refunded: refunded,
            ours_refunded: known.map_or(0, |p| p.refunded),
            fee: ls.iter().map(|l| l.fee).sum(),
        });
    }
    for p in payments.iter().filter(|p| p.captured > 0 && !by_reference.contains_key(p.reference.as_str())) {
        out.push(Reconciled {
            finding: Finding::MissingInReport,
            reference: p.reference.clone(),
            currency: p.currency.clone(),
            line_nos: Vec::new(),
            payment_id: Some(p.id.clone()),
            order_id: p.order_id.clone(),
            report_charged: 0,
            ours_charged: p.captured,
            report_refunded: 0,
            ours_refunded: p.refunded,
            fee: 0,
        });
    }
    out
}

fn single(l: &SettlementLine, finding: Finding) -> Reconciled {
    Reconciled {
        finding,
        reference: if l.reference.is_empty() { l.provider_id.clone() } else { l.reference.clone() },
        currency: l.currency.clone(),
        line_nos: vec![l.line_no],
        payment_id: None,
        order_id: None,
        report_charged: 0,
        ours_charged: 0,
        report_refunded: 0,
        ours_refunded: 0,
        fee: l.fee - if finding == Finding::Fee { l.gross } else { 0 },
    }
}
