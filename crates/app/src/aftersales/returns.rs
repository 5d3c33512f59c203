//! Deciding a request and taking the goods back (AFS-3, AFS-4, AFS-5, EXC-6). A person grants up to
//! their role's approval limit; above it the request goes up to a supervisor, and the escalation
//! is recorded. A granted refund without a return is paid at once; a return waits for the parcel,
//! which the warehouse scans against its RMA number, inspects, and disposes of as the merchant
//! says: restocked into a bin through the stock ledger, or destroyed, repaired or sent back with
//! the reason kept. The inspection decides the refund: what was granted when the item is the one
//! sold, nothing when it is not. Refunds go through the refund use case with the request's own
//! key, so a retried step never pays twice and the order's refunds never pass what was paid; the
//! refund checks, under the order's lock, that the request is still where the decision left it
//! (a request rejected meanwhile is not paid); a refund the provider refuses leaves the request
//! where it was, to be tried again.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Actor, Permission, Principal};
use tradeport_domain::aftersales::{
    Approval, Disposition, ItemCondition, RefundStatus, RequestStatus, RequestType, approval,
    disposition_for, grants_amount, needs_return, refunds_money,
};
use tradeport_domain::inventory::MovementKind;
use tradeport_domain::kernel::{SkuId, TenantId};
use tradeport_store::aftersales::requests::{self, RequestRow, RequestsOf};
use tradeport_store::inventory::stock::{self, Movement};
use tradeport_store::warehouse::bins::{self, Slot};

use super::coupons::issue_in_tx;
use super::refunds::{RefundRequest, refund};
use super::replacements::{queue_replacement_in_tx, replace_now};
use super::requests::{ClaimedLine, Inspection, RequestView, most, record_in_tx, stored_lines};
use crate::access::load_operator;
use crate::warehouse::{conflict, invalid, movement, rfc3339};
use crate::words::{actor_text, money_text};
use crate::{App, AppError, AppResult, UnitOfWork};

/// A decision on a request.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DecideRequest {
    /// `approve` or `reject`.
    pub decision: String,
    /// What is granted (minor units); left out: the most the request may refund.
    pub amount_minor: Option<i64>,
    /// Required to reject; kept with the decision.
    pub note: String,
}

/// The request locked with its order, both in the principal's reach.
async fn locked(
    tx: &mut UnitOfWork,
    principal: &Principal,
    id: &str,
) -> AppResult<(tradeport_store::orders::OrderRow, RequestRow)> {
    let operator = principal.scope.operator_id;
    let merchant = principal.scope.merchant_id;
    let found = requests::find(tx, operator, merchant, RequestsOf::Id(id.trim()), 1).await?.pop();
    let first = found.ok_or(AppError::NotFound("after-sales request"))?;
    let order = tx.lock_order(operator, merchant, first.order_id).await?;
    // Read again under the order's lock: every step on a request takes it first.
    let row = requests::find(tx, operator, merchant, RequestsOf::Id(&first.id), 1).await?.pop();
    Ok((order, row.ok_or(AppError::NotFound("after-sales request"))?))
}

