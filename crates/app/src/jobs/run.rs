//! Running due jobs: claim (one short transaction), run outside any transaction, record the
//! outcome. A job is run at least once; handlers make a repeat harmless (deliveries carry an
//! idempotency key the receiver can drop repeats by).

use std::time::Duration;

use tokio::task::JoinSet;
use tradeport_domain::jobs::{JobKind, retry_delay_ms};
use tradeport_domain::kernel::Millis;
use tradeport_store::jobs::{self, JobRow};

use crate::{App, AppResult};

/// What one round of [`run_due`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunReport {
    pub claimed: usize,
    pub succeeded: usize,
    pub failed: usize,
}

/// How a claimed job ended.
enum Outcome {
    Succeeded,
    Failed(String),
}

/// Why this process cannot run a job of `kind` at all, when it lacks the job's transport: it
/// claims none (another process may have the transport), and a delivery queued by one that lacks
/// it is parked rather than retried every few minutes while nothing can change.
pub(super) fn missing_transport(app: &App, kind: JobKind) -> Option<&'static str> {
    match kind {
        JobKind::DeliverEmail if app.mailer().is_none() => Some(
            "no SMTP server is configured (tradeport serve --smtp-url); parked until a process with one runs",
        ),
        JobKind::DeliverSms if app.sms().is_none() => Some(
            "no SMS provider is configured (tradeport serve --twilio-account-sid); parked until a process with one runs",
        ),
        _ => None,
    }
}

/// The kinds this process leaves to others.
fn cannot_run(app: &App) -> Vec<JobKind> {
    JobKind::ALL.into_iter().filter(|k| missing_transport(app, *k).is_some()).collect()
}

/// Queues again the parked jobs whose transport this process has (its workers do before each
/// round of claims); returns how many.
pub async fn queue_parked(app: &App) -> AppResult<u64> {
    let kinds: Vec<JobKind> = [JobKind::DeliverEmail, JobKind::DeliverSms]
        .into_iter()
        .filter(|k| missing_transport(app, *k).is_none())
        .collect();
    let mut tx = app.db().begin().await?;
    let queued = jobs::queue_parked(&mut tx, &kinds, app.now()).await?;
    tradeport_store::commit(tx).await?;
    Ok(queued)
}

/// Claims up to `limit` due jobs for `worker` (a name unique to the process) with a lease of
/// `lease`, runs them at once and records each outcome. A job still running when its lease ends
/// is claimed again by some worker, so the lease must be longer than any job takes.
pub async fn run_due(app: &App, worker: &str, lease: Duration, limit: u32) -> AppResult<RunReport> {
    let claimed = claim(app, worker, lease, limit).await?;
    let mut report = RunReport { claimed: claimed.len(), ..RunReport::default() };
    let mut running = JoinSet::new();
    for job in claimed {
        spawn_job(&mut running, app, job, lease);
    }
    let mut first_error = None;
    while let Some(joined) = running.join_next().await {
        first_error = first_error.or(tally(&mut report, joined).err());
    }
    first_error.map_or(Ok(report), Err)
}

/// Keeps up to `at_once` due jobs running, claiming more as a quarter of the places free up
/// (and every `recheck` while jobs run, for jobs that became due meanwhile), until none is due
/// and the last has ended, or `keep_claiming` says stop (shutting down): the worker's loop.
/// Unlike rounds of [`run_due`], a slow job holds up only its own place. A failed claim or
/// record ends the claiming, never the jobs running: they finish and record their outcome
/// (dropping them would abort deliveries already made, to be made again after their lease).
pub async fn run_until_idle(
    app: &App,
    worker: &str,
    lease: Duration,
    at_once: u32,
    recheck: Duration,
    keep_claiming: impl Fn() -> bool,
) -> AppResult<RunReport> {
    let at_once = at_once.max(1) as usize;
    let mut report = RunReport::default();
    let mut running = JoinSet::new();
    let mut more_due = true;
    let mut first_error = None;
    let mut checked = tokio::time::Instant::now();
    loop {
        let claiming = first_error.is_none() && keep_claiming();
        let free = at_once - running.len();
        if claiming && free >= (at_once / 4).max(1) && (more_due || checked.elapsed() >= recheck) {
            match claim(app, worker, lease, free as u32).await {
                Ok(claimed) => {
                    more_due = claimed.len() == free;
                    report.claimed += claimed.len();
                    for job in claimed {
                        spawn_job(&mut running, app, job, lease);
                    }
                }
                Err(e) => first_error = Some(e),
            }
            checked = tokio::time::Instant::now();
        }
        if running.is_empty() {
            if more_due && first_error.is_none() && keep_claiming() {
                continue;
            }
            return first_error.map_or(Ok(report), Err);
        }
        tokio::select! {
            Some(joined) = running.join_next() => {
                if let Err(e) = tally(&mut report, joined) {
                    first_error = first_error.or(Some(e));
                }
            }
            _ = tokio::time::sleep(recheck) => {}
        }
    }
}

/// A claimed job with the token its outcome is recorded under.
type Claimed = (JobRow, String);

