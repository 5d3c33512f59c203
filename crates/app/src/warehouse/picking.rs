//! Scan-checked picking (WMS-4, INV-4): every pick is a scan of the bin, then of the item, checked
//! against the line (bin, SKU, quantity) before any stock moves; a wrong scan is refused with the
//! reason. Units move from the bin to `picked` as a `pick` movement under a guarded update, so two
//! pickers can never take more than a bin holds. A bin found short sends the line to the exception
//! queue, where it is picked from another bin (after a replenishment move, if need be) or its order
//! is cancelled.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::inventory::MovementKind;
use tradeport_domain::kernel::PickLineId;
use tradeport_domain::warehouse::{PickLineStatus, PickScanError, PickTarget, check_pick, read_scan};
use tradeport_store::inventory::stock::{self, Movement};
use tradeport_store::inventory::warehouses;
use tradeport_store::warehouse::bins::{self, Slot};
use tradeport_store::warehouse::waves::{self, LinesOf, NewPickLine, PickLineRow};

use super::free_stock::free_slots;
use super::{conflict, invalid, movement};
use crate::{App, AppError, AppResult, parse_id};

/// One line of a pick list.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PickLineView {
    pub id: String,
    pub wave_id: String,
    pub seq: i64,
    pub order_id: String,
    pub order_no: Option<String>,
    pub merchant_id: String,
    pub bin_code: String,
    pub sku_id: String,
    pub sku: String,
    pub sku_name: String,
    pub barcode: String,
    /// The lot to take; empty when the stock has none.
    pub lot: String,
    pub qty: i64,
    pub picked: i64,
    pub short: i64,
    /// `open`, `picked`, `short` (in the exception queue), `resolved`, `cancelled`.
    pub status: String,
}

impl From<PickLineRow> for PickLineView {
    fn from(l: PickLineRow) -> Self {
        Self {
            id: l.id.to_string(),
            wave_id: l.wave_id.to_string(),
            seq: l.seq,
            order_id: l.order_id.to_string(),
            order_no: l.order_no,
            merchant_id: l.merchant_id.to_string(),
            bin_code: l.bin_code,
            sku_id: l.sku_id.to_string(),
            sku: l.sku,
            sku_name: l.sku_name,
            barcode: l.barcode,
            lot: l.lot,
            qty: l.qty,
            picked: l.picked,
            short: l.short,
            status: l.status.as_str().into(),
        }
    }
}

/// Locks a pick line's order, then the line: the order of locks of every path that changes an
/// order's warehouse work (a cancellation locks the order first, then reads its lines), so a pick
/// and a cancellation never interleave. Refused when the order is no longer being picked.
pub(super) async fn lock_line_and_order(
    conn: &mut tradeport_store::AnyConnection,
    principal: &Principal,
    id: PickLineId,
) -> AppResult<PickLineRow> {
    let operator = principal.scope.operator_id;
    let order_id = waves::order_of_line(conn, operator, id).await?.ok_or(AppError::NotFound("pick line"))?;
    let order = tradeport_store::orders::lock_in_tx(conn, operator, None, order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let line = waves::lock_line_in_tx(conn, operator, id).await?.ok_or(AppError::NotFound("pick line"))?;
    super::check_warehouse(conn, principal, line.warehouse_id).await?;
    if order.status != tradeport_domain::orders::OrderStatus::Picking {
        return Err(conflict(
            "pick.order_not_picking",
            format!("the order is {}: put the items back and take the next line", order.status.as_str()),
        ));
    }
    Ok(line)
}

/// What the picker scanned.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PickScan {
    /// The bin's label.
    pub bin: String,
    /// The item: barcode or SKU code.
    pub item: String,
    /// Units taken with this scan (1 when left out).
    pub quantity: Option<i64>,
    /// The lot printed on the item, for a line with a lot whose item barcode does not carry it.
    #[serde(default)]
    pub lot: String,
}

fn refused(e: impl ToString, field: &str) -> AppError {
    AppError::Conflict {
        code: "pick.scan_refused",
        message: e.to_string(),
        fields: vec![tradeport_domain::kernel::FieldError::new(field, "scan_refused", e.to_string())],
    }
}

