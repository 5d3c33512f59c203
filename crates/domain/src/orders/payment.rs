//! Where an order's payment stands, as the channel or the payment provider reports it (ORD-5,
//! ORD-10): only a paid order whose paid amount covers its total may go on without a hold.

use serde::{Deserialize, Serialize};

/// An order's payment status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Paid,
    Unpaid,
    PartiallyPaid,
    Authorized,
    Refunded,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 5] =
        [Self::Paid, Self::Unpaid, Self::PartiallyPaid, Self::Authorized, Self::Refunded];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Paid => "paid",
            Self::Unpaid => "unpaid",
            Self::PartiallyPaid => "partially_paid",
            Self::Authorized => "authorized",
            Self::Refunded => "refunded",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_reads_back_as_itself_and_nothing_else_reads() {
        for s in PaymentStatus::ALL {
            assert_eq!(PaymentStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for bad in ["", "PAID", "settled", "paid_out"] {
            assert_eq!(PaymentStatus::parse(bad), None, "{bad}");
        }
    }
}
