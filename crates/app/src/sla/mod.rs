//! Time limits (SLA-1): the clocks of an order's steps follow its events, in the transaction that
//! records the event, so a clock can never miss one. The review steps count in the operator's
//! default working calendar when it has one (`calendars`), else in wall-clock time.

mod calendars;
mod follow_up;

pub use calendars::{
    CalendarOwner, CalendarView, ClosedDaysFormat, DuePreview, ImportReport, due_in_calendar, get_calendar,
    import_closed_days, list_calendars, put_calendar,
};
pub(crate) use calendars::{StoredCalendar, load_default};
pub use follow_up::{
    FollowUpInput, FollowUpView, OPERATOR_SCOPE, OverdueStep, SweepReport, SweepSchedule,
    enqueue_due_recurring, get_sweep, list_sweeps, record_follow_up, set_sweep_times, sweep_schedules,
};
pub(crate) use follow_up::{next_run, run_sweep, schedule_sweeps};

use serde::Serialize;
use tradeport_domain::kernel::{Millis, OrderId, TenantId};
use tradeport_domain::sla::{
    ClockAction, DAY_MINUTES, Step, clock_actions, counts_working_days, limit_ms, step_limit,
};
use tradeport_store::AnyConnection;
use tradeport_store::sla::{self, ClockRow, NewClock};

use crate::{App, AppResult};

/// Moves the order's clocks as its events say, in order; call right after appending them.
/// Clocks started here are written in one insert at the end, already stopped when a later event
/// stops them (intake's approval and confirmation start and stop two clocks in one statement);
/// every other change is one statement on the stored clocks. Returns the clocks it started as
/// stored, when it did nothing else to the order's clocks (so for a new order they are all it
/// has: intake answers with them without reading them back).
pub(crate) async fn on_order_events_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    policy: &crate::access::OperatorPolicy,
    order: OrderId,
    urgent: bool,
    events: &[(&str, Millis)],
) -> AppResult<Option<Vec<ClockRow>>> {
    // Its share of intake is measured (bench/notifications.py reads it from /metrics), on every
    // way out of this function.
    let _timed = ClockTiming(std::time::Instant::now());
    let operator = policy.id;
    let id = order.to_string();
    let subject = ("order", id.as_str());
    let mut fresh: Vec<NewClock> = Vec::new();
    let mut only_fresh = true;
    for (kind, at) in events {
        let at = *at;
        for action in clock_actions(kind) {
            match *action {
                ClockAction::Start(step) if !fresh.iter().any(|c| c.step == step) => {
                    fresh.push(new_clock(app, policy, subject, step, urgent, at)?)
                }
                ClockAction::Start(_) => {}
                ClockAction::Stop(step) => match fresh.iter_mut().find(|c| c.step == step) {
                    Some(c) => c.stopped_at = c.stopped_at.or(Some(at)),
                    None => {
                        only_fresh = false;
                        sla::stop_in_tx(conn, operator, subject, Some(step), at).await?
                    }
                },
                // These act on every clock: the fresh ones are written first.
                ClockAction::StopAll | ClockAction::PauseAll | ClockAction::ResumeAll => {
                    only_fresh = false;
                    sla::start_many_in_tx(conn, operator, &std::mem::take(&mut fresh)).await?;
                    match *action {
                        ClockAction::StopAll => sla::stop_in_tx(conn, operator, subject, None, at).await?,
                        ClockAction::PauseAll => sla::pause_in_tx(conn, operator, subject, at).await?,
                        _ => resume_all(conn, operator, subject, at).await?,
                    }
                }
            }
        }
    }
    sla::start_many_in_tx(conn, operator, &fresh).await?;
    let mut started: Vec<ClockRow> = fresh
        .into_iter()
        .map(|c| ClockRow {
            id: c.id,
            subject_id: c.subject.1.to_string(),
            step: c.step,
            limit_ms: c.limit_ms,
            started_at: c.started_at,
            due_at: c.due_at,
            paused_at: None,
            stopped_at: c.stopped_at,
            calendar_id: c.calendar_id,
        })
        .collect();
    // As `sla::list` orders them.
    started.sort_by(|a, b| (a.started_at, &a.id).cmp(&(b.started_at, &b.id)));
    Ok(only_fresh.then_some(started))
}

