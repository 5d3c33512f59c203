//! The follow-up (SLA-2): at fixed local times (09:00 and 15:00 unless the operator sets other
//! times) a sweep lists every overdue step of each warehouse's orders, in the warehouse's own time
//! zone, and of the orders not in any warehouse yet, in the operator's. Each sweep is kept as a
//! report, grouped by the department that answers for the step; staff record what they did about
//! an overdue step (who, what, the new promise).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::jobs::JobKind;
use tradeport_domain::kernel::{FieldError, Millis, TenantId};
use tradeport_domain::sla::{DEFAULT_SWEEP_CRON, Department, Recurrence, Step};
use tradeport_store::follow_up::{self, NewFollowUp, RecurringRow, SweepRow};
use tradeport_store::inventory::warehouses;
use tradeport_store::jobs::JobRow;

use crate::{App, AppError, AppResult};

/// The scope of the operator's own sweep (orders not in any warehouse yet).
pub const OPERATOR_SCOPE: &str = "operator";

/// Most overdue steps one sweep lists.
const SWEEP_LIMIT: i64 = 1_000;

/// A scheduled sweep.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SweepSchedule {
    /// `operator` or a warehouse id.
    pub scope: String,
    /// Five-field cron, read in `timezone`.
    pub cron: String,
    pub timezone: String,
    /// The next sweep, in milliseconds since the epoch.
    pub next_run_at: i64,
}

impl From<&RecurringRow> for SweepSchedule {
    fn from(r: &RecurringRow) -> Self {
        Self {
            scope: r.scope.clone(),
            cron: r.cron.clone(),
            timezone: r.timezone.clone(),
            next_run_at: r.next_run_at,
        }
    }
}

pub(crate) fn next_run(cron: &str, timezone: &str, after: Millis) -> AppResult<Millis> {
    let recurrence = Recurrence::parse(cron, timezone).map_err(|e| AppError::Invalid(vec![e]))?;
    let after = jiff::Timestamp::from_millisecond(after.0).map_err(|e| AppError::Internal(e.to_string()))?;
    let next = recurrence.next_after(after).ok_or_else(|| {
        AppError::Invalid(vec![FieldError::new("cron", "never_runs", "the schedule never comes round")])
    })?;
    Ok(Millis(next.as_millisecond()))
}

/// Gives the operator and each of its warehouses a sweep, in their own time zones, at `cron`
/// (when `None`: the times the operator has, else 09:00 and 15:00). Schedules already right are
/// left as they are.
pub(crate) async fn schedule_sweeps(
    app: &App,
    operator: TenantId,
    cron: Option<&str>,
) -> AppResult<Vec<SweepSchedule>> {
    let mut conn = app.db().read().await?;
    let existing = follow_up::list_recurring(&mut conn, operator, JobKind::FollowUpSweep).await?;
    let tenant = crate::access::operator_row(&mut conn, operator).await?;
    let places = warehouses::list(&mut conn, operator).await?;
    drop(conn);
    let cron = cron
        .map(str::to_string)
        .or_else(|| existing.iter().find(|r| r.scope == OPERATOR_SCOPE).map(|r| r.cron.clone()))
        .unwrap_or_else(|| DEFAULT_SWEEP_CRON.to_string());
    let mut scopes = vec![(OPERATOR_SCOPE.to_string(), tenant.timezone)];
    scopes.extend(places.into_iter().map(|w| (w.id.to_string(), w.timezone)));
    let now = app.now();
    let mut tx = app.begin().await?;
    for (scope, timezone) in scopes {
        let same = existing.iter().any(|r| r.scope == scope && r.cron == cron && r.timezone == timezone);
        if same {
            continue;
        }
        let payload = serde_json::json!({ "scope": scope, "timezone": timezone }).to_string();
        let row = RecurringRow {
            id: app.new_uuid().to_string(),
            tenant_id: operator.to_string(),
            kind: JobKind::FollowUpSweep.as_str().into(),
            next_run_at: next_run(cron.trim(), &timezone, now)?.0,
            scope,
            payload,
            cron: cron.trim().to_string(),
            timezone,
        };
        follow_up::upsert_recurring_in_tx(&mut tx, &row, now).await?;
    }
    tx.commit().await?;
    let mut conn = app.db().read().await?;
    let rows = follow_up::list_recurring(&mut conn, operator, JobKind::FollowUpSweep).await?;
    Ok(rows.iter().map(SweepSchedule::from).collect())
}

