//! The monthly supervision reports as filed (migration 0063), and the month's clocks they read.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::TenantId;

use crate::StoreResult;

/// A filed report.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct SupervisionReportRow {
    pub tenant_id: String,
    /// `YYYY-MM`.
    pub month: String,
    /// JSON of the report's figures.
    pub report: String,
    pub pdf_sha256: String,
    pub xlsx_sha256: String,
    /// JSON list of the addresses it was sent to.
    pub sent_to: String,
    pub filed_at: i64,
}

const COLUMNS: &str = "tenant_id, month, report, pdf_sha256, xlsx_sha256, sent_to, filed_at";

/// Files the report; `false` when the month's report was filed already (by another worker).
pub async fn insert_in_tx(conn: &mut AnyConnection, r: &SupervisionReportRow) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO supervision_reports (tenant_id, month, report, pdf_sha256, xlsx_sha256, sent_to, filed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, month) DO NOTHING",
    )
    .bind(&r.tenant_id)
    .bind(&r.month)
    .bind(&r.report)
    .bind(&r.pdf_sha256)
    .bind(&r.xlsx_sha256)
    .bind(&r.sent_to)
    .bind(r.filed_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The operator's report of `month`.
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    month: &str,
) -> StoreResult<Option<SupervisionReportRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM supervision_reports WHERE tenant_id = $1 AND month = $2"
    )))
    .bind(tenant_id.to_string())
    .bind(month)
    .fetch_optional(conn)
    .await?)
}

/// The operator's reports, newest month first.
pub async fn list(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<Vec<SupervisionReportRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM supervision_reports WHERE tenant_id = $1 ORDER BY month DESC"
    )))
    .bind(tenant_id.to_string())
    .fetch_all(conn)
    .await?)
}

/// A step's clocks in a month: stopped within it, of those stopped by their due time, and still
/// not done by its end though past their due time (paused clocks wait for the buyer, not us).
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct StepClocks {
    pub step: String,
    pub closed: i64,
    pub met: i64,
    pub overdue_open: i64,
}

/// The operator's clocks of `[from, to)` per step (order steps and refunds alike).
pub async fn step_clocks(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    (from, to): (i64, i64),
) -> StoreResult<Vec<StepClocks>> {
    Ok(sqlx::query_as(
        "SELECT step, \
                SUM(CASE WHEN stopped_at < $3 THEN 1 ELSE 0 END) AS closed, \
                SUM(CASE WHEN stopped_at < $3 AND stopped_at <= due_at THEN 1 ELSE 0 END) AS met, \
                SUM(CASE WHEN stopped_at IS NULL OR stopped_at >= $3 THEN 1 ELSE 0 END) AS overdue_open \
         FROM sla_clocks \
         WHERE tenant_id = $1 AND ((stopped_at >= $2 AND stopped_at < $3) \
               OR ((stopped_at IS NULL OR stopped_at >= $3) AND paused_at IS NULL AND due_at < $3)) \
         GROUP BY step ORDER BY step",
    )
    .bind(tenant_id.to_string())
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}
