//! The newest change of each channel order taken in (migration 0060).

use sqlx::AnyConnection;
use tradeport_domain::kernel::TenantId;

use crate::StoreResult;

/// Claims change `changed_at` (UTC, milliseconds) of order `external_id` of connection
/// `connection_id` (`cancelled`: the change cancels the order): `true` when it is as new as any
/// taken before (it is now the newest), `false` when a newer change was taken already. One
/// statement, so two deliveries racing cannot both claim past a newer one.
pub async fn claim_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    (connection_id, external_id): (&str, &str),
    changed_at: &str,
    cancelled: bool,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO channel_order_versions (tenant_id, connection_id, external_id, changed_at, cancelled) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (connection_id, external_id) \
         DO UPDATE SET changed_at = excluded.changed_at, cancelled = excluded.cancelled \
         WHERE channel_order_versions.changed_at <= excluded.changed_at",
    )
    .bind(tenant_id.to_string())
    .bind(connection_id)
    .bind(external_id)
    .bind(changed_at)
    .bind(i64::from(cancelled))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The newest change claimed for order `external_id` of connection `connection_id`: its time and
/// whether it cancelled the order.
pub async fn newest(
    conn: &mut AnyConnection,
    (connection_id, external_id): (&str, &str),
) -> StoreResult<Option<(String, bool)>> {
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT changed_at, cancelled FROM channel_order_versions WHERE connection_id = $1 AND external_id = $2",
    )
    .bind(connection_id)
    .bind(external_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(at, cancelled)| (at, cancelled != 0)))
}
