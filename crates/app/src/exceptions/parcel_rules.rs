//! The lane rules applied to parcels (SHP-6, SHP-7): on every tracking event or clearance step
//! (returned, refused, failed deliveries), and by the sweep for the rules only time breaks (no
//! update, stuck, past the promised date). For each kind the most specific rule covering the
//! parcel applies (a lane's own over "any lane"). A match opens one case per parcel and kind, with
//! the cause in words and the rule's department; the case closes by itself when the trouble is
//! over (news again, moving again, delivered).

use serde::Serialize;
use tradeport_domain::access::{Actor, Permission, Principal};
use tradeport_domain::exceptions::ParcelFacts;
use tradeport_domain::kernel::{Millis, TenantId};
use tradeport_store::AnyConnection;
use tradeport_store::exceptions::cases::{self, CaseRow, NewCase};
use tradeport_store::exceptions::lane_rules::{self, LaneRuleRow};
use tradeport_store::jobs::JobRow;
use tradeport_store::shipping::parcels::{self, ParcelRow};

use crate::{App, AppResult};

/// Parcels the sweep reads at a time.
const SWEEP_PAGE: u32 = 500;

fn facts(p: &ParcelRow) -> ParcelFacts<'_> {
    let start = p.shipped_at.unwrap_or(Millis(0));
    ParcelFacts {
        origin: &p.origin,
        destination: &p.destination,
        service: &p.service_code,
        status: p.status,
        last_update: p.last_event_at.filter(|e| e.0 > start.0).unwrap_or(start),
        status_since: p.status_at.unwrap_or(start),
        failed_attempts: p.failed_attempts,
        clearance: p.clearance,
        promised_by: p.promised_at,
    }
}

/// For each kind, the most specific rule that covers the parcel.
fn applicable<'a>(rules: &'a [LaneRuleRow], f: &ParcelFacts) -> Vec<&'a LaneRuleRow> {
    let mut best: Vec<&LaneRuleRow> = Vec::new();
    for r in rules.iter().filter(|r| r.rule.covers(f)) {
        match best.iter_mut().find(|b| b.rule.kind == r.rule.kind) {
            Some(b) if r.rule.specificity() > b.rule.specificity() => *b = r,
            Some(_) => {}
            None => best.push(r),
        }
    }
    best
}

/// How an event left the parcel: its status `moved`, or it was `updated` (the newest event yet).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Progress {
    pub moved: bool,
    pub updated: bool,
}

/// Opens the cases the rules find for the parcel now; the number opened (not counting those
/// open already).
async fn open_cases_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    rules: &[LaneRuleRow],
    parcel: &ParcelRow,
    timed: bool,
) -> AppResult<usize> {
    let now = app.now();
    let f = facts(parcel);
    let mut opened = 0;
    for r in applicable(rules, &f).into_iter().filter(|r| r.rule.kind.is_timed() == timed) {
        let Some(cause) = r.rule.breach(&f, now) else { continue };
        let case = CaseRow {
            shipment_id: Some(parcel.shipment_id.clone()),
            rule_kind: Some(r.rule.kind),
            ..CaseRow::opened(
                NewCase {
                    id: app.new_uuid().to_string(),
                    merchant_id: parcel.merchant_id,
                    order_id: parcel.order_id,
                    case_type: r.rule.kind.case_type(),
                    cause: format!("{}: {cause}", parcel.tracking_no),
                    department: r.rule.department,
                },
                now,
            )
        };
        let key = format!("{}/{}", parcel.shipment_id, r.rule.kind.as_str());
        let detail = serde_json::json!({ "rule_id": r.id, "tracking_no": parcel.tracking_no });
        if super::opening::open_case_in_tx(app, conn, operator, &case, Some(&key), Actor::System, detail)
            .await?
        {
            opened += 1;
        }
    }
    Ok(opened)
}