/// Approves (within the person's limit, else sends it up) or rejects a request.
pub async fn decide_request(
    app: &App,
    principal: &Principal,
    id: &str,
    d: &DecideRequest,
) -> AppResult<RequestView> {
    principal.require(Permission::ApproveAftersales)?;
    let approve = match d.decision.trim() {
        "approve" => true,
        "reject" => false,
        _ => return Err(invalid("decision", "unknown_decision", "decision is approve or reject")),
    };
    if !approve && d.note.trim().is_empty() {
        return Err(invalid("note", "required", "say why the request is rejected; the buyer is told"));
    }
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let (order, row) = locked(&mut tx, principal, id).await?;
    if !row.status.awaits_decision() {
        return Err(conflict(
            "aftersales.decided",
            format!("{} is {} and no longer waits for a decision", row.rma_no, row.status.as_str()),
        ));
    }
    let cap = most(&row);
    let policy = load_operator(&mut tx, operator).await?;
    let settings = &policy.settings;
    // A partial refund left without an amount grants the operator's rule for its reason.
    let by_rule = match settings.compensation_pct.get(row.reason.as_str()) {
        Some(pct) if matches!(row.request_type, RequestType::PartialRefund | RequestType::Coupon) => {
            i64::try_from(i128::from(row.goods_minor) * i128::from(*pct) / 100).unwrap_or(cap).min(cap)
        }
        _ => cap,
    };
    let amount = if grants_amount(row.request_type) { d.amount_minor.unwrap_or(by_rule) } else { 0 };
    let least = if row.request_type == RequestType::Coupon { 1 } else { 0 };
    if !(least..=cap).contains(&amount) {
        return Err(invalid(
            "amount_minor",
            "above_what_may_be_refunded",
            format!("{} may refund at most {}", row.rma_no, money_text(cap, &row.currency)),
        ));
    }
    let now = app.now();
    let mut after = RequestRow { updated_at: now, ..row.clone() };
    let note = Some(d.note.trim().to_string()).filter(|n| !n.is_empty());
    // A granted refund without a return is paid before the request is marked decided.
    let mut pays_now = false;
    let kind = if !approve {
        // A refund already paid or under way for it (a decision finishing meanwhile) stands.
        let prefix = format!("aftersales:{}:", row.id);
        let paid = tradeport_store::aftersales::refunds::of_order(&mut tx, operator, row.order_id).await?;
        if paid.iter().any(|r| r.request_key.starts_with(&prefix) && r.status.counts()) {
            return Err(conflict(
                "aftersales.refunded",
                format!("{} is being refunded; it can no longer be rejected", row.rma_no),
            ));
        }
        after.status = RequestStatus::Rejected;
        // A refund the provider refused and no longer owed.
        crate::sla::stop_refund_clock_in_tx(&mut tx, operator, &row.id, now).await?;
        after.decided_by = Some(actor_text(principal.actor));
        after.decision_note = note;
        "aftersales_rejected"
    } else {
        // What is at stake: the money granted, or for an exchange or repair the goods' value.
        let at_stake = if grants_amount(row.request_type) { amount } else { row.goods_minor };
        match approval(settings.approval_limit(principal.role, &row.currency), at_stake) {
            Approval::GoUp(limit) if row.status == RequestStatus::Escalated => {
                return Err(conflict(
                    "aftersales.above_limit",
                    format!(
                        "{} is above what a {} may grant ({}); a supervisor decides",
                        money_text(at_stake, &row.currency),
                        principal.role.as_str(),
                        limit_text(limit, &row.currency)
                    ),
                ));
            }
            Approval::GoUp(limit) => {
                after.status = RequestStatus::Escalated;
                after.decision_note = Some(format!(
                    "{} asked to grant {}, above the {} limit of {}: a supervisor decides",
                    actor_text(principal.actor),
                    money_text(at_stake, &row.currency),
                    principal.role.as_str(),
                    limit_text(limit, &row.currency)
                ));
                "aftersales_escalated"
            }
            Approval::Grant => {
                after.granted_minor = Some(amount);
                after.decided_by = Some(actor_text(principal.actor));
                after.decision_note = match row.request_type {
                    RequestType::Exchange => {
                        Some(exchange_note(&mut tx, operator, &row, note.as_deref()).await?)
                    }
                    _ => note,
                };
                pays_now = !needs_return(row.request_type, row.returnless) && refunds_money(row.request_type);
                after.status = if needs_return(row.request_type, row.returnless) {
                    RequestStatus::AwaitingReturn
                } else if pays_now {
                    // Completed once the refund is paid, below.
                    row.status
                } else {
                    RequestStatus::Completed
                };
                "aftersales_approved"
            }
        }
    };
    if !pays_now {
        if !requests::update_in_tx(&mut tx, operator, &after, row.status).await? {
            return Err(conflict("aftersales.changed", "the request changed meanwhile; reload it"));
        }
        let why = after.decision_note.clone();
        record_in_tx(app, &mut tx, operator, principal.actor, &after, kind, why.as_deref()).await?;
        let request = (row.id.as_str(), row.rma_no.as_str());
        let by = (principal.actor, why.as_deref());
        crate::tickets::on_request_decided_in_tx(app, &mut tx, operator, request, kind, by).await?;
        // A reship sends the goods again as soon as it is granted; a coupon is given at once.
        let granted = after.status == RequestStatus::Completed;
        let reships = granted && row.request_type == RequestType::Reship;
        if reships {
            queue_replacement_in_tx(app, &mut tx, operator, &row.id).await?;
        }
        let coupon = match row.request_type {
            RequestType::Coupon if granted => {
                Some(issue_in_tx(app, &mut tx, operator, (&row, &order), amount).await?)
            }
            _ => None,
        };
        tx.commit().await?;
        let mut view: RequestView = after.into();
        view.coupon = coupon.map(Into::into);
        return Ok(if reships { replace_now(app, operator, view).await } else { view });
    }
    // The money is owed from the grant: its clock runs until the refund is through (AFS-4).
    crate::sla::start_refund_clock_in_tx(app, &mut tx, &policy, row.merchant_id, &row.id, now).await?;
    tx.commit().await?;
    // The ticket hears of the grant once the money is through (in `settle_refund`), not before.
    settle_refund(app, principal, after, amount, row.status).await
}

