//! Settlement reports and what reconciling them found.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::TenantId;

use crate::StoreResult;

/// A report as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct SettlementRow {
    pub id: String,
    pub tenant_id: String,
    pub merchant_id: String,
    pub account_id: String,
    pub provider: String,
    pub file_name: String,
    /// The period the report covers: payments made from this instant …
    pub period_from: i64,
    /// … until this one (excluded).
    pub period_to: i64,
    pub line_count: i64,
    /// JSON of the totals.
    pub summary: String,
    pub created_at: i64,
}

/// One finding as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct SettlementItemRow {
    pub id: String,
    pub report_id: String,
    pub position: i64,
    pub finding: String,
    pub reference: String,
    pub currency: String,
    /// Comma-separated line numbers of the file.
    pub line_nos: String,
    pub payment_id: Option<String>,
    pub order_id: Option<String>,
    pub report_charged_minor: i64,
    pub ours_charged_minor: i64,
    pub report_refunded_minor: i64,
    pub ours_refunded_minor: i64,
    pub fee_minor: i64,
    pub difference_minor: i64,
}

const COLUMNS: &str = "id, tenant_id, merchant_id, account_id, provider, file_name, period_from, period_to, line_count, summary, created_at";
const ITEM_COLUMNS: &str = "id, report_id, position, finding, reference, currency, line_nos, payment_id, order_id, \
     report_charged_minor, ours_charged_minor, report_refunded_minor, ours_refunded_minor, fee_minor, difference_minor";

pub async fn insert_in_tx(
    conn: &mut AnyConnection,
    r: &SettlementRow,
    items: &[SettlementItemRow],
) -> StoreResult<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO settlement_reports ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    )))
    .bind(&r.id)
    .bind(&r.tenant_id)
    .bind(&r.merchant_id)
    .bind(&r.account_id)
    .bind(&r.provider)
    .bind(&r.file_name)
    .bind(r.period_from)
    .bind(r.period_to)
    .bind(r.line_count)
    .bind(&r.summary)
    .bind(r.created_at)
    .execute(&mut *conn)
    .await?;
    for i in items {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO settlement_items (tenant_id, {ITEM_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        )))
        .bind(&r.tenant_id)
        .bind(&i.id)
        .bind(&i.report_id)
        .bind(i.position)
        .bind(&i.finding)
        .bind(&i.reference)
        .bind(&i.currency)
        .bind(&i.line_nos)
        .bind(i.payment_id.as_deref())
        .bind(i.order_id.as_deref())
        .bind(i.report_charged_minor)
        .bind(i.ours_charged_minor)
        .bind(i.report_refunded_minor)
        .bind(i.ours_refunded_minor)
        .bind(i.fee_minor)
        .bind(i.difference_minor)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// One report of the operator (a merchant: only its own).
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
    id: &str,
) -> StoreResult<Option<SettlementRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM settlement_reports WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) AND id = $3"
    )))
    .bind(tenant_id.to_string())
    .bind(crate::merchant_filter(merchant))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The operator's reports (a merchant: its own), newest first.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
) -> StoreResult<Vec<SettlementRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM settlement_reports WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) \
         ORDER BY created_at DESC, id DESC LIMIT 200"
    )))
    .bind(tenant_id.to_string())
    .bind(crate::merchant_filter(merchant))
    .fetch_all(conn)
    .await?)
}

/// A report's findings in order.
pub async fn items(conn: &mut AnyConnection, report_id: &str) -> StoreResult<Vec<SettlementItemRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ITEM_COLUMNS} FROM settlement_items WHERE report_id = $1 ORDER BY position"
    )))
    .bind(report_id)
    .fetch_all(conn)
    .await?)
}
