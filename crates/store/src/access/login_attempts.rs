//! Sign-in attempts, kept to throttle password guessing.

use sqlx::AnyConnection;
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
    let last_success = "COALESCE((SELECT MAX(at) FROM login_attempts WHERE email = $1 AND succeeded = 1), 0)";
    let count = |filter: &str| {
        format!("SELECT COUNT(*), MIN(at) FROM login_attempts WHERE succeeded = 0 AND at >= $3 AND {filter}")
    };
    let mut out = RecentFailures::default();
    let queries = [
        (count(&format!("email = $1 AND ip = $2 AND at > {last_success}")), 0),
        (count("ip = $2 AND ($1 = $1)"), 1),
        (count(&format!("email = $1 AND ($2 = $2) AND at > {last_success}")), 2),
    ];
    for (sql, slot) in queries {
        let (n, oldest): (i64, Option<i64>) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(email)
            .bind(ip)
            .bind(since.0)
            .fetch_one(&mut *conn)
            .await?;
        let found = (n, oldest.map(Millis));
        match slot {
            0 => out.account_from_address = found,
            1 => out.from_address = found,
            _ => out.account = found,
        }
    }
    Ok(out)
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
