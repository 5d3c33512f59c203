//! Put-away and moves between bins (WMS-3, INV-1): units on the dock (received, or returned from a
//! cancelled order) go into bins by rule (the SKU's fixed bin, a bin already holding it, the
//! nearest free bin that may hold it), confirmed by scanning the bin.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::inventory::{MovementKind, Trait};
use tradeport_domain::kernel::{SkuId, TenantId, WarehouseId};
use tradeport_domain::warehouse::{BinSpace, bin_accepts, suggest_put_away};
use tradeport_store::AnyConnection;
use tradeport_store::inventory::skus::{self, SkuRow};
use tradeport_store::inventory::stock::{self, Movement};
use tradeport_store::warehouse::bins::{self, BinRow, Slot};

use super::lots::{lot_in_bin, lot_on_goods};
use super::{BinContentView, conflict, invalid, movement, sku_by_scan, warehouse_for};
use crate::{App, AppError, AppResult, parse_id};

/// Units of a SKU waiting on the dock, and where they should go.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PutAwayTask {
    pub sku_id: String,
    pub sku: String,
    pub sku_name: String,
    pub merchant_id: String,
    pub units: i64,
    /// The bin the rules suggest, when one qualifies.
    pub suggested_bin: Option<String>,
    /// `fixed_bin`, `bin_holding_the_sku` or `nearest_free_bin`.
    pub rule: Option<String>,
    /// Whether put-away must name the lot (and expiry) printed on the goods.
    pub lot_tracked: bool,
}

/// Where a SKU's units should go in a warehouse: the bin and the rule that chose it.
async fn suggestion(
    conn: &mut AnyConnection,
    operator: TenantId,
    warehouse_id: WarehouseId,
    sku: &SkuRow,
    qty: i64,
    all_bins: &[BinRow],
) -> AppResult<Option<(BinRow, &'static str)>> {
    let held = bins::contents(conn, operator, warehouse_id, None, &[sku.id]).await?;
    let spaces: Vec<BinSpace<usize>> = all_bins
        .iter()
        .enumerate()
        .map(|(n, b)| BinSpace {
            id: n,
            code: b.code.clone(),
            walk_sequence: b.walk_sequence,
            capacity_units: b.capacity_units,
            allowed_traits: b.allowed_traits.clone(),
            fixed_for_sku: b.fixed_sku_id == Some(sku.id),
            fixed_for_other: b.fixed_sku_id.is_some_and(|f| f != sku.id),
            this_sku: held.iter().filter(|c| c.bin_id == b.id).map(|c| c.qty).sum(),
            total: b.total,
        })
        .collect();
    Ok(suggest_put_away(&spaces, &sku.traits, qty).map(|(n, rule)| (all_bins[n].clone(), rule.as_str())))
}

/// What waits on a warehouse's dock, with a suggested bin for each SKU (at most 200 SKUs).
pub async fn put_away_queue(
    app: &App,
    principal: &Principal,
    warehouse_id: &str,
) -> AppResult<Vec<PutAwayTask>> {
    principal.require(Permission::OperateWarehouse)?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let wh = warehouse_for(&mut conn, principal, warehouse_id).await?;
    let waiting = stock::on_the_dock(&mut conn, operator, wh.id, None, 200).await?;
    let all_bins = bins::list(&mut conn, operator, wh.id).await?;
    let mut out = Vec::with_capacity(waiting.len());
    for (line, units) in waiting {
        let Some(sku) = skus::get(&mut conn, operator, None, line.sku_id).await? else { continue };
        let s = suggestion(&mut conn, operator, wh.id, &sku, units, &all_bins).await?;
        out.push(PutAwayTask {
            sku_id: line.sku_id.to_string(),
            sku: line.sku,
            sku_name: line.sku_name,
            merchant_id: line.merchant_id.to_string(),
            units,
            suggested_bin: s.as_ref().map(|(b, _)| b.code.clone()),
            rule: s.map(|(_, r)| r.to_string()),
            lot_tracked: sku.lot_tracked,
        });
    }
    Ok(out)
}

