//! Idempotency keys: the first request with a key claims it; its response is stored; a retry
//! with the same key and body gets the stored response instead of running again.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::{Millis, TenantId};

use crate::StoreResult;

/// What a claim found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The key is new and now ours: run the request, then [`complete`] it.
    Claimed,
    /// The key was used before with this body: replay this response.
    Replay { status: u16, body: String },
    /// The key was used with a different body.
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
}

/// Claims `key` for `principal`, or reports what it was used for.
pub async fn claim(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    principal: &str,
    key: &str,
    request_hash: &str,
    now: Millis,
) -> StoreResult<Claim> {
    // ON CONFLICT DO NOTHING rather than catching the error: on PostgreSQL a failed statement
    // aborts the whole transaction.
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (principal, idem_key, tenant_id, request_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (principal, idem_key) DO NOTHING",
    )
    .bind(principal)
    .bind(key)
    .bind(tenant_id.to_string())
    .bind(request_hash)
    .bind(now.0)
    .execute(&mut *conn)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Claim::Claimed);
    }
    let row = sqlx::query(
        "SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE principal = $1 AND idem_key = $2",
    )
    .bind(principal)
    .bind(key)
    .fetch_one(conn)
    .await?;
    let stored_hash: String = row.try_get(0)?;
    let status: Option<i64> = row.try_get(1)?;
    let body: Option<String> = row.try_get(2)?;
    Ok(match (stored_hash == request_hash, status, body) {
        (false, _, _) => Claim::Mismatch,
        (true, Some(status), Some(body)) => Claim::Replay { status: status as u16, body },
        _ => Claim::InProgress,
    })
}

/// Stores the response of a claimed key.
pub async fn complete(
    conn: &mut AnyConnection,
    principal: &str,
    key: &str,
    status: u16,
    body: &str,
) -> StoreResult<()> {
    sqlx::query("UPDATE idempotency_keys SET status_code = $1, response_body = $2 WHERE principal = $3 AND idem_key = $4")
        .bind(i64::from(status))
        .bind(body)
        .bind(principal)
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Frees a claimed key whose request failed, so that a retry can run.
pub async fn release(conn: &mut AnyConnection, principal: &str, key: &str) -> StoreResult<()> {
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE principal = $1 AND idem_key = $2 AND status_code IS NULL",
    )
    .bind(principal)
    .bind(key)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes keys older than `before` (they are kept 24 hours).
pub async fn purge(conn: &mut AnyConnection, before: Millis) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(before.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