/// After a parcel's event or clearance step: closes the cases whose trouble is over and opens the
/// ones its rules find.
pub(crate) async fn on_parcel_event_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    rules: Option<&[LaneRuleRow]>,
    parcel: &ParcelRow,
    progress: Progress,
) -> AppResult<()> {
    let loaded;
    let rules = match rules {
        Some(r) => r,
        None => {
            loaded = lane_rules::list(conn, operator).await?;
            &loaded
        }
    };
    if progress.moved || progress.updated {
        for case in cases::open_of_shipment(conn, operator, &parcel.shipment_id).await? {
            let Some(kind) = case.rule_kind else { continue };
            if !kind.closed_by(parcel.status, progress.moved, progress.updated) {
                continue;
            }
            let result = format!("tracking moved on: {}", parcel.status.as_str());
            if cases::close_in_tx(conn, operator, &case.id, &result, app.now()).await? {
                let data = serde_json::json!({ "case_id": case.id, "result": result });
                let event = tradeport_store::events::NewEvent {
                    merchant_id: Some(parcel.merchant_id),
                    data: data.to_string(),
                    ..app.event(Actor::System, "order", parcel.order_id, "order_exception_closed")
                };
                tradeport_store::events::append_in_tx(conn, operator, &event).await?;
            }
        }
    }
    if !rules.is_empty() {
        open_cases_in_tx(app, conn, operator, rules, parcel, false).await?;
    }
    Ok(())
}

/// What a sweep did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TrackingSweep {
    /// Parcels on their way that were looked at.
    pub checked: usize,
    /// Cases opened (a parcel with a case of the same kind open gets none).
    pub opened: usize,
}

/// Applies the time-based rules to every parcel on its way, a page per transaction.
pub async fn sweep_parcels(app: &App, operator: TenantId) -> AppResult<TrackingSweep> {
    let mut conn = app.db().read().await?;
    let rules: Vec<LaneRuleRow> =
        lane_rules::list(&mut conn, operator).await?.into_iter().filter(|r| r.rule.kind.is_timed()).collect();
    drop(conn);
    let mut done = TrackingSweep::default();
    if rules.is_empty() {
        return Ok(done);
    }
    let mut after: Option<String> = None;
    loop {
        let mut conn = app.db().read().await?;
        let page = parcels::on_the_way(&mut conn, operator, after.as_deref(), SWEEP_PAGE).await?;
        drop(conn);
        let Some(last) = page.last() else { break };
        after = Some(last.shipment_id.clone());
        done.checked += page.len();
        let now = app.now();
        let due: Vec<&ParcelRow> = page
            .iter()
            .filter(|p| {
                let f = facts(p);
                applicable(&rules, &f).iter().any(|r| r.rule.breach(&f, now).is_some())
            })
            .collect();
        if !due.is_empty() {
            let mut tx = app.begin().await?;
            for p in due {
                // Locked and read again: an event may have come since the page was read.
                tradeport_store::shipping::tracking::status_in_tx(&mut tx, operator, &p.shipment_id).await?;
                let Some(fresh) = parcels::parcel(&mut tx, operator, &p.shipment_id).await? else { continue };
                done.opened += open_cases_in_tx(app, &mut tx, operator, &rules, &fresh, true).await?;
            }
            tx.commit().await?;
        }
        if page.len() < SWEEP_PAGE as usize {
            break;
        }
    }
    Ok(done)
}

/// Runs the sweep now, for staff who will not wait for the hour. Logistics staff and admins.
pub async fn sweep_now(app: &App, principal: &Principal) -> AppResult<TrackingSweep> {
    principal.require(Permission::ManageCarriers)?;
    sweep_parcels(app, principal.scope.operator_id).await
}

/// The scheduled sweep of the operator named by the job.
pub(crate) async fn run_tracking_sweep(app: &App, job: &JobRow) -> Result<(), String> {
    let operator = job.tenant_id.ok_or("the job names no operator")?;
    sweep_parcels(app, operator).await.map(|_| ()).map_err(|e| e.to_string())
}
