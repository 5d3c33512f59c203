//! One payment's facts, merged from its provider's events in whatever order they arrive.
//!
//! Providers retry and reorder events (Stripe says so outright), so nothing here depends on the
//! order of arrival: amounts captured and refunded only grow (each event carries the total so
//! far), and of the attempts without a capture (pending, authorised, failed) and of a dispute's
//! states the newest by the provider's clock wins, a tie going to the later stage. Merging the
//! same events in any order gives the same facts; merging one twice changes nothing.

use serde::{Deserialize, Serialize};

use crate::kernel::Millis;

/// Where a payment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    Pending,
    Authorised,
    Captured,
    Failed,
    Refunded,
    PartiallyRefunded,
    Disputed,
}

impl PaymentState {
    pub const ALL: [PaymentState; 7] = [
        Self::Pending,
        Self::Authorised,
        Self::Captured,
        Self::Failed,
        Self::Refunded,
        Self::PartiallyRefunded,
        Self::Disputed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Authorised => "authorised",
            Self::Captured => "captured",
            Self::Failed => "failed",
            Self::Refunded => "refunded",
            Self::PartiallyRefunded => "partially_refunded",
            Self::Disputed => "disputed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Where a dispute (a chargeback) stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    /// The buyer's bank has taken the money back pending the outcome.
    Open,
    /// Decided for the seller: the money came back.
    Won,
    /// Decided for the buyer: the money is gone.
    Lost,
}

/// The latest attempt of a payment not (yet) captured.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Attempt {
    Pending,
    Authorised { amount: i64 },
    Failed { reason: String },
}

impl Attempt {
    /// Which of two attempts at the same instant is the later stage.
    fn stage(&self) -> u8 {
        match self {
            Self::Pending => 0,
            Self::Authorised { .. } => 1,
            Self::Failed { .. } => 2,
        }
    }
}

/// What one event says of its payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaymentChange {
    /// Created or processing, for `amount` (minor units).
    Pending { amount: i64 },
    /// Authorised, `amount` capturable.
    Authorised { amount: i64 },
    /// Captured, `amount` in all so far.
    Captured { amount: i64 },
    /// The attempt failed or was cancelled.
    Failed { reason: String },
    /// Refunded, `amount` in all so far.
    Refunded { amount: i64 },
    /// One refund, `refund_id`, of `amount` (a provider that reports refunds one by one).
    RefundedPart { refund_id: String, amount: i64 },
    /// A dispute opened, or was decided, over `amount`.
    Dispute { status: DisputeStatus, amount: i64, reason: String },
}

/// A provider's event, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentEvent {
    /// The provider's event id: each is taken once.
    pub event_id: String,
    /// The provider's name of the event (`payment_intent.succeeded`, …).
    pub event_type: String,
    /// When the provider says it happened.
    pub at: Millis,
    /// The provider's reference of the payment (Stripe: the PaymentIntent `pi_…`; PayPal: the
    /// capture once there is one, else the order; Alipay: the merchant's payment request id).
    pub reference: String,
    /// Another id the provider knows the payment by, when the event names one (PayPal: the order
    /// a capture belongs to; Alipay: its own payment id).
    pub alias: Option<String>,
    /// The order the payment was made for, when the payment says (`metadata.order_id`).
    pub order_hint: Option<String>,
    /// The payment's currency (ISO 4217, upper case), when the event says.
    pub currency: Option<String>,
    /// What it says of the payment; `None` for an event Tradeport keeps but does not act on.
    pub change: Option<PaymentChange>,
}

/// A dispute's latest state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dispute {
    pub status: DisputeStatus,
    pub at: Millis,
    pub amount: i64,
    pub reason: String,
}

/// Everything known of one payment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PaymentFacts {
    /// The amount asked (minor units).
    pub amount: i64,
    /// Captured in all.
    pub captured: i64,
    /// Refunded in all.
    pub refunded: i64,
    /// The latest attempt without a capture and when it happened.
    pub attempt: Option<(Millis, Attempt)>,
    pub dispute: Option<Dispute>,
    /// Refunds reported one by one, by their id.
    pub refund_parts: std::collections::BTreeMap<String, i64>,
}

