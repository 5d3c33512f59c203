//! Removing what has expired (sessions, old sign-in attempts, old idempotency keys) and keeping
//! the query planner's statistics fresh.

use tradeport_store::access::{login_attempts, sessions};
use tradeport_store::idempotency;

use crate::idempotency::RETENTION_MINUTES;
use crate::{App, AppResult};

/// Sign-in attempts are kept a week, for the audit of password guessing.
const LOGIN_ATTEMPT_RETENTION_MINUTES: i64 = 7 * 24 * 60;

/// Deletes expired rows; returns how many went.
pub async fn purge_expired(app: &App) -> AppResult<u64> {
    let now = app.now();
    let mut tx = app.db().begin().await?;
    let mut removed = sessions::purge_expired(&mut tx, now).await?;
    removed += login_attempts::purge(&mut tx, now.minus_minutes(LOGIN_ATTEMPT_RETENTION_MINUTES)).await?;
    removed += idempotency::purge(&mut tx, now.minus_minutes(RETENTION_MINUTES)).await?;
    // The dashboard reads a day of notification lags; a month is kept for questions about it.
    removed +=
        tradeport_store::notification_lags::purge_before(&mut tx, now.minus_minutes(30 * 24 * 60)).await?;
    tradeport_store::commit(tx).await?;
    // Keep the planner's statistics fresh as the tables grow (SQLite; PostgreSQL autovacuums).
    app.db().optimize().await?;
    Ok(removed)
}
