//! The clocks of steps with a time limit (migration 0009). Every change is one statement on the
//! subject's clocks inside the caller's transaction; clocks started together are one insert.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{Millis, TenantId};
use tradeport_domain::sla::Step;

use crate::sql::{Arg, Sql};
use crate::{StoreError, StoreResult};

/// A stored clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClockRow {
    pub id: String,
    pub subject_id: String,
    pub step: Step,
    pub limit_ms: i64,
    pub started_at: Millis,
    pub due_at: Millis,
    pub paused_at: Option<Millis>,
    pub stopped_at: Option<Millis>,
    /// The working calendar the limit counts in; `None`: wall-clock time.
    pub calendar_id: Option<String>,
}

#[derive(FromRow)]
struct ClockRecord {
    id: String,
    subject_id: String,
    step: String,
    limit_ms: i64,
    started_at: i64,
    due_at: i64,
    paused_at: Option<i64>,
    stopped_at: Option<i64>,
    calendar_id: Option<String>,
}

impl TryFrom<ClockRecord> for ClockRow {
    type Error = StoreError;

    fn try_from(c: ClockRecord) -> StoreResult<Self> {
        Ok(ClockRow {
            step: Step::parse(&c.step)
                .ok_or_else(|| StoreError::Corrupt(format!("clock step {}", c.step)))?,
            id: c.id,
            subject_id: c.subject_id,
            limit_ms: c.limit_ms,
            started_at: Millis(c.started_at),
            due_at: Millis(c.due_at),
            paused_at: c.paused_at.map(Millis),
            stopped_at: c.stopped_at.map(Millis),
            calendar_id: c.calendar_id,
        })
    }
}

/// A clock started in the caller's transaction, perhaps stopped in it too.
#[derive(Clone, Debug)]
pub struct NewClock<'a> {
    pub id: String,
    pub subject: (&'a str, &'a str),
    pub step: Step,
    pub limit_ms: i64,
    pub started_at: Millis,
    /// `started_at + limit_ms`, or later when the limit counts in working time.
    pub due_at: Millis,
    pub stopped_at: Option<Millis>,
    pub calendar_id: Option<String>,
}

/// Starts clocks, in one statement. A subject keeps the clock it has for a step already; when
/// the new one was stopped in this transaction, that one is stopped instead (at its pause, if
/// paused), as a stop after the start would have done.
pub async fn start_many_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    clocks: &[NewClock<'_>],
) -> StoreResult<()> {
    if clocks.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(
        "INSERT INTO sla_clocks (id, tenant_id, subject_type, subject_id, step, limit_ms, started_at, due_at, stopped_at, calendar_id) VALUES ",
    );
    for (n, c) in clocks.iter().enumerate() {
        if n > 0 {
            sql.push(", ");
        }
        sql.bind_list::<Arg>([
            c.id.as_str().into(),
            tenant_id.to_string().into(),
            c.subject.0.into(),
            c.subject.1.into(),
            c.step.as_str().into(),
            c.limit_ms.into(),
            c.started_at.0.into(),
            c.due_at.0.into(),
            c.stopped_at.map(|m| m.0).into(),
            c.calendar_id.clone().into(),
        ]);
    }
    sql.push(
        " ON CONFLICT (subject_type, subject_id, step) DO UPDATE SET stopped_at = COALESCE(sla_clocks.paused_at, excluded.stopped_at) \
         WHERE sla_clocks.stopped_at IS NULL AND excluded.stopped_at IS NOT NULL",
    );
    sql.query().execute(conn).await?;
    Ok(())
}

/// Starts a clock, or starts again the subject's stopped clock of the step (a second grant after
/// the first was paid); a running one is kept.
pub async fn restart_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    c: &NewClock<'_>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sla_clocks (id, tenant_id, subject_type, subject_id, step, limit_ms, started_at, due_at, calendar_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (subject_type, subject_id, step) DO UPDATE SET \
         limit_ms = excluded.limit_ms, started_at = excluded.started_at, due_at = excluded.due_at, \
         calendar_id = excluded.calendar_id, stopped_at = NULL, paused_at = NULL WHERE sla_clocks.stopped_at IS NOT NULL",
    )
    .bind(c.id.as_str())
    .bind(tenant_id.to_string())
    .bind(c.subject.0)
    .bind(c.subject.1)
    .bind(c.step.as_str())
    .bind(c.limit_ms)
    .bind(c.started_at.0)
    .bind(c.due_at.0)
    .bind(c.calendar_id.clone())
    .execute(conn)
    .await?;
    Ok(())
}

