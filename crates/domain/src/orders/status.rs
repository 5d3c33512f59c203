//! The order review state machine (ORD-4 … ORD-7, ORD-10).
//!
//! | from \ action          | release_hold   | approve                                    | second_approve | reject   | hold    | confirm   | cancel    |
//! |------------------------|----------------|--------------------------------------------|----------------|----------|---------|-----------|-----------|
//! | awaiting_payment       | –              | –                                          | –              | rejected | on_hold | –         | cancelled |
//! | on_hold                | pending_review | –                                          | –              | rejected | –       | –         | cancelled |
//! | pending_review         | –              | approved, or pending_second_review if due  | –              | rejected | on_hold | –         | cancelled |
//! | pending_second_review  | –              | –                                          | approved       | rejected | on_hold | –         | cancelled |
//! | approved               | –              | –                                          | –              | –        | on_hold | confirmed | cancelled |
//! | confirmed              | –              | –                                          | –              | –        | on_hold | –         | cancelled |
//! | picking, packed, ready_to_ship | –      | –                                          | –              | –        | –       | –         | cancelled |
//! | rejected, cancelled, handed_over | –    | –                                          | –              | –        | –       | –         | –         |
//!
//! The warehouse steps after confirmation (WMS-4 … WMS-6), each taken by the warehouse:
//!
//! | from \ action  | start_picking | finish_packing | clear_for_shipping | hand_over   |
//! |----------------|---------------|----------------|--------------------|-------------|
//! | confirmed      | picking       | –              | –                  | –           |
//! | picking        | –             | packed         | –                  | –           |
//! | packed         | –             | –              | ready_to_ship      | –           |
//! | ready_to_ship  | –             | –              | –                  | handed_over |
//!
//! The payment window (ORD-5, INV-2): an order whose only blocker is its payment may hold stock
//! for the window its channel is given, in `awaiting_payment`:
//!
//! | from \ action     | payment_received | payment_window_expired |
//! |------------------|------------------|------------------------|
//! | awaiting_payment | pending_review   | on_hold                |
//!
//! A confirmed order is put on hold when a change makes it unclear (ORD-10): nothing ships until
//! it is reviewed and confirmed again, and it keeps its order number. Once picking has started,
//! an order can only go forward or be cancelled (its picked goods go back to the dock, to be put
//! away again); after hand-over it belongs to shipping and after-sales.
//!
//! "Second review due" means the amount is at or above the operator's threshold or a special
//! service was asked for. Any other pair is an illegal transition, reported, never a panic.

use serde::{Deserialize, Serialize};

/// Where an order is in review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Waiting for its payment within the window, its stock held (ORD-5, INV-2).
    AwaitingPayment,
    OnHold,
    PendingReview,
    PendingSecondReview,
    Approved,
    Confirmed,
    Picking,
    Packed,
    ReadyToShip,
    HandedOver,
    Rejected,
    Cancelled,
}

/// What a person or a rule does to an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderAction {
    ReleaseHold,
    Approve {
        second_review_due: bool,
    },
    SecondApprove,
    Reject,
    Hold,
    Confirm,
    Cancel,
    StartPicking,
    FinishPacking,
    ClearForShipping,
    HandOver,
    /// The payment came within the window: the order goes to review.
    PaymentReceived,
    /// The window closed unpaid: the order's stock goes back.
    PaymentWindowExpired,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 12] = [
        Self::AwaitingPayment,
        Self::OnHold,
        Self::PendingReview,
        Self::PendingSecondReview,
        Self::Approved,
        Self::Confirmed,
        Self::Picking,
        Self::Packed,
        Self::ReadyToShip,
        Self::HandedOver,
        Self::Rejected,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AwaitingPayment => "awaiting_payment",
            Self::OnHold => "on_hold",
            Self::PendingReview => "pending_review",
            Self::PendingSecondReview => "pending_second_review",
            Self::Approved => "approved",
            Self::Confirmed => "confirmed",
            Self::Picking => "picking",
            Self::Packed => "packed",
            Self::ReadyToShip => "ready_to_ship",
            Self::HandedOver => "handed_over",
            Self::Rejected => "rejected",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether stock is reserved for the order in this state.
    pub fn holds_stock(self) -> bool {
        matches!(
            self,
            Self::AwaitingPayment
                | Self::Approved
                | Self::Confirmed
                | Self::Picking
                | Self::Packed
                | Self::ReadyToShip
        )
    }

    /// Whether the warehouse has started on the order (picked goods may exist).
    pub fn in_warehouse(self) -> bool {
        matches!(self, Self::Picking | Self::Packed | Self::ReadyToShip)
    }
}

