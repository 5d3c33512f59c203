//! When the operator cannot fulfil an order (EXC-2): staff say why and what they can offer
//! instead; the buyer is told in their language with a link to their tracking page, where they
//! pick an alternative or a refund. A refund cancels the order (stock released or picked goods
//! put back, as every cancellation before hand-over) and pays back what was paid, once; an
//! alternative is kept as the buyer's answer for staff to carry out. One open offer per order.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Actor, Permission, Principal};
use tradeport_domain::exceptions::{CaseStatus, CaseType};
use tradeport_domain::notifications::BuyerMessage;
use tradeport_domain::orders::{OrderAction, OrderStatus, transition};
use tradeport_domain::sla::Department;
use tradeport_store::exceptions::cases::{self, ActionRow, CaseFilter, CaseRow, NewCase};

use super::case_work::{CaseDetail, case_detail};
use crate::access::system_principal;
use crate::notifications::Offer;
use crate::orders::ReviewAction;
use crate::warehouse::{conflict, invalid};
use crate::words::{actor_text, money_text};
use crate::{App, AppError, AppResult, parse_id};

/// The cause of every cannot-fulfil case begins so.
const CANNOT_SERVE: &str = "the operator cannot fulfil the order";
/// What the buyer answers to have the money back instead.
pub const REFUND_CHOICE: &str = "refund";

/// What staff tell the buyer.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CannotServe {
    /// Why, in words the buyer understands (e.g. "the blue mug is discontinued").
    pub reason: String,
    /// Up to 5 alternatives, e.g. "the same mug in green", "wait until 10 December".
    pub alternatives: Vec<String>,
}

/// What the buyer sees and answers on the tracking page.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PublicOffer {
    pub reason: String,
    pub alternatives: Vec<String>,
    /// The buyer's answer, once given.
    pub answered: Option<String>,
}

fn checked(c: &CannotServe) -> AppResult<(String, Vec<String>)> {
    let reason = c.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(invalid(
            "reason",
            "required",
            "say why the order cannot be fulfilled (at most 500 characters)",
        ));
    }
    let alternatives: Vec<String> =
        c.alternatives.iter().map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect();
    if alternatives.len() > 5 || alternatives.iter().any(|a| a.chars().count() > 200) {
        return Err(invalid(
            "alternatives",
            "too_many",
            "offer at most 5 alternatives of at most 200 characters",
        ));
    }
    Ok((reason.to_string(), alternatives))
}

/// The order's open cannot-fulfil case, if any.
async fn open_offer(
    conn: &mut tradeport_store::AnyConnection,
    operator: tradeport_domain::kernel::TenantId,
    order: tradeport_domain::kernel::OrderId,
) -> AppResult<Option<CaseRow>> {
    let open = CaseFilter {
        merchant_id: None,
        order_id: Some(order),
        status: Some(CaseStatus::Open),
        department: None,
    };
    Ok(cases::list(conn, operator, &open, None, 100).await?.into_iter().find(|c| c.follow_up.offer.is_some()))
}

fn offer_of(case: &CaseRow) -> Offer {
    case.follow_up.offer.as_deref().and_then(|o| serde_json::from_str(o).ok()).unwrap_or_default()
}

