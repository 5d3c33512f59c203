//! Outbound (WMS-5): packages that passed packing are scanned out to a carrier in a hand-over
//! batch. Their units leave on hand as `ship` movements that consume the reservation, and each
//! order whose packages are all out is `handed_over` (shipping takes over from there). An order's
//! packages leave together, so its reservation is consumed whole.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::inventory::MovementKind;
use tradeport_domain::kernel::{HandoverId, OrderId, PackageId};
use tradeport_domain::orders::OrderAction;
use tradeport_domain::warehouse::{PackageAction, PackageStatus, package_transition};
use tradeport_store::inventory::stock::{self, Movement};
use tradeport_store::orders::{self, allocations};
use tradeport_store::warehouse::counters;
use tradeport_store::warehouse::packages::{self, HandoverRow, PackageRow};

use super::packing::{PackageView, package_views};
use super::{advance_order_in_tx, conflict, invalid, movement, rfc3339, warehouse_for};
use crate::{App, AppError, AppResult, parse_id};

/// Packages of a warehouse ready to hand over (at most 500, oldest first).
pub async fn ready_packages(
    app: &App,
    principal: &Principal,
    warehouse_id: &str,
) -> AppResult<Vec<PackageView>> {
    principal.require(Permission::OperateWarehouse)?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let wh = warehouse_for(&mut conn, principal, warehouse_id).await?;
    let rows = packages::in_status(&mut conn, operator, wh.id, PackageStatus::Ready, 500).await?;
    package_views(&mut conn, operator, &rows).await
}

/// A hand-over: the carrier and the packages scanned out.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HandOver {
    pub warehouse_id: String,
    /// Who takes the packages, e.g. "Royal Mail collection 17:00".
    pub carrier: String,
    /// The parcels as scanned: a labelled parcel by its label's tracking number, another by its
    /// package id.
    pub packages: Vec<String>,
}

/// A hand-over batch and its packages.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct HandoverView {
    pub id: String,
    pub handover_no: String,
    pub warehouse_id: String,
    pub carrier: String,
    pub package_count: i64,
    pub created_at: String,
    pub packages: Vec<PackageView>,
    /// The orders handed over, by id: their numbers.
    pub orders: BTreeMap<String, Option<String>>,
}

