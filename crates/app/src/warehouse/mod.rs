//! Warehouse operations (WMS-1 … WMS-8, INV-1): bins, inbound notices and receiving, put-away,
//! waves and scan-checked picking, packing, hand-over. One use case per file.
//!
//! Every stock change is a ledger movement written with the guarded update it records, in one
//! transaction: `on_hand = located + picked + on the dock` holds after every step, and the bins
//! of a SKU add up to its `located` (`tradeport inventory verify` checks both).

mod ask_buyer;
mod asns;
mod bins;
mod boxes;
mod cancel;
mod counts;
mod documents;
mod free_stock;
mod inserts;
mod lots;
mod outbound;
mod packing;
mod photos;
mod picking;
mod put_away;
mod receiving;
mod reconciliation;
mod safety;
mod staff;
mod substitute;
mod waves;

pub use ask_buyer::{BuyerAnswer, ask_buyer, record_buyer_answer};
pub use asns::{AsnView, ReceivingInfo, act_on_asn, create_asn, find_asn_by_number, get_asn, list_asns};
pub use bins::{BinContentView, BinView, bin_contents, import_bins_csv, list_bins, save_bin, set_fixed_sku};
pub use boxes::{BoxInput, list_boxes, save_box};
pub(crate) use cancel::undo_warehouse_work_in_tx;
pub use counts::{
    CountEntry, CountView, CreateCount, create_count, decide_count, get_count, record_count, submit_count,
};
pub use documents::{
    Document, carton_labels, discrepancy_report, order_pick_list, outbound_note, packing_slip, pick_list,
};
pub use inserts::{InsertView, list_inserts, save_insert};
pub use outbound::{HandOver, HandoverView, hand_over, handover_view, ready_packages};
pub use packing::{
    PackScan, PackageView, Weighing, check_package, pack_into_order, pack_item, packages_of_order,
    start_packing, weigh_package,
};
pub use photos::{add_asn_photo, asn_photo};
pub use picking::{PickLineView, PickScan, ShortPick, exception_queue, pick, report_short, resolve_short};
pub use put_away::{MoveStock, PutAway, PutAwayTask, move_stock, put_away, put_away_queue};
pub(crate) use put_away::{check_room, locked_bin};
pub use receiving::{ReceiptLine, ReceiptScan, confirm_receipt, scan_receipt};
pub use reconciliation::{Reconciliation, reconciliation};
pub use safety::{SafetyStock, check_safety_stock, set_safety_stock};
pub use staff::{UserWarehouses, my_warehouses, set_user_warehouses};
pub(crate) use staff::{allowed_warehouses, check_warehouse};
pub use waves::{CreateWave, WaveView, create_wave, get_wave, list_waves};

use tradeport_domain::access::Actor;
use tradeport_domain::inventory::MovementKind;
use tradeport_domain::kernel::{FieldError, Millis, SkuId, TenantId, WarehouseId};
use tradeport_domain::warehouse::read_scan;
use tradeport_store::AnyConnection;
use tradeport_store::inventory::skus::{self, SkuRow};
use tradeport_store::inventory::stock::Movement;
use tradeport_store::inventory::warehouses::{self, WarehouseRow};

use crate::{App, AppError, AppResult, parse_id};

/// A warehouse of the operator, by the id a caller sent.
pub(crate) async fn warehouse_of(
    conn: &mut AnyConnection,
    operator: TenantId,
    id: &str,
) -> AppResult<WarehouseRow> {
    let id: WarehouseId = parse_id(id, "warehouse")?;
    warehouses::list(conn, operator)
        .await?
        .into_iter()
        .find(|w| w.id == id)
        .ok_or(AppError::NotFound("warehouse"))
}

/// A warehouse the principal works in, by the id a caller sent (others: not found).
pub(crate) async fn warehouse_for(
    conn: &mut AnyConnection,
    principal: &tradeport_domain::access::Principal,
    id: &str,
) -> AppResult<WarehouseRow> {
    let w = warehouse_of(conn, principal.scope.operator_id, id).await?;
    staff::check_warehouse(conn, principal, w.id).await?;
    Ok(w)
}

/// The one SKU a scan names (of `merchant` when given), or an error on the `field` that says
/// what to do.
pub(crate) async fn sku_by_scan(
    conn: &mut AnyConnection,
    operator: TenantId,
    merchant: Option<TenantId>,
    raw: &str,
    field: &str,
) -> AppResult<SkuRow> {
    let scan = read_scan(raw).map_err(|e| invalid(field, "unreadable_scan", e.to_string()))?;
    let found = skus::find_by_scan(conn, operator, merchant, scan.text(), &scan.barcode_forms()).await?;
    match found.len() {
        1 => Ok(found.into_iter().next().unwrap_or_else(|| unreachable!("one row"))),
        0 => Err(invalid(
            field,
            "unknown_item",
            format!("no SKU has the code or barcode {}; check the label, or scan the SKU code", raw.trim()),
        )),
        _ => Err(invalid(
            field,
            "ambiguous_item",
            format!("{} names several SKUs; scan the SKU code instead", raw.trim()),
        )),
    }
}

/// A one-field validation error.
pub(crate) fn invalid(field: &str, code: &str, message: impl Into<String>) -> AppError {
    AppError::Invalid(vec![FieldError::new(field, code, message)])
}

/// A conflict with a stable code and no field.
pub(crate) fn conflict(code: &'static str, message: impl Into<String>) -> AppError {
    AppError::Conflict { code, message: message.into(), fields: Vec::new() }
}

/// A ledger movement of `kind` with no change yet: set the deltas with struct update syntax.
pub(crate) fn movement<'a>(
    app: &App,
    sku_id: SkuId,
    warehouse_id: WarehouseId,
    kind: MovementKind,
    actor: Actor,
    reason: Option<&'a str>,
    now: Millis,
) -> Movement<'a> {
    Movement {
        id: app.new_uuid().to_string(),
        sku_id,
        warehouse_id,
        kind,
        on_hand_delta: 0,
        reserved_delta: 0,
        order_id: None,
        reason,
        actor,
        at: now,
        bin: None,
        picked_delta: 0,
    }
}

/// Milliseconds as an RFC 3339 time in UTC.
pub(crate) fn rfc3339(at: Millis) -> String {
    jiff::Timestamp::from_millisecond(at.0).map(|t| t.to_string()).unwrap_or_default()
}

/// Takes one warehouse step on an order (`StartPicking` … `HandOver`) through the order state
/// machine, with its event, in the caller's transaction; returns the order as it now is.
pub(crate) async fn advance_order_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    principal: &tradeport_domain::access::Principal,
    order_id: tradeport_domain::kernel::OrderId,
    action: tradeport_domain::orders::OrderAction,
) -> AppResult<tradeport_store::orders::OrderRow> {
    let operator = principal.scope.operator_id;
    let order = tradeport_store::orders::lock_in_tx(conn, operator, None, order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let policy = crate::access::load_operator(conn, operator).await?;
    let step = crate::orders::Step {
        actor: principal.actor,
        action,
        reason: None,
        forced_warehouse: None,
        lines: None,
        late: None,
    };
    crate::orders::apply_in_tx(app, conn, operator, &order, step, &policy).await
}
