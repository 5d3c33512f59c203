//! Waves (WMS-4): the warehouse builds a wave from confirmed orders (urgent first, then express,
//! then oldest; optionally only urgent, only express, only orders with one SKU, or only orders
//! picked wholly in one zone), up to a size. Each unit is assigned to a bin in walking order, the
//! orders move to `picking`, and the wave's pick list is ready for the scanners.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{BinId, OrderId, SkuId, TenantId, WaveId};
use tradeport_domain::orders::{OrderAction, OrderStatus, event_kind};
use tradeport_domain::warehouse::{BinStock, WaveFilter, WaveOrder, plan_wave};
use tradeport_store::inventory::warehouses;
use tradeport_store::orders;
use tradeport_store::warehouse::counters;
use tradeport_store::warehouse::waves::{self, Candidate, LinesOf, NewPickLine, WaveRow};

use super::picking::PickLineView;
use super::{conflict, invalid, rfc3339, warehouse_for};
use crate::{App, AppError, AppResult, parse_id};

/// How many confirmed orders a wave is planned from at most.
const CANDIDATES: u32 = 20_000;

/// What the operator asks of a wave.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CreateWave {
    pub warehouse_id: String,
    /// Most orders in the wave (1 to 5000; 50 when left out).
    #[schema(minimum = 1, maximum = 5000)]
    pub max_orders: Option<u32>,
    /// Only urgent orders.
    pub urgent_only: bool,
    /// Only orders with the express service (they meet the earliest carrier cut-off).
    pub express_only: bool,
    /// Only orders with this SKU.
    pub sku_id: Option<String>,
    /// Only orders picked wholly from this zone.
    pub zone: Option<String>,
}

/// A wave and its pick list in walking order.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct WaveView {
    pub id: String,
    pub wave_no: String,
    pub warehouse_id: String,
    /// `picking` until every line is picked or settled, then `picked`.
    pub status: String,
    pub order_count: i64,
    pub created_at: String,
    pub completed_at: Option<String>,
    pub lines: Vec<PickLineView>,
    /// Orders left out of the wave when it was built, by reason (`not_in_bins`, `outside_zone`,
    /// `wave_full`).
    pub left_out: BTreeMap<String, usize>,
}

/// Builds and starts a wave.
pub async fn create_wave(app: &App, principal: &Principal, w: &CreateWave) -> AppResult<WaveView> {
    principal.require(Permission::OperateWarehouse)?;
    let max = w.max_orders.unwrap_or(50);
    if !(1..=5_000).contains(&max) {
        return Err(invalid("max_orders", "out_of_range", "max_orders must be 1 to 5000"));
    }
    let sku_filter: Option<SkuId> = w
        .sku_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| parse_id(s, "SKU"))
        .transpose()?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let wh = warehouse_for(&mut conn, principal, &w.warehouse_id).await?;
    drop(conn);
    let now = app.now();
    let mut tx = app.begin().await?;
    // One wave at a time per warehouse: the plan reads bins and orders that the next wave changes.
    warehouses::lock_in_tx(&mut tx, operator, wh.id).await?;
    let candidates = waves::candidates(&mut tx, operator, wh.id, CANDIDATES).await?;
    let stock = free_bin_stock(app, &mut tx, operator, wh.id, &candidates).await?;
    let orders_in: Vec<WaveOrder<OrderId, SkuId>> = candidates
        .iter()
        .map(|c| WaveOrder {
            order_id: c.order_id,
            urgent: c.urgent,
            express: c.service_level == "express",
            created_at: c.created_at,
            lines: c.lines.clone(),
        })
        .collect();
    let filter = WaveFilter {
        max_orders: max as usize,
        urgent_only: w.urgent_only,
        express_only: w.express_only,
        sku_id: sku_filter,
        zone: w.zone.as_deref().map(str::trim).filter(|z| !z.is_empty()).map(str::to_uppercase),
    };
    let plan = plan_wave(&orders_in, &stock, &filter);
    let mut left_out: BTreeMap<String, usize> = BTreeMap::new();
    for (_, why) in &plan.left_out {
        *left_out.entry(why.as_str().to_string()).or_default() += 1;
    }
    if plan.orders.is_empty() {
        let why = if candidates.is_empty() {
            "no confirmed order is wholly reserved in this warehouse".to_string()
        } else {
            format!("no order qualifies: {left_out:?}; put away the goods on the dock, or widen the filter")
        };
        return Err(conflict("wave.nothing_to_pick", why));
    }
    let moved = orders::set_status_many_in_tx(
        &mut tx,
        operator,
        &plan.orders,
        OrderStatus::Confirmed,
        OrderStatus::Picking,
        now,
    )
    .await?;
    if moved != plan.orders.len() as u64 {
        // An order was held or cancelled while the wave was planned: nothing is kept.
        return Err(conflict(
            "wave.orders_changed",
            "an order changed while the wave was planned; build the wave again",
        ));
    }
    let merchant_of: HashMap<OrderId, TenantId> =
        candidates.iter().map(|c| (c.order_id, c.merchant_id)).collect();
    let wave = WaveRow {
        id: app.new_id(),
        warehouse_id: wh.id,
        wave_no: counters::next_number_in_tx(&mut tx, operator, "W").await?,
        status: "picking".into(),
        order_count: plan.orders.len() as i64,
        created_at: now,
        completed_at: None,
    };
    let kind = event_kind(OrderAction::StartPicking, OrderStatus::Picking);
    let data = serde_json::json!({ "from": "confirmed", "to": "picking", "wave_id": wave.id, "wave_no": wave.wave_no }).to_string();
    let events: Vec<_> = plan
        .orders
        .iter()
        .map(|o| tradeport_store::events::NewEvent {
            merchant_id: merchant_of.get(o).copied(),
            data: data.clone(),
            ..app.event(principal.actor, "order", *o, kind)
        })
        .collect();
    tradeport_store::events::append_many_in_tx(&mut tx, operator, &events).await?;
    let lines: Vec<NewPickLine> = plan
        .picks
        .iter()
        .enumerate()
        .map(|(n, p)| NewPickLine {
            id: app.new_id(),
            order_id: p.order_id,
            merchant_id: merchant_of.get(&p.order_id).copied().unwrap_or(operator),
            sku_id: p.sku_id,
            bin_id: p.bin_id,
            lot: p.lot.clone(),
            seq: n as i64 + 1,
            qty: p.qty,
        })
        .collect();
    waves::insert_in_tx(&mut tx, operator, &wave, &lines).await?;
    let view = wave_view(&mut tx, operator, &wave, left_out).await?;
    tx.commit().await?;
    Ok(view)
}

