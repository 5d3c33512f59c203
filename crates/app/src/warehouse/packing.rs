//! Packing (WMS-6, WMS-7, WMS-8): once an order's units are all picked, its packages are planned
//! from the SKUs' traits (fragile apart, cells apart, liquids leak-proof, valuables sealed) and the
//! box catalogue; the packer scans each item into its package; each package is weighed, and one
//! out of tolerance, or chosen for the spot check, stops for a check. The order moves to `packed`
//! when every item is in a package and to `ready_to_ship` when every package passed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{EntityId, OrderId, PackageId, SkuId, TenantId};
use tradeport_domain::orders::{OrderAction, OrderStatus};
use tradeport_domain::warehouse::{
    PackItem, PackageAction, PackageStatus, PickLineStatus, package_transition, plan_packages, read_scan,
    selected_for_spot_check, weight_within_tolerance,
};
use tradeport_store::AnyConnection;
use tradeport_store::inventory::skus;
use tradeport_store::orders;
use tradeport_store::warehouse::packages::{self, PackageRow};
use tradeport_store::warehouse::waves::{self, LinesOf};

use super::{advance_order_in_tx, conflict, invalid};
use crate::{App, AppError, AppResult, parse_id};

/// One SKU in a package: planned and scanned in.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PackageItemView {
    pub sku_id: String,
    pub sku: String,
    pub barcode: String,
    pub qty: i64,
    pub packed: i64,
}

/// A package with its packing instructions.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PackageView {
    pub id: String,
    pub order_id: String,
    /// "1 of 2".
    pub label: String,
    pub package_no: i64,
    pub package_count: i64,
    /// `packing`, `checking`, `ready`, `handed_over`, `cancelled`.
    pub status: String,
    /// `None`: the item ships in its own packaging.
    pub box_code: Option<String>,
    /// FRAGILE, LEAK-PROOF, TAMPER-EVIDENT, UN3480 …
    pub marks: Vec<String>,
    /// What the packer must do for each mark.
    pub instructions: Vec<String>,
    /// Why this box.
    pub box_explanation: String,
    pub expected_weight_g: i64,
    pub weight_g: Option<i64>,
    /// Why the package waits for a check.
    pub check_reason: Option<String>,
    /// The merchant's inserts to add (thank-you card, flyer, gift), by name.
    pub inserts: Vec<String>,
    pub items: Vec<PackageItemView>,
}

pub(crate) async fn package_views(
    conn: &mut AnyConnection,
    operator: TenantId,
    rows: &[PackageRow],
) -> AppResult<Vec<PackageView>> {
    let ids: Vec<PackageId> = rows.iter().map(|p| p.id).collect();
    let items = packages::items(conn, operator, &ids).await?;
    Ok(rows
        .iter()
        .map(|p| PackageView {
            id: p.id.to_string(),
            order_id: p.order_id.to_string(),
            label: format!("{} of {}", p.package_no, p.package_count),
            package_no: p.package_no,
            package_count: p.package_count,
            status: p.status.as_str().into(),
            box_code: p.box_code.clone(),
            marks: p.marks.iter().map(|m| m.as_str().to_string()).collect(),
            instructions: p.marks.iter().map(|m| m.instruction().to_string()).collect(),
            box_explanation: p.explanation.clone(),
            expected_weight_g: p.expected_weight_g,
            weight_g: p.weight_g,
            check_reason: p.check_reason.clone(),
            inserts: p.inserts.clone(),
            items: items
                .iter()
                .filter(|i| i.package_id == p.id)
                .map(|i| PackageItemView {
                    sku_id: i.sku_id.to_string(),
                    sku: i.sku.clone(),
                    barcode: i.barcode.clone(),
                    qty: i.qty,
                    packed: i.packed,
                })
                .collect(),
        })
        .collect())
}

