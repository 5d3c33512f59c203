//! Background work: periodic housekeeping and the dashboard counts' fold now; SLA sweeps, the outbox relay and tracking polls
//! join as their contexts arrive. Every job is idempotent, so several processes may run it.

use std::time::Duration;

use tokio::sync::watch;
use tradeport_app::App;

/// How often expired sessions, sign-in attempts and idempotency keys are removed.
pub const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(600);
/// How often the dashboard's order counts fold their pending changes (a count reads the
/// changes not folded yet, so this only bounds how many it reads).
pub const FOLD_COUNTS_EVERY: Duration = Duration::from_secs(10);

/// Runs the schedules until `stop` turns true.
pub async fn run(app: App, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(HOUSEKEEPING_EVERY);
    let mut fold = tokio::time::interval(FOLD_COUNTS_EVERY);
    loop {
        tokio::select! {
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