/// Hands the scanned packages to a carrier.
pub async fn hand_over(app: &App, principal: &Principal, h: &HandOver) -> AppResult<HandoverView> {
    principal.require(Permission::OperateWarehouse)?;
    let carrier = h.carrier.trim();
    if carrier.is_empty() || carrier.chars().count() > 100 {
        return Err(invalid(
            "carrier",
            "required",
            "carrier is required (at most 100 characters), e.g. Royal Mail collection 17:00",
        ));
    }
    if h.packages.is_empty() || h.packages.len() > 2_000 {
        return Err(invalid("packages", "out_of_range", "scan 1 to 2000 packages"));
    }
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let wh = warehouse_for(&mut conn, principal, &h.warehouse_id).await?;
    let scanned = crate::shipping::read_scans(&mut conn, operator, &h.packages).await?;
    drop(conn);
    let mut ids: Vec<PackageId> = scanned.iter().map(|s| s.package_id).collect();
    ids.sort();
    let now = app.now();
    let mut tx = app.begin().await?;
    // Orders first, in id order, then their packages: the order of locks of every path that
    // changes an order and its packages.
    let mut order_ids = BTreeSet::new();
    for id in &ids {
        if let Some(p) = packages::get(&mut tx, operator, *id, false).await? {
            order_ids.insert(p.order_id);
        }
    }
    for order_id in &order_ids {
        orders::lock_in_tx(&mut tx, operator, None, *order_id).await?;
    }
    let mut batch: Vec<PackageRow> = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        let p = packages::get(&mut tx, operator, *id, true)
            .await?
            .filter(|p| p.warehouse_id == wh.id)
            .ok_or_else(|| {
                invalid(
                    &format!("packages[{n}]"),
                    "unknown_package",
                    format!("package {id} is not in {}", wh.code),
                )
            })?;
        if package_transition(p.status, PackageAction::HandOver).is_none() {
            return Err(conflict(
                "package.not_ready",
                format!(
                    "package {} of {} of its order is {}, not ready",
                    p.package_no,
                    p.package_count,
                    p.status.as_str()
                ),
            ));
        }
        batch.push(p);
    }
    let orders_in: BTreeSet<OrderId> = batch.iter().map(|p| p.order_id).collect();
    for order_id in &orders_in {
        // A disputed payment stops the goods before they leave (ORD-10).
        let dispute = tradeport_domain::exceptions::CaseType::PaymentDispute;
        if tradeport_store::exceptions::cases::has_open_in_tx(&mut tx, operator, *order_id, dispute).await? {
            return Err(conflict(
                "order.payment_disputed",
                format!(
                    "the buyer disputed the payment of order {order_id}: take its packages off this hand-over until its payment-dispute case is closed"
                ),
            ));
        }
        let all = packages::of_order(&mut tx, operator, *order_id).await?;
        if let Some(missing) =
            all.iter().find(|p| p.status != PackageStatus::Cancelled && !ids.contains(&p.id))
        {
            return Err(invalid(
                "packages",
                "order_incomplete",
                format!(
                    "package {} of {} of the same order is not in this hand-over; an order's packages leave together",
                    missing.package_no, missing.package_count
                ),
            ));
        }
    }
    crate::shipping::check_labels_in_tx(&mut tx, operator, carrier, &scanned).await?;
    let handover = HandoverRow {
        id: app.new_id(),
        warehouse_id: wh.id,
        handover_no: counters::next_number_in_tx(&mut tx, operator, "OB").await?,
        carrier: carrier.to_string(),
        package_count: batch.len() as i64,
        created_at: now,
    };
    packages::insert_handover_in_tx(&mut tx, operator, &handover).await?;
    let items = packages::items(&mut tx, operator, &ids).await?;
    // Stock rows in (SKU, warehouse) order, as on every path.
    let mut shipped: BTreeMap<(tradeport_domain::kernel::SkuId, OrderId), i64> = BTreeMap::new();
    for i in &items {
        let order = batch
            .iter()
            .find(|p| p.id == i.package_id)
            .map(|p| p.order_id)
            .ok_or_else(|| AppError::Internal("an item of no package".into()))?;
        *shipped.entry((i.sku_id, order)).or_default() += i.qty;
    }
    let reason = format!("handed over on {}", handover.handover_no);
    for ((sku, order), qty) in &shipped {
        if !stock::ship_in_tx(&mut tx, operator, *sku, wh.id, *qty, now).await? {
            return Err(AppError::Internal(format!(
                "shipping {qty} of {sku} found fewer picked or reserved"
            )));
        }
        let m = Movement {
            on_hand_delta: -qty,
            reserved_delta: -qty,
            picked_delta: -qty,
            order_id: Some(*order),
            ..movement(app, *sku, wh.id, MovementKind::Ship, principal.actor, Some(&reason), now)
        };
        stock::record_in_tx(&mut tx, operator, &m).await?;
    }
    for p in &batch {
        let after =
            PackageRow { status: PackageStatus::HandedOver, handover_id: Some(handover.id), ..p.clone() };
        packages::update_in_tx(&mut tx, operator, &after, now).await?;
    }
    for order_id in &orders_in {
        advance_order_in_tx(app, &mut tx, principal, *order_id, OrderAction::HandOver).await?;
        // The reservation is consumed by the ship movements above.
        allocations::delete_in_tx(&mut tx, operator, *order_id).await?;
    }
    let orders_out: Vec<OrderId> = orders_in.iter().copied().collect();
    crate::shipping::shipped_in_tx(app, &mut tx, operator, &orders_out, &ids).await?;
    let view = handover_view_in(&mut tx, operator, &handover).await?;
    tx.commit().await?;
    Ok(view)
}

async fn handover_view_in(
    conn: &mut tradeport_store::AnyConnection,
    operator: tradeport_domain::kernel::TenantId,
    h: &HandoverRow,
) -> AppResult<HandoverView> {
    let rows = packages::of_handover(conn, operator, h.id).await?;
    let mut numbers = BTreeMap::new();
    for p in &rows {
        if let std::collections::btree_map::Entry::Vacant(e) = numbers.entry(p.order_id.to_string()) {
            let order = orders::get(conn, operator, None, p.order_id).await?;
            e.insert(order.and_then(|o| o.order_no));
        }
    }
    Ok(HandoverView {
        id: h.id.to_string(),
        handover_no: h.handover_no.clone(),
        warehouse_id: h.warehouse_id.to_string(),
        carrier: h.carrier.clone(),
        package_count: h.package_count,
        created_at: rfc3339(h.created_at),
        packages: package_views(conn, operator, &rows).await?,
        orders: numbers,
    })
}

/// One hand-over batch.
pub async fn handover_view(app: &App, principal: &Principal, id: &str) -> AppResult<HandoverView> {
    principal.require(Permission::OperateWarehouse)?;
    let id: HandoverId = parse_id(id, "hand-over")?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let h = packages::get_handover(&mut conn, operator, id).await?.ok_or(AppError::NotFound("hand-over"))?;
    super::check_warehouse(&mut conn, principal, h.warehouse_id).await?;
    handover_view_in(&mut conn, operator, &h).await
}
