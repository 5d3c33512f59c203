//! Risk screening's reads and records (ORD-10): the buyer's recent and earlier orders, and the
//! screening of an order with what a person decided.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{Millis, OrderId, TenantId};

use crate::StoreResult;

/// A value no stored e-mail, phone or address key has: stands in for one the order lacks. (Each
/// term repeats its partial index's condition, so SQLite and PostgreSQL's generic plans use it.)
const NOTHING: &str = "\u{1}";

/// The buyer's orders of the operator: those to the same e-mail, phone or address since `since`
/// (counted up to `enough`: each index is read for at most that many, so a buyer with thousands
/// of orders costs no more than one with a few), and whether any order ever had the same e-mail
/// or phone.
pub async fn buyer_history(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    email: &str,
    phone: Option<&str>,
    address_key: &str,
    since: Millis,
    enough: u32,
) -> StoreResult<(u32, u32)> {
    let or_nothing = |v: &str| if v.is_empty() { NOTHING.to_string() } else { v.to_string() };
    let row: (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM ( \
            SELECT id FROM (SELECT id FROM orders WHERE tenant_id = $1 AND buyer_email = $2 AND buyer_email <> '' AND created_at >= $5 LIMIT $6) e \
            UNION SELECT id FROM (SELECT id FROM orders WHERE tenant_id = $1 AND buyer_phone_e164 = $3 AND buyer_phone_e164 IS NOT NULL AND created_at >= $5 LIMIT $6) p \
            UNION SELECT id FROM (SELECT id FROM orders WHERE tenant_id = $1 AND address_key = $4 AND address_key <> '' AND created_at >= $5 LIMIT $6) a \
         ) recent), \
         CASE WHEN EXISTS (SELECT 1 FROM orders WHERE tenant_id = $1 AND buyer_email = $2 AND buyer_email <> '') \
              OR EXISTS (SELECT 1 FROM orders WHERE tenant_id = $1 AND buyer_phone_e164 = $3 AND buyer_phone_e164 IS NOT NULL) THEN 1 ELSE 0 END",
    )
    .bind(tenant_id.to_string())
    .bind(or_nothing(email))
    .bind(or_nothing(phone.unwrap_or_default()))
    .bind(or_nothing(address_key))
    .bind(since.0)
    .bind(i64::from(enough))
    .fetch_one(conn)
    .await?;
    Ok((u32::try_from(row.0).unwrap_or(u32::MAX), u32::try_from(row.1).unwrap_or(u32::MAX)))
}

/// An order's screening as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct RiskRow {
    pub order_id: String,
    pub merchant_id: String,
    pub score: i64,
    /// JSON of the rules that fired, with their weights and evidence.
    pub rules: String,
    /// 1 when the score held the order.
    pub held: i64,
    /// `released`, `rejected`, `cancelled`; empty until a person decides.
    pub decision: String,
    pub decided_at: Option<i64>,
    pub created_at: i64,
}

const COLUMNS: &str = "order_id, merchant_id, score, rules, held, decision, decided_at, created_at";

pub async fn insert_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, r: &RiskRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO order_risk (order_id, tenant_id, merchant_id, score, rules, held, decision, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, '', $7)",
    )
    .bind(&r.order_id)
    .bind(tenant_id.to_string())
    .bind(&r.merchant_id)
    .bind(r.score)
    .bind(&r.rules)
    .bind(r.held)
    .bind(r.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records what a person decided on an order held for its risk (the first decision stays).
pub async fn decide_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order: OrderId,
    decision: &str,
    at: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE order_risk SET decision = $3, decided_at = $4 WHERE tenant_id = $1 AND order_id = $2 AND decision = ''",
    )
    .bind(tenant_id.to_string())
    .bind(order.to_string())
    .bind(decision)
    .bind(at.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// An order's screening, when a rule fired on it.
pub async fn of_order(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order: OrderId,
) -> StoreResult<Option<RiskRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM order_risk WHERE tenant_id = $1 AND order_id = $2"
    )))
    .bind(tenant_id.to_string())
    .bind(order.to_string())
    .fetch_optional(conn)
    .await?)
}

/// The operator's screenings since `since` (a merchant: its own), for the outcomes by rule.
pub async fn since(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
    since: Millis,
) -> StoreResult<Vec<RiskRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM order_risk WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) AND created_at >= $3 \
         ORDER BY created_at LIMIT 100000"
    )))
    .bind(tenant_id.to_string())
    .bind(crate::merchant_filter(merchant))
    .bind(since.0)
    .fetch_all(conn)
    .await?)
}
