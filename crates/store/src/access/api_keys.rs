//! API keys: only their SHA-256 is stored.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, FromRow};
use tradeport_domain::access::Role;
use tradeport_domain::kernel::{ApiKeyId, Millis, TenantId};

use super::{parse_id, parse_opt_tenant_id, parse_role, parse_tenant_id};
use crate::StoreResult;

/// A stored API key (without the secret, which is never stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKeyRow {
    pub id: ApiKeyId,
    pub tenant_id: TenantId,
    pub merchant_id: Option<TenantId>,
    pub name: String,
    pub role: Role,
    pub prefix: String,
    pub created_by: Option<String>,
    pub created_at: Millis,
    pub last_used_at: Option<Millis>,
    pub revoked_at: Option<Millis>,
}

/// A key to insert.
#[derive(Clone, Debug)]
pub struct NewApiKeyRow<'a> {
    pub id: ApiKeyId,
    pub merchant_id: Option<TenantId>,
    pub name: &'a str,
    pub role: Role,
    pub prefix: &'a str,
    pub key_hash: &'a str,
    pub created_by: Option<String>,
}

const COLUMNS: &str =
    "id, tenant_id, merchant_id, name, role, prefix, created_by, created_at, last_used_at, revoked_at";

/// An API key as stored, read by column name.
#[derive(sqlx::FromRow)]
struct ApiKeyRecord {
    id: String,
    tenant_id: String,
    merchant_id: Option<String>,
    name: String,
    role: String,
    prefix: String,
    created_by: Option<String>,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

fn from_row(r: &AnyRow) -> StoreResult<ApiKeyRow> {
    let k = ApiKeyRecord::from_row(r)?;
    Ok(ApiKeyRow {
        id: parse_id(&k.id, "api key id")?,
        tenant_id: parse_tenant_id(&k.tenant_id)?,
        merchant_id: parse_opt_tenant_id(k.merchant_id)?,
        name: k.name,
        role: parse_role(&k.role)?,
        prefix: k.prefix,
        created_by: k.created_by,
        created_at: Millis(k.created_at),
        last_used_at: k.last_used_at.map(Millis),
        revoked_at: k.revoked_at.map(Millis),
    })
}

/// Inserts a key.
pub async fn insert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    k: &NewApiKeyRow<'_>,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO api_keys (id, tenant_id, merchant_id, name, role, prefix, key_hash, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(k.id.to_string())
    .bind(tenant_id.to_string())
    .bind(k.merchant_id.map(|m| m.to_string()))
    .bind(k.name)
    .bind(k.role.as_str())
    .bind(k.prefix)
    .bind(k.key_hash)
    .bind(k.created_by.clone())
    .bind(now.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// The key with this hash, revoked or not: for authentication, before the tenant is known.
pub async fn find_by_hash(conn: &mut AnyConnection, key_hash: &str) -> StoreResult<Option<ApiKeyRow>> {
    let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE key_hash = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(key_hash).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

/// One key of the operator.
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: ApiKeyId,
) -> StoreResult<Option<ApiKeyRow>> {
    let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Keys of the operator, optionally of one merchant only, in creation order, after the id `after_id` (empty: from the start).
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: Option<TenantId>,
    after_id: &str,
    limit: u32,
) -> StoreResult<Vec<ApiKeyRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM api_keys WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) AND id > $3 ORDER BY id LIMIT $4"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(crate::merchant_filter(merchant_id))
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Revokes a key; false when it was already revoked.
pub async fn revoke_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: ApiKeyId,
    now: Millis,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE api_keys SET revoked_at = $1 WHERE tenant_id = $2 AND id = $3 AND revoked_at IS NULL",
    )
    .bind(now.0)
    .bind(tenant_id.to_string())
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records use of a key, at most once a minute per key to keep the hot path read-only.
pub async fn touch_last_used(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: ApiKeyId,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE api_keys SET last_used_at = $1 WHERE tenant_id = $2 AND id = $3 \
         AND (last_used_at IS NULL OR last_used_at < $4)",
    )
    .bind(now.0)
    .bind(tenant_id.to_string())
    .bind(id.to_string())
    .bind(now.minus_minutes(1).0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Number of active keys of the operator.
pub async fn count_active(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<i64> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL")
            .bind(tenant_id.to_string())
            .fetch_one(conn)
            .await?;
    Ok(n)
}
