//! Working calendars (migration 0010): one per warehouse and one default per operator, stored as
//! staff wrote them (the week and the closed days as JSON).

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{Millis, TenantId, WarehouseId};

use crate::{StoreError, StoreResult};

/// A stored calendar. `warehouse_id` is `None` for the operator's default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarRow {
    pub id: String,
    pub warehouse_id: Option<WarehouseId>,
    pub timezone: String,
    /// JSON object: weekday → intervals.
    pub week: String,
    /// JSON array of `{date, name}`.
    pub closed_days: String,
    pub updated_at: Millis,
}

#[derive(FromRow)]
struct CalendarRecord {
    id: String,
    warehouse_id: String,
    timezone: String,
    week: String,
    closed_days: String,
    updated_at: i64,
}

impl TryFrom<CalendarRecord> for CalendarRow {
    type Error = StoreError;

    fn try_from(r: CalendarRecord) -> StoreResult<Self> {
        let warehouse_id = match r.warehouse_id.as_str() {
            "" => None,
            w => {
                Some(w.parse().map_err(|_| StoreError::Corrupt(format!("calendar {} warehouse {w}", r.id)))?)
            }
        };
        Ok(Self {
            id: r.id,
            warehouse_id,
            timezone: r.timezone,
            week: r.week,
            closed_days: r.closed_days,
            updated_at: Millis(r.updated_at),
        })
    }
}

const COLUMNS: &str = "id, warehouse_id, timezone, week, closed_days, updated_at";

fn owner_key(warehouse_id: Option<WarehouseId>) -> String {
    warehouse_id.map(|w| w.to_string()).unwrap_or_default()
}

/// Writes the owner's calendar (a new one, or over the one it has, which keeps its id); returns
/// the id.
pub async fn upsert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    c: &CalendarRow,
) -> StoreResult<String> {
    let id: String = sqlx::query_scalar(
        "INSERT INTO calendars (id, tenant_id, warehouse_id, timezone, week, closed_days, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, warehouse_id) DO UPDATE SET \
         timezone = excluded.timezone, week = excluded.week, closed_days = excluded.closed_days, \
         updated_at = excluded.updated_at RETURNING id",
    )
    .bind(&c.id)
    .bind(tenant_id.to_string())
    .bind(owner_key(c.warehouse_id))
    .bind(&c.timezone)
    .bind(&c.week)
    .bind(&c.closed_days)
    .bind(c.updated_at.0)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The calendar of a warehouse, or the operator's default (`None`).
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    warehouse_id: Option<WarehouseId>,
) -> StoreResult<Option<CalendarRow>> {
    let sql = format!("SELECT {COLUMNS} FROM calendars WHERE tenant_id = $1 AND warehouse_id = $2");
    let record: Option<CalendarRecord> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(owner_key(warehouse_id))
        .fetch_optional(conn)
        .await?;
    record.map(CalendarRow::try_from).transpose()
}

/// A calendar by id.
pub async fn get_by_id(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
) -> StoreResult<Option<CalendarRow>> {
    let sql = format!("SELECT {COLUMNS} FROM calendars WHERE tenant_id = $1 AND id = $2");
    let record: Option<CalendarRecord> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(id)
        .fetch_optional(conn)
        .await?;
    record.map(CalendarRow::try_from).transpose()
}

/// The operator's calendars, the default first.
pub async fn list(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<Vec<CalendarRow>> {
    let sql = format!("SELECT {COLUMNS} FROM calendars WHERE tenant_id = $1 ORDER BY warehouse_id");
    let records: Vec<CalendarRecord> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant_id.to_string()).fetch_all(conn).await?;
    records.into_iter().map(CalendarRow::try_from).collect()
}
