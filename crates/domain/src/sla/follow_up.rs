//! The follow-up (SLA-2): overdue steps are checked at fixed local times (09:00 and 15:00 by
//! default) for each warehouse and for the operator, and each overdue step goes to the
//! department that owns it. A schedule is a cron expression read in a time zone.

use std::str::FromStr;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::steps::Step;
use crate::access::Role;
use crate::kernel::FieldError;

/// Who answers for a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Department {
    OrderManagement,
    Warehouse,
    Logistics,
    CustomerService,
}

impl Department {
    pub const ALL: [Department; 4] =
        [Self::OrderManagement, Self::Warehouse, Self::Logistics, Self::CustomerService];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrderManagement => "order_management",
            Self::Warehouse => "warehouse",
            Self::Logistics => "logistics",
            Self::CustomerService => "customer_service",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// The staff roles that work in the department (told of its overdue steps).
    pub fn roles(self) -> &'static [Role] {
        match self {
            Self::OrderManagement => &[Role::OrderManager, Role::Reviewer],
            Self::Warehouse => &[Role::Warehouse],
            Self::Logistics => &[Role::Logistics],
            Self::CustomerService => &[Role::CustomerService],
        }
    }
}

impl Step {
    /// The department that answers for the step.
    pub fn department(self) -> Department {
        match self {
            Self::FirstReview | Self::SecondReview | Self::Confirmation => Department::OrderManagement,
            Self::Refund => Department::CustomerService,
        }
    }
}

/// The default follow-up times: 09:00 and 15:00 every day (document 002).
pub const DEFAULT_SWEEP_CRON: &str = "0 9,15 * * *";

/// A cron schedule read in a time zone.
#[derive(Clone, Debug)]
pub struct Recurrence {
    schedule: jiff_cron::Schedule,
    timezone: TimeZone,
}

impl Recurrence {
    /// A five-field cron expression (minute hour day-of-month month day-of-week, as crontab
    /// writes it) in the IANA time zone `timezone`.
    pub fn parse(cron: &str, timezone: &str) -> Result<Self, FieldError> {
        let fields = cron.split_whitespace().count();
        if fields != 5 {
            return Err(FieldError::new(
                "cron",
                "bad_cron",
                format!(
                    "'{cron}' has {fields} fields; write five: minute hour day month weekday, e.g. 0 9,15 * * *"
                ),
            ));
        }
        let schedule = jiff_cron::Schedule::from_str(&format!("0 {cron}")).map_err(|e| {
            FieldError::new(
                "cron",
                "bad_cron",
                format!("'{cron}' is not a cron expression ({e}); e.g. 0 9,15 * * *"),
            )
        })?;
        let timezone = TimeZone::get(timezone).map_err(|_| {
            FieldError::new(
                "timezone",
                "unknown_timezone",
                format!("'{timezone}' is not a time zone; use an IANA name"),
            )
        })?;
        Ok(Self { schedule, timezone })
    }

    /// The first occurrence strictly after `t`.
    pub fn next_after(&self, t: Timestamp) -> Option<Timestamp> {
        self.schedule.after(t.to_zoned(self.timezone.clone())).next().map(|z| z.timestamp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(tz: &str, text: &str) -> Timestamp {
        let dt: jiff::civil::DateTime = text.parse().unwrap();
        TimeZone::get(tz).unwrap().to_zoned(dt).unwrap().timestamp()
    }

    #[test]
    fn the_follow_up_runs_at_nine_and_three_in_each_places_own_time() {
        let now = at("UTC", "2026-11-25T03:00");
        for (tz, first, second) in [
            ("Asia/Shanghai", "2026-11-25T15:00", "2026-11-26T09:00"),
            ("Europe/London", "2026-11-25T09:00", "2026-11-25T15:00"),
            ("America/New_York", "2026-11-25T09:00", "2026-11-25T15:00"),
        ] {
            let r = Recurrence::parse(DEFAULT_SWEEP_CRON, tz).unwrap();
            let next = r.next_after(now).unwrap();
            assert_eq!(next, at(tz, first), "{tz}");
            assert_eq!(r.next_after(next).unwrap(), at(tz, second), "{tz}");
        }
        // Across the spring-forward night, 09:00 stays 09:00 on the wall clock.
        let r = Recurrence::parse("0 9 * * *", "Europe/Berlin").unwrap();
        assert_eq!(
            r.next_after(at("Europe/Berlin", "2026-03-28T10:00")).unwrap(),
            at("Europe/Berlin", "2026-03-29T09:00")
        );
    }

    #[test]
    fn bad_schedules_name_the_field() {
        assert_eq!(Recurrence::parse("0 9 * *", "UTC").unwrap_err().field, "cron");
        assert_eq!(Recurrence::parse("0 25 * * *", "UTC").unwrap_err().code, "bad_cron");
        assert_eq!(Recurrence::parse("0 9 * * *", "Mars/Base").unwrap_err().field, "timezone");
    }

    #[test]
    fn every_step_has_a_department_whose_roles_exist() {
        for step in Step::ALL {
            assert!(!step.department().roles().is_empty());
        }
        for d in Department::ALL {
            assert_eq!(Department::parse(d.as_str()), Some(d));
        }
    }
}
