//! Order intake (ORD-1 … ORD-3, ORD-8, ORD-10): validate, store once per channel order id,
//! and approve, reserve and confirm automatically where the operator's rules allow (ORD-5).
//!
//! The write transaction holds only the writes and the stock balances it plans on; everything
//! else read to decide (merchant, settings, rules, warehouses, SKUs) is read before it, mostly from
//! the configuration cache, and the answer is built from what was written, so on SQLite the single
//! writer is held as briefly as possible. The hot rows come last (`HotRowsLast`).

use std::collections::HashMap;

use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::inventory::AllocationState;
use tradeport_domain::orders::{OrderInput, OrderStatus, SkuFacts, ValidatedOrder, validate_order};
use tradeport_store::events::NewEvent;
use tradeport_store::inventory::skus;
use tradeport_store::orders::{self, OrderRow};

use super::review::approve_automatically_in_tx;
use super::to_json;
use super::view::{EventView, LineView, OrderView, RiskView, ViewParts, load_view};
use super::{HotRowsLast, move_clocks_promised_in_tx, write_in_tx};
use crate::access::operator_config;
use crate::inventory::merchant_for;
use crate::{App, AppError, AppResult};
use tradeport_domain::notifications::BuyerMessage;

/// What intake did.
#[derive(Clone, Debug)]
pub struct Intake {
    pub order: OrderView,
    /// False when the merchant already had an order with this channel and channel order id: the
    /// stored order is returned unchanged.
    pub created: bool,
}

/// The row of a validated order received at `now` with the id `id` (as intake takes it in).
pub(crate) fn order_row(
    input: &OrderInput,
    v: &ValidatedOrder,
    merchant: tradeport_domain::kernel::TenantId,
    id: tradeport_domain::kernel::OrderId,
    now: tradeport_domain::kernel::Millis,
) -> AppResult<OrderRow> {
    let status = if v.holds.is_empty() { OrderStatus::PendingReview } else { OrderStatus::OnHold };
    let discounts: Vec<serde_json::Value> = input
        .discounts
        .iter()
        .map(|d| serde_json::json!({"code": d.code, "amount_minor": d.amount_minor}))
        .collect();
    let address = input.shipping_address.canonical();
    let language = input.buyer.language.trim();
    Ok(OrderRow {
        id,
        merchant_id: merchant,
        channel: v.channel.clone(),
        channel_order_id: v.channel_order_id.clone(),
        order_no: None,
        status,
        allocation: AllocationState::None,
        buyer_name: input.buyer.name.trim().to_string(),
        buyer_phone: input.buyer.phone.trim().to_string(),
        buyer_phone_e164: v.phone_e164.clone(),
        buyer_email: v.email.clone(),
        buyer_language: if language.is_empty() { "en".into() } else { language.to_string() },
        shipping_address: to_json(&address)?,
        ship_country: address.country.clone(),
        currency: v.currency,
        subtotal: v.subtotal,
        discount: v.discount,
        discounts: serde_json::Value::Array(discounts).to_string(),
        shipping_fee: v.shipping_fee,
        tax: v.tax,
        total: v.total,
        paid: v.paid,
        payment_method: input.payment_method.trim().to_string(),
        payment_status: v.payment_status,
        service_level: input.service_level.clone(),
        carrier_service: input.carrier_service.trim().to_uppercase(),
        payment_reference: input.payment_reference.trim().to_string(),
        urgent: input.urgent,
        remarks: input.remarks.trim().to_string(),
        holds: to_json(&v.holds)?,
        flags: v.flags.join(","),
        second_review_due: v.second_review_due,
        created_at: now,
        updated_at: now,
        approved_at: None,
        confirmed_at: None,
        completed_at: None,
    })
}

/// An order checked against everything intake reads, ready to store.
struct Checked {
    operator: tradeport_domain::kernel::TenantId,
    merchant: tradeport_domain::kernel::TenantId,
    policy: crate::access::OperatorPolicy,
    /// The operator's rules with the time limits the merchant's agreement in force promises.
    promised: crate::access::OperatorPolicy,
    warehouses: Vec<tradeport_store::inventory::warehouses::WarehouseRow>,
    v: ValidatedOrder,
    coupons: Vec<tradeport_store::aftersales::coupons::CouponRow>,
    screening: super::screening::Screening,
    /// The order's units of SKUs on pre-sale.
    presale: Vec<super::presale::PresaleUnits>,
}

