//! Customer service (CS-1 … CS-3): tickets opened by buyers from their tracking page, by e-mail
//! to a support mailbox or on WhatsApp, and worked by agents (answers sent by e-mail, internal notes, what a buyer
//! said on the phone, solving), each linked to its order, with the category its words suggest and
//! response clocks in the operator's calendar.

mod answer;
mod canned;
mod chat_in;
mod context;
mod disputes;
mod ebay_in;
mod email_in;
mod escalation;
mod inbound;
mod mailboxes;
mod open;
mod promise;
mod queries;
mod reply_job;
mod survey;
mod update;
mod wismo;

pub use answer::{AnswerRequest, answer_ticket, solve_ticket};
pub use canned::{
    CannedPreview, CannedReplyInput, CannedReplyView, delete_canned, list_canned, preview_canned, save_canned,
};
pub use chat_in::{ChatDeliveryAnswer, receive_chat_hook, verify_chat_hook};
pub use context::{TicketContext, ticket_context};
pub use disputes::{
    DecisionInput, DisputeNote, DisputeView, EvidenceInput, EvidenceView, OpenDispute, add_evidence,
    decide_dispute, get_dispute, list_disputes, mediate, open_dispute, review_dispute,
};
pub(crate) use ebay_in::read_all as read_all_member_messages;
pub use ebay_in::{MessagesRead, read_member_messages};
pub use email_in::{ReceivedEmail, mail_handler, receive_email};
pub(crate) use escalation::on_request_decided_in_tx;
pub use escalation::{EscalateRequest, escalate_ticket, file_from_ticket, open_case_from_ticket};
pub use mailboxes::{CreateMailbox, MailboxView, create_mailbox, delete_mailbox, list_mailboxes};
pub use open::{BuyerMessageForm, SubmittedMessage, submit_from_tracking};
pub use promise::{PromiseRequest, promise_answer};
pub use queries::{
    AttachmentFile, AttachmentView, TicketMessageView, TicketQuery, TicketView, buyer_tickets, list_tickets,
    ticket_attachment, ticket_detail, viewing_ticket,
};
pub(crate) use reply_job::run_reply_job;
pub use survey::{SatisfactionGroup, SatisfactionView, SurveyView, answer_survey, satisfaction, survey_page};
pub(crate) use survey::{ask_after_completion_in_tx, score_links, survey_url};
pub use update::{TicketChange, update_ticket};
pub use wismo::resend_tracking;

use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::tickets::TicketStatus;
use tradeport_store::tickets::TicketRow;

use crate::{App, AppError, AppResult};

/// The principal's ticket `id`, for an agent (`AnswerTickets`; a merchant: its own).
pub(crate) async fn ticket_of(app: &App, principal: &Principal, id: &str) -> AppResult<TicketRow> {
    principal.require(Permission::AnswerTickets)?;
    let mut conn = app.db().read().await?;
    let (operator, merchant) = (principal.scope.operator_id, principal.scope.merchant_id);
    tradeport_store::tickets::get(&mut conn, operator, merchant, id.trim())
        .await?
        .ok_or(AppError::NotFound("ticket"))
}

/// The ticket's order, or what to do first.
pub(crate) fn order_of(t: &TicketRow) -> AppResult<String> {
    t.order_id.clone().ok_or_else(|| {
        crate::warehouse::invalid(
            "order_id",
            "no_order",
            "the ticket is not linked to an order yet: link it first (PATCH the ticket with order_id)",
        )
    })
}

/// A stored ticket's state.
pub(crate) fn status_of(t: &TicketRow) -> AppResult<TicketStatus> {
    TicketStatus::parse(&t.status)
        .ok_or_else(|| AppError::Internal(format!("stored ticket {} has an unknown status", t.id)))
}