/// An order's packages (a merchant's own orders only).
pub async fn packages_of_order(
    app: &App,
    principal: &Principal,
    order_id: &str,
) -> AppResult<Vec<PackageView>> {
    principal.require(Permission::ViewOrders)?;
    let id: OrderId = parse_id(order_id, "order")?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    orders::get(&mut conn, operator, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let rows = packages::of_order(&mut conn, operator, id).await?;
    if let Some(p) = rows.first() {
        super::check_warehouse(&mut conn, principal, p.warehouse_id).await?;
    }
    package_views(&mut conn, operator, &rows).await
}

/// Plans an order's packages once all its units are picked (again: the packages it has).
pub async fn start_packing(app: &App, principal: &Principal, order_id: &str) -> AppResult<Vec<PackageView>> {
    principal.require(Permission::OperateWarehouse)?;
    let id: OrderId = parse_id(order_id, "order")?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let order = tx.lock_order(operator, None, id).await?;
    if let Some(w) =
        waves::lines(&mut tx, operator, LinesOf::Order(id)).await?.first().map(|l| l.warehouse_id)
    {
        super::check_warehouse(&mut tx, principal, w).await?;
    }
    let existing: Vec<PackageRow> = packages::of_order(&mut tx, operator, id)
        .await?
        .into_iter()
        .filter(|p| p.status != PackageStatus::Cancelled)
        .collect();
    if !existing.is_empty() {
        let views = package_views(&mut tx, operator, &existing).await?;
        tx.end_unwritten().await?;
        return Ok(views);
    }
    if order.status != OrderStatus::Picking {
        return Err(conflict(
            "pack.not_picking",
            format!("the order is {}: only an order being picked is packed", order.status.as_str()),
        ));
    }
    let lines = waves::lines(&mut tx, operator, LinesOf::Order(id)).await?;
    if let Some(l) = lines.iter().find(|l| !l.status.is_settled()) {
        return Err(conflict(
            "pack.not_all_picked",
            format!(
                "{} of {} from {} is still {}; pick it or settle it in the exception queue first",
                l.qty - l.picked,
                l.sku,
                l.bin_code,
                l.status.as_str()
            ),
        ));
    }
    let mut picked: BTreeMap<SkuId, i64> = BTreeMap::new();
    for l in lines.iter().filter(|l| l.status != PickLineStatus::Cancelled) {
        *picked.entry(l.sku_id).or_default() += l.picked;
    }
    let Some(warehouse_id) = lines.first().map(|l| l.warehouse_id) else {
        return Err(conflict(
            "pack.not_all_picked",
            "the order has no pick lines: build a wave with it first",
        ));
    };
    super::check_warehouse(&mut tx, principal, warehouse_id).await?;
    let mut items = Vec::new();
    for (sku_id, qty) in &picked {
        let sku = skus::get(&mut tx, operator, None, *sku_id).await?.ok_or(AppError::NotFound("SKU"))?;
        items.push(PackItem {
            sku_id: *sku_id,
            sku: sku.sku,
            qty: *qty,
            traits: sku.traits,
            dims_mm: sku.dims_mm,
            weight_g: sku.weight_g,
        });
    }
    let boxes = packages::boxes(&mut tx, operator).await?;
    let plan = plan_packages(&items, &boxes);
    let count = plan.len() as i64;
    let extras = super::inserts::inserts_for_order(&mut tx, operator, order.merchant_id, order.total).await?;
    let extra_weight: i64 = extras.iter().map(|i| i.weight_g).sum();
    let rows: Vec<(PackageRow, Vec<(SkuId, i64)>)> = plan
        .into_iter()
        .enumerate()
        .map(|(n, p)| {
            let row = PackageRow {
                id: app.new_id(),
                merchant_id: order.merchant_id,
                order_id: id,
                warehouse_id,
                package_no: n as i64 + 1,
                package_count: count,
                status: PackageStatus::Packing,
                box_code: p.box_code,
                marks: p.marks,
                explanation: p.explanation,
                expected_weight_g: p.expected_weight_g + if n == 0 { extra_weight } else { 0 },
                weight_g: None,
                check_reason: None,
                handover_id: None,
                updated_at: app.now(),
                inserts: if n == 0 { extras.iter().map(|i| i.name.clone()).collect() } else { Vec::new() },
            };
            (row, p.items)
        })
        .collect();
    packages::insert_in_tx(&mut tx, operator, &rows, app.now()).await?;
    let data = serde_json::json!({ "packages": count }).to_string();
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(order.merchant_id),
        data,
        ..app.event(principal.actor, "order", id, "order_packing_started")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    let stored: Vec<PackageRow> = rows.into_iter().map(|(r, _)| r).collect();
    let views = package_views(&mut tx, operator, &stored).await?;
    tx.commit().await?;
    Ok(views)
}

/// An item scanned into a package.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PackScan {
    pub item: String,
    /// 1 when left out.
    pub quantity: Option<i64>,
}

