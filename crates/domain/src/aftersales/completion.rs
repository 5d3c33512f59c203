//! When an order is complete (DONE-1): delivered, with nothing open once the after-sales window's
//! first check has come (the longest window of the policies for its market, from the last
//! delivery); or cancelled with its money settled (every paid unit refunded, nothing under way)
//! and nothing open.

use crate::kernel::Millis;

const DAY_MS: i64 = 86_400_000;

/// What decides completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompletionFacts {
    pub cancelled: bool,
    /// The last parcel's delivery, when every parcel is delivered.
    pub all_delivered_at: Option<Millis>,
    pub window_days: u32,
    /// Open exception cases and after-sales requests.
    pub open_items: usize,
    pub paid_minor: i64,
    pub refunded_minor: i64,
    pub pending_refunds_minor: i64,
}

/// Why an order is complete, or `None` while it is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completed {
    Delivered,
    CancelledAndSettled,
}

pub fn completion(f: &CompletionFacts, now: Millis) -> Option<Completed> {
    if f.open_items > 0 {
        return None;
    }
    if f.cancelled {
        let settled = f.pending_refunds_minor == 0 && f.refunded_minor >= f.paid_minor;
        return settled.then_some(Completed::CancelledAndSettled);
    }
    let delivered = f.all_delivered_at?;
    let first_check = delivered.0.saturating_add(i64::from(f.window_days).saturating_mul(DAY_MS));
    (now.0 >= first_check).then_some(Completed::Delivered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_completes_after_the_window_with_nothing_open_or_when_cancelled_and_settled() {
        let base = CompletionFacts {
            cancelled: false,
            all_delivered_at: Some(Millis(0)),
            window_days: 30,
            open_items: 0,
            paid_minor: 1_000,
            refunded_minor: 0,
            pending_refunds_minor: 0,
        };
        let day = |d: i64| Millis(d * DAY_MS);
        let table = [
            (base, day(29), None),
            (base, day(30), Some(Completed::Delivered)),
            (CompletionFacts { open_items: 1, ..base }, day(90), None),
            (CompletionFacts { all_delivered_at: None, ..base }, day(90), None),
            (CompletionFacts { cancelled: true, ..base }, day(0), None),
            (
                CompletionFacts { cancelled: true, refunded_minor: 1_000, ..base },
                day(0),
                Some(Completed::CancelledAndSettled),
            ),
            (
                CompletionFacts { cancelled: true, paid_minor: 0, ..base },
                day(0),
                Some(Completed::CancelledAndSettled),
            ),
            (
                CompletionFacts { cancelled: true, refunded_minor: 1_000, pending_refunds_minor: 1, ..base },
                day(0),
                None,
            ),
        ];
        for (facts, now, want) in table {
            assert_eq!(completion(&facts, now), want, "{facts:?} at {now:?}");
        }
    }
}
