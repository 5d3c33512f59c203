//! Payments as stored: one per provider reference, with the facts its events gave.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{OrderId, TenantId};

use crate::StoreResult;

/// A payment as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct PaymentRow {
    pub id: String,
    /// The operator.
    pub tenant_id: String,
    pub merchant_id: String,
    pub account_id: String,
    pub order_id: Option<String>,
    /// The provider's reference (Stripe's `pi_…`, PayPal's capture or order, Alipay's payment request).
    pub reference: String,
    /// Another id the provider knows it by (PayPal's order once captured, Alipay's payment id);
    /// empty when none.
    pub alias: String,
    /// ISO 4217, upper case; empty until an event says.
    pub currency: String,
    pub amount_minor: i64,
    pub captured_minor: i64,
    pub refunded_minor: i64,
    /// `pending`, `authorised`, `captured`, `failed`, `refunded`, `partially_refunded`, `disputed`.
    pub state: String,
    /// JSON of `domain::payments::PaymentFacts`.
    pub facts: String,
    /// Why a person must look at the payment (paid for a cancelled order …); empty when nothing.
    pub attention: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, tenant_id, merchant_id, account_id, order_id, reference, alias, currency, amount_minor, \
     captured_minor, refunded_minor, state, facts, attention, created_at, updated_at";

/// The payment of `reference` at `account_id`, locked until the transaction ends; made (empty,
/// from `fresh`) if it is not there yet.
pub async fn lock_or_insert_in_tx(conn: &mut AnyConnection, fresh: &PaymentRow) -> StoreResult<PaymentRow> {
    sqlx::query(
        "INSERT INTO payments (id, tenant_id, merchant_id, account_id, order_id, reference, currency, amount_minor, \
         captured_minor, refunded_minor, state, facts, attention, created_at, updated_at, alias) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15) \
         ON CONFLICT (account_id, reference) DO NOTHING",
    )
    .bind(&fresh.id)
    .bind(&fresh.tenant_id)
    .bind(&fresh.merchant_id)
    .bind(&fresh.account_id)
    .bind(fresh.order_id.as_deref())
    .bind(&fresh.reference)
    .bind(&fresh.currency)
    .bind(fresh.amount_minor)
    .bind(fresh.captured_minor)
    .bind(fresh.refunded_minor)
    .bind(&fresh.state)
    .bind(&fresh.facts)
    .bind(&fresh.attention)
    .bind(fresh.created_at)
    .bind(&fresh.alias)
    .execute(&mut *conn)
    .await?;
    let lock = crate::row_lock(conn);
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payments WHERE account_id = $1 AND reference = $2{lock}"
    )))
    .bind(&fresh.account_id)
    .bind(&fresh.reference)
    .fetch_one(conn)
    .await?)
}

/// The payment of `reference` at `account_id`, when there is one.
pub async fn find(
    conn: &mut AnyConnection,
    account_id: &str,
    reference: &str,
) -> StoreResult<Option<PaymentRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payments WHERE account_id = $1 AND reference = $2"
    )))
    .bind(account_id)
    .bind(reference)
    .fetch_optional(conn)
    .await?)
}

/// The payment `id` names at `account_id`, by its reference or else its alias: two lookups, each
/// on its own index (one `OR` across both columns would scan the account's payments).
pub async fn find_by_any(
    conn: &mut AnyConnection,
    account_id: &str,
    id: &str,
) -> StoreResult<Option<PaymentRow>> {
    if let Some(p) = find(&mut *conn, account_id, id).await? {
        return Ok(Some(p));
    }
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payments WHERE account_id = $1 AND alias = $2 ORDER BY created_at, id LIMIT 1"
    )))
    .bind(account_id)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The payment `id`, locked until the transaction ends.
pub async fn lock_in_tx(conn: &mut AnyConnection, id: &str) -> StoreResult<PaymentRow> {
    let lock = crate::row_lock(conn);
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM payments WHERE id = $1{lock}")))
        .bind(id)
        .fetch_one(conn)
        .await?)
}

