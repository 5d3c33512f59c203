//! Telling buyers and merchants what happened (SLA-3, ORD-7): the outbox relay turns each
//! message written by a use case into delivery jobs, and the jobs deliver it: e-mail to the buyer
//! in the buyer's language, a text message to the buyer's phone (Twilio's Messages API), and
//! signed webhooks to merchants' endpoints. Each delivery is a job of its own, so a failing
//! channel never holds up another.

mod email;
mod endpoints;
mod messages;
mod relay;
mod sms;
mod webhook;

pub(crate) use email::deliver_email;
pub use endpoints::{
    CreateEndpoint, DeliveryView, EndpointView, EndpointWithSecret, create_endpoint, deactivate_endpoint,
    list_deliveries, list_endpoints, replay_delivery, rotate_endpoint_secret,
};
pub use messages::{
    BUYER_LANGUAGES, RenderedMessage, render_order_confirmed, render_order_confirmed_sms, render_sla_overdue,
};
pub(crate) use relay::SLA_OVERDUE;
pub use relay::{TOPICS, relay_outbox};
pub(crate) use sms::deliver_sms;
pub(crate) use webhook::deliver_webhook;
