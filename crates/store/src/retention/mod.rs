//! Retention (migration 0065): legal holds, deletion proposals and the orders they list.

pub mod buyer;
pub mod erase;

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{OrderId, TenantId};

use crate::StoreResult;

/// An order's current legal hold, with its number.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct HoldRow {
    pub order_id: String,
    pub tenant_id: String,
    pub merchant_id: String,
    pub order_no: String,
    pub reason: String,
    /// The actor who placed it (`user:<id>`, `api_key:<id>`).
    pub placed_by: String,
    pub placed_at: i64,
}

/// Places the hold; `false` when the order is on hold already.
pub async fn place_hold_in_tx(conn: &mut AnyConnection, h: &HoldRow) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO legal_holds (order_id, tenant_id, merchant_id, reason, placed_by, placed_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (order_id) DO NOTHING",
    )
    .bind(&h.order_id)
    .bind(&h.tenant_id)
    .bind(&h.merchant_id)
    .bind(&h.reason)
    .bind(&h.placed_by)
    .bind(h.placed_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Releases the order's hold; `false` when it had none.
pub async fn release_hold_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order: OrderId,
) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM legal_holds WHERE tenant_id = $1 AND order_id = $2")
        .bind(tenant_id.to_string())
        .bind(order.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

const HOLD_COLUMNS: &str = "h.order_id, h.tenant_id, h.merchant_id, COALESCE(o.order_no, o.id) AS order_no, h.reason, \
     h.placed_by, h.placed_at";

/// The operator's holds, newest first.
pub async fn holds(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<Vec<HoldRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {HOLD_COLUMNS} FROM legal_holds h JOIN orders o ON o.id = h.order_id \
         WHERE h.tenant_id = $1 ORDER BY h.placed_at DESC, h.order_id"
    )))
    .bind(tenant_id.to_string())
    .fetch_all(conn)
    .await?)
}

/// The order's hold, if it is on hold.
pub async fn hold(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order: OrderId,
) -> StoreResult<Option<HoldRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {HOLD_COLUMNS} FROM legal_holds h JOIN orders o ON o.id = h.order_id \
         WHERE h.tenant_id = $1 AND h.order_id = $2"
    )))
    .bind(tenant_id.to_string())
    .bind(order.to_string())
    .fetch_optional(conn)
    .await?)
}

/// A deletion proposal as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct ProposalRow {
    pub id: String,
    pub tenant_id: String,
    pub status: String,
    pub retention_years: i64,
    pub completed_by: i64,
    pub orders: i64,
    pub proposed_by: String,
    pub proposed_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub executed_at: Option<i64>,
    pub erased: i64,
    pub kept: i64,
}

/// An order a proposal lists.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct ProposalOrderRow {
    pub proposal_id: String,
    pub order_id: String,
    pub tenant_id: String,
    pub merchant_id: String,
    pub order_no: String,
    pub completed_at: i64,
    pub retention_ends_at: i64,
    /// `pending`, `erased` or `kept_on_hold`.
    pub outcome: String,
}

/// An order whose retention may have ended.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct DueOrder {
    pub order_id: String,
    pub merchant_id: String,
    pub order_no: String,
    pub completed_at: i64,
}

/// Up to `limit` orders of the operator completed at or before `completed_by`, oldest first,
/// whose personal data is still there, that no legal hold keeps and no open proposal lists.
pub async fn due(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    completed_by: i64,
    limit: i64,
) -> StoreResult<Vec<DueOrder>> {
    Ok(sqlx::query_as(
        "SELECT o.id AS order_id, o.merchant_id, COALESCE(o.order_no, o.id) AS order_no, o.completed_at \
         FROM orders o WHERE o.tenant_id = $1 AND o.completed_at IS NOT NULL AND o.completed_at <= $2 \
         AND o.personal_data_erased_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.order_id = o.id) \
         AND NOT EXISTS (SELECT 1 FROM deletion_proposal_orders po JOIN deletion_proposals p ON p.id = po.proposal_id \
                         WHERE po.order_id = o.id AND po.outcome = 'pending' AND p.status IN ('proposed', 'approved')) \
         ORDER BY o.completed_at, o.id LIMIT $3",
    )
    .bind(tenant_id.to_string())
    .bind(completed_by)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// Files the proposal and the orders it lists.
pub async fn insert_proposal_in_tx(
    conn: &mut AnyConnection,
    p: &ProposalRow,
    orders: &[ProposalOrderRow],
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO deletion_proposals (id, tenant_id, status, retention_years, completed_by, orders, proposed_by, \
         proposed_at, decided_by, decided_at, executed_at, erased, kept) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, NULL, 0, 0)",
    )
    .bind(&p.id)
    .bind(&p.tenant_id)
    .bind(&p.status)
    .bind(p.retention_years)
    .bind(p.completed_by)
    .bind(p.orders)
    .bind(&p.proposed_by)
    .bind(p.proposed_at)
    .execute(&mut *conn)
    .await?;
    for chunk in orders.chunks(100) {
        let mut sql = crate::sql::Sql::new(
            "INSERT INTO deletion_proposal_orders (proposal_id, order_id, tenant_id, merchant_id, order_no, \
             completed_at, retention_ends_at, outcome) VALUES ",
        );
        for (n, o) in chunk.iter().enumerate() {
            sql.push(if n == 0 { "(" } else { ", (" });
            sql.bind(o.proposal_id.as_str()).push(", ").bind(o.order_id.as_str()).push(", ");
            sql.bind(o.tenant_id.as_str()).push(", ").bind(o.merchant_id.as_str()).push(", ");
            sql.bind(o.order_no.as_str()).push(", ").bind(o.completed_at).push(", ");
            sql.bind(o.retention_ends_at).push(", ").bind(o.outcome.as_str()).push(")");
        }
        sql.query().execute(&mut *conn).await?;
    }
    Ok(())
}

