//! Payments (ORD-5, ORD-8, ORD-10): what a provider reports of a buyer's payment, folded into one
//! record per payment whatever order the reports arrive in, and what that means for the order.
//!
//! - [`PaymentFacts`]: what is known of one payment (authorised, captured, refunded, failed,
//!   disputed), merged from its events so that any order of arrival ends in the same facts;
//! - [`stripe_event`]: a Stripe event read into a [`PaymentEvent`];
//! - [`judge_order_payment`]: the order's payment status, what it has received, and the holds that
//!   follow (not paid, paid in another currency, paid more than the total, disputed).

mod alipay;
mod facts;
mod judge;
mod paypal;
mod paypal_report;
pub mod reconcile;
mod stripe;
mod stripe_report;

#[cfg(test)]
mod provider_tests;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use alipay::{alipay_event, alipay_refund_request_id};
pub use facts::{DisputeStatus, PaymentChange, PaymentEvent, PaymentFacts, PaymentState};
pub use judge::{OrderPaymentJudgement, PAYMENT_HOLD_CODES, PaidPayment, judge_order_payment, not_paid_hold};
pub use paypal::paypal_event;
pub use paypal_report::{
    PAYPAL_REPORT_COLUMNS, paypal_report_columns, paypal_report_line, paypal_report_lines,
};
pub use stripe::stripe_event;
pub use stripe_report::{STRIPE_REPORT_COLUMNS, stripe_report_columns, stripe_report_line};

/// Minutes an order may hold its stock while its buyer pays (ORD-5, INV-2): the window its
/// channel is given, when the order's only hold is that it is not paid.
pub fn payment_window_minutes(
    settings: &crate::access::TenantSettings,
    channel: &str,
    holds: &[crate::kernel::FieldError],
) -> Option<u32> {
    let only_unpaid = !holds.is_empty() && holds.iter().all(|h| h.code == "not_paid");
    settings.payment_windows.get(channel).copied().filter(|_| only_unpaid)
}

/// A payment provider Tradeport speaks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentProvider {
    /// PaymentIntents; events signed with `Stripe-Signature` (HMAC-SHA256).
    Stripe,
    /// Orders v2; webhooks signed with PayPal's certificate (SHA256withRSA).
    Paypal,
    /// Alipay's cross-border acquiring (Antom); notifications signed with RSA2.
    Alipay,
}

impl PaymentProvider {
    pub const ALL: [PaymentProvider; 3] = [Self::Stripe, Self::Paypal, Self::Alipay];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stripe => "stripe",
            Self::Paypal => "paypal",
            Self::Alipay => "alipay",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s.trim())
    }
}
