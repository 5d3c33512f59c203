//! Review and confirmation (ORD-4 … ORD-7): every action is one transition of the state machine
//! in `domain::orders`, with its side effects in the same transaction: approval reserves stock,
//! holding or cancelling an order that holds stock releases it, confirmation numbers the order.

use serde::Serialize;
use tradeport_domain::access::{Actor, Permission, Principal, Role};
use tradeport_domain::inventory::AllocationState;
use tradeport_domain::kernel::{FieldError, Millis, OrderId, TenantId, WarehouseId};
use tradeport_domain::notifications::BuyerMessage;
use tradeport_domain::orders::{
    OrderAction, OrderStatus, ValidatedLine, event_kind, format_order_no, local_day, transition,
};
use tradeport_store::AnyConnection;
use tradeport_store::events::NewEvent;
use tradeport_store::orders::{self, OrderRow, counters};
use tradeport_store::outbox::NewMessage;

use super::HotRowsLast;
use super::to_json;
use super::view::{OrderView, load_view};
use crate::access::{OperatorPolicy, load_operator};
use crate::inventory::{release_order_in_tx, reserve_order_in_tx};
use crate::{App, AppError, AppResult, parse_id};

/// What a reviewer does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewAction {
    Approve,
    Reject,
    Hold,
    ReleaseHold,
    Confirm,
    Cancel,
}

impl ReviewAction {
    pub const ALL: [ReviewAction; 6] =
        [Self::Approve, Self::Confirm, Self::Hold, Self::ReleaseHold, Self::Reject, Self::Cancel];

    /// The action's name in forms and the API: `approve`, `release-hold`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::Hold => "hold",
            Self::ReleaseHold => "release-hold",
            Self::Confirm => "confirm",
            Self::Cancel => "cancel",
        }
    }

    /// The state machine's action this is on an order in `status`: approving an order that
    /// awaits its second review is the second approval.
    pub fn for_order(self, status: OrderStatus, second_review_due: bool) -> OrderAction {
        match self {
            Self::Approve if status == OrderStatus::PendingSecondReview => OrderAction::SecondApprove,
            Self::Approve => OrderAction::Approve { second_review_due },
            Self::Reject => OrderAction::Reject,
            Self::Hold => OrderAction::Hold,
            Self::ReleaseHold => OrderAction::ReleaseHold,
            Self::Confirm => OrderAction::Confirm,
            Self::Cancel => OrderAction::Cancel,
        }
    }

    /// What the action needs on an order in `status`.
    pub fn permission(self, status: OrderStatus) -> Permission {
        match self {
            Self::Cancel => Permission::ChangeOrders,
            Self::Approve if status == OrderStatus::PendingSecondReview => Permission::SecondReview,
            _ => Permission::ReviewOrders,
        }
    }

    /// The actions `role` may take on an order in `status`, from the state machine's own table
    /// (`domain::orders::transition`): what a screen offers.
    pub fn offered(role: Role, status: OrderStatus, second_review_due: bool) -> Vec<ReviewAction> {
        Self::ALL
            .into_iter()
            .filter(|a| role.can(a.permission(status)))
            .filter(|a| transition(status, a.for_order(status, second_review_due)).is_some())
            .collect()
    }

    /// Parses `approve`, `reject`, `hold`, `release-hold`, `confirm` or `cancel`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "approve" => Some(Self::Approve),
            "reject" => Some(Self::Reject),
            "hold" => Some(Self::Hold),
            "release-hold" | "release_hold" => Some(Self::ReleaseHold),
            "confirm" => Some(Self::Confirm),
            "cancel" => Some(Self::Cancel),
            _ => None,
        }
    }
}

fn illegal(from: OrderStatus, action: OrderAction) -> AppError {
    if from == OrderStatus::HandedOver && action == OrderAction::Cancel {
        return AppError::Conflict {
            code: "order.recall_needed",
            message: "the parcel has left the warehouse, so cancelling it is a recall: ask for one with \
                      POST /api/v1/orders/{id}/recall (the carrier's fee, who bears it, the buyer's agreement)"
                .into(),
            fields: Vec::new(),
        };
    }
    AppError::Conflict {
        code: "order.illegal_transition",
        message: format!("an order that is {} cannot be given '{}'", from.as_str(), action.as_str()),
        fields: Vec::new(),
    }
}

