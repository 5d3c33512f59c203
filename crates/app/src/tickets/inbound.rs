//! Keeping a buyer's message, from whichever channel (CS-1): it joins the ticket it belongs to, or
//! opens one with its category suggested (CS-2) and its clocks started in the operator's calendar
//! (CS-3); files that came with it go to the blob store. The channel's own message id makes a
//! message delivered twice the same message. A new ticket from e-mail gets an acknowledgement
//! with the time the buyer will have an answer by, unless a machine wrote it.

use tradeport_connectors::mail_in::MailAttachment;
use tradeport_domain::access::Actor;
use tradeport_domain::kernel::{OrderId, TenantId};
use tradeport_domain::orders::OrderStatus;
use tradeport_domain::sla::Calendar;
use tradeport_domain::tickets::{
    Priority, TicketAction, TicketChannel, TicketStatus, classify, default_targets, due, transition,
};
use tradeport_store::orders::OrderRow;
use tradeport_store::ticket_links::{self, AttachmentRow};
use tradeport_store::tickets::{self, MessageRow, TicketRow};

use super::{reply_job, status_of};
use crate::i18n::text;
use crate::warehouse::conflict;
use crate::{App, AppError, AppResult, UnitOfWork};

/// A buyer's message as its channel gave it.
pub(crate) struct Inbound<'a> {
    pub operator: TenantId,
    /// The merchant it is for, when known before an order is (a merchant's mailbox).
    pub merchant: Option<TenantId>,
    /// The order it is about, when known.
    pub order: Option<&'a OrderRow>,
    /// The ticket it answers (threading found it), when known: written from the row as locked.
    pub thread: Option<TicketRow>,
    pub channel: TicketChannel,
    /// The channel's own id of the message.
    pub external_id: String,
    pub buyer_name: String,
    pub buyer_email: String,
    pub subject: String,
    pub text: String,
    pub reply_address: Option<String>,
    /// A chat's buyer and connection.
    pub chat: Option<(String, String)>,
    /// The marketplace connection the message came through (answers go back through it).
    pub connection: Option<String>,
    pub attachments: &'a [MailAttachment],
    /// Acknowledge a new ticket (e-mail from a person).
    pub acknowledge: bool,
}

/// Where the message went.
pub(crate) struct Kept {
    pub ticket_id: String,
    pub message_id: String,
    /// Delivered before: nothing new was kept.
    pub duplicate: bool,
}

/// The language a buyer writes in, as far as the words tell: Chinese when they hold Chinese
/// characters, else the order's language, else English.
fn language_of(text: &str, order: Option<&OrderRow>) -> String {
    if text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
        return "zh-CN".into();
    }
    order.map(|o| o.buyer_language.clone()).unwrap_or_else(|| "en".into())
}

/// The new ticket `m` opens, its clocks started now in `calendar` (none: around the clock).
pub(super) fn new_ticket(app: &App, m: &Inbound<'_>, calendar: Option<&Calendar>) -> AppResult<TicketRow> {
    let handed_over = m.order.map(|o| o.status == OrderStatus::HandedOver);
    let suggestion = classify(&format!("{}\n{}", m.subject, m.text), handed_over);
    let targets = default_targets(suggestion.category, Priority::Normal);
    let now = app.now();
    let opened = jiff::Timestamp::from_millisecond(now.0).map_err(|e| AppError::Internal(e.to_string()))?;
    let clock = |minutes| {
        due(calendar, opened, minutes)
            .map(|t| t.as_millisecond())
            .map_err(|e| AppError::Internal(format!("calendar: {e}")))
    };
    let merchant = m.order.map(|o| o.merchant_id).or(m.merchant);
    let subject = if m.subject.is_empty() { &m.text } else { &m.subject };
    Ok(TicketRow {
        id: app.new_uuid().to_string(),
        tenant_id: m.operator.to_string(),
        merchant_id: merchant.map(|id| id.to_string()),
        order_id: m.order.map(|o| o.id.to_string()),
        channel: m.channel.as_str().into(),
        status: TicketStatus::Open.as_str().into(),
        category: suggestion.category.as_str().into(),
        priority: Priority::Normal.as_str().into(),
        category_because: serde_json::to_string(&suggestion.because)
            .map_err(|e| AppError::Internal(e.to_string()))?,
        subject: subject.chars().take(120).collect(),
        buyer_name: if m.buyer_name.is_empty() { m.buyer_email.clone() } else { m.buyer_name.clone() },
        buyer_email: m.buyer_email.clone(),
        language: language_of(&m.text, m.order),
        first_response_due: Some(clock(targets.first_response_minutes)?),
        first_responded_at: None,
        resolution_due: Some(clock(targets.resolution_minutes)?),
        solved_at: None,
        created_at: now.0,
        updated_at: now.0,
        reply_address: m.reply_address.clone(),
        buyer_phone: m.chat.as_ref().map(|(phone, _)| phone.clone()),
        connection_id: m.chat.as_ref().map(|(_, connection)| connection.clone()).or(m.connection.clone()),
        request_id: None,
        escalated_at: None,
        escalation_reason: None,
        assignee_id: None,
        promised_at: None,
        promise_note: None,
    })
}

