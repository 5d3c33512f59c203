//! The job queue table (migration 0007). A claim takes due jobs and stale running ones in one
//! statement, stamping a lease and a claim token; finishing or failing a job needs the token, so a
//! process whose lease ran out cannot overwrite the outcome of the process that took over.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::jobs::{JobKind, JobState};
use tradeport_domain::kernel::{Millis, TenantId};
use uuid::Uuid;

use crate::access::{parse_id, parse_opt_tenant_id};
use crate::sql::{Arg, insert_rows};
use crate::{StoreError, StoreResult};

/// A job to add.
#[derive(Clone, Debug)]
pub struct NewJob<'a> {
    pub id: Uuid,
    pub tenant_id: Option<TenantId>,
    pub kind: JobKind,
    /// JSON the job's handler reads.
    pub payload: &'a str,
    pub run_at: Millis,
}

/// A stored job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobRow {
    pub id: Uuid,
    pub tenant_id: Option<TenantId>,
    pub kind: JobKind,
    pub payload: String,
    pub state: JobState,
    pub run_at: Millis,
    pub attempts: u32,
    pub max_attempts: u32,
    pub lease_until: Option<Millis>,
    pub last_error: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub finished_at: Option<Millis>,
}

const COLUMNS: &str = "id, tenant_id, kind, payload, state, run_at, attempts, max_attempts, lease_until, \
    last_error, created_at, updated_at, finished_at";

#[derive(FromRow)]
struct JobRecord {
    id: String,
    tenant_id: Option<String>,
    kind: String,
    payload: String,
    state: String,
    run_at: i64,
    attempts: i64,
    max_attempts: i64,
    lease_until: Option<i64>,
    last_error: Option<String>,
    created_at: i64,
    updated_at: i64,
    finished_at: Option<i64>,
}

impl TryFrom<JobRecord> for JobRow {
    type Error = StoreError;

    fn try_from(j: JobRecord) -> StoreResult<Self> {
        Ok(JobRow {
            id: parse_id(&j.id, "job id")?,
            tenant_id: parse_opt_tenant_id(j.tenant_id)?,
            kind: JobKind::parse(&j.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("job kind {}", j.kind)))?,
            payload: j.payload,
            state: JobState::parse(&j.state)
                .ok_or_else(|| StoreError::Corrupt(format!("job state {}", j.state)))?,
            run_at: Millis(j.run_at),
            attempts: u32::try_from(j.attempts).unwrap_or(u32::MAX),
            max_attempts: u32::try_from(j.max_attempts).unwrap_or(u32::MAX),
            lease_until: j.lease_until.map(Millis),
            last_error: j.last_error,
            created_at: Millis(j.created_at),
            updated_at: Millis(j.updated_at),
            finished_at: j.finished_at.map(Millis),
        })
    }
}

fn rows(records: Vec<JobRecord>) -> StoreResult<Vec<JobRow>> {
    records.into_iter().map(JobRow::try_from).collect()
}

/// Adds a job inside the caller's transaction: it runs only if that transaction commits.
pub async fn enqueue_in_tx(conn: &mut AnyConnection, j: &NewJob<'_>, now: Millis) -> StoreResult<()> {
    enqueue_many_in_tx(conn, &[(j.clone(), None)], now).await
}

