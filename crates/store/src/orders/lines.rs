//! Order lines.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{Currency, OrderId, TenantId};
use tradeport_domain::orders::ValidatedLine;

use crate::StoreError;
use crate::StoreResult;
use crate::access::parse_id;
use crate::values::money;

/// Inserts the lines of an order.
pub async fn insert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order_id: OrderId,
    ids: &[String],
    lines: &[ValidatedLine],
) -> StoreResult<()> {
    let rows: Vec<_> = ids.iter().zip(lines).map(|(id, l)| (id.clone(), order_id, l)).collect();
    super::bulk::insert_lines_in_tx(conn, tenant_id, &rows).await
}

/// A line as stored, read by column name.
#[derive(sqlx::FromRow)]
struct LineRecord {
    line_no: i64,
    sku_id: String,
    sku: String,
    name: String,
    variant: String,
    quantity: i64,
    unit_price_minor: i64,
}

/// The lines of an order by line number; prices are in the order's `currency`.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order_id: OrderId,
    currency: Currency,
) -> StoreResult<Vec<ValidatedLine>> {
    let rows = sqlx::query(
        "SELECT line_no, sku_id, sku, name, variant, quantity, unit_price_minor FROM order_lines \
         WHERE tenant_id = $1 AND order_id = $2 ORDER BY line_no",
    )
    .bind(tenant_id.to_string())
    .bind(order_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let l = LineRecord::from_row(r)?;
            Ok(ValidatedLine {
                line_no: u32::try_from(l.line_no)
                    .map_err(|_| StoreError::Corrupt(format!("line {}", l.line_no)))?,
                sku_id: parse_id(&l.sku_id, "SKU id")?,
                sku: l.sku,
                name: l.name,
                variant: l.variant,
                quantity: l.quantity,
                unit_price: money(l.unit_price_minor, currency)?,
            })
        })
        .collect()
}

/// Takes `qty` units off a line, deleting it when none are left; false when it has fewer.
pub async fn reduce_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order_id: OrderId,
    line_no: u32,
    qty: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE order_lines SET quantity = quantity - $1 WHERE tenant_id = $2 AND order_id = $3 AND line_no = $4 AND quantity >= $1",
    )
    .bind(qty)
    .bind(tenant_id.to_string())
    .bind(order_id.to_string())
    .bind(i64::from(line_no))
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM order_lines WHERE tenant_id = $1 AND order_id = $2 AND line_no = $3 AND quantity = 0",
    )
    .bind(tenant_id.to_string())
    .bind(order_id.to_string())
    .bind(i64::from(line_no))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
