//! `tradeport inventory verify`: recomputes every balance from the ledger, and every reservation
//! from the allocations of the orders that hold stock, and reports any difference (INV-3).
//! Allocations left on an order that should hold none (cancelled, rejected, on hold) are drift too.
//! Bins too (INV-1): every bin balance equals its ledger sum, the bins of a SKU in a warehouse add
//! up to its `located`, and located plus picked never exceeds on hand.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use tradeport_domain::kernel::{BinId, EntityId, SkuId, WarehouseId};
use tradeport_store::inventory::stock;
use tradeport_store::orders::allocations;
use tradeport_store::warehouse::bins;

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
    /// Units in bins: the balance's figure, the ledger's and the bins' own sum.
    pub balance_located: i64,
    pub ledger_located: i64,
    pub bins_located: i64,
    pub balance_picked: i64,
    pub ledger_picked: i64,
    /// Orders that are not approved or confirmed yet still have allocations here (a warehouse of
    /// "" is a backorder).
    pub stray_order_ids: Vec<String>,
}

/// Every drift, across all tenants; empty when the books agree.
pub async fn verify_inventory(app: &App) -> AppResult<Vec<Drift>> {
    let mut conn = app.db().read().await?;
    let sums = stock::ledger_vs_balances(&mut conn).await?;
    let bin_sums = stock::bins_vs_ledger(&mut conn).await?;
    let bin_warehouse: BTreeMap<BinId, WarehouseId> = bins::warehouse_of_every_bin(&mut conn).await?;
    let mut in_bins: BTreeMap<(SkuId, WarehouseId), i64> = BTreeMap::new();
    let mut bad_bins: BTreeSet<(SkuId, WarehouseId)> = BTreeSet::new();
    for ((sku, bin, _lot), (balance, ledger)) in &bin_sums {
        let wh = bin_warehouse.get(bin).copied();
        if let Some(wh) = wh {
            *in_bins.entry((*sku, wh)).or_default() += balance;
        }
        if balance != ledger || *balance < 0 || wh.is_none() {
            bad_bins.insert((*sku, wh.unwrap_or(WarehouseId::from_uuid(uuid::Uuid::nil()))));
        }
    }
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
    keys.extend(bad_bins.iter().map(|(s, w)| (*s, Some(*w))));
    let mut drifts = Vec::new();
    for key in keys {
        let sum = key.1.and_then(|wh| sums.get(&(key.0, wh)));
        let (
            [on_hand, reserved, located, picked],
            [ledger_on_hand, ledger_reserved, ledger_located, ledger_picked],
        ) = sum.copied().unwrap_or_default();
        let orders_reserved = by_orders.get(&key).copied().unwrap_or(0);
        let stray_order_ids = stray.remove(&key).unwrap_or_default();
        let bins_located = key.1.and_then(|wh| in_bins.get(&(key.0, wh))).copied().unwrap_or(0);
        let bin_drift = key.1.is_some_and(|wh| bad_bins.contains(&(key.0, wh)));
        let bad = !stray_order_ids.is_empty()
            || bin_drift
            || on_hand != ledger_on_hand
            || reserved != ledger_reserved
            || reserved != orders_reserved
            || reserved > on_hand
            || reserved < 0
            || located != ledger_located
            || located != bins_located
            || picked != ledger_picked
            || located < 0
            || picked < 0
            || located + picked > on_hand;
        if bad {
            drifts.push(Drift {
                sku_id: key.0.to_string(),
                warehouse_id: key.1.map(|w| w.to_string()).unwrap_or_default(),
                balance_on_hand: on_hand,
                ledger_on_hand,
                balance_reserved: reserved,
                ledger_reserved,
                orders_reserved,
                balance_located: located,
                ledger_located,
                bins_located,
                balance_picked: picked,
                ledger_picked,
                stray_order_ids,
            });
        }
    }
    Ok(drifts)
}
