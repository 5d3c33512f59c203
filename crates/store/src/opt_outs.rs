//! Buyers who opted out of notifications (migration 0012), by address: an e-mail address in
//! lower case or a phone number in E.164.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{Millis, TenantId};

use crate::StoreResult;

/// An opted-out address.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct OptOutRow {
    pub address: String,
    pub reason: String,
    pub created_at: i64,
}

/// Adds an address (again is harmless).
pub async fn add_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    address: &str,
    reason: &str,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO notification_opt_outs (tenant_id, address, reason, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (tenant_id, address) DO NOTHING",
    )
    .bind(tenant_id.to_string())
    .bind(address)
    .bind(reason)
    .bind(now.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes an address; false when it was not listed.
pub async fn remove_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, address: &str) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM notification_opt_outs WHERE tenant_id = $1 AND address = $2")
        .bind(tenant_id.to_string())
        .bind(address)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Which of `addresses` (lower case) opted out of the operator's messages.
pub async fn among(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    addresses: &[String],
) -> StoreResult<std::collections::HashSet<String>> {
    if addresses.is_empty() {
        return Ok(std::collections::HashSet::new());
    }
    let mut sql = crate::sql::Sql::new("SELECT address FROM notification_opt_outs WHERE tenant_id = ");
    sql.bind(tenant_id.to_string()).push(" AND address IN ").bind_list(addresses.iter().cloned());
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(|r| Ok(sqlx::Row::try_get::<String, _>(r, "address")?)).collect()
}

/// The operator's opted-out addresses, in order.
pub async fn list(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<Vec<OptOutRow>> {
    Ok(sqlx::query_as(
        "SELECT address, reason, created_at FROM notification_opt_outs WHERE tenant_id = $1 ORDER BY address",
    )
    .bind(tenant_id.to_string())
    .fetch_all(conn)
    .await?)
}
