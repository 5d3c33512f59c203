//! Customer-service tickets and their messages, as stored. A message with its channel's own id is
//! kept once however often it is delivered (`ticket_messages_external_key`).

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{OrderId, TenantId};

use crate::StoreResult;
use crate::sql::Sql;

/// A ticket as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct TicketRow {
    pub id: String,
    /// The operator.
    pub tenant_id: String,
    /// The merchant whose order it is about; `None` until one is known.
    pub merchant_id: Option<String>,
    pub order_id: Option<String>,
    /// `email`, `marketplace`, `chat`, `web_form`, `phone`.
    pub channel: String,
    /// `open`, `pending`, `escalated`, `solved`, `closed`.
    pub status: String,
    pub category: String,
    pub priority: String,
    /// JSON list of what suggested the category.
    pub category_because: String,
    pub subject: String,
    pub buyer_name: String,
    pub buyer_email: String,
    pub language: String,
    pub first_response_due: Option<i64>,
    pub first_responded_at: Option<i64>,
    pub resolution_due: Option<i64>,
    pub solved_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The support mailbox the buyer wrote to, for the answers' Reply-To.
    pub reply_address: Option<String>,
    /// A chat's buyer (their WhatsApp id) and the connection it came through.
    pub buyer_phone: Option<String>,
    pub connection_id: Option<String>,
    /// The after-sales request filed from the ticket.
    pub request_id: Option<String>,
    /// When and why it went up to a supervisor (the last time).
    pub escalated_at: Option<i64>,
    pub escalation_reason: Option<String>,
    /// The agent (user id) it is assigned to.
    pub assignee_id: Option<String>,
    /// The time promised to the buyer for an answer not given at once, and what is to be found out.
    pub promised_at: Option<i64>,
    pub promise_note: Option<String>,
}

/// A message of a ticket.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct MessageRow {
    pub id: String,
    pub tenant_id: String,
    pub ticket_id: String,
    /// `in` (the buyer), `out` (an agent's answer), `note` (internal, never shown to the buyer).
    pub direction: String,
    pub channel: String,
    /// The channel's own id of the message; `None` when it has none.
    pub external_id: Option<String>,
    /// Who wrote it: the buyer's name, or the agent's user id.
    pub author: String,
    pub body: String,
    pub created_at: i64,
}

const TICKET_COLUMNS: &str = "id, tenant_id, merchant_id, order_id, channel, status, category, priority, \
     category_because, subject, buyer_name, buyer_email, language, first_response_due, first_responded_at, \
     resolution_due, solved_at, created_at, updated_at, reply_address, buyer_phone, connection_id, request_id, escalated_at, escalation_reason, assignee_id, promised_at, promise_note";

const MESSAGE_COLUMNS: &str =
    "id, tenant_id, ticket_id, direction, channel, external_id, author, body, created_at";

pub async fn insert_in_tx(conn: &mut AnyConnection, t: &TicketRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO tickets (id, tenant_id, merchant_id, order_id, channel, status, category, priority, \
         category_because, subject, buyer_name, buyer_email, language, first_response_due, first_responded_at, \
         resolution_due, solved_at, created_at, updated_at, reply_address, buyer_phone, connection_id, request_id, \
         escalated_at, escalation_reason, assignee_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19, $20, $21, \
         $22, $23, $24, $25)",
    )
    .bind(&t.id)
    .bind(&t.tenant_id)
    .bind(t.merchant_id.as_deref())
    .bind(t.order_id.as_deref())
    .bind(&t.channel)
    .bind(&t.status)
    .bind(&t.category)
    .bind(&t.priority)
    .bind(&t.category_because)
    .bind(&t.subject)
    .bind(&t.buyer_name)
    .bind(&t.buyer_email)
    .bind(&t.language)
    .bind(t.first_response_due)
    .bind(t.first_responded_at)
    .bind(t.resolution_due)
    .bind(t.solved_at)
    .bind(t.created_at)
    .bind(t.reply_address.as_deref())
    .bind(t.buyer_phone.as_deref())
    .bind(t.connection_id.as_deref())
    .bind(t.request_id.as_deref())
    .bind(t.escalated_at)
    .bind(t.escalation_reason.as_deref())
    .bind(t.assignee_id.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

/// Keeps `m` unless a message with its channel id is kept already; the earlier one when it is.
pub async fn insert_message_once_in_tx(
    conn: &mut AnyConnection,
    m: &MessageRow,
) -> StoreResult<Option<MessageRow>> {
    let done = sqlx::query(
        "INSERT INTO ticket_messages (id, tenant_id, ticket_id, direction, channel, external_id, author, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (tenant_id, channel, external_id) DO NOTHING",
    )
    .bind(&m.id)
    .bind(&m.tenant_id)
    .bind(&m.ticket_id)
    .bind(&m.direction)
    .bind(&m.channel)
    .bind(m.external_id.as_deref())
    .bind(&m.author)
    .bind(&m.body)
    .bind(m.created_at)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(None);
    }
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {MESSAGE_COLUMNS} FROM ticket_messages WHERE tenant_id = $1 AND channel = $2 AND external_id = $3"
    )))
    .bind(&m.tenant_id)
    .bind(&m.channel)
    .bind(m.external_id.as_deref())
    .fetch_optional(conn)
    .await?)
}

