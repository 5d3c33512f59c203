//! The durable job queue (docs/ARCHITECTURE.md, "Jobs"): use cases add jobs in their own unit of
//! work; the workers of every process claim due jobs, run them and record the outcome; staff see
//! dead jobs with their last error and retry or cancel them.

mod admin;
mod run;

pub use admin::{JobView, cancel_job, list_jobs, retry_job};
pub use run::{RunReport, queue_parked, run_due, run_until_idle};

use tradeport_domain::jobs::JobKind;
use tradeport_domain::kernel::{Millis, TenantId};
use tradeport_store::AnyConnection;
use tradeport_store::jobs::{self, NewJob};

use crate::{App, AppResult};

/// Adds a job to the caller's transaction: it exists, and runs, only if that transaction commits.
pub(crate) async fn enqueue_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    tenant_id: Option<TenantId>,
    kind: JobKind,
    payload: &serde_json::Value,
    run_at: Millis,
) -> AppResult<uuid::Uuid> {
    let id = app.new_uuid();
    let payload = payload.to_string();
    let job = NewJob { id, tenant_id, kind, payload: &payload, run_at };
    // A delivery this process has no transport for waits parked (`run::missing_transport`).
    jobs::enqueue_many_in_tx(conn, &[(job, run::missing_transport(app, kind))], app.now()).await?;
    Ok(id)
}

/// Adds jobs (operator, kind, payload, when) to the caller's transaction in multi-row inserts,
/// each parked at once when this process lacks its transport, as [`enqueue_in_tx`] does.
pub(crate) async fn enqueue_many_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    planned: Vec<(Option<TenantId>, JobKind, serde_json::Value, Millis)>,
) -> AppResult<()> {
    let payloads: Vec<String> = planned.iter().map(|(_, _, payload, _)| payload.to_string()).collect();
    let jobs: Vec<(NewJob<'_>, Option<&str>)> = planned
        .iter()
        .zip(&payloads)
        .map(|((tenant_id, kind, _, run_at), payload)| {
            let job =
                NewJob { id: app.new_uuid(), tenant_id: *tenant_id, kind: *kind, payload, run_at: *run_at };
            (job, run::missing_transport(app, *kind))
        })
        .collect();
    jobs::enqueue_many_in_tx(conn, &jobs, app.now()).await?;
    Ok(())
}

/// Schedules the operator's recurring job of `kind` on `cron` (in the operator's time zone) unless
/// it is scheduled already, in the caller's transaction.
pub(crate) async fn schedule_once_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    kind: JobKind,
    cron: &str,
) -> AppResult<()> {
    use tradeport_store::follow_up::{self, RecurringRow};
    if !follow_up::list_recurring(conn, operator, kind).await?.is_empty() {
        return Ok(());
    }
    let timezone = tradeport_store::access::tenants::get(conn, operator, operator)
        .await?
        .ok_or(crate::AppError::NotFound("tenant"))?
        .timezone;
    let now = app.now();
    let row = RecurringRow {
        id: app.new_uuid().to_string(),
        tenant_id: operator.to_string(),
        kind: kind.as_str().into(),
        scope: crate::sla::OPERATOR_SCOPE.into(),
        payload: "{}".into(),
        cron: cron.into(),
        next_run_at: crate::sla::next_run(cron, &timezone, now)?.0,
        timezone,
    };
    follow_up::upsert_recurring_in_tx(conn, &row, now).await?;
    Ok(())
}
