//! The channel poll (ORD-1, CS-1): every 15 minutes, per operator, each active Amazon and eBay
//! connection's changed orders and each eBay connection's member messages; what failed is named
//! by connection, and the rest still ran. A poll reads from the connection's watermark page by
//! page and takes each order in once per change (its delivery key is the order id with its change
//! time); the watermark moves only when every page was read, so a poll the marketplace throttles
//! to a stop resumes where the last full poll ended: no gap, and what it takes again is
//! recognised, not made twice.

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::channels::{ChannelKind, ConnectionStatus, DeliveryOutcome};
use tradeport_domain::jobs::JobKind;
use tradeport_domain::kernel::TenantId;
use tradeport_store::channels::connections::{self, ConnectionRow};
use tradeport_store::channels::deliveries::{self, DeliveryRow};
use tradeport_store::jobs::JobRow;

use super::take_order::TakenOrder;
use crate::{App, AppError, AppResult};

/// How often the operator's marketplace connections are polled.
pub(crate) const POLL_CRON: &str = "*/15 * * * *";
/// Where a first poll starts: orders changed in the last week.
pub(crate) const FIRST_POLL_MS: i64 = 7 * 24 * 3_600_000;
/// How far behind now the watermark stays: a marketplace may show a change late with an earlier
/// time (what is read again is recognised).
pub(super) const SETTLE_MS: i64 = 5 * 60_000;

/// What one poll did.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct PollReport {
    pub orders_seen: u64,
    pub created: u64,
    pub updated: u64,
    /// Orders refused by intake (their reasons are in the delivery log).
    pub refused: u64,
    /// Not taken: not ready, cancelled before they reached us, fulfilled by the marketplace.
    pub ignored: u64,
    /// Changes taken before (a poll that resumed).
    pub already_taken: u64,
    /// Orders read without what they need yet (Amazon's address): asked for again by each poll.
    pub waiting: u64,
    /// Where the next poll starts.
    pub watermark: String,
    /// Why the poll stopped early, when it did (the watermark stayed).
    pub error: Option<String>,
}

/// An instant as the marketplaces' filters take it (UTC, milliseconds).
pub(crate) fn iso(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S.%3fZ").to_string())
        .unwrap_or_default()
}

/// A marketplace's change time in the watermark's form (`None`: not a time).
pub(super) fn normal(t: &str) -> Option<String> {
    t.parse::<jiff::Timestamp>().ok().map(|t| iso(t.as_millisecond()))
}

/// The principal's connection `id`, for a change or a poll (admins, order managers, the
/// merchant).
pub(crate) async fn managed_connection(
    app: &App,
    principal: &Principal,
    id: &str,
) -> AppResult<ConnectionRow> {
    principal.require(Permission::ManageChannels)?;
    let mut conn = app.db().read().await?;
    connections::get(&mut conn, principal.scope.operator_id, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("connection"))
}

/// Polls one Amazon or eBay connection now. Admins, order managers, the merchant.
pub async fn poll_connection(app: &App, principal: &Principal, id: &str) -> AppResult<PollReport> {
    let c = managed_connection(app, principal, id).await?;
    if c.status == ConnectionStatus::Paused.as_str() {
        return Err(crate::warehouse::conflict(
            "channel.paused",
            "the connection is paused: resume it to take its orders in",
        ));
    }
    match ChannelKind::parse(&c.kind) {
        Some(ChannelKind::Amazon) => super::poll_amazon::poll(app, &c).await,
        Some(ChannelKind::Ebay) => super::poll_ebay::poll(app, &c).await,
        _ => Err(crate::warehouse::conflict(
            "channel.not_polled",
            "only Amazon and eBay connections are polled; shops deliver their orders by webhook",
        )),
    }
}