impl OrderAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReleaseHold => "release_hold",
            Self::Approve { .. } => "approve",
            Self::SecondApprove => "second_approve",
            Self::Reject => "reject",
            Self::Hold => "hold",
            Self::Confirm => "confirm",
            Self::Cancel => "cancel",
            Self::StartPicking => "start_picking",
            Self::FinishPacking => "finish_packing",
            Self::ClearForShipping => "clear_for_shipping",
            Self::HandOver => "hand_over",
            Self::PaymentReceived => "payment_received",
            Self::PaymentWindowExpired => "payment_window_expired",
        }
    }
}

/// The state after `action`, or `None` when the action is not allowed from `from`.
pub fn transition(from: OrderStatus, action: OrderAction) -> Option<OrderStatus> {
    use OrderAction as A;
    use OrderStatus as S;
    match (from, action) {
        (S::OnHold, A::ReleaseHold) => Some(S::PendingReview),
        (S::PendingReview, A::Approve { second_review_due: true }) => Some(S::PendingSecondReview),
        (S::PendingReview, A::Approve { second_review_due: false }) => Some(S::Approved),
        (S::PendingSecondReview, A::SecondApprove) => Some(S::Approved),
        (S::AwaitingPayment, A::PaymentReceived) => Some(S::PendingReview),
        (S::AwaitingPayment, A::PaymentWindowExpired) => Some(S::OnHold),
        (S::AwaitingPayment | S::OnHold | S::PendingReview | S::PendingSecondReview, A::Reject) => {
            Some(S::Rejected)
        }
        (
            S::AwaitingPayment | S::PendingReview | S::PendingSecondReview | S::Approved | S::Confirmed,
            A::Hold,
        ) => Some(S::OnHold),
        (S::Approved, A::Confirm) => Some(S::Confirmed),
        (
            S::AwaitingPayment
            | S::OnHold
            | S::PendingReview
            | S::PendingSecondReview
            | S::Approved
            | S::Confirmed
            | S::Picking
            | S::Packed
            | S::ReadyToShip,
            A::Cancel,
        ) => Some(S::Cancelled),
        (S::Confirmed, A::StartPicking) => Some(S::Picking),
        (S::Picking, A::FinishPacking) => Some(S::Packed),
        (S::Packed, A::ClearForShipping) => Some(S::ReadyToShip),
        (S::ReadyToShip, A::HandOver) => Some(S::HandedOver),
        _ => None,
    }
}

