//! Disputes (CS-5): a claim the buyer contests, a marketplace claim or a chargeback, worked to a
//! decision by the arbitration group. Both sides give evidence until a deadline on the
//! customer-service calendar; the group decides with the rule it applied (or sends the dispute to
//! a third-party mediator first); the decision's money goes back through the refund rules; the
//! dispute is closed with a review of what to learn.

use serde::{Deserialize, Serialize};

/// Where a dispute stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    /// Evidence is being gathered from both sides.
    Open,
    /// A third party mediates; evidence may still come.
    Mediation,
    /// Decided: the money effect applied, the review to come.
    Decided,
    /// Reviewed and closed.
    Closed,
}

/// What happens to a dispute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeAction {
    AddEvidence,
    Mediate,
    Decide,
    Review,
}

impl DisputeStatus {
    pub const ALL: [DisputeStatus; 4] = [Self::Open, Self::Mediation, Self::Decided, Self::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Mediation => "mediation",
            Self::Decided => "decided",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl DisputeAction {
    pub const ALL: [DisputeAction; 4] = [Self::AddEvidence, Self::Mediate, Self::Decide, Self::Review];
}

/// Where `action` takes a dispute that is `from`; `None` when it cannot happen.
pub fn dispute_transition(from: DisputeStatus, action: DisputeAction) -> Option<DisputeStatus> {
    use DisputeAction as A;
    use DisputeStatus as S;
    match (from, action) {
        (S::Open | S::Mediation, A::AddEvidence) => Some(from),
        (S::Open, A::Mediate) => Some(S::Mediation),
        (S::Open | S::Mediation, A::Decide) => Some(S::Decided),
        (S::Decided, A::Review) => Some(S::Closed),
        _ => None,
    }
}

/// What the dispute is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeKind {
    /// The buyer contests how a ticket was settled.
    BuyerContest,
    /// A marketplace's A-to-z or money-back claim.
    MarketplaceClaim,
    /// The card holder's bank took the money back.
    Chargeback,
}

impl DisputeKind {
    pub const ALL: [DisputeKind; 3] = [Self::BuyerContest, Self::MarketplaceClaim, Self::Chargeback];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::BuyerContest => "buyer_contest",
            Self::MarketplaceClaim => "marketplace_claim",
            Self::Chargeback => "chargeback",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }
}

/// The arbitration group's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Ruling {
    /// The buyer is right: what was claimed goes back.
    ForBuyer,
    /// The seller is right: nothing goes back.
    ForSeller,
    /// Each side carries part: the amount named goes back.
    Split,
}

impl Ruling {
    pub const ALL: [Ruling; 3] = [Self::ForBuyer, Self::ForSeller, Self::Split];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ForBuyer => "for_buyer",
            Self::ForSeller => "for_seller",
            Self::Split => "split",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    /// What goes back to the buyer of a `claimed` amount: all, none, or `named` (which must be
    /// more than nothing and less than the claim); `Err` says what is wrong.
    pub fn refund_of(self, claimed: i64, named: Option<i64>) -> Result<i64, &'static str> {
        match (self, named) {
            (Self::ForBuyer, None) => Ok(claimed),
            (Self::ForBuyer, Some(n)) if n == claimed => Ok(claimed),
            (Self::ForBuyer, Some(_)) => Err("for_buyer gives back what was claimed; name no other amount"),
            (Self::ForSeller, None | Some(0)) => Ok(0),
            (Self::ForSeller, Some(_)) => Err("for_seller gives back nothing; name no amount"),
            (Self::Split, Some(n)) if n > 0 && n < claimed => Ok(n),
            (Self::Split, _) => {
                Err("a split names the amount that goes back: more than 0, less than the claim")
            }
        }
    }
}

/// Working minutes each side has to give evidence, and the group to decide after that.
pub const EVIDENCE_MINUTES: i64 = 3 * 8 * 60;
pub const DECISION_MINUTES: i64 = 2 * 8 * 60;

#[cfg(test)]
mod tests {
    use super::*;
    use DisputeAction as A;
    use DisputeStatus as S;

    #[test]
    fn every_state_and_action_goes_where_the_table_says() {
        let table = [
            (S::Open, A::AddEvidence, Some(S::Open)),
            (S::Open, A::Mediate, Some(S::Mediation)),
            (S::Open, A::Decide, Some(S::Decided)),
            (S::Open, A::Review, None),
            (S::Mediation, A::AddEvidence, Some(S::Mediation)),
            (S::Mediation, A::Mediate, None),
            (S::Mediation, A::Decide, Some(S::Decided)),
            (S::Mediation, A::Review, None),
            (S::Decided, A::AddEvidence, None),
            (S::Decided, A::Mediate, None),
            (S::Decided, A::Decide, None),
            (S::Decided, A::Review, Some(S::Closed)),
            (S::Closed, A::AddEvidence, None),
            (S::Closed, A::Mediate, None),
            (S::Closed, A::Decide, None),
            (S::Closed, A::Review, None),
        ];
        assert_eq!(table.len(), DisputeStatus::ALL.len() * DisputeAction::ALL.len());
        for (from, action, to) in table {
            assert_eq!(dispute_transition(from, action), to, "{from:?} {action:?}");
        }
        for s in DisputeStatus::ALL {
            assert_eq!(DisputeStatus::parse(s.as_str()), Some(s));
        }
        for k in DisputeKind::ALL {
            assert_eq!(DisputeKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn a_ruling_gives_back_all_none_or_the_split_named() {
        assert_eq!(Ruling::ForBuyer.refund_of(6000, None), Ok(6000));
        assert!(Ruling::ForBuyer.refund_of(6000, Some(100)).is_err());
        assert_eq!(Ruling::ForSeller.refund_of(6000, None), Ok(0));
        assert!(Ruling::ForSeller.refund_of(6000, Some(1)).is_err());
        assert_eq!(Ruling::Split.refund_of(6000, Some(2500)), Ok(2500));
        assert!(Ruling::Split.refund_of(6000, None).is_err());
        assert!(Ruling::Split.refund_of(6000, Some(6000)).is_err(), "that is for_buyer");
        assert!(Ruling::Split.refund_of(6000, Some(0)).is_err(), "that is for_seller");
    }
}
