//! Which warehouses a staff user works in.

use sqlx::AnyConnection;
use tradeport_domain::kernel::{TenantId, UserId, WarehouseId};

use crate::StoreResult;
use crate::values::id_at;

/// The warehouses a user is limited to; empty when the user works in all of them.
pub async fn of_user(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    user_id: UserId,
) -> StoreResult<Vec<WarehouseId>> {
    let rows = sqlx::query("SELECT warehouse_id FROM user_warehouses WHERE tenant_id = $1 AND user_id = $2 ORDER BY warehouse_id")
        .bind(tenant_id.to_string())
        .bind(user_id.to_string())
        .fetch_all(conn)
        .await?;
    rows.iter().map(|r| id_at(r, 0, "warehouse")).collect()
}

/// Replaces a user's warehouses (none: all).
pub async fn replace_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    user_id: UserId,
    warehouses: &[WarehouseId],
) -> StoreResult<()> {
    sqlx::query("DELETE FROM user_warehouses WHERE tenant_id = $1 AND user_id = $2")
        .bind(tenant_id.to_string())
        .bind(user_id.to_string())
        .execute(&mut *conn)
        .await?;
    for w in warehouses {
        sqlx::query("INSERT INTO user_warehouses (tenant_id, user_id, warehouse_id) VALUES ($1, $2, $3)")
            .bind(tenant_id.to_string())
            .bind(user_id.to_string())
            .bind(w.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
