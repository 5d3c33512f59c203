//! Merchants' webhook endpoints and the delivery log (migration 0008).

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{Millis, TenantId};
use uuid::Uuid;

use crate::StoreResult;
use crate::access::{parse_id, parse_tenant_id};

/// A stored endpoint (with its secrets: only the delivery reads them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointRow {
    pub id: Uuid,
    pub merchant_id: TenantId,
    pub url: String,
    pub topics: Vec<String>,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<Millis>,
    pub active: bool,
    pub created_at: Millis,
}

impl EndpointRow {
    /// Whether the endpoint wants messages of `topic` (`*` for all).
    pub fn wants(&self, topic: &str) -> bool {
        self.active && self.topics.iter().any(|t| t == "*" || t == topic)
    }

    /// The secrets that sign at `now`: the current one, and the previous one during its overlap.
    pub fn signing_secrets(&self, now: Millis) -> Vec<&str> {
        let previous =
            self.previous_secret.as_deref().filter(|_| self.previous_secret_until.is_some_and(|u| u > now));
        std::iter::once(self.secret.as_str()).chain(previous).collect()
    }
}

#[derive(FromRow)]
struct EndpointRecord {
    id: String,
    merchant_id: String,
    url: String,
    topics: String,
    secret: String,
    previous_secret: Option<String>,
    previous_secret_until: Option<i64>,
    active: i64,
    created_at: i64,
}

impl TryFrom<EndpointRecord> for EndpointRow {
    type Error = crate::StoreError;

    fn try_from(e: EndpointRecord) -> StoreResult<Self> {
        Ok(EndpointRow {
            id: parse_id(&e.id, "webhook endpoint id")?,
            merchant_id: parse_tenant_id(&e.merchant_id)?,
            url: e.url,
            topics: e.topics.split(',').filter(|t| !t.is_empty()).map(str::to_string).collect(),
            secret: e.secret,
            previous_secret: e.previous_secret,
            previous_secret_until: e.previous_secret_until.map(Millis),
            active: e.active != 0,
            created_at: Millis(e.created_at),
        })
    }
}

const COLUMNS: &str =
    "id, merchant_id, url, topics, secret, previous_secret, previous_secret_until, active, created_at";

/// Adds an endpoint.
pub async fn insert_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, e: &EndpointRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO webhook_endpoints (id, tenant_id, merchant_id, url, topics, secret, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(e.id.to_string())
    .bind(tenant_id.to_string())
    .bind(e.merchant_id.to_string())
    .bind(&e.url)
    .bind(e.topics.join(","))
    .bind(&e.secret)
    .bind(i64::from(e.active))
    .bind(e.created_at.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// The endpoints of the operator, or of one merchant, oldest first.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: Option<TenantId>,
) -> StoreResult<Vec<EndpointRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) ORDER BY id"
    );
    let records: Vec<EndpointRecord> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(crate::merchant_filter(merchant_id))
        .fetch_all(conn)
        .await?;
    records.into_iter().map(EndpointRow::try_from).collect()
}

/// One endpoint of the operator, optionally only if it is `merchant_id`'s.
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: Option<TenantId>,
    id: Uuid,
) -> StoreResult<Option<EndpointRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) AND id = $3"
    );
    let record: Option<EndpointRecord> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(crate::merchant_filter(merchant_id))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    record.map(EndpointRow::try_from).transpose()
}

/// Replaces the secret; the old one keeps signing until `overlap_until`.
pub async fn rotate_secret_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: Uuid,
    secret: &str,
    overlap_until: Millis,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = $1, secret = $2 \
         WHERE tenant_id = $3 AND id = $4",
    )
    .bind(overlap_until.0)
    .bind(secret)
    .bind(tenant_id.to_string())
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Turns an endpoint off (its log stays).
pub async fn deactivate_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, id: Uuid) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE webhook_endpoints SET active = 0 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id.to_string())
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// One logged delivery attempt.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct DeliveryRow {
    pub id: String,
    pub endpoint_id: String,
    pub outbox_id: String,
    pub topic: String,
    pub attempt: i64,
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub at: i64,
}

/// Logs an attempt.
pub async fn log_delivery(conn: &mut AnyConnection, tenant_id: TenantId, d: &DeliveryRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, outbox_id, topic, attempt, status_code, error, duration_ms, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&d.id)
    .bind(tenant_id.to_string())
    .bind(&d.endpoint_id)
    .bind(&d.outbox_id)
    .bind(&d.topic)
    .bind(d.attempt)
    .bind(d.status_code)
    .bind(d.error.clone())
    .bind(d.duration_ms)
    .bind(d.at)
    .execute(conn)
    .await?;
    Ok(())
}

/// An endpoint's attempts, newest first, at most `limit`.
pub async fn deliveries(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    endpoint_id: Uuid,
    limit: u32,
) -> StoreResult<Vec<DeliveryRow>> {
    Ok(sqlx::query_as(
        "SELECT id, endpoint_id, outbox_id, topic, attempt, status_code, error, duration_ms, at FROM webhook_deliveries \
         WHERE tenant_id = $1 AND endpoint_id = $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(tenant_id.to_string())
    .bind(endpoint_id.to_string())
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?)
}