/// The message a channel id names, when it is kept.
pub async fn message_by_external_id(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    channel: &str,
    external_id: &str,
) -> StoreResult<Option<MessageRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {MESSAGE_COLUMNS} FROM ticket_messages WHERE tenant_id = $1 AND channel = $2 AND external_id = $3"
    )))
    .bind(tenant_id.to_string())
    .bind(channel)
    .bind(external_id)
    .fetch_optional(conn)
    .await?)
}

/// The message `id` of the operator's tickets.
pub async fn message_by_id(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
) -> StoreResult<Option<MessageRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {MESSAGE_COLUMNS} FROM ticket_messages WHERE tenant_id = $1 AND id = $2"
    )))
    .bind(tenant_id.to_string())
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// One ticket of the operator (a merchant: only its own).
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
    id: &str,
) -> StoreResult<Option<TicketRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {TICKET_COLUMNS} FROM tickets WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) AND id = $3"
    )))
    .bind(tenant_id.to_string())
    .bind(crate::merchant_filter(merchant))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The ticket `id`, locked until the transaction ends.
pub async fn lock_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
) -> StoreResult<Option<TicketRow>> {
    let lock = crate::row_lock(conn);
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {TICKET_COLUMNS} FROM tickets WHERE tenant_id = $1 AND id = $2{lock}"
    )))
    .bind(tenant_id.to_string())
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The messages of tickets `ids`, in one query (oldest first).
pub async fn messages_of(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    ids: &[String],
) -> StoreResult<Vec<MessageRow>> {
    // By the ticket index: the tenant is checked as an expression (`|| ''`), so neither planner
    // walks the tenant's every message for it (SQLite would, for a long id list).
    let mut sql = Sql::new(format!("SELECT {MESSAGE_COLUMNS} FROM ticket_messages WHERE ticket_id IN "));
    sql.bind_list(ids.iter().cloned()).push(" AND tenant_id || '' = ").bind(tenant_id.to_string());
    sql.push(" ORDER BY created_at, id");
    let rows = sql.query().fetch_all(conn).await?;
    Ok(rows.iter().map(MessageRow::from_row).collect::<Result<_, _>>()?)
}

/// What the ticket list shows; `None` and `false` do not filter.
#[derive(Clone, Debug, Default)]
pub struct TicketFilter<'a> {
    pub merchant: Option<TenantId>,
    pub status: Option<&'a str>,
    pub assignee: Option<&'a str>,
    pub unassigned: bool,
    /// Still needing an agent with a clock past this time (epoch ms).
    pub overdue_at: Option<i64>,
    pub category: Option<&'a str>,
    pub channel: Option<&'a str>,
    /// Words in the subject, the buyer's name or address, or any message (case-insensitive).
    pub text: Option<&'a str>,
}

/// The operator's tickets that pass `f`, newest first, at most `limit`.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    f: &TicketFilter<'_>,
    limit: i64,
) -> StoreResult<Vec<TicketRow>> {
    let mut sql = Sql::new(format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE tenant_id = "));
    sql.bind(tenant_id.to_string());
    if let Some(m) = f.merchant {
        sql.push(" AND merchant_id = ").bind(m.to_string());
    }
    for (column, value) in
        [("status", f.status), ("assignee_id", f.assignee), ("category", f.category), ("channel", f.channel)]
    {
        if let Some(v) = value {
            sql.push(&format!(" AND {column} = ")).bind(v);
        }
    }
    if f.unassigned {
        sql.push(" AND assignee_id IS NULL");
    }
    if let Some(now) = f.overdue_at {
        // A clock passed while it needs an agent, or a promise to the buyer passed unkept.
        sql.push(" AND ((status IN ('open', 'escalated') AND ((first_responded_at IS NULL AND first_response_due < ")
            .bind(now)
            .push(") OR resolution_due < ")
            .bind(now)
            .push(")) OR (status IN ('open', 'pending', 'escalated') AND promised_at < ")
            .bind(now)
            .push("))");
    }
    if let Some(text) = f.text.map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()) {
        // The trigram indexes: FTS5 on SQLite (a phrase of 3 or more characters), pg_trgm on
        // PostgreSQL (whose planner reads the index for the LIKE); shorter words scan.
        if !crate::is_postgres(conn) && text.chars().count() >= 3 {
            let phrase = format!("\"{}\"", text.replace('"', "\"\""));
            sql.push(" AND (rowid IN (SELECT rowid FROM tickets_search WHERE tickets_search MATCH ")
                .bind(phrase.clone());
            sql.push(") OR id IN (SELECT ticket_id FROM ticket_messages WHERE rowid IN ");
            sql.push("(SELECT rowid FROM ticket_messages_search WHERE ticket_messages_search MATCH ")
                .bind(phrase);
            sql.push(")))");
        } else {
            let like = format!("%{}%", crate::orders::rows::escape_like(&text));
            // One set of matching ids (each side by its own index), then the tickets by id: an OR
            // across the two would walk every ticket.
            sql.push(" AND id IN (SELECT id FROM tickets WHERE tenant_id = ").bind(tenant_id.to_string());
            sql.push(" AND search_text LIKE ").bind(like.clone()).push(" ESCAPE '\\'");
            sql.push(" UNION SELECT ticket_id FROM ticket_messages WHERE tenant_id = ")
                .bind(tenant_id.to_string());
            sql.push(" AND search_text LIKE ").bind(like).push(" ESCAPE '\\')");
        }
    }
    sql.push(" ORDER BY created_at DESC, id DESC LIMIT ").bind(limit);
    let rows = sql.query().fetch_all(conn).await?;
    Ok(rows.iter().map(TicketRow::from_row).collect::<Result<_, _>>()?)
}

