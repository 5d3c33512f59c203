//! Releasing a hold (ORD-10): the order is checked again as it stands now. When something still
//! holds it, it stays on hold with the reasons found now (`order_hold_kept`); when nothing does,
//! it is released and approved in one step (stock is reserved, or the shortage holds it again).
//!
//! A hold that asked for a person's judgement (held by staff, a risk score, restricted goods, a
//! second review after a change) is settled by the release itself: the person releasing it has
//! judged. What the data says (a phone, an address, a payment, stock) is decided again.

use tradeport_domain::access::{Actor, Principal};
use tradeport_domain::kernel::{Address, FieldError, TenantId, WarehouseId, address_problems};
use tradeport_domain::orders::{OrderAction, OrderStatus, ShippingFacts, check_contact, check_shipping};
use tradeport_store::events::NewEvent;
use tradeport_store::inventory::goods_rules;
use tradeport_store::orders::OrderRow;

use super::review::{Step, decide_in_tx, record_in_tx};
use super::{line_goods, net_shipping_fee, to_json};
use crate::access::OperatorPolicy;
use crate::{App, AppError, AppResult, UnitOfWork};

/// Holds a person's release settles: they waited for that person's judgement.
const SETTLED_BY_RELEASE: [&str; 4] =
    ["held_by_staff", "risk_review", "restricted_goods", "second_review_due"];

/// What holds `order` now, from its stored contact, payment, address, goods and service: a
/// refusal of the shipping rules (goods a new rule prohibits) holds it too, and so does a service
/// level no longer offered.
pub(crate) async fn holds_now_in_tx(
    tx: &mut UnitOfWork,
    operator: TenantId,
    order: &OrderRow,
    policy: &OperatorPolicy,
) -> AppResult<Vec<FieldError>> {
    let mut holds = check_contact(&order.buyer_phone, &order.buyer_email, &order.ship_country).holds;
    holds.extend(crate::payments::payment_holds_in_tx(tx, operator, order).await?);
    let settings = &policy.settings;
    let address: Address = serde_json::from_str(&order.shipping_address)
        .map_err(|e| AppError::Internal(format!("stored address of order {}: {e}", order.id)))?;
    match settings.service_level(&order.service_level) {
        None => {
            holds.extend(address_problems(&address, "shipping_address"));
            let codes: Vec<&str> = settings.service_levels.iter().map(|l| l.code.as_str()).collect();
            let message = format!(
                "service level '{}' is no longer offered; change the order's service to one of: {}",
                order.service_level,
                codes.join(", ")
            );
            holds.push(
                FieldError::new("service_level", "unknown_service_level", message)
                    .with("service", &order.service_level),
            );
        }
        Some(service) => {
            let rules = goods_rules::list(tx, operator).await?;
            let goods = line_goods(tx, operator, order).await?;
            let goods: Vec<_> = goods.iter().map(|(n, f)| (*n, f)).collect();
            let (shipping_fee, _) = net_shipping_fee(tx, operator, order).await?;
            let facts =
                ShippingFacts { address: &address, goods: &goods, service, shipping_fee, total: order.total };
            let check = check_shipping(&facts, settings, &rules);
            holds.extend(check.reject);
            // Goods sent again for an after-sales request cost the buyer nothing.
            let free = order.channel == "aftersales";
            holds.extend(check.holds.into_iter().filter(|h| !(free && h.code == "service_not_paid")));
        }
    }
    holds.retain(|h| !SETTLED_BY_RELEASE.contains(&h.code.as_str()));
    Ok(holds)
}

/// Releases the hold of `order` (locked by the caller, on hold): keeps it with the reasons that
/// still hold, or releases and, when the principal may approve, approves it.
pub(crate) async fn release_in_tx(
    app: &App,
    tx: &mut UnitOfWork,
    principal: &Principal,
    order: &OrderRow,
    reason: Option<&str>,
    forced_warehouse: Option<WarehouseId>,
    policy: &OperatorPolicy,
) -> AppResult<OrderRow> {
    let operator = principal.scope.operator_id;
    let actor: Actor = principal.actor;
    let holds = holds_now_in_tx(tx, operator, order, policy).await?;
    if !holds.is_empty() {
        let kept = OrderRow { holds: to_json(&holds)?, updated_at: app.now(), ..order.clone() };
        let codes: Vec<&str> = holds.iter().map(|h| h.code.as_str()).collect();
        let data =
            serde_json::json!({ "holds": codes, "from": order.status.as_str(), "to": order.status.as_str() });
        let event = NewEvent {
            merchant_id: Some(order.merchant_id),
            reason: reason.or(Some(holds[0].message.as_str())),
            data: data.to_string(),
            ..app.event(actor, "order", order.id, "order_hold_kept")
        };
        record_in_tx(app, tx, operator, policy, Some(order.status), &kept, &[event], &[]).await?;
        return Ok(kept);
    }
    let step = |action| Step { actor, action, reason, forced_warehouse, lines: None, late: None };
    let released = decide_in_tx(app, tx, operator, order, step(OrderAction::ReleaseHold), policy).await?;
    let mut after = released.row;
    let mut events = vec![released.event];
    let mut messages: Vec<_> = released.message.into_iter().collect();
    // Releasing is a reviewer's action (`review_order` checked it), so the approval is theirs too.
    let approve = OrderAction::Approve { second_review_due: after.second_review_due };
    let approved = decide_in_tx(app, tx, operator, &after, step(approve), policy).await?;
    after = approved.row;
    events.push(approved.event);
    // Held again for its stock: the buyer was told of the hold already.
    if after.status != OrderStatus::OnHold {
        messages.extend(approved.message);
    }
    record_in_tx(app, tx, operator, policy, Some(order.status), &after, &events, &messages).await?;
    Ok(after)
}
