//! The version of an operator's configuration (migration 0069): bumped by trigger, in the writing
//! transaction, on every change to its tenants, goods rules, warehouses, calendars and merchant
//! agreements, so a process that cached them knows in one read whether they are still current.

use sqlx::AnyConnection;
use tradeport_domain::kernel::TenantId;

use crate::StoreResult;

/// The operator's configuration version (0 before its first change).
pub async fn of(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<i64> {
    let version: Option<i64> = sqlx::query_scalar("SELECT version FROM config_versions WHERE tenant_id = $1")
        .bind(tenant_id.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(version.unwrap_or(0))
}
