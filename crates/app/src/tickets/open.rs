//! A buyer writes from the order's tracking page (CS-1's web form; no account: the link is the
//! buyer's key). The message joins the order's ticket still being worked, or opens one: linked to
//! the order and its merchant, its category suggested from the words and the order's state (CS-2),
//! its clocks started in the operator's calendar (CS-3). The form's submission key makes a resent
//! form the same message.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::Actor;
use tradeport_domain::kernel::FieldErrors;
use tradeport_domain::orders::OrderStatus;
use tradeport_domain::tickets::{
    Priority, TicketAction, TicketChannel, TicketStatus, classify, default_targets, due, transition,
};
use tradeport_store::tickets::{self, MessageRow, TicketRow};

use super::status_of;
use crate::{App, AppError, AppResult};

/// What the buyer writes.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BuyerMessageForm {
    pub message: String,
    /// A key the page makes once per form (8 to 100 characters): sent again, the same message.
    pub submission_key: String,
}

/// The ticket the message went to.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SubmittedMessage {
    pub ticket_id: String,
    pub message_id: String,
    /// This form was sent before; nothing new was kept.
    pub duplicate: bool,
}

fn checked(f: &BuyerMessageForm) -> AppResult<()> {
    let mut e = FieldErrors::new();
    let message = f.message.trim();
    if message.is_empty() || message.chars().count() > 5000 {
        e.add("message", "required", "write your message (at most 5000 characters)");
    }
    let key = f.submission_key.trim();
    if !(8..=100).contains(&key.len()) || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        e.add(
            "submission_key",
            "invalid",
            "submission_key is 8 to 100 letters, digits or dashes, made once per form",
        );
    }
    e.into_result().map_err(AppError::Invalid)
}

/// Takes a buyer's message from the tracking page of `token`.
pub async fn submit_from_tracking(
    app: &App,
    token: &str,
    f: &BuyerMessageForm,
) -> AppResult<SubmittedMessage> {
    checked(f)?;
    let (operator, order_id) = crate::shipping::tracking_target(app, token).await?;
    let external_id = format!("{order_id}:{}", f.submission_key.trim());
    let channel = TicketChannel::WebForm.as_str();
    // Reads before the writer: the order, an earlier copy of this form, the ticket being worked.
    let mut conn = app.db().read().await?;
    if let Some(m) = tickets::message_by_external_id(&mut conn, operator, channel, &external_id).await? {
        return Ok(SubmittedMessage { ticket_id: m.ticket_id, message_id: m.id, duplicate: true });
    }
    let order = tradeport_store::orders::get(&mut conn, operator, None, order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let working = tickets::of_order(&mut conn, operator, order_id)
        .await?
        .into_iter()
        .rev()
        .find(|t| status_of(t).is_ok_and(|s| transition(s, TicketAction::BuyerWrites).is_some()));
    let calendar = crate::sla::load_default(&mut conn, operator).await?;
    drop(conn);

    let now = app.now();
    let text = f.message.trim().to_string();
    let ticket = match working {
        // Written from the row as locked in the writer below: an answer given meanwhile stays.
        Some(t) => t,
        None => {
            let suggestion = classify(&text, Some(order.status == OrderStatus::HandedOver));
            let targets = default_targets(suggestion.category, Priority::Normal);
            let opened =
                jiff::Timestamp::from_millisecond(now.0).map_err(|e| AppError::Internal(e.to_string()))?;
            let clock = |minutes| {
                due(calendar.as_ref().map(|c| &c.calendar), opened, minutes)
                    .map(|t| t.as_millisecond())
                    .map_err(|e| AppError::Internal(format!("calendar: {e}")))
            };
            TicketRow {
                id: app.new_uuid().to_string(),
                tenant_id: operator.to_string(),
                merchant_id: Some(order.merchant_id.to_string()),
                order_id: Some(order_id.to_string()),
                channel: channel.into(),
                status: TicketStatus::Open.as_str().into(),
                category: suggestion.category.as_str().into(),
                priority: Priority::Normal.as_str().into(),
                category_because: serde_json::to_string(&suggestion.because)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                subject: text.chars().take(80).collect(),
                buyer_name: order.buyer_name.clone(),
                buyer_email: order.buyer_email.clone(),
                language: order.buyer_language.clone(),
                first_response_due: Some(clock(targets.first_response_minutes)?),
                first_responded_at: None,
                resolution_due: Some(clock(targets.resolution_minutes)?),
                solved_at: None,
                created_at: now.0,
                updated_at: now.0,
            }
        }
    };
    let message = MessageRow {
        id: app.new_uuid().to_string(),
        tenant_id: operator.to_string(),
        ticket_id: ticket.id.clone(),
        direction: "in".into(),
        channel: channel.into(),
        external_id: Some(external_id),
        author: order.buyer_name.clone(),
        body: text,
        created_at: now.0,
    };
    let mut tx = app.begin().await?;
    let locked = tickets::lock_in_tx(&mut tx, operator, &ticket.id).await?;
    let new_ticket = locked.is_none();
    match locked {
        None => tickets::insert_in_tx(&mut tx, &ticket).await?,
        Some(current) => {
            let Some(to) = transition(status_of(&current)?, TicketAction::BuyerWrites) else {
                return Err(AppError::Conflict {
                    code: "ticket.closed",
                    message: "the conversation was closed just now; send the message again to open a new one"
                        .into(),
                    fields: Vec::new(),
                });
            };
            let next =
                TicketRow { status: to.as_str().into(), solved_at: None, updated_at: now.0, ..current };
            tickets::update_in_tx(&mut tx, &next).await?;
        }
    }
    if let Some(earlier) = tickets::insert_message_once_in_tx(&mut tx, &message).await? {
        // The same form, sent twice at once: the first one stands, this one keeps nothing.
        drop(tx);
        return Ok(SubmittedMessage {
            ticket_id: earlier.ticket_id,
            message_id: earlier.id,
            duplicate: true,
        });
    }
    if new_ticket {
        let event = tradeport_store::events::NewEvent {
            merchant_id: Some(order.merchant_id),
            data: serde_json::json!({ "ticket_id": ticket.id, "category": ticket.category }).to_string(),
            ..app.event(Actor::System, "order", order_id, "ticket_opened")
        };
        tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    }
    tx.commit().await?;
    Ok(SubmittedMessage { ticket_id: ticket.id, message_id: message.id, duplicate: false })
}
