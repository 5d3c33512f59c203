//! Tickets as agents and buyers see them: agents the queue and each ticket with its whole
//! conversation and clocks; the buyer, on the tracking page, their order's tickets without the
//! agents' internal notes.

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::FieldErrors;
use tradeport_domain::kernel::Millis;
use tradeport_domain::tickets::{Category, Priority, TicketChannel, TicketStatus};
use tradeport_store::AnyConnection;
use tradeport_store::ticket_links::{self, AttachmentRow};
use tradeport_store::tickets::{self, MessageRow, TicketFilter, TicketRow};

use super::status_of;
use crate::{App, AppError, AppResult};

/// One message of a ticket.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TicketMessageView {
    pub id: String,
    /// `in` (the buyer), `out` (an answer), `auto` (the product's acknowledgement), `note`
    /// (internal; agents only).
    pub direction: String,
    pub channel: String,
    pub author: String,
    pub body: String,
    pub created_at: i64,
    /// Files that came with it (`GET /api/v1/tickets/{id}/attachments/{attachment}` gives one).
    pub attachments: Vec<AttachmentView>,
}

/// A file that came with a message.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AttachmentView {
    pub id: String,
    pub file_name: String,
    pub content_type: String,
    pub sha256: String,
    pub size_bytes: i64,
}

/// A ticket.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TicketView {
    pub id: String,
    pub merchant_id: Option<String>,
    pub order_id: Option<String>,
    pub channel: String,
    pub status: TicketStatus,
    pub category: Category,
    /// What suggested the category (the words found, a fact of the order).
    pub category_because: Vec<String>,
    pub priority: Priority,
    pub subject: String,
    pub buyer_name: String,
    pub language: String,
    /// When the first answer is due, and when it was given (epoch ms).
    pub first_response_due: Option<i64>,
    pub first_responded_at: Option<i64>,
    /// The first answer is late: due and not given by now (or given after it was due).
    pub first_response_overdue: bool,
    pub resolution_due: Option<i64>,
    pub solved_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The after-sales request filed from the ticket.
    pub request_id: Option<String>,
    /// When and why it last went up to a supervisor, and for how many minutes it has waited
    /// there (while escalated).
    pub escalated_at: Option<i64>,
    pub escalation_reason: Option<String>,
    pub escalated_minutes: Option<i64>,
    /// The agent (user id) it is assigned to.
    pub assignee_id: Option<String>,
    /// The answer promised to the buyer by then (epoch ms), and what is to be found out.
    pub promised_at: Option<i64>,
    pub promise_note: Option<String>,
    pub messages: Vec<TicketMessageView>,
}

/// `t` as shown at `now`, with its messages (`notes`: the internal ones too).
pub(crate) async fn view_of(
    conn: &mut AnyConnection,
    t: &TicketRow,
    notes: bool,
    now: Millis,
) -> AppResult<TicketView> {
    let operator = crate::parse_id(&t.tenant_id, "operator")?;
    let messages = tickets::messages(conn, operator, &t.id).await?;
    let files = ticket_links::attachments_of_ticket(conn, operator, &t.id).await?;
    shown(t, (&messages, &files), notes, now)
}

