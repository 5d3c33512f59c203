//! A payment the channel took (ORD-5): an order that came in unpaid or only authorised is paid in
//! full when its shop or marketplace says so (Shopify `orders/paid`, a WooCommerce order moving to
//! processing, a marketplace order polled again), with the order locked. Its payment holds are
//! lifted; an order held only for its payment is released and goes on as a paid order would (to
//! review, and on where the operator's rules allow); one held for other reasons keeps those (one
//! waiting for its payment is held for them). The payment is on the order's timeline either way.
//! A payment for less than the total, or for an order already paid, changes nothing. (Payments
//! through a provider are settled by `payments::settle_order` from the provider's events.)

use tradeport_domain::access::Actor;
use tradeport_domain::kernel::{FieldError, TenantId};
use tradeport_domain::orders::{OrderAction, OrderStatus, PaymentStatus};
use tradeport_domain::payments::PAYMENT_HOLD_CODES;
use tradeport_store::events::NewEvent;
use tradeport_store::orders::{self, OrderRow};

use crate::access::load_operator;
use crate::orders::{Step, approve_automatically_in_tx, decide_in_tx, parse_holds, record_in_tx, to_json};
use crate::{App, AppResult};

/// Applies the channel's payment of `paid_minor` to order `o`; what it did (`None`: nothing to
/// do).
pub(super) async fn paid_in_channel(
    app: &App,
    operator: TenantId,
    o: &OrderRow,
    paid_minor: i64,
    channel: &str,
) -> AppResult<Option<String>> {
    if o.payment_status == PaymentStatus::Paid || paid_minor < o.total.minor() || o.total.minor() <= 0 {
        return Ok(None);
    }
    let policy = {
        let mut conn = app.db().read().await?;
        load_operator(&mut conn, operator).await?
    };
    let now = app.now();
    let mut tx = app.begin().await?;
    let Some(order) = orders::lock_in_tx(&mut tx, operator, None, o.id).await? else {
        return Ok(None);
    };
    if order.payment_status == PaymentStatus::Paid {
        return Ok(None);
    }
    crate::archive::refuse_if_archived(&mut tx, operator, order.id).await?;
    orders::set_payment_in_tx(&mut tx, operator, order.id, order.total.minor(), PaymentStatus::Paid, now)
        .await?;
    let order = OrderRow { paid: order.total, payment_status: PaymentStatus::Paid, ..order };
    let holds: Vec<FieldError> = parse_holds(&order.holds)
        .into_iter()
        .filter(|h| !PAYMENT_HOLD_CODES.contains(&h.code.as_str()))
        .collect();
    let reason = format!("paid in {channel}");
    let step = |action| Step {
        actor: Actor::System,
        action,
        reason: Some(reason.as_str()),
        forced_warehouse: None,
        lines: None,
        late: None,
    };
    let (mut events, mut messages) = (Vec::new(), Vec::new());
    let first_hold = holds.first().map(|h| h.message.clone()).unwrap_or_default();
    let after = match order.status {
        OrderStatus::AwaitingPayment | OrderStatus::OnHold if holds.is_empty() => {
            let action = if order.status == OrderStatus::AwaitingPayment {
                OrderAction::PaymentReceived
            } else {
                OrderAction::ReleaseHold
            };
            let d = decide_in_tx(app, &mut tx, operator, &order, step(action), &policy).await?;
            events.push(d.event);
            let row = OrderRow { holds: "[]".into(), ..d.row };
            approve_automatically_in_tx(
                app,
                &mut tx,
                operator,
                &policy,
                row,
                None,
                None,
                &mut events,
                &mut messages,
            )
            .await?
        }
        // Paid, but held for something else: on hold for that.
        OrderStatus::AwaitingPayment => {
            let hold = Step { reason: Some(first_hold.as_str()), ..step(OrderAction::Hold) };
            let d = decide_in_tx(app, &mut tx, operator, &order, hold, &policy).await?;
            events.push(d.event);
            messages.extend(d.message);
            OrderRow { holds: to_json(&holds)?, ..d.row }
        }
        OrderStatus::OnHold => OrderRow { holds: to_json(&holds)?, updated_at: now, ..order.clone() },
        _ => order.clone(),
    };
    // The payment is on the order's timeline even when nothing else changed.
    let data = serde_json::json!({"paid_minor": order.total.minor(), "channel": channel}).to_string();
    let paid_event = NewEvent {
        merchant_id: Some(order.merchant_id),
        reason: Some(reason.as_str()),
        data,
        ..app.event(Actor::System, "order", order.id, "order_paid_in_channel")
    };
    if after.status != order.status || after.holds != order.holds {
        events.push(paid_event);
        record_in_tx(app, &mut tx, operator, &policy, Some(order.status), &after, &events, &messages).await?;
    } else {
        tradeport_store::events::append_in_tx(&mut tx, operator, &paid_event).await?;
    }
    tx.commit().await?;
    Ok(Some(format!("{reason}; the order is {}", after.status.as_str())))
}
