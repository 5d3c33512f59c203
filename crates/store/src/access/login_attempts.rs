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

/// Failures for this e-mail since `since` and after its last success, with the oldest one's time.
pub async fn recent_failures(
    conn: &mut AnyConnection,
    email: &str,
    since: Millis,
) -> StoreResult<(i64, Option<Millis>)> {
    let (n, oldest): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE email = $1 AND succeeded = 0 AND at >= $2 \
         AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE email = $1 AND succeeded = 1), 0)",
    )
    .bind(email)
    .bind(since.0)
    .fetch_one(conn)
    .await?;
    Ok((n, oldest.map(Millis)))
}

/// Deletes attempts older than `before`.
pub async fn purge(conn: &mut AnyConnection, before: Millis) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM login_attempts WHERE at < $1").bind(before.0).execute(conn).await?;
    Ok(done.rows_affected())
}
