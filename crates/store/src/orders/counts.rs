//! Orders per status from the maintained rollup (migration 0006): the folded totals plus the
//! changes the triggers appended since, never a scan of the orders.

use std::collections::BTreeMap;

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::TenantId;

use crate::StoreResult;

/// The query behind [`count_by_status`]; `$1` operator, `$2` merchant or ''.
const COUNTS: &str = "SELECT status, CAST(SUM(n) AS BIGINT) AS orders FROM ( \
     SELECT status, orders AS n FROM order_status_counts WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) \
     UNION ALL \
     SELECT to_status, 1 FROM order_status_changes WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) AND to_status IS NOT NULL \
     UNION ALL \
     SELECT from_status, -1 FROM order_status_changes WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) AND from_status IS NOT NULL \
   ) c GROUP BY status HAVING SUM(n) <> 0 ORDER BY status";

/// Orders per status, for the dashboard.
pub async fn count_by_status(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: Option<TenantId>,
) -> StoreResult<Vec<(String, i64)>> {
    Ok(sqlx::query_as(COUNTS)
        .bind(tenant_id.to_string())
        .bind(crate::merchant_filter(merchant_id))
        .fetch_all(conn)
        .await?)
}

/// The database's plan for [`count_by_status`], one line per step (for the test that keeps it
/// off the orders table).
pub async fn explain_count_by_status(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
) -> StoreResult<Vec<String>> {
    let postgres = crate::is_postgres(conn);
    let sql = format!("{}{COUNTS}", if postgres { "EXPLAIN " } else { "EXPLAIN QUERY PLAN " });
    let rows =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant_id.to_string()).bind("").fetch_all(conn).await?;
    crate::orders::rows::plan_lines(postgres, &rows)
}

/// One appended change.
#[derive(FromRow)]
struct Change {
    tenant_id: String,
    merchant_id: String,
    from_status: Option<String>,
    to_status: Option<String>,
}

/// Folds up to `limit` of the oldest changes into the totals, in the caller's transaction;
/// returns how many were folded. The changes are taken by one `DELETE … RETURNING`, so a change
/// committed meanwhile is either folded now or left for the next fold, never lost or counted
/// twice, and several processes may fold at once.
pub async fn fold_in_tx(conn: &mut AnyConnection, limit: u32) -> StoreResult<u64> {
    // PostgreSQL: rows another fold holds are left to it, so two folds never wait on each other.
    let skip_locked = if crate::is_postgres(conn) { " FOR UPDATE SKIP LOCKED" } else { "" };
    let sql = format!(
        "DELETE FROM order_status_changes WHERE id IN (SELECT id FROM order_status_changes ORDER BY id LIMIT $1{skip_locked}) \
         RETURNING tenant_id, merchant_id, from_status, to_status"
    );
    let changes: Vec<Change> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(i64::from(limit)).fetch_all(&mut *conn).await?;
    let mut sums: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    for c in &changes {
        let mut add = |status: &Option<String>, delta: i64| {
            if let Some(status) = status {
                *sums.entry((c.tenant_id.clone(), c.merchant_id.clone(), status.clone())).or_default() +=
                    delta;
            }
        };
        add(&c.to_status, 1);
        add(&c.from_status, -1);
    }
    for ((tenant, merchant, status), delta) in sums.into_iter().filter(|(_, d)| *d != 0) {
        sqlx::query(
            "INSERT INTO order_status_counts (tenant_id, merchant_id, status, orders) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tenant_id, merchant_id, status) DO UPDATE SET orders = order_status_counts.orders + excluded.orders",
        )
        .bind(tenant)
        .bind(merchant)
        .bind(status)
        .bind(delta)
        .execute(&mut *conn)
        .await?;
    }
    Ok(changes.len() as u64)
}