/// The kind of the event that records `action` ending in `to`: an approval that found the
/// stock short is `order_held_out_of_stock`, a first review that calls for a second one is
/// `order_first_review_passed`, every other action is `order_<action>`.
pub fn event_kind(action: OrderAction, to: OrderStatus) -> &'static str {
    use OrderAction as A;
    use OrderStatus as S;
    match (action, to) {
        (A::Approve { .. } | A::SecondApprove, S::OnHold) => "order_held_out_of_stock",
        (A::Approve { .. }, S::PendingSecondReview) => "order_first_review_passed",
        (A::ReleaseHold, _) => "order_release_hold",
        (A::Approve { .. }, _) => "order_approve",
        (A::SecondApprove, _) => "order_second_approve",
        (A::Reject, _) => "order_reject",
        (A::Hold, _) => "order_hold",
        (A::Confirm, _) => "order_confirm",
        (A::Cancel, _) => "order_cancel",
        (A::StartPicking, _) => "order_start_picking",
        (A::FinishPacking, _) => "order_finish_packing",
        (A::ClearForShipping, _) => "order_clear_for_shipping",
        (A::HandOver, _) => "order_hand_over",
        (A::PaymentReceived, _) => "order_payment_received",
        (A::PaymentWindowExpired, _) => "order_payment_window_expired",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderAction as A;
    use OrderStatus as S;

    #[test]
    fn event_kinds_name_the_action_or_what_came_of_it() {
        let cases = [
            (A::Approve { second_review_due: false }, S::Approved, "order_approve"),
            (A::Approve { second_review_due: false }, S::OnHold, "order_held_out_of_stock"),
            (A::Approve { second_review_due: true }, S::PendingSecondReview, "order_first_review_passed"),
            (A::SecondApprove, S::Approved, "order_second_approve"),
            (A::SecondApprove, S::OnHold, "order_held_out_of_stock"),
            (A::ReleaseHold, S::PendingReview, "order_release_hold"),
            (A::Reject, S::Rejected, "order_reject"),
            (A::Hold, S::OnHold, "order_hold"),
            (A::Confirm, S::Confirmed, "order_confirm"),
            (A::Cancel, S::Cancelled, "order_cancel"),
            (A::PaymentReceived, S::PendingReview, "order_payment_received"),
            (A::PaymentWindowExpired, S::OnHold, "order_payment_window_expired"),
        ];
        for (action, to, kind) in cases {
            assert_eq!(event_kind(action, to), kind, "{action:?} to {to:?}");
            if !matches!(kind, "order_held_out_of_stock" | "order_first_review_passed") {
                assert_eq!(kind, format!("order_{}", action.as_str()));
            }
        }
    }

    /// The table of the module doc, row by row: every allowed pair and nothing else.
    #[test]
    fn the_transition_table_is_exactly_the_documented_one() {
        let allowed = [
            (S::AwaitingPayment, A::PaymentReceived, S::PendingReview),
            (S::AwaitingPayment, A::PaymentWindowExpired, S::OnHold),
            (S::AwaitingPayment, A::Reject, S::Rejected),
            (S::AwaitingPayment, A::Hold, S::OnHold),
            (S::AwaitingPayment, A::Cancel, S::Cancelled),
            (S::OnHold, A::ReleaseHold, S::PendingReview),
            (S::OnHold, A::Reject, S::Rejected),
            (S::OnHold, A::Cancel, S::Cancelled),
            (S::PendingReview, A::Approve { second_review_due: false }, S::Approved),
            (S::PendingReview, A::Approve { second_review_due: true }, S::PendingSecondReview),
            (S::PendingReview, A::Reject, S::Rejected),
            (S::PendingReview, A::Hold, S::OnHold),
            (S::PendingReview, A::Cancel, S::Cancelled),
            (S::PendingSecondReview, A::SecondApprove, S::Approved),
            (S::PendingSecondReview, A::Reject, S::Rejected),
            (S::PendingSecondReview, A::Hold, S::OnHold),
            (S::PendingSecondReview, A::Cancel, S::Cancelled),
            (S::Approved, A::Hold, S::OnHold),
            (S::Approved, A::Confirm, S::Confirmed),
            (S::Approved, A::Cancel, S::Cancelled),
            (S::Confirmed, A::Hold, S::OnHold),
            (S::Confirmed, A::Cancel, S::Cancelled),
            (S::Confirmed, A::StartPicking, S::Picking),
            (S::Picking, A::FinishPacking, S::Packed),
            (S::Picking, A::Cancel, S::Cancelled),
            (S::Packed, A::ClearForShipping, S::ReadyToShip),
            (S::Packed, A::Cancel, S::Cancelled),
            (S::ReadyToShip, A::HandOver, S::HandedOver),
            (S::ReadyToShip, A::Cancel, S::Cancelled),
        ];
        let actions = [
            A::ReleaseHold,
            A::Approve { second_review_due: false },
            A::Approve { second_review_due: true },
            A::SecondApprove,
            A::Reject,
            A::Hold,
            A::Confirm,
            A::Cancel,
            A::StartPicking,
            A::FinishPacking,
            A::ClearForShipping,
            A::HandOver,
            A::PaymentReceived,
            A::PaymentWindowExpired,
        ];
        for from in S::ALL {
            for action in actions {
                let expected =
                    allowed.iter().find(|(f, a, _)| *f == from && *a == action).map(|(_, _, to)| *to);
                assert_eq!(transition(from, action), expected, "{from:?} + {action:?}");
            }
        }
    }

    #[test]
    fn status_names_round_trip() {
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
    }
}
