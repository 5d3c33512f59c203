//! What an order's payments make of it (ORD-5, ORD-10), decided inside the transaction that took
//! the payment's event, with the order locked:
//!
//! - paid in full, in its currency: the payment holds are lifted; an order waiting for its payment
//!   goes to review, and on to approval and confirmation where the operator's rules allow;
//! - short, in another currency, paid over, or disputed: the order is held with the reason
//!   (stock held for the payment window goes back), unless it is already past holding;
//! - a dispute opens a payment-dispute case once per payment; an order in the warehouse cannot
//!   be held, and the open case stops its hand-over instead;
//! - a payment for a cancelled or rejected order is marked for a person to refund.

use tradeport_domain::access::Actor;
use tradeport_domain::exceptions::CaseType;
use tradeport_domain::kernel::{FieldError, Millis, TenantId};
use tradeport_domain::orders::{OrderAction, OrderStatus, PaymentStatus};
use tradeport_domain::payments::{
    DisputeStatus, PAYMENT_HOLD_CODES, PaidPayment, PaymentFacts, PaymentState, judge_order_payment,
    not_paid_hold,
};
use tradeport_store::AnyConnection;
use tradeport_store::exceptions::cases::{CaseRow, NewCase};
use tradeport_store::orders::{self, OrderRow};
use tradeport_store::payments::rows::{self as payment_rows, PaymentRow};

use crate::access::OperatorPolicy;
use crate::orders::{Step, approve_automatically_in_tx, decide_in_tx, parse_holds, record_in_tx, to_json};
use crate::{App, AppError, AppResult};

fn facts_of(p: &PaymentRow) -> AppResult<PaymentFacts> {
    serde_json::from_str(&p.facts).map_err(|e| AppError::Internal(format!("payment {} facts: {e}", p.id)))
}

/// What in the order's payment holds it now: the judgement of its payments once one has moved
/// money, else the payment its channel reported (ORD-5, ORD-10).
pub(crate) async fn payment_holds_in_tx(
    conn: &mut AnyConnection,
    operator: TenantId,
    order: &OrderRow,
) -> AppResult<Vec<FieldError>> {
    let payments = payment_rows::of_order(conn, operator, order.id).await?;
    let facts: Vec<PaymentFacts> = payments.iter().map(facts_of).collect::<AppResult<_>>()?;
    if facts.iter().any(|f| f.captured > 0 || f.dispute.is_some()) {
        let paid: Vec<PaidPayment<'_>> = payments
            .iter()
            .zip(&facts)
            .map(|(p, f)| PaidPayment { reference: &p.reference, currency: &p.currency, facts: f })
            .collect();
        return Ok(judge_order_payment(order.total, &paid).holds);
    }
    let unpaid = order.payment_status != PaymentStatus::Paid || order.paid < order.total;
    Ok(unpaid.then(|| not_paid_hold(order.paid, order.total, order.payment_status)).into_iter().collect())
}

