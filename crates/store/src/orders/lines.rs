//! Order lines.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::TenantId;
use tradeport_domain::orders::ValidatedLine;

use crate::StoreResult;

/// Inserts the lines of an order.
pub async fn insert_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, order_id: &str, ids: &[String], lines: &[ValidatedLine]) -> StoreResult<()> {
    let mut qb = sqlx::QueryBuilder::<sqlx::Any>::new(
        "INSERT INTO order_lines (id, tenant_id, order_id, line_no, sku_id, sku, name, variant, quantity, unit_price_minor) ",
    );
    qb.push_values(ids.iter().zip(lines), |mut b, (id, l)| {
        b.push_bind(id.clone())
            .push_bind(tenant_id.to_string())
            .push_bind(order_id.to_string())
            .push_bind(i64::from(l.line_no))
            .push_bind(l.sku_id.clone())
            .push_bind(l.sku.clone())
            .push_bind(l.name.clone())
            .push_bind(l.variant.clone())
            .push_bind(l.quantity)
            .push_bind(l.unit_price_minor);
    });
    qb.build().execute(conn).await?;
    Ok(())
}

/// The lines of an order by line number.
pub async fn list(conn: &mut AnyConnection, tenant_id: TenantId, order_id: &str) -> StoreResult<Vec<ValidatedLine>> {
    let rows = sqlx::query(
        "SELECT line_no, sku_id, sku, name, variant, quantity, unit_price_minor FROM order_lines \
         WHERE tenant_id = $1 AND order_id = $2 ORDER BY line_no",
    )
    .bind(tenant_id.to_string())
    .bind(order_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ValidatedLine {
                line_no: r.try_get::<i64, _>(0)? as u32,
                sku_id: r.try_get(1)?,
                sku: r.try_get(2)?,
                name: r.try_get(3)?,
                variant: r.try_get(4)?,
                quantity: r.try_get(5)?,
                unit_price_minor: r.try_get(6)?,
            })
        })
        .collect()
}
