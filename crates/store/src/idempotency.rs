//! Idempotency keys: the first request with a key claims it with a lease and a token; the use
//! case's transaction marks it committed (in that same transaction); the response is stored
//! afterwards. A retry with the same key and request gets the stored response instead of running
//! again; a key whose request died without committing can be claimed again once its lease ends.

use sqlx::AnyConnection;
use tradeport_domain::kernel::{Millis, TenantId};

use crate::StoreResult;

/// A stored key, read by column name.
#[derive(sqlx::FromRow)]
struct KeyRecord {
    request_hash: String,
    status_code: Option<i64>,
    response_body: Option<String>,
    committed_at: Option<i64>,
    lease_until: i64,
    claim_token: String,
}

/// What a claim found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The key is ours, under this token, until the lease ends: run the request.
    Claimed,
    /// The key was used before with this request: replay this response.
    Replay { status: u16, body: String },
    /// The key was used with a different request.
    Mismatch,
    /// The first request with this key is still running (its lease has not ended).
    InProgress,
    /// The first request's write committed, but the process stopped before its response was
    /// stored: nothing runs again, and there is no response to replay.
    CommittedWithoutResponse,
}

/// The key being claimed.
#[derive(Clone, Copy, Debug)]
pub struct KeyClaim<'a> {
    pub tenant_id: TenantId,
    pub principal: &'a str,
    pub key: &'a str,
    pub request_hash: &'a str,
    /// A fresh random token that identifies this claim.
    pub token: &'a str,
    pub now: Millis,
    pub lease_until: Millis,
}

/// Claims the key, or reports what it was used for. A claim whose lease ended without a commit is
/// taken over.
pub async fn claim(conn: &mut AnyConnection, c: &KeyClaim<'_>) -> StoreResult<Claim> {
    // ON CONFLICT DO NOTHING rather than catching the error: on PostgreSQL a failed statement
    // aborts the whole transaction.
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (principal, idem_key, tenant_id, request_hash, created_at, claim_token, lease_until) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (principal, idem_key) DO NOTHING",
    )
    .bind(c.principal)
    .bind(c.key)
    .bind(c.tenant_id.to_string())
    .bind(c.request_hash)
    .bind(c.now.0)
    .bind(c.token)
    .bind(c.lease_until.0)
    .execute(&mut *conn)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Claim::Claimed);
    }
    let KeyRecord {
        request_hash: stored_hash,
        status_code: status,
        response_body: body,
        committed_at: committed,
        lease_until,
        claim_token: old_token,
    } = sqlx::query_as(
        "SELECT request_hash, status_code, response_body, committed_at, lease_until, claim_token \
         FROM idempotency_keys WHERE principal = $1 AND idem_key = $2",
    )
    .bind(c.principal)
    .bind(c.key)
    .fetch_one(&mut *conn)
    .await?;
    if stored_hash != c.request_hash {
        return Ok(Claim::Mismatch);
    }
    if let (Some(status), Some(body)) = (status, body) {
        return Ok(Claim::Replay { status: status as u16, body });
    }
    if lease_until > c.now.0 {
        return Ok(Claim::InProgress);
    }
    if committed.is_some() {
        return Ok(Claim::CommittedWithoutResponse);
    }
    // The first request died without committing: take the key over, unless another retry did.
    let taken = sqlx::query(
        "UPDATE idempotency_keys SET claim_token = $1, lease_until = $2 \
         WHERE principal = $3 AND idem_key = $4 AND claim_token = $5 AND committed_at IS NULL",
    )
    .bind(c.token)
    .bind(c.lease_until.0)
    .bind(c.principal)
    .bind(c.key)
    .bind(old_token)
    .execute(conn)
    .await?;
    Ok(if taken.rows_affected() == 1 { Claim::Claimed } else { Claim::InProgress })
}

/// Marks the claim's write as committed, inside the writing transaction; false when the claim is
/// no longer this token's (its lease ended and a retry took it over), and the write must roll back.
pub async fn mark_committed_in_tx(
    conn: &mut AnyConnection,
    principal: &str,
    key: &str,
    token: &str,
    now: Millis,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE idempotency_keys SET committed_at = COALESCE(committed_at, $1) \
         WHERE principal = $2 AND idem_key = $3 AND claim_token = $4",
    )
    .bind(now.0)
    .bind(principal)
    .bind(key)
    .bind(token)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends a claim: stores the response when the request succeeded or its write committed (so a
/// retry replays it), and otherwise frees the key so a corrected retry can run.
pub async fn finish_in_tx(
    conn: &mut AnyConnection,
    principal: &str,
    key: &str,
    token: &str,
    succeeded: bool,
    status: u16,
    body: &str,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE idempotency_keys SET status_code = $1, response_body = $2, lease_until = 0 \
         WHERE principal = $3 AND idem_key = $4 AND claim_token = $5 AND ($6 = 1 OR committed_at IS NOT NULL)",
    )
    .bind(i64::from(status))
    .bind(body)
    .bind(principal)
    .bind(key)
    .bind(token)
    .bind(i64::from(succeeded))
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE principal = $1 AND idem_key = $2 AND claim_token = $3 \
         AND status_code IS NULL AND committed_at IS NULL",
    )
    .bind(principal)
    .bind(key)
    .bind(token)
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
