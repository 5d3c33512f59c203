//! A merchant's shop or marketplace accounts. Secrets are stored sealed (the app seals and opens
//! them); this module never sees them in clear.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{Millis, TenantId};

use crate::StoreResult;

/// A connection as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct ConnectionRow {
    pub id: String,
    /// The operator.
    pub tenant_id: String,
    pub merchant_id: String,
    /// `shopify`, `woocommerce`, `amazon`, `ebay`, `csv` or `manual`.
    pub kind: String,
    pub name: String,
    pub shop_domain: String,
    pub site_url: String,
    pub seller_id: String,
    /// Comma-separated marketplace ids.
    pub marketplace_ids: String,
    /// Amazon: the Orders API polled (`v0` or `2026-01-01`); empty for other channels.
    pub orders_api: String,
    /// Sealed; empty when none.
    pub webhook_secret: String,
    /// Sealed; the secret before the last rotation, still accepted; empty when none.
    pub previous_webhook_secret: String,
    /// Sealed JSON of the API credentials; empty when none.
    pub credentials: String,
    /// JSON of the mapping.
    pub mapping: String,
    /// `active` or `paused`.
    pub status: String,
    /// Polling: the last change time taken in (the channel's own format).
    pub watermark: String,
    pub last_delivery_at: Option<i64>,
    pub last_success_at: Option<i64>,
    pub last_error: String,
    /// Failed deliveries since the last success.
    pub failures: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, tenant_id, merchant_id, kind, name, shop_domain, site_url, seller_id, marketplace_ids, orders_api, webhook_secret, \
     previous_webhook_secret, credentials, mapping, status, watermark, last_delivery_at, last_success_at, last_error, \
     failures, created_at, updated_at";

pub async fn insert_in_tx(conn: &mut AnyConnection, c: &ConnectionRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO channel_connections (tenant_id, id, merchant_id, kind, name, shop_domain, site_url, seller_id, \
         marketplace_ids, webhook_secret, previous_webhook_secret, credentials, mapping, status, watermark, last_error, \
         failures, created_at, updated_at, orders_api) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, '', 0, $16, $16, $17)",
    )
    .bind(&c.tenant_id)
    .bind(&c.id)
    .bind(&c.merchant_id)
    .bind(&c.kind)
    .bind(&c.name)
    .bind(&c.shop_domain)
    .bind(&c.site_url)
    .bind(&c.seller_id)
    .bind(&c.marketplace_ids)
    .bind(&c.webhook_secret)
    .bind(&c.previous_webhook_secret)
    .bind(&c.credentials)
    .bind(&c.mapping)
    .bind(&c.status)
    .bind(&c.watermark)
    .bind(c.created_at)
    .bind(&c.orders_api)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes what a merchant may change (name, identity, secrets, mapping, status) if the row is
/// still as read (`read_at` is its `updated_at` then); `false` when another change came first.
pub async fn update_in_tx(conn: &mut AnyConnection, c: &ConnectionRow, read_at: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE channel_connections SET name = $3, shop_domain = $4, site_url = $5, seller_id = $6, \
         marketplace_ids = $7, webhook_secret = $8, previous_webhook_secret = $9, credentials = $10, mapping = $11, \
         status = $12, updated_at = $13, orders_api = $15 WHERE tenant_id = $1 AND id = $2 AND updated_at = $14",
    )
    .bind(&c.tenant_id)
    .bind(&c.id)
    .bind(&c.name)
    .bind(&c.shop_domain)
    .bind(&c.site_url)
    .bind(&c.seller_id)
    .bind(&c.marketplace_ids)
    .bind(&c.webhook_secret)
    .bind(&c.previous_webhook_secret)
    .bind(&c.credentials)
    .bind(&c.mapping)
    .bind(&c.status)
    .bind(c.updated_at)
    .bind(read_at)
    .bind(&c.orders_api)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One connection of the operator (a merchant: only its own).
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
    id: &str,
) -> StoreResult<Option<ConnectionRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM channel_connections WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) AND id = $3"
    )))
    .bind(tenant_id.to_string())
    .bind(merchant.map(|m| m.to_string()).unwrap_or_default())
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// A connection by its id alone: a channel's delivery names only the connection, and its
/// signature (checked next) proves it comes from the shop.
pub async fn get_for_delivery(conn: &mut AnyConnection, id: &str) -> StoreResult<Option<ConnectionRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM channel_connections WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The operator's connections (a merchant: its own), newest first.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
) -> StoreResult<Vec<ConnectionRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM channel_connections WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) \
         ORDER BY created_at DESC, id LIMIT 500"
    )))
    .bind(tenant_id.to_string())
    .bind(merchant.map(|m| m.to_string()).unwrap_or_default())
    .fetch_all(conn)
    .await?)
}

/// Every connection of every operator: for re-sealing after a key rotation and for the pollers.
pub async fn all(conn: &mut AnyConnection) -> StoreResult<Vec<ConnectionRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM channel_connections ORDER BY id")))
        .fetch_all(conn)
        .await?)
}

/// Writes the sealed secrets again (a key rotation).
/// `false` when the row changed since it was read (`read_at` its `updated_at` then); the change
/// moves `updated_at` on, so a change read before it fails in turn.
pub async fn reseal_in_tx(conn: &mut AnyConnection, c: &ConnectionRow, read_at: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE channel_connections SET webhook_secret = $2, previous_webhook_secret = $3, credentials = $4, \
         updated_at = updated_at + 1 WHERE id = $1 AND updated_at = $5",
    )
    .bind(&c.id)
    .bind(&c.webhook_secret)
    .bind(&c.previous_webhook_secret)
    .bind(&c.credentials)
    .bind(read_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records how a delivery or a poll ended: health for the connection's page and /metrics.
pub async fn record_health_in_tx(
    conn: &mut AnyConnection,
    id: &str,
    at: Millis,
    error: Option<&str>,
) -> StoreResult<()> {
    let sql = if error.is_some() {
        "UPDATE channel_connections SET last_delivery_at = $2, last_error = $3, failures = failures + 1 WHERE id = $1"
    } else {
        "UPDATE channel_connections SET last_delivery_at = $2, last_success_at = $2, last_error = $3, failures = 0 \
         WHERE id = $1"
    };
    sqlx::query(sql).bind(id).bind(at.0).bind(error.unwrap_or_default()).execute(conn).await?;
    Ok(())
}

/// Where the reading of an eBay connection's member messages last ended (ISO 8601), if it did.
pub async fn messages_watermark(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
) -> StoreResult<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT messages_watermark FROM channel_connections WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id.to_string())
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(w,)| w).filter(|w| !w.is_empty()))
}

/// Moves the member messages' watermark on.
pub async fn set_messages_watermark_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    watermark: &str,
) -> StoreResult<()> {
    sqlx::query("UPDATE channel_connections SET messages_watermark = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id.to_string())
        .bind(id)
        .bind(watermark)
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves a poller's watermark on.
pub async fn set_watermark_in_tx(conn: &mut AnyConnection, id: &str, watermark: &str) -> StoreResult<()> {
    sqlx::query("UPDATE channel_connections SET watermark = $2 WHERE id = $1")
        .bind(id)
        .bind(watermark)
        .execute(conn)
        .await?;
    Ok(())
}
