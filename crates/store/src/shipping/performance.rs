//! Carrier performance per lane: parcels handed over, delivered, the time they took, and how
//! many ran into an exception case. Sums are cast to BIGINT: PostgreSQL sums BIGINT as NUMERIC.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::{Millis, TenantId};

use crate::StoreResult;
use crate::sql::Sql;

/// One lane's figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaneRow {
    pub carrier: String,
    pub service_code: String,
    pub origin: String,
    pub destination: String,
    pub shipped: i64,
    pub delivered: i64,
    /// Hand-over to delivery, summed over the delivered parcels.
    pub transit_ms: i64,
    pub with_exception: i64,
}

/// The lanes of parcels handed over since `since` (a merchant's own when `merchant_id`).
pub async fn lanes(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: Option<TenantId>,
    since: Millis,
) -> StoreResult<Vec<LaneRow>> {
    let mut sql = Sql::new(
        "SELECT s.carrier, s.service_code, w.code, o.ship_country, COUNT(*), \
         CAST(SUM(CASE WHEN s.delivered_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN s.delivered_at IS NOT NULL THEN s.delivered_at - s.shipped_at ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM exception_cases c WHERE c.shipment_id = s.id) THEN 1 ELSE 0 END) AS BIGINT) \
         FROM shipments s JOIN warehouses w ON w.id = s.warehouse_id JOIN orders o ON o.id = s.order_id \
         WHERE s.tenant_id = ",
    );
    sql.bind(tenant_id.to_string()).push(" AND s.shipped_at >= ").bind(since.0);
    if let Some(m) = merchant_id {
        sql.push(" AND s.merchant_id = ").bind(m.to_string());
    }
    sql.push(" GROUP BY s.carrier, s.service_code, w.code, o.ship_country ORDER BY s.carrier, s.service_code, w.code, o.ship_country");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok(LaneRow {
                carrier: r.try_get(0)?,
                service_code: r.try_get(1)?,
                origin: r.try_get(2)?,
                destination: r.try_get(3)?,
                shipped: r.try_get(4)?,
                delivered: r.try_get(5)?,
                transit_ms: r.try_get(6)?,
                with_exception: r.try_get(7)?,
            })
        })
        .collect()
}
