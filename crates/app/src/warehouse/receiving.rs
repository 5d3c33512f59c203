//! Counting an inbound notice (WMS-2, WMS-3): every scan adds to the count of one SKU (the first
//! starts receiving); confirming the count puts the good units into stock as `receive` movements
//! at once (on the dock, waiting for put-away), fills backorders, and leaves the discrepancies on
//! the notice for the merchant to see.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::inventory::MovementKind;
use tradeport_domain::kernel::{AsnId, OrderId, SkuId};
use tradeport_domain::warehouse::{AsnAction, AsnStatus};
use tradeport_store::inventory::stock;
use tradeport_store::warehouse::asns;

use super::asns::{AsnView, asn_view, step_in_tx};
use super::{conflict, invalid, movement, sku_by_scan};
use crate::inventory::{fill_backorders_in_tx, lock_waiting_orders};
use crate::{App, AppError, AppResult, parse_id};

/// One scan at the receiving bench.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReceiptScan {
    /// What the scanner read: a GTIN/EAN/UPC (check digit verified) or a SKU code.
    pub scan: String,
    /// Units counted with this scan (1 when left out).
    #[schema(minimum = 1, maximum = 100000)]
    pub quantity: Option<i64>,
    /// The units are damaged (counted, reported, not stocked).
    pub damaged: bool,
}

/// The count of one SKU after a scan.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReceiptLine {
    pub asn_no: String,
    pub sku_id: String,
    pub sku: String,
    pub sku_name: String,
    pub expected: i64,
    pub good: i64,
    pub damaged: i64,
}

/// Counts a scan against a notice that has arrived (the first scan starts receiving).
pub async fn scan_receipt(
    app: &App,
    principal: &Principal,
    asn_id: &str,
    s: &ReceiptScan,
) -> AppResult<ReceiptLine> {
    principal.require(Permission::OperateWarehouse)?;
    let qty = s.quantity.unwrap_or(1);
    if !(1..=100_000).contains(&qty) {
        return Err(invalid("quantity", "out_of_range", "quantity must be 1 to 100000 units"));
    }
    let id: AsnId = parse_id(asn_id, "ASN")?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let mut asn = asns::get(&mut tx, operator, None, id, true).await?.ok_or(AppError::NotFound("ASN"))?;
    super::check_warehouse(&mut tx, principal, asn.warehouse_id).await?;
    if asn.status == AsnStatus::Arrived {
        asn = step_in_tx(app, &mut tx, principal, &asn, AsnAction::StartReceiving, None).await?;
    }
    if asn.status != AsnStatus::Receiving {
        return Err(conflict(
            "asn.not_receiving",
            format!(
                "{} is {}: only a notice that has arrived can be counted; record its arrival first",
                asn.asn_no,
                asn.status.as_str()
            ),
        ));
    }
    let sku = sku_by_scan(&mut tx, operator, Some(asn.merchant_id), &s.scan, "scan").await?;
    let (good, damaged) = if s.damaged { (0, qty) } else { (qty, 0) };
    let (good, damaged) =
        asns::add_count_in_tx(&mut tx, operator, asn.id, sku.id, good, damaged, app.now()).await?;
    let expected: i64 = asns::cartons(&mut tx, operator, asn.id)
        .await?
        .iter()
        .filter(|c| c.sku_id == sku.id)
        .map(|c| c.carton_count * c.units_per_carton)
        .sum();
    tx.commit().await?;
    Ok(ReceiptLine {
        asn_no: asn.asn_no,
        sku_id: sku.id.to_string(),
        sku: sku.sku,
        sku_name: sku.name,
        expected,
        good,
        damaged,
    })
}

/// Confirms the count: good units enter stock (on the dock) as `receive` movements, backorders
/// fill, the notice is received, and its discrepancies stand on it for the merchant.
pub async fn confirm_receipt(app: &App, principal: &Principal, asn_id: &str) -> AppResult<AsnView> {
    principal.require(Permission::OperateWarehouse)?;
    let id: AsnId = parse_id(asn_id, "ASN")?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let asn = asns::get(&mut tx, operator, None, id, true).await?.ok_or(AppError::NotFound("ASN"))?;
    super::check_warehouse(&mut tx, principal, asn.warehouse_id).await?;
    if asn.status != AsnStatus::Receiving {
        return Err(conflict(
            "asn.not_receiving",
            format!("{} is {}: scan its items before confirming the count", asn.asn_no, asn.status.as_str()),
        ));
    }
    let mut counts = asns::counts(&mut tx, operator, asn.id).await?;
    counts.retain(|(_, _, good, _)| *good > 0);
    counts.sort_by_key(|(sku, ..)| *sku);
    // Orders waiting for any of these SKUs are locked before any stock row, the order of locks on
    // every path (orders, then stock in SKU order).
    let mut waiting: Vec<(SkuId, Vec<OrderId>)> = Vec::new();
    for (sku, ..) in &counts {
        waiting.push((*sku, lock_waiting_orders(&mut tx, operator, *sku).await?));
    }
    let now = app.now();
    let reason = format!("received on {}", asn.asn_no);
    for ((sku, _, good, _), (_, locked)) in counts.iter().zip(&waiting) {
        stock::ensure_balance_in_tx(&mut tx, operator, *sku, asn.warehouse_id, now).await?;
        if !stock::change_on_hand_in_tx(&mut tx, operator, *sku, asn.warehouse_id, *good, now).await? {
            return Err(AppError::Internal(format!(
                "receiving {good} of {sku} was refused by the balance guard"
            )));
        }
        let m = tradeport_store::inventory::stock::Movement {
            on_hand_delta: *good,
            ..movement(
                app,
                *sku,
                asn.warehouse_id,
                MovementKind::Receive,
                principal.actor,
                Some(&reason),
                now,
            )
        };
        stock::record_in_tx(&mut tx, operator, &m).await?;
        fill_backorders_in_tx(app, &mut tx, operator, *sku, asn.warehouse_id, locked, principal.actor)
            .await?;
    }
    let after = step_in_tx(app, &mut tx, principal, &asn, AsnAction::FinishReceiving, None).await?;
    let view = asn_view(&mut tx, operator, &after).await?;
    if view.lines.iter().any(|l| !l.discrepancies.is_empty()) {
        let data = serde_json::to_string(
            &view.lines.iter().filter(|l| !l.discrepancies.is_empty()).collect::<Vec<_>>(),
        )
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let event = tradeport_store::events::NewEvent {
            merchant_id: Some(asn.merchant_id),
            data,
            ..app.event(principal.actor, "asn", asn.id, "asn_discrepancies_found")
        };
        tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    }
    tx.commit().await?;
    Ok(view)
}
