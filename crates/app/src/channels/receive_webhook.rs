//! A shop's webhook (Shopify `orders/create|updated|cancelled|paid`, WooCommerce
//! `order.created|updated|restored`), taken in once.
//!
//! The signature is checked over the raw bytes before anything parses them, against the current
//! secret and, during a rotation, the previous one; an unsigned delivery gets 401 and leaves no
//! trace. A delivery is recorded by its delivery id before it is processed, so a retried one is
//! answered from its record; one left unfinished by a crash is processed again, which is safe
//! because intake keeps one order per channel order id. A large delivery (more than 64 KiB) is
//! answered at once and taken in by a job queued in the same transaction as its record. WooCommerce's unsigned ping
//! (`webhook_id=N`, sent when a webhook is saved) is answered 200 and changes nothing.

use serde::{Deserialize, Serialize};
use tradeport_connectors::channel_hooks::{base64_signature_valid, woocommerce_signing_key};
use tradeport_domain::channels::{
    ChannelKind, ChannelMapping, ConnectionStatus, DeliveryOutcome, shopify_order, woocommerce_order,
};
use tradeport_domain::jobs::JobKind;
use tradeport_store::channels::connections::{self, ConnectionRow};
use tradeport_store::channels::deliveries::{self, DeliveryRow};
use tradeport_store::jobs::JobRow;

use super::seal_context;
use super::take_order::{TakenOrder, take_channel_order};
use crate::{App, AppError, AppResult};

/// A webhook as it arrived: its headers (names in lower case) and its raw body.
#[derive(Clone, Debug)]
pub struct WebhookDelivery<'a> {
    pub connection_id: &'a str,
    pub headers: Vec<(String, String)>,
    pub body: &'a [u8],
}

impl WebhookDelivery<'_> {
    /// The first of `names` present (Shopify also sends its headers without the `x-` prefix).
    fn header(&self, names: &[&str]) -> &str {
        names
            .iter()
            .find_map(|n| self.headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.trim()))
            .unwrap_or_default()
    }
}

/// What the channel is answered.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryAnswer {
    pub outcome: DeliveryOutcome,
    pub order_id: Option<String>,
    pub detail: String,
    /// This delivery was taken before; the answer is its record.
    pub duplicate: bool,
}

/// The header names of one kind: signature, delivery id, topic.
fn header_names(kind: ChannelKind) -> [&'static [&'static str]; 3] {
    match kind {
        ChannelKind::Woocommerce => {
            [&["x-wc-webhook-signature"], &["x-wc-webhook-delivery-id"], &["x-wc-webhook-topic"]]
        }
        _ => [
            &["x-shopify-hmac-sha256", "shopify-hmac-sha256"],
            &["x-shopify-webhook-id", "shopify-webhook-id"],
            &["x-shopify-topic", "shopify-topic"],
        ],
    }
}

/// Whether the body is WooCommerce's ping: `webhook_id=` and digits.
fn is_woocommerce_ping(body: &[u8]) -> bool {
    body.strip_prefix(b"webhook_id=").is_some_and(|id| !id.is_empty() && id.iter().all(u8::is_ascii_digit))
}

/// The secrets a delivery may be signed with, opened: the current one, then the previous one.
pub(crate) fn secrets(app: &App, c: &ConnectionRow, kind: ChannelKind) -> AppResult<Vec<String>> {
    let keyring = app.keyring()?;
    let mut out = Vec::new();
    for (field, sealed) in
        [("webhook_secret", &c.webhook_secret), ("previous_webhook_secret", &c.previous_webhook_secret)]
    {
        if sealed.is_empty() {
            continue;
        }
        let plain = keyring
            .open(sealed, &seal_context(&c.id, field))
            .map_err(|e| AppError::Internal(format!("connection {} {field} does not open: {e}", c.id)))?;
        out.push(if kind == ChannelKind::Woocommerce { woocommerce_signing_key(&plain) } else { plain });
    }
    Ok(out)
}

/// A delivery larger than this is answered at once and taken in by the job queue, so the shop
/// hears back within its time limit (Shopify: 5 s) however heavy the order.
const HEAVY_BYTES: usize = 64 * 1024;

/// A large delivery as its job carries it.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct QueuedDelivery {
    connection_id: String,
    delivery_key: String,
    topic: String,
    body: String,
}

