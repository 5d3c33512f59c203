//! The body of `PUT /api/v1/calendars/{owner}` as the API document teaches it (#7 item 6): the
//! weekdays by name, intervals as `HH:MM-HH:MM`, closed days as dates. The domain validates.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tradeport_domain::sla::{CalendarInput, ClosedDay};
use utoipa::ToSchema;

/// Working intervals of each weekday, e.g. `["09:00-12:00", "13:00-18:00"]`; a day left out
/// (or empty) does not work. The schema of `week`: it is read as a map, so that a misspelt day
/// is named by the domain's validation together with every other problem of the calendar.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct WeekBody {
    #[schema(inline, example = json!(["09:00-12:00", "13:00-18:00"]))]
    monday: Option<Vec<Interval>>,
    #[schema(inline)]
    tuesday: Option<Vec<Interval>>,
    #[schema(inline)]
    wednesday: Option<Vec<Interval>>,
    #[schema(inline)]
    thursday: Option<Vec<Interval>>,
    #[schema(inline)]
    friday: Option<Vec<Interval>>,
    #[schema(inline)]
    saturday: Option<Vec<Interval>>,
    #[schema(inline)]
    sunday: Option<Vec<Interval>>,
}

/// `HH:MM-HH:MM`, starting before it ends, ending by `24:00`.
#[derive(ToSchema)]
#[allow(dead_code)]
#[schema(pattern = "^[0-9]{1,2}:[0-9]{2}-[0-9]{1,2}:[0-9]{2}$", example = "09:00-18:00")]
pub struct Interval(String);

/// A day the calendar does not work, all day.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosedDayBody {
    /// In the calendar's own time zone.
    #[schema(format = Date, example = "2026-12-25")]
    pub date: String,
    /// What it is.
    #[serde(default)]
    #[schema(example = "Christmas Day")]
    pub name: String,
}

/// A working calendar: its time zone, its week and the days it is closed.
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarBody {
    /// IANA time zone name.
    #[schema(required = true, min_length = 1, example = "Europe/Berlin")]
    pub timezone: String,
    #[schema(value_type = WeekBody)]
    pub week: BTreeMap<String, Vec<String>>,
    #[schema(max_items = 500)]
    pub closed_days: Vec<ClosedDayBody>,
}

impl From<CalendarBody> for CalendarInput {
    fn from(b: CalendarBody) -> Self {
        let closed_days =
            b.closed_days.into_iter().map(|d| ClosedDay { date: d.date, name: d.name }).collect();
        Self { timezone: b.timezone, week: b.week, closed_days }
    }
}
