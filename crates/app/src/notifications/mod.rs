//! Telling buyers and merchants what happened (SLA-3, ORD-7): the outbox relay turns each
//! message written by a use case into delivery jobs, and the jobs deliver it: e-mail to the buyer
//! in the buyer's language, a text message to the buyer's phone (Twilio's Messages API), and
//! signed webhooks to merchants' endpoints. Each delivery is a job of its own, so a failing
//! channel never holds up another.

mod buyer;
mod email;
mod endpoints;
mod locale_format;
mod messages;
mod opt_outs;
mod relay;
mod sms;
mod templates;
mod webhook;
mod wording;

pub(crate) use buyer::Offer;
pub(crate) use email::deliver_email;
pub use endpoints::{
    CreateEndpoint, DeliveryView, EndpointView, EndpointWithSecret, create_endpoint, deactivate_endpoint,
    list_deliveries, list_endpoints, replay_delivery, rotate_endpoint_secret,
};
pub use locale_format::{format_date, format_money};
pub use messages::{BUYER_LANGUAGES, RenderedMessage, render_sla_overdue, render_supervision_report};
pub(crate) use messages::{escape_html, ticket_text};
pub use opt_outs::{OptOutInput, OptOutView, list_opt_outs, opt_in, opt_out};
pub use relay::{
    AFTERSALES_REQUESTED, EXCEPTION_OPENED, STOCK_BACK_ABOVE_SAFETY, STOCK_BELOW_SAFETY, TOPICS, relay_outbox,
};
pub(crate) use relay::{SLA_OVERDUE, SUPERVISION_REPORT};
pub(crate) use sms::deliver_sms;
pub use templates::{
    PreviewView, TemplateValue, TemplateView, WordingInput, get_template, list_templates, preview_template,
    reset_template, save_template,
};
pub(crate) use webhook::deliver_webhook;
pub use wording::{
    RenderedBuyerMessage, compile_wording, default_wording, hold_actions, render_buyer_message,
};

/// After a message reached the buyer: the lag since its event (`tradeport_notification_lag_seconds`
/// by `data.channel`, and a row for the dashboard's figure) and `order_buyer_notified` on the
/// order's timeline (SLA-3). The message is
/// sent: a failure to note it is logged, not retried (that would send it again).
pub(crate) async fn note_buyer_notified(
    app: &crate::App,
    operator: tradeport_domain::kernel::TenantId,
    order_id: tradeport_domain::kernel::OrderId,
    event_at: i64,
    data: serde_json::Value,
) {
    let channel = data["channel"].as_str().unwrap_or_default().to_string();
    metrics::histogram!("tradeport_notification_lag_seconds", "channel" => channel.clone())
        .record((app.now().0 - event_at).max(0) as f64 / 1000.0);
    let event = tradeport_store::events::NewEvent {
        data: data.to_string(),
        ..app.event(tradeport_domain::access::Actor::System, "order", order_id, "order_buyer_notified")
    };
    let outbox_id = data["message_id"].as_str().unwrap_or_default().to_string();
    let record = async {
        let mut tx = app.db().begin().await?;
        tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
        let at = tradeport_domain::kernel::Millis(event_at);
        tradeport_store::notification_lags::record_in_tx(
            &mut tx,
            operator,
            &outbox_id,
            &channel,
            at,
            app.now(),
        )
        .await?;
        tradeport_store::commit(tx).await
    };
    if let Err(e) = record.await {
        tracing::warn!(error = %e, order = %order_id, %channel, "the buyer was told but it could not be noted on the order");
    }
}
