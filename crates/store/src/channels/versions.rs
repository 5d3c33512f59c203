//! The newest change of each channel order taken in (migration 0060).

use sqlx::AnyConnection;
use tradeport_domain::kernel::TenantId;

use crate::StoreResult;

/// Claims change `changed_at` (UTC, milliseconds) of order `external_id` of connection
/// `connection_id`: `true` when it is as new as any taken before (it is now the newest), `false`
/// when a newer change was taken already. One statement, so two deliveries racing cannot both
/// claim past a newer one.
pub async fn claim_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    connection_id: &str,
    external_id: &str,
    changed_at: &str,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO channel_order_versions (tenant_id, connection_id, external_id, changed_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (connection_id, external_id) \
         DO UPDATE SET changed_at = excluded.changed_at WHERE channel_order_versions.changed_at <= excluded.changed_at",
    )
    .bind(tenant_id.to_string())
    .bind(connection_id)
    .bind(external_id)
    .bind(changed_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
