//! Changes to what the buyer asked for (ORD-4, ORD-10, EXC-4): never silent, and never past a
//! rule. Address and service level change until the parcel leaves; in the warehouse only before
//! the label is printed and only when no new review is needed; later, the refusal offers the
//! alternative (a redirect by the carrier, a recall, forwarding after delivery). Each records who, when, why, the value before and after, and whether the buyer agreed;
//! each runs the destination, goods and service rules of intake again
//! (`domain::orders::check_shipping`): goods forbidden for a new destination refuse the change;
//! a change that leaves the order unclear (address problems, restricted goods, a service not paid
//! for, or a second review newly due) puts it on hold, releasing its stock, so nothing ships; a
//! change that clears every reason of a hold sends the order back to review.

use std::collections::HashMap;

use serde_json::json;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{Address, FieldError, FieldErrors, OrderId, TenantId, address_problems};
use tradeport_domain::orders::{
    OrderAction, OrderStatus, ShippingFacts, SkuFacts, check_shipping, is_shipping_hold,
};
use tradeport_store::inventory::{goods_rules, skus};
use tradeport_store::orders::{self, OrderRow};

use super::review::{Step, apply_in_tx};
use super::to_json;
use super::view::{OrderView, load_view, parse_holds};
use crate::access::load_operator;
use crate::warehouse::conflict;
use crate::{App, AppError, AppResult, UnitOfWork};

/// A new shipping address.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AddressChange {
    #[schema(value_type = Object)]
    pub shipping_address: Address,
    pub reason: String,
    /// Whether the buyer asked for or agreed to the change.
    pub buyer_agreed: bool,
}

/// A new service level.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceChange {
    pub service_level: String,
    pub reason: String,
    pub buyer_agreed: bool,
}

/// What changes, as the shipping rules see it.
struct Change<'a> {
    address: Option<Address>,
    service_level: Option<&'a str>,
    reason: &'a str,
    buyer_agreed: bool,
}

fn check_reason(reason: &str, e: &mut FieldErrors) {
    if reason.trim().is_empty() {
        e.add("reason", "required", "say why the buyer's choice changes (ORD-4)");
    }
}

/// Whether the order may still change (EXC-4): until its parcel leaves, and in the warehouse only
/// before a label is printed for it; afterwards the refusal names what to do instead.
fn changeable(status: OrderStatus, labelled: bool) -> AppResult<()> {
    if matches!(status, OrderStatus::Rejected | OrderStatus::Cancelled) {
        return Err(conflict(
            "order.closed",
            format!("an order that is {} cannot be changed", status.as_str()),
        ));
    }
    if status == OrderStatus::HandedOver {
        return Err(conflict(
            "order.left_warehouse",
            "the parcel has left the warehouse: ask the carrier to redirect it (open a modification case), or \
             recall it (POST /api/v1/orders/{id}/recall); after delivery, the buyer forwards it",
        ));
    }
    if status.in_warehouse() && labelled {
        return Err(conflict(
            "order.in_warehouse",
            format!(
                "an order that is {} already has its carrier label: cancel it before hand-over and enter it again",
                status.as_str()
            ),
        ));
    }
    Ok(())
}

/// Replaces the shipping address.
pub async fn change_shipping_address(
    app: &App,
    principal: &Principal,
    id: OrderId,
    c: &AddressChange,
) -> AppResult<OrderView> {
    principal.require(Permission::ChangeOrders)?;
    let mut e = FieldErrors::new();
    check_reason(&c.reason, &mut e);
    let address = c.shipping_address.canonical();
    if let Some(p) =
        address_problems(&address, "shipping_address").into_iter().find(|p| p.code == "unknown_country")
    {
        e.push(p);
    }
    e.into_result().map_err(AppError::Invalid)?;
    let change = Change {
        address: Some(address),
        service_level: None,
        reason: c.reason.trim(),
        buyer_agreed: c.buyer_agreed,
    };
    apply_change(app, principal, id, change).await
}

/// Replaces the service level.
pub async fn change_service_level(
    app: &App,
    principal: &Principal,
    id: OrderId,
    c: &ServiceChange,
) -> AppResult<OrderView> {
    principal.require(Permission::ChangeOrders)?;
    let mut e = FieldErrors::new();
    check_reason(&c.reason, &mut e);
    e.into_result().map_err(AppError::Invalid)?;
    let change = Change {
        address: None,
        service_level: Some(c.service_level.trim()),
        reason: c.reason.trim(),
        buyer_agreed: c.buyer_agreed,
    };
    apply_change(app, principal, id, change).await
}

