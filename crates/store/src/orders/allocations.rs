//! Where an order's units are reserved, or that they are backordered.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::{Millis, OrderId, SkuId, TenantId, WarehouseId};

use crate::StoreResult;
use crate::sql::Sql;
use crate::values::{id_at, opt_id_at};

/// One allocation: `quantity` units of a line reserved at a warehouse, or backordered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllocationRow {
    pub line_no: u32,
    pub sku_id: SkuId,
    pub warehouse_id: Option<WarehouseId>,
    pub quantity: i64,
}

/// Records allocations.
pub async fn insert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order_id: OrderId,
    ids: &[String],
    rows: &[AllocationRow],
    now: Millis,
) -> StoreResult<()> {
    let rows: Vec<_> = ids.iter().zip(rows).map(|(id, a)| (id.clone(), order_id, a.clone(), now)).collect();
    super::bulk::insert_allocations_in_tx(conn, tenant_id, &rows).await
}

/// The allocations of an order.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order_id: OrderId,
) -> StoreResult<Vec<AllocationRow>> {
    let rows = sqlx::query(
        "SELECT line_no, sku_id, warehouse_id, quantity FROM order_allocations WHERE tenant_id = $1 AND order_id = $2 ORDER BY line_no, id",
    )
    .bind(tenant_id.to_string())
    .bind(order_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AllocationRow {
                line_no: r.try_get::<i64, _>(0)? as u32,
                sku_id: id_at(r, 1, "SKU")?,
                warehouse_id: opt_id_at(r, 2, "warehouse")?,
                quantity: r.try_get(3)?,
            })
        })
        .collect()
}

/// Removes an order's allocations (after its stock was released).
pub async fn delete_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order_id: OrderId,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM order_allocations WHERE tenant_id = $1 AND order_id = $2")
        .bind(tenant_id.to_string())
        .bind(order_id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes `qty` units off the allocation of a line at a warehouse, deleting it when none are left;
/// false when it holds fewer.
pub async fn reduce_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order_id: OrderId,
    line_no: u32,
    warehouse_id: WarehouseId,
    qty: i64,
) -> StoreResult<bool> {
    let scope = "tenant_id = $2 AND order_id = $3 AND line_no = $4 AND warehouse_id = $5";
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE order_allocations SET quantity = quantity - $1 WHERE {scope} AND quantity >= $1"
    )))
    .bind(qty)
    .bind(tenant_id.to_string())
    .bind(order_id.to_string())
    .bind(i64::from(line_no))
    .bind(warehouse_id.to_string())
    .execute(&mut *conn)
    .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM order_allocations WHERE {scope} AND quantity = $1"
    )))
    .bind(0_i64)
    .bind(tenant_id.to_string())
    .bind(order_id.to_string())
    .bind(i64::from(line_no))
    .bind(warehouse_id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The statuses of orders that hold stock (`OrderStatus::holds_stock`), as SQL.
const HOLDING: &str = "('awaiting_payment', 'approved', 'confirmed', 'picking', 'packed', 'ready_to_ship')";

/// Units reserved for orders that hold stock per (SKU, warehouse), for `inventory verify`.
pub async fn reserved_totals(conn: &mut AnyConnection) -> StoreResult<Vec<(SkuId, WarehouseId, i64)>> {
    let sql = format!(
        "SELECT a.sku_id, a.warehouse_id, CAST(SUM(a.quantity) AS BIGINT) FROM order_allocations a \
         JOIN orders o ON o.id = a.order_id \
         WHERE a.warehouse_id IS NOT NULL AND o.status IN {HOLDING} GROUP BY a.sku_id, a.warehouse_id"
    );
    let rows = Sql::new(sql).query().fetch_all(conn).await?;
    rows.iter().map(|r| Ok((id_at(r, 0, "SKU")?, id_at(r, 1, "warehouse")?, r.try_get(2)?))).collect()
}

/// Allocations (reserved or backordered) of orders that should hold none: (SKU, warehouse or `None` for a backorder, order id), for `inventory verify`.
pub async fn stray_allocations(
    conn: &mut AnyConnection,
) -> StoreResult<Vec<(SkuId, Option<WarehouseId>, OrderId)>> {
    let sql = format!(
        "SELECT a.sku_id, a.warehouse_id, a.order_id FROM order_allocations a \
         JOIN orders o ON o.id = a.order_id WHERE o.status NOT IN {HOLDING} \
         ORDER BY a.sku_id, a.warehouse_id, a.order_id"
    );
    let rows = Sql::new(sql).query().fetch_all(conn).await?;
    rows.iter()
        .map(|r| Ok((id_at(r, 0, "SKU")?, opt_id_at(r, 1, "warehouse")?, id_at(r, 2, "order")?)))
        .collect()
}

/// A backordered quantity waiting for stock: its allocation row, order and line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backorder {
    pub allocation_id: String,
    pub order_id: OrderId,
    pub merchant_id: TenantId,
    pub line_no: u32,
    pub quantity: i64,
}