/// Scans an item into a package; when the order's last item is in, the order is `packed`.
pub async fn pack_item(
    app: &App,
    principal: &Principal,
    package_id: &str,
    s: &PackScan,
) -> AppResult<PackageView> {
    principal.require(Permission::OperateWarehouse)?;
    let id: PackageId = parse_id(package_id, "package")?;
    let qty = s.quantity.unwrap_or(1);
    if !(1..=100_000).contains(&qty) {
        return Err(invalid("quantity", "out_of_range", "quantity must be 1 to 100000"));
    }
    let scan = read_scan(&s.item).map_err(|e| invalid("item", "unreadable_scan", e.to_string()))?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let package = locked_package(&mut tx, principal, id).await?;
    if package.status != PackageStatus::Packing {
        return Err(conflict(
            "pack.not_packing",
            format!(
                "package {} of {} is {}",
                package.package_no,
                package.package_count,
                package.status.as_str()
            ),
        ));
    }
    let items = packages::items(&mut tx, operator, &[id]).await?;
    let Some(item) = items.iter().find(|i| scan.is_item(&i.sku, &i.barcode)) else {
        let all = packages::of_order(&mut tx, operator, package.order_id).await?;
        let others =
            packages::items(&mut tx, operator, &all.iter().map(|p| p.id).collect::<Vec<_>>()).await?;
        let same: Vec<_> =
            others.iter().filter(|i| i.package_id != id && scan.is_item(&i.sku, &i.barcode)).collect();
        let open =
            same.iter().find(|i| i.packed < i.qty).and_then(|i| all.iter().find(|p| p.id == i.package_id));
        let message = match (open, same.first()) {
            (Some(p), _) => {
                format!("this item goes in package {} of {}, not this one", p.package_no, p.package_count)
            }
            (None, Some(i)) => format!("every {} of this order is packed already; put this one aside", i.sku),
            (None, None) => "this item is not in this order; put it aside for the supervisor".to_string(),
        };
        return Err(AppError::Conflict {
            code: "pack.wrong_item",
            message: message.clone(),
            fields: vec![tradeport_domain::kernel::FieldError::new("item", "wrong_item", message)],
        });
    };
    if !packages::pack_item_in_tx(&mut tx, operator, id, item.sku_id, qty).await? {
        return Err(conflict(
            "pack.too_many",
            format!("only {} more of {} go in this package", item.qty - item.packed, item.sku),
        ));
    }
    let all = packages::of_order(&mut tx, operator, package.order_id).await?;
    let live: Vec<PackageId> =
        all.iter().filter(|p| p.status != PackageStatus::Cancelled).map(|p| p.id).collect();
    let everything = packages::items(&mut tx, operator, &live).await?;
    if everything.iter().all(|i| i.packed == i.qty) {
        advance_order_in_tx(app, &mut tx, principal, package.order_id, OrderAction::FinishPacking).await?;
    }
    let view = package_views(&mut tx, operator, &[package]).await?.remove(0);
    tx.commit().await?;
    Ok(view)
}

/// Locks a package's order, then the package: the order of locks of every path that changes an
/// order and its packages (a cancellation locks the order first too).
/// Scans an item into whichever of the order's open packages still needs it (what a packer with
/// several boxes on the bench does); when none does, the first open package's answer says why
/// (another order's item, or every unit packed already).
pub async fn pack_into_order(
    app: &App,
    principal: &Principal,
    order_id: &str,
    s: &PackScan,
) -> AppResult<PackageView> {
    let packages = packages_of_order(app, principal, order_id).await?;
    let scan = read_scan(&s.item).map_err(|e| invalid("item", "unreadable_scan", e.to_string()))?;
    let open = || packages.iter().filter(|p| p.status == PackageStatus::Packing.as_str());
    let target = open()
        .find(|p| p.items.iter().any(|i| i.packed < i.qty && scan.is_item(&i.sku, &i.barcode)))
        .or_else(|| open().next())
        .ok_or_else(|| {
            conflict("pack.nothing_to_pack", "every item is in its package: weigh the packages")
        })?;
    pack_item(app, principal, &target.id, s).await
}

async fn locked_package(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: PackageId,
) -> AppResult<PackageRow> {
    let operator = principal.scope.operator_id;
    let unlocked = packages::get(conn, operator, id, false).await?.ok_or(AppError::NotFound("package"))?;
    orders::lock_in_tx(conn, operator, None, unlocked.order_id).await?.ok_or(AppError::NotFound("order"))?;
    let package = packages::get(conn, operator, id, true).await?.ok_or(AppError::NotFound("package"))?;
    super::check_warehouse(conn, principal, package.warehouse_id).await?;
    Ok(package)
}

/// A package's weight as the scale read it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Weighing {
    /// Grams, typed or read from the scale.
    #[schema(minimum = 1, maximum = 1000000)]
    pub weight_g: i64,
}