/// The order number of `day`'s serial `serial`, or why there is none.
pub(crate) fn order_number(day: &str, serial: i64) -> AppResult<String> {
    format_order_no(day, serial).ok_or_else(|| AppError::Conflict {
        code: "order.daily_numbers_exhausted",
        message: format!("all order numbers of {day} are used; confirm after midnight"),
        fields: Vec::new(),
    })
}

/// One action on one order, as the caller asks it.
pub(crate) struct Step<'a> {
    pub actor: Actor,
    pub action: OrderAction,
    pub reason: Option<&'a str>,
    pub forced_warehouse: Option<WarehouseId>,
    /// The order's lines when the caller has them (saves reading them again).
    pub lines: Option<&'a [ValidatedLine]>,
    /// Intake's hot rows, when they are to be touched at the end of the unit: an approval plans
    /// its reservation and a confirmation its number, and `HotRowsLast::take_in_tx` does them.
    pub late: Option<&'a HotRowsLast>,
}

/// One step decided, with its side effects on stock and numbers done: the order as it now is,
/// and what is to be recorded about it.
pub(crate) struct Decided<'a> {
    pub row: OrderRow,
    pub event: NewEvent<'a>,
    /// The message that tells the buyer of a confirmation, a hold, a cancellation or a rejection.
    pub message: Option<NewMessage<'a>>,
}

/// Applies one action inside the caller's transaction and returns the order as it now is.
pub(crate) async fn apply_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    order: &OrderRow,
    step: Step<'_>,
    policy: &OperatorPolicy,
) -> AppResult<OrderRow> {
    let d = decide_in_tx(app, conn, operator, order, step, policy).await?;
    let (events, messages) = (&[d.event], d.message.as_slice());
    record_in_tx(app, conn, operator, policy, Some(order.status), &d.row, events, messages).await?;
    Ok(d.row)
}

