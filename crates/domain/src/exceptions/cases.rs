//! An exception case (EXC-1, EXC-7): its type, the department that owns it by default, and the
//! rule for closing it: a cause from the operator's list, what was done, and the result.

use crate::kernel::FieldError;
use crate::sla::Department;

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaseType {
    /// The parcel is late: no update, stuck, or past the promised date.
    LogisticsDelay,
    /// Customs held or refused the parcel.
    CustomsProblem,
    /// The carrier could not deliver.
    DeliveryFailed,
    /// The parcel is going or has gone back to the sender.
    ReturnedToSender,
    /// The carrier service the buyer or merchant chose cannot carry the parcel.
    ServiceUnavailable,
    /// The buyer, the merchant or the operator cancels the order.
    Cancellation,
    /// The address, contact or service is to change.
    Modification,
    /// The goods arrived damaged.
    Damaged,
    /// The parcel is lost.
    Lost,
    /// The buyer received another item.
    WrongItem,
    /// An item is missing from the parcel.
    MissingItem,
    /// The buyer disputed the payment (a chargeback): nothing ships until it is answered.
    PaymentDispute,
}

impl CaseType {
    pub const ALL: [CaseType; 12] = [
        Self::LogisticsDelay,
        Self::CustomsProblem,
        Self::DeliveryFailed,
        Self::ReturnedToSender,
        Self::ServiceUnavailable,
        Self::Cancellation,
        Self::Modification,
        Self::Damaged,
        Self::Lost,
        Self::WrongItem,
        Self::MissingItem,
        Self::PaymentDispute,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::LogisticsDelay => "logistics_delay",
            Self::CustomsProblem => "customs_problem",
            Self::DeliveryFailed => "delivery_failed",
            Self::ReturnedToSender => "returned_to_sender",
            Self::ServiceUnavailable => "service_unavailable",
            Self::Cancellation => "cancellation",
            Self::Modification => "modification",
            Self::Damaged => "damaged",
            Self::Lost => "lost",
            Self::WrongItem => "wrong_item",
            Self::MissingItem => "missing_item",
            Self::PaymentDispute => "payment_dispute",
        }
    }

    /// The department that owns a case of this type unless someone names another.
    pub fn department(self) -> Department {
        match self {
            Self::Cancellation | Self::Modification => Department::OrderManagement,
            Self::WrongItem | Self::MissingItem => Department::Warehouse,
            Self::LogisticsDelay | Self::CustomsProblem | Self::ServiceUnavailable | Self::Lost => {
                Department::Logistics
            }
            Self::DeliveryFailed | Self::ReturnedToSender | Self::Damaged | Self::PaymentDispute => {
                Department::CustomerService
            }
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }
}

/// Whether someone still has to act on a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaseStatus {
    Open,
    Closed,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Closed].into_iter().find(|v| v.as_str() == s.trim())
    }
}

/// What is missing before a case may close: its cause from the operator's list, at least one
/// action taken, and the result (EXC-7: type, cause, handling, result).
pub fn close_refusal(cause_code: Option<&str>, actions: usize, result: &str) -> Vec<FieldError> {
    let mut missing = Vec::new();
    if cause_code.is_none_or(|c| c.trim().is_empty()) {
        missing.push(FieldError::new(
            "cause_code",
            "required",
            "set the cause, from the operator's list, before closing",
        ));
    }
    if actions == 0 {
        missing.push(FieldError::new("action", "required", "record what was done before closing"));
    }
    if result.trim().is_empty() {
        missing.push(FieldError::new(
            "result",
            "required",
            "say how the case ended, e.g. refunded 12.00 EUR",
        ));
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for t in CaseType::ALL {
            assert_eq!(CaseType::parse(t.as_str()), Some(t));
        }
        assert_eq!(CaseStatus::parse("closed"), Some(CaseStatus::Closed));
    }

    #[test]
    fn a_case_closes_only_with_cause_handling_and_result() {
        let fields = |c: Option<&str>, a: usize, r: &str| -> Vec<String> {
            close_refusal(c, a, r).into_iter().map(|e| e.field).collect()
        };
        assert_eq!(fields(None, 0, ""), ["cause_code", "action", "result"]);
        assert_eq!(fields(Some("carrier_lost"), 1, " "), ["result"]);
        assert_eq!(fields(Some(""), 2, "reshipped"), ["cause_code"]);
        assert!(fields(Some("carrier_lost"), 1, "reshipped").is_empty());
    }

    #[test]
    fn every_type_has_an_owner() {
        assert_eq!(CaseType::Cancellation.department(), Department::OrderManagement);
        assert_eq!(CaseType::MissingItem.department(), Department::Warehouse);
        assert_eq!(CaseType::Lost.department(), Department::Logistics);
        assert_eq!(CaseType::Damaged.department(), Department::CustomerService);
    }
}
