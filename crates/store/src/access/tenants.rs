//! Tenants: operators and their merchants.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, FromRow};
use tradeport_domain::access::{NewTenant, TenantKind};
use tradeport_domain::kernel::{Millis, TenantId};

use super::{parse_id, parse_tenant_id};
use crate::{StoreError, StoreResult};

/// A stored tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenantRow {
    pub id: TenantId,
    /// The operator: itself for an operator.
    pub tenant_id: TenantId,
    pub kind: TenantKind,
    pub name: String,
    pub code: String,
    pub timezone: String,
    /// JSON object of tenant configuration.
    pub settings: String,
    pub created_at: Millis,
}

const COLUMNS: &str = "id, tenant_id, kind, name, code, timezone, settings, created_at";

/// A tenant as stored, read by column name.
#[derive(sqlx::FromRow)]
struct TenantRecord {
    id: String,
    tenant_id: String,
    kind: String,
    name: String,
    code: String,
    timezone: String,
    settings: String,
    created_at: i64,
}

fn from_row(r: &AnyRow) -> StoreResult<TenantRow> {
    let t = TenantRecord::from_row(r)?;
    Ok(TenantRow {
        id: parse_id(&t.id, "tenant id")?,
        tenant_id: parse_tenant_id(&t.tenant_id)?,
        kind: TenantKind::parse(&t.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("tenant kind {}", t.kind)))?,
        name: t.name,
        code: t.code,
        timezone: t.timezone,
        settings: t.settings,
        created_at: Millis(t.created_at),
    })
}

/// Inserts a tenant with its settings JSON; `tenant_id` is the operator (the new id itself for
/// an operator).
pub async fn insert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: TenantId,
    t: &NewTenant,
    settings: &str,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO tenants (id, tenant_id, kind, name, code, timezone, settings, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.to_string())
    .bind(tenant_id.to_string())
    .bind(t.kind.as_str())
    .bind(&t.name)
    .bind(&t.code)
    .bind(&t.timezone)
    .bind(settings)
    .bind(now.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// One tenant of the operator `tenant_id` (the operator itself or one of its merchants).
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: TenantId,
) -> StoreResult<Option<TenantRow>> {
    let sql = format!("SELECT {COLUMNS} FROM tenants WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// A tenant by its id alone: for authentication, before the operator is known.
pub async fn get_any(conn: &mut AnyConnection, id: TenantId) -> StoreResult<Option<TenantRow>> {
    let sql = format!("SELECT {COLUMNS} FROM tenants WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

/// Every operator's id (operators are their own tenant).
pub async fn operator_ids(conn: &mut AnyConnection) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM tenants WHERE kind = 'operator' ORDER BY id").fetch_all(conn).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A tenant by its unique code, across operators (used by the command line).
pub async fn find_by_code(conn: &mut AnyConnection, code: &str) -> StoreResult<Option<TenantRow>> {
    let sql = format!("SELECT {COLUMNS} FROM tenants WHERE code = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(code).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

/// The operator and its merchants, the operator first, then merchants by name.
pub async fn list(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<Vec<TenantRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM tenants WHERE tenant_id = $1 ORDER BY CASE WHEN kind = 'operator' THEN 0 ELSE 1 END, name, id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant_id.to_string()).fetch_all(conn).await?;
    rows.iter().map(from_row).collect()
}

/// Replaces the operator's settings JSON.
pub async fn update_settings_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    settings: &str,
) -> StoreResult<()> {
    sqlx::query("UPDATE tenants SET settings = $1 WHERE id = $2")
        .bind(settings)
        .bind(tenant_id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Number of merchants of the operator.
pub async fn count_merchants(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<i64> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM tenants WHERE tenant_id = $1 AND kind = 'merchant'")
            .bind(tenant_id.to_string())
            .fetch_one(conn)
            .await?;
    Ok(n)
}
