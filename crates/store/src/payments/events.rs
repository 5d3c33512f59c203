//! Each provider event, once per event id, with its raw body and what came of it.

use sqlx::{AnyConnection, FromRow};

use crate::StoreResult;

/// An event as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct PaymentEventRow {
    pub id: String,
    pub tenant_id: String,
    pub account_id: String,
    /// The provider's event id (`evt_…`).
    pub event_id: String,
    pub event_type: String,
    pub payment_id: Option<String>,
    pub order_id: Option<String>,
    /// When the provider says it happened.
    pub occurred_at: i64,
    pub received_at: i64,
    /// The event as the provider sent it.
    pub body: String,
    /// `applied`, `ignored` or `unmatched`.
    pub outcome: String,
    pub detail: String,
}

const COLUMNS: &str = "id, tenant_id, account_id, event_id, event_type, payment_id, order_id, occurred_at, received_at, body, outcome, detail";

/// Records an event, unless one with its id was recorded at the account already: then that one
/// is returned and nothing is written.
pub async fn insert_once_in_tx(
    conn: &mut AnyConnection,
    e: &PaymentEventRow,
) -> StoreResult<Option<PaymentEventRow>> {
    let done = sqlx::query(
        "INSERT INTO payment_events (id, tenant_id, account_id, event_id, event_type, payment_id, order_id, occurred_at, \
         received_at, body, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (account_id, event_id) DO NOTHING",
    )
    .bind(&e.id)
    .bind(&e.tenant_id)
    .bind(&e.account_id)
    .bind(&e.event_id)
    .bind(&e.event_type)
    .bind(e.payment_id.as_deref())
    .bind(e.order_id.as_deref())
    .bind(e.occurred_at)
    .bind(e.received_at)
    .bind(&e.body)
    .bind(&e.outcome)
    .bind(&e.detail)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(None);
    }
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payment_events WHERE account_id = $1 AND event_id = $2"
    )))
    .bind(&e.account_id)
    .bind(&e.event_id)
    .fetch_optional(conn)
    .await?)
}

/// A payment's events in the provider's order of time.
pub async fn of_payment(conn: &mut AnyConnection, payment_id: &str) -> StoreResult<Vec<PaymentEventRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payment_events WHERE payment_id = $1 ORDER BY occurred_at, received_at, id LIMIT 500"
    )))
    .bind(payment_id)
    .fetch_all(conn)
    .await?)
}

/// Records what came of an event.
pub async fn finish_in_tx(
    conn: &mut AnyConnection,
    id: &str,
    payment_id: Option<&str>,
    order_id: Option<&str>,
    outcome: &str,
    detail: &str,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE payment_events SET payment_id = $2, order_id = $3, outcome = $4, detail = $5 WHERE id = $1",
    )
    .bind(id)
    .bind(payment_id)
    .bind(order_id)
    .bind(outcome)
    .bind(detail)
    .execute(conn)
    .await?;
    Ok(())
}
