//! Order files being imported, their progress and outcome (migration 0039), and each merchant's
//! last column mapping.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{Millis, TenantId};

use crate::StoreResult;

/// An import as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct ImportRow {
    pub id: String,
    pub tenant_id: String,
    pub merchant_id: String,
    pub file_name: String,
    /// The uploaded file in the blob store.
    pub file_blob: String,
    /// JSON array of the file's headers.
    pub headers: String,
    /// JSON of the column mapping.
    pub mapping: String,
    /// `mapping` (waiting to be run), `running`, `done`, `failed` or `interrupted`.
    pub status: String,
    pub dry_run: i64,
    pub rows_total: i64,
    pub rows_done: i64,
    pub orders_created: i64,
    pub orders_existing: i64,
    pub rows_refused: i64,
    /// The file of refused rows in the blob store; empty when none.
    pub errors_blob: String,
    pub detail: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

/// A run that has not reported for this long stopped with its server.
pub const SILENT_RUN_MS: i64 = 120_000;

impl ImportRow {
    /// The status as seen `now`: a run silent for too long is `interrupted`.
    pub fn status_at(&self, now: Millis) -> &str {
        if self.status == "running" && self.updated_at < now.0 - SILENT_RUN_MS {
            "interrupted"
        } else {
            &self.status
        }
    }
}

const COLUMNS: &str = "id, tenant_id, merchant_id, file_name, file_blob, headers, mapping, status, dry_run, rows_total, \
     rows_done, orders_created, orders_existing, rows_refused, errors_blob, detail, created_at, updated_at, finished_at";

pub async fn insert_in_tx(conn: &mut AnyConnection, i: &ImportRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO order_imports (id, tenant_id, merchant_id, file_name, file_blob, headers, mapping, status, dry_run, \
         rows_total, rows_done, orders_created, orders_existing, rows_refused, errors_blob, detail, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, 0, 0, 0, '', '', $11, $11)",
    )
    .bind(&i.id)
    .bind(&i.tenant_id)
    .bind(&i.merchant_id)
    .bind(&i.file_name)
    .bind(&i.file_blob)
    .bind(&i.headers)
    .bind(&i.mapping)
    .bind(&i.status)
    .bind(i.dry_run)
    .bind(i.rows_total)
    .bind(i.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// One import of the operator (a merchant: only its own).
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
    id: &str,
) -> StoreResult<Option<ImportRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM order_imports WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) AND id = $3"
    )))
    .bind(tenant_id.to_string())
    .bind(merchant.map(|m| m.to_string()).unwrap_or_default())
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The latest imports of the operator (a merchant: its own).
pub async fn recent(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
) -> StoreResult<Vec<ImportRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM order_imports WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) \
         ORDER BY created_at DESC, id DESC LIMIT 20"
    )))
    .bind(tenant_id.to_string())
    .bind(merchant.map(|m| m.to_string()).unwrap_or_default())
    .fetch_all(conn)
    .await?)
}

/// Starts a run with `mapping`, unless one is running already (`false` then; a silent one
/// counts as stopped).
pub async fn start(
    conn: &mut AnyConnection,
    id: &str,
    mapping: &str,
    dry_run: bool,
    at: Millis,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE order_imports SET status = 'running', mapping = $2, dry_run = $3, rows_done = 0, orders_created = 0, \
         orders_existing = 0, rows_refused = 0, errors_blob = '', detail = '', finished_at = NULL, updated_at = $4 \
         WHERE id = $1 AND (status <> 'running' OR updated_at < $5)",
    )
    .bind(id)
    .bind(mapping)
    .bind(i64::from(dry_run))
    .bind(at.0)
    .bind(at.0 - SILENT_RUN_MS)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How far a run got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub rows_done: i64,
    pub orders_created: i64,
    pub orders_existing: i64,
    pub rows_refused: i64,
}

pub async fn record_progress(conn: &mut AnyConnection, id: &str, p: Progress, at: Millis) -> StoreResult<()> {
    sqlx::query(
        "UPDATE order_imports SET rows_done = $2, orders_created = $3, orders_existing = $4, rows_refused = $5, \
         updated_at = $6 WHERE id = $1 AND status = 'running' AND finished_at IS NULL",
    )
    .bind(id)
    .bind(p.rows_done)
    .bind(p.orders_created)
    .bind(p.orders_existing)
    .bind(p.rows_refused)
    .bind(at.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends a run: `done`, `failed` (with why) or `interrupted`.
pub async fn finish(
    conn: &mut AnyConnection,
    id: &str,
    status: &str,
    p: Progress,
    errors_blob: &str,
    detail: &str,
    at: Millis,
) -> StoreResult<()> {
    record_progress(conn, id, p, at).await?;
    sqlx::query(
        "UPDATE order_imports SET status = $2, errors_blob = $3, detail = $4, finished_at = $5 WHERE id = $1",
    )
    .bind(id)
    .bind(status)
    .bind(errors_blob)
    .bind(detail)
    .bind(at.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// The merchant's last mapping (JSON), if any.
pub async fn saved_mapping(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: TenantId,
) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar("SELECT mapping FROM import_mappings WHERE tenant_id = $1 AND merchant_id = $2")
        .bind(tenant_id.to_string())
        .bind(merchant.to_string())
        .fetch_optional(conn)
        .await?)
}

pub async fn save_mapping(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: TenantId,
    mapping: &str,
    at: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO import_mappings (merchant_id, tenant_id, mapping, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (merchant_id) DO UPDATE SET mapping = $3, updated_at = $4",
    )
    .bind(merchant.to_string())
    .bind(tenant_id.to_string())
    .bind(mapping)
    .bind(at.0)
    .execute(conn)
    .await?;
    Ok(())
}