/// Decides one action on `order` (as it stands in this transaction) and does its side effects:
/// releasing or reserving stock, numbering a confirmed order. Writes nothing of the order
/// itself: [`record_in_tx`] does, once for one or several steps.
pub(crate) async fn decide_in_tx<'a>(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    order: &OrderRow,
    step: Step<'a>,
    policy: &OperatorPolicy,
) -> AppResult<Decided<'a>> {
    let Step { actor, action, reason, forced_warehouse, lines, late } = step;
    let mut to = transition(order.status, action).ok_or_else(|| illegal(order.status, action))?;
    let now = app.now();
    let mut allocation = order.allocation;
    let mut holds: Option<String> = None;
    let mut order_no: Option<String> = None;
    let mut numbered_late: Option<String> = None;

    if order.status.in_warehouse() && to == OrderStatus::Cancelled {
        crate::warehouse::undo_warehouse_work_in_tx(app, conn, operator, order.id, actor, now).await?;
    }
    super::screening::record_decision_in_tx(conn, operator, order, action, to, now).await?;
    // A coupon used by an order that will not be fulfilled may be used again (EXC-5), and so may
    // its pre-sale units (INV-4).
    // The money its payments took is owed back: a person is asked to refund it (ORD-5).
    if matches!(to, OrderStatus::Cancelled | OrderStatus::Rejected) {
        tradeport_store::aftersales::coupons::release_in_tx(conn, operator, order.id).await?;
        tradeport_store::inventory::presales::give_back_in_tx(conn, operator, order.id).await?;
        let payments = tradeport_store::payments::rows::of_order(conn, operator, order.id).await?;
        crate::payments::flag_refund_due_in_tx(conn, &payments, to, now).await?;
    }
    // A hand-over consumes the reservation with its ship movements (`warehouse::hand_over`); every
    // other way out of a stock-holding state gives the stock back.
    if order.status.holds_stock() && !to.holds_stock() && action != OrderAction::HandOver {
        release_order_in_tx(app, conn, operator, order.id, actor, reason.unwrap_or(action.as_str()), now)
            .await?;
        allocation = AllocationState::None;
    }
    match (action, to) {
        (_, OrderStatus::Approved) => {
            let read;
            let lines = match lines {
                Some(l) => l,
                None => {
                    read = orders::lines::list(conn, operator, order.id, order.currency).await?;
                    &read
                }
            };
            let settings =
                super::presale::reservation_settings(conn, operator, order.id, &policy.settings).await?;
            let r = reserve_order_in_tx(
                app,
                conn,
                operator,
                order.id,
                &order.ship_country,
                lines,
                &settings,
                forced_warehouse,
                actor,
                late,
            )
            .await?;
            if r.shortages.is_empty() {
                allocation = r.allocation;
            } else {
                to = OrderStatus::OnHold;
                holds = Some(to_json(&r.shortages)?);
            }
        }
        (OrderAction::Hold, _) => {
            holds = Some(to_json(&[FieldError::new(
                "order",
                "held_by_staff",
                reason.unwrap_or("held by staff"),
            )])?)
        }
        (OrderAction::ReleaseHold, _) => holds = Some("[]".into()),
        // An order confirmed before (then held by a change) keeps its number.
        (OrderAction::Confirm, _) if order.order_no.is_some() => {}
        // Numbered at the end of the unit (the event and message say `null` until then).
        (OrderAction::Confirm, _) if late.is_some() => numbered_late = Some(local_day(now, &policy.timezone)),
        (OrderAction::Confirm, _) => {
            let day = local_day(now, &policy.timezone);
            let serial = counters::next_serial_in_tx(conn, operator, &day).await?;
            order_no = Some(order_number(&day, serial)?);
        }
        _ => {}
    }
    let kind = event_kind(action, to);
    // A re-confirmed order keeps the number it had.
    let number = order_no.clone().or_else(|| order.order_no.clone());
    let data = serde_json::json!({ "from": order.status.as_str(), "to": to.as_str(), "allocation": allocation.as_str(), "order_no": number }).to_string();
    let event = NewEvent {
        merchant_id: Some(order.merchant_id),
        reason,
        data,
        ..app.event(actor, "order", order.id, kind)
    };
    // ORD-7, SLA-3: the buyer is told of a confirmation, a hold, a cancellation and a rejection; the
    // notifications relay delivers it in the buyer's language.
    let message = match to {
        OrderStatus::Confirmed => Some(BuyerMessage::OrderConfirmed),
        OrderStatus::OnHold if order.status != OrderStatus::OnHold => Some(BuyerMessage::OrderOnHold),
        OrderStatus::Cancelled => Some(BuyerMessage::OrderCancelled),
        OrderStatus::Rejected => Some(BuyerMessage::OrderRejected),
        _ => None,
    }
    .map(|m| buyer_message(app, order, m, number.as_deref(), now));
    if let (Some(day), Some(late)) = (numbered_late, late) {
        late.number_later(day, event.id, message.as_ref().map(|m| m.id));
    }
    let row = OrderRow {
        status: to,
        allocation,
        holds: holds.unwrap_or_else(|| order.holds.clone()),
        order_no: order_no.or_else(|| order.order_no.clone()),
        updated_at: now,
        approved_at: if to == OrderStatus::Approved { Some(now) } else { order.approved_at },
        confirmed_at: if to == OrderStatus::Confirmed { Some(now) } else { order.confirmed_at },
        completed_at: order.completed_at,
        ..order.clone()
    };
    Ok(Decided { row, event, message })
}

/// The outbox message that tells the buyer of `order` about `message` (`order_no` once it has
/// one): whom to write to and in which language; the content is read when it is sent.
pub(crate) fn buyer_message<'a>(
    app: &App,
    order: &OrderRow,
    message: BuyerMessage,
    order_no: Option<&str>,
    now: Millis,
) -> NewMessage<'a> {
    let payload = serde_json::json!({ "order_no": order_no, "buyer_email": order.buyer_email, "buyer_phone": order.buyer_phone_e164, "language": order.buyer_language }).to_string();
    NewMessage {
        id: app.new_uuid(),
        merchant_id: Some(order.merchant_id),
        topic: message.topic(),
        subject_type: "order",
        subject_id: order.id.to_string(),
        payload,
        at: now,
    }
}

