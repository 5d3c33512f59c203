//! The clocks of an order's steps (SLA-1, ORD-5 … ORD-7, ORD-9): which step, its limit, and what
//! each event in the order's log does to the clocks. A new step is one more row in [`DEFAULTS`]
//! and its events in [`clock_actions`].

use serde::{Deserialize, Serialize};

/// A step with a time limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// From intake to the first review's decision: 2 h (ORD-5).
    FirstReview,
    /// From the first review to the second: 4 h (ORD-6).
    SecondReview,
    /// From approval to confirmation: 1 h (ORD-7).
    Confirmation,
    /// From a refund granted to the money paid back: 3 business days (AFS-4). In working time
    /// its limit counts whole working days: each 24 h of limit is one working day of the
    /// calendar after the grant's, and the clock is due when the last one's work ends.
    Refund,
}

impl Step {
    pub const ALL: [Step; 4] = [Self::FirstReview, Self::SecondReview, Self::Confirmation, Self::Refund];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::FirstReview => "first_review",
            Self::SecondReview => "second_review",
            Self::Confirmation => "confirmation",
            Self::Refund => "refund",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// A step's limits in minutes: normal, and for urgent orders (ORD-9: 30 min); and whether it
/// counts in the operator's working calendar (when it has one) or in wall-clock time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepLimit {
    pub step: Step,
    pub minutes: i64,
    pub urgent_minutes: i64,
    #[serde(default = "working_time_by_default")]
    pub working_time: bool,
}

fn working_time_by_default() -> bool {
    true
}

/// Minutes in a day: a refund's limit in working time counts one working day per day of it.
const DAY: i64 = super::calendar::DAY_MINUTES as i64;

/// The limits of the source documents (documents 002 and 003).
pub const DEFAULTS: [StepLimit; 4] = [
    StepLimit { step: Step::FirstReview, minutes: 120, urgent_minutes: 30, working_time: true },
    StepLimit { step: Step::SecondReview, minutes: 240, urgent_minutes: 30, working_time: true },
    StepLimit { step: Step::Confirmation, minutes: 60, urgent_minutes: 30, working_time: true },
    StepLimit { step: Step::Refund, minutes: 3 * DAY, urgent_minutes: 3 * DAY, working_time: true },
];

/// Whether the step's limit in working time counts whole working days (the refund's business
/// days) rather than working minutes.
pub fn counts_working_days(step: Step) -> bool {
    step == Step::Refund
}

/// Longest limit a step may have: 30 days.
pub const MAX_LIMIT_MINUTES: i64 = 30 * 24 * 60;

/// The operator's limit of `step` (its default when the operator has none for it).
pub fn step_limit(limits: &[StepLimit], step: Step) -> StepLimit {
    let default = DEFAULTS.iter().find(|l| l.step == step).copied().unwrap_or(DEFAULTS[0]);
    limits.iter().find(|l| l.step == step).copied().unwrap_or(default)
}

/// The limit of `step` in milliseconds, for an urgent order or not.
pub fn limit_ms(limits: &[StepLimit], step: Step, urgent: bool) -> i64 {
    let l = step_limit(limits, step);
    60_000 * if urgent { l.urgent_minutes } else { l.minutes }
}

/// Checks an operator's step limits: each step once, 1 minute to 30 days, urgent no longer
/// than normal.
pub fn validate_limits(limits: &[StepLimit]) -> Vec<crate::kernel::FieldError> {
    use crate::kernel::FieldError;
    let mut errors = Vec::new();
    for (n, l) in limits.iter().enumerate() {
        if limits[..n].iter().any(|e| e.step == l.step) {
            errors.push(FieldError::new(format!("sla_limits[{n}].step"), "duplicate", "each step once"));
        }
        if !(1..=MAX_LIMIT_MINUTES).contains(&l.minutes) {
            errors.push(FieldError::new(
                format!("sla_limits[{n}].minutes"),
                "out_of_range",
                format!("a limit is 1 to {MAX_LIMIT_MINUTES} minutes (30 days)"),
            ));
        }
        if !(1..=l.minutes.max(1)).contains(&l.urgent_minutes) {
            errors.push(FieldError::new(
                format!("sla_limits[{n}].urgent_minutes"),
                "out_of_range",
                "an urgent order's limit is at least 1 minute and no longer than the normal one",
            ));
        }
    }
    errors
}

