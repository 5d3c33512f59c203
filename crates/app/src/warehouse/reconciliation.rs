//! The stock reconciliation of a warehouse over a period (INV-6): per SKU, opening on hand,
//! receipts, shipments, adjustments (stock changes and approved counts) and closing, all summed
//! from the ledger, so the report balances with it by construction; a report that ends now also
//! shows the balance row beside the closing figure, which must agree.

use std::collections::BTreeMap;

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::Millis;
use tradeport_domain::warehouse::parse_arrival;
use tradeport_store::inventory::stock;

use super::{invalid, warehouse_for};
use crate::{App, AppResult};

/// One SKU's line.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReconciliationLine {
    pub sku_id: String,
    pub sku: String,
    pub merchant_id: String,
    pub opening: i64,
    pub receipts: i64,
    /// Negative: units that left.
    pub shipments: i64,
    pub adjustments: i64,
    pub closing: i64,
    /// The balance row now, when the period ends now or later.
    pub on_hand_now: Option<i64>,
}

/// The report.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Reconciliation {
    pub warehouse_id: String,
    pub from: String,
    pub to: String,
    pub lines: Vec<ReconciliationLine>,
    /// Every line's opening plus its changes equals its closing, and its closing its balance.
    pub balanced: bool,
}

/// The reconciliation of `warehouse_id` from `from` to `to` (dates or RFC 3339 times; `to` left
/// out: now). A merchant sees its own SKUs.
pub async fn reconciliation(
    app: &App,
    principal: &Principal,
    warehouse_id: &str,
    from: &str,
    to: Option<&str>,
) -> AppResult<Reconciliation> {
    principal.require(Permission::ViewInventory)?;
    let from_at = parse_arrival(from).ok_or_else(|| {
        invalid("from", "invalid", "from must be a date like 2026-11-01 or an RFC 3339 time")
    })?;
    let now = app.now();
    let to_at = match to.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => parse_arrival(t).ok_or_else(|| {
            invalid("to", "invalid", "to must be a date like 2026-12-01 or an RFC 3339 time")
        })?,
        None => Millis(now.0 + 1),
    };
    if to_at.0 <= from_at.0 {
        return Err(invalid("to", "before_from", "to must be after from"));
    }
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let wh = warehouse_for(&mut conn, principal, warehouse_id).await?;
    let rows = stock::reconciliation(&mut conn, operator, wh.id, principal.scope.merchant_id, from_at, to_at)
        .await?;
    let now_balances: BTreeMap<String, i64> = if to_at.0 > now.0 {
        stock::list_balances(
            &mut conn,
            operator,
            (principal.scope.merchant_id, None),
            &[],
            None,
            u32::MAX / 2,
        )
        .await?
        .into_iter()
        .filter(|b| b.warehouse_id == wh.id)
        .map(|b| (b.sku_id.to_string(), b.on_hand))
        .collect()
    } else {
        BTreeMap::new()
    };
    let mut balanced = true;
    let lines: Vec<ReconciliationLine> = rows
        .into_iter()
        .map(|stock::SkuPeriod { sku_id, sku, merchant_id: merchant, opening, changes, closing }| {
            let sum = |kinds: &[&str]| {
                changes.iter().filter(|(k, _)| kinds.contains(&k.as_str())).map(|(_, v)| v).sum::<i64>()
            };
            let (receipts, shipments, adjustments) =
                (sum(&["receive"]), sum(&["ship"]), sum(&["adjust", "count"]));
            let other = changes.iter().map(|(_, v)| v).sum::<i64>() - receipts - shipments - adjustments;
            let on_hand_now =
                (to_at.0 > now.0).then(|| now_balances.get(&sku_id.to_string()).copied().unwrap_or(0));
            balanced &= other == 0
                && opening + receipts + shipments + adjustments == closing
                && on_hand_now.is_none_or(|b| b == closing);
            ReconciliationLine {
                sku_id: sku_id.to_string(),
                sku,
                merchant_id: merchant.to_string(),
                opening,
                receipts,
                shipments,
                adjustments,
                closing,
                on_hand_now,
            }
        })
        .collect();
    Ok(Reconciliation {
        warehouse_id: wh.id.to_string(),
        from: super::rfc3339(from_at),
        to: super::rfc3339(to_at),
        lines,
        balanced,
    })
}