/// Reads what deciding needs (merchant, settings, rules, SKUs, services, coupons) and validates.
async fn check(app: &App, principal: &Principal, input: &OrderInput) -> AppResult<Checked> {
    principal.require(Permission::CreateOrders)?;
    let merchant = merchant_for(principal, input.merchant_id.as_deref())?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let config = operator_config(app, &mut conn, operator).await?;
    if config.merchant(merchant).is_none() {
        return Err(AppError::NotFound("merchant"));
    }
    let policy = config.policy.clone();
    let promised =
        crate::billing::promised_policy_among(&policy, &config.agreements_of(merchant), app.now())?
            .into_owned();
    let rules = &config.goods_rules;
    let codes: Vec<String> = input.lines.iter().map(|l| l.sku.trim().to_string()).collect();
    let known: HashMap<String, SkuFacts> = skus::find_by_codes(&mut conn, operator, merchant, &codes)
        .await?
        .into_iter()
        .map(|s| {
            (
                s.sku.clone(),
                SkuFacts { id: s.id, name: s.name, active: s.active, traits: s.traits, hs_code: s.hs_code },
            )
        })
        .collect();
    // A chosen carrier service must be one the operator offers (read only when one is named).
    let chosen = input.carrier_service.trim().to_uppercase();
    let offered = if chosen.is_empty() {
        true
    } else {
        tradeport_store::shipping::services::list(&mut conn, operator)
            .await?
            .iter()
            .any(|s| s.service.code == chosen && s.service.active)
    };
    // Our own coupons among the discounts (EXC-5), checked now and used in the transaction.
    let coupons = if input.discounts.iter().any(|d| tradeport_domain::aftersales::is_coupon_code(&d.code)) {
        crate::aftersales::coupons_of_order(&mut conn, operator, merchant, input, app.now()).await?
    } else {
        Ok(Vec::new())
    };
    let sku_ids: Vec<_> = known.values().map(|s| s.id).collect();
    let presales = tradeport_store::inventory::presales::of_skus(&mut conn, operator, &sku_ids).await?;
    drop(conn);
    let mut v = validate_order(input, &known, &policy.settings, rules);
    let coupons = match coupons {
        Ok(used) => used,
        Err(refused) => {
            v = Err(v.err().unwrap_or_default().into_iter().chain(refused).collect());
            Vec::new()
        }
    };
    if !offered {
        let unknown = tradeport_domain::kernel::FieldError::new(
            "carrier_service",
            "unknown_service",
            format!(
                "the operator offers no carrier service {chosen}; leave carrier_service empty or name one it offers"
            ),
        );
        v = Err(v.err().unwrap_or_default().into_iter().chain([unknown]).collect());
    }
    let mut v = v.map_err(AppError::Invalid)?;
    let presale = super::presale::presale_units(&v, &presales).map_err(AppError::Invalid)?;
    let screening = super::screening::screen(app, operator, &policy.settings.risk, input, &mut v).await?;
    let warehouses = config.warehouses.clone();
    Ok(Checked { operator, merchant, policy, promised, warehouses, v, coupons, screening, presale })
}

/// Whether intake would take `input`, and how (its holds): the checks without the writes, for a
/// file's dry run.
pub async fn check_order(app: &App, principal: &Principal, input: &OrderInput) -> AppResult<ValidatedOrder> {
    Ok(check(app, principal, input).await?.v)
}

/// Times intake is done again after the stock it planned on went to another order meanwhile.
const ATTEMPTS: usize = 16;

/// Takes in an order.
pub async fn create_order(app: &App, principal: &Principal, input: &OrderInput) -> AppResult<Intake> {
    let checked = check(app, principal, input).await?;
    let mut row = order_row(input, &checked.v, checked.merchant, app.new_id(), app.now())?;
    // Unpaid, and its channel is given a payment window: it holds its stock while the buyer pays.
    let window = tradeport_domain::payments::payment_window_minutes(
        &checked.policy.settings,
        &row.channel,
        &checked.v.holds,
    );
    if window.is_some() {
        row.status = OrderStatus::AwaitingPayment;
    }
    for _ in 0..ATTEMPTS {
        if let Some(intake) = store_order(app, principal, &checked, &row, window).await? {
            return Ok(intake);
        }
        metrics::counter!("tradeport_intake_stock_races_total").increment(1);
    }
    Err(crate::inventory::contention())
}