/// `t` as shown at `now`, its messages and their files taken from `all` (`notes`: the internal
/// ones too).
fn shown(
    t: &TicketRow,
    (all, files): (&[MessageRow], &[AttachmentRow]),
    notes: bool,
    now: Millis,
) -> AppResult<TicketView> {
    let corrupt = |what: &str| AppError::Internal(format!("stored ticket {} has an unknown {what}", t.id));
    let messages = all
        .iter()
        .filter(|m| m.ticket_id == t.id && (notes || m.direction != "note"))
        .map(|m| TicketMessageView {
            id: m.id.clone(),
            direction: m.direction.clone(),
            channel: m.channel.clone(),
            author: m.author.clone(),
            body: m.body.clone(),
            created_at: m.created_at,
            attachments: files
                .iter()
                .filter(|a| a.message_id == m.id)
                .map(|a| AttachmentView {
                    id: a.id.clone(),
                    file_name: a.file_name.clone(),
                    content_type: a.content_type.clone(),
                    sha256: a.sha256.clone(),
                    size_bytes: a.size_bytes,
                })
                .collect(),
        })
        .collect();
    let overdue = match (t.first_response_due, t.first_responded_at) {
        (Some(due), Some(at)) => at > due,
        (Some(due), None) => now.0 > due && status_of(t)?.is_active(),
        _ => false,
    };
    // What the buyer sees leaves out the agents' side: why it went up, to whom, the request.
    let internal = |v: Option<String>| v.filter(|_| notes);
    Ok(TicketView {
        id: t.id.clone(),
        merchant_id: t.merchant_id.clone(),
        order_id: t.order_id.clone(),
        channel: t.channel.clone(),
        status: status_of(t)?,
        category: Category::parse(&t.category).ok_or_else(|| corrupt("category"))?,
        category_because: if notes {
            serde_json::from_str(&t.category_because).unwrap_or_default()
        } else {
            Vec::new()
        },
        priority: Priority::parse(&t.priority).ok_or_else(|| corrupt("priority"))?,
        subject: t.subject.clone(),
        buyer_name: t.buyer_name.clone(),
        language: t.language.clone(),
        first_response_due: t.first_response_due,
        first_responded_at: t.first_responded_at,
        first_response_overdue: overdue,
        resolution_due: t.resolution_due,
        solved_at: t.solved_at,
        created_at: t.created_at,
        updated_at: t.updated_at,
        request_id: internal(t.request_id.clone()),
        escalated_at: t.escalated_at.filter(|_| notes),
        escalation_reason: internal(t.escalation_reason.clone()),
        escalated_minutes: t
            .escalated_at
            .filter(|_| notes && status_of(t).is_ok_and(|s| s == TicketStatus::Escalated))
            .map(|at| (now.0 - at).max(0) / 60_000),
        assignee_id: internal(t.assignee_id.clone()),
        promised_at: t.promised_at,
        promise_note: internal(t.promise_note.clone()),
        messages,
    })
}

/// Which tickets the list shows; empty fields do not filter.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct TicketQuery {
    /// `open`, `pending`, `escalated`, `solved` or `closed`.
    pub status: Option<String>,
    /// `mine` (assigned to me), `unassigned`, `overdue` (a clock passed, still needing an agent),
    /// `escalated` or `all`.
    pub view: Option<String>,
    pub category: Option<String>,
    /// `email`, `marketplace`, `chat`, `web_form` or `phone`.
    pub channel: Option<String>,
    /// Words in the subject, the buyer's name or e-mail, or any message.
    pub q: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The principal's tickets (a merchant: its own) that pass `q`, newest first, at most 200.
pub async fn list_tickets(app: &App, principal: &Principal, q: &TicketQuery) -> AppResult<Vec<TicketView>> {
    principal.require(Permission::AnswerTickets)?;
    let mut e = FieldErrors::new();
    let status = given(&q.status).map(|s| TicketStatus::parse(s).map(TicketStatus::as_str));
    if status == Some(None) {
        e.add("status", "invalid", "status is open, pending, escalated, solved or closed");
    }
    let category = given(&q.category).map(|c| Category::parse(c).map(Category::as_str));
    if category == Some(None) {
        e.add("category", "invalid", "category is one of the standard categories, e.g. order_status");
    }
    let channel = given(&q.channel).map(|c| TicketChannel::parse(c).map(TicketChannel::as_str));
    if channel == Some(None) {
        e.add("channel", "invalid", "channel is email, marketplace, chat, web_form or phone");
    }
    let me = match principal.actor {
        tradeport_domain::access::Actor::User(id) => id.to_string(),
        _ => String::new(),
    };
    let mut f = TicketFilter {
        merchant: principal.scope.merchant_id,
        status: status.flatten(),
        category: category.flatten(),
        channel: channel.flatten(),
        text: given(&q.q),
        ..TicketFilter::default()
    };
    match given(&q.view).unwrap_or("all") {
        "all" => {}
        "mine" => f.assignee = Some(&me),
        "unassigned" => f.unassigned = true,
        "overdue" => f.overdue_at = Some(app.now().0),
        "escalated" => f.status = Some(TicketStatus::Escalated.as_str()),
        _ => e.add("view", "invalid", "view is mine, unassigned, overdue, escalated or all"),
    }
    if !e.is_empty() {
        return Err(AppError::Invalid(e.into_vec()));
    }
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let rows = tickets::list(&mut conn, operator, &f, 200).await?;
    let ids: Vec<String> = rows.iter().map(|t| t.id.clone()).collect();
    let messages = tickets::messages_of(&mut conn, operator, &ids).await?;
    let files = ticket_links::attachments_of(&mut conn, operator, &ids).await?;
    rows.iter().map(|t| shown(t, (&messages, &files), true, app.now())).collect()
}

