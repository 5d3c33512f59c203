//! Cycle counts (INV-6): a blind count of bins, the variance against the books, and adjustments
//! applied only after a supervisor approves them, with a reason.
//!
//! | from \ action | submit    | approve  | reject (recount) |
//! |---------------|-----------|----------|------------------|
//! | counting      | submitted | –        | –                |
//! | submitted     | –         | approved | counting         |
//! | approved      | –         | –        | –                |
//!
//! The counter never sees the books' figures (the count is blind); the expected quantities are
//! taken when the count is submitted, so picks during the count do not show as variances.

/// Where a count is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CountStatus {
    Counting,
    Submitted,
    Approved,
}

/// What a counter or a supervisor does to a count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountAction {
    Submit,
    Approve,
    Reject,
}

impl CountStatus {
    pub const ALL: [CountStatus; 3] = [Self::Counting, Self::Submitted, Self::Approved];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Counting => "counting",
            Self::Submitted => "submitted",
            Self::Approved => "approved",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl CountAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Approve => "approve",
            Self::Reject => "reject",
        }
    }
}

/// The state after `action`, or `None` when it is not allowed from `from`.
pub fn count_transition(from: CountStatus, action: CountAction) -> Option<CountStatus> {
    use CountAction as A;
    use CountStatus as S;
    match (from, action) {
        (S::Counting, A::Submit) => Some(S::Submitted),
        (S::Submitted, A::Approve) => Some(S::Approved),
        (S::Submitted, A::Reject) => Some(S::Counting),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transition_table_is_exactly_the_documented_one() {
        use CountAction as A;
        use CountStatus as S;
        let allowed = [
            (S::Counting, A::Submit, S::Submitted),
            (S::Submitted, A::Approve, S::Approved),
            (S::Submitted, A::Reject, S::Counting),
        ];
        for from in S::ALL {
            assert_eq!(S::parse(from.as_str()), Some(from));
            for action in [A::Submit, A::Approve, A::Reject] {
                let want = allowed.iter().find(|(f, a, _)| *f == from && *a == action).map(|t| t.2);
                assert_eq!(count_transition(from, action), want, "{} + {}", from.as_str(), action.as_str());
            }
        }
    }
}
