//! Completing orders (DONE-1): a daily job (and staff on demand) completes each order that was
//! delivered and has had nothing open since the after-sales window's first check, and each
//! cancelled order whose money is settled; the time is recorded and the order's timeline says so.
//! The buyer of a delivered order is asked how satisfied they are (CS-6). The same daily job then
//! archives the orders completed a week before ([`crate::archive`]).

use serde::Serialize;
use tradeport_domain::access::{Actor, Permission, Principal};
use tradeport_domain::aftersales::{
    Completed, CompletionFacts, RefundStatus, completion, fourteen_day_market,
};
use tradeport_domain::exceptions::CaseStatus;
use tradeport_domain::kernel::{OrderId, TenantId};
use tradeport_domain::orders::OrderStatus;
use tradeport_store::aftersales::requests::{self, RequestsOf};
use tradeport_store::aftersales::{policies, refunds};
use tradeport_store::exceptions::cases::{self, CaseFilter};
use tradeport_store::jobs::JobRow;
use tradeport_store::orders::completion as completions;
use tradeport_store::shipping::shipments::{self, ShipmentsOf};

use crate::{App, AppResult};

/// What a completion run did.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct CompletionRun {
    pub checked: usize,
    pub completed: usize,
}

/// Completes every order of the operator that is due, looking at all that may be, a page at a
/// time.
pub async fn complete_orders(app: &App, operator: TenantId) -> AppResult<CompletionRun> {
    let mut run = CompletionRun::default();
    let mut after = None;
    loop {
        let mut conn = app.db().read().await?;
        let page = completions::candidates(&mut conn, operator, after, 500).await?;
        drop(conn);
        let Some(last) = page.last().copied() else { break };
        after = Some(last);
        run.checked += page.len();
        for id in page {
            if due(app, operator, id).await?.is_some() {
                run.completed += usize::from(complete(app, operator, id).await?);
            }
        }
    }
    Ok(run)
}

async fn due(app: &App, operator: TenantId, id: OrderId) -> AppResult<Option<Completed>> {
    Ok(facts_of(app, operator, id).await?.and_then(|facts| completion(&facts, app.now())))
}

/// Records the completion and puts it on the order's timeline; false when it was recorded before.
async fn complete(app: &App, operator: TenantId, id: OrderId) -> AppResult<bool> {
    let mut tx = app.begin().await?;
    let order = tx.lock_order(operator, None, id).await?;
    // Decided again under the order's lock: a request or case filed meanwhile (each takes the
    // lock to file) keeps the order open.
    let Some(why) = due(app, operator, id).await? else {
        tx.end_unwritten().await?;
        return Ok(false);
    };
    if !completions::mark_in_tx(&mut tx, operator, id, app.now()).await? {
        tx.end_unwritten().await?;
        return Ok(false);
    }
    let reason = match why {
        Completed::Delivered => "delivered, and the after-sales window passed with nothing open",
        Completed::CancelledAndSettled => "cancelled and settled",
    };
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(order.merchant_id),
        reason: Some(reason),
        ..app.event(Actor::System, "order", id, "order_completed")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    if why == Completed::Delivered {
        crate::tickets::ask_after_completion_in_tx(app, &mut tx, operator, &order).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The facts completion is decided on, read together.
async fn facts_of(app: &App, operator: TenantId, id: OrderId) -> AppResult<Option<CompletionFacts>> {
    let mut conn = app.db().read().await?;
    let Some(order) = tradeport_store::orders::get(&mut conn, operator, None, id).await? else {
        return Ok(None);
    };
    let parcels = shipments::find(&mut conn, operator, None, ShipmentsOf::Order(id)).await?;
    let all_delivered_at = if !parcels.is_empty() && parcels.iter().all(|s| s.delivered_at.is_some()) {
        parcels.iter().filter_map(|s| s.delivered_at).max()
    } else {
        None
    };
    let open_cases = CaseFilter {
        merchant_id: None,
        order_id: Some(id),
        status: Some(CaseStatus::Open),
        department: None,
    };
    let open_cases = cases::list(&mut conn, operator, &open_cases, None, 1).await?.len();
    let open_requests = requests::find(&mut conn, operator, None, RequestsOf::Order(id), 1_000)
        .await?
        .iter()
        .filter(|r| r.status.is_open())
        .count();
    let paid_back = refunds::of_order(&mut conn, operator, id).await?;
    let sum =
        |s: RefundStatus| paid_back.iter().filter(|r| r.status == s).map(|r| r.amount_minor).sum::<i64>();
    let merchant = order.merchant_id.to_string();
    let window = policies::list(&mut conn, operator, Some(&merchant))
        .await?
        .iter()
        .filter(|p| p.policy.market.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(&order.ship_country)))
        .map(|p| p.policy.window_days)
        .max()
        .unwrap_or(0);
    let window = if fourteen_day_market(&order.ship_country) { window.max(14) } else { window };
    Ok(Some(CompletionFacts {
        cancelled: order.status == OrderStatus::Cancelled,
        all_delivered_at,
        window_days: window,
        open_items: open_cases + open_requests,
        paid_minor: order.paid.minor(),
        refunded_minor: sum(RefundStatus::Succeeded),
        pending_refunds_minor: sum(RefundStatus::Pending),
    }))
}

/// Whether order `id` has work still open (an exception case, an after-sales request, a refund
/// under way): such an order is not archived until it is done.
pub(crate) async fn open_work(app: &App, operator: TenantId, id: OrderId) -> AppResult<bool> {
    Ok(facts_of(app, operator, id).await?.is_some_and(|f| f.open_items > 0 || f.pending_refunds_minor > 0))
}

/// Runs the completion now, for staff who will not wait for the night.
pub async fn complete_now(app: &App, principal: &Principal) -> AppResult<CompletionRun> {
    principal.require(Permission::ChangeOrders)?;
    complete_orders(app, principal.scope.operator_id).await
}

/// The scheduled run of the operator named by the job.
pub(crate) async fn run_completion_sweep(app: &App, job: &JobRow) -> Result<(), String> {
    let operator = job.tenant_id.ok_or("the job names no operator")?;
    complete_orders(app, operator).await.map_err(|e| e.to_string())?;
    // Then the file of each order completed a week ago is archived (DONE-2). Without a blob
    // store (a server started without one) there is nowhere to file it: said in the job's error.
    let archived = crate::archive::archive_due(app, operator).await.map_err(|e| e.to_string())?;
    // And on the first night of a month, last month's supervision report is filed (KPI-1).
    crate::reporting::file_last_month(app, operator).await.map_err(|e| format!("supervision report: {e}"))?;
    // And the orders whose retention has ended are listed for an admin to review (DONE-3).
    crate::retention::propose_nightly(app, operator).await.map_err(|e| format!("deletion proposal: {e}"))?;
    // And yesterday's stock is snapshotted, by age, for storage charges.
    crate::billing::take_yesterday(app, operator).await.map_err(|e| format!("stock snapshot: {e}"))?;
    // And on the first night of a month, last month's statements are filed.
    crate::billing::file_last_month(app, operator).await.map_err(|e| format!("statements: {e}"))?;
    if archived.failed.is_empty() {
        Ok(())
    } else {
        Err(format!("{} orders not archived: {}", archived.failed.len(), archived.failed.join("; ")))
    }
}
