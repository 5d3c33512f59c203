//! Customs clearance (SHP-4) as a workflow of its own: export declared, departed (with the
//! waybill), arrived, import clearance, documents requested from the buyer, then cleared or
//! refused. Steps go forward (staff may skip one they did not see); import clearance and a
//! request for documents may alternate; cleared and refused end it.

use super::TrackingStatus;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClearanceStep {
    ExportDeclared,
    Departed,
    Arrived,
    ImportClearance,
    DocumentsRequested,
    Cleared,
    Refused,
}

impl ClearanceStep {
    pub const ALL: [ClearanceStep; 7] = [
        Self::ExportDeclared,
        Self::Departed,
        Self::Arrived,
        Self::ImportClearance,
        Self::DocumentsRequested,
        Self::Cleared,
        Self::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ExportDeclared => "export_declared",
            Self::Departed => "departed",
            Self::Arrived => "arrived",
            Self::ImportClearance => "import_clearance",
            Self::DocumentsRequested => "documents_requested",
            Self::Cleared => "cleared",
            Self::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    fn rank(self) -> u8 {
        match self {
            Self::ExportDeclared => 1,
            Self::Departed => 2,
            Self::Arrived => 3,
            Self::ImportClearance | Self::DocumentsRequested => 4,
            Self::Cleared | Self::Refused => 5,
        }
    }

    pub fn is_final(self) -> bool {
        self.rank() == 5
    }
}

/// Why a step cannot be recorded after `current`, or `None` when it can.
pub fn clearance_refusal(current: Option<ClearanceStep>, next: ClearanceStep) -> Option<String> {
    let current = current?;
    if current.is_final() {
        return Some(format!("clearance has ended ({}); nothing follows it", current.as_str()));
    }
    if next == current {
        return Some(format!("the parcel is at {} already", current.as_str()));
    }
    if next.rank() < current.rank() {
        return Some(format!("{} comes before {}, where the parcel is", next.as_str(), current.as_str()));
    }
    None
}

/// The step a tracking event shows, if any: customs at the destination begins import clearance;
/// a carrier's request for documents (AfterShip `Exception_004`/`Exception_018`, 17TRACK
/// `InTransit_CustomsRequiringInformation`) asks the buyer; a parcel out for delivery or delivered
/// after clearance began was cleared.
pub fn clearance_from_tracking(
    current: Option<ClearanceStep>,
    status: TrackingStatus,
    carrier_code: &str,
) -> Option<ClearanceStep> {
    let documents = ["Exception_004", "Exception_018", "CustomsRequiringInformation"]
        .iter()
        .any(|c| carrier_code.contains(c));
    let step = match status {
        _ if documents => ClearanceStep::DocumentsRequested,
        TrackingStatus::Customs => ClearanceStep::ImportClearance,
        TrackingStatus::OutForDelivery | TrackingStatus::AvailableForPickup | TrackingStatus::Delivered
            if current.is_some_and(|c| c.rank() == 4) =>
        {
            ClearanceStep::Cleared
        }
        _ => return None,
    };
    clearance_refusal(current, step).is_none().then_some(step)
}

#[cfg(test)]
mod tests {
    use super::ClearanceStep as C;
    use super::*;
    use TrackingStatus as T;

    #[test]
    fn steps_go_forward_alternate_in_clearance_and_end() {
        let table = [
            (None, C::Arrived, true),
            (Some(C::ExportDeclared), C::Departed, true),
            (Some(C::ExportDeclared), C::ImportClearance, true),
            (Some(C::Arrived), C::Departed, false),
            (Some(C::ImportClearance), C::DocumentsRequested, true),
            (Some(C::DocumentsRequested), C::ImportClearance, true),
            (Some(C::DocumentsRequested), C::Cleared, true),
            (Some(C::Departed), C::Departed, false),
            (Some(C::Cleared), C::Refused, false),
            (Some(C::Refused), C::ImportClearance, false),
        ];
        for (current, next, allowed) in table {
            assert_eq!(clearance_refusal(current, next).is_none(), allowed, "{current:?} → {next:?}");
        }
    }

    #[test]
    fn tracking_moves_clearance_where_it_can() {
        let table = [
            (None, T::Customs, "InTransit/InTransit_006", Some(C::ImportClearance)),
            (Some(C::Departed), T::Customs, "in_transit/customs", Some(C::ImportClearance)),
            (Some(C::ImportClearance), T::Customs, "x", None),
            (Some(C::ImportClearance), T::Exception, "Exception/Exception_018", Some(C::DocumentsRequested)),
            (Some(C::DocumentsRequested), T::Delivered, "Delivered/Delivered_001", Some(C::Cleared)),
            (Some(C::Departed), T::Delivered, "delivered", None),
            (None, T::InTransit, "in_transit", None),
            (Some(C::Refused), T::Customs, "x", None),
        ];
        for (current, status, code, step) in table {
            assert_eq!(clearance_from_tracking(current, status, code), step, "{current:?} {status:?} {code}");
        }
    }

    #[test]
    fn names_read_back() {
        for s in C::ALL {
            assert_eq!(C::parse(s.as_str()), Some(s));
        }
    }
}
