//! The time-limits page (SLA-1, SLA-2): the follow-up reports with a form to record what was done
//! about each overdue step, when the sweeps run, and the operator's working calendar with its
//! closed days (typed, or pasted from an iCalendar feed or a CSV).

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tradeport_app::App;
use tradeport_app::sla::{
    self, CalendarOwner, CalendarView, ClosedDaysFormat, FollowUpInput, SweepReport, SweepSchedule,
};
use tradeport_domain::access::Permission;
use tradeport_domain::kernel::Millis;
use tradeport_domain::sla::{CalendarInput, ClosedDay, Department, Step, WEEKDAYS, step_limit};

use super::shell::Shell;
use super::{SignedIn, Tr, explain, format_millis, render, status_of};

/// One overdue step as the page lists it.
struct OverdueLine {
    order_id: String,
    step_key: String,
    late: String,
}

/// A running step in the live queue: overdue, or due within [`SOON_MINUTES`].
struct DueLine {
    order_id: String,
    step_key: String,
    due: String,
    /// "late by 12 minutes" or "due in 40 minutes".
    state: String,
    late: bool,
}

/// How far ahead the live queue looks.
const SOON_MINUTES: i64 = 120;

/// One sweep as the page shows it.
struct SweepLine {
    id: String,
    place: String,
    when: String,
    timezone: String,
    /// "3 overdue steps"
    overdue: String,
    /// Department name key and its overdue steps.
    departments: Vec<(String, Vec<OverdueLine>)>,
}

