//! What the monthly exception report reads (EXC-7): the month's cases and after-sales requests by
//! the time they opened, the refunds paid in it, and the supervisors' improvement actions.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::{Millis, TenantId};

use crate::StoreResult;

/// The span read: an operator, a merchant or all (`None`), from `from` up to `to`.
#[derive(Clone, Copy, Debug)]
pub struct Span<'a> {
    pub tenant_id: TenantId,
    pub merchant: Option<&'a str>,
    pub from: Millis,
    pub to: Millis,
}

/// A case as the report counts it: type, cause code (empty: none set), opened and closed.
pub type CaseFacts = (String, String, Millis, Option<Millis>);

/// The rows of `sql` within the span: `$1` the operator, `$2` the merchant (empty: all), `$3` and
/// `$4` the span's ends.
async fn in_span(
    conn: &mut AnyConnection,
    s: Span<'_>,
    sql: &'static str,
) -> StoreResult<Vec<sqlx::any::AnyRow>> {
    Ok(sqlx::query(sql)
        .bind(s.tenant_id.to_string())
        .bind(s.merchant.unwrap_or(""))
        .bind(s.from.0)
        .bind(s.to.0)
        .fetch_all(conn)
        .await?)
}

pub async fn cases(conn: &mut AnyConnection, s: Span<'_>) -> StoreResult<Vec<CaseFacts>> {
    let sql = "SELECT case_type, COALESCE(cause_code, ''), opened_at, closed_at FROM exception_cases WHERE tenant_id = $1 \
               AND ($2 = '' OR merchant_id = $2) AND opened_at >= $3 AND opened_at < $4";
    let rows = in_span(conn, s, sql).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get(0)?,
                r.try_get(1)?,
                Millis(r.try_get(2)?),
                r.try_get::<Option<i64>, _>(3)?.map(Millis),
            ))
        })
        .collect()
}

/// The month's after-sales requests: type and reason.
pub async fn requests(conn: &mut AnyConnection, s: Span<'_>) -> StoreResult<Vec<(String, String)>> {
    let sql = "SELECT request_type, reason FROM aftersales_requests WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) \
               AND created_at >= $3 AND created_at < $4";
    let rows = in_span(conn, s, sql).await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

/// Refunds paid in the month, per currency (minor units).
pub async fn refunds_paid(conn: &mut AnyConnection, s: Span<'_>) -> StoreResult<Vec<(String, i64)>> {
    let sql = "SELECT currency, CAST(SUM(amount_minor) AS BIGINT) FROM refunds WHERE tenant_id = $1 \
               AND ($2 = '' OR merchant_id = $2) AND status = 'succeeded' AND created_at >= $3 AND created_at < $4 \
               GROUP BY currency ORDER BY currency";
    let rows = in_span(conn, s, sql).await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

/// An improvement action as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionRow {
    pub id: String,
    /// The merchant it is about; empty: the whole operation.
    pub merchant_key: String,
    pub month: String,
    pub action: String,
    pub actor: String,
    pub at: Millis,
}

pub async fn add_action_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    a: &ActionRow,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO improvement_actions (id, tenant_id, merchant_key, month, action, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&a.id)
    .bind(tenant_id.to_string())
    .bind(&a.merchant_key)
    .bind(&a.month)
    .bind(&a.action)
    .bind(&a.actor)
    .bind(a.at.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// The month's actions, oldest first: for one merchant, its own and the operation's; for the
/// operator (`None`), all.
pub async fn actions(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    month: &str,
    merchant: Option<&str>,
) -> StoreResult<Vec<ActionRow>> {
    let rows = sqlx::query(
        "SELECT id, merchant_key, month, action, actor, at FROM improvement_actions WHERE tenant_id = $1 AND month = $2 \
         AND ($3 = '' OR merchant_key IN ('', $3)) ORDER BY at, id",
    )
    .bind(tenant_id.to_string())
    .bind(month)
    .bind(merchant.unwrap_or(""))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ActionRow {
                id: r.try_get(0)?,
                merchant_key: r.try_get(1)?,
                month: r.try_get(2)?,
                action: r.try_get(3)?,
                actor: r.try_get(4)?,
                at: Millis(r.try_get(5)?),
            })
        })
        .collect()
}
