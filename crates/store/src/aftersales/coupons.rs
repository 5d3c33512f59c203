//! Coupons given as compensation (migration 0034): issued once per request, used once.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{Millis, OrderId, TenantId};

use crate::StoreResult;

/// A coupon as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct CouponRow {
    pub id: String,
    pub merchant_id: String,
    pub code: String,
    pub buyer_email: String,
    pub currency: String,
    pub amount_minor: i64,
    pub request_id: Option<String>,
    pub expires_at: i64,
    pub redeemed_order_id: Option<String>,
    pub redeemed_at: Option<i64>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, merchant_id, code, buyer_email, currency, amount_minor, request_id, expires_at, \
     redeemed_order_id, redeemed_at, created_at";

pub async fn insert_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, c: &CouponRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO coupons (tenant_id, id, merchant_id, code, buyer_email, currency, amount_minor, request_id, \
         expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(tenant_id.to_string())
    .bind(&c.id)
    .bind(&c.merchant_id)
    .bind(&c.code)
    .bind(&c.buyer_email)
    .bind(&c.currency)
    .bind(c.amount_minor)
    .bind(c.request_id.as_deref())
    .bind(c.expires_at)
    .bind(c.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Which coupons to read.
#[derive(Clone, Copy, Debug)]
pub enum CouponsOf<'a> {
    /// A buyer's, newest first.
    Buyer(&'a str),
    Code(&'a str),
    Request(&'a str),
}

/// Coupons of the operator (a merchant: its own).
pub async fn find(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
    of: CouponsOf<'_>,
) -> StoreResult<Vec<CouponRow>> {
    let (filter, value) = match of {
        CouponsOf::Buyer(email) => ("buyer_email = $3", email.trim().to_lowercase()),
        CouponsOf::Code(code) => ("code = $3", code.trim().to_uppercase()),
        CouponsOf::Request(id) => ("request_id = $3", id.to_string()),
    };
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM coupons WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) AND {filter} \
         ORDER BY created_at DESC, id LIMIT 200"
    )))
    .bind(tenant_id.to_string())
    .bind(merchant.map(|m| m.to_string()).unwrap_or_default())
    .bind(value)
    .fetch_all(conn)
    .await?)
}

/// Uses the coupon for `order`, once (`false` when it was used already).
pub async fn redeem_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    order: OrderId,
    now: Millis,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE coupons SET redeemed_order_id = $1, redeemed_at = $2 WHERE tenant_id = $3 AND id = $4 \
         AND redeemed_order_id IS NULL",
    )
    .bind(order.to_string())
    .bind(now.0)
    .bind(tenant_id.to_string())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Frees the coupons `order` used: it was cancelled or rejected.
pub async fn release_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, order: OrderId) -> StoreResult<()> {
    sqlx::query(
        "UPDATE coupons SET redeemed_order_id = NULL, redeemed_at = NULL WHERE tenant_id = $1 AND redeemed_order_id = $2",
    )
    .bind(tenant_id.to_string())
    .bind(order.to_string())
    .execute(conn)
    .await?;
    Ok(())
}
