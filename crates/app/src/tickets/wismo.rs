//! "Where is my order?" answered without an agent (SLA-4): a new ticket from the order's own buyer
//! (same e-mail or phone) asking for its order's state, whose order is found and has nothing wrong
//! with it (not held or rejected, no exception
//! case open, its estimate not passed), gets the state, the estimate and the tracking link in the
//! buyer's language at once. The answer is kept on the ticket and sent like an agent's; it is the
//! first response, and the ticket waits for the buyer. Anything else waits for a person. An agent
//! sends the same answer on demand ("resend tracking").

use tradeport_domain::access::Principal;
use tradeport_domain::kernel::OrderId;
use tradeport_domain::orders::OrderStatus;
use tradeport_domain::tickets::{Category, TicketAction, transition};
use tradeport_store::tickets::{self, MessageRow, TicketRow};

use super::canned::placeholder_values;
use super::{AnswerRequest, TicketView, answer_ticket, status_of};
use crate::i18n::text;
use crate::notifications::ticket_text;
use crate::{App, AppError, AppResult};

/// The automatic answer to "where is my order?" for `t`, when its order is found and nothing is
/// wrong with it: not held or rejected, no exception case open, the estimate not passed.
pub(crate) async fn where_is_my_order(app: &App, t: &TicketRow) -> AppResult<Option<String>> {
    let Some(order_id) = t.order_id.as_deref().and_then(|id| id.parse::<OrderId>().ok()) else {
        return Ok(None);
    };
    let operator = crate::parse_id(&t.tenant_id, "operator")?;
    let mut conn = app.db().read().await?;
    let Some(order) = tradeport_store::orders::get(&mut conn, operator, None, order_id).await? else {
        return Ok(None);
    };
    // The tracking link opens the order's page and conversation: only its buyer gets it
    // unasked; anyone else naming the order waits for an agent.
    if !is_the_buyer(t, &order) {
        return Ok(None);
    }
    let filter = tradeport_store::exceptions::cases::CaseFilter {
        order_id: Some(order_id),
        status: Some(tradeport_domain::exceptions::CaseStatus::Open),
        ..Default::default()
    };
    let open_cases = tradeport_store::exceptions::cases::list(&mut conn, operator, &filter, None, 1).await?;
    drop(conn);
    // Held, unpaid, refused or cancelled: a person explains.
    let settled_or_wrong = matches!(
        order.status,
        OrderStatus::OnHold | OrderStatus::AwaitingPayment | OrderStatus::Rejected | OrderStatus::Cancelled
    );
    if settled_or_wrong || !open_cases.is_empty() {
        return Ok(None);
    }
    let (body, estimate) = tracking_answer(app, t).await?;
    let today = jiff::Timestamp::from_millisecond(app.now().0)
        .map(|ts| ts.to_zoned(jiff::tz::TimeZone::UTC).date())
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if estimate.is_some_and(|day| day < today) {
        return Ok(None);
    }
    Ok(Some(body))
}

/// The order's number, state, estimate and tracking link for the buyer of `t`, in their language,
/// with the estimate's day.
async fn tracking_answer(app: &App, t: &TicketRow) -> AppResult<(String, Option<jiff::civil::Date>)> {
    let (values, estimate) = placeholder_values(app, t, "").await?;
    let language = t.language.as_str();
    let estimate_line = match estimate {
        Some(_) => ticket_text(language, "ticket-estimate-line", &[("estimate", text(&values["estimate"]))]),
        None => String::new(),
    };
    let args = [
        ("buyer_name", text(&t.buyer_name)),
        ("order_no", text(&values["order_no"])),
        ("order_state", text(&values["order_state"])),
        ("estimate_line", text(&estimate_line)),
        ("tracking_link", text(&values["tracking_link"])),
    ];
    Ok((ticket_text(language, "ticket-wismo", &args).replace("  ", " "), estimate))
}

/// Sends the buyer of the principal's ticket `id` the order's state, estimate and tracking link in
/// their language, as the agent's answer (the agent's "resend tracking").
pub async fn resend_tracking(app: &App, principal: &Principal, id: &str) -> AppResult<TicketView> {
    let t = super::ticket_of(app, principal, id).await?;
    super::order_of(&t)?;
    let (body, _) = tracking_answer(app, &t).await?;
    let answer = AnswerRequest { kind: "reply".into(), body, ..AnswerRequest::default() };
    answer_ticket(app, principal, &t.id, &answer).await
}

/// Whether the ticket's sender is the order's buyer: the same e-mail address, or on chat the same
/// phone number (digits compared).
fn is_the_buyer(t: &TicketRow, order: &tradeport_store::orders::OrderRow) -> bool {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    match &t.buyer_phone {
        Some(phone) => {
            let theirs = order.buyer_phone_e164.as_deref().map(digits).unwrap_or_default();
            !theirs.is_empty() && digits(phone) == theirs
        }
        None => {
            !t.buyer_email.trim().is_empty() && t.buyer_email.eq_ignore_ascii_case(order.buyer_email.trim())
        }
    }
}

/// Answers new ticket `t` at once when it asks where its order is and nothing is wrong; whether it
/// did. A failure is logged (the buyer's message is kept, and an agent answers).
pub(crate) async fn answer_automatically(app: &App, t: &TicketRow) -> bool {
    if t.category != Category::OrderStatus.as_str() || t.order_id.is_none() {
        return false;
    }
    let answered = async {
        let Some(body) = where_is_my_order(app, t).await? else { return Ok(false) };
        let operator = crate::parse_id(&t.tenant_id, "operator")?;
        let now = app.now().0;
        let mut tx = app.begin().await?;
        let Some(current) = tickets::lock_in_tx(&mut tx, operator, &t.id).await? else { return Ok(false) };
        // An agent who answered meanwhile has answered.
        let to = transition(status_of(&current)?, TicketAction::AgentReplies);
        let (Some(to), None) = (to, current.first_responded_at) else { return Ok(false) };
        let message = MessageRow {
            id: app.new_uuid().to_string(),
            tenant_id: current.tenant_id.clone(),
            ticket_id: current.id.clone(),
            direction: "auto".into(),
            channel: current.channel.clone(),
            external_id: None,
            author: "Tradeport (automatic answer)".into(),
            body,
            created_at: now,
        };
        let next = TicketRow {
            status: to.as_str().into(),
            first_responded_at: Some(now),
            updated_at: now,
            ..current
        };
        tickets::insert_message_once_in_tx(&mut tx, &message).await?;
        tickets::update_in_tx(&mut tx, &next).await?;
        super::reply_job::enqueue_in_tx(app, &mut tx, operator, &message.id).await?;
        tx.commit().await?;
        AppResult::Ok(true)
    };
    answered.await.unwrap_or_else(|e| {
        tracing::warn!(ticket = %t.id, error = %e, "the automatic answer could not be given; an agent answers");
        false
    })
}
