//! Web sessions: the cookie holds a random token; the table holds its SHA-256.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::{Millis, UserId};

use super::parse_id;
use crate::StoreResult;

/// A live session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub user_id: UserId,
    pub csrf_token: String,
    pub expires_at: Millis,
}

/// Opens a session.
pub async fn insert(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: UserId,
    csrf_token: &str,
    now: Millis,
    expires_at: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id.to_string())
    .bind(csrf_token)
    .bind(now.0)
    .bind(expires_at.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// The session with this token hash, if it has not expired.
pub async fn find_live(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: Millis,
) -> StoreResult<Option<SessionRow>> {
    let row =
        sqlx::query("SELECT user_id, csrf_token, expires_at FROM sessions WHERE id = $1 AND expires_at > $2")
            .bind(token_hash)
            .bind(now.0)
            .fetch_optional(conn)
            .await?;
    row.map(|r| {
        Ok(SessionRow {
            user_id: parse_id(&r.try_get::<String, _>(0)?, "user id")?,
            csrf_token: r.try_get(1)?,
            expires_at: Millis(r.try_get(2)?),
        })
    })
    .transpose()
}

/// Ends a session.
pub async fn delete(conn: &mut AnyConnection, token_hash: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE id = $1").bind(token_hash).execute(conn).await?;
    Ok(())
}

/// Ends every session of a user (after deactivation).
pub async fn delete_for_user(conn: &mut AnyConnection, user_id: UserId) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id.to_string()).execute(conn).await?;
    Ok(())
}

/// Deletes expired sessions.
pub async fn purge_expired(conn: &mut AnyConnection, now: Millis) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now.0).execute(conn).await?;
    Ok(done.rows_affected())
}
