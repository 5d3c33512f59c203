//! The follow-up (migration 0011): recurring jobs (cron in a time zone), the reports of the
//! scheduled sweeps of overdue steps, and what staff recorded about an overdue step.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::access::Actor;
use tradeport_domain::jobs::JobKind;
use tradeport_domain::kernel::{Millis, TenantId};

use crate::events::actor_parts;
use crate::{StoreError, StoreResult};

/// A recurring job.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct RecurringRow {
    pub id: String,
    pub tenant_id: String,
    pub kind: String,
    pub scope: String,
    pub payload: String,
    pub cron: String,
    pub timezone: String,
    pub next_run_at: i64,
}

impl RecurringRow {
    pub fn job_kind(&self) -> StoreResult<JobKind> {
        JobKind::parse(&self.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("recurring job kind {}", self.kind)))
    }
}

const RECURRING: &str = "id, tenant_id, kind, scope, payload, cron, timezone, next_run_at";

/// Adds or reschedules the tenant's recurring job of `kind` for `scope`.
pub async fn upsert_recurring_in_tx(
    conn: &mut AnyConnection,
    r: &RecurringRow,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO recurring_jobs (id, tenant_id, kind, scope, payload, cron, timezone, next_run_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (tenant_id, kind, scope) DO UPDATE SET \
         payload = excluded.payload, cron = excluded.cron, timezone = excluded.timezone, \
         next_run_at = excluded.next_run_at, updated_at = excluded.updated_at",
    )
    .bind(&r.id)
    .bind(&r.tenant_id)
    .bind(&r.kind)
    .bind(&r.scope)
    .bind(&r.payload)
    .bind(&r.cron)
    .bind(&r.timezone)
    .bind(r.next_run_at)
    .bind(now.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// The tenant's recurring jobs of `kind`, by scope.
pub async fn list_recurring(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    kind: JobKind,
) -> StoreResult<Vec<RecurringRow>> {
    let sql =
        format!("SELECT {RECURRING} FROM recurring_jobs WHERE tenant_id = $1 AND kind = $2 ORDER BY scope");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(kind.as_str())
        .fetch_all(conn)
        .await?)
}

/// Locks up to `limit` recurring jobs due at `now` (skipping ones another process holds, on
/// PostgreSQL) for the rest of the transaction.
pub async fn take_due_recurring_in_tx(
    conn: &mut AnyConnection,
    now: Millis,
    limit: i64,
) -> StoreResult<Vec<RecurringRow>> {
    let skip_locked = if crate::is_postgres(conn) { " FOR UPDATE SKIP LOCKED" } else { "" };
    let sql = format!(
        "SELECT {RECURRING} FROM recurring_jobs WHERE next_run_at <= $1 ORDER BY next_run_at LIMIT $2{skip_locked}"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(now.0).bind(limit).fetch_all(conn).await?)
}

/// Moves a recurring job to its next run.
pub async fn set_next_run_in_tx(
    conn: &mut AnyConnection,
    id: &str,
    next_run_at: Millis,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query("UPDATE recurring_jobs SET next_run_at = $1, updated_at = $2 WHERE id = $3")
        .bind(next_run_at.0)
        .bind(now.0)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A sweep's report.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct SweepRow {
    pub id: String,
    pub scope: String,
    pub timezone: String,
    pub scheduled_for: i64,
    pub ran_at: i64,
    pub overdue: i64,
    /// JSON array of the overdue steps.
    pub items: String,
}

const SWEEP: &str = "id, scope, timezone, scheduled_for, ran_at, overdue, items";

/// Keeps a sweep's report; false when the scheduled sweep has one already (a job run twice).
pub async fn insert_sweep_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    s: &SweepRow,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO sla_sweeps (id, tenant_id, scope, timezone, scheduled_for, ran_at, overdue, items) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (tenant_id, scope, scheduled_for) DO NOTHING",
    )
    .bind(&s.id)
    .bind(tenant_id.to_string())
    .bind(&s.scope)
    .bind(&s.timezone)
    .bind(s.scheduled_for)
    .bind(s.ran_at)
    .bind(s.overdue)
    .bind(&s.items)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The tenant's latest sweeps, newest first.
