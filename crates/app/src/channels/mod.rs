//! Sales channels (ORD-1, SYS-3): a merchant's connections to its shops and marketplaces, the
//! webhooks and polls that bring their orders in through the one intake, and the log of each
//! delivery.
//!
//! Secrets (webhook secrets, API tokens) are sealed with the configured keyring before they are
//! stored and are never answered: a view says only whether one is set. Each sealed value is bound
//! to its connection and field, so it does not open anywhere else.

mod channel_paid;
mod connections;
mod import_engine;
mod import_orders;
mod poll;
mod poll_amazon;
mod poll_ebay;
mod push_tracking;
mod receive_webhook;
mod take_order;

pub use connections::{
    ConnectionHealth, ConnectionRequest, ConnectionView, DeliveryView, Health, connection_detail,
    connection_health, create_connection, list_connections, reseal_secrets, update_connection,
};
pub use import_engine::{ImportOutcome, ImportSource, headers_and_count, import_file};
pub use import_orders::{
    ImportView, RunImport, import_detail, import_errors, list_imports, run_import, suggested_mapping,
    upload_import,
};
pub(crate) use poll::{FIRST_POLL_MS, iso, managed_connection, run_poll_job, schedule_polls_in_tx};
pub use poll::{PollReport, poll_connection};
pub(crate) use poll_ebay::ebay_client;
pub(crate) use push_tracking::{HandedOver, credentials, queue_tracking_push_in_tx, run_tracking_push};
pub use receive_webhook::{DeliveryAnswer, WebhookDelivery, receive_webhook};
pub(crate) use receive_webhook::{run_delivery_job, secrets};
pub use take_order::{TakenOrder, take_channel_order};

/// What a sealed field of a connection is bound to.
pub(crate) fn seal_context(connection_id: &str, field: &str) -> String {
    format!("channel_connections:{connection_id}:{field}")
}
