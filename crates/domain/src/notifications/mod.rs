//! What buyers are told, and when (SLA-3, ORD-7): the messages a buyer can receive, the values
//! each may use, what a held order asks of the buyer, and the limits of an operator's own
//! wording of a message.

mod buyer_messages;
mod lag;
mod templates;

pub use buyer_messages::{BuyerMessage, buyer_action};
pub use lag::{LagSummary, NOTIFY_WITHIN_MS};
pub use templates::{
    MAX_BODY_CHARS, MAX_SMS_CHARS, MAX_SUBJECT_CHARS, TemplateInput, validate_template_shape,
};