/// Confirms a pick: checks the scans against the line, then takes the units from the bin.
pub async fn pick(app: &App, principal: &Principal, line_id: &str, s: &PickScan) -> AppResult<PickLineView> {
    principal.require(Permission::OperateWarehouse)?;
    let id: PickLineId = parse_id(line_id, "pick line")?;
    let qty = s.quantity.unwrap_or(1);
    let bin_scan = read_scan(&s.bin).map_err(|e| invalid("bin", "unreadable_scan", e.to_string()))?;
    let item_scan = read_scan(&s.item).map_err(|e| invalid("item", "unreadable_scan", e.to_string()))?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let line = lock_line_and_order(&mut tx, principal, id).await?;
    let target = PickTarget {
        bin_code: &line.bin_code,
        sku: &line.sku,
        barcode: &line.barcode,
        lot: &line.lot,
        remaining: line.remaining(),
    };
    check_pick(&target, &bin_scan, &item_scan, Some(s.lot.as_str()), qty).map_err(|e| {
        let field = match e {
            PickScanError::WrongBin { .. } => "bin",
            PickScanError::WrongItem { .. } => "item",
            PickScanError::LotMissing { .. } | PickScanError::WrongLot { .. } => "lot",
            _ => "quantity",
        };
        refused(e, field)
    })?;
    let now = app.now();
    let slot = Slot { sku_id: line.sku_id, bin_id: line.bin_id, lot: &line.lot };
    if !bins::take_in_tx(&mut tx, operator, slot, qty, now).await? {
        return Err(conflict(
            "pick.bin_short",
            format!(
                "{} holds fewer than {qty} of {}: report the line short so it can be picked elsewhere",
                line.bin_code, line.sku
            ),
        ));
    }
    if !stock::pick_in_tx(&mut tx, operator, line.sku_id, line.warehouse_id, qty, now).await? {
        return Err(AppError::Internal(format!(
            "bin {} had units the warehouse balance does not count as located",
            line.bin_code
        )));
    }
    let m = Movement {
        bin: Some((line.bin_id, &line.lot, -qty)),
        picked_delta: qty,
        order_id: Some(line.order_id),
        ..movement(app, line.sku_id, line.warehouse_id, MovementKind::Pick, principal.actor, None, now)
    };
    stock::record_in_tx(&mut tx, operator, &m).await?;
    let picked = line.picked + qty;
    let status = if picked + line.short == line.qty { PickLineStatus::Picked } else { PickLineStatus::Open };
    waves::update_line_in_tx(&mut tx, operator, line.id, picked, line.short, status, now).await?;
    // Only a line that is done can complete its wave; the answer is the line as written here.
    if status == PickLineStatus::Picked {
        waves::complete_if_done_in_tx(&mut tx, operator, line.wave_id, now).await?;
    }
    tx.commit().await?;
    Ok(PickLineRow { picked, status, ..line }.into())
}

/// A short pick: the bin holds fewer units than the line needs.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ShortPick {
    /// What the picker saw, e.g. "bin empty", "2 left, damaged".
    pub note: String,
}

/// Sends the rest of a line to the exception queue (the bin is empty or short).
pub async fn report_short(
    app: &App,
    principal: &Principal,
    line_id: &str,
    s: &ShortPick,
) -> AppResult<PickLineView> {
    principal.require(Permission::OperateWarehouse)?;
    let id: PickLineId = parse_id(line_id, "pick line")?;
    let operator = principal.scope.operator_id;
    let now = app.now();
    let mut tx = app.begin().await?;
    let line = lock_line_and_order(&mut tx, principal, id).await?;
    let remaining = line.remaining();
    if remaining == 0 {
        return Err(conflict("pick.line_settled", format!("this line is {} already", line.status.as_str())));
    }
    waves::update_line_in_tx(
        &mut tx,
        operator,
        line.id,
        line.picked,
        line.short + remaining,
        PickLineStatus::Short,
        now,
    )
    .await?;
    let note = s.note.trim();
    let count_no = super::counts::count_after_short_in_tx(app, &mut tx, operator, &line).await?;
    let data =
        serde_json::json!({ "line_id": line.id, "bin": line.bin_code, "sku": line.sku, "short": remaining,
                                   "count_no": count_no })
        .to_string();
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(line.merchant_id),
        reason: Some(if note.is_empty() { "bin short" } else { note }),
        data,
        ..app.event(principal.actor, "order", line.order_id, "order_pick_short")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    let after =
        waves::lock_line_in_tx(&mut tx, operator, id).await?.ok_or(AppError::NotFound("pick line"))?;
    tx.commit().await?;
    Ok(after.into())
}