/// Adds jobs in multi-row inserts inside the caller's transaction, each queued or, with a reason,
/// parked.
pub async fn enqueue_many_in_tx(
    conn: &mut AnyConnection,
    jobs: &[(NewJob<'_>, Option<&str>)],
    now: Millis,
) -> StoreResult<()> {
    let head = "INSERT INTO jobs (id, tenant_id, kind, payload, state, run_at, attempts, max_attempts, last_error, created_at, updated_at) VALUES ";
    let rows = jobs.iter().map(|(j, parked)| -> [Arg; 11] {
        let state = if parked.is_some() { JobState::Parked } else { JobState::Queued };
        [
            j.id.to_string().into(),
            j.tenant_id.map(|t| t.to_string()).into(),
            j.kind.as_str().into(),
            j.payload.into(),
            state.as_str().into(),
            j.run_at.0.into(),
            0i64.into(),
            i64::from(j.kind.max_attempts()).into(),
            parked.map(str::to_string).into(),
            now.0.into(),
            now.0.into(),
        ]
    });
    insert_rows(conn, head, rows.collect()).await
}

/// Claims up to `limit` jobs that are due (queued with `run_at` passed) or abandoned (running
/// with their lease ended), abandoned first, then the oldest: each becomes `running` with one more
/// attempt, the lease `lease_until` and `token`. Jobs of the kinds in `cannot_run` (the process
/// lacks their transport) are left to a process that can. On PostgreSQL rows another process is
/// claiming are skipped, so no job is claimed twice; commit the transaction before running the
/// jobs.
pub async fn claim_in_tx(
    conn: &mut AnyConnection,
    now: Millis,
    lease_until: Millis,
    token: &str,
    limit: u32,
    cannot_run: &[JobKind],
) -> StoreResult<Vec<JobRow>> {
    // Two index ranges, each read in its index's order and cut at the limit, rather than one OR
    // over both, which PostgreSQL answered by reading and sorting every due row each claim. The
    // abandoned range is nearly always empty, and first so a backlog cannot starve it.
    let claim = Claim { now, lease_until, token, cannot_run };
    let abandoned = ("state = 'running' AND lease_until < ", " ORDER BY lease_until");
    let mut jobs = claim.range_in_tx(conn, abandoned, limit).await?;
    let left = limit.saturating_sub(u32::try_from(jobs.len()).unwrap_or(u32::MAX));
    if left > 0 {
        let due = ("state = 'queued' AND run_at <= ", " ORDER BY run_at");
        jobs.extend(claim.range_in_tx(conn, due, left).await?);
    }
    jobs.sort_by_key(|j| (j.run_at, j.id));
    Ok(jobs)
}

/// One claim's stamp and the kinds it leaves alone.
struct Claim<'a> {
    now: Millis,
    lease_until: Millis,
    token: &'a str,
    cannot_run: &'a [JobKind],
}

impl Claim<'_> {
    /// Claims up to `limit` jobs of one index range: its condition up to now, and its order.
    async fn range_in_tx(
        &self,
        conn: &mut AnyConnection,
        (condition, order): (&str, &str),
        limit: u32,
    ) -> StoreResult<Vec<JobRow>> {
        let skip_locked = if crate::is_postgres(conn) { " FOR UPDATE SKIP LOCKED" } else { "" };
        let mut sql = crate::sql::Sql::new(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = ",
        );
        sql.bind(self.lease_until.0).push(", claim_token = ").bind(self.token);
        sql.push(", updated_at = ").bind(self.now.0);
        sql.push(" WHERE id IN (SELECT id FROM jobs WHERE ").push(condition).bind(self.now.0);
        if !self.cannot_run.is_empty() {
            sql.push(" AND kind NOT IN ").bind_list(self.cannot_run.iter().map(|k| k.as_str()));
        }
        sql.push(order).push(" LIMIT ").bind(i64::from(limit)).push(skip_locked);
        sql.push(") RETURNING ").push(COLUMNS);
        let found = sql.query().fetch_all(conn).await?;
        let records: Vec<JobRecord> = found.iter().map(JobRecord::from_row).collect::<Result<_, _>>()?;
        rows(records)
    }
}

/// Queues every parked job of `kinds` again, due now (a process that has their transport
/// started); returns how many.
pub async fn queue_parked(conn: &mut AnyConnection, kinds: &[JobKind], now: Millis) -> StoreResult<u64> {
    if kinds.is_empty() {
        return Ok(0);
    }
    let mut sql = crate::sql::Sql::new("UPDATE jobs SET state = 'queued', run_at = ");
    sql.bind(now.0).push(", updated_at = ").bind(now.0);
    sql.push(" WHERE state = 'parked' AND kind IN ").bind_list(kinds.iter().map(|k| k.as_str()));
    Ok(sql.query().execute(conn).await?.rows_affected())
}