/// Keeps `m`.
pub(crate) async fn keep_inbound(app: &App, m: Inbound<'_>) -> AppResult<Kept> {
    let operator = m.operator;
    let mut conn = app.db().read().await?;
    let calendar = crate::sla::load_default(&mut conn, operator).await?.map(|c| c.calendar);
    drop(conn);
    let ticket = match &m.thread {
        Some(t) => t.clone(),
        None => new_ticket(app, &m, calendar.as_ref())?,
    };
    // Files first, outside the transaction: a blob written for a message that is then not kept
    // is only an unreferenced file under its hash.
    let mut files = Vec::with_capacity(m.attachments.len());
    for a in m.attachments {
        let sha256 =
            app.blobs()?.put(&a.bytes).map_err(|e| AppError::Internal(format!("blob store: {e}")))?;
        files.push((a, sha256));
    }
    let now = app.now();
    let message = MessageRow {
        id: app.new_uuid().to_string(),
        tenant_id: operator.to_string(),
        ticket_id: ticket.id.clone(),
        direction: "in".into(),
        channel: m.channel.as_str().into(),
        external_id: Some(m.external_id.clone()),
        author: ticket.buyer_name.clone(),
        body: m.text.clone(),
        created_at: now.0,
    };
    let mut tx = app.begin().await?;
    let locked = tickets::lock_in_tx(&mut tx, operator, &ticket.id).await?;
    let new_ticket = locked.is_none();
    match locked {
        None => tickets::insert_in_tx(&mut tx, &ticket).await?,
        Some(current) => {
            let Some(to) = transition(status_of(&current)?, TicketAction::BuyerWrites) else {
                return Err(conflict(
                    "ticket.closed",
                    "the conversation was closed just now; send the message again to open a new one",
                ));
            };
            let next =
                TicketRow { status: to.as_str().into(), solved_at: None, updated_at: now.0, ..current };
            tickets::update_in_tx(&mut tx, &next).await?;
        }
    }
    if let Some(earlier) = tickets::insert_message_once_in_tx(&mut tx, &message).await? {
        // Delivered twice at once: the first one stands, this one keeps nothing.
        drop(tx);
        return Ok(Kept { ticket_id: earlier.ticket_id, message_id: earlier.id, duplicate: true });
    }
    for (a, sha256) in files {
        let row = AttachmentRow {
            id: app.new_uuid().to_string(),
            tenant_id: operator.to_string(),
            message_id: message.id.clone(),
            file_name: a.file_name.chars().take(200).collect(),
            content_type: a.content_type.clone(),
            sha256,
            size_bytes: a.bytes.len() as i64,
            created_at: now.0,
        };
        ticket_links::insert_attachment_in_tx(&mut tx, &row).await?;
    }
    if let Some(order) = m.order.filter(|_| new_ticket) {
        opened_on_order_in_tx(app, &mut tx, operator, order, &ticket).await?;
    }
    tx.commit().await?;
    // A new ticket is answered at once when it can be; else an e-mail is acknowledged with the
    // time of the answer.
    if new_ticket && !super::wismo::answer_automatically(app, &ticket).await && m.acknowledge {
        let mut tx = app.begin().await?;
        acknowledge_in_tx(app, &mut tx, &ticket, calendar.as_ref()).await?;
        tx.commit().await?;
    }
    Ok(Kept { ticket_id: ticket.id, message_id: message.id, duplicate: false })
}