/// Putting units from the dock into a bin.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PutAway {
    pub warehouse_id: String,
    /// The item as scanned (barcode or SKU code); or give `sku_id`.
    pub scan: String,
    pub sku_id: String,
    /// The bin's label as scanned, e.g. `A-01-02-1-B`.
    pub bin: String,
    #[schema(minimum = 1)]
    pub quantity: i64,
    /// For a lot-tracked SKU: the lot printed on the goods, unless the scan was a GS1 barcode
    /// carrying it.
    pub lot: String,
    /// The lot's expiry, `YYYY-MM-DD`, unless the GS1 barcode carried it.
    pub expiry: String,
}

/// The SKU a warehouse request names: by id when given, else by its scan.
async fn requested_sku(
    conn: &mut AnyConnection,
    operator: TenantId,
    sku_id: &str,
    scan: &str,
) -> AppResult<SkuRow> {
    if sku_id.trim().is_empty() {
        return sku_by_scan(conn, operator, None, scan, "scan").await;
    }
    let id: SkuId = parse_id(sku_id, "SKU")?;
    skus::get(conn, operator, None, id).await?.ok_or(AppError::NotFound("SKU"))
}

/// Checks that a locked bin may take `qty` more units of a SKU with `traits`.
pub(crate) fn check_room(bin: &BinRow, sku: &SkuRow, traits: &[Trait], qty: i64) -> AppResult<()> {
    if !bin_accepts(&bin.allowed_traits, traits) {
        return Err(invalid(
            "bin",
            "trait_not_allowed",
            format!(
                "{} may not hold {} ({}); choose a bin in a zone that allows it",
                bin.code,
                sku.sku,
                traits.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    if bin.fixed_sku_id.is_some_and(|f| f != sku.id) {
        return Err(invalid(
            "bin",
            "fixed_for_another_sku",
            format!("{} is the fixed bin of another SKU", bin.code),
        ));
    }
    if bin.capacity_units > 0 && bin.total + qty > bin.capacity_units {
        return Err(invalid(
            "bin",
            "bin_full",
            format!(
                "{} has room for {} more units, not {qty}; put the rest in another bin",
                bin.code,
                (bin.capacity_units - bin.total).max(0)
            ),
        ));
    }
    Ok(())
}

/// Puts units from the dock into the scanned bin.
pub async fn put_away(app: &App, principal: &Principal, p: &PutAway) -> AppResult<super::BinContentView> {
    principal.require(Permission::OperateWarehouse)?;
    if !(1..=1_000_000).contains(&p.quantity) {
        return Err(invalid("quantity", "out_of_range", "quantity must be 1 or more"));
    }
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let wh = warehouse_for(&mut conn, principal, &p.warehouse_id).await?;
    let sku = requested_sku(&mut conn, operator, &p.sku_id, &p.scan).await?;
    drop(conn);
    let (lot, expiry) = lot_on_goods(&sku, &p.scan, &p.lot, &p.expiry)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let bin = locked_bin(&mut tx, operator, wh.id, &p.bin).await?;
    check_room(&bin, &sku, &sku.traits, p.quantity)?;
    let slot = Slot { sku_id: sku.id, bin_id: bin.id, lot: &lot };
    // The bin balance before the stock row, as a pick takes them.
    bins::add_in_tx(&mut tx, operator, slot, wh.id, expiry, p.quantity, now).await?;
    if !stock::locate_in_tx(&mut tx, operator, sku.id, wh.id, p.quantity, now).await? {
        return Err(conflict(
            "warehouse.not_on_the_dock",
            format!(
                "fewer than {} units of {} wait on the dock of {}; count what is there",
                p.quantity, sku.sku, wh.code
            ),
        ));
    }
    let m = Movement {
        bin: Some((bin.id, &lot, p.quantity)),
        ..movement(app, sku.id, wh.id, MovementKind::PutAway, principal.actor, None, now)
    };
    stock::record_in_tx(&mut tx, operator, &m).await?;
    let units = bins::qty_of(&mut tx, operator, slot).await?;
    tx.commit().await?;
    Ok(BinContentView::of(&bin, &sku, &lot, expiry, units))
}

/// A bin by its scanned code, locked for the transaction.
pub(crate) async fn locked_bin(
    conn: &mut AnyConnection,
    operator: TenantId,
    warehouse_id: WarehouseId,
    code: &str,
) -> AppResult<BinRow> {
    let found = bins::by_code(conn, operator, warehouse_id, code).await?;
    let bin = found.ok_or_else(|| {
        invalid(
            "bin",
            "unknown_bin",
            format!("no bin {} in this warehouse; scan the bin's label", code.trim()),
        )
    })?;
    bins::lock_in_tx(conn, operator, bin.id).await?;
    // Read again under the lock: the units in it are what this transaction sees now.
    bins::get(conn, operator, bin.id).await?.ok_or(AppError::NotFound("bin"))
}

/// Moving units from one bin to another.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MoveStock {
    pub warehouse_id: String,
    pub scan: String,
    pub sku_id: String,
    pub from_bin: String,
    pub to_bin: String,
    #[schema(minimum = 1)]
    pub quantity: i64,
    /// For a lot-tracked SKU: the lot to move; may be left out when `from_bin` holds one lot.
    pub lot: String,
}

/// Moves units between two bins of a warehouse (two `move` movements, one per bin).
pub async fn move_stock(app: &App, principal: &Principal, m: &MoveStock) -> AppResult<super::BinContentView> {
    principal.require(Permission::OperateWarehouse)?;
    if !(1..=1_000_000).contains(&m.quantity) {
        return Err(invalid("quantity", "out_of_range", "quantity must be 1 or more"));
    }
    if m.from_bin.trim().eq_ignore_ascii_case(m.to_bin.trim()) {
        return Err(invalid("to_bin", "same_bin", "to_bin must be another bin than from_bin"));
    }
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let wh = warehouse_for(&mut conn, principal, &m.warehouse_id).await?;
    let sku = requested_sku(&mut conn, operator, &m.sku_id, &m.scan).await?;
    drop(conn);
    let now = app.now();
    let mut tx = app.begin().await?;
    // Both bins locked in id order, so two opposite moves cannot deadlock.
    let (a, b) = (
        bins::by_code(&mut tx, operator, wh.id, &m.from_bin).await?,
        bins::by_code(&mut tx, operator, wh.id, &m.to_bin).await?,
    );
    let from = a.ok_or_else(|| {
        invalid("from_bin", "unknown_bin", format!("no bin {} in this warehouse", m.from_bin.trim()))
    })?;
    let to = b.ok_or_else(|| {
        invalid("to_bin", "unknown_bin", format!("no bin {} in this warehouse", m.to_bin.trim()))
    })?;
    let mut ids = [from.id, to.id];
    ids.sort();
    for id in ids {
        bins::lock_in_tx(&mut tx, operator, id).await?;
    }
    let to = bins::get(&mut tx, operator, to.id).await?.ok_or(AppError::NotFound("bin"))?;
    check_room(&to, &sku, &sku.traits, m.quantity)?;
    let (lot, expiry) = lot_in_bin(&mut tx, operator, &sku, &from, &m.lot).await?;
    let (from_slot, to_slot) = (
        Slot { sku_id: sku.id, bin_id: from.id, lot: &lot },
        Slot { sku_id: sku.id, bin_id: to.id, lot: &lot },
    );
    // Bin balances in bin id order, as a count's approval takes them.
    if to.id < from.id {
        bins::add_in_tx(&mut tx, operator, to_slot, wh.id, expiry, m.quantity, now).await?;
    }
    if !bins::take_in_tx(&mut tx, operator, from_slot, m.quantity, now).await? {
        return Err(conflict(
            "warehouse.bin_short",
            format!("{} holds fewer than {} units of {}", from.code, m.quantity, sku.sku),
        ));
    }
    if to.id > from.id {
        bins::add_in_tx(&mut tx, operator, to_slot, wh.id, expiry, m.quantity, now).await?;
    }
    for (bin, delta) in [(from.id, -m.quantity), (to.id, m.quantity)] {
        let mv = Movement {
            bin: Some((bin, &lot, delta)),
            ..movement(app, sku.id, wh.id, MovementKind::Move, principal.actor, None, now)
        };
        stock::record_in_tx(&mut tx, operator, &mv).await?;
    }
    let units = bins::qty_of(&mut tx, operator, to_slot).await?;
    tx.commit().await?;
    Ok(BinContentView::of(&to, &sku, &lot, expiry, units))
}
