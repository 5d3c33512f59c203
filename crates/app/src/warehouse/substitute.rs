//! A substitute for a short pick (INV-4): the buyer agreed to take another of the merchant's items
//! for the units the bin lacked. In one transaction the order's line gives up those units and a
//! new line takes the substitute at the same unit price (the buyer pays what was agreed), the
//! reservation moves from the one SKU to the other, the substitute joins the wave as a pick line
//! from a bin (earliest expiry first), and the short line is settled. The destination and goods
//! rules of intake run again: a substitute that may not go to the buyer's country, or that would
//! need a review, is refused.

use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::inventory::MovementKind;
use tradeport_domain::kernel::{Address, FieldError, PickLineId, TenantId};
use tradeport_domain::orders::{ShippingFacts, SkuFacts, ValidatedLine, check_shipping};
use tradeport_domain::warehouse::PickLineStatus;
use tradeport_store::inventory::goods_rules;
use tradeport_store::inventory::skus::SkuRow;
use tradeport_store::inventory::stock::{self, Movement};
use tradeport_store::orders::{self, OrderRow, allocations};
use tradeport_store::warehouse::waves::{self, NewPickLine, PickLineRow};

use super::free_stock::free_slots;
use super::picking::{PickLineView, lock_line_and_order};
use super::{conflict, invalid, movement, sku_by_scan};
use crate::access::load_operator;
use crate::{App, AppError, AppResult, UnitOfWork, parse_id};

/// Swaps a short line's missing units for `substitute`.
pub(super) async fn swap(
    app: &App,
    principal: &Principal,
    line_id: &str,
    substitute: &str,
    note: &str,
) -> AppResult<PickLineView> {
    principal.require(Permission::OperateWarehouse)?;
    if substitute.trim().is_empty() {
        return Err(invalid("substitute", "required", "scan or type the substitute the buyer agreed to"));
    }
    let id: PickLineId = parse_id(line_id, "pick line")?;
    let operator = principal.scope.operator_id;
    let now = app.now();
    let mut tx = app.begin().await?;
    let line = lock_line_and_order(&mut tx, principal, id).await?;
    if !line.status.is_short() {
        return Err(conflict("pick.not_short", format!("this line is {}, not short", line.status.as_str())));
    }
    // As a wave does: the free bin stock read below is this warehouse's to plan from alone.
    tradeport_store::inventory::warehouses::lock_in_tx(&mut tx, operator, line.warehouse_id).await?;
    let order =
        orders::get(&mut tx, operator, None, line.order_id).await?.ok_or(AppError::NotFound("order"))?;
    let sub = sku_by_scan(&mut tx, operator, Some(order.merchant_id), substitute, "substitute").await?;
    if sub.id == line.sku_id || !sub.active {
        return Err(invalid(
            "substitute",
            "not_a_substitute",
            format!("{} is the short item itself or no longer sold; choose another", sub.sku),
        ));
    }
    let order_lines = orders::lines::list(&mut tx, operator, order.id, order.currency).await?;
    // The order line whose units this warehouse holds for the order, enough of them to give up.
    let held = allocations::list(&mut tx, operator, order.id).await?;
    let held_line = held
        .iter()
        .find(|a| {
            a.sku_id == line.sku_id && a.warehouse_id == Some(line.warehouse_id) && a.quantity >= line.short
        })
        .map(|a| a.line_no);
    let Some(short_of) =
        order_lines.iter().find(|l| Some(l.line_no) == held_line && l.quantity >= line.short)
    else {
        return Err(conflict(
            "swap.split_line",
            format!(
                "the order's {} short units of {} are spread over several lines; cancel or wait instead",
                line.short, line.sku
            ),
        ));
    };
    let swap = Swap { app, operator, order: &order, line: &line, sub: &sub };
    swap.check_rules(&mut tx).await?;

    // The stock rows of both SKUs in (SKU, warehouse) order, before either changes.
    let mut skus = [line.sku_id, sub.id];
    skus.sort();
    stock::lock_balances_in_tx(&mut tx, operator, &skus).await?;
    stock::ensure_balance_in_tx(&mut tx, operator, sub.id, line.warehouse_id, now).await?;
    if !stock::reserve_in_tx(&mut tx, operator, sub.id, line.warehouse_id, line.short, now).await? {
        return Err(conflict(
            "swap.not_in_stock",
            format!(
                "fewer than {} of {} are free in this warehouse; choose another substitute",
                line.short, sub.sku
            ),
        ));
    }
    if !stock::release_in_tx(&mut tx, operator, line.sku_id, line.warehouse_id, line.short, now).await? {
        return Err(AppError::Internal(format!(
            "order {} held fewer than {} of {}",
            order.id, line.short, line.sku
        )));
    }
    for (sku, kind, delta) in
        [(line.sku_id, MovementKind::Release, -line.short), (sub.id, MovementKind::Reserve, line.short)]
    {
        let m = Movement {
            reserved_delta: delta,
            order_id: Some(order.id),
            ..movement(
                app,
                sku,
                line.warehouse_id,
                kind,
                principal.actor,
                Some("substitute agreed with the buyer"),
                now,
            )
        };
        stock::record_in_tx(&mut tx, operator, &m).await?;
    }
    let line_no = order_lines.iter().map(|l| l.line_no).max().unwrap_or(0) + 1;
    swap.move_the_order_line(&mut tx, short_of, line_no).await?;
    swap.add_pick_line(&mut tx).await?;
    waves::set_status_in_tx(&mut tx, operator, &line, PickLineStatus::Resolved, now).await?;
    let data = serde_json::json!({
        "line_id": line.id, "from_sku": line.sku, "to_sku": sub.sku, "quantity": line.short, "line_no": line_no,
        "buyer_agreed": true,
    })
    .to_string();
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(order.merchant_id),
        reason: Some(if note.is_empty() { "the buyer agreed to a substitute" } else { note }),
        data,
        ..app.event(principal.actor, "order", order.id, "order_item_swapped")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    let after =
        waves::lock_line_in_tx(&mut tx, operator, line.id).await?.ok_or(AppError::NotFound("pick line"))?;
    tx.commit().await?;
    Ok(after.into())
}