/// Tells the buyer the order cannot be fulfilled as planned and what they may choose instead.
/// Staff who may cancel orders; before hand-over only (after it, a recall).
pub async fn cannot_serve(
    app: &App,
    principal: &Principal,
    order_id: &str,
    c: &CannotServe,
) -> AppResult<CaseDetail> {
    principal.require(Permission::ChangeOrders)?;
    let (reason, alternatives) = checked(c)?;
    let id = parse_id(order_id, "order")?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let order = tx.lock_order(operator, principal.scope.merchant_id, id).await?;
    if transition(order.status, OrderAction::Cancel).is_none() {
        return Err(conflict(
            "order.not_cancellable",
            format!(
                "the order is {}: it can no longer be cancelled here; after hand-over, request a recall",
                order.status.as_str()
            ),
        ));
    }
    if open_offer(&mut tx, operator, id).await?.is_some() {
        return Err(conflict("order.offer_open", "the buyer has an open offer for this order already"));
    }
    let now = app.now();
    let tracking_path = format!("/track/{}", crate::shipping::link_in_tx(&mut tx, operator, id, now).await?);
    let offer =
        Offer { reason: reason.clone(), alternatives: alternatives.clone(), tracking_path, answer: None };
    let stored = serde_json::to_string(&offer).map_err(|e| AppError::Internal(e.to_string()))?;
    let case = CaseRow {
        follow_up: cases::CaseFollowUp { offer: Some(stored), ..Default::default() },
        ..CaseRow::opened(
            NewCase {
                id: app.new_uuid().to_string(),
                merchant_id: order.merchant_id,
                order_id: id,
                case_type: CaseType::Cancellation,
                cause: format!("{CANNOT_SERVE}: {reason}"),
                department: Department::OrderManagement,
            },
            now,
        )
    };
    let detail = serde_json::json!({ "cannot_serve": true, "alternatives": alternatives });
    super::open_case_in_tx(app, &mut tx, operator, &case, None, principal.actor, detail.clone()).await?;
    let offered = if alternatives.is_empty() {
        "a refund".to_string()
    } else {
        format!("{}; or a refund", alternatives.join("; "))
    };
    let action = ActionRow {
        id: app.new_uuid().to_string(),
        actor: actor_text(principal.actor),
        action: format!("the buyer is told and offered: {offered}"),
        at: now,
    };
    cases::add_action_in_tx(&mut tx, operator, &case.id, &action).await?;
    let mut message =
        crate::orders::buyer_message(app, &order, BuyerMessage::CannotServe, order.order_no.as_deref(), now);
    let mut payload: serde_json::Value =
        serde_json::from_str(&message.payload).map_err(|e| AppError::Internal(e.to_string()))?;
    payload["offer"] = serde_json::to_value(&offer).map_err(|e| AppError::Internal(e.to_string()))?;
    message.payload = payload.to_string();
    tradeport_store::outbox::enqueue_in_tx(&mut tx, operator, &message).await?;
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(order.merchant_id),
        reason: Some(&reason),
        data: detail.to_string(),
        ..app.event(principal.actor, "order", id, "order_cannot_serve")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    case_detail(app, principal, &case.id).await
}

/// The offer the buyer's tracking page shows: the order's open one.
pub(crate) async fn public_offer(
    conn: &mut tradeport_store::AnyConnection,
    operator: tradeport_domain::kernel::TenantId,
    order: tradeport_domain::kernel::OrderId,
) -> AppResult<Option<PublicOffer>> {
    Ok(open_offer(conn, operator, order).await?.map(|case| {
        let offer = offer_of(&case);
        PublicOffer { reason: offer.reason, alternatives: offer.alternatives, answered: offer.answer }
    }))
}