/// The shipping fee the buyer still has paid: less what earlier cheaper services gave back; and
/// how many such refunds there were.
pub(crate) async fn net_shipping_fee(
    tx: &mut UnitOfWork,
    operator: TenantId,
    order: &OrderRow,
) -> AppResult<(tradeport_domain::kernel::Money, usize)> {
    let fee_key = fee_refund_key(order.id);
    let fee_refunds: Vec<i64> = tradeport_store::aftersales::refunds::of_order(tx, operator, order.id)
        .await?
        .into_iter()
        .filter(|r| r.request_key.starts_with(&fee_key) && r.status.counts())
        .map(|r| r.amount_minor)
        .collect();
    let net = tradeport_domain::kernel::Money::new(
        order.shipping_fee.minor() - fee_refunds.iter().sum::<i64>(),
        order.currency,
    )
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((net, fee_refunds.len()))
}

/// The start of the request keys of the refunds a cheaper service gives back.
fn fee_refund_key(order: OrderId) -> String {
    format!("service_change:{order}:")
}

/// The facts of the order's SKUs, by line index.
pub(crate) async fn line_goods(
    tx: &mut UnitOfWork,
    operator: TenantId,
    order: &OrderRow,
) -> AppResult<Vec<(usize, SkuFacts)>> {
    let operator_lines = orders::lines::list(tx, operator, order.id, order.currency).await?;
    let codes: Vec<String> = operator_lines.iter().map(|l| l.sku.clone()).collect();
    let facts: HashMap<String, SkuFacts> = skus::find_by_codes(tx, operator, order.merchant_id, &codes)
        .await?
        .into_iter()
        .map(|s| {
            (
                s.sku.clone(),
                SkuFacts { id: s.id, name: s.name, active: s.active, traits: s.traits, hs_code: s.hs_code },
            )
        })
        .collect();
    Ok(operator_lines
        .iter()
        .enumerate()
        .filter_map(|(n, l)| facts.get(&l.sku).map(|f| (n, f.clone())))
        .collect())
}