/// Records a finished job; false when the claim was lost (the lease ended and another process
/// took the job), in which case nothing is changed.
pub async fn finish(conn: &mut AnyConnection, id: Uuid, token: &str, now: Millis) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET state = 'done', finished_at = $1, updated_at = $1, lease_until = NULL, last_error = NULL \
         WHERE id = $2 AND claim_token = $3 AND state = 'running'",
    )
    .bind(now.0)
    .bind(id.to_string())
    .bind(token)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a failed attempt: back to `queued` at `retry_at`, or `dead` when no attempt is left;
/// false when the claim was lost.
pub async fn fail(
    conn: &mut AnyConnection,
    id: Uuid,
    token: &str,
    error: &str,
    retry_at: Millis,
    now: Millis,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END, \
         run_at = $1, last_error = $2, updated_at = $3, lease_until = NULL, \
         finished_at = CASE WHEN attempts >= max_attempts THEN $3 ELSE NULL END \
         WHERE id = $4 AND claim_token = $5 AND state = 'running'",
    )
    .bind(retry_at.0)
    .bind(error)
    .bind(now.0)
    .bind(id.to_string())
    .bind(token)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves a job from one of `from` to `to` (staff's retry and cancel); false when it was in none
/// of them. A retried job starts again with no attempts, now.
pub async fn set_state(
    conn: &mut AnyConnection,
    tenant_id: Option<TenantId>,
    id: Uuid,
    from: &[JobState],
    to: JobState,
    now: Millis,
) -> StoreResult<bool> {
    let mut sql = crate::sql::Sql::new("UPDATE jobs SET state = ");
    sql.bind(to.as_str()).push(", updated_at = ").bind(now.0);
    if to == JobState::Queued {
        sql.push(", attempts = 0, finished_at = NULL, run_at = ").bind(now.0);
    } else {
        sql.push(", finished_at = ").bind(now.0);
    }
    sql.push(" WHERE id = ")
        .bind(id.to_string())
        .push(" AND state IN ")
        .bind_list(from.iter().map(|s| s.as_str()));
    if let Some(t) = tenant_id {
        sql.push(" AND tenant_id = ").bind(t.to_string());
    }
    Ok(sql.query().execute(conn).await?.rows_affected() == 1)
}

/// One job, optionally only if it is `tenant_id`'s.
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: Option<TenantId>,
    id: Uuid,
) -> StoreResult<Option<JobRow>> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1 AND ($2 = '' OR tenant_id = $2)");
    let record: Option<JobRecord> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .bind(tenant_id.map(|t| t.to_string()).unwrap_or_default())
        .fetch_optional(conn)
        .await?;
    record.map(JobRow::try_from).transpose()
}

/// Jobs of a tenant in a state, newest first, before `before` (keyset), at most `limit`.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    state: JobState,
    before: Option<Uuid>,
    limit: u32,
) -> StoreResult<Vec<JobRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM jobs WHERE tenant_id = $1 AND state = $2 AND ($3 = '' OR id < $3) ORDER BY id DESC LIMIT $4"
    );
    let records: Vec<JobRecord> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(state.as_str())
        .bind(before.map(|b| b.to_string()).unwrap_or_default())
        .bind(i64::from(limit))
        .fetch_all(conn)
        .await?;
    rows(records)
}

/// Deletes finished (done or cancelled) jobs older than `before`; returns how many.
pub async fn purge_finished(conn: &mut AnyConnection, before: Millis) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM jobs WHERE state IN ('done', 'cancelled') AND finished_at < $1")
        .bind(before.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
