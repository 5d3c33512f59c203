//! Cancelling an order the warehouse has started on (WMS-4 … WMS-6): its open pick lines are
//! cancelled, its packages too, and the units already picked go back to the dock as `restock`
//! movements, where the put-away queue shows them until they are back in a bin. The reservation
//! itself is released by the order's cancellation, as for any order.

use std::collections::BTreeMap;

use tradeport_domain::access::Actor;
use tradeport_domain::inventory::MovementKind;
use tradeport_domain::kernel::{Millis, OrderId, SkuId, TenantId, WarehouseId};
use tradeport_domain::warehouse::{PackageStatus, PickLineStatus};
use tradeport_store::AnyConnection;
use tradeport_store::inventory::stock::{self, Movement};
use tradeport_store::warehouse::packages::{self, PackageRow};
use tradeport_store::warehouse::waves::{self, LinesOf};

use super::movement;
use crate::{App, AppError, AppResult};

/// Undoes the warehouse's work on an order being cancelled, in the cancelling transaction.
pub(crate) async fn undo_warehouse_work_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    order_id: OrderId,
    actor: Actor,
    now: Millis,
) -> AppResult<()> {
    let lines = waves::lines(conn, operator, LinesOf::Order(order_id)).await?;
    // Every stock row the cancellation will touch (picked units here, the reservation after), locked
    // at once in (SKU, warehouse) order: the unpicking and the release below then wait for no row.
    let mut skus: Vec<SkuId> = lines.iter().map(|l| l.sku_id).collect();
    skus.extend(
        tradeport_store::orders::allocations::list(conn, operator, order_id).await?.iter().map(|a| a.sku_id),
    );
    skus.sort();
    skus.dedup();
    stock::lock_balances_in_tx(conn, operator, &skus).await?;
    let mut picked: BTreeMap<(SkuId, WarehouseId), i64> = BTreeMap::new();
    for l in &lines {
        if l.picked > 0 {
            *picked.entry((l.sku_id, l.warehouse_id)).or_default() += l.picked;
        }
        if !l.status.is_settled() {
            waves::set_status_in_tx(conn, operator, l, PickLineStatus::Cancelled, now).await?;
            waves::complete_if_done_in_tx(conn, operator, l.wave_id, now).await?;
        }
    }
    for ((sku, wh), qty) in picked {
        if !stock::unpick_in_tx(conn, operator, sku, wh, qty, now).await? {
            return Err(AppError::Internal(format!(
                "order {order_id} picked {qty} of {sku}, more than the warehouse counts as picked"
            )));
        }
        let m = Movement {
            picked_delta: -qty,
            order_id: Some(order_id),
            ..movement(
                app,
                sku,
                wh,
                MovementKind::Restock,
                actor,
                Some("order cancelled after picking: back to the dock"),
                now,
            )
        };
        stock::record_in_tx(conn, operator, &m).await?;
    }
    for p in packages::of_order(conn, operator, order_id).await? {
        if !matches!(p.status, PackageStatus::HandedOver | PackageStatus::Cancelled) {
            let after = PackageRow { status: PackageStatus::Cancelled, ..p };
            packages::update_in_tx(conn, operator, &after, now).await?;
        }
    }
    Ok(())
}
