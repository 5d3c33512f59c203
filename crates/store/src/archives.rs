//! Orders' archived files (migration 0061).

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{OrderId, TenantId};

use crate::StoreResult;

/// An order's archive as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct ArchiveRow {
    pub tenant_id: String,
    pub order_id: String,
    pub merchant_id: String,
    pub order_no: String,
    /// The package's key in the blob store.
    pub package_sha256: String,
    pub package_bytes: i64,
    /// JSON of `domain::archive::Manifest`.
    pub manifest: String,
    pub archived_at: i64,
    /// When the package was deleted with the buyer's personal data (retention ended); the manifest
    /// stays as the record of what was filed.
    pub package_erased_at: Option<i64>,
}

const COLUMNS: &str = "tenant_id, order_id, merchant_id, order_no, package_sha256, package_bytes, manifest, archived_at, \
     package_erased_at";

/// Files the archive; `false` when the order was archived already (by another worker).
pub async fn insert_in_tx(conn: &mut AnyConnection, a: &ArchiveRow) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO order_archives (tenant_id, order_id, merchant_id, order_no, package_sha256, package_bytes, \
         manifest, archived_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (order_id) DO NOTHING",
    )
    .bind(&a.tenant_id)
    .bind(&a.order_id)
    .bind(&a.merchant_id)
    .bind(&a.order_no)
    .bind(&a.package_sha256)
    .bind(a.package_bytes)
    .bind(&a.manifest)
    .bind(a.archived_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The archive of order `id` of the operator (a merchant: only its own).
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
    id: OrderId,
) -> StoreResult<Option<ArchiveRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM order_archives WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) AND order_id = $3"
    )))
    .bind(tenant_id.to_string())
    .bind(merchant.map(|m| m.to_string()).unwrap_or_default())
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?)
}

/// When order `id` was archived, if it was.
pub async fn archived_at(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: OrderId,
) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT archived_at FROM order_archives WHERE tenant_id = $1 AND order_id = $2")
        .bind(tenant_id.to_string())
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?)
}

/// Up to `limit` orders of the operator completed at or before `completed_by` and not archived,
/// after `after` in id order (a page of the sweep).
pub async fn due(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    completed_by: i64,
    after: Option<OrderId>,
    limit: i64,
) -> StoreResult<Vec<OrderId>> {
    let rows = sqlx::query(
        "SELECT o.id FROM orders o LEFT JOIN order_archives a ON a.order_id = o.id \
         WHERE o.tenant_id = $1 AND o.completed_at IS NOT NULL AND o.completed_at <= $2 AND a.order_id IS NULL \
         AND o.id > $3 ORDER BY o.id LIMIT $4",
    )
    .bind(tenant_id.to_string())
    .bind(completed_by)
    .bind(after.map(|a| a.to_string()).unwrap_or_default())
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| crate::values::id_at(r, 0, "order")).collect()
}
