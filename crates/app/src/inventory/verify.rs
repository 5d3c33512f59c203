//! `tradeport inventory verify`: recomputes every balance from the ledger, and every reservation
//! from the allocations of the orders that hold stock, and reports any difference (INV-3).
//! Allocations left on an order that should hold none (cancelled, rejected, on hold) are drift too.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use tradeport_domain::kernel::{SkuId, WarehouseId};
use tradeport_store::inventory::stock;
use tradeport_store::orders::allocations;

use crate::{App, AppResult};

/// A balance that disagrees with the ledger or with the orders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Drift {
    pub sku_id: String,
    pub warehouse_id: String,
    pub balance_on_hand: i64,
    pub ledger_on_hand: i64,
    pub balance_reserved: i64,
    pub ledger_reserved: i64,
    pub orders_reserved: i64,
    /// Orders that are not approved or confirmed yet still have allocations here (a warehouse of
    /// "" is a backorder).
    pub stray_order_ids: Vec<String>,
}

/// Every drift, across all tenants; empty when the books agree.
pub async fn verify_inventory(app: &App) -> AppResult<Vec<Drift>> {
    let mut conn = app.db().read().await?;
    let sums = stock::ledger_vs_balances(&mut conn).await?;
    let mut by_orders: BTreeMap<(SkuId, Option<WarehouseId>), i64> = BTreeMap::new();
    for (sku, wh, qty) in allocations::reserved_totals(&mut conn).await? {
        by_orders.insert((sku, Some(wh)), qty);
    }
    // A stray backorder (no warehouse) is listed under the SKU's every-warehouse key: (SKU, None).
    let mut stray: BTreeMap<(SkuId, Option<WarehouseId>), Vec<String>> = BTreeMap::new();
    for (sku, wh, order) in allocations::stray_allocations(&mut conn).await? {
        stray.entry((sku, wh)).or_default().push(order.to_string());
    }
    let mut keys: BTreeSet<(SkuId, Option<WarehouseId>)> = sums.keys().map(|(s, w)| (*s, Some(*w))).collect();
    keys.extend(by_orders.keys().copied());
    keys.extend(stray.keys().copied());
    let mut drifts = Vec::new();
    for key in keys {
        let sum = key.1.and_then(|wh| sums.get(&(key.0, wh)));
        let [on_hand, reserved, ledger_on_hand, ledger_reserved] = sum.copied().unwrap_or_default();
        let orders_reserved = by_orders.get(&key).copied().unwrap_or(0);
        let stray_order_ids = stray.remove(&key).unwrap_or_default();
        let bad = !stray_order_ids.is_empty()
            || on_hand != ledger_on_hand
            || reserved != ledger_reserved
            || reserved != orders_reserved
            || reserved > on_hand
            || reserved < 0;
        if bad {
            drifts.push(Drift {
                sku_id: key.0.to_string(),
                warehouse_id: key.1.map(|w| w.to_string()).unwrap_or_default(),
                balance_on_hand: on_hand,
                ledger_on_hand,
                balance_reserved: reserved,
                ledger_reserved,
                orders_reserved,
                stray_order_ids,
            });
        }
    }
    Ok(drifts)
}