async fn apply_change(
    app: &App,
    principal: &Principal,
    id: OrderId,
    change: Change<'_>,
) -> AppResult<OrderView> {
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let order = tx.lock_order(operator, principal.scope.merchant_id, id).await?;
    let labelled = !tradeport_store::shipping::shipments::find(
        &mut tx,
        operator,
        None,
        tradeport_store::shipping::shipments::ShipmentsOf::Order(id),
    )
    .await?
    .is_empty();
    changeable(order.status, labelled)?;
    let policy = load_operator(&mut tx, operator).await?;
    let settings = &policy.settings;
    let service_code = change.service_level.unwrap_or(&order.service_level);
    let service = settings.service_level(service_code).ok_or_else(|| {
        let codes: Vec<&str> = settings.service_levels.iter().map(|l| l.code.as_str()).collect();
        AppError::Invalid(vec![FieldError::new(
            "service_level",
            "unknown_service_level",
            format!("service_level must be one of: {}", codes.join(", ")),
        )])
    })?;
    let stored_address: Address = serde_json::from_str(&order.shipping_address)
        .map_err(|e| AppError::Internal(format!("stored address of order {}: {e}", order.id)))?;
    let address = change.address.clone().unwrap_or(stored_address.clone());
    let (net_fee, fee_refunds) = net_shipping_fee(&mut tx, operator, &order).await?;
    let rules = goods_rules::list(&mut tx, operator).await?;
    let goods = line_goods(&mut tx, operator, &order).await?;
    let goods: Vec<(usize, &SkuFacts)> = goods.iter().map(|(n, f)| (*n, f)).collect();
    let facts = ShippingFacts {
        address: &address,
        goods: &goods,
        service,
        shipping_fee: net_fee,
        total: order.total,
    };
    let check = check_shipping(&facts, settings, &rules);
    if !check.reject.is_empty() {
        return Err(AppError::Invalid(check.reject));
    }
    // In the warehouse, the holds a person already cleared stay cleared; only a new one stops the
    // change.
    let cleared =
        check_shipping(&ShippingFacts { address: &stored_address, ..facts }, settings, &rules).holds;
    let fresh: Vec<&FieldError> = check
        .holds
        .iter()
        .filter(|h| !cleared.iter().any(|c| c.field == h.field && c.code == h.code))
        .collect();
    if order.status.in_warehouse()
        && (!fresh.is_empty() || check.second_review_due != order.second_review_due)
    {
        return Err(conflict(
            "order.change_needs_review",
            format!(
                "the change needs the order reviewed again ({}), which an order that is {} cannot wait for: cancel it \
                 before hand-over and enter it again",
                fresh.first().map_or("a second review is due", |h| h.message.as_str()),
                order.status.as_str()
            ),
        ));
    }

    let now = app.now();
    let (field, before, after) = match (&change.address, change.service_level) {
        (Some(a), _) => {
            orders::update_address_in_tx(&mut tx, operator, id, &to_json(a)?, &a.country, now).await?;
            ("shipping_address", json!(stored_address), json!(a))
        }
        (None, Some(level)) => ("service_level", json!(order.service_level), json!(level)),
        (None, None) => return Err(AppError::Internal("a change changes nothing".into())),
    };
    orders::update_service_in_tx(&mut tx, operator, id, service_code, check.second_review_due, now).await?;

    // The shipping rules' holds are decided again; other holds (payment, phone, staff) stay.
    // In the warehouse nothing new was found (refused above), and what was cleared stays cleared.
    let mut holds: Vec<FieldError> = parse_holds(&order.holds)
        .into_iter()
        .filter(|h| order.status.in_warehouse() || !is_shipping_hold(&h.field))
        .collect();
    if !order.status.in_warehouse() {
        holds.extend(check.holds);
    }
    let passed_review = matches!(order.status, OrderStatus::Approved | OrderStatus::Confirmed);
    if check.second_review_due && !order.second_review_due && passed_review {
        holds.push(FieldError::new(
            "service_level",
            "second_review_due",
            "the change calls for a second review; release the hold to review the order again",
        ));
    }
    let mut current = OrderRow { second_review_due: check.second_review_due, ..order.clone() };
    let step = |action, reason| Step {
        actor: principal.actor,
        action,
        reason,
        forced_warehouse: None,
        lines: None,
        late: None,
    };
    // An order waiting for its payment only keeps waiting (its window's stock with it).
    let only_unpaid =
        current.status == OrderStatus::AwaitingPayment && holds.iter().all(|h| h.code == "not_paid");
    if !holds.is_empty() && current.status != OrderStatus::OnHold && !only_unpaid {
        let why = format!("{}: {}", change.reason, holds[0].message);
        current = apply_in_tx(app, &mut tx, operator, &current, step(OrderAction::Hold, Some(&why)), &policy)
            .await?;
    } else if holds.is_empty() && current.status == OrderStatus::OnHold {
        let why = "every reason of the hold was resolved by the change";
        current =
            apply_in_tx(app, &mut tx, operator, &current, step(OrderAction::ReleaseHold, Some(why)), &policy)
                .await?;
    }
    let holds_json = to_json(&holds)?;
    let status = current.status;
    let kept = orders::set_status_in_tx(
        &mut tx,
        operator,
        id,
        status,
        status,
        current.allocation,
        Some(&holds_json),
        None,
        now,
    )
    .await?;
    if !kept {
        return Err(AppError::Conflict {
            code: "order.changed_concurrently",
            message: "the order changed while this change ran; reload it and try again".into(),
            fields: Vec::new(),
        });
    }
    // The fee difference (EXC-4): a dearer service is held for the buyer to pay the difference
    // (`service_not_paid`); a cheaper one gives back what was paid for the dearer, at most the fee.
    let currency = order.currency.code();
    let least = |code: &str| settings.service_level(code).map_or(0, |l| l.min_shipping_fee(currency));
    let refund_due = match change.service_level {
        Some(level) if level != order.service_level => {
            (least(&order.service_level).min(net_fee.minor()) - least(level)).max(0)
        }
        _ => 0,
    };
    let data = json!({ "field": field, "before": before, "after": after, "buyer_agreed": change.buyer_agreed, "holds": holds,
                       "fee_refund_minor": refund_due }).to_string();
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(order.merchant_id),
        reason: Some(change.reason),
        data,
        ..app.event(principal.actor, "order", order.id, "buyer_request_changed")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    // The answer is read in the transaction that wrote it.
    let after = orders::get(&mut tx, operator, None, id).await?.ok_or(AppError::NotFound("order"))?;
    let mut view = load_view(app, &mut tx, operator, &after).await?;
    tx.commit().await?;
    if refund_due > 0 {
        let r = crate::aftersales::RefundRequest {
            amount_minor: refund_due,
            method: crate::aftersales::automatic_method(app, &after).into(),
            reason: format!(
                "service changed from {} to {}: the fee difference",
                order.service_level, service_code
            ),
            request_key: format!("{}{}", fee_refund_key(id), fee_refunds + 1),
            manual_reference: None,
        };
        // The change stands; a refund the provider refuses is on the order's refunds to retry.
        match crate::aftersales::refund(app, principal, id, &r, None).await {
            Ok(_) => {
                let mut conn = app.db().read().await?;
                view = load_view(app, &mut conn, operator, &after).await?;
            }
            Err(e) => {
                tracing::warn!(order = %id, error = %e, "the service change's fee difference was not refunded")
            }
        }
    }
    Ok(view)
}