/// The sweeps scheduled for the operator and its warehouses (adding any that are missing).
pub async fn sweep_schedules(app: &App, principal: &Principal) -> AppResult<Vec<SweepSchedule>> {
    principal.require(Permission::ViewSettings)?;
    schedule_sweeps(app, principal.scope.operator_id, None).await
}

/// Sets when the sweeps run: a five-field cron (`0 9,15 * * *`), read in each place's own time
/// zone. Admins.
pub async fn set_sweep_times(app: &App, principal: &Principal, cron: &str) -> AppResult<Vec<SweepSchedule>> {
    principal.require(Permission::ManageSettings)?;
    Recurrence::parse(cron.trim(), "UTC").map_err(|e| AppError::Invalid(vec![e]))?;
    schedule_sweeps(app, principal.scope.operator_id, Some(cron.trim())).await
}

/// One overdue step in a sweep's report.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OverdueStep {
    pub order_id: String,
    /// A customer-service ticket past its clock (CS-3): its id (then `step` is
    /// `ticket_first_response` or `ticket_resolution`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_id: Option<String>,
    pub step: String,
    /// The department that answers for the step.
    pub department: String,
    pub due_at: i64,
    pub late_by_ms: i64,
}

/// A sweep's report.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SweepReport {
    pub id: String,
    pub scope: String,
    pub timezone: String,
    /// The scheduled time (e.g. 09:00 in `timezone`), milliseconds since the epoch.
    pub scheduled_for: i64,
    /// The same, in `timezone` (RFC 3339).
    pub scheduled_local: String,
    pub ran_at: i64,
    pub overdue: i64,
    /// Overdue steps per department.
    pub departments: BTreeMap<String, Vec<OverdueStep>>,
}

fn report(row: &SweepRow) -> AppResult<SweepReport> {
    let items: Vec<OverdueStep> =
        serde_json::from_str(&row.items).map_err(|e| AppError::Internal(format!("sweep {}: {e}", row.id)))?;
    let mut departments: BTreeMap<String, Vec<OverdueStep>> = BTreeMap::new();
    for item in items {
        departments.entry(item.department.clone()).or_default().push(item);
    }
    let scheduled_local = jiff::tz::TimeZone::get(&row.timezone)
        .ok()
        .and_then(|tz| {
            Some(jiff::Timestamp::from_millisecond(row.scheduled_for).ok()?.to_zoned(tz).to_string())
        })
        .unwrap_or_default();
    Ok(SweepReport {
        id: row.id.clone(),
        scope: row.scope.clone(),
        timezone: row.timezone.clone(),
        scheduled_for: row.scheduled_for,
        scheduled_local,
        ran_at: row.ran_at,
        overdue: row.overdue,
        departments,
    })
}

/// The latest sweeps, newest first (at most 100). Staff who review orders.
pub async fn list_sweeps(app: &App, principal: &Principal) -> AppResult<Vec<SweepReport>> {
    principal.require(Permission::ReviewOrders)?;
    let mut conn = app.db().read().await?;
    follow_up::list_sweeps(&mut conn, principal.scope.operator_id, 100).await?.iter().map(report).collect()
}

/// One sweep's report.
pub async fn get_sweep(app: &App, principal: &Principal, id: &str) -> AppResult<SweepReport> {
    principal.require(Permission::ReviewOrders)?;
    let mut conn = app.db().read().await?;
    let row = follow_up::get_sweep(&mut conn, principal.scope.operator_id, id)
        .await?
        .ok_or(AppError::NotFound("sweep"))?;
    report(&row)
}

/// What the sweep job carries.
#[derive(Deserialize)]
struct SweepJob {
    scope: String,
    timezone: String,
    scheduled_for: i64,
}

/// The sweep job: lists what is overdue now in its scope and keeps the report (once per
/// scheduled time, however often the job runs).
pub(crate) async fn run_sweep(app: &App, job: &JobRow) -> Result<(), String> {
    let p: SweepJob = serde_json::from_str(&job.payload).map_err(|e| format!("the job's payload: {e}"))?;
    let operator = job.tenant_id.ok_or("the job names no operator")?;
    sweep(app, operator, p).await.map_err(|e| e.to_string())
}

