//! Reserving stock for an approved order and releasing it again (INV-2, INV-7).
//!
//! Lock order, the same on every path: the order row first (the caller locked it), then the
//! stock rows in (SKU, warehouse) order. Reserving locks every balance of the order's SKUs up
//! front (`lock_balances_in_tx`), plans on them with `domain::inventory::plan_allocation`, then
//! reserves with conditional updates that cannot lose a race on PostgreSQL any more; they stay
//! as the guard of the `reserved <= on_hand` rule. Releasing updates rows in the same order.
//! Intake plans on unlocked figures instead and reserves at the end of its unit
//! (`orders::HotRowsLast`), where the conditional updates are what decides.

use std::collections::HashMap;

use tradeport_domain::access::{Actor, TenantSettings};
use tradeport_domain::inventory::{
    AllocationState, LineNeed, MovementKind, Placement, ShortagePolicy, WarehouseStock, plan_allocation,
};
use tradeport_domain::kernel::{FieldError, Millis, OrderId, SkuId, TenantId, WarehouseId};
use tradeport_domain::orders::ValidatedLine;
use tradeport_store::AnyConnection;
use tradeport_store::inventory::stock::{self, Movement};
use tradeport_store::inventory::warehouses;
use tradeport_store::orders::allocations::{self, AllocationRow};

use crate::orders::HotRowsLast;
use crate::{App, AppError, AppResult};

/// How many times a plan is made again after losing a race for stock.
const ATTEMPTS: usize = 16;

/// What reserving did.
#[derive(Clone, Debug)]
pub(crate) struct Reservation {
    /// Where the order's stock stands afterwards (`None` when it was held for shortages).
    pub allocation: AllocationState,
    /// With the `hold` shortage policy: the lines that are short; nothing was reserved.
    pub shortages: Vec<FieldError>,
}

fn shortage_reasons(lines: &[ValidatedLine], plan: &[Placement]) -> Vec<FieldError> {
    plan.iter()
        .filter(|p| p.warehouse_id.is_none())
        .filter_map(|p| {
            let n = lines.iter().position(|l| l.line_no == p.line_no)?;
            Some(FieldError::new(
                format!("lines[{n}].quantity"),
                "out_of_stock",
                format!(
                    "{} units of {} are not in stock; replenish, or ask the buyer to wait, swap or cancel",
                    p.qty, lines[n].sku
                ),
            )
            .with("quantity", p.qty)
            .with("sku", &lines[n].sku))
        })
        .collect()
}