/// An exchange tries the same item first (AFS-6): whether the warehouse that shipped has it free
/// to send, and if not, what to offer instead.
async fn exchange_note(
    tx: &mut UnitOfWork,
    operator: TenantId,
    row: &RequestRow,
    note: Option<&str>,
) -> AppResult<String> {
    let mut short = Vec::new();
    for l in stored_lines(row)? {
        let sku = tradeport_store::inventory::skus::find_by_codes(
            tx,
            operator,
            row.merchant_id,
            std::slice::from_ref(&l.sku),
        )
        .await?
        .pop();
        let free = match (sku, row.warehouse_id) {
            (Some(s), Some(wh)) => {
                stock::balance_in_tx(tx, operator, s.id, wh).await?.map_or(0, |b| b.on_hand - b.reserved)
            }
            _ => 0,
        };
        if free < l.quantity {
            short.push(l.sku);
        }
    }
    let stock = if short.is_empty() {
        "the same item is in stock: a new one goes out when the return arrives".to_string()
    } else {
        format!("{} out of stock: offer a refund or another item", short.join(", "))
    };
    Ok(note.map_or(stock.clone(), |n| format!("{n}; {stock}")))
}

/// A role's limit written out.
fn limit_text(limit: Option<i64>, currency: &str) -> String {
    limit.map_or("nothing in this currency".into(), |l| money_text(l, currency))
}

/// The key of the request's next refund: one per attempt (`aftersales:{id}:{n}`), so two
/// concurrent attempts are one refund and an attempt the provider refused may be made again.
async fn refund_key(app: &App, operator: TenantId, row: &RequestRow) -> AppResult<String> {
    let mut conn = app.db().read().await?;
    let prefix = format!("aftersales:{}:", row.id);
    let refused = tradeport_store::aftersales::refunds::of_order(&mut conn, operator, row.order_id)
        .await?
        .iter()
        .filter(|r| r.request_key.starts_with(&prefix) && r.status == RefundStatus::Failed)
        .count();
    Ok(format!("{prefix}{}", refused + 1))
}