/// Settles `order` (locked by the caller) by all its payments; says what came of it.
/// `dispute_opened`: the event being taken opened a dispute (its case is opened once, then).
pub(crate) async fn settle_order_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    policy: &OperatorPolicy,
    order: &OrderRow,
    dispute_opened: bool,
) -> AppResult<String> {
    let now = app.now();
    let payments = payment_rows::of_order(conn, operator, order.id).await?;
    let facts: Vec<PaymentFacts> = payments.iter().map(facts_of).collect::<AppResult<_>>()?;
    let paid: Vec<PaidPayment<'_>> = payments
        .iter()
        .zip(&facts)
        .map(|(p, f)| PaidPayment { reference: &p.reference, currency: &p.currency, facts: f })
        .collect();
    // Until a payment has moved money, the order's payment stays as its channel said (an order
    // taken in as paid is not held by a PaymentIntent that was merely created).
    if !facts.iter().any(|f| f.captured > 0 || f.dispute.is_some())
        && order.status != OrderStatus::AwaitingPayment
    {
        return Ok(format!("recorded; the order is {} as its channel said", order.status.as_str()));
    }
    let judged = judge_order_payment(order.total, &paid);
    if judged.paid != order.paid || judged.status != order.payment_status {
        orders::set_payment_in_tx(conn, operator, order.id, judged.paid.minor(), judged.status, now).await?;
    }
    let order = OrderRow { paid: judged.paid, payment_status: judged.status, ..order.clone() };

    for (p, f) in payments.iter().zip(&facts) {
        if dispute_opened && f.state() == PaymentState::Disputed {
            open_dispute_case_in_tx(app, conn, operator, &order, p, f).await?;
        } else if f.dispute.as_ref().is_some_and(|d| d.status == DisputeStatus::Won) {
            let key = format!("payment_dispute/{}", p.id);
            tradeport_store::exceptions::cases::close_by_key_in_tx(
                conn,
                operator,
                &key,
                "the dispute was won",
                now,
            )
            .await?;
        }
    }
    if matches!(order.status, OrderStatus::Cancelled | OrderStatus::Rejected) {
        flag_refund_due_in_tx(conn, &payments, order.status, now).await?;
        return Ok(format!("the order is {}", order.status.as_str()));
    }

    // The order's holds with the payment ones decided again; the others (phone, stock …) stay.
    let mut holds: Vec<FieldError> = parse_holds(&order.holds)
        .into_iter()
        .filter(|h| !PAYMENT_HOLD_CODES.contains(&h.code.as_str()))
        .collect();
    // An order waiting for its payment that has simply not been paid yet keeps waiting.
    let only_unpaid = judged.holds.iter().all(|h| h.code == "not_paid") && judged.paid.is_zero();
    holds.extend(judged.holds.iter().cloned());
    let reason = holds.first().map(|h| h.message.clone()).unwrap_or_default();
    let step = |action, reason: Option<&'static str>| Step {
        actor: Actor::System,
        action,
        reason,
        forced_warehouse: None,
        lines: None,
        late: None,
    };
    let mut events = Vec::new();
    let mut messages = Vec::new();
    let after = match order.status {
        OrderStatus::AwaitingPayment if holds.is_empty() => {
            let d = decide_in_tx(
                app,
                conn,
                operator,
                &order,
                step(OrderAction::PaymentReceived, Some("paid in full")),
                policy,
            )
            .await?;
            events.push(d.event);
            let row = OrderRow { holds: "[]".into(), ..d.row };
            approve_automatically_in_tx(
                app,
                conn,
                operator,
                policy,
                row,
                None,
                None,
                &mut events,
                &mut messages,
            )
            .await?
        }
        OrderStatus::AwaitingPayment if only_unpaid => OrderRow { holds: to_json(&holds)?, ..order.clone() },
        OrderStatus::OnHold if holds.is_empty() => {
            let d = decide_in_tx(
                app,
                conn,
                operator,
                &order,
                step(OrderAction::ReleaseHold, Some("paid in full")),
                policy,
            )
            .await?;
            events.push(d.event);
            approve_automatically_in_tx(
                app,
                conn,
                operator,
                policy,
                d.row,
                None,
                None,
                &mut events,
                &mut messages,
            )
            .await?
        }
        OrderStatus::OnHold => OrderRow { holds: to_json(&holds)?, updated_at: now, ..order.clone() },
        OrderStatus::AwaitingPayment
        | OrderStatus::PendingReview
        | OrderStatus::PendingSecondReview
        | OrderStatus::Approved
        | OrderStatus::Confirmed
            if !judged.holds.is_empty() =>
        {
            let hold = Step { reason: Some(reason.as_str()), ..step(OrderAction::Hold, None) };
            let d = decide_in_tx(app, conn, operator, &order, hold, policy).await?;
            events.push(d.event);
            messages.extend(d.message);
            OrderRow { holds: to_json(&holds)?, ..d.row }
        }
        _ => order.clone(),
    };
    let changed = after.status != order.status || after.holds != order.holds;
    if changed {
        record_in_tx(app, conn, operator, policy, Some(order.status), &after, &events, &messages).await?;
    }
    let detail = if judged.holds.is_empty() {
        format!("paid in full; the order is {}", after.status.as_str())
    } else {
        format!(
            "the order is {}: {}",
            after.status.as_str(),
            judged.holds.iter().map(|h| h.message.as_str()).collect::<Vec<_>>().join("; ")
        )
    };
    Ok(detail)
}

/// Opens the payment-dispute case of a disputed payment, once.
async fn open_dispute_case_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    order: &OrderRow,
    p: &PaymentRow,
    f: &PaymentFacts,
) -> AppResult<()> {
    let now = app.now();
    let (amount, why) = f.dispute.as_ref().map(|d| (d.amount, d.reason.as_str())).unwrap_or((0, ""));
    let case = CaseRow::opened(
        NewCase {
            id: app.new_uuid().to_string(),
            merchant_id: order.merchant_id,
            order_id: order.id,
            case_type: CaseType::PaymentDispute,
            cause: format!(
                "payment {} disputed ({}, {amount} minor units)",
                p.reference,
                if why.is_empty() { "no reason given" } else { why }
            ),
            department: CaseType::PaymentDispute.department(),
        },
        now,
    );
    let key = format!("payment_dispute/{}", p.id);
    let detail = serde_json::json!({ "payment_id": p.id, "reference": p.reference });
    crate::exceptions::open_case_in_tx(app, conn, operator, &case, Some(&key), Actor::System, detail).await?;
    Ok(())
}

/// Marks the payments that still hold the buyer's money of an order that is `status` (cancelled
/// or rejected) for a person to refund (`GET /api/v1/payments?attention=true`).
pub(crate) async fn flag_refund_due_in_tx(
    conn: &mut AnyConnection,
    payments: &[PaymentRow],
    status: OrderStatus,
    now: Millis,
) -> AppResult<()> {
    for p in payments.iter().filter(|p| p.captured_minor > p.refunded_minor && p.attention.is_empty()) {
        let attention = format!(
            "paid for an order that is {}: refund the payment or take the order in again",
            status.as_str()
        );
        payment_rows::update_in_tx(conn, &PaymentRow { attention, updated_at: now.0, ..p.clone() }).await?;
    }
    Ok(())
}