/// What a swap works on.
struct Swap<'a> {
    app: &'a App,
    operator: TenantId,
    order: &'a OrderRow,
    line: &'a PickLineRow,
    sub: &'a SkuRow,
}

impl Swap<'_> {
    /// Runs intake's destination and goods rules on the order as it would be with the substitute.
    async fn check_rules(&self, tx: &mut UnitOfWork) -> AppResult<()> {
        let (order, sub) = (self.order, self.sub);
        let policy = load_operator(tx, self.operator).await?;
        let service = policy.settings.service_level(&order.service_level).ok_or_else(|| {
            AppError::Internal(format!("order {} has service {}", order.id, order.service_level))
        })?;
        let address: Address = serde_json::from_str(&order.shipping_address)
            .map_err(|e| AppError::Internal(format!("stored address of order {}: {e}", order.id)))?;
        let rules = goods_rules::list(tx, self.operator).await?;
        let mut goods = crate::orders::line_goods(tx, self.operator, order).await?;
        let facts = SkuFacts {
            id: sub.id,
            name: sub.name.clone(),
            active: sub.active,
            traits: sub.traits.clone(),
            hs_code: sub.hs_code.clone(),
        };
        goods.push((goods.len(), facts));
        let goods: Vec<(usize, &SkuFacts)> = goods.iter().map(|(n, f)| (*n, f)).collect();
        let shipping = ShippingFacts {
            address: &address,
            goods: &goods,
            service,
            shipping_fee: order.shipping_fee,
            total: order.total,
        };
        let check = check_shipping(&shipping, &policy.settings, &rules);
        if let Some(refused) = check.reject.first() {
            let message = format!("{} may not go to this order's address: {}", sub.sku, refused.message);
            return Err(AppError::Invalid(vec![FieldError::new("substitute", &refused.code, message)]));
        }
        if let Some(hold) = check.holds.first() {
            return Err(conflict(
                "swap.needs_review",
                format!(
                    "with {} the order would need a review ({}); choose another substitute",
                    sub.sku, hold.message
                ),
            ));
        }
        Ok(())
    }

    /// The order line gives up the short units; a new line takes the substitute at the same price.
    async fn move_the_order_line(
        &self,
        tx: &mut UnitOfWork,
        short_of: &ValidatedLine,
        line_no: u32,
    ) -> AppResult<()> {
        let (order, line, sub, operator) = (self.order, self.line, self.sub, self.operator);
        let taken = orders::lines::reduce_in_tx(tx, operator, order.id, short_of.line_no, line.short).await?
            && allocations::reduce_in_tx(
                tx,
                operator,
                order.id,
                short_of.line_no,
                line.warehouse_id,
                line.short,
            )
            .await?;
        if !taken {
            return Err(AppError::Internal(format!(
                "order {} line {} holds fewer than {} units at this warehouse",
                order.id, short_of.line_no, line.short
            )));
        }
        let new_line = ValidatedLine {
            line_no,
            sku_id: sub.id,
            sku: sub.sku.clone(),
            name: sub.name.clone(),
            variant: String::new(),
            quantity: line.short,
            unit_price: short_of.unit_price,
        };
        let ids = [self.app.new_uuid().to_string()];
        orders::lines::insert_in_tx(tx, operator, order.id, &ids, std::slice::from_ref(&new_line)).await?;
        let allocation = allocations::AllocationRow {
            line_no,
            sku_id: sub.id,
            warehouse_id: Some(line.warehouse_id),
            quantity: line.short,
        };
        let ids = [self.app.new_uuid().to_string()];
        allocations::insert_in_tx(tx, operator, order.id, &ids, &[allocation], self.app.now()).await?;
        Ok(())
    }

    /// The substitute joins the short line's wave, from the first bin slot with room.
    async fn add_pick_line(&self, tx: &mut UnitOfWork) -> AppResult<()> {
        let (line, sub) = (self.line, self.sub);
        let slots = free_slots(self.app, tx, self.operator, line.warehouse_id, &[sub.id], None).await?;
        let Some((slot, _)) = slots.iter().find(|(_, free)| *free >= line.short) else {
            return Err(conflict(
                "swap.not_in_bins",
                format!(
                    "no bin holds {} free units of {}; put it away first, or choose another",
                    line.short, sub.sku
                ),
            ));
        };
        let new_line = NewPickLine {
            id: self.app.new_id(),
            order_id: line.order_id,
            merchant_id: line.merchant_id,
            sku_id: sub.id,
            bin_id: slot.bin_id,
            lot: slot.lot.clone(),
            seq: line.seq,
            qty: line.short,
        };
        waves::insert_lines_in_tx(
            tx,
            self.operator,
            line.wave_id,
            line.warehouse_id,
            &[new_line],
            self.app.now(),
        )
        .await?;
        Ok(())
    }
}