/// The tickets about an order, oldest first.
pub async fn of_order(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order: OrderId,
) -> StoreResult<Vec<TicketRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {TICKET_COLUMNS} FROM tickets WHERE tenant_id = $1 AND order_id = $2 ORDER BY created_at, id"
    )))
    .bind(tenant_id.to_string())
    .bind(order.to_string())
    .fetch_all(conn)
    .await?)
}

/// The latest ticket of a chat buyer through one connection.
pub async fn latest_of_chat(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    connection_id: &str,
    buyer_phone: &str,
) -> StoreResult<Option<TicketRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {TICKET_COLUMNS} FROM tickets WHERE tenant_id = $1 AND buyer_phone = $2 AND connection_id = $3 \
         ORDER BY created_at DESC, id DESC LIMIT 1"
    )))
    .bind(tenant_id.to_string())
    .bind(buyer_phone)
    .bind(connection_id)
    .fetch_optional(conn)
    .await?)
}

/// The latest ticket of a marketplace buyer (their user id there) through one connection.
pub async fn latest_of_marketplace_buyer(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    connection_id: &str,
    buyer: &str,
) -> StoreResult<Option<TicketRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {TICKET_COLUMNS} FROM tickets WHERE tenant_id = $1 AND buyer_name = $2 AND connection_id = $3 \
         AND buyer_phone IS NULL ORDER BY created_at DESC, id DESC LIMIT 1"
    )))
    .bind(tenant_id.to_string())
    .bind(buyer)
    .bind(connection_id)
    .fetch_optional(conn)
    .await?)
}

/// The tickets an after-sales request was filed from, locked until the transaction ends.
pub async fn of_request_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    request_id: &str,
) -> StoreResult<Vec<TicketRow>> {
    let lock = crate::row_lock(conn);
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {TICKET_COLUMNS} FROM tickets WHERE tenant_id = $1 AND request_id = $2 ORDER BY created_at, id{lock}"
    )))
    .bind(tenant_id.to_string())
    .bind(request_id)
    .fetch_all(conn)
    .await?)
}

/// A ticket's messages, oldest first.
pub async fn messages(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    ticket: &str,
) -> StoreResult<Vec<MessageRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {MESSAGE_COLUMNS} FROM ticket_messages WHERE tenant_id = $1 AND ticket_id = $2 ORDER BY created_at, id"
    )))
    .bind(tenant_id.to_string())
    .bind(ticket)
    .fetch_all(conn)
    .await?)
}

/// Writes a ticket's state and clocks.
pub async fn update_in_tx(conn: &mut AnyConnection, t: &TicketRow) -> StoreResult<()> {
    sqlx::query(
        "UPDATE tickets SET status = $3, category = $4, priority = $5, first_responded_at = $6, solved_at = $7, \
         updated_at = $8, request_id = $9, escalated_at = $10, escalation_reason = $11, assignee_id = $12, \
         order_id = $13, merchant_id = $14, category_because = $15, promised_at = $16, promise_note = $17 \
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(&t.tenant_id)
    .bind(&t.id)
    .bind(&t.status)
    .bind(&t.category)
    .bind(&t.priority)
    .bind(t.first_responded_at)
    .bind(t.solved_at)
    .bind(t.updated_at)
    .bind(t.request_id.as_deref())
    .bind(t.escalated_at)
    .bind(t.escalation_reason.as_deref())
    .bind(t.assignee_id.as_deref())
    .bind(t.order_id.as_deref())
    .bind(t.merchant_id.as_deref())
    .bind(&t.category_because)
    .bind(t.promised_at)
    .bind(t.promise_note.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}
