//! What a ticket's messages connect to: the support mailboxes buyers write to, the files that came
//! with a message, and the order a reference in a message names.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::TenantId;
use tradeport_domain::tickets::Reference;

use crate::StoreResult;
use crate::sql::Sql;

/// A support mailbox as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct MailboxRow {
    /// Lower case.
    pub address: String,
    pub tenant_id: String,
    /// The merchant whose mailbox it is; `None`: the operator's own.
    pub merchant_id: Option<String>,
    pub created_at: i64,
}

/// The mailbox `address` (lower case), whoever's it is.
pub async fn mailbox(conn: &mut AnyConnection, address: &str) -> StoreResult<Option<MailboxRow>> {
    Ok(sqlx::query_as(
        "SELECT address, tenant_id, merchant_id, created_at FROM support_mailboxes WHERE address = $1",
    )
    .bind(address)
    .fetch_optional(conn)
    .await?)
}

/// The operator's mailboxes (a merchant: its own), by address.
pub async fn mailboxes(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
) -> StoreResult<Vec<MailboxRow>> {
    Ok(sqlx::query_as(
        "SELECT address, tenant_id, merchant_id, created_at FROM support_mailboxes \
         WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) ORDER BY address",
    )
    .bind(tenant_id.to_string())
    .bind(crate::merchant_filter(merchant))
    .fetch_all(conn)
    .await?)
}

