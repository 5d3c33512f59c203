//! Background work: periodic housekeeping now; SLA sweeps, the outbox relay and tracking polls
//! join as their contexts arrive. Every job is idempotent, so several processes may run it.

use std::time::Duration;

use tokio::sync::watch;
use tradeport_app::App;

/// How often expired sessions, sign-in attempts and idempotency keys are removed.
pub const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(600);

/// Runs the schedules until `stop` turns true.
pub async fn run(app: App, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(HOUSEKEEPING_EVERY);
    loop {
        tokio::select! {
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
