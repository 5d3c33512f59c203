//! Asking the buyer about a short pick (INV-4): from the exception queue, staff ask the buyer
//! (in the buyer's language, by e-mail and text message) whether to take a substitute, cancel or
//! wait, and record the answer. `wait` puts the line back in the queue until stock is picked from
//! another bin; `cancel` cancels the order (for staff who may cancel orders; its picked goods go
//! back to the dock); `swap` takes a substitute (see `substitute`).

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::PickLineId;
use tradeport_domain::notifications::BuyerMessage;
use tradeport_domain::warehouse::PickLineStatus;
use tradeport_store::orders;
use tradeport_store::warehouse::waves::{self, PickLineRow};

use super::picking::{PickLineView, lock_line_and_order};
use super::{conflict, invalid};
use crate::orders::ReviewAction;
use crate::{App, AppError, AppResult, UnitOfWork, parse_id};

/// The buyer's answer to a short pick, as staff record it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BuyerAnswer {
    /// `swap`, `cancel` or `wait`.
    pub answer: String,
    /// For `swap`: the substitute as scanned or typed (SKU code or barcode of the order's merchant).
    pub substitute: String,
    /// What the buyer said, kept with the order's timeline.
    pub note: String,
}

/// A short line of the exception queue, locked with its order.
async fn short_line(tx: &mut UnitOfWork, principal: &Principal, line_id: &str) -> AppResult<PickLineRow> {
    let id: PickLineId = parse_id(line_id, "pick line")?;
    let line = lock_line_and_order(tx, principal, id).await?;
    if !line.status.is_short() {
        return Err(conflict("pick.not_short", format!("this line is {}, not short", line.status.as_str())));
    }
    Ok(line)
}

async fn view_of(tx: &mut UnitOfWork, principal: &Principal, line: &PickLineRow) -> AppResult<PickLineView> {
    let after = waves::lock_line_in_tx(tx, principal.scope.operator_id, line.id)
        .await?
        .ok_or(AppError::NotFound("pick line"))?;
    Ok(after.into())
}

/// Asks the buyer of a short line's order what to do; the line waits as `asking_buyer`.
pub async fn ask_buyer(app: &App, principal: &Principal, line_id: &str) -> AppResult<PickLineView> {
    principal.require(Permission::OperateWarehouse)?;
    let operator = principal.scope.operator_id;
    let now = app.now();
    let mut tx = app.begin().await?;
    let line = short_line(&mut tx, principal, line_id).await?;
    if line.status == PickLineStatus::AskingBuyer {
        return Err(conflict("pick.buyer_asked", "the buyer was asked already; record the answer"));
    }
    let order =
        orders::get(&mut tx, operator, None, line.order_id).await?.ok_or(AppError::NotFound("order"))?;
    waves::set_status_in_tx(&mut tx, operator, &line, PickLineStatus::AskingBuyer, now).await?;
    let data = serde_json::json!({ "line_id": line.id, "sku": line.sku, "short": line.short }).to_string();
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(line.merchant_id),
        data,
        ..app.event(principal.actor, "order", line.order_id, "order_buyer_asked")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    let message =
        crate::orders::buyer_message(app, &order, BuyerMessage::ItemShort, order.order_no.as_deref(), now);
    tradeport_store::outbox::enqueue_in_tx(&mut tx, operator, &message).await?;
    let view = view_of(&mut tx, principal, &line).await?;
    tx.commit().await?;
    Ok(view)
}

/// Records the buyer's answer to a short line.
pub async fn record_buyer_answer(
    app: &App,
    principal: &Principal,
    line_id: &str,
    a: &BuyerAnswer,
) -> AppResult<PickLineView> {
    let note = a.note.trim();
    match a.answer.trim() {
        "wait" => wait(app, principal, line_id, note).await,
        "swap" => super::substitute::swap(app, principal, line_id, &a.substitute, note).await,
        "cancel" => {
            let mut tx = app.begin().await?;
            let line = short_line(&mut tx, principal, line_id).await?;
            tx.end_unwritten().await?;
            let reason = format!("the buyer chose to cancel: {} short of {}. {note}", line.short, line.sku);
            crate::orders::review_order(
                app,
                principal,
                line.order_id,
                ReviewAction::Cancel,
                Some(reason.trim()),
                None,
            )
            .await?;
            let mut conn = app.db().read().await?;
            let after = waves::lock_line_in_tx(&mut conn, principal.scope.operator_id, line.id)
                .await?
                .ok_or(AppError::NotFound("pick line"))?;
            Ok(after.into())
        }
        _ => Err(invalid("answer", "unknown_answer", "answer must be swap, cancel or wait")),
    }
}

/// The buyer waits for stock: the line goes back to the exception queue as short.
async fn wait(app: &App, principal: &Principal, line_id: &str, note: &str) -> AppResult<PickLineView> {
    principal.require(Permission::OperateWarehouse)?;
    let operator = principal.scope.operator_id;
    let now = app.now();
    let mut tx = app.begin().await?;
    let line = short_line(&mut tx, principal, line_id).await?;
    waves::set_status_in_tx(&mut tx, operator, &line, PickLineStatus::Short, now).await?;
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(line.merchant_id),
        reason: Some(if note.is_empty() { "the buyer waits for stock" } else { note }),
        data: serde_json::json!({ "line_id": line.id, "sku": line.sku, "short": line.short }).to_string(),
        ..app.event(principal.actor, "order", line.order_id, "order_buyer_waits")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    let view = view_of(&mut tx, principal, &line).await?;
    tx.commit().await?;
    Ok(view)
}