/// The other payment of `account_id` kept under `reference`, when there is one besides `but`.
pub async fn other_in_tx(
    conn: &mut AnyConnection,
    account_id: &str,
    reference: &str,
    but: &str,
) -> StoreResult<Option<PaymentRow>> {
    let lock = crate::row_lock(conn);
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payments WHERE account_id = $1 AND reference = $2 AND id <> $3{lock}"
    )))
    .bind(account_id)
    .bind(reference)
    .bind(but)
    .fetch_optional(conn)
    .await?)
}

/// Gives a payment the reference its provider names it by from now on, and its other id (PayPal:
/// the capture once captured, the order as the alias).
pub async fn rename_in_tx(
    conn: &mut AnyConnection,
    id: &str,
    reference: &str,
    alias: &str,
) -> StoreResult<()> {
    sqlx::query("UPDATE payments SET reference = $2, alias = $3 WHERE id = $1")
        .bind(id)
        .bind(reference)
        .bind(alias)
        .execute(conn)
        .await?;
    Ok(())
}

/// Folds the payment `gone` into `keep` (one payment the provider first named twice): its events
/// and settlement findings move to `keep`, and it is deleted. The caller merges the facts.
pub async fn absorb_in_tx(conn: &mut AnyConnection, keep: &str, gone: &str) -> StoreResult<()> {
    for table in ["payment_events", "settlement_items"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE {table} SET payment_id = $1 WHERE payment_id = $2")))
            .bind(keep)
            .bind(gone)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM payments WHERE id = $1").bind(gone).execute(conn).await?;
    Ok(())
}

/// Writes what the events made of a payment (its order, amounts, state, facts, attention).
pub async fn update_in_tx(conn: &mut AnyConnection, p: &PaymentRow) -> StoreResult<()> {
    sqlx::query(
        "UPDATE payments SET order_id = $2, currency = $3, amount_minor = $4, captured_minor = $5, refunded_minor = $6, \
         state = $7, facts = $8, attention = $9, updated_at = $10 WHERE id = $1",
    )
    .bind(&p.id)
    .bind(p.order_id.as_deref())
    .bind(&p.currency)
    .bind(p.amount_minor)
    .bind(p.captured_minor)
    .bind(p.refunded_minor)
    .bind(&p.state)
    .bind(&p.facts)
    .bind(&p.attention)
    .bind(p.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The payments of an order, oldest first.
pub async fn of_order(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order: OrderId,
) -> StoreResult<Vec<PaymentRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payments WHERE tenant_id = $1 AND order_id = $2 ORDER BY created_at, id"
    )))
    .bind(tenant_id.to_string())
    .bind(order.to_string())
    .fetch_all(conn)
    .await?)
}

/// The operator's payments (a merchant: its own), newest first, at most `limit`; `attention_only`
/// keeps those a person must look at.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
    attention_only: bool,
    limit: i64,
) -> StoreResult<Vec<PaymentRow>> {
    let attention = if attention_only { " AND attention <> ''" } else { "" };
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payments WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2){attention} \
         ORDER BY created_at DESC, id DESC LIMIT $3"
    )))
    .bind(tenant_id.to_string())
    .bind(crate::merchant_filter(merchant))
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// One payment of the operator (a merchant: only its own).
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
    id: &str,
) -> StoreResult<Option<PaymentRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payments WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) AND id = $3"
    )))
    .bind(tenant_id.to_string())
    .bind(crate::merchant_filter(merchant))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The account's payments first heard of in `[from, to)`: what a settlement of that period is
/// reconciled against.
pub async fn of_period(
    conn: &mut AnyConnection,
    account_id: &str,
    from: i64,
    to: i64,
) -> StoreResult<Vec<PaymentRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payments WHERE account_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY created_at, id"
    )))
    .bind(account_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}
