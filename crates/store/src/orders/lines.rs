//! Order lines.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::{Currency, OrderId, TenantId};
use tradeport_domain::orders::ValidatedLine;

use crate::StoreResult;
use crate::sql::Sql;
use crate::values::{id_at, money};

/// Inserts the lines of an order.
pub async fn insert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order_id: OrderId,
    ids: &[String],
    lines: &[ValidatedLine],
) -> StoreResult<()> {
    let mut sql = Sql::new(
        "INSERT INTO order_lines (id, tenant_id, order_id, line_no, sku_id, sku, name, variant, quantity, unit_price_minor) VALUES ",
    );
    for (n, (id, l)) in ids.iter().zip(lines).enumerate() {
        sql.push(if n == 0 { "(" } else { ", (" });
        sql.bind(id.as_str())
            .push(", ")
            .bind(tenant_id.to_string())
            .push(", ")
            .bind(order_id.to_string())
            .push(", ");
        sql.bind(i64::from(l.line_no))
            .push(", ")
            .bind(l.sku_id.to_string())
            .push(", ")
            .bind(l.sku.as_str())
            .push(", ");
        sql.bind(l.name.as_str())
            .push(", ")
            .bind(l.variant.as_str())
            .push(", ")
            .bind(l.quantity)
            .push(", ")
            .bind(l.unit_price.minor())
            .push(")");
    }
    sql.query().execute(conn).await?;
    Ok(())
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
            Ok(ValidatedLine {
                line_no: r.try_get::<i64, _>(0)? as u32,
                sku_id: id_at(r, 1, "SKU")?,
                sku: r.try_get(2)?,
                name: r.try_get(3)?,
                variant: r.try_get(4)?,
                quantity: r.try_get(5)?,
                unit_price: money(r.try_get(6)?, currency)?,
            })
        })
        .collect()
}