/// Locks the approved or confirmed orders waiting for `sku_id` (oldest first, at most `limit`)
/// and returns their ids. A stock arrival calls this before it touches the stock row: every path
/// locks orders before stock rows, so PostgreSQL never deadlocks between a backorder fill and a
/// cancellation releasing the same stock.
pub async fn lock_backordered_orders_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    sku_id: SkuId,
    limit: u32,
) -> StoreResult<Vec<OrderId>> {
    let sql = format!(
        "SELECT o.id FROM orders o WHERE o.tenant_id = $1 AND o.status IN ('approved', 'confirmed') \
         AND EXISTS (SELECT 1 FROM order_allocations a WHERE a.order_id = o.id AND a.sku_id = $2 AND a.warehouse_id IS NULL) \
         ORDER BY o.id LIMIT $3{}",
        crate::row_lock(conn)
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(sku_id.to_string())
        .bind(i64::from(limit))
        .fetch_all(conn)
        .await?;
    rows.iter().map(|r| id_at(r, 0, "order")).collect()
}

/// Backorders of a SKU on approved or confirmed orders, oldest order first.
pub async fn backorders_for_sku(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    sku_id: SkuId,
    limit: u32,
) -> StoreResult<Vec<Backorder>> {
    let rows = sqlx::query(
        "SELECT a.id, a.order_id, o.merchant_id, a.line_no, a.quantity FROM order_allocations a \
         JOIN orders o ON o.id = a.order_id \
         WHERE a.tenant_id = $1 AND a.sku_id = $2 AND a.warehouse_id IS NULL AND o.status IN ('approved', 'confirmed') \
         ORDER BY o.id, a.line_no LIMIT $3",
    )
    .bind(tenant_id.to_string())
    .bind(sku_id.to_string())
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Backorder {
                allocation_id: r.try_get(0)?,
                order_id: id_at(r, 1, "order")?,
                merchant_id: id_at(r, 2, "merchant")?,
                line_no: r.try_get::<i64, _>(3)? as u32,
                quantity: r.try_get(4)?,
            })
        })
        .collect()
}

/// Takes `qty` off a backorder row, deleting it when nothing is left.
pub async fn reduce_backorder_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    allocation_id: &str,
    qty: i64,
) -> StoreResult<()> {
    sqlx::query("UPDATE order_allocations SET quantity = quantity - $1 WHERE tenant_id = $2 AND id = $3")
        .bind(qty)
        .bind(tenant_id.to_string())
        .bind(allocation_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM order_allocations WHERE tenant_id = $1 AND id = $2 AND quantity <= 0")
        .bind(tenant_id.to_string())
        .bind(allocation_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Units of an order still backordered.
pub async fn backordered_units(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order_id: OrderId,
) -> StoreResult<i64> {
    let n: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM order_allocations WHERE tenant_id = $1 AND order_id = $2 AND warehouse_id IS NULL",
    )
    .bind(tenant_id.to_string())
    .bind(order_id.to_string())
    .fetch_one(conn)
    .await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use tradeport_domain::orders::OrderStatus;

    #[test]
    fn the_holding_statuses_are_those_that_hold_stock() {
        for s in OrderStatus::ALL {
            assert_eq!(super::HOLDING.contains(&format!("'{}'", s.as_str())), s.holds_stock(), "{s:?}");
        }
    }
}