/// An order's pick lines in walking order (staff of the order's warehouse).
pub(super) async fn lines_of_order(
    app: &App,
    principal: &Principal,
    order_id: &str,
) -> AppResult<Vec<PickLineView>> {
    principal.require(Permission::OperateWarehouse)?;
    let id = parse_id(order_id, "order")?;
    let mut conn = app.db().read().await?;
    tradeport_store::orders::get(&mut conn, principal.scope.operator_id, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let mut lines = waves::lines(&mut conn, principal.scope.operator_id, LinesOf::Order(id)).await?;
    if let Some(first) = lines.first() {
        super::check_warehouse(&mut conn, principal, first.warehouse_id).await?;
    }
    lines.sort_by_key(|l| (l.seq, l.bin_code.clone()));
    Ok(lines.into_iter().map(PickLineView::from).collect())
}

/// The exception queue: lines short of units, oldest wave first.
pub async fn exception_queue(app: &App, principal: &Principal) -> AppResult<Vec<PickLineView>> {
    principal.require(Permission::OperateWarehouse)?;
    let mut conn = app.db().read().await?;
    let mut lines = waves::lines(&mut conn, principal.scope.operator_id, LinesOf::Short).await?;
    if let Some(allowed) = super::staff::allowed_warehouses(&mut conn, principal).await? {
        lines.retain(|l| allowed.contains(&l.warehouse_id));
    }
    Ok(lines.into_iter().map(PickLineView::from).collect())
}

/// Settles a short line by picking its shortage from another bin (after moving stock there, if
/// need be): a new line for the short units joins the wave, the short line is resolved.
pub async fn resolve_short(
    app: &App,
    principal: &Principal,
    line_id: &str,
    from_bin: &str,
) -> AppResult<PickLineView> {
    principal.require(Permission::OperateWarehouse)?;
    let id: PickLineId = parse_id(line_id, "pick line")?;
    let operator = principal.scope.operator_id;
    let now = app.now();
    let mut tx = app.begin().await?;
    let line = lock_line_and_order(&mut tx, principal, id).await?;
    if !line.status.is_short() {
        return Err(conflict("pick.not_short", format!("this line is {}, not short", line.status.as_str())));
    }
    let bin = bins::by_code(&mut tx, operator, line.warehouse_id, from_bin).await?.ok_or_else(|| {
        invalid("bin", "unknown_bin", format!("no bin {} in this warehouse", from_bin.trim()))
    })?;
    warehouses::lock_in_tx(&mut tx, operator, line.warehouse_id).await?;
    let slots = free_slots(app, &mut tx, operator, line.warehouse_id, &[line.sku_id], Some(bin.id)).await?;
    let chosen = slots.iter().find(|(_, free)| *free >= line.short);
    let Some((slot, _)) = chosen else {
        let free = slots.iter().map(|(_, free)| *free).max().unwrap_or(0);
        return Err(invalid(
            "bin",
            "not_enough_in_bin",
            format!(
                "{} has {} free units of {}, the line needs {}; move stock there first",
                bin.code,
                free.max(0),
                line.sku,
                line.short
            ),
        ));
    };
    let new_line = NewPickLine {
        id: app.new_id(),
        order_id: line.order_id,
        merchant_id: line.merchant_id,
        sku_id: line.sku_id,
        bin_id: bin.id,
        lot: slot.lot.clone(),
        seq: line.seq,
        qty: line.short,
    };
    waves::insert_lines_in_tx(
        &mut tx,
        operator,
        line.wave_id,
        line.warehouse_id,
        std::slice::from_ref(&new_line),
        now,
    )
    .await?;
    waves::set_status_in_tx(&mut tx, operator, &line, PickLineStatus::Resolved, now).await?;
    let after = waves::lock_line_in_tx(&mut tx, operator, new_line.id)
        .await?
        .ok_or(AppError::NotFound("pick line"))?;
    tx.commit().await?;
    Ok(after.into())
}