/// What an event does to an order's clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockAction {
    /// Starts the step's clock unless the order has one for it already.
    Start(Step),
    /// Stops the step's clock.
    Stop(Step),
    /// Pauses every running clock (the order waits for the buyer or for stock).
    PauseAll,
    /// Resumes every paused clock with the time it had left.
    ResumeAll,
    /// Stops every clock (the order is rejected or cancelled).
    StopAll,
}

/// The clock actions of an order event, in order.
pub fn clock_actions(event_kind: &str) -> &'static [ClockAction] {
    use ClockAction::*;
    use Step::*;
    match event_kind {
        "order_received" => &[Start(FirstReview)],
        // Held at intake: the review's clock starts when the hold is released.
        "order_release_hold" => &[ResumeAll, Start(FirstReview)],
        // Waiting for its payment: the review's clock starts when the payment comes.
        "order_payment_received" => &[Start(FirstReview)],
        "order_first_review_passed" => &[Stop(FirstReview), Start(SecondReview)],
        "order_approve" => &[Stop(FirstReview), Start(Confirmation)],
        "order_second_approve" => &[Stop(SecondReview), Start(Confirmation)],
        "order_confirm" => &[Stop(Confirmation)],
        "order_hold" | "order_held_out_of_stock" => &[PauseAll],
        "order_reject" | "order_cancel" => &[StopAll],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_read_back_urgent_orders_get_thirty_minutes_and_a_refund_three_business_days() {
        for s in Step::ALL {
            assert_eq!(Step::parse(s.as_str()), Some(s));
        }
        let table: Vec<(Step, i64, i64)> = Step::ALL
            .iter()
            .map(|s| (*s, limit_ms(&[], *s, false) / 60_000, limit_ms(&[], *s, true) / 60_000))
            .collect();
        assert_eq!(
            table,
            [
                (Step::FirstReview, 120, 30),
                (Step::SecondReview, 240, 30),
                (Step::Confirmation, 60, 30),
                (Step::Refund, 3 * 1440, 3 * 1440)
            ]
        );
        assert!(counts_working_days(Step::Refund) && !counts_working_days(Step::Confirmation));
    }

    #[test]
    fn every_review_event_moves_the_clocks_it_should() {
        use ClockAction::*;
        let cases: [(&str, &[ClockAction]); 13] = [
            ("order_received_awaiting_payment", &[]),
            ("order_payment_received", &[Start(Step::FirstReview)]),
            ("order_payment_window_expired", &[]),
            ("order_received", &[Start(Step::FirstReview)]),
            ("order_received_on_hold", &[]),
            ("order_release_hold", &[ResumeAll, Start(Step::FirstReview)]),
            ("order_first_review_passed", &[Stop(Step::FirstReview), Start(Step::SecondReview)]),
            ("order_approve", &[Stop(Step::FirstReview), Start(Step::Confirmation)]),
            ("order_second_approve", &[Stop(Step::SecondReview), Start(Step::Confirmation)]),
            ("order_confirm", &[Stop(Step::Confirmation)]),
            ("order_hold", &[PauseAll]),
            ("order_cancel", &[StopAll]),
            ("order_buyer_notified", &[]),
        ];
        for (kind, actions) in cases {
            assert_eq!(clock_actions(kind), actions, "{kind}");
        }
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    #[test]
    fn an_operators_limit_replaces_the_default_for_its_step_only() {
        let mine =
            [StepLimit { step: Step::Confirmation, minutes: 90, urgent_minutes: 20, working_time: false }];
        assert_eq!(limit_ms(&mine, Step::Confirmation, false), 90 * 60_000);
        assert_eq!(limit_ms(&mine, Step::Confirmation, true), 20 * 60_000);
        assert_eq!(limit_ms(&mine, Step::FirstReview, false), 120 * 60_000);
        assert!(!step_limit(&mine, Step::Confirmation).working_time);
        assert!(validate_limits(&mine).is_empty());
        let bad = [
            StepLimit { step: Step::FirstReview, minutes: 0, urgent_minutes: 30, working_time: true },
            StepLimit { step: Step::FirstReview, minutes: 60, urgent_minutes: 90, working_time: true },
        ];
        let fields: Vec<String> = validate_limits(&bad).into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "sla_limits[0].minutes",
                "sla_limits[0].urgent_minutes",
                "sla_limits[1].step",
                "sla_limits[1].urgent_minutes"
            ]
        );
    }
}
