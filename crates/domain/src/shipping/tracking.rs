//! Tracking statuses (SHP-6): every carrier's and aggregator's words mapped to one set, and the
//! rule that a parcel's status only moves forward, except into trouble (an exception, a failed
//! delivery, a return), and never because an older event arrives late.

/// Where a parcel is, in the product's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrackingStatus {
    Pending,
    InfoReceived,
    InTransit,
    Customs,
    OutForDelivery,
    AvailableForPickup,
    AttemptFailed,
    Delivered,
    Exception,
    Returning,
    Returned,
}

impl TrackingStatus {
    pub const ALL: [TrackingStatus; 11] = [
        Self::Pending,
        Self::InfoReceived,
        Self::InTransit,
        Self::Customs,
        Self::OutForDelivery,
        Self::AvailableForPickup,
        Self::AttemptFailed,
        Self::Delivered,
        Self::Exception,
        Self::Returning,
        Self::Returned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::InfoReceived => "info_received",
            Self::InTransit => "in_transit",
            Self::Customs => "customs",
            Self::OutForDelivery => "out_for_delivery",
            Self::AvailableForPickup => "available_for_pickup",
            Self::AttemptFailed => "attempt_failed",
            Self::Delivered => "delivered",
            Self::Exception => "exception",
            Self::Returning => "returning",
            Self::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    /// How far along the way a status is; trouble has no place on it.
    fn stage(self) -> Option<u8> {
        Some(match self {
            Self::Pending => 0,
            Self::InfoReceived => 1,
            Self::InTransit => 2,
            Self::Customs => 3,
            Self::OutForDelivery | Self::AvailableForPickup => 4,
            Self::Delivered => 5,
            Self::AttemptFailed | Self::Exception | Self::Returning => return None,
            Self::Returned => 6,
        })
    }

    /// Whether nothing comes after it.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Delivered | Self::Returned)
    }
}

/// The status a parcel takes from an event of status `to`, when it is at `from`: forward along
/// the way; into trouble from anywhere not final; out of trouble by any event not older than the
/// trouble; never out of a final status.
pub fn moves_to(from: TrackingStatus, to: TrackingStatus) -> bool {
    if from == to || from.is_final() {
        return false;
    }
    match (from.stage(), to.stage()) {
        (Some(a), Some(b)) => b > a,
        // Into trouble, or back on the way once it moves again.
        (_, None) | (None, Some(_)) => true,
    }
}

/// EasyPost's tracker `status` (and `status_detail`) in the product's words.
pub fn from_easypost(status: &str, detail: &str) -> Option<TrackingStatus> {
    Some(match status {
        "unknown" => TrackingStatus::Pending,
        "pre_transit" => TrackingStatus::InfoReceived,
        "in_transit" if detail.contains("customs") => TrackingStatus::Customs,
        "in_transit" => TrackingStatus::InTransit,
        "out_for_delivery" => TrackingStatus::OutForDelivery,
        "available_for_pickup" => TrackingStatus::AvailableForPickup,
        "delivered" => TrackingStatus::Delivered,
        "return_to_sender" => TrackingStatus::Returning,
        "failure" if detail.contains("attempt") => TrackingStatus::AttemptFailed,
        "failure" | "error" | "cancelled" => TrackingStatus::Exception,
        _ => return None,
    })
}

/// An AfterShip tag (with its subtag) in the product's words.
pub fn from_aftership(tag: &str, subtag: &str) -> Option<TrackingStatus> {
    Some(match (tag, subtag) {
        ("Pending" | "Expired", _) => TrackingStatus::Pending,
        ("InfoReceived", _) => TrackingStatus::InfoReceived,
        ("InTransit", "InTransit_004" | "InTransit_006") => TrackingStatus::Customs,
        ("InTransit", _) => TrackingStatus::InTransit,
        ("OutForDelivery", _) => TrackingStatus::OutForDelivery,
        ("AvailableForPickup", _) => TrackingStatus::AvailableForPickup,
        ("AttemptFail", _) => TrackingStatus::AttemptFailed,
        ("Delivered", _) => TrackingStatus::Delivered,
        ("Exception", "Exception_010") => TrackingStatus::Returning,
        ("Exception", "Exception_011") => TrackingStatus::Returned,
        ("Exception", _) => TrackingStatus::Exception,
        _ => return None,
    })
}

/// A 17TRACK (API v2) main status (with its sub-status) in the product's words.
pub fn from_17track(status: &str, sub_status: &str) -> Option<TrackingStatus> {
    Some(match (status, sub_status) {
        ("NotFound" | "Expired", _) => TrackingStatus::Pending,
        ("InfoReceived", _) => TrackingStatus::InfoReceived,
        ("InTransit", s) if s.starts_with("InTransit_Customs") => TrackingStatus::Customs,
        ("InTransit", _) => TrackingStatus::InTransit,
        ("OutForDelivery", _) => TrackingStatus::OutForDelivery,
        ("AvailableForPickup", _) => TrackingStatus::AvailableForPickup,
        ("DeliveryFailure", _) => TrackingStatus::AttemptFailed,
        ("Delivered", _) => TrackingStatus::Delivered,
        ("Exception", "Exception_Returning") => TrackingStatus::Returning,
        ("Exception", "Exception_Returned") => TrackingStatus::Returned,
        ("Exception", _) => TrackingStatus::Exception,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use TrackingStatus as S;

    #[test]
    fn names_read_back() {
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn a_parcel_moves_forward_into_trouble_and_out_of_it_but_never_back_or_out_of_the_end() {
        let table = [
            (S::InTransit, S::Delivered, true),
            (S::Delivered, S::InTransit, false),
            (S::OutForDelivery, S::InTransit, false),
            (S::Customs, S::InTransit, false),
            (S::InTransit, S::Customs, true),
            (S::InTransit, S::Exception, true),
            (S::Exception, S::InTransit, true),
            (S::AttemptFailed, S::OutForDelivery, true),
            (S::Returning, S::Returned, true),
            (S::Returned, S::Exception, false),
            (S::Delivered, S::Exception, false),
            (S::InTransit, S::InTransit, false),
            (S::Pending, S::InfoReceived, true),
        ];
        for (from, to, moves) in table {
            assert_eq!(moves_to(from, to), moves, "{} → {}", from.as_str(), to.as_str());
        }
    }

    #[test]
    fn every_vocabulary_maps_to_the_same_set() {
        assert_eq!(from_easypost("in_transit", "arrived_at_facility"), Some(S::InTransit));
        assert_eq!(from_easypost("pre_transit", "label_created"), Some(S::InfoReceived));
        assert_eq!(from_easypost("return_to_sender", ""), Some(S::Returning));
        assert_eq!(from_easypost("teleported", ""), None);
        assert_eq!(from_aftership("Exception", "Exception_004"), Some(S::Exception));
        assert_eq!(from_aftership("InTransit", "InTransit_006"), Some(S::Customs));
        assert_eq!(from_aftership("Exception", "Exception_011"), Some(S::Returned));
        assert_eq!(from_17track("DeliveryFailure", "DeliveryFailure_NoBody"), Some(S::AttemptFailed));
        assert_eq!(from_17track("InTransit", "InTransit_CustomsProcessing"), Some(S::Customs));
        assert_eq!(from_17track("Exception", "Exception_Lost"), Some(S::Exception));
    }
}