/// Weighs a packed package: in tolerance and not chosen for the spot check, it is ready;
/// otherwise it waits for a check with the reason.
pub async fn weigh_package(
    app: &App,
    principal: &Principal,
    package_id: &str,
    w: &Weighing,
) -> AppResult<PackageView> {
    principal.require(Permission::OperateWarehouse)?;
    if !(1..=1_000_000).contains(&w.weight_g) {
        return Err(invalid("weight_g", "out_of_range", "weight_g must be 1 to 1000000 grams"));
    }
    let id: PackageId = parse_id(package_id, "package")?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let package = locked_package(&mut tx, principal, id).await?;
    let items = packages::items(&mut tx, operator, &[id]).await?;
    if let Some(i) = items.iter().find(|i| i.packed < i.qty) {
        return Err(conflict(
            "pack.not_all_packed",
            format!("{} more of {} go in this package before it is weighed", i.qty - i.packed, i.sku),
        ));
    }
    let policy = crate::access::load_operator(&mut tx, operator).await?;
    let s = &policy.settings;
    let in_tolerance = weight_within_tolerance(
        package.expected_weight_g,
        w.weight_g,
        s.pack_weight_tolerance_pct,
        s.pack_weight_tolerance_min_g,
    );
    let spot = selected_for_spot_check(package.id.uuid(), s.spot_check_pct);
    let reason = if !in_tolerance {
        Some(format!("weighs {} g, expected {} g: check the contents", w.weight_g, package.expected_weight_g))
    } else if spot {
        Some("chosen for the spot check".to_string())
    } else {
        None
    };
    let to = package_transition(package.status, PackageAction::Weigh { needs_check: reason.is_some() })
        .ok_or_else(|| {
            conflict(
                "package.illegal_transition",
                format!("a package that is {} cannot be weighed", package.status.as_str()),
            )
        })?;
    let after = PackageRow { status: to, weight_g: Some(w.weight_g), check_reason: reason, ..package };
    finish_package_step_in_tx(app, &mut tx, principal, &after, "package_weighed", Some(in_tolerance)).await?;
    let view = package_views(&mut tx, operator, &[after]).await?.remove(0);
    tx.commit().await?;
    Ok(view)
}

/// Records a check's verdict: passed, the package is ready; failed, it goes back to packing (put
/// right, then weighed again).
pub async fn check_package(
    app: &App,
    principal: &Principal,
    package_id: &str,
    passed: bool,
    note: &str,
) -> AppResult<PackageView> {
    principal.require(Permission::OperateWarehouse)?;
    let id: PackageId = parse_id(package_id, "package")?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let package = locked_package(&mut tx, principal, id).await?;
    let action = if passed { PackageAction::Pass } else { PackageAction::Fail };
    let to = package_transition(package.status, action).ok_or_else(|| {
        conflict(
            "package.illegal_transition",
            format!("a package that is {} is not waiting for a check", package.status.as_str()),
        )
    })?;
    let note = note.trim();
    let check_reason = if passed {
        None
    } else {
        Some(if note.is_empty() { "failed the check".to_string() } else { note.to_string() })
    };
    let after = PackageRow {
        status: to,
        check_reason,
        weight_g: if passed { package.weight_g } else { None },
        ..package
    };
    finish_package_step_in_tx(
        app,
        &mut tx,
        principal,
        &after,
        if passed { "package_check_passed" } else { "package_check_failed" },
        None,
    )
    .await?;
    let view = package_views(&mut tx, operator, &[after]).await?.remove(0);
    tx.commit().await?;
    Ok(view)
}

/// Writes a package's new state and its event; when every package of the order is ready, the
/// order is ready to ship.
async fn finish_package_step_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    principal: &Principal,
    p: &PackageRow,
    kind: &'static str,
    weight_matched: Option<bool>,
) -> AppResult<()> {
    let operator = principal.scope.operator_id;
    packages::update_in_tx(conn, operator, p, app.now()).await?;
    let data = serde_json::json!({ "package": format!("{} of {}", p.package_no, p.package_count), "status": p.status.as_str(), "weight_g": p.weight_g, "check": p.check_reason, "weight_matched": weight_matched }).to_string();
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(p.merchant_id),
        data,
        ..app.event(principal.actor, "order", p.order_id, kind)
    };
    tradeport_store::events::append_in_tx(conn, operator, &event).await?;
    let all = packages::of_order(conn, operator, p.order_id).await?;
    let live = all.iter().filter(|x| x.status != PackageStatus::Cancelled);
    if p.status == PackageStatus::Ready && live.clone().all(|x| x.status == PackageStatus::Ready) {
        let order =
            orders::get(conn, operator, None, p.order_id).await?.ok_or(AppError::NotFound("order"))?;
        if order.status == OrderStatus::Packed {
            advance_order_in_tx(app, conn, principal, p.order_id, OrderAction::ClearForShipping).await?;
        }
    }
    Ok(())
}