/// The scheduled poll of every active Amazon and eBay connection of the job's operator (and the
/// member messages of every eBay one).
pub(crate) async fn run_poll_job(app: &App, job: &JobRow) -> Result<(), String> {
    let operator = job.tenant_id.ok_or("the job names no operator")?.to_string();
    let mut conn = app.db().read().await.map_err(|e| e.to_string())?;
    let all = connections::all(&mut conn).await.map_err(|e| e.to_string())?;
    drop(conn);
    let mut failures = crate::tickets::read_all_member_messages(app, &operator).await;
    for c in all.iter().filter(|c| c.tenant_id == operator && c.status == ConnectionStatus::Active.as_str()) {
        let polled = match ChannelKind::parse(&c.kind) {
            Some(ChannelKind::Amazon) => super::poll_amazon::poll(app, c).await,
            Some(ChannelKind::Ebay) => super::poll_ebay::poll(app, c).await,
            _ => continue,
        };
        match polled {
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
    operator: TenantId,
) -> AppResult<()> {
    crate::jobs::schedule_once_in_tx(app, conn, operator, JobKind::ChannelPoll, POLL_CRON).await
}

/// Where a poll of `c` starts.
pub(super) fn start_of(app: &App, c: &ConnectionRow) -> String {
    if c.watermark.is_empty() { iso(app.now().0 - FIRST_POLL_MS) } else { c.watermark.clone() }
}

/// Records the end of a poll that started at `start` and saw changes up to `newest`: a full
/// poll moves the watermark to the newest change, never past five minutes ago; one that stopped
/// keeps its start (a first poll's too, so the next begins at the same instant).
pub(super) async fn finish_poll(
    app: &App,
    c: &ConnectionRow,
    start: String,
    newest: String,
    stopped: Option<String>,
    mut report: PollReport,
) -> AppResult<PollReport> {
    let now = app.now();
    let settled = iso(now.0 - SETTLE_MS);
    // ISO 8601 instants in UTC compare as text.
    let watermark = if stopped.is_none() { newest.min(settled).max(start.clone()) } else { start };
    let mut tx = app.begin().await?;
    connections::set_watermark_in_tx(&mut tx, &c.id, &watermark).await?;
    connections::record_health_in_tx(&mut tx, &c.id, now, stopped.as_deref()).await?;
    tx.commit().await?;
    report.watermark = watermark;
    report.error = stopped;
    Ok(report)
}

/// Notes that change `key` of order `external_id` arrived; whether it was taken in before.
pub(super) async fn received_before(
    app: &App,
    c: &ConnectionRow,
    operator: TenantId,
    (topic, key, external_id): (&str, &str, &str),
) -> AppResult<bool> {
    let record = DeliveryRow {
        id: app.new_uuid().to_string(),
        connection_id: c.id.clone(),
        delivery_key: key.to_string(),
        topic: topic.into(),
        external_id: external_id.into(),
        received_at: app.now().0,
        outcome: DeliveryOutcome::Received.as_str().into(),
        order_id: None,
        detail: String::new(),
        finished_at: None,
    };
    let mut tx = app.begin().await?;
    let earlier = deliveries::receive(&mut tx, operator, &record).await?;
    tx.commit().await?;
    Ok(earlier.is_some_and(|e| DeliveryOutcome::parse(&e.outcome).is_some_and(DeliveryOutcome::is_final)))
}

/// Counts what became of a polled change and records it on its delivery.
pub(super) async fn record_taken(
    app: &App,
    c: &ConnectionRow,
    (key, external_id): (&str, &str),
    taken: &TakenOrder,
    report: &mut PollReport,
) -> AppResult<()> {
    match taken.outcome {
        DeliveryOutcome::Created => report.created += 1,
        DeliveryOutcome::Updated | DeliveryOutcome::Cancelled => report.updated += 1,
        DeliveryOutcome::Refused => report.refused += 1,
        DeliveryOutcome::Waiting => report.waiting += 1,
        _ => report.ignored += 1,
    }
    let mut tx = app.begin().await?;
    let outcome = deliveries::Outcome {
        outcome: taken.outcome.as_str(),
        external_id,
        order_id: taken.order_id.as_deref(),
        detail: &taken.detail,
    };
    deliveries::finish(&mut tx, &c.id, key, &outcome, app.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Takes in one polled order that came whole (eBay, Amazon's 2026-01-01 API), once per change
/// (`key`: its id and change time).
pub(super) async fn take_whole(
    app: &App,
    c: &ConnectionRow,
    operator: TenantId,
    (topic, key, external_id): (&str, &str, &str),
    read: Result<tradeport_domain::channels::ChannelOrder, Vec<tradeport_domain::kernel::FieldError>>,
    report: &mut PollReport,
) -> AppResult<()> {
    if received_before(app, c, operator, (topic, key, external_id)).await? {
        report.already_taken += 1;
        return Ok(());
    }
    let taken = match read {
        Ok(o) => super::take_order::take_channel_order(app, c, o).await?,
        Err(fields) => unreadable(&fields),
    };
    record_taken(app, c, (key, external_id), &taken, report).await
}

/// A reader's refusal as a taken order.
pub(super) fn unreadable(fields: &[tradeport_domain::kernel::FieldError]) -> TakenOrder {
    TakenOrder {
        outcome: DeliveryOutcome::Refused,
        order_id: None,
        detail: fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; "),
    }
}
