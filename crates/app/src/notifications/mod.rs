//! Telling buyers and merchants what happened (SLA-3, ORD-7): the outbox relay turns each
//! message written by a use case into delivery jobs, and the jobs deliver it: e-mail to the buyer
//! in the buyer's language now; webhooks and SMS join as separate channels, each a job of its
//! own, so a failing channel never holds up another.

mod email;
mod messages;
mod relay;

pub(crate) use email::deliver_email;
pub use messages::{BUYER_LANGUAGES, RenderedMessage, render_order_confirmed};
pub use relay::relay_outbox;