/// Records decided steps of one order: its state written once (when it was `from`, unless
/// `from` is `None`: nothing to write), then the events in one insert, the clocks they move and
/// the buyer's messages.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    policy: &OperatorPolicy,
    from: Option<OrderStatus>,
    after: &OrderRow,
    events: &[NewEvent<'_>],
    messages: &[NewMessage<'_>],
) -> AppResult<()> {
    write_in_tx(conn, operator, from, after, events, messages).await?;
    move_clocks_in_tx(app, conn, policy, after, events).await?;
    Ok(())
}

/// The order's state (when it was `from`), its events in one insert and the buyer's messages.
pub(crate) async fn write_in_tx(
    conn: &mut AnyConnection,
    operator: TenantId,
    from: Option<OrderStatus>,
    after: &OrderRow,
    events: &[NewEvent<'_>],
    messages: &[NewMessage<'_>],
) -> AppResult<()> {
    if let Some(from) = from
        && !orders::write_state_in_tx(conn, operator, from, after).await?
    {
        return Err(AppError::Conflict {
            code: "order.changed_concurrently",
            message: "the order changed while this action ran; reload it and try again".into(),
            fields: Vec::new(),
        });
    }
    tradeport_store::events::append_many_in_tx(conn, operator, events).await?;
    for m in messages {
        tradeport_store::outbox::enqueue_in_tx(conn, operator, m).await?;
    }
    Ok(())
}

/// Starts, stops and pauses the order's clocks as `events` say; a clock started for the order
/// runs to the limit its merchant's agreement promises. The clocks started, when that was all
/// (`sla::on_order_events_in_tx`).
pub(crate) async fn move_clocks_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    policy: &OperatorPolicy,
    after: &OrderRow,
    events: &[NewEvent<'_>],
) -> AppResult<Option<Vec<tradeport_store::sla::ClockRow>>> {
    let starts = events.iter().any(|e| {
        tradeport_domain::sla::clock_actions(e.kind)
            .iter()
            .any(|a| matches!(a, tradeport_domain::sla::ClockAction::Start(_)))
    });
    let policy = match starts {
        true => crate::billing::promised_policy(conn, policy, after.merchant_id, app.now()).await?,
        false => std::borrow::Cow::Borrowed(policy),
    };
    move_clocks_promised_in_tx(app, conn, &policy, after, events).await
}

/// [`move_clocks_in_tx`] with the policy the merchant's agreement promises already known.
pub(crate) async fn move_clocks_promised_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    promised: &OperatorPolicy,
    after: &OrderRow,
    events: &[NewEvent<'_>],
) -> AppResult<Option<Vec<tradeport_store::sla::ClockRow>>> {
    let kinds: Vec<(&str, Millis)> = events.iter().map(|e| (e.kind, e.at)).collect();
    crate::sla::on_order_events_in_tx(app, conn, promised, after.id, after.urgent, &kinds).await
}

/// Approves, and confirms, an order in review at once where the operator's rules allow (paid and
/// valid, no flags, no second review due: ORD-5, ORD-7), decided step by step; the events and
/// buyer messages are added to `events` and `messages`, and the order as it ends is returned,
/// not written (the caller records it once).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn approve_automatically_in_tx<'a>(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    policy: &OperatorPolicy,
    mut order: OrderRow,
    lines: Option<&'a [ValidatedLine]>,
    late: Option<&'a HotRowsLast>,
    events: &mut Vec<NewEvent<'a>>,
    messages: &mut Vec<NewMessage<'a>>,
) -> AppResult<OrderRow> {
    let settings = &policy.settings;
    let automatic = settings.auto_approve
        && order.status == OrderStatus::PendingReview
        && order.flags.is_empty()
        && !order.second_review_due;
    if !automatic {
        return Ok(order);
    }
    let reason = "auto-approval: paid, valid, below the second-review threshold, no remarks";
    let approve = OrderAction::Approve { second_review_due: false };
    let step = Step {
        actor: Actor::System,
        action: approve,
        reason: Some(reason),
        forced_warehouse: None,
        lines,
        late,
    };
    let approved = decide_in_tx(app, conn, operator, &order, step, policy).await?;
    order = approved.row;
    events.push(approved.event);
    // An approval that found the stock short holds the order: the buyer hears of it.
    messages.extend(approved.message);
    if order.status == OrderStatus::Approved && settings.auto_confirm {
        let step = Step {
            actor: Actor::System,
            action: OrderAction::Confirm,
            reason: Some("auto-confirmation"),
            forced_warehouse: None,
            lines: None,
            late,
        };
        let confirmed = decide_in_tx(app, conn, operator, &order, step, policy).await?;
        order = confirmed.row;
        events.push(confirmed.event);
        messages.extend(confirmed.message);
    }
    Ok(order)
}

/// Applies a reviewer's action to one order. `approve` on an order awaiting its second review is
/// the second review (reviewers only); `warehouse_id` forces where an approval reserves stock.
pub async fn review_order(
    app: &App,
    principal: &Principal,
    id: OrderId,
    action: ReviewAction,
    reason: Option<&str>,
    warehouse_id: Option<&str>,
) -> AppResult<OrderView> {
    let warehouse_id: Option<WarehouseId> = warehouse_id
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(|w| parse_id(w, "warehouse"))
        .transpose()?;
    let operator = principal.scope.operator_id;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if matches!(action, ReviewAction::Reject | ReviewAction::Hold | ReviewAction::Cancel) && reason.is_none()
    {
        return Err(AppError::Invalid(vec![FieldError::new(
            "reason",
            "required",
            "say why, so the buyer can be told what to do",
        )]));
    }
    if warehouse_id.is_some() && reason.is_none() {
        return Err(AppError::Invalid(vec![FieldError::new(
            "reason",
            "required",
            "choosing the warehouse by hand needs a reason",
        )]));
    }
    let mut tx = app.begin().await?;
    let order = tx.lock_order(operator, principal.scope.merchant_id, id).await?;
    principal.require(action.permission(order.status))?;
    let domain_action = action.for_order(order.status, order.second_review_due);
    let policy = load_operator(&mut tx, operator).await?;
    let step = Step {
        actor: principal.actor,
        action: domain_action,
        reason,
        forced_warehouse: warehouse_id,
        lines: None,
        late: None,
    };
    let after = if domain_action == OrderAction::ReleaseHold {
        super::release_hold::release_in_tx(app, &mut tx, principal, &order, reason, warehouse_id, &policy)
            .await?
    } else {
        apply_in_tx(app, &mut tx, operator, &order, step, &policy).await?
    };
    tx.commit().await?;
    let mut conn = app.db().read().await?;
    load_view(app, &mut conn, operator, &after).await
}

/// The outcome of one order of a bulk approval.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BulkResult {
    pub id: String,
    /// The order's number, or its channel's id before it has one; absent when it was not found.
    pub number: Option<String>,
    /// The order's status afterwards, when it worked.
    pub status: Option<String>,
    /// Why it did not, when it did not.
    pub error: Option<String>,
}

/// Approves several orders, each on its own (one failing does not stop the others).
pub async fn bulk_approve(app: &App, principal: &Principal, ids: &[String]) -> AppResult<Vec<BulkResult>> {
    principal.require(Permission::ReviewOrders)?;
    if ids.is_empty() || ids.len() > 500 {
        return Err(AppError::Invalid(vec![FieldError::new(
            "ids",
            "out_of_range",
            "send 1 to 500 order ids",
        )]));
    }
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let result = match parse_id(id, "order") {
            Ok(order) => review_order(app, principal, order, ReviewAction::Approve, None, None).await,
            Err(e) => Err(e),
        };
        out.push(match result {
            Ok(v) => BulkResult {
                id: id.clone(),
                number: Some(v.summary.order_no.unwrap_or(v.summary.channel_order_id)),
                status: Some(v.summary.status),
                error: None,
            },
            Err(e) => BulkResult { id: id.clone(), number: None, status: None, error: Some(e.to_string()) },
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus as S;
    use ReviewAction as A;

    #[test]
    fn screens_offer_what_the_state_machine_and_the_role_allow() {
        let table = [
            (Role::Admin, S::OnHold, vec![A::ReleaseHold, A::Reject, A::Cancel]),
            (Role::Admin, S::PendingReview, vec![A::Approve, A::Hold, A::Reject, A::Cancel]),
            (Role::Admin, S::PendingSecondReview, vec![A::Approve, A::Hold, A::Reject, A::Cancel]),
            (Role::Admin, S::Approved, vec![A::Confirm, A::Hold, A::Cancel]),
            (Role::Admin, S::Confirmed, vec![A::Hold, A::Cancel]),
            (Role::Admin, S::Rejected, vec![]),
            (Role::Admin, S::Cancelled, vec![]),
        ];
        for (role, status, offered) in table {
            assert_eq!(A::offered(role, status, false), offered, "{role:?} {status:?}");
        }
        for status in S::ALL {
            for action in A::offered(Role::Merchant, status, false) {
                assert!(Role::Merchant.can(action.permission(status)), "{status:?} {action:?}");
                assert_ne!(action, A::Approve, "merchants do not review");
            }
            // Every action offered is one the state machine takes.
            for action in A::offered(Role::Admin, status, true) {
                assert!(
                    transition(status, action.for_order(status, true)).is_some(),
                    "{status:?} {action:?}"
                );
            }
        }
        let second = A::offered(Role::Reviewer, S::PendingSecondReview, true);
        assert_eq!(second.contains(&A::Approve), Role::Reviewer.can(Permission::SecondReview));
    }
}