#[derive(Template)]
#[template(path = "time_limits.html")]
struct TimeLimitsPage {
    t: Tr,
    shell: Shell,
    /// Department name key and its overdue and soon-due steps, overdue first.
    due: Vec<(String, Vec<DueLine>)>,
    sweeps: Vec<SweepLine>,
    schedules: Vec<(String, String, String)>,
    cron: String,
    calendar: Option<CalendarView>,
    /// Weekday, its name, and its intervals as typed (`09:00-12:00, 13:00-18:00`).
    week: Vec<(&'static str, String, String)>,
    timezone: String,
    closed_days: String,
    /// Step key, name, minutes, urgent minutes, counted in working time.
    limits: Vec<(&'static str, String, i64, i64, bool)>,
    can_review: bool,
    can_manage: bool,
    error: Option<String>,
    notice: Option<String>,
}

/// A moment in the warehouse's (or operator's) zone `timezone`, with the zone named.
fn local(millis: i64, timezone: &str) -> String {
    let zone = jiff::tz::TimeZone::get(timezone).ok();
    let at = jiff::Timestamp::from_millisecond(millis).ok();
    zone.zip(at).map(|(zone, at)| super::in_zone(at, &zone)).unwrap_or_default()
}

fn sweep_line(t: Tr, s: &SweepReport, places: &[(String, String)]) -> SweepLine {
    let place = places
        .iter()
        .find(|(id, _)| *id == s.scope)
        .map_or_else(|| t.get("sla.unallocated"), |(_, code)| code.clone());
    SweepLine {
        id: s.id.clone(),
        place,
        when: local(s.scheduled_for, &s.timezone),
        timezone: s.timezone.clone(),
        overdue: t.fill("sla.overdue_count", "count", s.overdue),
        departments: s
            .departments
            .iter()
            .map(|(d, items)| {
                let lines = items
                    .iter()
                    .map(|i| OverdueLine {
                        order_id: i.order_id.clone(),
                        step_key: format!("sla.{}", i.step),
                        late: t.fill("sla.late_by", "minutes", (i.late_by_ms + 59_999) / 60_000),
                    })
                    .collect();
                (format!("sla.department.{d}"), lines)
            })
            .collect(),
    }
}

/// The live queue by department (SLA-2), overdue steps first, each department's soonest first.
fn due_queue(t: Tr, due: &[sla::DueStep], timezone: &str, now: i64) -> Vec<(String, Vec<DueLine>)> {
    Department::ALL
        .iter()
        .map(|d| {
            let mut lines: Vec<DueLine> = due
                .iter()
                .filter(|s| Step::parse(&s.clock.step).is_some_and(|step| step.department() == *d))
                .map(|s| {
                    let late = s.clock.late_by_ms.unwrap_or(0);
                    let state = if late > 0 {
                        t.fill("sla.late_by", "minutes", (late + 59_999) / 60_000)
                    } else {
                        t.fill("sla.due_in", "minutes", ((s.clock.due_at - now).max(0) + 59_999) / 60_000)
                    };
                    DueLine {
                        order_id: s.order_id.clone(),
                        step_key: format!("sla.{}", s.clock.step),
                        due: local(s.clock.due_at, timezone),
                        state,
                        late: late > 0,
                    }
                })
                .collect();
            lines.sort_by_key(|l| !l.late);
            (format!("sla.department.{}", d.as_str()), lines)
        })
        .filter(|(_, lines)| !lines.is_empty())
        .collect()
}

/// What the calendar form shows: the saved calendar, or what was typed when it was refused.
struct CalendarForm {
    timezone: String,
    week: Vec<(&'static str, String)>,
    closed_days: String,
}

impl CalendarForm {
    fn of(c: Option<&CalendarView>, fallback_tz: &str) -> Self {
        let week = WEEKDAYS
            .iter()
            .map(|d| (*d, c.and_then(|c| c.week.get(*d)).map(|h| h.join(", ")).unwrap_or_default()))
            .collect();
        let closed_days = c
            .map(|c| {
                c.closed_days.iter().map(|d| format!("{},{}", d.date, d.name)).collect::<Vec<_>>().join("\n")
            })
            .unwrap_or_default();
        Self {
            timezone: c.map_or_else(|| fallback_tz.to_string(), |c| c.timezone.clone()),
            week,
            closed_days,
        }
    }
}

async fn page(
    app: &App,
    user: &SignedIn,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
    typed: Option<CalendarForm>,
) -> Response {
    let p = &user.session.principal;
    let t = user.t;
    let can_review = p.role.can(Permission::ReviewOrders);
    let can_settings = p.role.can(Permission::ViewSettings);
    if !can_review
        && !can_settings
        && let Err(e) = p.require(Permission::ReviewOrders)
    {
        return super::refused(user, &e.into());
    }
    let places: Vec<(String, String)> = tradeport_app::inventory::list_warehouses(app, p)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|w| (w.id.to_string(), w.code))
        .collect();
    let sweeps = if can_review { sla::list_sweeps(app, p).await.unwrap_or_default() } else { Vec::new() };
    let due =
        if can_review { sla::due_steps(app, p, SOON_MINUTES).await.unwrap_or_default() } else { Vec::new() };
    let timezone = tradeport_app::access::get_tenant(app, p, p.scope.operator_id)
        .await
        .map_or_else(|_| "UTC".to_string(), |o| o.timezone);
    let schedules: Vec<SweepSchedule> =
        if can_settings { sla::sweep_schedules(app, p).await.unwrap_or_default() } else { Vec::new() };
    let calendar =
        if can_settings { sla::get_calendar(app, p, CalendarOwner::Default).await.ok() } else { None };
    let form = typed.unwrap_or_else(|| CalendarForm::of(calendar.as_ref(), "UTC"));
    let settings = if can_settings { tradeport_app::access::get_settings(app, p).await.ok() } else { None };
    let limits = settings
        .map(|s| {
            Step::ALL
                .iter()
                .map(|step| {
                    let l = step_limit(&s.sla_limits, *step);
                    (
                        step.as_str(),
                        t.get(&format!("sla.{}", step.as_str())),
                        l.minutes,
                        l.urgent_minutes,
                        l.working_time,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let page = TimeLimitsPage {
        t,
        shell: Shell::new(user, "/time-limits"),
        due: due_queue(t, &due, &timezone, app.now().0),
        sweeps: sweeps.iter().take(10).map(|s| sweep_line(t, s, &places)).collect(),
        cron: schedules.first().map(|s| s.cron.clone()).unwrap_or_default(),
        schedules: schedules
            .iter()
            .map(|s| {
                let place = places
                    .iter()
                    .find(|(id, _)| *id == s.scope)
                    .map_or_else(|| t.get("sla.unallocated"), |(_, c)| c.clone());
                (place, s.timezone.clone(), local(s.next_run_at, &s.timezone))
            })
            .collect(),
        calendar,
        week: form.week.into_iter().map(|(d, hours)| (d, t.get(&format!("sla.day.{d}")), hours)).collect(),
        timezone: form.timezone,
        closed_days: form.closed_days,
        limits,
        can_review,
        can_manage: p.role.can(Permission::ManageSettings),
        error,
        notice,
    };
    render(t, status, &page)
}

/// GET /time-limits
pub async fn show(State(app): State<App>, user: SignedIn) -> Response {
    page(&app, &user, StatusCode::OK, None, None, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CalendarFormBody {
    csrf_token: String,
    timezone: String,
    monday: String,
    tuesday: String,
    wednesday: String,
    thursday: String,
    friday: String,
    saturday: String,
    sunday: String,
    closed_days: String,
}

/// `date,name` lines.
fn closed_days_of(text: &str) -> Vec<ClosedDay> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (date, name) = l.split_once(',').unwrap_or((l, ""));
            ClosedDay { date: date.trim().into(), name: name.trim().into() }
        })
        .collect()
}

/// POST /time-limits/calendar
pub async fn save_calendar(
    State(app): State<App>,
    user: SignedIn,
    Form(f): Form<CalendarFormBody>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let days = [&f.monday, &f.tuesday, &f.wednesday, &f.thursday, &f.friday, &f.saturday, &f.sunday];
    let input = CalendarInput {
        timezone: f.timezone.clone(),
        week: WEEKDAYS
            .iter()
            .zip(days)
            .filter(|(_, hours)| !hours.trim().is_empty())
            .map(|(d, hours)| {
                (
                    d.to_string(),
                    hours.split(',').map(|h| h.trim().to_string()).filter(|h| !h.is_empty()).collect(),
                )
            })
            .collect(),
        closed_days: closed_days_of(&f.closed_days),
    };
    match sla::put_calendar(&app, &user.session.principal, CalendarOwner::Default, &input).await {
        Ok(_) => page(&app, &user, StatusCode::OK, None, Some(user.t.get("sla.calendar_saved")), None).await,
        Err(e) => {
            let typed = CalendarForm {
                timezone: f.timezone.clone(),
                week: WEEKDAYS.iter().zip(days).map(|(d, h)| (*d, h.clone())).collect(),
                closed_days: f.closed_days.clone(),
            };
            page(&app, &user, status_of(&e), Some(explain(user.t, &e)), None, Some(typed)).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ImportBody {
    csrf_token: String,
    format: String,
    text: String,
}

/// POST /time-limits/closed-days
pub async fn import_closed_days(
    State(app): State<App>,
    user: SignedIn,
    Form(f): Form<ImportBody>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let format = if f.format == "ics" { ClosedDaysFormat::Ics } else { ClosedDaysFormat::Csv };
    match sla::import_closed_days(&app, &user.session.principal, CalendarOwner::Default, format, &f.text)
        .await
    {
        Ok(r) => {
            let mut notice = user.t.fill("sla.imported", "count", r.added as i64);
            if !r.skipped.is_empty() {
                notice = format!("{notice} {}: {}", user.t.get("sla.skipped"), r.skipped.join("; "));
            }
            page(&app, &user, StatusCode::OK, None, Some(notice), None).await
        }
        Err(e) => page(&app, &user, status_of(&e), Some(explain(user.t, &e)), None, None).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SweepTimesBody {
    csrf_token: String,
    cron: String,
}

/// POST /time-limits/sweep-times
pub async fn save_sweep_times(
    State(app): State<App>,
    user: SignedIn,
    Form(f): Form<SweepTimesBody>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    match sla::set_sweep_times(&app, &user.session.principal, &f.cron).await {
        Ok(_) => page(&app, &user, StatusCode::OK, None, Some(user.t.get("sla.times_saved")), None).await,
        Err(e) => page(&app, &user, status_of(&e), Some(explain(user.t, &e)), None, None).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FollowUpBody {
    csrf_token: String,
    order_id: String,
    step: String,
    sweep_id: String,
    action: String,
    /// `YYYY-MM-DDTHH:MM` in `timezone` (a datetime-local field).
    promised: String,
    timezone: String,
}

/// POST /time-limits/follow-up
pub async fn record_follow_up(
    State(app): State<App>,
    user: SignedIn,
    Form(f): Form<FollowUpBody>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    // The promise is typed in the place's own time: send it on with its offset.
    let promised_at = Some(f.promised.trim()).filter(|p| !p.is_empty()).map(|p| {
        p.parse::<jiff::civil::DateTime>()
            .ok()
            .and_then(|dt| dt.in_tz(&f.timezone).ok())
            .map_or_else(|| p.to_string(), |z| z.timestamp().to_string())
    });
    let input = FollowUpInput {
        order_id: f.order_id,
        step: f.step,
        action: f.action,
        promised_at,
        sweep_id: Some(f.sweep_id).filter(|s| !s.is_empty()),
    };
    match sla::record_follow_up(&app, &user.session.principal, &input).await {
        Ok(done) => {
            let by =
                done.last().map(|d| format_millis(d.promised_at.map(Millis), user.t)).unwrap_or_default();
            let notice = format!("{} {by}", user.t.get("sla.follow_up_saved"));
            page(&app, &user, StatusCode::OK, None, Some(notice), None).await
        }
        Err(e) => page(&app, &user, status_of(&e), Some(explain(user.t, &e)), None, None).await,
    }
}

/// The limits form: `<step>_minutes`, `<step>_urgent`, `<step>_working` per step.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LimitsBody {
    csrf_token: String,
    #[serde(flatten)]
    fields: std::collections::HashMap<String, String>,
}

/// POST /time-limits/limits
pub async fn save_limits(State(app): State<App>, user: SignedIn, Form(f): Form<LimitsBody>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let number = |key: String| f.fields.get(&key).and_then(|v| v.trim().parse::<i64>().ok()).unwrap_or(0);
    let limits: Vec<serde_json::Value> = Step::ALL
        .iter()
        .map(|step| {
            let s = step.as_str();
            serde_json::json!({
                "step": s,
                "minutes": number(format!("{s}_minutes")),
                "urgent_minutes": number(format!("{s}_urgent")),
                "working_time": f.fields.contains_key(&format!("{s}_working")),
            })
        })
        .collect();
    let patch = serde_json::json!({ "sla_limits": limits });
    match tradeport_app::access::update_settings(&app, &user.session.principal, patch).await {
        Ok(_) => page(&app, &user, StatusCode::OK, None, Some(user.t.get("sla.limits_saved")), None).await,
        Err(e) => page(&app, &user, status_of(&e), Some(explain(user.t, &e)), None, None).await,
    }
}
