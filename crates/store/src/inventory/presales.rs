//! Pre-sales and the pre-sale units of orders (INV-4).

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{OrderId, SkuId, TenantId};

use crate::StoreResult;

/// A pre-sale as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct PresaleRow {
    pub sku_id: String,
    pub merchant_id: String,
    /// Midnight UTC of the day promised.
    pub available_on: i64,
    pub quantity_limit: i64,
    pub sold: i64,
    pub asn_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str =
    "sku_id, merchant_id, available_on, quantity_limit, sold, asn_id, created_at, updated_at";

/// Starts or changes a SKU's pre-sale (what was sold stays).
pub async fn upsert_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, p: &PresaleRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO presales (sku_id, tenant_id, merchant_id, available_on, quantity_limit, sold, asn_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $7) \
         ON CONFLICT (sku_id) DO UPDATE SET available_on = $4, quantity_limit = $5, asn_id = $6, updated_at = $7",
    )
    .bind(&p.sku_id)
    .bind(tenant_id.to_string())
    .bind(&p.merchant_id)
    .bind(p.available_on)
    .bind(p.quantity_limit)
    .bind(p.asn_id.as_deref())
    .bind(p.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends a SKU's pre-sale; false when it had none.
pub async fn delete_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, sku: SkuId) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM presales WHERE tenant_id = $1 AND sku_id = $2")
        .bind(tenant_id.to_string())
        .bind(sku.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The pre-sales of these SKUs.
pub async fn of_skus(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    skus: &[SkuId],
) -> StoreResult<Vec<PresaleRow>> {
    if skus.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = crate::sql::Sql::new(format!("SELECT {COLUMNS} FROM presales WHERE tenant_id = "));
    sql.bind(tenant_id.to_string()).push(" AND sku_id IN (");
    for (n, s) in skus.iter().enumerate() {
        if n > 0 {
            sql.push(", ");
        }
        sql.bind(s.to_string());
    }
    sql.push(")");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(|r| Ok(PresaleRow::from_row(r)?)).collect()
}

/// The operator's pre-sales (a merchant: its own).
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
) -> StoreResult<Vec<PresaleRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM presales WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) ORDER BY available_on, sku_id LIMIT 1000"
    )))
    .bind(tenant_id.to_string())
    .bind(crate::merchant_filter(merchant))
    .fetch_all(conn)
    .await?)
}

/// Takes `qty` units of a pre-sale if that many are left; false when they are not.
pub async fn take_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    sku: SkuId,
    qty: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE presales SET sold = sold + $3 WHERE tenant_id = $1 AND sku_id = $2 AND sold + $3 <= quantity_limit",
    )
    .bind(tenant_id.to_string())
    .bind(sku.to_string())
    .bind(qty)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records an order's pre-sale units and the day promised.
pub async fn add_to_order_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order: OrderId,
    sku: SkuId,
    qty: i64,
    promised_on: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO order_presales (order_id, sku_id, tenant_id, quantity, promised_on) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(order.to_string())
    .bind(sku.to_string())
    .bind(tenant_id.to_string())
    .bind(qty)
    .bind(promised_on)
    .execute(conn)
    .await?;
    Ok(())
}

/// An order's pre-sale units: (SKU, quantity, day promised).
pub async fn of_order(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order: OrderId,
) -> StoreResult<Vec<(String, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT sku_id, quantity, promised_on FROM order_presales WHERE tenant_id = $1 AND order_id = $2 ORDER BY sku_id",
    )
    .bind(tenant_id.to_string())
    .bind(order.to_string())
    .fetch_all(conn)
    .await?)
}

/// Gives an order's pre-sale units back to their pre-sales (the order is cancelled or rejected).
pub async fn give_back_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order: OrderId,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE presales SET sold = sold - (SELECT op.quantity FROM order_presales op \
         WHERE op.order_id = $2 AND op.sku_id = presales.sku_id) \
         WHERE tenant_id = $1 AND sku_id IN (SELECT sku_id FROM order_presales WHERE order_id = $2)",
    )
    .bind(tenant_id.to_string())
    .bind(order.to_string())
    .execute(conn)
    .await?;
    Ok(())
}