/// Takes in a large delivery queued by [`receive_webhook`]: `Err` (tried again later) only for a
/// fault of ours.
pub(crate) async fn run_delivery_job(app: &App, job: &JobRow) -> Result<(), String> {
    let q: QueuedDelivery = serde_json::from_str(&job.payload).map_err(|e| format!("payload: {e}"))?;
    let mut conn = app.db().read().await.map_err(|e| e.to_string())?;
    let c = connections::get_for_delivery(&mut conn, &q.connection_id).await.map_err(|e| e.to_string())?;
    drop(conn);
    let c = c.ok_or("the connection is gone")?;
    let kind = ChannelKind::parse(&c.kind).ok_or("the connection's kind is unknown")?;
    match process(app, &c, kind, &q.topic, q.body.as_bytes()).await {
        Ok((external_id, taken)) => {
            finish(app, &c, &q.delivery_key, &external_id, &taken).await.map_err(|e| e.to_string())
        }
        Err(e) => {
            let why = format!("failed on our side ({}); tried again", e.code());
            let failed = TakenOrder { outcome: DeliveryOutcome::Failed, order_id: None, detail: why };
            finish(app, &c, &q.delivery_key, "", &failed).await.map_err(|e| e.to_string())?;
            Err(e.to_string())
        }
    }
}

/// Receives one webhook delivery.
pub async fn receive_webhook(app: &App, d: &WebhookDelivery<'_>) -> AppResult<DeliveryAnswer> {
    let mut conn = app.db().read().await?;
    let c = connections::get_for_delivery(&mut conn, d.connection_id.trim()).await?;
    drop(conn);
    let c = c.ok_or(AppError::NotFound("connection"))?;
    let kind =
        ChannelKind::parse(&c.kind).filter(|k| k.takes_webhooks()).ok_or(AppError::NotFound("connection"))?;
    let answer = |outcome, detail: &str| DeliveryAnswer {
        outcome,
        order_id: None,
        detail: detail.into(),
        duplicate: false,
    };
    if kind == ChannelKind::Woocommerce && is_woocommerce_ping(d.body) {
        return Ok(answer(DeliveryOutcome::Ignored, "WooCommerce ping: the webhook reaches Tradeport"));
    }
    let [signature, delivery_id, topic] = header_names(kind).map(|names| d.header(names));
    if signature.is_empty() {
        return Err(AppError::Unsigned(format!(
            "the delivery has no {} header: nothing was kept",
            header_names(kind)[0][0]
        )));
    }
    let secrets = secrets(app, &c, kind)?;
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    if !base64_signature_valid(&secrets, d.body, signature) {
        return Err(AppError::Unsigned(format!(
            "the {} signature does not match this connection's secret: nothing was kept; check the secret set on the connection",
            header_names(kind)[0][0]
        )));
    }

    let now = app.now();
    // WooCommerce makes its delivery id from the webhook and the second it was sent, so two
    // deliveries in one second share it: the body tells them apart.
    let body_hash = tradeport_connectors::secrets::sha256_hex(d.body);
    let delivery_key = match (delivery_id.is_empty(), kind) {
        (true, _) => format!("sha256:{body_hash}"),
        (false, ChannelKind::Woocommerce) => format!("{delivery_id}:{}", &body_hash[..16]),
        (false, _) => delivery_id.to_string(),
    };
    let record = DeliveryRow {
        id: app.new_uuid().to_string(),
        connection_id: c.id.clone(),
        delivery_key: delivery_key.clone(),
        topic: topic.chars().take(100).collect(),
        external_id: String::new(),
        received_at: now.0,
        outcome: DeliveryOutcome::Received.as_str().into(),
        order_id: None,
        detail: String::new(),
        finished_at: None,
    };
    let operator =
        c.tenant_id.parse().map_err(|_| AppError::Internal(format!("connection {} tenant", c.id)))?;
    let heavy = d.body.len() > HEAVY_BYTES && std::str::from_utf8(d.body).is_ok();
    let mut tx = app.begin().await?;
    let earlier = deliveries::receive(&mut tx, operator, &record).await?;
    // A large delivery whose job gave up (its record says failed) is queued again by the retry.
    let failed_before =
        earlier.as_ref().is_some_and(|e| DeliveryOutcome::parse(&e.outcome) == Some(DeliveryOutcome::Failed));
    if heavy && (earlier.is_none() || failed_before) {
        let queued = QueuedDelivery {
            connection_id: c.id.clone(),
            delivery_key: delivery_key.clone(),
            topic: topic.to_string(),
            body: String::from_utf8_lossy(d.body).into_owned(),
        };
        let payload = serde_json::to_value(&queued).map_err(|e| AppError::Internal(e.to_string()))?;
        crate::jobs::enqueue_in_tx(app, &mut tx, Some(operator), JobKind::ChannelDelivery, &payload, now)
            .await?;
    }
    tx.commit().await?;
    if heavy
        && earlier
            .as_ref()
            .is_none_or(|e| !DeliveryOutcome::parse(&e.outcome).is_some_and(DeliveryOutcome::is_final))
    {
        // Answered at once; the job queue takes it in (and a retry meanwhile waits for it).
        return Ok(DeliveryAnswer {
            outcome: DeliveryOutcome::Received,
            order_id: None,
            detail: "accepted: a large delivery is taken in by the job queue".into(),
            duplicate: earlier.is_some(),
        });
    }
    if let Some(earlier) =
        earlier.filter(|e| DeliveryOutcome::parse(&e.outcome).is_some_and(DeliveryOutcome::is_final))
    {
        return Ok(DeliveryAnswer {
            outcome: DeliveryOutcome::parse(&earlier.outcome).unwrap_or(DeliveryOutcome::Ignored),
            order_id: earlier.order_id,
            detail: earlier.detail,
            duplicate: true,
        });
    }

    let taken = match process(app, &c, kind, topic, d.body).await {
        Ok(t) => t,
        Err(e) => {
            let why = format!("failed on our side ({}); the channel retries", e.code());
            finish(
                app,
                &c,
                &delivery_key,
                "",
                &TakenOrder { outcome: DeliveryOutcome::Failed, order_id: None, detail: why },
            )
            .await?;
            return Err(e);
        }
    };
    let (external_id, taken) = taken;
    finish(app, &c, &delivery_key, &external_id, &taken).await?;
    Ok(DeliveryAnswer {
        outcome: taken.outcome,
        order_id: taken.order_id,
        detail: taken.detail,
        duplicate: false,
    })
}

