//! Delivering one webhook job: the outbox message, signed with the endpoint's secrets, posted to
//! the merchant's URL, every attempt logged. A receiver that does not answer within 10 s counts
//! as a failure and is retried with back-off; other channels' jobs run beside it.

use std::time::Duration;

use serde::Deserialize;
use tradeport_connectors::webhooks;
use tradeport_store::jobs::JobRow;
use tradeport_store::webhooks::{DeliveryRow, get as get_endpoint, log_delivery};

use crate::App;

/// How long a receiver has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// What the relay put in a webhook job.
#[derive(Deserialize)]
struct WebhookJob {
    outbox_id: String,
    endpoint_id: String,
}

/// The body of every webhook: what happened, to what, when.
pub(crate) fn body(message: &tradeport_store::outbox::OutboxRow) -> String {
    let data: serde_json::Value = serde_json::from_str(&message.payload).unwrap_or_default();
    let timestamp =
        jiff::Timestamp::from_millisecond(message.created_at).map(|t| t.to_string()).unwrap_or_default();
    serde_json::json!({
        "id": message.id,
        "type": message.topic,
        "timestamp": timestamp,
        "subject": { "type": message.subject_type, "id": message.subject_id },
        "data": data,
    })
    .to_string()
}

/// Posts the job's message; the error says why it did not count as delivered.
pub(crate) async fn deliver_webhook(app: &App, job: &JobRow) -> Result<(), String> {
    let p: WebhookJob = serde_json::from_str(&job.payload).map_err(|e| format!("the job's payload: {e}"))?;
    let operator = job.tenant_id.ok_or("the job names no operator")?;
    let endpoint_id = p.endpoint_id.parse().map_err(|_| format!("endpoint id {}", p.endpoint_id))?;
    let (endpoint, message) = {
        let mut conn = app.db().read().await.map_err(|e| e.to_string())?;
        let endpoint =
            get_endpoint(&mut conn, operator, None, endpoint_id).await.map_err(|e| e.to_string())?;
        let message = tradeport_store::outbox::get(&mut conn, operator, &p.outbox_id)
            .await
            .map_err(|e| e.to_string())?;
        (endpoint.ok_or("the endpoint is gone")?, message.ok_or("the message is gone")?)
    };
    if !endpoint.active {
        // Turned off after the job was made: nothing to send, nothing to retry.
        return Ok(());
    }
    let client = app.http_client()?;
    let now = app.now();
    let body = body(&message);
    let attempt = webhooks::post(
        client,
        &endpoint.url,
        &message.id,
        now.0 / 1000,
        &body,
        &endpoint.signing_secrets(now),
        TIMEOUT,
    )
    .await;
    let log = DeliveryRow {
        id: app.new_uuid().to_string(),
        endpoint_id: endpoint.id.to_string(),
        outbox_id: message.id.clone(),
        topic: message.topic.clone(),
        attempt: i64::from(job.attempts),
        status_code: attempt.status.map(i64::from),
        error: attempt.error.clone(),
        duration_ms: attempt.duration_ms,
        at: app.now().0,
    };
    let logged = async {
        let mut tx = app.db().begin().await?;
        log_delivery(&mut tx, operator, &log).await?;
        tradeport_store::commit(tx).await
    };
    if let Err(e) = logged.await {
        tracing::warn!(error = %e, "a webhook attempt could not be logged");
    }
    match attempt.error {
        Some(error) => Err(error),
        None => {
            metrics::histogram!("tradeport_notification_lag_seconds", "channel" => "webhook")
                .record((app.now().0 - message.created_at).max(0) as f64 / 1000.0);
            Ok(())
        }
    }
}
