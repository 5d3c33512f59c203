//! The outbox: messages to the outside world (e-mail, webhooks, SMS) written in the same
//! transaction as the change they announce, so a message is sent if and only if its change
//! committed. The relay that delivers them belongs to the notifications context.

use sqlx::AnyConnection;
use tradeport_domain::kernel::{Millis, TenantId};
use uuid::Uuid;

use crate::StoreResult;

/// A message to send once the transaction commits.
#[derive(Clone, Debug)]
pub struct NewMessage<'a> {
    pub id: Uuid,
    pub merchant_id: Option<TenantId>,
    /// What happened, e.g. `order.confirmed`.
    pub topic: &'a str,
    pub subject_type: &'a str,
    pub subject_id: String,
    /// JSON object the relay renders into the channel's message.
    pub payload: String,
    pub at: Millis,
}

/// Writes a message inside the caller's transaction.
pub async fn enqueue_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    m: &NewMessage<'_>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO outbox (id, tenant_id, merchant_id, topic, subject_type, subject_id, payload, created_at, available_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(m.id.to_string())
    .bind(tenant_id.to_string())
    .bind(m.merchant_id.map(|x| x.to_string()))
    .bind(m.topic)
    .bind(m.subject_type)
    .bind(&m.subject_id)
    .bind(&m.payload)
    .bind(m.at.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// A message not yet handed to its delivery jobs.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: String,
    pub tenant_id: String,
    pub merchant_id: Option<String>,
    pub topic: String,
    pub subject_type: String,
    pub subject_id: String,
    pub payload: String,
    pub created_at: i64,
}

/// Takes up to `limit` messages not yet dispatched, oldest first, locked until the transaction
/// ends (PostgreSQL skips rows another relay holds; SQLite has one writer).
pub async fn take_undispatched_in_tx(conn: &mut AnyConnection, limit: u32) -> StoreResult<Vec<OutboxRow>> {
    let skip_locked = if crate::is_postgres(conn) { " FOR UPDATE SKIP LOCKED" } else { "" };
    let sql = format!(
        "SELECT id, tenant_id, merchant_id, topic, subject_type, subject_id, payload, created_at FROM outbox \
         WHERE delivered_at IS NULL ORDER BY created_at, id LIMIT $1{skip_locked}"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(i64::from(limit)).fetch_all(conn).await?)
}

/// Stamps messages dispatched (their delivery jobs exist, in the same transaction), in one
/// statement.
pub async fn mark_many_dispatched_in_tx(
    conn: &mut AnyConnection,
    ids: &[&str],
    now: Millis,
) -> StoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut sql = crate::sql::Sql::new("UPDATE outbox SET delivered_at = ");
    sql.bind(now.0)
        .push(", attempts = attempts + 1 WHERE id IN ")
        .bind_list(ids.iter().map(|id| id.to_string()));
    sql.query().execute(conn).await?;
    Ok(())
}

/// One message by id, dispatched or not (a webhook delivery reads what it sends).
pub async fn get(conn: &mut AnyConnection, tenant_id: TenantId, id: &str) -> StoreResult<Option<OutboxRow>> {
    Ok(sqlx::query_as(
        "SELECT id, tenant_id, merchant_id, topic, subject_type, subject_id, payload, created_at FROM outbox \
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant_id.to_string())
    .bind(id)
    .fetch_optional(conn)
    .await?)
}