/// Reads and takes in a verified delivery: the channel's order id with what became of it.
async fn process(
    app: &App,
    c: &ConnectionRow,
    kind: ChannelKind,
    topic: &str,
    body: &[u8],
) -> AppResult<(String, TakenOrder)> {
    let ignored = |why: String| {
        Ok((String::new(), TakenOrder { outcome: DeliveryOutcome::Ignored, order_id: None, detail: why }))
    };
    if ConnectionStatus::parse(&c.status) == Some(ConnectionStatus::Paused) {
        return ignored("the connection is paused: the delivery was not taken in".into());
    }
    let handled = match kind {
        ChannelKind::Shopify => {
            ["orders/create", "orders/updated", "orders/cancelled", "orders/paid"].contains(&topic)
        }
        _ => ["order.created", "order.updated", "order.restored"].contains(&topic),
    };
    if !handled {
        return ignored(format!("topic '{topic}' is not one Tradeport takes"));
    }
    let refused = |external_id: String, why: String| {
        Ok((external_id, TakenOrder { outcome: DeliveryOutcome::Refused, order_id: None, detail: why }))
    };
    let json: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return refused(String::new(), format!("the body is not JSON: {e}")),
    };
    let mapping: ChannelMapping = serde_json::from_str(&c.mapping).unwrap_or_default();
    let read = match kind {
        ChannelKind::Shopify => shopify_order(&json, &mapping),
        _ => woocommerce_order(&json, &mapping),
    };
    let order = match read {
        Ok(o) => o,
        Err(fields) => {
            let why =
                fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ");
            return refused(String::new(), why);
        }
    };
    let external_id = order.external_id.clone();
    Ok((external_id, take_channel_order(app, c, order).await?))
}

/// Records the outcome on the delivery and the connection's health.
async fn finish(app: &App, c: &ConnectionRow, key: &str, external_id: &str, t: &TakenOrder) -> AppResult<()> {
    let now = app.now();
    let mut tx = app.begin().await?;
    let outcome = deliveries::Outcome {
        outcome: t.outcome.as_str(),
        external_id,
        order_id: t.order_id.as_deref(),
        detail: &t.detail,
    };
    deliveries::finish(&mut tx, &c.id, key, &outcome, now).await?;
    let failed = matches!(t.outcome, DeliveryOutcome::Refused | DeliveryOutcome::Failed);
    connections::record_health_in_tx(&mut tx, &c.id, now, failed.then_some(t.detail.as_str())).await?;
    tx.commit().await?;
    Ok(())
}
