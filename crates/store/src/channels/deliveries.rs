//! Each delivery a channel made, once per delivery id, with its outcome: the dedupe of retried
//! webhooks and the log a merchant reads.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{Millis, TenantId};

use crate::StoreResult;

/// A delivery as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct DeliveryRow {
    pub id: String,
    pub connection_id: String,
    /// The channel's delivery id (`X-Shopify-Webhook-Id`), or one made from the order and its
    /// change time for polled orders.
    pub delivery_key: String,
    pub topic: String,
    /// The channel's id of the order, when the delivery named one.
    pub external_id: String,
    pub received_at: i64,
    pub outcome: String,
    pub order_id: Option<String>,
    pub detail: String,
    pub finished_at: Option<i64>,
}

const COLUMNS: &str = "id, connection_id, delivery_key, topic, external_id, received_at, outcome, order_id, detail, finished_at";

/// Records a delivery as received, unless one with its key was recorded already: then that one
/// is returned, and the caller decides from its outcome whether to process it again.
pub async fn receive(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    d: &DeliveryRow,
) -> StoreResult<Option<DeliveryRow>> {
    let done = sqlx::query(
        "INSERT INTO channel_deliveries (tenant_id, id, connection_id, delivery_key, topic, external_id, received_at, \
         outcome, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '') \
         ON CONFLICT (connection_id, delivery_key) DO NOTHING",
    )
    .bind(tenant_id.to_string())
    .bind(&d.id)
    .bind(&d.connection_id)
    .bind(&d.delivery_key)
    .bind(&d.topic)
    .bind(&d.external_id)
    .bind(d.received_at)
    .bind(&d.outcome)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(None);
    }
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM channel_deliveries WHERE connection_id = $1 AND delivery_key = $2"
    )))
    .bind(&d.connection_id)
    .bind(&d.delivery_key)
    .fetch_optional(conn)
    .await?)
}

/// How a delivery ended.
#[derive(Clone, Copy, Debug)]
pub struct Outcome<'a> {
    pub outcome: &'a str,
    /// The channel's id of the order; empty when the delivery named none.
    pub external_id: &'a str,
    pub order_id: Option<&'a str>,
    pub detail: &'a str,
}

/// Records how a delivery ended.
pub async fn finish(
    conn: &mut AnyConnection,
    connection_id: &str,
    delivery_key: &str,
    o: &Outcome<'_>,
    at: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE channel_deliveries SET outcome = $3, order_id = $4, detail = $5, finished_at = $6, \
         external_id = COALESCE(NULLIF($7, ''), external_id) WHERE connection_id = $1 AND delivery_key = $2",
    )
    .bind(connection_id)
    .bind(delivery_key)
    .bind(o.outcome)
    .bind(o.order_id)
    .bind(o.detail)
    .bind(at.0)
    .bind(o.external_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A connection's deliveries waiting for the channel (outcome `waiting`), the least recently
/// looked at first (each look finishes the record again), so none is starved by others.
pub async fn waiting(
    conn: &mut AnyConnection,
    connection_id: &str,
    limit: i64,
) -> StoreResult<Vec<DeliveryRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM channel_deliveries WHERE connection_id = $1 AND outcome = 'waiting' \
         ORDER BY finished_at, id LIMIT $2"
    )))
    .bind(connection_id)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// A connection's latest deliveries, newest first.
pub async fn recent(
    conn: &mut AnyConnection,
    connection_id: &str,
    limit: i64,
) -> StoreResult<Vec<DeliveryRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM channel_deliveries WHERE connection_id = $1 ORDER BY received_at DESC, id DESC LIMIT $2"
    )))
    .bind(connection_id)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}
