//! Filling backorders when stock arrives (INV-4): approved and confirmed orders waiting for a SKU
//! get the new units, oldest order first, as reservations in the same transaction as the stock
//! change.
//!
//! Lock order: the waiting orders are locked ([`lock_waiting_orders`]) before the stock row is
//! changed, as on every other path (order first, then stock rows in (SKU, warehouse) order), and
//! only those orders are filled, re-read after the lock: an order cancelled meanwhile is skipped.

use tradeport_domain::access::Actor;
use tradeport_domain::inventory::{AllocationState, MovementKind};
use tradeport_domain::kernel::{OrderId, SkuId, TenantId, WarehouseId};
use tradeport_store::AnyConnection;
use tradeport_store::inventory::stock::{self, Movement};
use tradeport_store::orders::{self, allocations};

use crate::{App, AppResult};

/// Most backorders filled by one stock change; the rest wait for the next.
const BATCH: u32 = 500;

/// Locks the orders waiting for `sku_id`; call before changing its stock, and pass the result to
/// [`fill_backorders_in_tx`].
pub(crate) async fn lock_waiting_orders(
    conn: &mut AnyConnection,
    operator: TenantId,
    sku_id: SkuId,
) -> AppResult<Vec<OrderId>> {
    Ok(allocations::lock_backordered_orders_in_tx(conn, operator, sku_id, BATCH).await?)
}

/// Reserves what is available of `sku_id` at `warehouse_id` for the `locked` orders still waiting
/// for it; returns the units reserved.
pub(crate) async fn fill_backorders_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    sku_id: SkuId,
    warehouse_id: WarehouseId,
    locked: &[OrderId],
    actor: Actor,
) -> AppResult<i64> {
    // Only the row the arrival changed (and so locked): locking the SKU's other rows now could
    // take them out of (SKU, warehouse) order.
    let balance = stock::balance_in_tx(conn, operator, sku_id, warehouse_id).await?;
    let mut available = balance.map_or(0, |b| b.available());
    let mut filled = 0;
    let now = app.now();
    for b in allocations::backorders_for_sku(conn, operator, sku_id, BATCH).await? {
        if available <= 0 {
            break;
        }
        if !locked.contains(&b.order_id) {
            // Became a backorder after the lock was taken: the next arrival fills it.
            continue;
        }
        let take = b.quantity.min(available);
        if !stock::reserve_in_tx(conn, operator, sku_id, warehouse_id, take, now).await? {
            break;
        }
        let m = Movement {
            id: app.new_uuid().to_string(),
            sku_id,
            warehouse_id,
            kind: MovementKind::Reserve,
            on_hand_delta: 0,
            reserved_delta: take,
            bin: None,
            picked_delta: 0,
            order_id: Some(b.order_id),
            reason: Some("backorder filled"),
            actor,
            at: now,
        };
        stock::record_in_tx(conn, operator, &m).await?;
        allocations::reduce_backorder_in_tx(conn, operator, &b.allocation_id, take).await?;
        let row = allocations::AllocationRow {
            line_no: b.line_no,
            sku_id,
            warehouse_id: Some(warehouse_id),
            quantity: take,
        };
        allocations::insert_in_tx(conn, operator, b.order_id, &[app.new_uuid().to_string()], &[row], now)
            .await?;
        let still_waiting = allocations::backordered_units(conn, operator, b.order_id).await?;
        let allocation =
            if still_waiting == 0 { AllocationState::Reserved } else { AllocationState::Partial };
        orders::set_allocation_in_tx(conn, operator, b.order_id, allocation, now).await?;
        let data = serde_json::json!({ "sku_id": sku_id, "warehouse_id": warehouse_id, "quantity": take, "allocation": allocation.as_str() }).to_string();
        let event = tradeport_store::events::NewEvent {
            merchant_id: Some(b.merchant_id),
            data,
            ..app.event(actor, "order", b.order_id, "order_backorder_filled")
        };
        tradeport_store::events::append_in_tx(conn, operator, &event).await?;
        available -= take;
        filled += take;
    }
    Ok(filled)
}
