//! Time limits (SLA-1 … SLA-4): working calendars and business-time arithmetic, and the clocks of
//! an order's steps, started, paused and stopped by the events of its log.

mod calendar;
mod calendar_input;
mod follow_up;
mod steps;

pub use calendar::{Calendar, CalendarError, DAY_MINUTES, DayHours};
pub use calendar_input::{
    CalendarInput, ClosedDay, MAX_CLOSED_DAYS, WEEKDAYS, interval_text, validate_calendar,
};
pub use follow_up::{DEFAULT_SWEEP_CRON, Department, Recurrence};
pub use steps::{
    ClockAction, DEFAULTS, MAX_LIMIT_MINUTES, Step, StepLimit, clock_actions, counts_working_days, limit_ms,
    step_limit, validate_limits,
};
