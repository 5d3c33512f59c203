//! What an order's payments mean for it (ORD-5, ORD-10): its payment status, what it has
//! received, and what holds it. Only a payment in the order's currency counts towards its total;
//! one in another currency, a total paid more than once over, and a dispute each hold the order
//! with the reason and the fix, so a person decides (a refund, a correction, the dispute's
//! evidence) before anything ships.

use super::facts::{DisputeStatus, PaymentFacts, PaymentState};
use crate::kernel::{FieldError, Money};
use crate::orders::PaymentStatus;

/// The hold codes that come from payments; a new judgement replaces all of them on the order.
pub const PAYMENT_HOLD_CODES: [&str; 4] =
    ["not_paid", "payment_currency_mismatch", "payment_overpaid", "payment_disputed"];

/// One of the order's payments.
#[derive(Clone, Copy, Debug)]
pub struct PaidPayment<'a> {
    /// The provider's reference (`pi_…`), to name it in a reason.
    pub reference: &'a str,
    /// ISO 4217, upper case.
    pub currency: &'a str,
    pub facts: &'a PaymentFacts,
}

/// The order's payment, judged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderPaymentJudgement {
    pub status: PaymentStatus,
    /// Received in the order's currency, refunds and lost disputes taken off.
    pub paid: Money,
    /// What holds the order; empty when it may go on.
    pub holds: Vec<FieldError>,
}

/// The hold of an order that has not received its total.
pub fn not_paid_hold(paid: Money, total: Money, status: PaymentStatus) -> FieldError {
    let missing = total.checked_sub(paid).unwrap_or(Money::zero(total.currency()));
    FieldError::new(
        "paid_minor",
        "not_paid",
        format!(
            "the order is not fully paid ({} of {}, {} missing, status {}); wait for payment or ask the buyer to pay",
            paid.major(),
            total.major(),
            missing.major(),
            status.as_str()
        ),
    )
    .with("paid", format!("{} {}", paid.major(), total.currency()))
    .with("total", format!("{} {}", total.major(), total.currency()))
    .with("missing", format!("{} {}", missing.major(), total.currency()))
}

/// Judges the order of `total` by its payments.
pub fn judge_order_payment(total: Money, payments: &[PaidPayment<'_>]) -> OrderPaymentJudgement {
    let currency = total.currency();
    let mut holds = Vec::new();
    let mut net = 0i64;
    let (mut any_captured, mut any_authorised, mut all_refunded) = (false, false, true);
    for p in payments {
        let f = p.facts;
        if p.currency != currency.code() {
            if f.net_received() > 0 {
                holds.push(FieldError::new(
                    "payments",
                    "payment_currency_mismatch",
                    format!(
                        "payment {} captured {} {} for an order in {}; refund it and ask the buyer to pay in {}",
                        p.reference,
                        f.net_received(),
                        p.currency,
                        currency.code(),
                        currency.code()
                    ),
                )
                .with("reference", p.reference)
                .with("received", {
                    let amount = crate::kernel::Currency::parse_stored(p.currency)
                        .map_or_else(|| f.net_received().to_string(), |c| c.format(f.net_received()));
                    format!("{amount} {}", p.currency)
                })
                .with("currency", currency.code()));
            }
            continue;
        }
        net = net.saturating_add(f.paid_in());
        any_captured |= f.captured > 0;
        all_refunded &= f.captured == 0 || f.refunded_in_full();
        any_authorised |= f.authorised() > 0;
    }
    let refunded_in_full = any_captured && all_refunded;
    for p in payments.iter().filter(|p| p.facts.state() == PaymentState::Disputed) {
        let d = p.facts.dispute.as_ref().unwrap_or_else(|| unreachable!("a disputed payment has a dispute"));
        let why = if d.reason.is_empty() { "no reason given" } else { d.reason.as_str() };
        let fix = if d.status == DisputeStatus::Lost {
            "the dispute was lost and the money is gone: cancel the order or ask the buyer to pay again"
        } else {
            "answer the dispute with the order's evidence; the order goes on once it is won"
        };
        holds.push(
            FieldError::new(
                "payments",
                "payment_disputed",
                format!(
                    "the buyer disputed payment {} ({why}, {} minor units): {fix}",
                    p.reference, d.amount
                ),
            )
            .with("reference", p.reference),
        );
    }
    let paid = Money::new(net, currency).unwrap_or(total);
    let status = if refunded_in_full {
        PaymentStatus::Refunded
    } else if net >= total.minor() {
        PaymentStatus::Paid
    } else if net > 0 {
        PaymentStatus::PartiallyPaid
    } else if any_authorised {
        PaymentStatus::Authorized
    } else {
        PaymentStatus::Unpaid
    };
    if refunded_in_full {
        holds.insert(0, not_paid_hold(Money::zero(currency), total, status));
    } else if net < total.minor() {
        holds.insert(0, not_paid_hold(paid, total, status));
    } else if net > total.minor() {
        let extra = Money::new(net - total.minor(), currency).unwrap_or(total);
        holds.insert(
            0,
            FieldError::new(
                "paid_minor",
                "payment_overpaid",
                format!(
                    "{} was received, {} more than the total {}; refund the difference or correct the order",
                    paid.major(),
                    extra.major(),
                    total.major()
                ),
            )
            .with("paid", format!("{} {}", paid.major(), total.currency()))
            .with("extra", format!("{} {}", extra.major(), total.currency()))
            .with("total", format!("{} {}", total.major(), total.currency())),
        );
    }
    OrderPaymentJudgement { status, paid, holds }
}
