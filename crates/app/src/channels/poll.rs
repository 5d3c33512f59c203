//! The channel poll (ORD-1, CS-1): every 15 minutes, per operator, each active Amazon connection's
//! changed orders and each active eBay connection's member messages; what failed is named by
//! connection, and the rest still ran.

use tradeport_domain::channels::{ChannelKind, ConnectionStatus};
use tradeport_domain::jobs::JobKind;
use tradeport_store::channels::connections;
use tradeport_store::jobs::JobRow;

use super::poll_amazon::poll;
use crate::{App, AppResult};

/// How often the operator's marketplace connections are polled.
pub(crate) const POLL_CRON: &str = "*/15 * * * *";

/// The scheduled poll of every active Amazon connection of the job's operator (and the member
/// messages of every eBay one).
pub(crate) async fn run_poll_job(app: &App, job: &JobRow) -> Result<(), String> {
    let operator = job.tenant_id.ok_or("the job names no operator")?.to_string();
    let mut conn = app.db().read().await.map_err(|e| e.to_string())?;
    let all = connections::all(&mut conn).await.map_err(|e| e.to_string())?;
    drop(conn);
    let mut failures = crate::tickets::read_all_member_messages(app, &operator).await;
    for c in all.iter().filter(|c| {
        c.tenant_id == operator
            && c.kind == ChannelKind::Amazon.as_str()
            && c.status == ConnectionStatus::Active.as_str()
    }) {
        match poll(app, c).await {
            Ok(r) if r.error.is_none() => {}
            Ok(r) => failures.push(format!("{}: {}", c.name, r.error.unwrap_or_default())),
            Err(e) => failures.push(format!("{}: {e}", c.name)),
        }
    }
    if failures.is_empty() { Ok(()) } else { Err(failures.join("; ")) }
}

/// Schedules the operator's polls (once), when it connects a marketplace.
pub(crate) async fn schedule_polls_in_tx(
    app: &App,
    conn: &mut tradeport_store::AnyConnection,
    operator: tradeport_domain::kernel::TenantId,
) -> AppResult<()> {
    crate::jobs::schedule_once_in_tx(app, conn, operator, JobKind::ChannelPoll, POLL_CRON).await
}