/// Stops the subject's running clock of `step`, or every running clock when `step` is `None`.
pub async fn stop_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    subject: (&str, &str),
    step: Option<Step>,
    now: Millis,
) -> StoreResult<()> {
    // A clock stopped while paused stops at its pause: the pause is not counted.
    sqlx::query(
        "UPDATE sla_clocks SET stopped_at = COALESCE(paused_at, $1) WHERE tenant_id = $2 AND subject_type = $3 \
         AND subject_id = $4 AND stopped_at IS NULL AND ($5 = '' OR step = $5)",
    )
    .bind(now.0)
    .bind(tenant_id.to_string())
    .bind(subject.0)
    .bind(subject.1)
    .bind(step.map(Step::as_str).unwrap_or_default())
    .execute(conn)
    .await?;
    Ok(())
}

/// Runs one update of the subject's clocks (`$1` now, `$2` tenant, `$3` subject type, `$4` id).
async fn update_clocks(
    conn: &mut AnyConnection,
    sql: &'static str,
    tenant_id: TenantId,
    subject: (&str, &str),
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(sql)
        .bind(now.0)
        .bind(tenant_id.to_string())
        .bind(subject.0)
        .bind(subject.1)
        .execute(conn)
        .await?;
    Ok(())
}

/// Pauses the subject's running clocks.
pub async fn pause_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    subject: (&str, &str),
    now: Millis,
) -> StoreResult<()> {
    let sql = "UPDATE sla_clocks SET paused_at = $1 WHERE tenant_id = $2 AND subject_type = $3 AND subject_id = $4 \
               AND stopped_at IS NULL AND paused_at IS NULL";
    update_clocks(conn, sql, tenant_id, subject, now).await
}

/// Resumes the subject's paused wall-clock clocks: each is due later by as long as it was
/// paused. Clocks in working time are resumed one by one ([`resume_one_in_tx`]).
pub async fn resume_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    subject: (&str, &str),
    now: Millis,
) -> StoreResult<()> {
    let sql = "UPDATE sla_clocks SET due_at = due_at + ($1 - paused_at), paused_at = NULL WHERE tenant_id = $2 \
               AND subject_type = $3 AND subject_id = $4 AND stopped_at IS NULL AND paused_at IS NOT NULL \
               AND calendar_id IS NULL";
    update_clocks(conn, sql, tenant_id, subject, now).await
}

/// Resumes one paused clock, now due at `due_at`.
pub async fn resume_one_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    due_at: Millis,
) -> StoreResult<()> {
    sqlx::query("UPDATE sla_clocks SET due_at = $1, paused_at = NULL WHERE tenant_id = $2 AND id = $3 AND paused_at IS NOT NULL")
        .bind(due_at.0)
        .bind(tenant_id.to_string())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The subject's clocks, in the order they started.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    subject: (&str, &str),
) -> StoreResult<Vec<ClockRow>> {
    let records: Vec<ClockRecord> = sqlx::query_as(
        "SELECT id, subject_id, step, limit_ms, started_at, due_at, paused_at, stopped_at, calendar_id FROM sla_clocks \
         WHERE tenant_id = $1 AND subject_type = $2 AND subject_id = $3 ORDER BY started_at, id",
    )
    .bind(tenant_id.to_string())
    .bind(subject.0)
    .bind(subject.1)
    .fetch_all(conn)
    .await?;
    records.into_iter().map(ClockRow::try_from).collect()
}

/// The refund clocks of an order's after-sales requests, in one read.
pub async fn refunds_of_order(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order_id: &str,
) -> StoreResult<Vec<ClockRow>> {
    let records: Vec<ClockRecord> = sqlx::query_as(
        "SELECT c.id, c.subject_id, c.step, c.limit_ms, c.started_at, c.due_at, c.paused_at, c.stopped_at, c.calendar_id \
         FROM sla_clocks c JOIN aftersales_requests r ON r.tenant_id = c.tenant_id AND r.id = c.subject_id \
         WHERE c.tenant_id = $1 AND c.subject_type = 'aftersales_refund' AND r.order_id = $2 ORDER BY c.started_at, c.id",
    )
    .bind(tenant_id.to_string())
    .bind(order_id)
    .fetch_all(conn)
    .await?;
    records.into_iter().map(ClockRow::try_from).collect()
}

/// The operator's running clocks of one subject type due before `before` (overdue when `before`
/// is now), soonest due first, at most `limit`.
pub async fn running_due_before(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    subject_types: [&str; 2],
    before: Millis,
    limit: u32,
) -> StoreResult<Vec<ClockRow>> {
    let records: Vec<ClockRecord> = sqlx::query_as(
        "SELECT id, subject_id, step, limit_ms, started_at, due_at, paused_at, stopped_at, calendar_id FROM sla_clocks \
         WHERE tenant_id = $1 AND stopped_at IS NULL AND paused_at IS NULL AND due_at < $2 AND subject_type IN ($4, $5) \
         ORDER BY due_at LIMIT $3",
    )
    .bind(tenant_id.to_string())
    .bind(before.0)
    .bind(i64::from(limit))
    .bind(subject_types[0])
    .bind(subject_types[1])
    .fetch_all(conn)
    .await?;
    records.into_iter().map(ClockRow::try_from).collect()
}
