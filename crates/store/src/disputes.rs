//! Disputes and their evidence, as stored.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::TenantId;

use crate::StoreResult;

/// A dispute as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct DisputeRow {
    pub id: String,
    pub tenant_id: String,
    pub merchant_id: String,
    pub order_id: String,
    pub ticket_id: Option<String>,
    /// `buyer_contest`, `marketplace_claim` or `chargeback`.
    pub kind: String,
    /// `open`, `mediation`, `decided` or `closed`.
    pub status: String,
    pub claim: String,
    pub claim_minor: i64,
    pub currency: String,
    pub evidence_due: i64,
    pub decision_due: i64,
    pub mediator: Option<String>,
    /// `for_buyer`, `for_seller` or `split`.
    pub ruling: Option<String>,
    pub rule_applied: Option<String>,
    pub refund_minor: Option<i64>,
    pub refund_id: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub review: Option<String>,
    pub reviewed_at: Option<i64>,
    pub opened_by: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A piece of evidence.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct EvidenceRow {
    pub id: String,
    pub tenant_id: String,
    pub dispute_id: String,
    /// `buyer` or `seller`.
    pub party: String,
    pub description: String,
    pub added_by: String,
    pub created_at: i64,
}

const COLUMNS: &str = "id, tenant_id, merchant_id, order_id, ticket_id, kind, status, claim, claim_minor, currency, \
     evidence_due, decision_due, mediator, ruling, rule_applied, refund_minor, refund_id, decided_by, decided_at, \
     review, reviewed_at, opened_by, created_at, updated_at";

pub async fn insert_in_tx(conn: &mut AnyConnection, d: &DisputeRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO disputes (id, tenant_id, merchant_id, order_id, ticket_id, kind, status, claim, claim_minor, \
         currency, evidence_due, decision_due, opened_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
    )
    .bind(&d.id)
    .bind(&d.tenant_id)
    .bind(&d.merchant_id)
    .bind(&d.order_id)
    .bind(d.ticket_id.as_deref())
    .bind(&d.kind)
    .bind(&d.status)
    .bind(&d.claim)
    .bind(d.claim_minor)
    .bind(&d.currency)
    .bind(d.evidence_due)
    .bind(d.decision_due)
    .bind(&d.opened_by)
    .bind(d.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes a dispute's progress, if it is still `from` (a step taken meanwhile wins); whether it
/// was written.
pub async fn update_in_tx(conn: &mut AnyConnection, d: &DisputeRow, from: &str) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE disputes SET status = $3, mediator = $4, ruling = $5, rule_applied = $6, refund_minor = $7, \
         refund_id = $8, decided_by = $9, decided_at = $10, review = $11, reviewed_at = $12, updated_at = $13 \
         WHERE tenant_id = $1 AND id = $2 AND status = $14",
    )
    .bind(&d.tenant_id)
    .bind(&d.id)
    .bind(&d.status)
    .bind(d.mediator.as_deref())
    .bind(d.ruling.as_deref())
    .bind(d.rule_applied.as_deref())
    .bind(d.refund_minor)
    .bind(d.refund_id.as_deref())
    .bind(d.decided_by.as_deref())
    .bind(d.decided_at)
    .bind(d.review.as_deref())
    .bind(d.reviewed_at)
    .bind(d.updated_at)
    .bind(from)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One dispute of the operator (a merchant: its own).
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
    id: &str,
) -> StoreResult<Option<DisputeRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM disputes WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) AND id = $3"
    )))
    .bind(tenant_id.to_string())
    .bind(crate::merchant_filter(merchant))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The dispute of `kind` on an order not yet decided (open or in mediation), if there is one.
pub async fn undecided_of_order(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order_id: &str,
    kind: &str,
) -> StoreResult<Option<DisputeRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM disputes WHERE tenant_id = $1 AND order_id = $2 AND kind = $3 \
         AND status IN ('open', 'mediation') ORDER BY created_at LIMIT 1"
    )))
    .bind(tenant_id.to_string())
    .bind(order_id)
    .bind(kind)
    .fetch_optional(conn)
    .await?)
}

/// The operator's disputes (a merchant: its own), newest first, at most 200; `status` filters.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
    status: Option<&str>,
) -> StoreResult<Vec<DisputeRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM disputes WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) \
         AND ($3 = '' OR status = $3) ORDER BY created_at DESC, id DESC LIMIT 200"
    )))
    .bind(tenant_id.to_string())
    .bind(crate::merchant_filter(merchant))
    .bind(status.unwrap_or_default())
    .fetch_all(conn)
    .await?)
}

pub async fn insert_evidence_in_tx(conn: &mut AnyConnection, e: &EvidenceRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO dispute_evidence (id, tenant_id, dispute_id, party, description, added_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&e.id)
    .bind(&e.tenant_id)
    .bind(&e.dispute_id)
    .bind(&e.party)
    .bind(&e.description)
    .bind(&e.added_by)
    .bind(e.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A dispute's evidence, oldest first.
pub async fn evidence(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    dispute: &str,
) -> StoreResult<Vec<EvidenceRow>> {
    Ok(sqlx::query_as(
        "SELECT id, tenant_id, dispute_id, party, description, added_by, created_at FROM dispute_evidence \
         WHERE tenant_id = $1 AND dispute_id = $2 ORDER BY created_at, id",
    )
    .bind(tenant_id.to_string())
    .bind(dispute)
    .fetch_all(conn)
    .await?)
}
