//! An exception case: its type and whether it is still being handled.

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
}

impl CaseType {
    pub const ALL: [CaseType; 5] = [
        Self::LogisticsDelay,
        Self::CustomsProblem,
        Self::DeliveryFailed,
        Self::ReturnedToSender,
        Self::ServiceUnavailable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::LogisticsDelay => "logistics_delay",
            Self::CustomsProblem => "customs_problem",
            Self::DeliveryFailed => "delivery_failed",
            Self::ReturnedToSender => "returned_to_sender",
            Self::ServiceUnavailable => "service_unavailable",
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
}
