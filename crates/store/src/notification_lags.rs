//! When buyer messages reached their channel (migration 0014), for the notification lag.

use sqlx::AnyConnection;
use tradeport_domain::kernel::{Millis, TenantId};

use crate::StoreResult;

/// Notes one delivery; a repeat of the same message on the same channel is not noted again.
pub async fn record_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    outbox_id: &str,
    channel: &str,
    event_at: Millis,
    delivered_at: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO notification_lags (tenant_id, outbox_id, channel, event_at, delivered_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, outbox_id, channel) DO NOTHING",
    )
    .bind(tenant_id.to_string())
    .bind(outbox_id)
    .bind(channel)
    .bind(event_at.0)
    .bind(delivered_at.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// The lags (delivered minus event, ms) of deliveries since `since`, the newest `limit`.
pub async fn lags_since(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    since: Millis,
    limit: i64,
) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT delivered_at - event_at FROM notification_lags WHERE tenant_id = $1 AND delivered_at >= $2 \
         ORDER BY delivered_at DESC LIMIT $3",
    )
    .bind(tenant_id.to_string())
    .bind(since.0)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// Removes deliveries noted before `before`; returns how many.
pub async fn purge_before(conn: &mut AnyConnection, before: Millis) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM notification_lags WHERE delivered_at < $1")
        .bind(before.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