/// Stores the order in one unit of work, approved and confirmed at once where the rules allow,
/// its hot rows touched last ([`HotRowsLast`]); `None` when the stock it planned on went to
/// another order meanwhile (nothing was written).
async fn store_order(
    app: &App,
    principal: &Principal,
    checked: &Checked,
    row: &OrderRow,
    window: Option<u32>,
) -> AppResult<Option<Intake>> {
    let Checked { operator, merchant, policy, promised, warehouses, v, coupons, screening, presale } =
        checked;
    let (operator, merchant) = (*operator, *merchant);
    let mut tx = app.begin().await?;
    if !orders::insert_in_tx(&mut tx, operator, row, &screening.address_key).await? {
        // The merchant has this channel order already (a retry, or the same order arriving
        // twice at once): answer with the stored one, once it is durable (on SQLite it may sit in
        // the group commit under way, not yet visible to readers).
        tx.end_unwritten().await?;
        let mut conn = app.db().read().await?;
        let existing =
            orders::find_by_channel_id(&mut conn, operator, merchant, &row.channel, &row.channel_order_id)
                .await?
                .ok_or(AppError::NotFound("order"))?;
        let order = load_view(app, &mut conn, operator, &existing).await?;
        return Ok(Some(Intake { order, created: false }));
    }
    let line_ids: Vec<String> = v.lines.iter().map(|_| app.new_uuid().to_string()).collect();
    orders::lines::insert_in_tx(&mut tx, operator, row.id, &line_ids, &v.lines).await?;
    super::screening::record_screening_in_tx(&mut tx, operator, row, screening).await?;
    super::presale::take_presale_in_tx(&mut tx, operator, row.id, presale).await?;
    crate::aftersales::redeem_in_tx(&mut tx, operator, coupons, row.id, row.created_at).await?;
    let kind = match row.status {
        OrderStatus::OnHold => "order_received_on_hold",
        OrderStatus::AwaitingPayment => "order_received_awaiting_payment",
        _ => "order_received",
    };
    let data = serde_json::json!({ "channel": row.channel, "channel_order_id": row.channel_order_id, "holds": v.holds, "flags": v.flags, "risk_score": screening.assessment.score }).to_string();
    let mut events = vec![NewEvent {
        merchant_id: Some(merchant),
        data,
        ..app.event(principal.actor, "order", row.id, kind)
    }];
    // SLA-3: a buyer whose order waits for them is told what to do at once.
    let mut messages = Vec::new();
    if row.status == OrderStatus::OnHold {
        messages.push(super::review::buyer_message(
            app,
            row,
            BuyerMessage::OrderOnHold,
            None,
            row.created_at,
        ));
    }

    // Approved and confirmed at once where the rules allow: decided step by step, and the order
    // written once with the result.
    let late = HotRowsLast::new(warehouses.clone());
    let mut stored = match window {
        Some(minutes) => {
            let held = crate::payments::hold_stock_for_payment_in_tx(
                app,
                &mut tx,
                operator,
                policy,
                row.clone(),
                &v.lines,
                minutes,
                &mut events,
            )
            .await?;
            if held.status == OrderStatus::OnHold {
                messages.push(super::review::buyer_message(
                    app,
                    &held,
                    BuyerMessage::OrderOnHold,
                    None,
                    held.created_at,
                ));
            }
            held
        }
        None => {
            approve_automatically_in_tx(
                app,
                &mut tx,
                operator,
                policy,
                row.clone(),
                Some(&v.lines),
                Some(&late),
                &mut events,
                &mut messages,
            )
            .await?
        }
    };
    let clocks = move_clocks_promised_in_tx(app, &mut tx, promised, &stored, &events).await?;
    if !late.take_in_tx(&mut tx, operator, app.now(), &mut stored, &mut events, &mut messages).await? {
        return Ok(None);
    }
    let written = stored.status != row.status || stored.allocation != row.allocation;
    let from = written.then_some(row.status);
    write_in_tx(&mut tx, operator, from, &stored, &events, &messages).await?;
    tx.commit().await?;
    // The answer is what was written, not read back, unless a path wrote what intake does not
    // keep (a payment window's allocation, clocks changed rather than started).
    let order = match (window, clocks) {
        (None, Some(clocks)) => {
            let parts = written_parts(checked, &late, &events, clocks);
            super::view::assemble(app, &stored, parts)
        }
        _ => load_view(app, &mut *app.db().read().await?, operator, &stored).await?,
    };
    Ok(Some(Intake { order, created: true }))
}

/// What intake wrote beside the order's row, as its page shows it.
fn written_parts(
    checked: &Checked,
    late: &HotRowsLast,
    events: &[NewEvent<'_>],
    clocks: Vec<tradeport_store::sla::ClockRow>,
) -> ViewParts {
    let lines = checked
        .v
        .lines
        .iter()
        .map(|l| LineView {
            line_no: l.line_no,
            sku_id: l.sku_id.to_string(),
            sku: l.sku.clone(),
            name: l.name.clone(),
            variant: l.variant.clone(),
            quantity: l.quantity,
            unit_price_minor: l.unit_price.minor(),
        })
        .collect();
    let mut events: Vec<&NewEvent<'_>> = events.iter().collect();
    // As `events::list_for_subject` orders them.
    events.sort_by_key(|e| (e.at, e.id));
    let events = events
        .into_iter()
        .map(|e| {
            let (actor_kind, actor_id) = tradeport_store::events::actor_parts(e.actor);
            EventView {
                kind: e.kind.to_string(),
                actor_kind: actor_kind.to_string(),
                actor_id,
                reason: e.reason.map(str::to_string),
                data: serde_json::from_str(&e.data).unwrap_or(serde_json::Value::Null),
                at: e.at.0,
            }
        })
        .collect();
    let assessment = &checked.screening.assessment;
    let risk = (!assessment.fired.is_empty()).then(|| RiskView {
        score: i64::from(assessment.score),
        held: assessment.hold.is_some(),
        rules: assessment.fired.clone(),
        decision: String::new(),
    });
    ViewParts {
        lines,
        allocations: late.allocations(),
        events,
        clocks,
        risk,
        presale: super::presale::promised_views(&checked.presale),
        channel_link: None,
        archived_at: None,
        personal_data_erased_at: None,
        legal_hold: None,
    }
}