/// Pays the granted amount through the refund use case (keyed by the request and attempt, so a
/// retry never pays twice; only while the request is still `from`) and completes the request.
async fn settle_refund(
    app: &App,
    principal: &Principal,
    mut after: RequestRow,
    amount: i64,
    from: RequestStatus,
) -> AppResult<RequestView> {
    let operator = principal.scope.operator_id;
    if amount > 0 {
        let r = RefundRequest {
            amount_minor: amount,
            method: after.refund_method.as_str().into(),
            reason: format!("{}: {}", after.rma_no, after.reason.as_str().replace('_', " ")),
            request_key: refund_key(app, operator, &after).await?,
            manual_reference: None,
        };
        let paid = refund(app, principal, after.order_id, &r, Some((&after.id, from))).await?;
        if paid.status == RefundStatus::Failed.as_str() {
            return Err(conflict(
                "refund.failed",
                format!(
                    "the payment provider refused the refund of {}: {}; the request stays {}: try again, or \
                     refund as store credit",
                    after.rma_no,
                    paid.error.unwrap_or_default(),
                    from.as_str()
                ),
            ));
        }
        after.refund_id = Some(paid.id);
    }
    after.status = RequestStatus::Completed;
    after.updated_at = app.now();
    let mut tx = app.begin().await?;
    tx.lock_order(operator, principal.scope.merchant_id, after.order_id).await?;
    if !requests::update_in_tx(&mut tx, operator, &after, from).await? {
        return Err(conflict("aftersales.changed", "the request changed meanwhile; reload it"));
    }
    crate::sla::stop_refund_clock_in_tx(&mut tx, operator, &after.id, after.updated_at).await?;
    let why = after.decision_note.clone();
    record_in_tx(app, &mut tx, operator, principal.actor, &after, "aftersales_completed", why.as_deref())
        .await?;
    let request = (after.id.as_str(), after.rma_no.as_str());
    let by = (principal.actor, why.as_deref());
    crate::tickets::on_request_decided_in_tx(app, &mut tx, operator, request, "aftersales_completed", by)
        .await?;
    tx.commit().await?;
    Ok(after.into())
}

/// The return's parcel scanned at the warehouse.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReceiveReturn {
    /// The RMA number on the parcel.
    pub rma_no: String,
}

/// Records a returned parcel's arrival, found by its RMA number.
pub async fn receive_return(app: &App, principal: &Principal, r: &ReceiveReturn) -> AppResult<RequestView> {
    principal.require(Permission::OperateWarehouse)?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let found = requests::find(&mut conn, operator, None, RequestsOf::Rma(&r.rma_no), 1).await?.pop();
    drop(conn);
    let found = found.ok_or_else(|| {
        invalid(
            "rma_no",
            "unknown_rma",
            format!("no return {} is expected; scan the label's RMA number", r.rma_no.trim()),
        )
    })?;
    let mut tx = app.begin().await?;
    let (_, row) = locked(&mut tx, principal, &found.id).await?;
    if let Some(warehouse) = row.warehouse_id {
        crate::warehouse::check_warehouse(&mut tx, principal, warehouse).await?;
    }
    if row.status != RequestStatus::AwaitingReturn {
        return Err(conflict(
            "aftersales.not_awaited",
            format!("{} is {}, not awaiting its return", row.rma_no, row.status.as_str()),
        ));
    }
    let after = RequestRow { status: RequestStatus::Received, updated_at: app.now(), ..row.clone() };
    if !requests::update_in_tx(&mut tx, operator, &after, row.status).await? {
        return Err(conflict("aftersales.changed", "the request changed meanwhile; reload it"));
    }
    record_in_tx(app, &mut tx, operator, principal.actor, &after, "aftersales_return_received", None).await?;
    tx.commit().await?;
    Ok(after.into())
}

/// What the inspection found and what becomes of the goods.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct InspectReturn {
    pub intact: bool,
    pub original_item: bool,
    pub resaleable: bool,
    pub notes: String,
    /// restock, repair, destroy or return_to_origin; left out: the merchant's standing rule for
    /// the condition found.
    pub disposition: String,
    /// For `restock`: the bin the units go back to.
    pub bin: String,
    /// Why (required for `destroy`).
    pub reason: String,
}