/// Reserves stock for an order's lines and records the allocation.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn reserve_order_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    order_id: OrderId,
    destination: &str,
    lines: &[ValidatedLine],
    settings: &TenantSettings,
    forced_warehouse: Option<WarehouseId>,
    actor: Actor,
    late: Option<&HotRowsLast>,
) -> AppResult<Reservation> {
    let needs: Vec<LineNeed> =
        lines.iter().map(|l| LineNeed { line_no: l.line_no, sku_id: l.sku_id, qty: l.quantity }).collect();
    let sku_ids: Vec<SkuId> = lines.iter().map(|l| l.sku_id).collect();
    let policy = settings.allocation_policy;
    let all_warehouses = match late {
        Some(late) => late.warehouses.clone(),
        None => warehouses::list(conn, operator).await?,
    };
    if let Some(w) = forced_warehouse
        && !all_warehouses.iter().any(|x| x.id == w)
    {
        return Err(AppError::NotFound("warehouse"));
    }
    let now = app.now();
    for _ in 0..ATTEMPTS {
        // Planned on unlocked figures when the reservation itself comes at the end of the unit.
        let balances = match late {
            Some(_) => stock::read_balances_in_tx(conn, operator, &sku_ids).await?,
            None => stock::lock_balances_in_tx(conn, operator, &sku_ids).await?,
        };
        let stocks: Vec<WarehouseStock> = all_warehouses
            .iter()
            .map(|w| WarehouseStock {
                warehouse_id: w.id,
                code: w.code.clone(),
                country: w.country.clone(),
                kind: w.kind,
                available: balances
                    .iter()
                    .filter(|b| b.warehouse_id == w.id)
                    .map(|b| (b.sku_id, b.available()))
                    .collect::<HashMap<_, _>>(),
            })
            .collect();
        let plan = plan_allocation(&needs, &stocks, destination, policy, forced_warehouse);
        let short = plan.iter().any(|p| p.warehouse_id.is_none());
        if short && settings.shortage_policy == ShortagePolicy::Hold {
            return Ok(Reservation {
                allocation: AllocationState::None,
                shortages: shortage_reasons(lines, &plan),
            });
        }
        let mut placed: Vec<&Placement> = plan.iter().filter(|p| p.warehouse_id.is_some()).collect();
        let sku_of = |p: &Placement| -> SkuId {
            let need = needs.iter().find(|n| n.line_no == p.line_no);
            need.map(|n| n.sku_id).unwrap_or_else(|| unreachable!("every placement is of one of the lines"))
        };
        placed.sort_by_key(|p| (sku_of(p), p.warehouse_id));
        let mut done: Vec<(SkuId, WarehouseId, i64)> = Vec::new();
        let mut lost_race = false;
        for p in &placed {
            let Some(wh) = p.warehouse_id else { continue };
            let sku = sku_of(p);
            if let Some(late) = late {
                late.reserve_later(sku, wh, p.qty);
                done.push((sku, wh, p.qty));
            } else if stock::reserve_in_tx(conn, operator, sku, wh, p.qty, now).await? {
                done.push((sku, wh, p.qty));
            } else {
                lost_race = true;
                break;
            }
        }
        if lost_race {
            for (sku, wh, qty) in &done {
                stock::release_in_tx(conn, operator, *sku, *wh, *qty, now).await?;
            }
            continue;
        }
        for (sku, wh, qty) in &done {
            let m = Movement {
                id: app.new_uuid().to_string(),
                sku_id: *sku,
                warehouse_id: *wh,
                kind: MovementKind::Reserve,
                on_hand_delta: 0,
                reserved_delta: *qty,
                bin: None,
                picked_delta: 0,
                order_id: Some(order_id),
                reason: None,
                actor,
                at: now,
            };
            stock::record_in_tx(conn, operator, &m).await?;
        }
        let rows: Vec<AllocationRow> = plan
            .iter()
            .map(|p| AllocationRow {
                line_no: p.line_no,
                sku_id: sku_of(p),
                warehouse_id: p.warehouse_id,
                quantity: p.qty,
            })
            .collect();
        let ids: Vec<String> = rows.iter().map(|_| app.new_uuid().to_string()).collect();
        allocations::insert_in_tx(conn, operator, order_id, &ids, &rows, now).await?;
        if let Some(late) = late {
            late.allocated(&rows);
        }
        let allocation = AllocationState::after_reserving(!done.is_empty(), short);
        return Ok(Reservation { allocation, shortages: Vec::new() });
    }
    Err(contention())
}

/// The answer when an order lost the race for its stock too many times in a row.
pub(crate) fn contention() -> AppError {
    AppError::Conflict {
        code: "inventory.contention",
        message: "stock for this order changed too often while reserving; retry the request".into(),
        fields: Vec::new(),
    }
}

/// Releases everything reserved for an order and forgets its allocation.
pub(crate) async fn release_order_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    order_id: OrderId,
    actor: Actor,
    reason: &str,
    now: Millis,
) -> AppResult<()> {
    // Stock rows in (SKU, warehouse) order, as on every path, so two transactions never wait
    // for each other's rows.
    let mut held = allocations::list(conn, operator, order_id).await?;
    held.sort_by(|x, y| (&x.sku_id, &x.warehouse_id).cmp(&(&y.sku_id, &y.warehouse_id)));
    for a in held {
        let Some(wh) = a.warehouse_id else {
            continue;
        };
        if !stock::release_in_tx(conn, operator, a.sku_id, wh, a.quantity, now).await? {
            return Err(AppError::Internal(format!(
                "order {order_id} holds {} of {} at {wh}, more than is reserved",
                a.quantity, a.sku_id
            )));
        }
        let m = Movement {
            id: app.new_uuid().to_string(),
            sku_id: a.sku_id,
            warehouse_id: wh,
            kind: MovementKind::Release,
            on_hand_delta: 0,
            reserved_delta: -a.quantity,
            bin: None,
            picked_delta: 0,
            order_id: Some(order_id),
            reason: Some(reason),
            actor,
            at: now,
        };
        stock::record_in_tx(conn, operator, &m).await?;
    }
    allocations::delete_in_tx(conn, operator, order_id).await?;
    Ok(())
}
