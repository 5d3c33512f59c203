//! The KPI roll-ups as stored: amounts per operator, day, merchant, department, person and measure,
//! added to by upserts, with the last audit-chain link rolled up per operator.

use sqlx::{AnyConnection, FromRow, Row};
use tradeport_domain::kernel::TenantId;

use crate::StoreResult;
use crate::sql::{Arg, Sql};

/// One roll-up cell.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, FromRow)]
pub struct RollupRow {
    pub day: String,
    /// Empty: no merchant.
    pub merchant_id: String,
    pub department: String,
    /// `user:<id>` or `api_key:<id>`; empty: the system.
    pub person: String,
    pub measure: String,
    pub amount: i64,
}

/// The last link rolled up for the operator (0: none).
pub async fn cursor(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<i64> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT last_seq FROM kpi_cursors WHERE tenant_id = $1")
        .bind(tenant_id.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(row.map_or(0, |(seq,)| seq))
}

/// Moves the cursor from `from` to `to`; false when another roll-up moved it first.
pub async fn move_cursor_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    from: i64,
    to: i64,
) -> StoreResult<bool> {
    sqlx::query(
        "INSERT INTO kpi_cursors (tenant_id, last_seq) VALUES ($1, 0) ON CONFLICT (tenant_id) DO NOTHING",
    )
    .bind(tenant_id.to_string())
    .execute(&mut *conn)
    .await?;
    let moved = sqlx::query("UPDATE kpi_cursors SET last_seq = $3 WHERE tenant_id = $1 AND last_seq = $2")
        .bind(tenant_id.to_string())
        .bind(from)
        .bind(to)
        .execute(&mut *conn)
        .await?;
    Ok(moved.rows_affected() == 1)
}

/// Adds the amounts to their cells.
pub async fn add_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, rows: &[RollupRow]) -> StoreResult<()> {
    for chunk in rows.chunks(500) {
        let mut sql = Sql::new(
            "INSERT INTO kpi_daily (tenant_id, day, merchant_id, department, person, measure, amount) VALUES ",
        );
        for (n, r) in chunk.iter().enumerate() {
            if n > 0 {
                sql.push(", ");
            }
            sql.bind_list::<Arg>([
                tenant_id.to_string().into(),
                r.day.as_str().into(),
                r.merchant_id.as_str().into(),
                r.department.as_str().into(),
                r.person.as_str().into(),
                r.measure.as_str().into(),
                r.amount.into(),
            ]);
        }
        sql.push(
            " ON CONFLICT (tenant_id, day, merchant_id, department, person, measure) \
             DO UPDATE SET amount = kpi_daily.amount + excluded.amount",
        );
        sql.query().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Replaces the operator's cells and cursor (a rebuild).
pub async fn replace_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    rows: &[RollupRow],
    last_seq: i64,
) -> StoreResult<()> {
    // The cursor first, as a roll-up takes it: the two wait for each other instead of locking
    // in opposite orders.
    sqlx::query(
        "INSERT INTO kpi_cursors (tenant_id, last_seq) VALUES ($1, $2) \
         ON CONFLICT (tenant_id) DO UPDATE SET last_seq = excluded.last_seq",
    )
    .bind(tenant_id.to_string())
    .bind(last_seq)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM kpi_daily WHERE tenant_id = $1")
        .bind(tenant_id.to_string())
        .execute(&mut *conn)
        .await?;
    add_in_tx(conn, tenant_id, rows).await?;
    Ok(())
}

/// The operator's cells from `from` to `to` (days, inclusive), a merchant's only when given.
pub async fn cells(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
    (from, to): (&str, &str),
) -> StoreResult<Vec<RollupRow>> {
    Ok(sqlx::query_as(
        "SELECT day, merchant_id, department, person, measure, amount FROM kpi_daily \
         WHERE tenant_id = $1 AND day >= $2 AND day <= $3 AND ($4 = '' OR merchant_id = $4) \
         ORDER BY day, merchant_id, department, person, measure",
    )
    .bind(tenant_id.to_string())
    .bind(from)
    .bind(to)
    .bind(crate::merchant_filter(merchant))
    .fetch_all(conn)
    .await?)
}

/// When each of these orders was received (created), by id.
pub async fn received_at(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order_ids: &[String],
) -> StoreResult<Vec<(String, i64)>> {
    let mut out = Vec::new();
    for chunk in order_ids.chunks(500) {
        let mut sql = Sql::new("SELECT id, created_at FROM orders WHERE tenant_id = ");
        sql.bind(Arg::from(tenant_id.to_string()));
        sql.push(" AND id IN (");
        for (n, id) in chunk.iter().enumerate() {
            if n > 0 {
                sql.push(", ");
            }
            sql.bind(Arg::from(id.as_str()));
        }
        sql.push(")");
        for row in sql.query().fetch_all(&mut *conn).await? {
            out.push((row.try_get::<String, _>(0)?, row.try_get::<i64, _>(1)?));
        }
    }
    Ok(out)
}

/// An event as a figure's drill-down reads it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct DrillEvent {
    pub id: String,
    pub merchant_id: Option<String>,
    pub subject_id: String,
    pub kind: String,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub data: String,
    pub at: i64,
}

/// Up to `limit` of the operator's order events with ids from `after` (exclusive) to `before`
/// (UUIDv7: a time range on the primary key), whose kind starts with one of `prefixes`, of one
/// merchant when given.
pub async fn order_events(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
    (after, before): (&str, &str),
    prefixes: &[&str],
    limit: i64,
) -> StoreResult<Vec<DrillEvent>> {
    let mut sql = crate::sql::Sql::new(
        "SELECT id, merchant_id, subject_id, kind, actor_kind, actor_id, data, at FROM events WHERE id > ",
    );
    sql.bind(after).push(" AND id < ").bind(before).push(" AND tenant_id = ").bind(tenant_id.to_string());
    sql.push(" AND subject_type = 'order'");
    if let Some(m) = merchant {
        sql.push(" AND merchant_id = ").bind(m.to_string());
    }
    sql.push(" AND (");
    for (n, p) in prefixes.iter().enumerate() {
        sql.push(if n == 0 { "kind LIKE " } else { " OR kind LIKE " }).bind(format!("{p}%"));
    }
    sql.push(") ORDER BY id LIMIT ").bind(limit);
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(|r| DrillEvent::from_row(r).map_err(Into::into)).collect()
}

/// The order numbers of these orders of the operator.
pub async fn order_numbers(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    ids: &[String],
) -> StoreResult<Vec<(String, String)>> {
    let mut sql = crate::sql::Sql::new(
        "SELECT id, COALESCE(order_no, channel_order_id) FROM orders WHERE tenant_id = ",
    );
    sql.bind(tenant_id.to_string()).push(" AND id IN ").bind_list(ids.iter().map(String::as_str));
    let rows = sql.query().fetch_all(conn).await?;
    Ok(rows.iter().map(|r| (sqlx::Row::get::<String, _>(r, 0), sqlx::Row::get::<String, _>(r, 1))).collect())
}
