//! A question that cannot be answered at once (CS-3): the agent tells the buyer when they will
//! hear back (so many working hours on the operator's calendar) and notes what is to be found out.
//! The buyer's message is answered (the first response), and the promise becomes a follow-up task:
//! past it with no answer since, the ticket is overdue in the queue and the twice-daily sweep. The
//! next answer keeps the promise.

use serde::Deserialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::tickets::{TicketAction, due, transition};
use tradeport_store::tickets::{self, MessageRow, TicketRow};

use super::answer::locked;
use super::queries::{TicketView, view_of};
use super::status_of;
use crate::i18n::text;
use crate::notifications::{format_date, ticket_text};
use crate::warehouse::{conflict, invalid};
use crate::words::actor_text;
use crate::{App, AppError, AppResult};

/// The promise.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PromiseRequest {
    /// Working hours until the buyer hears back (1 to 120).
    #[schema(minimum = 1, maximum = 120)]
    pub within_hours: i64,
    /// What is to be found out (internal).
    pub note: String,
}

/// Promises the buyer of ticket `id` an answer within so many working hours.
pub async fn promise_answer(
    app: &App,
    principal: &Principal,
    id: &str,
    r: &PromiseRequest,
) -> AppResult<TicketView> {
    principal.require(Permission::AnswerTickets)?;
    if !(1..=120).contains(&r.within_hours) {
        return Err(invalid("within_hours", "out_of_range", "within_hours is 1 to 120 working hours"));
    }
    let note = r.note.trim();
    if note.is_empty() || note.chars().count() > 2000 {
        return Err(invalid("note", "required", "say what is to be found out"));
    }
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let calendar = crate::sla::load_default(&mut conn, operator).await?.map(|c| c.calendar);
    drop(conn);
    let now = app.now();
    let from = jiff::Timestamp::from_millisecond(now.0).map_err(|e| AppError::Internal(e.to_string()))?;
    let by = due(calendar.as_ref(), from, r.within_hours * 60)
        .map_err(|e| AppError::Internal(format!("calendar: {e}")))?;
    let zone = calendar.map(|c| c.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let mut tx = app.begin().await?;
    let t = locked(principal, &mut tx, id).await?;
    let to = transition(status_of(&t)?, TicketAction::AgentReplies).ok_or_else(|| {
        conflict("ticket.illegal_transition", format!("a ticket that is {} takes no promise", t.status))
    })?;
    let local = by.to_zoned(zone);
    let when = format!(
        "{}, {:02}:{:02} {}",
        format_date(&t.language, local.date()),
        local.hour(),
        local.minute(),
        local.time_zone().iana_name().unwrap_or("UTC")
    );
    let author = actor_text(principal.actor);
    let message = |direction: &str, body: String| MessageRow {
        id: app.new_uuid().to_string(),
        tenant_id: t.tenant_id.clone(),
        ticket_id: t.id.clone(),
        direction: direction.into(),
        channel: t.channel.clone(),
        external_id: None,
        author: author.clone(),
        body,
        created_at: now.0,
    };
    let told = message("out", ticket_text(&t.language, "ticket-promise", &[("when", text(&when))]));
    let noted = message("note", format!("promised an answer by {when}: {note}"));
    let next = TicketRow {
        status: to.as_str().into(),
        first_responded_at: t.first_responded_at.or(Some(now.0)),
        promised_at: Some(by.as_millisecond()),
        promise_note: Some(note.into()),
        updated_at: now.0,
        ..t
    };
    tickets::insert_message_once_in_tx(&mut tx, &told).await?;
    tickets::insert_message_once_in_tx(&mut tx, &noted).await?;
    tickets::update_in_tx(&mut tx, &next).await?;
    super::reply_job::enqueue_in_tx(app, &mut tx, operator, &told.id).await?;
    tx.commit().await?;
    let mut conn = app.db().read().await?;
    view_of(&mut conn, &next, true, now).await
}
