//! Background work: the outbox relay and the job queue, housekeeping and the dashboard counts' fold; SLA sweeps, the outbox relay and tracking polls
//! join as their contexts arrive. Every job is idempotent, so several processes may run it.

use std::time::Duration;

use tokio::sync::watch;
use tradeport_app::App;

/// How often expired sessions, sign-in attempts and idempotency keys are removed.
pub const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(600);
/// How often the dashboard's order counts fold their pending changes (a count reads the
/// changes not folded yet, so this only bounds how many it reads).
pub const FOLD_COUNTS_EVERY: Duration = Duration::from_secs(10);

/// How long a claimed job is held before another worker may take it over (its process is
/// presumed dead): `TRADEPORT_JOB_LEASE_SECONDS`, default 5 minutes.
fn job_lease() -> Duration {
    let seconds =
        std::env::var("TRADEPORT_JOB_LEASE_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(300);
    Duration::from_secs(seconds)
}

/// How often the outbox and the job queue are polled: `TRADEPORT_JOB_POLL_MS`, default 1 s.
fn poll_every() -> Duration {
    Duration::from_millis(
        std::env::var("TRADEPORT_JOB_POLL_MS").ok().and_then(|s| s.parse().ok()).unwrap_or(1000),
    )
}

/// Jobs one worker runs at once.
const JOBS_AT_ONCE: u32 = 16;

/// Dispatches the outbox and runs due jobs until a round finds nothing to do.
async fn drain(app: &App, worker: &str, lease: Duration) {
    if let Err(e) = tradeport_app::sla::enqueue_due_recurring(app).await {
        tracing::warn!(error = %e, "queueing the recurring jobs failed; will retry");
    }
    if let Err(e) = tradeport_app::notifications::relay_outbox(app).await {
        tracing::warn!(error = %e, "the outbox relay failed; will retry");
    }
    loop {
        match tradeport_app::jobs::run_due(app, worker, lease, JOBS_AT_ONCE).await {
            Ok(r) if r.claimed == JOBS_AT_ONCE as usize => continue,
            Ok(_) => break,
            Err(e) => {
                tracing::warn!(error = %e, "running jobs failed; will retry");
                break;
            }
        }
    }
}

/// Runs the schedules until `stop` turns true.
pub async fn run(app: App, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(HOUSEKEEPING_EVERY);
    let mut fold = tokio::time::interval(FOLD_COUNTS_EVERY);
    let mut poll = tokio::time::interval(poll_every());
    let worker = format!("worker-{}", std::process::id());
    let lease = job_lease();
    loop {
        tokio::select! {
            _ = poll.tick() => drain(&app, &worker, lease).await,
            _ = fold.tick() => if let Err(e) = tradeport_app::reporting::fold_order_counts(&app).await {
                tracing::warn!(error = %e, "folding the order counts failed; will retry");
            },
            _ = tick.tick() => match tradeport_app::access::purge_expired(&app).await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "housekeeping removed expired rows"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "housekeeping failed; will retry"),
            },
            _ = stop.changed() => {
                if *stop.borrow() {
                    break;
                }
            }
        }
    }
}
