//! Daily order-number serials. The upsert takes the counter row's lock (PostgreSQL) or runs under
//! the single writer (SQLite), so concurrent confirmations get consecutive serials; a rolled-back
//! confirmation rolls its increment back too, so there are no gaps.

use sqlx::AnyConnection;
use tradeport_domain::kernel::TenantId;

use crate::StoreResult;

/// The next serial of `day` for the operator.
pub async fn next_serial_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, day: &str) -> StoreResult<i64> {
    let serial: i64 = sqlx::query_scalar(
        "INSERT INTO order_number_counters (tenant_id, day, last_serial) VALUES ($1, $2, 1) \
         ON CONFLICT (tenant_id, day) DO UPDATE SET last_serial = order_number_counters.last_serial + 1 RETURNING last_serial",
    )
    .bind(tenant_id.to_string())
    .bind(day)
    .fetch_one(conn)
    .await?;
    Ok(serial)
}

/// Takes `count` serials of `day` at once (numbers for orders written in bulk); the first of them.
pub async fn take_serials_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    day: &str,
    count: i64,
) -> StoreResult<i64> {
    let last: i64 = sqlx::query_scalar(
        "INSERT INTO order_number_counters (tenant_id, day, last_serial) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id, day) DO UPDATE SET last_serial = order_number_counters.last_serial + $3 RETURNING last_serial",
    )
    .bind(tenant_id.to_string())
    .bind(day)
    .bind(count)
    .fetch_one(conn)
    .await?;
    Ok(last - count + 1)
}
