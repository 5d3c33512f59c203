//! Serial numbers of warehouse documents, one series per kind (`ASN`, `W`, `OB`), and of tracking
//! number ranges. The upsert takes
//! the counter row's lock (PostgreSQL) or runs under the single writer (SQLite); a rolled-back
//! document rolls its number back too, so there are no gaps.

use sqlx::AnyConnection;
use tradeport_domain::kernel::TenantId;

use crate::StoreResult;

/// The next number of `series`, formatted `SERIES-000001`.
pub async fn next_number_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    series: &str,
) -> StoreResult<String> {
    let serial = next_serial_in_tx(conn, tenant_id, series).await?;
    Ok(format!("{series}-{serial:06}"))
}

/// The next serial of `series`: 1, 2, 3 …
pub async fn next_serial_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    series: &str,
) -> StoreResult<i64> {
    let serial: i64 = sqlx::query_scalar(
        "INSERT INTO serial_counters (tenant_id, series, last_serial) VALUES ($1, $2, 1) \
         ON CONFLICT (tenant_id, series) DO UPDATE SET last_serial = serial_counters.last_serial + 1 RETURNING last_serial",
    )
    .bind(tenant_id.to_string())
    .bind(series)
    .fetch_one(conn)
    .await?;
    Ok(serial)
}
