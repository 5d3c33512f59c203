//! Exception cases: one open case per shipment and rule kind; closed cases keep their result.

use sqlx::{AnyConnection, Row};
use tradeport_domain::exceptions::{CaseStatus, CaseType, RuleKind};
use tradeport_domain::kernel::{Millis, OrderId, TenantId};
use tradeport_domain::sla::Department;

use crate::sql::Sql;
use crate::values::id_at;
use crate::{StoreError, StoreResult};

/// A case as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRow {
    pub id: String,
    pub merchant_id: TenantId,
    pub order_id: OrderId,
    pub shipment_id: Option<String>,
    pub case_type: CaseType,
    pub cause: String,
    pub department: Department,
    pub status: CaseStatus,
    pub rule_kind: Option<RuleKind>,
    pub result: Option<String>,
    pub opened_at: Millis,
    pub updated_at: Millis,
    pub closed_at: Option<Millis>,
}

const COLUMNS: &str = "id, merchant_id, order_id, shipment_id, case_type, cause, department, status, rule_kind, result, \
     opened_at, updated_at, closed_at";

fn case_row(r: &sqlx::any::AnyRow) -> StoreResult<CaseRow> {
    let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("exception case {what} {v}"));
    let (case_type, department, status): (String, String, String) =
        (r.try_get(4)?, r.try_get(6)?, r.try_get(7)?);
    let rule_kind: Option<String> = r.try_get(8)?;
    Ok(CaseRow {
        id: r.try_get(0)?,
        merchant_id: id_at(r, 1, "merchant")?,
        order_id: id_at(r, 2, "order")?,
        shipment_id: r.try_get(3)?,
        case_type: CaseType::parse(&case_type).ok_or_else(|| corrupt("type", &case_type))?,
        cause: r.try_get(5)?,
        department: Department::parse(&department).ok_or_else(|| corrupt("department", &department))?,
        status: CaseStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        rule_kind: match rule_kind {
            Some(k) => Some(RuleKind::parse(&k).ok_or_else(|| corrupt("rule kind", &k))?),
            None => None,
        },
        result: r.try_get(9)?,
        opened_at: Millis(r.try_get(10)?),
        updated_at: Millis(r.try_get(11)?),
        closed_at: r.try_get::<Option<i64>, _>(12)?.map(Millis),
    })
}

/// Opens a case unless one with the same `open_key` is open (a shipment and rule kind, a package
/// and its chosen service); true when opened.
pub async fn open_once_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    c: &CaseRow,
    open_key: &str,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO exception_cases (id, tenant_id, merchant_id, order_id, shipment_id, case_type, cause, department, \
         status, rule_kind, open_key, opened_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10, $11, $11) \
         ON CONFLICT (tenant_id, open_key) DO NOTHING",
    )
    .bind(&c.id)
    .bind(tenant_id.to_string())
    .bind(c.merchant_id.to_string())
    .bind(c.order_id.to_string())
    .bind(c.shipment_id.as_deref())
    .bind(c.case_type.as_str())
    .bind(&c.cause)
    .bind(c.department.as_str())
    .bind(c.rule_kind.map(RuleKind::as_str))
    .bind(open_key)
    .bind(c.opened_at.0)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Closes the case open under `open_key` with its result; its id when there was one.
pub async fn close_by_key_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    open_key: &str,
    result: &str,
    now: Millis,
) -> StoreResult<Option<String>> {
    let id: Option<String> =
        sqlx::query_scalar("SELECT id FROM exception_cases WHERE tenant_id = $1 AND open_key = $2")
            .bind(tenant_id.to_string())
            .bind(open_key)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(id) = id else { return Ok(None) };
    Ok(close_in_tx(conn, tenant_id, &id, result, now).await?.then_some(id))
}

/// Closes an open case with its result; true when it was open.
pub async fn close_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    result: &str,
    now: Millis,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE exception_cases SET status = 'closed', open_key = NULL, result = $1, closed_at = $2, updated_at = $2 \
         WHERE tenant_id = $3 AND id = $4 AND status = 'open'",
    )
    .bind(result)
    .bind(now.0)
    .bind(tenant_id.to_string())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The cases open on a shipment.
pub async fn open_of_shipment(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    shipment_id: &str,
) -> StoreResult<Vec<CaseRow>> {
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM exception_cases WHERE tenant_id = "));
    sql.bind(tenant_id.to_string()).push(" AND shipment_id = ").bind(shipment_id.to_string());
    sql.push(" AND status = 'open' ORDER BY id");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(case_row).collect()
}

/// Which cases a list shows.
#[derive(Clone, Debug, Default)]
pub struct CaseFilter {
    pub merchant_id: Option<TenantId>,
    pub order_id: Option<OrderId>,
    pub status: Option<CaseStatus>,
    pub department: Option<Department>,
}

/// Cases newest first, a page at a time (`before` the last id of the previous page).
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    f: &CaseFilter,
    before: Option<&str>,
    limit: u32,
) -> StoreResult<Vec<CaseRow>> {
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM exception_cases WHERE tenant_id = "));
    sql.bind(tenant_id.to_string());
    if let Some(m) = f.merchant_id {
        sql.push(" AND merchant_id = ").bind(m.to_string());
    }
    if let Some(o) = f.order_id {
        sql.push(" AND order_id = ").bind(o.to_string());
    }
    if let Some(s) = f.status {
        sql.push(" AND status = ").bind(s.as_str().to_string());
    }
    if let Some(d) = f.department {
        sql.push(" AND department = ").bind(d.as_str().to_string());
    }
    if let Some(b) = before {
        sql.push(" AND id < ").bind(b.to_string());
    }
    sql.push(" ORDER BY id DESC LIMIT ").bind(i64::from(limit));
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(case_row).collect()
}