/// The buyer's answer from the tracking page: one of the alternatives, or `refund` (the order is
/// cancelled and what was paid is refunded: to the card through the provider where it can be,
/// else as store credit). Answered once.
pub async fn answer_offer(app: &App, token: &str, choice: &str) -> AppResult<PublicOffer> {
    let (operator, order_id) = crate::shipping::tracking_target(app, token).await?;
    let choice = choice.trim();
    let refund = choice == REFUND_CHOICE;
    // The answer is claimed under the order's lock: given once. A refund answered before is
    // carried out again (each of its steps once), so a crash or a refused refund can be retried.
    let mut tx = app.begin().await?;
    tx.lock_order(operator, None, order_id).await?;
    let case = open_offer(&mut tx, operator, order_id)
        .await?
        .ok_or_else(|| conflict("offer.none", "there is no offer to answer"))?;
    let mut offer = offer_of(&case);
    if !refund && !offer.alternatives.iter().any(|a| a == choice) {
        return Err(invalid(
            "choice",
            "unknown_choice",
            "choose one of the alternatives offered, or a refund",
        ));
    }
    match offer.answer.as_deref() {
        None => {
            offer.answer = Some(choice.to_string());
            let stored = serde_json::to_string(&offer).map_err(|e| AppError::Internal(e.to_string()))?;
            cases::set_offer_in_tx(&mut tx, operator, &case.id, &stored).await?;
            let answer = if refund {
                "the buyer chose a refund".to_string()
            } else {
                format!("the buyer chose: {choice}")
            };
            let now = app.now();
            let update = cases::CaseUpdateRow {
                buyer_feedback: Some(&answer),
                cause_code: None,
                owner_user_id: None,
                department: None,
            };
            cases::update_in_tx(&mut tx, operator, &case.id, &update, now).await?;
            let action = ActionRow {
                id: app.new_uuid().to_string(),
                actor: "buyer".into(),
                action: answer.clone(),
                at: now,
            };
            cases::add_action_in_tx(&mut tx, operator, &case.id, &action).await?;
            let event = tradeport_store::events::NewEvent {
                merchant_id: Some(case.merchant_id),
                reason: Some(&answer),
                data: serde_json::json!({ "case_id": case.id, "refund": refund }).to_string(),
                ..app.event(Actor::System, "order", order_id, "order_offer_answered")
            };
            tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
            tx.commit().await?;
        }
        Some(REFUND_CHOICE) if refund => tx.end_unwritten().await?,
        Some(_) => return Err(conflict("offer.answered", "you have answered already; we will be in touch")),
    }
    if refund {
        let system = system_principal(operator);
        let mut conn = app.db().read().await?;
        let status = tradeport_store::orders::get(&mut conn, operator, None, order_id)
            .await?
            .ok_or(AppError::NotFound("order"))?
            .status;
        drop(conn);
        if status != OrderStatus::Cancelled {
            let why = format!("the buyer chose a refund: {}", offer.reason);
            crate::orders::review_order(app, &system, order_id, ReviewAction::Cancel, Some(&why), None)
                .await?;
        }
        let outcome = refund_all(app, &system, order_id, &case.id).await?;
        let mut tx = app.begin().await?;
        tx.lock_order(operator, None, order_id).await?;
        let action = ActionRow {
            id: app.new_uuid().to_string(),
            actor: "system".into(),
            action: outcome,
            at: app.now(),
        };
        cases::add_action_in_tx(&mut tx, operator, &case.id, &action).await?;
        tx.commit().await?;
    }
    Ok(PublicOffer { reason: offer.reason, alternatives: offer.alternatives, answered: offer.answer })
}

/// Refunds what is left of what was paid, once (keyed by the case); the answer in words.
async fn refund_all(
    app: &App,
    system: &Principal,
    order_id: tradeport_domain::kernel::OrderId,
    case: &str,
) -> AppResult<String> {
    let operator = system.scope.operator_id;
    let mut conn = app.db().read().await?;
    let order = tradeport_store::orders::get(&mut conn, operator, None, order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let paid = tradeport_store::aftersales::refunds::of_order(&mut conn, operator, order_id).await?;
    drop(conn);
    let committed: i64 = paid.iter().filter(|r| r.status.counts()).map(|r| r.amount_minor).sum();
    let left = order.paid.minor() - committed;
    if left <= 0 || order.status != OrderStatus::Cancelled {
        return Ok("the buyer chose a refund: the order is cancelled; nothing is left to refund".into());
    }
    let method = crate::aftersales::automatic_method(app, &order);
    let r = crate::aftersales::RefundRequest {
        amount_minor: left,
        method: method.into(),
        reason: "the order could not be fulfilled; the buyer chose a refund".into(),
        request_key: format!("cannot_serve:{case}"),
        manual_reference: None,
    };
    let paid = crate::aftersales::refund(app, system, order_id, &r, None).await?;
    Ok(format!(
        "the buyer chose a refund: the order is cancelled and {} is refunded ({}, {})",
        money_text(left, order.currency.code()),
        method.replace('_', " "),
        paid.status
    ))
}
