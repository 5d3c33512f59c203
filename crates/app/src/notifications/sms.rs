//! Delivering one text message job: the buyer's message in the buyer's language through the SMS
//! provider, noted on the order's timeline, the lag since the event recorded.

use serde::Deserialize;
use tradeport_domain::kernel::OrderId;
use tradeport_store::jobs::JobRow;

use crate::App;

/// What the relay put in a text message job.
#[derive(Deserialize)]
struct SmsJob {
    outbox_id: String,
    topic: String,
    order_id: String,
    to: String,
    language: String,
    event_at: i64,
    /// What the message tells of besides the order.
    #[serde(flatten)]
    about: super::buyer::About,
}

/// Sends the job's text message; the error says what to fix.
pub(crate) async fn deliver_sms(app: &App, job: &JobRow) -> Result<(), String> {
    let p: SmsJob = serde_json::from_str(&job.payload).map_err(|e| format!("the job's payload: {e}"))?;
    let sms = app.sms().ok_or(
        "no SMS provider is configured (tradeport serve --twilio-account-sid …); retry the job once it is",
    )?;
    let operator = job.tenant_id.ok_or("the job names no operator")?;
    let order_id: OrderId = p.order_id.parse().map_err(|_| format!("order id {}", p.order_id))?;
    let Some(letter) =
        super::buyer::letter_for_buyer(app, operator, &p.topic, (order_id, &p.about), &p.language, false)
            .await?
    else {
        tracing::info!(order = %order_id, topic = p.topic, "the news is stale; no text message is sent");
        return Ok(());
    };
    let body = letter.message.sms;
    let sid = sms.send(&p.to, &body).await?;
    let data = serde_json::json!({ "channel": "sms", "to": p.to, "topic": p.topic, "message_id": p.outbox_id, "provider_id": sid });
    super::note_buyer_notified(app, operator, order_id, p.event_at, data).await;
    Ok(())
}