/// `ticket_opened` on the order's timeline.
pub(crate) async fn opened_on_order_in_tx(
    app: &App,
    tx: &mut UnitOfWork,
    operator: TenantId,
    order: &OrderRow,
    ticket: &TicketRow,
) -> AppResult<()> {
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(order.merchant_id),
        data: serde_json::json!({ "ticket_id": ticket.id, "category": ticket.category }).to_string(),
        ..app.event(Actor::System, "order", order.id, "ticket_opened")
    };
    tradeport_store::events::append_in_tx(tx, operator, &event).await?;
    Ok(())
}

/// The acknowledgement of a new ticket: kept on it (it is not an answer; the clock runs on) and
/// sent by the reply job.
async fn acknowledge_in_tx(
    app: &App,
    tx: &mut UnitOfWork,
    ticket: &TicketRow,
    calendar: Option<&Calendar>,
) -> AppResult<()> {
    let operator = crate::parse_id(&ticket.tenant_id, "operator")?;
    let zone = calendar.map(|c| c.timezone.clone()).unwrap_or(jiff::tz::TimeZone::UTC);
    let by = ticket
        .first_response_due
        .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .map(|t| t.to_zoned(zone))
        .ok_or_else(|| AppError::Internal(format!("ticket {} has no first-response clock", ticket.id)))?;
    let date = crate::notifications::format_date(&ticket.language, by.date());
    let time = format!("{:02}:{:02} {}", by.hour(), by.minute(), by.time_zone().iana_name().unwrap_or("UTC"));
    let reference = &ticket.id[ticket.id.len() - 8..];
    let due = format!("{date}, {time}");
    let args = [("reference", text(reference)), ("due", text(&due))];
    let body = crate::notifications::ticket_text(&ticket.language, "ticket-ack", &args);
    let message = MessageRow {
        id: app.new_uuid().to_string(),
        tenant_id: ticket.tenant_id.clone(),
        ticket_id: ticket.id.clone(),
        direction: "auto".into(),
        channel: ticket.channel.clone(),
        external_id: None,
        author: "Tradeport".into(),
        body,
        created_at: app.now().0,
    };
    tickets::insert_message_once_in_tx(tx, &message).await?;
    reply_job::enqueue_in_tx(app, tx, operator, &message.id).await
}

/// Where a buyer's message through a connection goes: their `latest` ticket there while it still
/// takes messages (with its order), else no thread and the order `text` names among the
/// merchant's orders.
pub(crate) async fn thread_or_order(
    app: &App,
    (operator, merchant): (TenantId, TenantId),
    latest: Option<TicketRow>,
    text: &str,
) -> AppResult<(Option<TicketRow>, Option<OrderRow>)> {
    let thread =
        latest.filter(|t| status_of(t).is_ok_and(|s| transition(s, TicketAction::BuyerWrites).is_some()));
    let mut order_id = thread.as_ref().and_then(|t| t.order_id.clone());
    if thread.is_none() {
        let mut conn = app.db().read().await?;
        for reference in tradeport_domain::tickets::references_in(text) {
            if let Some((id, _)) =
                ticket_links::order_for_reference(&mut conn, operator, Some(merchant), &reference).await?
            {
                order_id = Some(id);
                break;
            }
        }
    }
    let order = match order_id {
        Some(id) => order_row(app, operator, &id).await?,
        None => None,
    };
    Ok((thread, order))
}

/// The order `id` of the operator, for a message that names it.
pub(crate) async fn order_row(app: &App, operator: TenantId, id: &str) -> AppResult<Option<OrderRow>> {
    let Ok(id) = id.parse::<OrderId>() else { return Ok(None) };
    let mut conn = app.db().read().await?;
    Ok(tradeport_store::orders::get(&mut conn, operator, None, id).await?)
}