pub async fn list_sweeps(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    limit: i64,
) -> StoreResult<Vec<SweepRow>> {
    let sql =
        format!("SELECT {SWEEP} FROM sla_sweeps WHERE tenant_id = $1 ORDER BY ran_at DESC, id DESC LIMIT $2");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(limit)
        .fetch_all(conn)
        .await?)
}

/// One sweep.
pub async fn get_sweep(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
) -> StoreResult<Option<SweepRow>> {
    let sql = format!("SELECT {SWEEP} FROM sla_sweeps WHERE tenant_id = $1 AND id = $2");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// The running clocks of orders overdue at `now`: of orders with stock in `warehouse`, or (with
/// `None`) of orders with stock in no warehouse yet; with the refunds owed on their after-sales
/// requests (by the warehouse the goods left). `(order id, step, due_at)`, most overdue first.
pub async fn overdue_order_steps(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    warehouse: Option<&str>,
    now: Millis,
    limit: i64,
) -> StoreResult<Vec<(String, String, i64)>> {
    let allocated = "SELECT 1 FROM order_allocations a WHERE a.tenant_id = c.tenant_id AND a.order_id = c.subject_id \
                     AND a.warehouse_id IS NOT NULL";
    let (scope, request_scope) = match warehouse {
        Some(_) => (format!("EXISTS ({allocated} AND a.warehouse_id = $3)"), "r.warehouse_id = $3"),
        None => (format!("NOT EXISTS ({allocated}) AND $3 = ''"), "r.warehouse_id IS NULL AND $3 = ''"),
    };
    let running = "c.tenant_id = $1 AND c.stopped_at IS NULL AND c.paused_at IS NULL AND c.due_at <= $2";
    let sql = format!(
        "SELECT order_id, step, due_at FROM ( \
           SELECT c.subject_id AS order_id, c.step, c.due_at FROM sla_clocks c \
            WHERE {running} AND c.subject_type = 'order' AND {scope} \
           UNION ALL \
           SELECT r.order_id, c.step, c.due_at FROM sla_clocks c \
             JOIN aftersales_requests r ON r.tenant_id = c.tenant_id AND r.id = c.subject_id \
            WHERE {running} AND c.subject_type = 'aftersales_refund' AND {request_scope} \
         ) overdue ORDER BY due_at LIMIT $4"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(now.0)
        .bind(warehouse.unwrap_or(""))
        .bind(limit)
        .fetch_all(conn)
        .await?)
}

/// A follow-up to record.
#[derive(Clone, Debug)]
pub struct NewFollowUp<'a> {
    pub id: String,
    pub sweep_id: Option<&'a str>,
    pub subject: (&'a str, &'a str),
    pub step: &'a str,
    pub actor: Actor,
    pub action: &'a str,
    pub promised_at: Option<Millis>,
    pub at: Millis,
}

/// Records a follow-up.
pub async fn insert_follow_up_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    f: &NewFollowUp<'_>,
) -> StoreResult<()> {
    let (actor_kind, actor_id) = actor_parts(f.actor);
    sqlx::query(
        "INSERT INTO sla_follow_ups (id, tenant_id, sweep_id, subject_type, subject_id, step, actor_kind, actor_id, \
         action, promised_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&f.id)
    .bind(tenant_id.to_string())
    .bind(f.sweep_id)
    .bind(f.subject.0)
    .bind(f.subject.1)
    .bind(f.step)
    .bind(actor_kind)
    .bind(actor_id)
    .bind(f.action)
    .bind(f.promised_at.map(|m| m.0))
    .bind(f.at.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// A recorded follow-up.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct FollowUpRow {
    pub id: String,
    pub sweep_id: Option<String>,
    pub subject_id: String,
    pub step: String,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub promised_at: Option<i64>,
    pub created_at: i64,
}

/// The follow-ups of one subject, oldest first.
pub async fn list_follow_ups(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    subject: (&str, &str),
) -> StoreResult<Vec<FollowUpRow>> {
    Ok(sqlx::query_as(
        "SELECT id, sweep_id, subject_id, step, actor_kind, actor_id, action, promised_at, created_at FROM sla_follow_ups \
         WHERE tenant_id = $1 AND subject_type = $2 AND subject_id = $3 ORDER BY created_at, id",
    )
    .bind(tenant_id.to_string())
    .bind(subject.0)
    .bind(subject.1)
    .fetch_all(conn)
    .await?)
}