/// A clock of `step` started at `at`: due after the step's limit, in the operator's calendar
/// when the limit counts in working time (whole working days for a refund), else wall-clock.
fn new_clock<'a>(
    app: &App,
    policy: &crate::access::OperatorPolicy,
    subject: (&'a str, &'a str),
    step: Step,
    urgent: bool,
    at: Millis,
) -> AppResult<NewClock<'a>> {
    let limits = &policy.settings.sla_limits;
    let limit = limit_ms(limits, step, urgent);
    let calendar = policy.calendar.as_ref().filter(|_| step_limit(limits, step).working_time);
    let due_at = match calendar {
        Some(c) if counts_working_days(step) => {
            // Whole working days, a part of one counting as one.
            let day_ms = i64::from(DAY_MINUTES) * 60_000;
            let start = jiff::Timestamp::from_millisecond(at.0)
                .map_err(|e| crate::AppError::Internal(format!("clock start: {e}")))?;
            let due = c
                .calendar
                .add_working_days(start, (limit + day_ms - 1) / day_ms)
                .map_err(|e| crate::AppError::Internal(format!("calendar: {e}")))?;
            Millis(due.as_millisecond())
        }
        Some(c) => calendars::working_due(&c.calendar, at, limit)?,
        None => Millis(at.0 + limit),
    };
    Ok(NewClock {
        id: app.new_uuid().to_string(),
        subject,
        step,
        limit_ms: limit,
        started_at: at,
        due_at,
        stopped_at: None,
        calendar_id: calendar.map(|c| c.id.clone()),
    })
}

/// The subject type of a refund's clock: the after-sales request whose money is owed, kept apart
/// from the order's review clocks, so a hold or a cancellation of the order leaves it running.
pub(crate) const REFUND_CLOCK: &str = "aftersales_refund";

/// Starts a request's refund clock when its money is granted (AFS-4: paid within 3 business
/// days, or what the merchant's agreement promises), unless it runs already; a clock stopped by an
/// earlier refund starts again.
pub(crate) async fn start_refund_clock_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    policy: &crate::access::OperatorPolicy,
    merchant: TenantId,
    request: &str,
    at: Millis,
) -> AppResult<()> {
    let promised = crate::billing::promised_policy(conn, policy, merchant, at).await?;
    let clock = new_clock(app, &promised, (REFUND_CLOCK, request), Step::Refund, false, at)?;
    sla::restart_in_tx(conn, policy.id, &clock).await?;
    Ok(())
}

/// Stops a request's refund clock: its money is paid, or no longer owed.
pub(crate) async fn stop_refund_clock_in_tx(
    conn: &mut AnyConnection,
    operator: TenantId,
    request: &str,
    at: Millis,
) -> AppResult<()> {
    sla::stop_in_tx(conn, operator, (REFUND_CLOCK, request), Some(Step::Refund), at).await?;
    Ok(())
}

/// Records how long moving the clocks took when dropped (`tradeport_sla_clock_seconds`).
struct ClockTiming(std::time::Instant);

impl Drop for ClockTiming {
    fn drop(&mut self) {
        metrics::histogram!("tradeport_sla_clock_seconds").record(self.0.elapsed().as_secs_f64());
    }
}