const PROPOSAL_COLUMNS: &str = "id, tenant_id, status, retention_years, completed_by, orders, proposed_by, proposed_at, \
     decided_by, decided_at, executed_at, erased, kept";

/// The operator's proposal `id`.
pub async fn proposal(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
) -> StoreResult<Option<ProposalRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PROPOSAL_COLUMNS} FROM deletion_proposals WHERE tenant_id = $1 AND id = $2"
    )))
    .bind(tenant_id.to_string())
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The operator's proposals, newest first.
pub async fn proposals(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<Vec<ProposalRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PROPOSAL_COLUMNS} FROM deletion_proposals WHERE tenant_id = $1 ORDER BY proposed_at DESC, id DESC"
    )))
    .bind(tenant_id.to_string())
    .fetch_all(conn)
    .await?)
}

/// Whether the operator has a proposal waiting for a decision or still being carried out.
pub async fn open_proposal(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM deletion_proposals WHERE tenant_id = $1 AND status IN ('proposed', 'approved') \
         ORDER BY proposed_at LIMIT 1",
    )
    .bind(tenant_id.to_string())
    .fetch_optional(conn)
    .await?)
}

/// Up to `limit` of the proposal's orders after `after` (order id), with `outcome` when given.
pub async fn proposal_orders(
    conn: &mut AnyConnection,
    proposal_id: &str,
    outcome: Option<&str>,
    after: &str,
    limit: i64,
) -> StoreResult<Vec<ProposalOrderRow>> {
    Ok(sqlx::query_as(
        "SELECT proposal_id, order_id, tenant_id, merchant_id, order_no, completed_at, retention_ends_at, outcome \
         FROM deletion_proposal_orders WHERE proposal_id = $1 AND ($2 = '' OR outcome = $2) AND order_id > $3 \
         ORDER BY order_id LIMIT $4",
    )
    .bind(proposal_id)
    .bind(outcome.unwrap_or_default())
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// Moves the proposal from `from` to `to`, recording the decision; `false` when it was no longer
/// in `from` (decided meanwhile).
pub async fn decide_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    from: &str,
    to: &str,
    decided_by: &str,
    at: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE deletion_proposals SET status = $4, decided_by = COALESCE(decided_by, $5), \
         decided_at = COALESCE(decided_at, $6) WHERE tenant_id = $1 AND id = $2 AND status = $3",
    )
    .bind(tenant_id.to_string())
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(decided_by)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records what became of one listed order.
pub async fn set_outcome_in_tx(
    conn: &mut AnyConnection,
    proposal_id: &str,
    order_id: &str,
    outcome: &str,
) -> StoreResult<()> {
    sqlx::query("UPDATE deletion_proposal_orders SET outcome = $3 WHERE proposal_id = $1 AND order_id = $2")
        .bind(proposal_id)
        .bind(order_id)
        .bind(outcome)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks an approved proposal carried out, with its counts from its orders' outcomes.
pub async fn finish_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    at: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE deletion_proposals SET status = 'executed', executed_at = $3, \
         erased = (SELECT COUNT(*) FROM deletion_proposal_orders WHERE proposal_id = $2 AND outcome = 'erased'), \
         kept = (SELECT COUNT(*) FROM deletion_proposal_orders WHERE proposal_id = $2 AND outcome <> 'erased') \
         WHERE tenant_id = $1 AND id = $2 AND status = 'approved'",
    )
    .bind(tenant_id.to_string())
    .bind(id)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The id of the operator's order with this number (`20261128000001`).
pub async fn order_by_number(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order_no: &str,
) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar("SELECT id FROM orders WHERE tenant_id = $1 AND order_no = $2")
        .bind(tenant_id.to_string())
        .bind(order_no)
        .fetch_optional(conn)
        .await?)
}