/// Units of the candidates' SKUs the wave may plan from (see `free_stock`).
async fn free_bin_stock(
    app: &App,
    conn: &mut tradeport_store::AnyConnection,
    operator: TenantId,
    warehouse_id: tradeport_domain::kernel::WarehouseId,
    candidates: &[Candidate],
) -> AppResult<Vec<BinStock<BinId, SkuId>>> {
    let mut skus: Vec<SkuId> = candidates.iter().flat_map(|c| c.lines.iter().map(|(s, _)| *s)).collect();
    skus.sort();
    skus.dedup();
    let slots = super::free_stock::free_slots(app, conn, operator, warehouse_id, &skus, None).await?;
    Ok(slots
        .into_iter()
        .map(|(c, free)| BinStock {
            bin_id: c.bin_id,
            bin_code: c.bin_code,
            zone: c.zone,
            walk_sequence: c.walk_sequence,
            sku_id: c.sku_id,
            lot: c.lot,
            expiry: c.expiry,
            qty: free,
        })
        .collect())
}

async fn wave_view(
    conn: &mut tradeport_store::AnyConnection,
    operator: TenantId,
    w: &WaveRow,
    left_out: BTreeMap<String, usize>,
) -> AppResult<WaveView> {
    let lines = waves::lines(conn, operator, LinesOf::Wave(w.id)).await?;
    Ok(WaveView {
        id: w.id.to_string(),
        wave_no: w.wave_no.clone(),
        warehouse_id: w.warehouse_id.to_string(),
        status: w.status.clone(),
        order_count: w.order_count,
        created_at: rfc3339(w.created_at),
        completed_at: w.completed_at.map(rfc3339),
        lines: lines.into_iter().map(PickLineView::from).collect(),
        left_out,
    })
}

/// One wave with its pick list.
pub async fn get_wave(app: &App, principal: &Principal, id: &str) -> AppResult<WaveView> {
    principal.require(Permission::OperateWarehouse)?;
    let id: WaveId = parse_id(id, "wave")?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let w = waves::get(&mut conn, operator, id).await?.ok_or(AppError::NotFound("wave"))?;
    super::check_warehouse(&mut conn, principal, w.warehouse_id).await?;
    wave_view(&mut conn, operator, &w, BTreeMap::new()).await
}

/// The newest waves (at most 100), without their lines.
pub async fn list_waves(app: &App, principal: &Principal) -> AppResult<Vec<WaveView>> {
    principal.require(Permission::OperateWarehouse)?;
    let mut conn = app.db().read().await?;
    let allowed = super::staff::allowed_warehouses(&mut conn, principal).await?.unwrap_or_default();
    let rows = waves::list(&mut conn, principal.scope.operator_id, &allowed, 100).await?;
    Ok(rows
        .into_iter()
        .map(|w| WaveView {
            id: w.id.to_string(),
            wave_no: w.wave_no,
            warehouse_id: w.warehouse_id.to_string(),
            status: w.status,
            order_count: w.order_count,
            created_at: rfc3339(w.created_at),
            completed_at: w.completed_at.map(rfc3339),
            lines: Vec::new(),
            left_out: BTreeMap::new(),
        })
        .collect())
}