/// One ticket with its whole conversation.
pub async fn ticket_detail(app: &App, principal: &Principal, id: &str) -> AppResult<TicketView> {
    principal.require(Permission::AnswerTickets)?;
    let mut conn = app.db().read().await?;
    let t = tickets::get(&mut conn, principal.scope.operator_id, principal.scope.merchant_id, id.trim())
        .await?
        .ok_or(AppError::NotFound("ticket"))?;
    view_of(&mut conn, &t, true, app.now()).await
}

/// The tickets of the order a tracking page shows, without the agents' internal notes.
pub async fn buyer_tickets(app: &App, token: &str) -> AppResult<Vec<TicketView>> {
    let (operator, order) = crate::shipping::tracking_target(app, token).await?;
    let mut conn = app.db().read().await?;
    let rows = tickets::of_order(&mut conn, operator, order).await?;
    let mut out = Vec::with_capacity(rows.len());
    for t in &rows {
        out.push(view_of(&mut conn, t, false, app.now()).await?);
    }
    Ok(out)
}

/// A file of a ticket, to download.
#[derive(Clone, Debug)]
pub struct AttachmentFile {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The file `attachment` of the principal's ticket `id`.
pub async fn ticket_attachment(
    app: &App,
    principal: &Principal,
    id: &str,
    attachment: &str,
) -> AppResult<AttachmentFile> {
    principal.require(Permission::AnswerTickets)?;
    let (operator, merchant) = (principal.scope.operator_id, principal.scope.merchant_id);
    let mut conn = app.db().read().await?;
    let t =
        tickets::get(&mut conn, operator, merchant, id.trim()).await?.ok_or(AppError::NotFound("ticket"))?;
    let files = ticket_links::attachments_of_ticket(&mut conn, operator, &t.id).await?;
    drop(conn);
    let a = files.into_iter().find(|a| a.id == attachment.trim()).ok_or(AppError::NotFound("attachment"))?;
    let bytes =
        app.blobs()?.get(&a.sha256).map_err(|e| AppError::Internal(format!("blob store: {e}")))?.ok_or_else(
            || AppError::Internal(format!("the file {} of ticket {} is missing", a.sha256, t.id)),
        )?;
    Ok(AttachmentFile { file_name: a.file_name, content_type: a.content_type, bytes })
}

/// How long an open ticket page counts as someone on the ticket.
const VIEWING_MS: i64 = 60_000;

/// Notes that the principal has ticket `id` open; the others who have it open (the collision
/// warning), by name.
pub async fn viewing_ticket(app: &App, principal: &Principal, id: &str) -> AppResult<Vec<String>> {
    principal.require(Permission::AnswerTickets)?;
    let (operator, merchant) = (principal.scope.operator_id, principal.scope.merchant_id);
    let mut conn = app.db().read().await?;
    let t =
        tickets::get(&mut conn, operator, merchant, id.trim()).await?.ok_or(AppError::NotFound("ticket"))?;
    drop(conn);
    let name = super::canned::agent_name(app, principal).await?;
    let key = crate::words::actor_text(principal.actor);
    let now = app.now().0;
    let mut tx = app.begin().await?;
    let others =
        ticket_links::seen_in_tx(&mut tx, operator, &t.id, (&key, &name), (now, now - VIEWING_MS)).await?;
    tx.commit().await?;
    Ok(others)
}
