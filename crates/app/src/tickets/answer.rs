//! An agent works a ticket (CS-1, CS-3): answers the buyer (the first answer stops the
//! first-response clock), keeps an internal note, records what the buyer said on the phone, or
//! solves it. Agents see and work the tickets of the orders they see (a merchant: its own).

use serde::Deserialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::Millis;
use tradeport_domain::tickets::{TicketAction, TicketChannel, transition};
use tradeport_store::tickets::{self, MessageRow, TicketRow};

use super::queries::{TicketView, view_of};
use super::status_of;
use crate::warehouse::{conflict, invalid};
use crate::{App, AppError, AppResult};

/// What an agent adds to a ticket.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AnswerRequest {
    /// `reply` (to the buyer, shown on the tracking page), `note` (internal) or `phone` (what the
    /// buyer said on the phone).
    pub kind: String,
    /// What to say; may be left empty for a `reply` that names `canned`.
    pub body: String,
    /// A canned reply's name: filled from the ticket's order in the buyer's language and sent when
    /// `body` is empty.
    pub canned: String,
}

fn illegal(t: &TicketRow, action: TicketAction) -> AppError {
    conflict("ticket.illegal_transition", format!("a ticket that is {} cannot take {action:?}", t.status))
}

/// Locks the principal's ticket `id`, or says it is not theirs to see.
pub(super) async fn locked(
    principal: &Principal,
    tx: &mut crate::UnitOfWork,
    id: &str,
) -> AppResult<TicketRow> {
    let t = tickets::lock_in_tx(tx, principal.scope.operator_id, id)
        .await?
        .ok_or(AppError::NotFound("ticket"))?;
    let theirs = principal.scope.merchant_id.is_none_or(|m| t.merchant_id.as_deref() == Some(&m.to_string()));
    if theirs { Ok(t) } else { Err(AppError::NotFound("ticket")) }
}

/// WhatsApp takes a free-form answer only within 24 hours of the buyer's last message.
const CHAT_WINDOW_MS: i64 = 24 * 3_600_000;

/// Refuses an answer its channel would not take, saying what to do: to a chat whose buyer last
/// wrote more than 24 hours ago, or longer than eBay takes.
async fn channel_takes(
    app: &App,
    principal: &Principal,
    (id, body): (&str, &str),
    now: Millis,
) -> AppResult<()> {
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let Some(t) = tickets::get(&mut conn, operator, principal.scope.merchant_id, id.trim()).await? else {
        return Err(AppError::NotFound("ticket"));
    };
    if t.buyer_phone.is_none() {
        let through_marketplace = t.connection_id.is_some();
        if through_marketplace && body.chars().count() > super::ebay_in::MOST_CHARS {
            return Err(invalid(
                "body",
                "too_long",
                "eBay takes answers of at most 2000 characters; shorten it",
            ));
        }
        return Ok(());
    }
    let messages = tickets::messages(&mut conn, operator, &t.id).await?;
    let last = messages.iter().filter(|m| m.direction == "in" && m.channel == TicketChannel::Chat.as_str());
    match last.map(|m| m.created_at).max() {
        Some(at) if now.0 - at <= CHAT_WINDOW_MS => Ok(()),
        _ => Err(conflict(
            "ticket.chat_window_closed",
            "the buyer last wrote on WhatsApp more than 24 hours ago, and WhatsApp takes a free-form answer \
                      only within 24 hours; answer by e-mail or phone and note it on the ticket",
        )),
    }
}

/// Adds an agent's answer, note or phone note to ticket `id`.
pub async fn answer_ticket(
    app: &App,
    principal: &Principal,
    id: &str,
    r: &AnswerRequest,
) -> AppResult<TicketView> {
    principal.require(Permission::AnswerTickets)?;
    let filled = match (r.body.trim(), r.canned.trim()) {
        ("", name) if !name.is_empty() && r.kind.trim() == "reply" => {
            Some(super::canned::preview_canned(app, principal, id, name).await?.body)
        }
        _ => None,
    };
    let body = filled.as_deref().unwrap_or(r.body.trim());
    if body.is_empty() || body.chars().count() > 10_000 {
        return Err(invalid("body", "required", "write the message (at most 10000 characters)"));
    }
    let (direction, channel, action) = match r.kind.trim() {
        "reply" => ("out", TicketChannel::WebForm, Some(TicketAction::AgentReplies)),
        "note" => ("note", TicketChannel::WebForm, None),
        "phone" => ("in", TicketChannel::Phone, Some(TicketAction::BuyerWrites)),
        _ => return Err(invalid("kind", "invalid", "kind is reply, note or phone")),
    };
    let now = app.now();
    if direction == "out" {
        channel_takes(app, principal, (id, body), now).await?;
    }
    let mut tx = app.begin().await?;
    let t = locked(principal, &mut tx, id).await?;
    let mut next = TicketRow { updated_at: now.0, ..t.clone() };
    if let Some(action) = action {
        let to = transition(status_of(&t)?, action).ok_or_else(|| illegal(&t, action))?;
        next.status = to.as_str().into();
    }
    if direction == "out" {
        next.first_responded_at = next.first_responded_at.or(Some(now.0));
        // The answer promised is given.
        (next.promised_at, next.promise_note) = (None, None);
    }
    let channel = if direction == "out" { t.channel.clone() } else { channel.as_str().to_string() };
    let message = MessageRow {
        id: app.new_uuid().to_string(),
        tenant_id: t.tenant_id.clone(),
        ticket_id: t.id.clone(),
        direction: direction.into(),
        channel,
        external_id: None,
        author: crate::words::actor_text(principal.actor),
        body: body.to_string(),
        created_at: now.0,
    };
    tickets::insert_message_once_in_tx(&mut tx, &message).await?;
    tickets::update_in_tx(&mut tx, &next).await?;
    if direction == "out" {
        super::reply_job::enqueue_in_tx(app, &mut tx, principal.scope.operator_id, &message.id).await?;
    }
    tx.commit().await?;
    let mut conn = app.db().read().await?;
    view_of(&mut conn, &next, true, now).await
}

/// Marks ticket `id` solved (the buyer writing again opens it).
pub async fn solve_ticket(app: &App, principal: &Principal, id: &str) -> AppResult<TicketView> {
    principal.require(Permission::AnswerTickets)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let t = locked(principal, &mut tx, id).await?;
    let to =
        transition(status_of(&t)?, TicketAction::Solve).ok_or_else(|| illegal(&t, TicketAction::Solve))?;
    let next = TicketRow { status: to.as_str().into(), solved_at: Some(now.0), updated_at: now.0, ..t };
    tickets::update_in_tx(&mut tx, &next).await?;
    super::survey::ask_in_tx(app, &mut tx, &next, &crate::words::actor_text(principal.actor)).await?;
    tx.commit().await?;
    let mut conn = app.db().read().await?;
    view_of(&mut conn, &next, true, now).await
}