pub async fn insert_mailbox(conn: &mut AnyConnection, m: &MailboxRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO support_mailboxes (address, tenant_id, merchant_id, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&m.address)
    .bind(&m.tenant_id)
    .bind(m.merchant_id.as_deref())
    .bind(m.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes the mailbox; whether there was one in the principal's reach.
pub async fn delete_mailbox(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
    address: &str,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "DELETE FROM support_mailboxes WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) AND address = $3",
    )
    .bind(tenant_id.to_string())
    .bind(crate::merchant_filter(merchant))
    .bind(address)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A canned reply in one language.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct CannedRow {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub language: String,
    pub body: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The operator's canned replies by name and language; `name` filters.
pub async fn canned_replies(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    name: Option<&str>,
) -> StoreResult<Vec<CannedRow>> {
    Ok(sqlx::query_as(
        "SELECT id, tenant_id, name, language, body, created_at, updated_at FROM canned_replies \
         WHERE tenant_id = $1 AND ($2 = '' OR name = $2) ORDER BY name, language",
    )
    .bind(tenant_id.to_string())
    .bind(name.unwrap_or_default())
    .fetch_all(conn)
    .await?)
}

/// Saves a canned reply: a new one, or new words for its name and language.
pub async fn save_canned(conn: &mut AnyConnection, c: &CannedRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO canned_replies (id, tenant_id, name, language, body, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (tenant_id, name, language) \
         DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(&c.id)
    .bind(&c.tenant_id)
    .bind(&c.name)
    .bind(&c.language)
    .bind(&c.body)
    .bind(c.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes every language of a canned reply; how many were removed.
pub async fn delete_canned(conn: &mut AnyConnection, tenant_id: TenantId, name: &str) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM canned_replies WHERE tenant_id = $1 AND name = $2")
        .bind(tenant_id.to_string())
        .bind(name)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Notes that `user_key` (called `user_name`) has ticket `ticket` open now; the others who had it
/// open since `since`, by name.
pub async fn seen_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    ticket: &str,
    (user_key, user_name): (&str, &str),
    (now, since): (i64, i64),
) -> StoreResult<Vec<String>> {
    sqlx::query(
        "INSERT INTO ticket_viewers (tenant_id, ticket_id, user_key, user_name, seen_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (ticket_id, user_key) DO UPDATE SET seen_at = excluded.seen_at, user_name = excluded.user_name",
    )
    .bind(tenant_id.to_string())
    .bind(ticket)
    .bind(user_key)
    .bind(user_name)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query_scalar(
        "SELECT user_name FROM ticket_viewers WHERE tenant_id = $1 AND ticket_id = $2 AND user_key <> $3 \
         AND seen_at >= $4 ORDER BY user_name",
    )
    .bind(tenant_id.to_string())
    .bind(ticket)
    .bind(user_key)
    .bind(since)
    .fetch_all(conn)
    .await?)
}

/// A file that came with a message.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct AttachmentRow {
    pub id: String,
    pub tenant_id: String,
    pub message_id: String,
    pub file_name: String,
    pub content_type: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub created_at: i64,
}

pub async fn insert_attachment_in_tx(conn: &mut AnyConnection, a: &AttachmentRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO ticket_attachments (id, tenant_id, message_id, file_name, content_type, sha256, size_bytes, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&a.id)
    .bind(&a.tenant_id)
    .bind(&a.message_id)
    .bind(&a.file_name)
    .bind(&a.content_type)
    .bind(&a.sha256)
    .bind(a.size_bytes)
    .bind(a.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The files of a ticket's messages, oldest first.
pub async fn attachments_of_ticket(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    ticket: &str,
) -> StoreResult<Vec<AttachmentRow>> {
    Ok(sqlx::query_as(
        "SELECT a.id, a.tenant_id, a.message_id, a.file_name, a.content_type, a.sha256, a.size_bytes, a.created_at \
         FROM ticket_attachments a JOIN ticket_messages m ON m.id = a.message_id \
         WHERE a.tenant_id = $1 AND m.ticket_id = $2 ORDER BY a.created_at, a.id",
    )
    .bind(tenant_id.to_string())
    .bind(ticket)
    .fetch_all(conn)
    .await?)
}

/// The files of tickets `ids`, in one query.
pub async fn attachments_of(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    ids: &[String],
) -> StoreResult<Vec<AttachmentRow>> {
    let mut sql = Sql::new(
        "SELECT a.id, a.tenant_id, a.message_id, a.file_name, a.content_type, a.sha256, a.size_bytes, a.created_at \
         FROM ticket_attachments a JOIN ticket_messages m ON m.id = a.message_id WHERE a.tenant_id = ",
    );
    sql.bind(tenant_id.to_string()).push(" AND m.ticket_id IN ").bind_list(ids.iter().cloned());
    sql.push(" ORDER BY a.created_at, a.id");
    let rows = sql.query().fetch_all(conn).await?;
    Ok(rows.iter().map(AttachmentRow::from_row).collect::<Result<_, _>>()?)
}

/// The order (its id and merchant) a reference names among the operator's orders (a merchant's
/// mailbox: its own); `None` when none, or when a shop's number is not one order's alone.
pub async fn order_for_reference(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
    reference: &Reference,
) -> StoreResult<Option<(String, String)>> {
    let (sql, value) = match reference {
        Reference::OrderNo(no) => (
            "SELECT id, merchant_id FROM orders WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) \
             AND order_no = $3 AND $3 = $4 LIMIT 2",
            no.as_str(),
        ),
        Reference::ChannelOrderId(id) => (
            "SELECT id, merchant_id FROM orders WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) \
             AND channel_order_id IN ($3, $4) LIMIT 2",
            id.as_str(),
        ),
        Reference::TrackingNumber(no) => (
            "SELECT o.id, o.merchant_id FROM shipments s JOIN orders o ON o.id = s.order_id \
             WHERE s.tenant_id = $1 AND ($2 = '' OR s.merchant_id = $2) AND s.tracking_no = $3 AND $3 = $4 LIMIT 2",
            no.as_str(),
        ),
    };
    // A shop's number is kept with or without its `#`.
    let bare = value.strip_prefix('#').unwrap_or(value);
    let found: Vec<(String, String)> = sqlx::query_as(sql)
        .bind(tenant_id.to_string())
        .bind(crate::merchant_filter(merchant))
        .bind(value)
        .bind(if matches!(reference, Reference::ChannelOrderId(_)) { bare } else { value })
        .fetch_all(conn)
        .await?;
    Ok(match found.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    })
}