/// Resumes the subject's paused clocks: wall-clock ones due later by the pause, working-time
/// ones with the working time they had left, counted again from `now` in their calendar.
async fn resume_all(
    conn: &mut AnyConnection,
    operator: TenantId,
    subject: (&str, &str),
    now: Millis,
) -> AppResult<()> {
    sla::resume_in_tx(conn, operator, subject, now).await?;
    let paused: Vec<ClockRow> = sla::list(conn, operator, subject)
        .await?
        .into_iter()
        .filter(|c| c.stopped_at.is_none() && c.paused_at.is_some() && c.calendar_id.is_some())
        .collect();
    for clock in paused {
        let (Some(calendar_id), Some(paused_at)) = (&clock.calendar_id, clock.paused_at) else { continue };
        let calendar = calendars::load_by_id(conn, operator, calendar_id).await?;
        let due_at = calendars::resumed_due(&calendar.calendar, paused_at, clock.due_at, now)?;
        sla::resume_one_in_tx(conn, operator, &clock.id, due_at).await?;
    }
    Ok(())
}

/// A step's clock as an order shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ClockView {
    /// first_review, second_review, confirmation, refund.
    pub step: String,
    pub limit_ms: i64,
    pub started_at: i64,
    /// When the step must be done (later by every pause).
    pub due_at: i64,
    /// Set while the order waits (on hold): the clock does not run.
    pub paused_at: Option<i64>,
    pub stopped_at: Option<i64>,
    /// How late: stopped after `due_at`, or still running past it (at `now`); else `null`.
    pub late_by_ms: Option<i64>,
    /// True when the limit counts in working time (the operator's calendar), false for
    /// wall-clock time.
    pub working_time: bool,
}

impl ClockView {
    pub(crate) fn new(c: &ClockRow, now: Millis) -> Self {
        let end = c.stopped_at.or(c.paused_at).unwrap_or(now);
        let late = end.0 - c.due_at.0;
        Self {
            step: c.step.as_str().into(),
            limit_ms: c.limit_ms,
            started_at: c.started_at.0,
            due_at: c.due_at.0,
            paused_at: c.paused_at.map(|m| m.0),
            stopped_at: c.stopped_at.map(|m| m.0),
            late_by_ms: (late > 0).then_some(late),
            working_time: c.calendar_id.is_some(),
        }
    }
}

/// A step running past its limit, or about to.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DueStep {
    pub order_id: String,
    #[serde(flatten)]
    pub clock: ClockView,
}

/// The operator's running steps due within `within_minutes` (0: already overdue), soonest due
/// first, at most 200: the follow-up queue (SLA-2). Staff only.
pub async fn due_steps(
    app: &App,
    principal: &tradeport_domain::access::Principal,
    within_minutes: i64,
) -> AppResult<Vec<DueStep>> {
    principal.require(tradeport_domain::access::Permission::ReviewOrders)?;
    if !(0..=7 * 24 * 60).contains(&within_minutes) {
        return Err(crate::AppError::Invalid(vec![tradeport_domain::kernel::FieldError::new(
            "within_minutes",
            "out_of_range",
            "within_minutes must be between 0 (overdue now) and 10080 (a week)",
        )]));
    }
    let now = app.now();
    let mut conn = app.db().read().await?;
    let rows = sla::running_due_before(
        &mut conn,
        principal.scope.operator_id,
        ["order", REFUND_CLOCK],
        Millis(now.0 + within_minutes * 60_000),
        200,
    )
    .await?;
    let mut due = Vec::with_capacity(rows.len());
    for c in &rows {
        // A refund's clock is its request's: shown with the request's order.
        let order_id = if c.step == Step::Refund {
            let of = tradeport_store::aftersales::requests::RequestsOf::Id(&c.subject_id);
            match tradeport_store::aftersales::requests::find(
                &mut conn,
                principal.scope.operator_id,
                None,
                of,
                1,
            )
            .await?
            .pop()
            {
                Some(r) => r.order_id.to_string(),
                None => continue,
            }
        } else {
            c.subject_id.clone()
        };
        due.push(DueStep { order_id, clock: ClockView::new(c, now) });
    }
    Ok(due)
}