/// Records the inspection, disposes of the goods, and settles the request: the refund granted
/// when the item is the one sold; nothing when it is not.
pub async fn inspect_return(
    app: &App,
    principal: &Principal,
    id: &str,
    i: &InspectReturn,
) -> AppResult<RequestView> {
    principal.require(Permission::OperateWarehouse)?;
    let named = match i.disposition.trim() {
        "" => None,
        d => Some(Disposition::parse(d).ok_or_else(|| {
            invalid(
                "disposition",
                "unknown_disposition",
                "disposition is restock, repair, destroy or return_to_origin, or left out for the merchant's \
                 standing rule",
            )
        })?),
    };
    let condition = ItemCondition::of(i.intact, i.original_item, i.resaleable);
    let operator = principal.scope.operator_id;
    let now = app.now();
    let mut tx = app.begin().await?;
    let (_, row) = locked(&mut tx, principal, id).await?;
    if let Some(warehouse) = row.warehouse_id {
        crate::warehouse::check_warehouse(&mut tx, principal, warehouse).await?;
    }
    if row.status != RequestStatus::Received {
        return Err(conflict(
            "aftersales.not_received",
            format!("{} is {}: scan the parcel in before inspecting it", row.rma_no, row.status.as_str()),
        ));
    }
    if row.inspection.is_some() {
        // Inspected before and the refund not yet through: only the refund is retried.
        tx.end_unwritten().await?;
        let amount = refund_after_inspection(&row);
        return settle_refund(app, principal, row.clone(), amount, RequestStatus::Received).await;
    }
    let rules = tradeport_store::aftersales::dispositions::list(&mut tx, operator, row.merchant_id).await?;
    let disposition = disposition_for(named, condition, &rules).ok_or_else(|| {
        invalid(
            "disposition",
            "required",
            format!("name a disposition: the merchant has no standing rule for {} goods", condition.as_str()),
        )
    })?;
    let why = match (i.reason.trim(), named) {
        ("", None) => format!("the merchant's standing rule for {} goods", condition.as_str()),
        (given, _) => given.to_string(),
    };
    if disposition == Disposition::Destroy && why.is_empty() {
        return Err(invalid("reason", "required", "say why the goods are destroyed"));
    }
    if !condition.allows(disposition) {
        return Err(invalid(
            "disposition",
            "not_resaleable",
            "only an intact, resaleable original item goes back into stock; repair, destroy or return it",
        ));
    }
    let lines = stored_lines(&row)?;
    let reason = format!("{} {}: {}", row.rma_no, disposition.as_str(), why);
    if disposition == Disposition::Restock {
        restock_in_tx(app, &mut tx, principal.actor, operator, &row, &lines, &i.bin, &reason).await?;
    }
    let inspection = Inspection {
        intact: i.intact,
        original_item: i.original_item,
        resaleable: i.resaleable,
        notes: i.notes.trim().to_string(),
        inspected_by: actor_text(principal.actor),
        inspected_at: rfc3339(now),
    };
    let mut after = RequestRow {
        inspection: Some(serde_json::to_string(&inspection).map_err(|e| AppError::Internal(e.to_string()))?),
        disposition: Some(disposition),
        disposition_reason: Some(why).filter(|r| !r.is_empty()),
        updated_at: now,
        ..row.clone()
    };
    let amount = refund_after_inspection(&after);
    let settles_now = !refunds_money(row.request_type) || amount == 0;
    if settles_now {
        after.status = if i.original_item { RequestStatus::Completed } else { RequestStatus::Rejected };
        if !i.original_item {
            after.decision_note = Some("the item sent back is not the one sold: nothing is refunded".into());
        }
    }
    if !requests::update_in_tx(&mut tx, operator, &after, row.status).await? {
        return Err(conflict("aftersales.changed", "the request changed meanwhile; reload it"));
    }
    if !settles_now {
        let policy = load_operator(&mut tx, operator).await?;
        crate::sla::start_refund_clock_in_tx(app, &mut tx, &policy, row.merchant_id, &row.id, now).await?;
    }
    record_in_tx(
        app,
        &mut tx,
        operator,
        principal.actor,
        &after,
        "aftersales_return_inspected",
        Some(&reason),
    )
    .await?;
    // An exchange sends the new item once the one sold is back; a repair sends the unit back.
    let replaces = i.original_item
        && match row.request_type {
            RequestType::Exchange => true,
            RequestType::Repair => disposition == Disposition::Repair,
            _ => false,
        };
    if replaces {
        queue_replacement_in_tx(app, &mut tx, operator, &row.id).await?;
    }
    tx.commit().await?;
    if replaces {
        return Ok(replace_now(app, operator, after.into()).await);
    }
    if settles_now {
        return Ok(after.into());
    }
    settle_refund(app, principal, after, amount, RequestStatus::Received).await
}

