//! Parcels on their way: what the exception rules read of a shipment (its lane, status, last
//! event, failed deliveries, clearance, promised date), and what each event changes of it.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::{Millis, OrderId, TenantId};
use tradeport_domain::shipping::{ClearanceStep, TrackingStatus};

use crate::sql::Sql;
use crate::values::id_at;
use crate::{StoreError, StoreResult};

/// A shipped parcel as the rules see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParcelRow {
    pub shipment_id: String,
    pub merchant_id: TenantId,
    pub order_id: OrderId,
    pub tracking_no: String,
    /// The origin warehouse's code.
    pub origin: String,
    /// The destination country.
    pub destination: String,
    pub service_code: String,
    pub status: TrackingStatus,
    pub shipped_at: Option<Millis>,
    /// When the status was last set.
    pub status_at: Option<Millis>,
    pub last_event_at: Option<Millis>,
    pub failed_attempts: i64,
    pub clearance: Option<ClearanceStep>,
    pub promised_at: Option<Millis>,
}

const PARCEL: &str = "SELECT s.id, s.merchant_id, s.order_id, s.tracking_no, w.code, o.ship_country, s.service_code, \
     s.tracking_status, s.shipped_at, s.tracking_at, s.last_event_at, s.failed_attempts, s.clearance_step, s.promised_at \
     FROM shipments s JOIN warehouses w ON w.id = s.warehouse_id JOIN orders o ON o.id = s.order_id \
     WHERE s.tenant_id = ";

fn parcel_row(r: &sqlx::any::AnyRow) -> StoreResult<ParcelRow> {
    let status: String = r.try_get(7)?;
    let clearance: Option<String> = r.try_get(12)?;
    let millis = |n: usize| r.try_get::<Option<i64>, _>(n).map(|v| v.map(Millis));
    Ok(ParcelRow {
        shipment_id: r.try_get(0)?,
        merchant_id: id_at(r, 1, "merchant")?,
        order_id: id_at(r, 2, "order")?,
        tracking_no: r.try_get(3)?,
        origin: r.try_get(4)?,
        destination: r.try_get(5)?,
        service_code: r.try_get(6)?,
        status: TrackingStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("tracking status {status}")))?,
        shipped_at: millis(8)?,
        status_at: millis(9)?,
        last_event_at: millis(10)?,
        failed_attempts: r.try_get(11)?,
        clearance: match clearance {
            Some(c) => Some(
                ClearanceStep::parse(&c).ok_or_else(|| StoreError::Corrupt(format!("clearance step {c}")))?,
            ),
            None => None,
        },
        promised_at: millis(13)?,
    })
}

/// One shipment as the rules see it.
pub async fn parcel(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    shipment_id: &str,
) -> StoreResult<Option<ParcelRow>> {
    let mut sql = Sql::new(PARCEL);
    sql.bind(tenant_id.to_string()).push(" AND s.id = ").bind(shipment_id.to_string());
    sql.query().fetch_optional(conn).await?.as_ref().map(parcel_row).transpose()
}

/// Shipped parcels not yet delivered or returned, in id order after `after` (the sweep's pages).
pub async fn on_the_way(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    after: Option<&str>,
    limit: u32,
) -> StoreResult<Vec<ParcelRow>> {
    let mut sql = Sql::new(PARCEL);
    sql.bind(tenant_id.to_string());
    sql.push(" AND s.status = 'shipped' AND s.tracking_status NOT IN ('delivered', 'returned')");
    if let Some(a) = after {
        sql.push(" AND s.id > ").bind(a.to_string());
    }
    sql.push(" ORDER BY s.id LIMIT ").bind(i64::from(limit));
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(parcel_row).collect()
}

/// Notes a new event of a shipment: its time, if the latest, and after a failed delivery the
/// number of distinct attempt times (one attempt reported by two providers counts once).
pub async fn note_event_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    shipment_id: &str,
    happened_at: Millis,
    failed_delivery: bool,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE shipments SET last_event_at = CASE WHEN last_event_at IS NULL OR last_event_at < $1 THEN $1 \
         ELSE last_event_at END, failed_attempts = CASE WHEN $2 = 1 THEN (SELECT COUNT(DISTINCT e.happened_at) \
         FROM tracking_events e WHERE e.tenant_id = $3 AND e.tracking_no = shipments.tracking_no \
         AND e.status = 'attempt_failed') \
         ELSE failed_attempts END WHERE tenant_id = $3 AND id = $4",
    )
    .bind(happened_at.0)
    .bind(i64::from(failed_delivery))
    .bind(tenant_id.to_string())
    .bind(shipment_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets when a shipment was handed over and by when it was promised.
pub async fn set_shipped_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    shipment_id: &str,
    shipped_at: Millis,
    promised_at: Millis,
) -> StoreResult<()> {
    sqlx::query("UPDATE shipments SET shipped_at = $1, promised_at = $2 WHERE tenant_id = $3 AND id = $4")
        .bind(shipped_at.0)
        .bind(promised_at.0)
        .bind(tenant_id.to_string())
        .bind(shipment_id)
        .execute(conn)
        .await?;
    Ok(())
}
