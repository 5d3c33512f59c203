//! Completion of orders (DONE-1): the orders that may be completed, and recording it once.

use sqlx::AnyConnection;
use tradeport_domain::kernel::{Millis, OrderId, TenantId};

use crate::StoreResult;
use crate::values::id_at;

/// Orders not yet completed that have left or were cancelled, a page at a time in id order
/// (after `after`), so every one is looked at however many are not yet due.
pub async fn candidates(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    after: Option<OrderId>,
    limit: i64,
) -> StoreResult<Vec<OrderId>> {
    let rows = sqlx::query(
        "SELECT id FROM orders WHERE tenant_id = $1 AND completed_at IS NULL AND status IN ('handed_over', 'cancelled') \
         AND id > $2 ORDER BY id LIMIT $3",
    )
    .bind(tenant_id.to_string())
    .bind(after.map(|a| a.to_string()).unwrap_or_default())
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| id_at(r, 0, "order")).collect()
}

/// Records the completion once; false when it was recorded before.
pub async fn mark_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: OrderId,
    now: Millis,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE orders SET completed_at = $1 WHERE tenant_id = $2 AND id = $3 AND completed_at IS NULL",
    )
    .bind(now.0)
    .bind(tenant_id.to_string())
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