/// What an inspected return refunds: the amount granted (the restocking fee was taken off what may
/// be granted), nothing when the item is not the one sold.
fn refund_after_inspection(r: &RequestRow) -> i64 {
    let original = r
        .inspection
        .as_deref()
        .and_then(|i| serde_json::from_str::<Inspection>(i).ok())
        .is_some_and(|i| i.original_item);
    if !original {
        return 0;
    }
    r.granted_minor.unwrap_or(0).clamp(0, most(r))
}

/// Puts the returned units into the bin, through the stock ledger (a `restock` movement each).
#[allow(clippy::too_many_arguments)]
async fn restock_in_tx(
    app: &App,
    tx: &mut UnitOfWork,
    actor: Actor,
    operator: TenantId,
    row: &RequestRow,
    lines: &[ClaimedLine],
    bin_code: &str,
    reason: &str,
) -> AppResult<()> {
    let warehouse = row.warehouse_id.ok_or_else(|| {
        conflict("aftersales.no_warehouse", "this order left no warehouse, so nothing can be restocked")
    })?;
    let bin = crate::warehouse::locked_bin(tx, operator, warehouse, bin_code).await?;
    let codes: Vec<String> = lines.iter().map(|l| l.sku.clone()).collect();
    let skus = tradeport_store::inventory::skus::find_by_codes(tx, operator, row.merchant_id, &codes).await?;
    let mut ids: Vec<SkuId> = skus.iter().map(|s| s.id).collect();
    ids.sort();
    for id in &ids {
        stock::ensure_balance_in_tx(tx, operator, *id, warehouse, app.now()).await?;
    }
    stock::lock_balances_in_tx(tx, operator, &ids).await?;
    let now = app.now();
    for l in lines {
        let sku =
            skus.iter().find(|s| s.sku.eq_ignore_ascii_case(&l.sku)).ok_or(AppError::NotFound("SKU"))?;
        if sku.lot_tracked {
            return Err(invalid(
                "disposition",
                "lot_tracked",
                format!("{} is kept by lot: take it back through an inbound notice with its lot", sku.sku),
            ));
        }
        crate::warehouse::check_room(&bin, sku, &sku.traits, l.quantity)?;
        let slot = Slot { sku_id: sku.id, bin_id: bin.id, lot: "" };
        if !stock::change_on_hand_in_tx(tx, operator, sku.id, warehouse, l.quantity, now).await? {
            return Err(AppError::Internal(format!("restocking {} of {} was refused", l.quantity, l.sku)));
        }
        bins::add_in_tx(tx, operator, slot, warehouse, None, l.quantity, now).await?;
        if !stock::locate_in_tx(tx, operator, sku.id, warehouse, l.quantity, now).await? {
            return Err(AppError::Internal(format!("locating {} of {} was refused", l.quantity, l.sku)));
        }
        let m = Movement {
            on_hand_delta: l.quantity,
            order_id: Some(row.order_id),
            bin: Some((bin.id, "", l.quantity)),
            ..movement(app, sku.id, warehouse, MovementKind::Restock, actor, Some(reason), now)
        };
        stock::record_in_tx(tx, operator, &m).await?;
    }
    Ok(())
}
