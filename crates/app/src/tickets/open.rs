//! A buyer writes from the order's tracking page (CS-1's web form; no account: the link is the
//! buyer's key). The message joins the order's ticket still being worked, or opens one linked to
//! the order and its merchant (see `inbound`). The form's submission key makes a resent form the
//! same message.

use serde::{Deserialize, Serialize};
use tradeport_domain::kernel::FieldErrors;
use tradeport_domain::tickets::{TicketAction, TicketChannel, transition};
use tradeport_store::tickets;

use super::inbound::{Inbound, keep_inbound};
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
    let thread = tickets::of_order(&mut conn, operator, order_id)
        .await?
        .into_iter()
        .rev()
        .find(|t| status_of(t).is_ok_and(|s| transition(s, TicketAction::BuyerWrites).is_some()));
    drop(conn);
    let text = f.message.trim().to_string();
    let kept = keep_inbound(
        app,
        Inbound {
            operator,
            merchant: Some(order.merchant_id),
            order: Some(&order),
            thread,
            channel: TicketChannel::WebForm,
            external_id,
            buyer_name: order.buyer_name.clone(),
            buyer_email: order.buyer_email.clone(),
            subject: String::new(),
            text,
            reply_address: None,
            chat: None,
            connection: None,
            attachments: &[],
            acknowledge: false,
        },
    )
    .await?;
    Ok(SubmittedMessage { ticket_id: kept.ticket_id, message_id: kept.message_id, duplicate: kept.duplicate })
}
