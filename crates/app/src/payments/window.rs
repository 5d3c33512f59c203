//! The payment window (ORD-5, INV-2): an unpaid order whose channel is given a window holds its
//! stock while the buyer pays, as a reservation through the stock ledger, and a job due at the
//! window's end gives it back if the payment has not come. The job runs once: it acts only on an
//! order still `awaiting_payment`, and the state write compares and sets, so two workers (or two
//! app nodes) cannot release the same reservation twice. A payment that comes later finds the
//! order on hold and goes through review, which reserves again or follows the shortage policy.

use tradeport_domain::access::Actor;
use tradeport_domain::jobs::JobKind;
use tradeport_domain::kernel::{Millis, OrderId, TenantId};
use tradeport_domain::orders::{OrderAction, OrderStatus, ValidatedLine};
use tradeport_store::AnyConnection;
use tradeport_store::events::NewEvent;
use tradeport_store::jobs::JobRow;
use tradeport_store::orders::OrderRow;

use crate::access::{OperatorPolicy, load_operator};
use crate::inventory::reserve_order_in_tx;
use crate::orders::{Step, apply_in_tx, to_json};
use crate::{App, AppResult};

/// Reserves stock for an order taken in `awaiting_payment` and queues the end of its window.
/// Short stock under the `hold` policy holds the order instead (nothing reserved, no window).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn hold_stock_for_payment_in_tx<'a>(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    policy: &OperatorPolicy,
    mut order: OrderRow,
    lines: &[ValidatedLine],
    minutes: u32,
    events: &mut Vec<NewEvent<'a>>,
) -> AppResult<OrderRow> {
    let settings = crate::orders::reservation_settings(conn, operator, order.id, &policy.settings).await?;
    let r = reserve_order_in_tx(
        app,
        conn,
        operator,
        order.id,
        &order.ship_country,
        lines,
        &settings,
        None,
        Actor::System,
        None,
    )
    .await?;
    if !r.shortages.is_empty() {
        let mut holds = crate::orders::parse_holds(&order.holds);
        holds.extend(r.shortages);
        order.status = OrderStatus::OnHold;
        order.holds = to_json(&holds)?;
        return Ok(order);
    }
    order.allocation = r.allocation;
    let due = Millis(order.created_at.0 + i64::from(minutes) * 60_000);
    let payload = serde_json::json!({ "order_id": order.id.to_string() });
    crate::jobs::enqueue_in_tx(app, conn, Some(operator), JobKind::PaymentWindowExpiry, &payload, due)
        .await?;
    events.push(NewEvent {
        merchant_id: Some(order.merchant_id),
        data: serde_json::json!({ "minutes": minutes, "due_at": due.0, "allocation": order.allocation.as_str() })
            .to_string(),
        ..app.event(Actor::System, "order", order.id, "order_payment_window_opened")
    });
    Ok(order)
}

/// The job at a window's end: an order still waiting for its payment gives its stock back and
/// waits on hold; any other order is left as it is.
pub(crate) async fn run_window_expiry(app: &App, job: &JobRow) -> Result<(), String> {
    let payload: serde_json::Value =
        serde_json::from_str(&job.payload).map_err(|e| format!("payload: {e}"))?;
    let order_id: OrderId =
        payload["order_id"].as_str().and_then(|s| s.parse().ok()).ok_or("payload: no order_id")?;
    let operator = job.tenant_id.ok_or("the job has no operator")?;
    expire_window(app, operator, order_id).await.map_err(|e| e.to_string())
}

async fn expire_window(app: &App, operator: TenantId, order_id: OrderId) -> AppResult<()> {
    let policy = {
        let mut conn = app.db().read().await?;
        load_operator(&mut conn, operator).await?
    };
    let mut tx = app.begin().await?;
    let order = tx.lock_order(operator, None, order_id).await?;
    if order.status != OrderStatus::AwaitingPayment {
        tx.end_unwritten().await?;
        return Ok(());
    }
    let step = Step {
        actor: Actor::System,
        action: OrderAction::PaymentWindowExpired,
        reason: Some("the payment window closed unpaid; the stock went back"),
        forced_warehouse: None,
        lines: None,
        late: None,
    };
    apply_in_tx(app, &mut tx, operator, &order, step, &policy).await?;
    tx.commit().await?;
    Ok(())
}
