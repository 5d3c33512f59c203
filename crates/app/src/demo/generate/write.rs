//! Writing a chunk of generated orders in one transaction: their numbers from the day's counter,
//! rows, lines, timeline events, the stock they reserved, released or shipped, and the receipts
//! that brought that stock in. Every chunk leaves the books balanced (`inventory verify` clean),
//! so a run stopped between chunks leaves a smaller data set, never a broken one.

use std::collections::{BTreeMap, HashSet};

use tradeport_domain::access::Actor;
use tradeport_domain::inventory::MovementKind;
use tradeport_domain::kernel::{Millis, SkuId, TenantId, WarehouseId};
use tradeport_domain::orders::{OrderAction, OrderStatus, event_kind, format_order_no, local_day};
use tradeport_store::events::{self, NewEvent};
use tradeport_store::inventory::stock::{self, Movement};
use tradeport_store::orders::allocations::AllocationRow;
use tradeport_store::orders::bulk::{self, BulkOrder};
use tradeport_store::orders::counters;

use super::draft::{Draft, id_at};
use super::lifecycle::Who;
use super::rng::Rng;
use crate::{App, AppError, AppResult};

/// Units each SKU's first receipt in a warehouse brings beyond what its orders take.
const SPARE_UNITS: i64 = 100;

/// Who the generated steps are recorded as.
pub(super) struct Staff {
    pub reviewer: Actor,
    pub warehouse: Actor,
}

impl Staff {
    fn actor(&self, who: Who) -> Actor {
        match who {
            Who::System => Actor::System,
            Who::Reviewer => self.reviewer,
            Who::Warehouse => self.warehouse,
        }
    }
}

/// Rows written by one chunk.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Written {
    pub lines: u64,
    pub events: u64,
    pub movements: u64,
}

/// What the chunk's orders did to one balance.
#[derive(Default)]
struct BalanceUse {
    shipped: i64,
    /// Units reserved by orders that still hold them.
    open: i64,
}

/// The chunk's context: the operator, its time zone, the staff, and the balances already made.
pub(super) struct Chunk<'a> {
    pub operator: TenantId,
    pub timezone: &'a str,
    pub staff: &'a Staff,
    pub balances: &'a mut HashSet<(SkuId, WarehouseId)>,
}

/// Writes `drafts` (in the order they were received) in one transaction.
pub(super) async fn write_chunk(
    app: &App,
    rng: &mut Rng,
    chunk: &mut Chunk<'_>,
    drafts: &mut [Draft],
) -> AppResult<Written> {
    let mut tx = app.begin().await?;
    number_in_tx(&mut tx, chunk, drafts).await?;
    let mut event_rows = Vec::new();
    let mut movements = Vec::new();
    let mut allocations = Vec::new();
    let mut uses: BTreeMap<(SkuId, WarehouseId), BalanceUse> = BTreeMap::new();
    for d in drafts.iter() {
        event_rows.extend(timeline(rng, chunk.staff, d));
        stock_moves(rng, chunk.staff, d, &mut movements, &mut uses);
        if d.row.status.holds_stock() {
            for l in &d.validated.lines {
                let a = AllocationRow {
                    line_no: l.line_no,
                    sku_id: l.sku_id,
                    warehouse_id: Some(d.warehouse),
                    quantity: l.quantity,
                };
                let at = d.row.approved_at.unwrap_or(d.row.created_at);
                allocations.push((id_at(rng, at).to_string(), d.row.id, a, at));
            }
        }
    }
    // The goods came in the day before the chunk's first order.
    let received_at = Millis(drafts.first().map_or(0, |d| d.row.created_at.0) - 86_400_000);
    for ((sku, warehouse), u) in &uses {
        let spare = if chunk.balances.insert((*sku, *warehouse)) {
            stock::ensure_balance_in_tx(&mut tx, chunk.operator, *sku, *warehouse, received_at).await?;
            SPARE_UNITS
        } else {
            0
        };
        let units = u.shipped + u.open + spare;
        let kept = units - u.shipped;
        let (in_hand, held) = (
            stock::change_on_hand_in_tx(&mut tx, chunk.operator, *sku, *warehouse, kept, received_at).await?,
            stock::reserve_in_tx(&mut tx, chunk.operator, *sku, *warehouse, u.open, received_at).await?,
        );
        if !in_hand || !held {
            return Err(AppError::Internal(format!(
                "generated stock of {sku} at {warehouse} does not add up"
            )));
        }
        movements.push(Movement {
            id: id_at(rng, received_at).to_string(),
            sku_id: *sku,
            warehouse_id: *warehouse,
            kind: MovementKind::Receive,
            on_hand_delta: units,
            reserved_delta: 0,
            order_id: None,
            reason: Some("inbound shipment"),
            actor: chunk.staff.warehouse,
            at: received_at,
            bin: None,
            picked_delta: 0,
        });
    }
    let orders: Vec<BulkOrder<'_>> =
        drafts.iter().map(|d| BulkOrder { row: &d.row, address_key: &d.address_key }).collect();
    bulk::insert_orders_in_tx(&mut tx, chunk.operator, &orders).await?;
    let mut lines = Vec::new();
    for d in drafts.iter() {
        lines.extend(
            d.validated.lines.iter().map(|l| (id_at(rng, d.row.created_at).to_string(), d.row.id, l)),
        );
    }
    bulk::insert_lines_in_tx(&mut tx, chunk.operator, &lines).await?;
    bulk::insert_allocations_in_tx(&mut tx, chunk.operator, &allocations).await?;
    events::append_many_in_tx(&mut tx, chunk.operator, &event_rows).await?;
    stock::record_many_in_tx(&mut tx, chunk.operator, &movements).await?;
    tx.commit().await?;
    Ok(Written {
        lines: lines.len() as u64,
        events: event_rows.len() as u64,
        movements: movements.len() as u64,
    })
}

