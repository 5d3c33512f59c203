//! Refunds of orders and the store-credit ledger.

use sqlx::{AnyConnection, Row};
use tradeport_domain::aftersales::{RefundMethod, RefundStatus};
use tradeport_domain::kernel::{Millis, OrderId, TenantId};

use crate::values::id_at;
use crate::{StoreError, StoreResult};

/// A refund as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundRow {
    pub id: String,
    pub merchant_id: TenantId,
    pub order_id: OrderId,
    pub amount_minor: i64,
    pub currency: String,
    pub method: RefundMethod,
    pub reason: String,
    pub status: RefundStatus,
    pub request_key: String,
    pub provider_ref: Option<String>,
    pub error: Option<String>,
    pub actor: String,
    pub created_at: Millis,
    pub updated_at: Millis,
}

const COLUMNS: &str = "id, merchant_id, order_id, amount_minor, currency, method, reason, status, request_key, \
     provider_ref, error, actor, created_at, updated_at";

fn refund_row(r: &sqlx::any::AnyRow) -> StoreResult<RefundRow> {
    let (method, status): (String, String) = (r.try_get(5)?, r.try_get(7)?);
    Ok(RefundRow {
        id: r.try_get(0)?,
        merchant_id: id_at(r, 1, "merchant")?,
        order_id: id_at(r, 2, "order")?,
        amount_minor: r.try_get(3)?,
        currency: r.try_get(4)?,
        method: RefundMethod::parse(&method)
            .ok_or_else(|| StoreError::Corrupt(format!("refund method {method}")))?,
        reason: r.try_get(6)?,
        status: RefundStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("refund status {status}")))?,
        request_key: r.try_get(8)?,
        provider_ref: r.try_get(9)?,
        error: r.try_get(10)?,
        actor: r.try_get(11)?,
        created_at: Millis(r.try_get(12)?),
        updated_at: Millis(r.try_get(13)?),
    })
}

pub async fn insert_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, r: &RefundRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO refunds (id, tenant_id, merchant_id, order_id, amount_minor, currency, method, reason, status, request_key, \
         provider_ref, error, actor, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&r.id)
    .bind(tenant_id.to_string())
    .bind(r.merchant_id.to_string())
    .bind(r.order_id.to_string())
    .bind(r.amount_minor)
    .bind(&r.currency)
    .bind(r.method.as_str())
    .bind(&r.reason)
    .bind(r.status.as_str())
    .bind(&r.request_key)
    .bind(r.provider_ref.as_deref())
    .bind(r.error.as_deref())
    .bind(&r.actor)
    .bind(r.created_at.0)
    .bind(r.updated_at.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// An order's refunds, oldest first.
pub async fn of_order(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order_id: OrderId,
) -> StoreResult<Vec<RefundRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM refunds WHERE tenant_id = $1 AND order_id = $2 ORDER BY created_at, id"
    )))
    .bind(tenant_id.to_string())
    .bind(order_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(refund_row).collect()
}

/// Records the provider's answer: succeeded or failed, with its reference or the reason. Only a
/// pending refund changes.
pub async fn settle_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    status: RefundStatus,
    provider_ref: Option<&str>,
    error: Option<&str>,
    now: Millis,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE refunds SET status = $1, provider_ref = COALESCE($2, provider_ref), error = $3, updated_at = $4 \
         WHERE tenant_id = $5 AND id = $6 AND status = 'pending'",
    )
    .bind(status.as_str())
    .bind(provider_ref)
    .bind(error)
    .bind(now.0)
    .bind(tenant_id.to_string())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Notes why the provider could not be asked (the refund stays pending, to be asked again).
pub async fn note_error_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    error: &str,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query("UPDATE refunds SET error = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4")
        .bind(error)
        .bind(now.0)
        .bind(tenant_id.to_string())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A movement of a buyer's store credit with a merchant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditEntry {
    pub id: String,
    pub merchant_id: TenantId,
    pub buyer_email: String,
    pub currency: String,
    pub delta_minor: i64,
    pub refund_id: Option<String>,
    pub note: String,
    pub at: Millis,
}

pub async fn add_credit_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    c: &CreditEntry,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO store_credit_entries (id, tenant_id, merchant_id, buyer_email, currency, delta_minor, refund_id, note, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&c.id)
    .bind(tenant_id.to_string())
    .bind(c.merchant_id.to_string())
    .bind(&c.buyer_email)
    .bind(&c.currency)
    .bind(c.delta_minor)
    .bind(c.refund_id.as_deref())
    .bind(&c.note)
    .bind(c.at.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// A buyer's store credit with a merchant, per currency (BIGINT sums: PostgreSQL sums BIGINT as
/// NUMERIC).
pub async fn credit_balances(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: TenantId,
    buyer_email: &str,
) -> StoreResult<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT currency, CAST(SUM(delta_minor) AS BIGINT) FROM store_credit_entries \
         WHERE tenant_id = $1 AND merchant_id = $2 AND buyer_email = $3 GROUP BY currency ORDER BY currency",
    )
    .bind(tenant_id.to_string())
    .bind(merchant_id.to_string())
    .bind(buyer_email)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}
