//! An order's payment as its payments make it: what it has received and its payment status.

use sqlx::AnyConnection;
use tradeport_domain::kernel::{Millis, OrderId, TenantId};
use tradeport_domain::orders::PaymentStatus;

use super::rows::{COLUMNS, OrderRow, from_row};
use crate::StoreResult;

/// Writes what the order has received and its payment status.
pub async fn set_payment_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: OrderId,
    paid_minor: i64,
    status: PaymentStatus,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query("UPDATE orders SET paid_minor = $1, payment_status = $2, updated_at = $3 WHERE tenant_id = $4 AND id = $5")
        .bind(paid_minor)
        .bind(status.as_str())
        .bind(now.0)
        .bind(tenant_id.to_string())
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// The merchant's order that carries the provider's payment `reference`, when one does.
pub async fn find_by_payment_reference(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: TenantId,
    reference: &str,
) -> StoreResult<Option<OrderRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM orders WHERE tenant_id = $1 AND payment_reference = $2 AND payment_reference <> '' \
         AND merchant_id = $3 ORDER BY created_at DESC LIMIT 1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(reference)
        .bind(merchant_id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}
