//! Satisfaction surveys, as stored: each about one solved ticket or one completed order (one per
//! order), one answer each, kept by a conditional update so two clicks at once record one.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::TenantId;

use crate::StoreResult;

/// A survey as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct SurveyRow {
    pub id: String,
    pub tenant_id: String,
    /// The ticket's or order's merchant, for its own figures.
    pub merchant_id: Option<String>,
    /// The solved ticket asked about, or
    pub ticket_id: Option<String>,
    /// the completed order asked about.
    pub order_id: Option<String>,
    pub token_sha256: String,
    /// Who answered the buyer (user id or key), for the per-person figures; empty for an order.
    pub agent: String,
    pub category: String,
    pub sent_at: i64,
    pub score: Option<i64>,
    pub comment: Option<String>,
    pub answered_at: Option<i64>,
}

const COLUMNS: &str = "id, tenant_id, merchant_id, ticket_id, order_id, token_sha256, agent, category, sent_at, \
                       score, comment, answered_at";

pub async fn insert_in_tx(conn: &mut AnyConnection, s: &SurveyRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO surveys (id, tenant_id, merchant_id, ticket_id, order_id, token_sha256, agent, category, \
         sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&s.id)
    .bind(&s.tenant_id)
    .bind(&s.merchant_id)
    .bind(&s.ticket_id)
    .bind(&s.order_id)
    .bind(&s.token_sha256)
    .bind(&s.agent)
    .bind(&s.category)
    .bind(s.sent_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The survey a link's token opens.
pub async fn by_token(conn: &mut AnyConnection, token_sha256: &str) -> StoreResult<Option<SurveyRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM surveys WHERE token_sha256 = $1")))
        .bind(token_sha256)
        .fetch_optional(conn)
        .await?)
}

/// Records the answer unless one is recorded; whether this one was.
pub async fn answer_in_tx(
    conn: &mut AnyConnection,
    id: &str,
    score: i64,
    comment: &str,
    at: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE surveys SET score = $2, comment = $3, answered_at = $4 WHERE id = $1 AND answered_at IS NULL",
    )
    .bind(id)
    .bind(score)
    .bind(comment)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The operator's answered surveys in `[from, to)` (a merchant: its own).
pub async fn answered(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
    (from, to): (i64, i64),
) -> StoreResult<Vec<SurveyRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM surveys WHERE tenant_id = $1 AND answered_at >= $2 AND answered_at < $3 \
         AND ($4 = '' OR merchant_id = $4) ORDER BY answered_at"
    )))
    .bind(tenant_id.to_string())
    .bind(from)
    .bind(to)
    .bind(crate::merchant_filter(merchant))
    .fetch_all(conn)
    .await?)
}

/// Whether order `order_id` was asked already.
pub async fn order_asked(conn: &mut AnyConnection, tenant_id: TenantId, order_id: &str) -> StoreResult<bool> {
    let found: Option<(String,)> =
        sqlx::query_as("SELECT id FROM surveys WHERE tenant_id = $1 AND order_id = $2")
            .bind(tenant_id.to_string())
            .bind(order_id)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}
