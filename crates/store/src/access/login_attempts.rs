//! Sign-in attempts, kept to throttle password guessing.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::Millis;
use uuid::Uuid;

use crate::StoreResult;

/// Records an attempt.
pub async fn record(
    conn: &mut AnyConnection,
    id: Uuid,
    email: &str,
    ip: &str,
    succeeded: bool,
    at: Millis,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO login_attempts (id, email, ip, succeeded, at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id.to_string())
        .bind(email)
        .bind(ip)
        .bind(i64::from(succeeded))
        .bind(at.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// Serialises sign-in attempts on one account until the transaction ends, so parallel guesses
/// are counted one after another (PostgreSQL: a transaction advisory lock on the e-mail; SQLite:
/// the write transaction already holds the single writer lock).
pub async fn lock_account_in_tx(conn: &mut AnyConnection, email: &str) -> StoreResult<()> {
    if crate::is_postgres(conn) {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))::text").bind(email).execute(conn).await?;
    }
    Ok(())
}

/// Recent failures, each with the time of its oldest counted failure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecentFailures {
    /// Of this account from this address, since the account's last success.
    pub account_from_address: (i64, Option<Millis>),
    /// From this address, on any account.
    pub from_address: (i64, Option<Millis>),
    /// Of this account from any address, since its last success.
    pub account: (i64, Option<Millis>),
}

/// Failures since `since` that count towards throttling.
pub async fn recent_failures(
    conn: &mut AnyConnection,
    email: &str,
    ip: &str,
    since: Millis,
) -> StoreResult<RecentFailures> {
    // One pass over the failures of this account or address in the window; `s` is the time of
    // the account's last success (failures before it do not count against the account).
    let row = sqlx::query(
        "SELECT \
           CAST(COALESCE(SUM(CASE WHEN email = $1 AND ip = $2 AND at > s THEN 1 ELSE 0 END), 0) AS BIGINT), \
           MIN(CASE WHEN email = $1 AND ip = $2 AND at > s THEN at END), \
           CAST(COALESCE(SUM(CASE WHEN ip = $2 THEN 1 ELSE 0 END), 0) AS BIGINT), \
           MIN(CASE WHEN ip = $2 THEN at END), \
           CAST(COALESCE(SUM(CASE WHEN email = $1 AND at > s THEN 1 ELSE 0 END), 0) AS BIGINT), \
           MIN(CASE WHEN email = $1 AND at > s THEN at END) \
         FROM login_attempts, \
           (SELECT COALESCE(MAX(at), 0) AS s FROM login_attempts WHERE email = $1 AND succeeded = 1) last \
         WHERE succeeded = 0 AND at >= $3 AND (email = $1 OR ip = $2)",
    )
    .bind(email)
    .bind(ip)
    .bind(since.0)
    .fetch_one(conn)
    .await?;
    let pair = |n: usize| -> StoreResult<(i64, Option<Millis>)> {
        Ok((row.try_get(n)?, row.try_get::<Option<i64>, _>(n + 1)?.map(Millis)))
    };
    Ok(RecentFailures { account_from_address: pair(0)?, from_address: pair(2)?, account: pair(4)? })
}

/// Marks a recorded attempt as having succeeded.
pub async fn mark_succeeded(conn: &mut AnyConnection, id: Uuid) -> StoreResult<()> {
    sqlx::query("UPDATE login_attempts SET succeeded = 1 WHERE id = $1")
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes attempts older than `before`.
pub async fn purge(conn: &mut AnyConnection, before: Millis) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM login_attempts WHERE at < $1").bind(before.0).execute(conn).await?;
    Ok(done.rows_affected())
}
