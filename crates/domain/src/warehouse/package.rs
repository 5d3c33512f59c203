//! A package's way from the packing bench to the carrier (WMS-5, WMS-8).
//!
//! | from \ action | weigh: in tolerance, not chosen | weigh: out of tolerance or chosen for a spot check | pass  | fail    | hand_over   | cancel    |
//! |---------------|---------------------------------|----------------------------------------------------|-------|---------|-------------|-----------|
//! | packing       | ready                           | checking                                           | –     | –       | –           | cancelled |
//! | checking      | –                               | –                                                  | ready | packing | –           | cancelled |
//! | ready         | –                               | –                                                  | –     | –       | handed_over | cancelled |
//! | handed_over, cancelled | –                      | –                                                  | –     | –       | –           | –         |
//!
//! A failed check sends the package back to packing to be put right and weighed again.

use serde::{Deserialize, Serialize};

/// Where a package is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackageStatus {
    Packing,
    Checking,
    Ready,
    HandedOver,
    Cancelled,
}

/// What happens to a package.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackageAction {
    /// Weighed; `needs_check` when the weight is out of tolerance or the spot check chose it.
    Weigh {
        needs_check: bool,
    },
    Pass,
    Fail,
    HandOver,
    Cancel,
}

impl PackageStatus {
    pub const ALL: [PackageStatus; 5] =
        [Self::Packing, Self::Checking, Self::Ready, Self::HandedOver, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Packing => "packing",
            Self::Checking => "checking",
            Self::Ready => "ready",
            Self::HandedOver => "handed_over",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl PackageAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Weigh { .. } => "weigh",
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::HandOver => "hand_over",
            Self::Cancel => "cancel",
        }
    }
}

/// The state after `action`, or `None` when it is not allowed from `from`.
pub fn package_transition(from: PackageStatus, action: PackageAction) -> Option<PackageStatus> {
    use PackageAction as A;
    use PackageStatus as S;
    match (from, action) {
        (S::Packing, A::Weigh { needs_check: false }) => Some(S::Ready),
        (S::Packing, A::Weigh { needs_check: true }) => Some(S::Checking),
        (S::Checking, A::Pass) => Some(S::Ready),
        (S::Checking, A::Fail) => Some(S::Packing),
        (S::Ready, A::HandOver) => Some(S::HandedOver),
        (S::Packing | S::Checking | S::Ready, A::Cancel) => Some(S::Cancelled),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transition_table_is_exactly_the_documented_one() {
        use PackageAction as A;
        use PackageStatus as S;
        let actions = [
            A::Weigh { needs_check: false },
            A::Weigh { needs_check: true },
            A::Pass,
            A::Fail,
            A::HandOver,
            A::Cancel,
        ];
        let allowed = [
            (S::Packing, A::Weigh { needs_check: false }, S::Ready),
            (S::Packing, A::Weigh { needs_check: true }, S::Checking),
            (S::Checking, A::Pass, S::Ready),
            (S::Checking, A::Fail, S::Packing),
            (S::Ready, A::HandOver, S::HandedOver),
            (S::Packing, A::Cancel, S::Cancelled),
            (S::Checking, A::Cancel, S::Cancelled),
            (S::Ready, A::Cancel, S::Cancelled),
        ];
        for from in S::ALL {
            assert_eq!(S::parse(from.as_str()), Some(from));
            for action in actions {
                let want = allowed.iter().find(|(f, a, _)| *f == from && *a == action).map(|t| t.2);
                assert_eq!(package_transition(from, action), want, "{} + {}", from.as_str(), action.as_str());
            }
        }
    }
}
