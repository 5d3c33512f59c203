//! What becomes of a generated order: its steps through the order state machine (the domain's
//! `transition`, never a copy of it), each some time after the one before, as far as the present
//! allows. Most old orders were handed over; recent ones are still on their way.

use tradeport_domain::kernel::Millis;
use tradeport_domain::orders::{OrderAction, OrderStatus, transition};

use super::rng::Rng;

const SECOND: i64 = 1_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;

/// Who takes a step: the operator's rules, a reviewer, or the warehouse staff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Who {
    System,
    Reviewer,
    Warehouse,
}

/// One step of an order's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Step {
    pub action: OrderAction,
    pub from: OrderStatus,
    pub to: OrderStatus,
    pub at: Millis,
    pub who: Who,
}

/// How an order starts: held for the buyer (its intake found something to fix), needing a
/// person's review (flags), and due a second review (amount or service).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Start {
    pub held: bool,
    pub flagged: bool,
    pub second_review_due: bool,
}

/// An order's life so far: its steps, where it stands, and when.
struct Life {
    steps: Vec<Step>,
    status: OrderStatus,
    at: i64,
    now: i64,
}

impl Life {
    /// Takes `action` `delay` after the last step, if the state machine allows it and it falls
    /// before now; the state it leads to.
    fn take(&mut self, action: OrderAction, delay: i64, who: Who) -> Option<OrderStatus> {
        let to = transition(self.status, action)?;
        // At least a millisecond apart: the timeline's order is the steps' order.
        let at = self.at + delay.max(1);
        if at > self.now {
            return None;
        }
        self.steps.push(Step { action, from: self.status, to, at: Millis(at), who });
        (self.status, self.at) = (to, at);
        Some(to)
    }
}

/// The steps of an order received at `created`, up to `now`.
pub(super) fn plan(rng: &mut Rng, created: Millis, now: Millis, start: Start) -> Vec<Step> {
    let status = if start.held { OrderStatus::OnHold } else { OrderStatus::PendingReview };
    let mut life = Life { steps: Vec::new(), status, at: created.0, now: now.0 };
    walk(rng, &mut life, start);
    life.steps
}

