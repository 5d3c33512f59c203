//! Safety-stock thresholds (INV-5) and the one-alert-per-crossing flag.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::{Millis, SkuId, TenantId, WarehouseId};

use crate::StoreResult;
use crate::values::id_at;

/// Sets (or, with 0, clears) a threshold; the alert is armed again.
pub async fn upsert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: TenantId,
    sku_id: SkuId,
    warehouse_id: WarehouseId,
    threshold: i64,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO safety_stock (tenant_id, merchant_id, sku_id, warehouse_id, threshold, alerted, updated_at) VALUES ($1, $2, $3, $4, $5, 0, $6) \
         ON CONFLICT (sku_id, warehouse_id) DO UPDATE SET threshold = excluded.threshold, alerted = 0, updated_at = excluded.updated_at",
    )
    .bind(tenant_id.to_string())
    .bind(merchant_id.to_string())
    .bind(sku_id.to_string())
    .bind(warehouse_id.to_string())
    .bind(threshold)
    .bind(now.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// A threshold with the stock it watches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Watched {
    pub tenant_id: TenantId,
    pub merchant_id: TenantId,
    pub sku_id: SkuId,
    pub sku: String,
    pub warehouse_id: WarehouseId,
    pub warehouse_code: String,
    pub threshold: i64,
    pub available: i64,
    pub alerted: bool,
}

/// Thresholds whose alert state is wrong: below and not alerted yet, or back above and still
/// alerted (across every operator, for the background check); `tenant` limits it to one.
pub async fn crossings(conn: &mut AnyConnection, tenant: Option<TenantId>) -> StoreResult<Vec<Watched>> {
    let mut sql = crate::sql::Sql::new(
        "SELECT t.tenant_id, t.merchant_id, t.sku_id, s.sku, t.warehouse_id, w.code, t.threshold, \
         COALESCE(b.on_hand - b.reserved, 0), t.alerted FROM safety_stock t JOIN skus s ON s.id = t.sku_id \
         JOIN warehouses w ON w.id = t.warehouse_id \
         LEFT JOIN stock_balances b ON b.sku_id = t.sku_id AND b.warehouse_id = t.warehouse_id \
         WHERE t.threshold > 0 AND ((COALESCE(b.on_hand - b.reserved, 0) < t.threshold AND t.alerted = 0) \
            OR (COALESCE(b.on_hand - b.reserved, 0) >= t.threshold AND t.alerted = 1))",
    );
    if let Some(t) = tenant {
        sql.push(" AND t.tenant_id = ").bind(t.to_string());
    }
    sql.push(" ORDER BY t.tenant_id, s.sku");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok(Watched {
                tenant_id: id_at(r, 0, "tenant")?,
                merchant_id: id_at(r, 1, "merchant")?,
                sku_id: id_at(r, 2, "SKU")?,
                sku: r.try_get(3)?,
                warehouse_id: id_at(r, 4, "warehouse")?,
                warehouse_code: r.try_get(5)?,
                threshold: r.try_get(6)?,
                available: r.try_get(7)?,
                alerted: r.try_get::<i64, _>(8)? != 0,
            })
        })
        .collect()
}

/// Flips the alert flag if it is still `from`; true when this call flipped it (so one process
/// raises the alert once).
pub async fn flip_in_tx(
    conn: &mut AnyConnection,
    sku_id: SkuId,
    warehouse_id: WarehouseId,
    from: bool,
    now: Millis,
) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE safety_stock SET alerted = $1, updated_at = $2 WHERE sku_id = $3 AND warehouse_id = $4 AND alerted = $5")
        .bind(i64::from(!from))
        .bind(now.0)
        .bind(sku_id.to_string())
        .bind(warehouse_id.to_string())
        .bind(i64::from(from))
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
