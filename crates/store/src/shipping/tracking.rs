//! Tracking events and a shipment's tracking status.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::{Millis, TenantId};
use tradeport_domain::shipping::TrackingStatus;

use crate::{StoreError, StoreResult};

/// An event as reported, with the status it maps to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackingEventRow {
    pub id: String,
    pub tracking_no: String,
    pub shipment_id: Option<String>,
    /// `easypost`, `csv`, …
    pub source: String,
    pub carrier_code: String,
    pub description: String,
    pub location: String,
    pub status: TrackingStatus,
    pub happened_at: Millis,
    pub received_at: Millis,
}

/// Keeps an event unless the same one is kept already; true when it was new.
pub async fn insert_once_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    e: &TrackingEventRow,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO tracking_events (id, tenant_id, tracking_no, shipment_id, source, carrier_code, description, location, status, \
         happened_at, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (tenant_id, tracking_no, source, happened_at, carrier_code) DO NOTHING",
    )
    .bind(&e.id)
    .bind(tenant_id.to_string())
    .bind(&e.tracking_no)
    .bind(e.shipment_id.as_deref())
    .bind(&e.source)
    .bind(&e.carrier_code)
    .bind(&e.description)
    .bind(&e.location)
    .bind(e.status.as_str())
    .bind(e.happened_at.0)
    .bind(e.received_at.0)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A tracking number's events, oldest first.
pub async fn events_of(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    tracking_no: &str,
) -> StoreResult<Vec<TrackingEventRow>> {
    let rows = sqlx::query(
        "SELECT id, tracking_no, shipment_id, source, carrier_code, description, location, status, happened_at, received_at \
         FROM tracking_events WHERE tenant_id = $1 AND tracking_no = $2 ORDER BY happened_at, received_at, id",
    )
    .bind(tenant_id.to_string())
    .bind(tracking_no)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let status: String = r.try_get(7)?;
            Ok(TrackingEventRow {
                id: r.try_get(0)?,
                tracking_no: r.try_get(1)?,
                shipment_id: r.try_get(2)?,
                source: r.try_get(3)?,
                carrier_code: r.try_get(4)?,
                description: r.try_get(5)?,
                location: r.try_get(6)?,
                status: TrackingStatus::parse(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("tracking status {status}")))?,
                happened_at: Millis(r.try_get(8)?),
                received_at: Millis(r.try_get(9)?),
            })
        })
        .collect()
}

/// A shipment's tracking status and the time of the event that set it, locked for the
/// transaction.
pub async fn status_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    shipment_id: &str,
) -> StoreResult<Option<(TrackingStatus, Option<Millis>)>> {
    let lock = crate::row_lock(conn);
    let sql =
        format!("SELECT tracking_status, tracking_at FROM shipments WHERE tenant_id = $1 AND id = $2{lock}");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(shipment_id)
        .fetch_optional(conn)
        .await?;
    row.map(|r| {
        let status: String = r.try_get(0)?;
        let at: Option<i64> = r.try_get(1)?;
        Ok((
            TrackingStatus::parse(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("tracking status {status}")))?,
            at.map(Millis),
        ))
    })
    .transpose()
}

/// Moves a shipment's tracking status (and its delivery time when it is delivered).
pub async fn set_status_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    shipment_id: &str,
    status: TrackingStatus,
    at: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE shipments SET tracking_status = $1, tracking_at = $2, \
         delivered_at = CASE WHEN $1 = 'delivered' THEN $2 ELSE delivered_at END WHERE tenant_id = $3 AND id = $4",
    )
    .bind(status.as_str())
    .bind(at.0)
    .bind(tenant_id.to_string())
    .bind(shipment_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets the secret a provider signs its webhooks with.
pub async fn set_secret_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    provider: &str,
    secret: &str,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO tracking_sources (tenant_id, provider, secret, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (tenant_id, provider) DO UPDATE SET secret = excluded.secret, updated_at = excluded.updated_at",
    )
    .bind(tenant_id.to_string())
    .bind(provider)
    .bind(secret)
    .bind(now.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// The secret a provider signs an operator's webhooks with.
pub async fn secret(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    provider: &str,
) -> StoreResult<Option<String>> {
    let s: Option<String> =
        sqlx::query_scalar("SELECT secret FROM tracking_sources WHERE tenant_id = $1 AND provider = $2")
            .bind(tenant_id.to_string())
            .bind(provider)
            .fetch_optional(conn)
            .await?;
    Ok(s)
}

/// The order's tracking-page token, made on first ask (`token` is used only then).
pub async fn link_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order_id: tradeport_domain::kernel::OrderId,
    token: &str,
    now: Millis,
) -> StoreResult<String> {
    sqlx::query(
        "INSERT INTO tracking_links (token, tenant_id, order_id, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (order_id) DO NOTHING",
    )
    .bind(token)
    .bind(tenant_id.to_string())
    .bind(order_id.to_string())
    .bind(now.0)
    .execute(&mut *conn)
    .await?;
    let stored: String = sqlx::query_scalar("SELECT token FROM tracking_links WHERE order_id = $1")
        .bind(order_id.to_string())
        .fetch_one(conn)
        .await?;
    Ok(stored)
}

/// The operator and order a tracking-page token opens.
pub async fn link_target(
    conn: &mut AnyConnection,
    token: &str,
) -> StoreResult<Option<(TenantId, tradeport_domain::kernel::OrderId)>> {
    let row = sqlx::query("SELECT tenant_id, order_id FROM tracking_links WHERE token = $1")
        .bind(token)
        .fetch_optional(conn)
        .await?;
    row.map(|r| Ok((crate::values::id_at(&r, 0, "tenant")?, crate::values::id_at(&r, 1, "order")?)))
        .transpose()
}

/// Orders with this number (ours or the shop's) and the tracking token each has, for a buyer's
/// look-up; the caller checks the buyer's e-mail or postcode.
pub async fn links_by_number(
    conn: &mut AnyConnection,
    number: &str,
) -> StoreResult<Vec<(String, String, String)>> {
    let rows = sqlx::query(
        "SELECT l.token, o.buyer_email, o.shipping_address FROM tracking_links l JOIN orders o ON o.id = l.order_id \
         WHERE o.order_no = $1 OR o.channel_order_id = $1 LIMIT 20",
    )
    .bind(number)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).collect()
}