async fn sweep(app: &App, operator: TenantId, p: SweepJob) -> AppResult<()> {
    let now = app.now();
    let warehouse = (p.scope != OPERATOR_SCOPE).then_some(p.scope.as_str());
    let mut conn = app.db().read().await?;
    let overdue = follow_up::overdue_order_steps(&mut conn, operator, warehouse, now, SWEEP_LIMIT).await?;
    drop(conn);
    let mut items: Vec<OverdueStep> = overdue
        .into_iter()
        .filter_map(|(order_id, step, due_at)| {
            let step = Step::parse(&step)?;
            Some(OverdueStep {
                order_id,
                ticket_id: None,
                step: step.as_str().into(),
                department: step.department().as_str().into(),
                due_at,
                late_by_ms: now.0 - due_at,
            })
        })
        .collect();
    if warehouse.is_none() {
        items.extend(overdue_tickets(app, operator, now).await?);
    }
    let row = SweepRow {
        id: app.new_uuid().to_string(),
        scope: p.scope,
        timezone: p.timezone,
        scheduled_for: p.scheduled_for,
        ran_at: now.0,
        overdue: items.len() as i64,
        items: crate::orders::to_json(&items)?,
    };
    let notices = department_notices(app, operator, &row, &items).await?;
    let mut tx = app.begin().await?;
    if follow_up::insert_sweep_in_tx(&mut tx, operator, &row).await? {
        for notice in &notices {
            tradeport_store::outbox::enqueue_in_tx(&mut tx, operator, notice).await?;
        }
        let data = serde_json::json!({ "scope": row.scope, "overdue": row.overdue }).to_string();
        let event = tradeport_store::events::NewEvent {
            data,
            ..app.event(tradeport_domain::access::Actor::System, "sla_sweep", &row.id, "sla_sweep_ran")
        };
        tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    }
    tx.commit().await
}

/// The operator's tickets past a clock and still needing an agent (CS-3), as customer service's
/// overdue steps.
async fn overdue_tickets(app: &App, operator: TenantId, now: Millis) -> AppResult<Vec<OverdueStep>> {
    let filter = tradeport_store::tickets::TicketFilter { overdue_at: Some(now.0), ..Default::default() };
    let mut conn = app.db().read().await?;
    let late = tradeport_store::tickets::list(&mut conn, operator, &filter, SWEEP_LIMIT).await?;
    Ok(late
        .into_iter()
        .map(|t| {
            let (step, due_at) = match (t.first_responded_at, t.first_response_due, t.promised_at) {
                (None, Some(due), _) if due < now.0 => ("ticket_first_response", due),
                (_, _, Some(promised)) if promised < now.0 => ("ticket_promise", promised),
                _ => ("ticket_resolution", t.resolution_due.unwrap_or(now.0)),
            };
            OverdueStep {
                order_id: t.order_id.unwrap_or_default(),
                ticket_id: Some(t.id),
                step: step.into(),
                department: Department::CustomerService.as_str().into(),
                due_at,
                late_by_ms: now.0 - due_at,
            }
        })
        .collect())
}

/// One message per department with overdue steps, to its active staff, in the operator's
/// language (the relay e-mails each of them).
async fn department_notices(
    app: &App,
    operator: TenantId,
    sweep: &SweepRow,
    items: &[OverdueStep],
) -> AppResult<Vec<tradeport_store::outbox::NewMessage<'static>>> {
    let mut by_department: BTreeMap<&str, Vec<&OverdueStep>> = BTreeMap::new();
    for item in items {
        by_department.entry(item.department.as_str()).or_default().push(item);
    }
    if by_department.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = app.db().read().await?;
    let policy = crate::access::load_operator(&mut conn, operator).await?;
    let place = match sweep.scope.as_str() {
        // The message names it in the reader's language.
        OPERATOR_SCOPE => String::new(),
        w => warehouses::list(&mut conn, operator)
            .await?
            .into_iter()
            .find(|x| x.id.to_string() == w)
            .map_or_else(|| w.to_string(), |x| x.code),
    };
    let mut out = Vec::new();
    for (department, steps) in by_department {
        let Some(d) = Department::parse(department) else { continue };
        let staff = tradeport_store::access::users::staff_with_roles(&mut conn, operator, d.roles()).await?;
        let payload = serde_json::json!({
            "sweep_id": sweep.id,
            "department": department,
            "place": place,
            "overdue": steps.len(),
            "orders": steps
                .iter()
                .take(20)
                .map(|s| s.ticket_id.as_ref().map_or_else(|| s.order_id.clone(), |t| format!("ticket {t}")))
                .collect::<Vec<_>>(),
            "recipients": staff.iter().map(|u| u.email.as_str()).collect::<Vec<_>>(),
            "language": policy.settings.default_locale,
        });
        out.push(tradeport_store::outbox::NewMessage {
            id: app.new_uuid(),
            merchant_id: None,
            topic: crate::notifications::SLA_OVERDUE,
            subject_type: "sla_sweep",
            subject_id: sweep.id.clone(),
            payload: payload.to_string(),
            at: app.now(),
        });
    }
    Ok(out)
}