/// Gives each confirmed order its number: the day's serials in the order of confirmation, taken
/// from the operator's counter as confirmations take them.
async fn number_in_tx(
    tx: &mut tradeport_store::AnyConnection,
    chunk: &Chunk<'_>,
    drafts: &mut [Draft],
) -> AppResult<()> {
    let mut by_day: BTreeMap<String, Vec<(Millis, usize)>> = BTreeMap::new();
    for (n, d) in drafts.iter().enumerate() {
        if let Some(at) = d.row.confirmed_at {
            by_day.entry(local_day(at, chunk.timezone)).or_default().push((at, n));
        }
    }
    for (day, mut confirmed) in by_day {
        confirmed.sort();
        let first = counters::take_serials_in_tx(tx, chunk.operator, &day, confirmed.len() as i64).await?;
        for (k, (_, n)) in confirmed.into_iter().enumerate() {
            let no = format_order_no(&day, first + k as i64).ok_or_else(|| AppError::Conflict {
                code: "generate.daily_numbers_exhausted",
                message: format!(
                    "all order numbers of {day} are used; generate fewer orders or over more days"
                ),
                fields: Vec::new(),
            })?;
            drafts[n].row.order_no = Some(no);
        }
    }
    Ok(())
}

/// The order's timeline as intake and review write it: received, then one event per step.
fn timeline<'a>(rng: &mut Rng, staff: &Staff, d: &'a Draft) -> Vec<NewEvent<'a>> {
    let row = &d.row;
    let received = serde_json::json!({
        "channel": row.channel, "channel_order_id": row.channel_order_id,
        "holds": d.validated.holds, "flags": d.validated.flags, "risk_score": 0
    });
    let held = d.steps.first().map_or(row.status, |s| s.from) == OrderStatus::OnHold;
    let mut out = vec![NewEvent {
        id: id_at(rng, row.created_at),
        merchant_id: Some(row.merchant_id),
        subject_type: "order",
        subject_id: row.id.to_string(),
        kind: if held { "order_received_on_hold" } else { "order_received" },
        actor: Actor::System,
        reason: None,
        data: received.to_string(),
        at: row.created_at,
    }];
    let mut numbered = false;
    for s in &d.steps {
        numbered |= s.to == OrderStatus::Confirmed;
        let allocation = if reserved_in(s.to) { "reserved" } else { "none" };
        let data = serde_json::json!({
            "from": s.from.as_str(), "to": s.to.as_str(), "allocation": allocation,
            "order_no": if numbered { row.order_no.clone() } else { None }
        });
        let reason = match s.action {
            OrderAction::Reject => Some("the buyer's address is one our carriers cannot serve"),
            OrderAction::Cancel => Some("the buyer asked to cancel"),
            _ => None,
        };
        out.push(NewEvent {
            id: id_at(rng, s.at),
            merchant_id: Some(row.merchant_id),
            subject_type: "order",
            subject_id: row.id.to_string(),
            kind: event_kind(s.action, s.to),
            actor: staff.actor(s.who),
            reason,
            data: data.to_string(),
            at: s.at,
        });
    }
    out
}

/// Whether an order in `status` has its units reserved (or, handed over, had them).
fn reserved_in(status: OrderStatus) -> bool {
    status.holds_stock() || status == OrderStatus::HandedOver
}

/// The ledger movements of the order's stock: reserved on approval, then released on a
/// cancellation or shipped on hand-over; and what that leaves on each balance.
fn stock_moves(
    rng: &mut Rng,
    staff: &Staff,
    d: &Draft,
    movements: &mut Vec<Movement<'static>>,
    uses: &mut BTreeMap<(SkuId, WarehouseId), BalanceUse>,
) {
    let Some(reserved) = d.steps.iter().find(|s| s.to == OrderStatus::Approved) else {
        return;
    };
    let ended = d.steps.iter().find(|s| matches!(s.to, OrderStatus::Cancelled | OrderStatus::HandedOver));
    for l in &d.validated.lines {
        let q = l.quantity;
        let mut add = |kind: MovementKind, at: Millis, who: Who, on_hand: i64, reserved: i64, reason| {
            movements.push(Movement {
                id: id_at(rng, at).to_string(),
                sku_id: l.sku_id,
                warehouse_id: d.warehouse,
                kind,
                on_hand_delta: on_hand,
                reserved_delta: reserved,
                order_id: Some(d.row.id),
                reason,
                actor: staff.actor(who),
                at,
                bin: None,
                picked_delta: 0,
            })
        };
        add(MovementKind::Reserve, reserved.at, reserved.who, 0, q, None);
        let entry = uses.entry((l.sku_id, d.warehouse)).or_default();
        match ended {
            Some(s) if s.to == OrderStatus::Cancelled => {
                add(MovementKind::Release, s.at, s.who, 0, -q, Some("order cancelled"))
            }
            Some(s) => {
                add(MovementKind::Ship, s.at, s.who, -q, -q, Some("handed over to the carrier"));
                entry.shipped += q;
            }
            None => entry.open += q,
        }
    }
}
