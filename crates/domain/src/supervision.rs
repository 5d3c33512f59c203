//! The monthly supervision report's own rules (KPI-1): how the time limits of each step were
//! kept (timeliness, target 98%: document 002), which steps did worst, and which people missed a
//! KPI's target by the most. The figures come from the clocks and the KPI roll-ups; this module
//! only judges them.

use crate::sla::Step;

/// The timeliness target: at least this share (percent) of the month's steps done in time.
pub const TIMELINESS_TARGET: f64 = 98.0;
/// The satisfaction target: at least this share (percent) of survey answers scoring 4 or 5.
pub const SATISFACTION_TARGET: f64 = 90.0;

/// How one step's time limits were kept in a month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepTimeliness {
    pub step: Step,
    /// Clocks of the step stopped within the month.
    pub closed: i64,
    /// Of those, stopped by their due time.
    pub met: i64,
    /// Clocks still running at the month's end and past their due time.
    pub overdue_open: i64,
}

impl StepTimeliness {
    /// Steps done in time, percent of those done or overdue (one decimal); `None` without any.
    pub fn rate(&self) -> Option<f64> {
        rate(self.met, self.closed + self.overdue_open)
    }
}

/// All steps together.
pub fn overall(steps: &[StepTimeliness]) -> StepTotals {
    let met = steps.iter().map(|s| s.met).sum();
    let counted = steps.iter().map(|s| s.closed + s.overdue_open).sum();
    StepTotals { met, counted, rate: rate(met, counted) }
}

/// The month's timeliness over every step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepTotals {
    pub met: i64,
    /// Steps done, and steps overdue at the month's end.
    pub counted: i64,
    pub rate: Option<f64>,
}

impl StepTotals {
    /// Whether the month met the timeliness target (`None`: nothing to judge).
    pub fn meets(&self) -> Option<bool> {
        self.rate.map(|r| r >= TIMELINESS_TARGET)
    }
}

fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// The steps below the target, worst first (the lowest rate; of equal rates, the one with more
/// steps late).
pub fn worst_steps(steps: &[StepTimeliness]) -> Vec<StepTimeliness> {
    let mut below: Vec<StepTimeliness> =
        steps.iter().copied().filter(|s| s.rate().is_some_and(|r| r < TIMELINESS_TARGET)).collect();
    below.sort_by(|a, b| {
        let late = |s: &StepTimeliness| s.closed + s.overdue_open - s.met;
        a.rate().partial_cmp(&b.rate()).unwrap_or(std::cmp::Ordering::Equal).then(late(b).cmp(&late(a)))
    });
    below
}

/// A person's figure that missed its KPI's target.
#[derive(Clone, Debug, PartialEq)]
pub struct Miss {
    pub person: String,
    pub kpi: String,
    pub value: f64,
    pub target: f64,
    /// How far off, as a share of the target (0.5: half as much again as allowed, or half short).
    pub shortfall: f64,
}

/// A person's figure as the KPIs give it: KPI key, value, target, whether higher is better.
pub type PersonFigure<'a> = (&'a str, Option<f64>, Option<f64>, bool);

/// The figures that missed their targets, furthest off first, at most `most`.
pub fn worst_people<'a>(
    people: impl IntoIterator<Item = (&'a str, Vec<PersonFigure<'a>>)>,
    most: usize,
) -> Vec<Miss> {
    let mut misses = Vec::new();
    for (person, figures) in people {
        for (kpi, value, target, higher_is_better) in figures {
            let (Some(value), Some(target)) = (value, target) else { continue };
            let off = if higher_is_better { target - value } else { value - target };
            if off > 0.0 {
                let shortfall = off / target.abs().max(f64::EPSILON);
                misses.push(Miss { person: person.into(), kpi: kpi.into(), value, target, shortfall });
            }
        }
    }
    misses.sort_by(|a, b| b.shortfall.partial_cmp(&a.shortfall).unwrap_or(std::cmp::Ordering::Equal));
    misses.truncate(most);
    misses
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(step: Step, closed: i64, met: i64, overdue_open: i64) -> StepTimeliness {
        StepTimeliness { step, closed, met, overdue_open }
    }

    #[test]
    fn timeliness_counts_overdue_steps_against_the_month() {
        // (closed, met, overdue at the end, rate)
        let cases = [
            (0, 0, 0, None),
            (50, 50, 0, Some(100.0)),
            (49, 48, 1, Some(96.0)),
            (3, 2, 0, Some(66.7)),
            (0, 0, 2, Some(0.0)),
        ];
        for (closed, met, overdue, expected) in cases {
            assert_eq!(
                step(Step::FirstReview, closed, met, overdue).rate(),
                expected,
                "{closed}/{met}/{overdue}"
            );
        }
    }

    #[test]
    fn the_month_meets_the_target_at_98_percent_over_every_step() {
        let steps = [step(Step::FirstReview, 60, 59, 0), step(Step::Refund, 40, 39, 0)];
        assert_eq!(overall(&steps), StepTotals { met: 98, counted: 100, rate: Some(98.0) });
        assert_eq!(overall(&steps).meets(), Some(true));
        let late = [step(Step::FirstReview, 60, 58, 1), step(Step::Refund, 40, 39, 0)];
        assert_eq!(overall(&late).meets(), Some(false));
        assert_eq!(overall(&[]).meets(), None);
    }

    #[test]
    fn the_worst_steps_are_those_below_target_lowest_first() {
        let steps = [
            step(Step::FirstReview, 100, 99, 0),
            step(Step::SecondReview, 10, 8, 0),
            step(Step::Confirmation, 100, 90, 0),
            step(Step::Refund, 0, 0, 0),
        ];
        let worst: Vec<Step> = worst_steps(&steps).iter().map(|s| s.step).collect();
        assert_eq!(worst, [Step::SecondReview, Step::Confirmation]);
        let tie = [step(Step::FirstReview, 10, 9, 0), step(Step::Confirmation, 100, 90, 0)];
        let worst: Vec<Step> = worst_steps(&tie).iter().map(|s| s.step).collect();
        assert_eq!(worst, [Step::Confirmation, Step::FirstReview], "of equal rates, more late steps first");
    }

    #[test]
    fn the_people_furthest_off_their_targets_come_first() {
        let people = vec![
            (
                "ann",
                vec![
                    ("time_to_ship", Some(72.0), Some(48.0), false),
                    ("damage_rate", Some(0.2), Some(0.5), false),
                ],
            ),
            (
                "bo",
                vec![
                    ("time_to_ship", Some(50.0), Some(48.0), false),
                    ("completion_rate", Some(10.0), None, true),
                ],
            ),
            (
                "cy",
                vec![
                    ("satisfaction", Some(36.0), Some(90.0), true),
                    ("time_to_ship", None, Some(48.0), false),
                ],
            ),
        ];
        let worst = worst_people(people, 2);
        let named: Vec<(&str, &str)> = worst.iter().map(|m| (m.person.as_str(), m.kpi.as_str())).collect();
        assert_eq!(named, [("cy", "satisfaction"), ("ann", "time_to_ship")]);
        assert_eq!(worst[1].shortfall, 0.5);
    }
}