fn walk(rng: &mut Rng, life: &mut Life, start: Start) -> Option<()> {
    if start.held {
        let wait = rng.between(2 * HOUR, 48 * HOUR);
        // One held order in four is never put right and is cancelled; the rest are released.
        let action = if rng.chance(250) { OrderAction::Cancel } else { OrderAction::ReleaseHold };
        if life.take(action, wait, Who::Reviewer)? != OrderStatus::PendingReview {
            return None;
        }
    }
    if rng.chance(15) {
        life.take(OrderAction::Reject, rng.between(10 * MINUTE, 6 * HOUR), Who::Reviewer);
        return None;
    }
    let approve = OrderAction::Approve { second_review_due: start.second_review_due };
    // The rules approve at intake only; an order released from a hold, flagged, or due a second
    // review is approved by a person, who then confirms it too.
    let reviewed = start.held || start.flagged || start.second_review_due;
    let (delay, who) =
        if reviewed { (rng.between(5 * MINUTE, 4 * HOUR), Who::Reviewer) } else { (SECOND, Who::System) };
    if life.take(approve, delay, who)? == OrderStatus::PendingSecondReview {
        life.take(OrderAction::SecondApprove, rng.between(10 * MINUTE, 8 * HOUR), Who::Reviewer)?;
    }
    let confirm = if reviewed { (rng.between(MINUTE, HOUR), Who::Reviewer) } else { (SECOND, Who::System) };
    life.take(OrderAction::Confirm, confirm.0, confirm.1)?;
    if rng.chance(30) {
        life.take(OrderAction::Cancel, rng.between(HOUR, 12 * HOUR), Who::Reviewer);
        return None;
    }
    life.take(OrderAction::StartPicking, rng.between(HOUR, 20 * HOUR), Who::Warehouse)?;
    life.take(OrderAction::FinishPacking, rng.between(10 * MINUTE, 90 * MINUTE), Who::Warehouse)?;
    life.take(OrderAction::ClearForShipping, rng.between(MINUTE, 15 * MINUTE), Who::System)?;
    life.take(OrderAction::HandOver, rng.between(HOUR, 10 * HOUR), Who::Warehouse)?;
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 24 * HOUR;

    fn lives(n: u64, age: i64, start: Start) -> Vec<Vec<Step>> {
        let mut rng = Rng::new(7);
        let now = Millis(100 * DAY);
        (0..n).map(|_| plan(&mut rng, Millis(now.0 - age), now, start)).collect()
    }

    fn last(steps: &[Step], start: Start) -> OrderStatus {
        let first = if start.held { OrderStatus::OnHold } else { OrderStatus::PendingReview };
        steps.last().map_or(first, |s| s.to)
    }

    #[test]
    fn every_step_is_one_the_state_machine_allows_in_time_order_before_now() {
        for start in [
            Start::default(),
            Start { held: true, ..Start::default() },
            Start { flagged: true, second_review_due: true, ..Start::default() },
        ] {
            for age in [MINUTE, HOUR, DAY, 30 * DAY] {
                for steps in lives(300, age, start) {
                    let mut status =
                        if start.held { OrderStatus::OnHold } else { OrderStatus::PendingReview };
                    let mut at = 100 * DAY - age;
                    for s in &steps {
                        assert_eq!(s.from, status);
                        assert_eq!(transition(s.from, s.action), Some(s.to), "{s:?}");
                        assert!(s.at.0 > at && s.at.0 <= 100 * DAY, "{s:?}");
                        (status, at) = (s.to, s.at.0);
                    }
                }
            }
        }
    }

    #[test]
    fn old_orders_are_mostly_handed_over_and_new_ones_still_open() {
        let start = Start::default();
        let old = lives(1_000, 30 * DAY, start);
        let handed = old.iter().filter(|s| last(s, start) == OrderStatus::HandedOver).count();
        assert!((930..=970).contains(&handed), "{handed} of 1000 handed over");
        let cancelled = old.iter().filter(|s| last(s, start) == OrderStatus::Cancelled).count();
        let rejected = old.iter().filter(|s| last(s, start) == OrderStatus::Rejected).count();
        assert_eq!(handed + cancelled + rejected, 1_000);
        let fresh = lives(1_000, 30 * MINUTE, start);
        let holding = fresh.iter().filter(|s| last(s, start).holds_stock()).count();
        assert!(holding >= 950, "{holding} of 1000 fresh orders hold stock");
        assert!(
            fresh.iter().all(|s| !matches!(last(s, start), OrderStatus::HandedOver | OrderStatus::Picking))
        );
    }

    #[test]
    fn a_held_order_waits_for_a_person_then_is_released_or_cancelled() {
        let start = Start { held: true, ..Start::default() };
        for steps in lives(200, 90 * DAY, start) {
            let first = steps[0];
            assert_eq!(first.who, Who::Reviewer);
            assert!(matches!(first.action, OrderAction::ReleaseHold | OrderAction::Cancel));
        }
        assert!(lives(50, HOUR, start).iter().all(|s| s.is_empty()));
    }

    #[test]
    fn an_order_due_a_second_review_gets_two_approvals_by_people() {
        let start = Start { second_review_due: true, ..Start::default() };
        let steps = lives(100, 30 * DAY, start);
        let approved = steps.iter().find(|s| s.len() > 3).expect("one got past review");
        assert_eq!(approved[0].to, OrderStatus::PendingSecondReview);
        assert_eq!(approved[1].action, OrderAction::SecondApprove);
        assert!(approved[..2].iter().all(|s| s.who == Who::Reviewer));
    }
}
