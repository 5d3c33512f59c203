//! `tradeport inventory verify`: recomputes every balance from the ledger, and every reservation
//! from the orders' allocations, and reports any difference (INV-3).

use std::collections::BTreeMap;

use serde::Serialize;
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
}

/// Every drift, across all tenants; empty when the books agree.
pub async fn verify_inventory(app: &App) -> AppResult<Vec<Drift>> {
    let mut conn = app.db().read().await?;
    let sums = stock::ledger_vs_balances(&mut conn).await?;
    let mut by_orders: BTreeMap<(String, String), i64> = BTreeMap::new();
    for (sku, wh, qty) in allocations::reserved_totals(&mut conn).await? {
        by_orders.insert((sku, wh), qty);
    }
    let mut keys: Vec<(String, String)> = sums.keys().cloned().collect();
    keys.extend(by_orders.keys().filter(|k| !sums.contains_key(*k)).cloned());
    let mut drifts = Vec::new();
    for key in keys {
        let [on_hand, reserved, ledger_on_hand, ledger_reserved] =
            sums.get(&key).copied().unwrap_or_default();
        let orders_reserved = by_orders.get(&key).copied().unwrap_or(0);
        let bad = on_hand != ledger_on_hand
            || reserved != ledger_reserved
            || reserved != orders_reserved
            || reserved > on_hand
            || reserved < 0;
        if bad {
            drifts.push(Drift {
                sku_id: key.0,
                warehouse_id: key.1,
                balance_on_hand: on_hand,
                ledger_on_hand,
                balance_reserved: reserved,
                ledger_reserved,
                orders_reserved,
            });
        }
    }
    Ok(drifts)
}
