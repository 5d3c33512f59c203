//! Background work: the outbox relay (with the recurring jobs such as the SLA sweeps), the job
//! runner, housekeeping, the dashboard counts' fold and the audit chain's sealer. Every job is idempotent, so several processes may run it.

use std::time::Duration;

use tokio::sync::watch;
use tradeport_app::App;

/// How often expired sessions, sign-in attempts and idempotency keys are removed.
pub const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(600);
/// How often the dashboard's order counts fold their pending changes (a count reads the
/// changes not folded yet, so this only bounds how many it reads).
pub const FOLD_COUNTS_EVERY: Duration = Duration::from_secs(10);

/// How often new events are sealed into the audit chain (SYS-1) and rolled up into the KPIs.
pub const AUDIT_SEAL_EVERY: Duration = Duration::from_secs(30);

/// How often safety-stock thresholds are compared with the available stock (INV-5).
pub const SAFETY_STOCK_EVERY: Duration = Duration::from_secs(30);

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

/// Jobs one worker runs at once: `TRADEPORT_JOBS_AT_ONCE`, default 64 (deliveries mostly wait
/// on the network and on commits, which batch better the more run together).
fn jobs_at_once() -> u32 {
    std::env::var("TRADEPORT_JOBS_AT_ONCE").ok().and_then(|s| s.parse().ok()).filter(|n| *n > 0).unwrap_or(64)
}

/// Turns new outbox messages and due recurring jobs into jobs.
async fn dispatch(app: &App) {
    if let Err(e) = tradeport_app::sla::enqueue_due_recurring(app).await {
        tracing::warn!(error = %e, "queueing the recurring jobs failed; will retry");
    }
    if let Err(e) = tradeport_app::notifications::relay_outbox(app).await {
        tracing::warn!(error = %e, "the outbox relay failed; will retry");
    }
}

/// Runs `step` every `every` until `stop` turns true (a step under way is finished first).
async fn every<F, Fut>(every: Duration, mut stop: watch::Receiver<bool>, mut step: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => step().await,
            _ = stop.changed() => if *stop.borrow() { return },
        }
    }
}

/// Runs the schedules until `stop` turns true: the relay, the job runner and the upkeep each on
/// their own task, so a long run of jobs delays neither new messages becoming jobs nor the
/// housekeeping.
pub async fn run(app: App, stop: watch::Receiver<bool>) {
    let poll = poll_every();
    let worker = format!("worker-{}", std::process::id());
    let (lease, at_once) = (job_lease(), jobs_at_once());
    let relay = every(poll, stop.clone(), || dispatch(&app));
    let stopping = stop.clone();
    let keep_claiming = || !*stopping.borrow();
    let runner = every(poll, stop.clone(), || async {
        // Deliveries parked by a process without their transport run in this one, which has it.
        if let Err(e) = tradeport_app::jobs::queue_parked(&app).await {
            tracing::warn!(error = %e, "queueing parked jobs failed; will retry");
        }
        let ran = tradeport_app::jobs::run_until_idle(&app, &worker, lease, at_once, poll / 4, keep_claiming);
        if let Err(e) = ran.await {
            tracing::warn!(error = %e, "running jobs failed; will retry");
        }
    });
    let fold = every(FOLD_COUNTS_EVERY, stop.clone(), || async {
        if let Err(e) = tradeport_app::reporting::fold_order_counts(&app).await {
            tracing::warn!(error = %e, "folding the order counts failed; will retry");
        }
    });
    let safety_stock = every(SAFETY_STOCK_EVERY, stop.clone(), || async {
        match tradeport_app::warehouse::check_safety_stock(&app).await {
            Ok(n) if n > 0 => tracing::info!(alerts = n, "stock fell below safety thresholds"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "checking safety stock failed; will retry"),
        }
    });
    let audit_seal = every(AUDIT_SEAL_EVERY, stop.clone(), || async {
        if let Err(e) = tradeport_app::audit::seal_all(&app).await {
            tracing::warn!(error = %e, "sealing the audit chain failed; will retry");
        }
        // The KPIs read what was sealed.
        if let Err(e) = tradeport_app::reporting::roll_up_all(&app).await {
            tracing::warn!(error = %e, "rolling up the KPIs failed; will retry");
        }
    });
    let housekeeping = every(HOUSEKEEPING_EVERY, stop, || async {
        match tradeport_app::access::purge_expired(&app).await {
            Ok(n) if n > 0 => tracing::info!(removed = n, "housekeeping removed expired rows"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "housekeeping failed; will retry"),
        }
    });
    tokio::join!(relay, runner, fold, safety_stock, audit_seal, housekeeping);
}
