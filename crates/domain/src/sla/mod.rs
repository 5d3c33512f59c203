//! Time limits (SLA-1 … SLA-4): working calendars and business-time arithmetic now; the clocks
//! of each step, started, paused and stopped by the event log, build on them.

mod calendar;

pub use calendar::{Calendar, CalendarError, DAY_MINUTES, DayHours};
