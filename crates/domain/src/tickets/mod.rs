//! Customer-service tickets (CS-1 … CS-4): one ticket per buyer's issue with its whole
//! conversation, linked to the order it is about.
//!
//! - [`TicketStatus`] and [`transition`]: where a ticket stands and what moves it, one table;
//! - [`classify`]: the standard category a message suggests, with the words that suggested it;
//! - [`references_in`]: order numbers and tracking numbers found in a message's text, to link the
//!   ticket to its order;
//! - [`due`] and [`default_targets`]: the response clocks, in the customer-service calendar;
//! - [`whatsapp_messages`]: buyers' chat messages as WhatsApp's webhook delivers them;
//! - [`fill`] and [`check_canned`]: canned replies' placeholders;
//! - [`DisputeStatus`] and [`dispute_transition`]: disputes and their rulings (CS-5).

mod canned;
mod chat;
mod classify;
mod clock;
mod disputes;
mod references;

pub use canned::{PLACEHOLDERS, check_canned, fill, pick_language};
pub use chat::{ChatMessage, whatsapp_messages};
pub use classify::{Category, Suggestion, classify};
pub use clock::{Priority, Targets, default_targets, due};
pub use disputes::{
    DECISION_MINUTES, DisputeAction, DisputeKind, DisputeStatus, EVIDENCE_MINUTES, Ruling, dispute_transition,
};
pub use references::{Reference, references_in};

use serde::{Deserialize, Serialize};

/// Where a ticket stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// The buyer waits for an answer.
    Open,
    /// Answered; waiting for the buyer.
    Pending,
    /// Above the agent's limits: waiting for the next level.
    Escalated,
    /// Settled; the buyer may still write back, which opens it again.
    Solved,
    /// Settled for good.
    Closed,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 5] =
        [Self::Open, Self::Pending, Self::Escalated, Self::Solved, Self::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Pending => "pending",
            Self::Escalated => "escalated",
            Self::Solved => "solved",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether the ticket still needs an agent (its clocks run).
    pub fn is_active(self) -> bool {
        matches!(self, Self::Open | Self::Escalated)
    }
}

/// What happens to a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketAction {
    /// The buyer writes (in any channel).
    BuyerWrites,
    /// An agent answers the buyer.
    AgentReplies,
    /// An agent sends it up: what is asked is above their limits.
    Escalate,
    /// An agent settles it.
    Solve,
    /// Closed for good (by a person, or days after it was solved).
    Close,
    /// The next level decided what went up: the ticket is the agent's again.
    ReturnToAgent,
}

impl TicketAction {
    pub const ALL: [TicketAction; 6] = [
        Self::BuyerWrites,
        Self::AgentReplies,
        Self::Escalate,
        Self::Solve,
        Self::Close,
        Self::ReturnToAgent,
    ];
}

/// Where `action` takes a ticket that is `from`; `None` when it cannot happen. An internal note
/// moves nothing and is not an action.
pub fn transition(from: TicketStatus, action: TicketAction) -> Option<TicketStatus> {
    use TicketAction as A;
    use TicketStatus as S;
    match (from, action) {
        (S::Closed, _) => None,
        (S::Escalated, A::BuyerWrites) => Some(S::Escalated),
        (_, A::BuyerWrites) => Some(S::Open),
        (S::Open | S::Pending | S::Escalated, A::AgentReplies) => Some(S::Pending),
        (S::Open | S::Pending, A::Escalate) => Some(S::Escalated),
        (S::Open | S::Pending | S::Escalated, A::Solve) => Some(S::Solved),
        (S::Solved, A::Close) => Some(S::Closed),
        (S::Escalated, A::ReturnToAgent) => Some(S::Open),
        _ => None,
    }
}

/// How a message reached the ticket (CS-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketChannel {
    Email,
    Marketplace,
    Chat,
    WebForm,
    Phone,
}

impl TicketChannel {
    pub const ALL: [TicketChannel; 5] =
        [Self::Email, Self::Marketplace, Self::Chat, Self::WebForm, Self::Phone];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Marketplace => "marketplace",
            Self::Chat => "chat",
            Self::WebForm => "web_form",
            Self::Phone => "phone",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TicketAction as A;
    use TicketStatus as S;

    /// Every (state, action) pair, written out: a change to the table is a change here.
    #[test]
    fn every_state_and_action_goes_where_the_table_says() {
        let table = [
            (S::Open, A::BuyerWrites, Some(S::Open)),
            (S::Open, A::AgentReplies, Some(S::Pending)),
            (S::Open, A::Escalate, Some(S::Escalated)),
            (S::Open, A::Solve, Some(S::Solved)),
            (S::Open, A::Close, None),
            (S::Open, A::ReturnToAgent, None),
            (S::Pending, A::BuyerWrites, Some(S::Open)),
            (S::Pending, A::AgentReplies, Some(S::Pending)),
            (S::Pending, A::Escalate, Some(S::Escalated)),
            (S::Pending, A::Solve, Some(S::Solved)),
            (S::Pending, A::Close, None),
            (S::Pending, A::ReturnToAgent, None),
            (S::Escalated, A::BuyerWrites, Some(S::Escalated)),
            (S::Escalated, A::AgentReplies, Some(S::Pending)),
            (S::Escalated, A::Escalate, None),
            (S::Escalated, A::Solve, Some(S::Solved)),
            (S::Escalated, A::Close, None),
            (S::Escalated, A::ReturnToAgent, Some(S::Open)),
            (S::Solved, A::BuyerWrites, Some(S::Open)),
            (S::Solved, A::AgentReplies, None),
            (S::Solved, A::Escalate, None),
            (S::Solved, A::Solve, None),
            (S::Solved, A::Close, Some(S::Closed)),
            (S::Solved, A::ReturnToAgent, None),
            (S::Closed, A::BuyerWrites, None),
            (S::Closed, A::AgentReplies, None),
            (S::Closed, A::Escalate, None),
            (S::Closed, A::Solve, None),
            (S::Closed, A::Close, None),
            (S::Closed, A::ReturnToAgent, None),
        ];
        assert_eq!(table.len(), TicketStatus::ALL.len() * TicketAction::ALL.len());
        for (from, action, to) in table {
            assert_eq!(transition(from, action), to, "{from:?} {action:?}");
        }
        for s in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(s.as_str()), Some(s));
        }
        for c in TicketChannel::ALL {
            assert_eq!(TicketChannel::parse(c.as_str()), Some(c));
        }
        assert_eq!(TicketStatus::parse("new"), None);
    }
}