/// Queues the job of every recurring schedule that has come round and moves each schedule to
/// its next time (after now: a process that was down runs a missed sweep once, not once per
/// missed time). Any number of processes may call this; each schedule is taken by one.
pub async fn enqueue_due_recurring(app: &App) -> AppResult<usize> {
    let now = app.now();
    let mut tx = app.db().begin().await?;
    let due = follow_up::take_due_recurring_in_tx(&mut tx, now, 100).await?;
    for r in &due {
        let mut payload: serde_json::Value = serde_json::from_str(&r.payload)
            .map_err(|e| AppError::Internal(format!("recurring job {}: {e}", r.id)))?;
        payload["scheduled_for"] = r.next_run_at.into();
        let tenant = r.tenant_id.parse::<TenantId>().ok();
        crate::jobs::enqueue_in_tx(app, &mut tx, tenant, r.job_kind()?, &payload, now).await?;
        follow_up::set_next_run_in_tx(&mut tx, &r.id, next_run(&r.cron, &r.timezone, now)?, now).await?;
    }
    tradeport_store::commit(tx).await?;
    Ok(due.len())
}

/// What a person did about an overdue step.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpInput {
    pub order_id: String,
    /// first_review, second_review, confirmation.
    pub step: String,
    /// What was done: "called the buyer", "asked the warehouse to pick first".
    pub action: String,
    /// The new promise (RFC 3339), if one was made.
    pub promised_at: Option<String>,
    /// The sweep that listed it, if any.
    pub sweep_id: Option<String>,
}

/// A recorded follow-up.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FollowUpView {
    pub id: String,
    pub sweep_id: Option<String>,
    pub order_id: String,
    pub step: String,
    /// `user:<id>`, `api_key:<id>` or `system`.
    pub by: String,
    pub action: String,
    pub promised_at: Option<i64>,
    pub created_at: i64,
}

/// Records a follow-up of an order's step. Staff who review orders.
pub async fn record_follow_up(
    app: &App,
    principal: &Principal,
    input: &FollowUpInput,
) -> AppResult<Vec<FollowUpView>> {
    principal.require(Permission::ReviewOrders)?;
    let operator = principal.scope.operator_id;
    let mut errors = Vec::new();
    let step = Step::parse(input.step.trim());
    if step.is_none() {
        errors.push(FieldError::new(
            "step",
            "unknown_step",
            "use first_review, second_review or confirmation",
        ));
    }
    let action = input.action.trim();
    if action.is_empty() || action.chars().count() > 500 {
        errors.push(FieldError::new("action", "required", "say what was done, in at most 500 characters"));
    }
    let promised_at = match input.promised_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => match text.parse::<jiff::Timestamp>() {
            Ok(t) => Some(Millis(t.as_millisecond())),
            Err(_) => {
                errors.push(FieldError::new(
                    "promised_at",
                    "bad_instant",
                    "write the new promise as RFC 3339, e.g. 2026-11-26T15:00:00+08:00",
                ));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let order_id = crate::parse_id(&input.order_id, "order")?;
    let mut tx = app.begin().await?;
    tx.lock_order(operator, principal.scope.merchant_id, order_id).await?;
    let id = order_id.to_string();
    let f = NewFollowUp {
        id: app.new_uuid().to_string(),
        sweep_id: input.sweep_id.as_deref().map(str::trim).filter(|s| !s.is_empty()),
        subject: ("order", &id),
        step: step.map(Step::as_str).unwrap_or_default(),
        actor: principal.actor,
        action,
        promised_at,
        at: app.now(),
    };
    follow_up::insert_follow_up_in_tx(&mut tx, operator, &f).await?;
    let data =
        serde_json::json!({ "step": f.step, "action": action, "promised_at": promised_at.map(|m| m.0) })
            .to_string();
    let event = tradeport_store::events::NewEvent {
        data,
        ..app.event(principal.actor, "order", order_id, "order_followed_up")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    let mut conn = app.db().read().await?;
    let rows = follow_up::list_follow_ups(&mut conn, operator, ("order", &id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| FollowUpView {
            id: r.id,
            sweep_id: r.sweep_id,
            order_id: r.subject_id,
            step: r.step,
            by: r.actor_id.map_or_else(|| r.actor_kind.clone(), |a| format!("{}:{a}", r.actor_kind)),
            action: r.action,
            promised_at: r.promised_at,
            created_at: r.created_at,
        })
        .collect())
}