impl PaymentFacts {
    /// Adds what `change`, reported at `at`, says.
    pub fn merge(&mut self, at: Millis, change: &PaymentChange) {
        match change {
            PaymentChange::Pending { amount } => {
                self.amount = self.amount.max(*amount);
                self.attempt_at(at, Attempt::Pending);
            }
            PaymentChange::Authorised { amount } => {
                self.amount = self.amount.max(*amount);
                self.attempt_at(at, Attempt::Authorised { amount: *amount });
            }
            PaymentChange::Failed { reason } => {
                self.attempt_at(at, Attempt::Failed { reason: reason.clone() })
            }
            PaymentChange::Captured { amount } => {
                self.captured = self.captured.max(*amount);
                self.amount = self.amount.max(*amount);
            }
            PaymentChange::Refunded { amount } => self.refunded = self.refunded.max(*amount),
            PaymentChange::RefundedPart { refund_id, amount } => {
                let part = self.refund_parts.entry(refund_id.clone()).or_default();
                *part = (*part).max(*amount);
                self.refunded = self.refunded.max(self.refund_parts.values().sum());
            }
            PaymentChange::Dispute { status, amount, reason } => {
                let newer = match &self.dispute {
                    None => true,
                    Some(d) => (at, *status != DisputeStatus::Open) > (d.at, d.status != DisputeStatus::Open),
                };
                if newer {
                    self.dispute =
                        Some(Dispute { status: *status, at, amount: *amount, reason: reason.clone() });
                }
            }
        }
    }

    /// Adds everything `other` knows of the same payment (a payment its provider first named by
    /// two ids): the same facts as if every event of both had been merged into one.
    pub fn absorb(&mut self, other: &PaymentFacts) {
        self.amount = self.amount.max(other.amount);
        self.captured = self.captured.max(other.captured);
        if let Some((at, attempt)) = &other.attempt {
            self.attempt_at(*at, attempt.clone());
        }
        if let Some(d) = &other.dispute {
            let change =
                PaymentChange::Dispute { status: d.status, amount: d.amount, reason: d.reason.clone() };
            self.merge(d.at, &change);
        }
        for (id, amount) in &other.refund_parts {
            let part = self.refund_parts.entry(id.clone()).or_default();
            *part = (*part).max(*amount);
        }
        self.refunded = self.refunded.max(other.refunded).max(self.refund_parts.values().sum());
    }

    fn attempt_at(&mut self, at: Millis, attempt: Attempt) {
        let newer = match &self.attempt {
            None => true,
            Some((then, was)) => (at, attempt.stage()) > (*then, was.stage()),
        };
        if newer {
            self.attempt = Some((at, attempt));
        }
    }

    /// Where the payment stands.
    pub fn state(&self) -> PaymentState {
        if self.dispute.as_ref().is_some_and(|d| d.status != DisputeStatus::Won) {
            return PaymentState::Disputed;
        }
        if self.captured > 0 {
            return if self.refunded >= self.captured {
                PaymentState::Refunded
            } else if self.refunded > 0 {
                PaymentState::PartiallyRefunded
            } else {
                PaymentState::Captured
            };
        }
        match &self.attempt {
            Some((_, Attempt::Failed { .. })) => PaymentState::Failed,
            Some((_, Attempt::Authorised { .. })) => PaymentState::Authorised,
            _ => PaymentState::Pending,
        }
    }

    /// What the buyer paid by it: captured, less a dispute the seller lost (never below zero).
    /// Refunds are the seller's own giving back, counted apart (the refunds ledger caps them by
    /// this amount), so a partial refund does not make an order unpaid.
    pub fn paid_in(&self) -> i64 {
        let lost = match &self.dispute {
            Some(d) if d.status == DisputeStatus::Lost => d.amount,
            _ => 0,
        };
        (self.captured - lost).max(0)
    }

    /// Whether everything captured has been given back.
    pub fn refunded_in_full(&self) -> bool {
        self.captured > 0 && self.refunded >= self.captured
    }

    /// What the seller holds of it: captured, less refunds and a lost dispute (never below zero).
    pub fn net_received(&self) -> i64 {
        let lost = match &self.dispute {
            Some(d) if d.status == DisputeStatus::Lost => d.amount,
            _ => 0,
        };
        (self.captured - self.refunded - lost).max(0)
    }

    /// The amount authorised and not captured yet.
    pub fn authorised(&self) -> i64 {
        match (&self.attempt, self.captured) {
            (Some((_, Attempt::Authorised { amount })), 0) => *amount,
            _ => 0,
        }
    }

    /// Why the latest attempt failed, when it did.
    pub fn failure(&self) -> Option<&str> {
        match &self.attempt {
            Some((_, Attempt::Failed { reason })) => Some(reason),
            _ => None,
        }
    }
}