async fn claim(app: &App, worker: &str, lease: Duration, limit: u32) -> AppResult<Vec<Claimed>> {
    let now = app.now();
    let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 2);
    let token = format!("{worker}/{}", app.new_uuid());
    let mut tx = app.db().begin().await?;
    let claimed = jobs::claim_in_tx(
        &mut tx,
        now,
        Millis(now.0.saturating_add(lease_ms)),
        &token,
        limit,
        &cannot_run(app),
    )
    .await?;
    tradeport_store::commit(tx).await?;
    Ok(claimed.into_iter().map(|job| (job, token.clone())).collect())
}

/// Runs a claimed job on its own task, which records its outcome as soon as it ends, so the
/// outcomes of jobs that end together share one commit (SQLite's group commit).
fn spawn_job(running: &mut JoinSet<AppResult<Outcome>>, app: &App, (job, token): Claimed, lease: Duration) {
    let app = app.clone();
    running.spawn(async move {
        let outcome = if job.attempts > job.max_attempts {
            Outcome::Failed(format!(
                "abandoned {} times: its process stopped before it finished",
                job.attempts - 1
            ))
        } else {
            // A job that hangs (a server that accepts and never answers) must not hold its place:
            // it fails at half its lease and is tried again.
            let limit = lease / 2;
            match tokio::time::timeout(limit, run_one(&app, &job)).await {
                Ok(Ok(())) => Outcome::Succeeded,
                Ok(Err(e)) => Outcome::Failed(e),
                Err(_) => Outcome::Failed(format!(
                    "did not finish within {} s; it will be tried again",
                    limit.as_secs_f64()
                )),
            }
        };
        record_outcome(&app, &job, &token, outcome).await
    });
}

fn tally(
    report: &mut RunReport,
    joined: Result<AppResult<Outcome>, tokio::task::JoinError>,
) -> AppResult<()> {
    match joined {
        Ok(Ok(Outcome::Succeeded)) => report.succeeded += 1,
        Ok(Ok(Outcome::Failed(_))) => report.failed += 1,
        Ok(Err(e)) => return Err(e),
        // A handler that panicked: its lease ends and the job is claimed again.
        Err(e) => {
            tracing::error!(error = %e, "a job handler panicked");
            report.failed += 1;
        }
    }
    Ok(())
}

/// Records how a job ended (writes go through the writer: SQLite's single writer, a transaction
/// on PostgreSQL), and gives it back.
async fn record_outcome(app: &App, job: &JobRow, token: &str, outcome: Outcome) -> AppResult<Outcome> {
    let mut tx = app.db().begin().await?;
    let now = app.now();
    match &outcome {
        Outcome::Succeeded => {
            jobs::finish(&mut tx, job.id, token, now).await?;
        }
        Outcome::Failed(error) => {
            tracing::warn!(job = %job.id, kind = job.kind.as_str(), attempt = job.attempts, %error, "job failed");
            let retry_at = Millis(now.0.saturating_add(retry_delay_ms(job.attempts)));
            jobs::fail(&mut tx, job.id, token, error, retry_at, now).await?;
        }
    }
    tradeport_store::commit(tx).await?;
    Ok(outcome)
}

/// Runs one job; the error text is kept on the job for staff to read.
async fn run_one(app: &App, job: &JobRow) -> Result<(), String> {
    match job.kind {
        JobKind::DeliverEmail => crate::notifications::deliver_email(app, job).await,
        JobKind::DeliverWebhook => crate::notifications::deliver_webhook(app, job).await,
        JobKind::DeliverSms => crate::notifications::deliver_sms(app, job).await,
        JobKind::Probe => probe(job).await,
        JobKind::FollowUpSweep => crate::sla::run_sweep(app, job).await,
        JobKind::TrackingSweep => crate::exceptions::run_tracking_sweep(app, job).await,
        JobKind::CompletionSweep => crate::aftersales::run_completion_sweep(app, job).await,
        JobKind::ReplacementOrder => crate::aftersales::run_replacement_job(app, job).await,
        JobKind::ChannelPoll => crate::channels::run_poll_job(app, job).await,
        JobKind::ChannelTrackingPush => crate::channels::run_tracking_push(app, job).await,
        JobKind::PaymentWindowExpiry => crate::payments::run_window_expiry(app, job).await,
        JobKind::TicketReply => crate::tickets::run_reply_job(app, job).await,
        JobKind::ChannelDelivery => crate::channels::run_delivery_job(app, job).await,
    }
}

/// The probe job: waits `sleep_ms` (on attempts up to `sleep_attempts`, default all) if asked,
/// fails if asked (`"fail": true`), else succeeds.
async fn probe(job: &JobRow) -> Result<(), String> {
    let p: serde_json::Value = serde_json::from_str(&job.payload).map_err(|e| format!("payload: {e}"))?;
    let sleeps = p["sleep_attempts"].as_u64().is_none_or(|n| u64::from(job.attempts) <= n);
    if let Some(ms) = p["sleep_ms"].as_u64().filter(|_| sleeps) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if p["fail"].as_bool() == Some(true) { Err("the probe was asked to fail".into()) } else { Ok(()) }
}
