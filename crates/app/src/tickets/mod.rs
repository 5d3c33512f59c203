//! Customer service (CS-1 … CS-3): tickets opened by buyers from their tracking page and worked
//! by agents (answers, internal notes, what a buyer said on the phone, solving), each linked to its
//! order, with the category its words suggest and response clocks in the operator's calendar.

mod answer;
mod open;
mod queries;

pub use answer::{AnswerRequest, answer_ticket, solve_ticket};
pub use open::{BuyerMessageForm, SubmittedMessage, submit_from_tracking};
pub use queries::{TicketMessageView, TicketView, buyer_tickets, list_tickets, ticket_detail};

use tradeport_domain::tickets::TicketStatus;
use tradeport_store::tickets::TicketRow;

use crate::{AppError, AppResult};

/// A stored ticket's state.
pub(crate) fn status_of(t: &TicketRow) -> AppResult<TicketStatus> {
    TicketStatus::parse(&t.status)
        .ok_or_else(|| AppError::Internal(format!("stored ticket {} has an unknown status", t.id)))
}
