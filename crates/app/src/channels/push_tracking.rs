//! Tracking numbers back to the channel (SYS-3): when an order's parcels are handed over, a job is
//! queued in the same transaction (so a crash loses no push) to tell the order's shop or
//! marketplace (Shopify fulfillment, WooCommerce note and completion, Amazon `confirmShipment`).
//! A channel that is down or throttling is tried again with the job queue's backoff; a refusal is
//! final and shows in the connection's log and health.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tradeport_connectors::channel_pushback::{Parcel, PushError, shopify_fulfil, woocommerce_complete};
use tradeport_domain::channels::{ChannelKind, DeliveryOutcome};
use tradeport_domain::jobs::JobKind;
use tradeport_domain::kernel::{OrderId, TenantId};
use tradeport_store::AnyConnection;
use tradeport_store::channels::connections::{self, ConnectionRow};
use tradeport_store::channels::deliveries::{self, DeliveryRow};
use tradeport_store::jobs::JobRow;

use super::seal_context;
use crate::{App, AppError, AppResult};

/// What the push job carries.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Push {
    order_id: String,
    connection_id: String,
    external_id: String,
    /// (carrier, tracking number) of each parcel.
    parcels: Vec<(String, String)>,
    shipped_at: i64,
}

/// Queues the push of `parcels` for `order`, when it came through a channel that takes them.
pub(crate) async fn queue_tracking_push_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    order: OrderId,
    parcels: Vec<(String, String)>,
) -> AppResult<()> {
    let Some(link) = tradeport_store::channels::links::of_order(conn, operator, order).await? else {
        return Ok(());
    };
    let pushes = matches!(
        ChannelKind::parse(&link.kind),
        Some(ChannelKind::Shopify | ChannelKind::Woocommerce | ChannelKind::Amazon)
    );
    if !pushes || parcels.is_empty() {
        return Ok(());
    }
    let push = Push {
        order_id: order.to_string(),
        connection_id: link.connection_id,
        external_id: link.external_id,
        parcels,
        shipped_at: app.now().0,
    };
    let payload = serde_json::to_value(&push).map_err(|e| AppError::Internal(e.to_string()))?;
    crate::jobs::enqueue_in_tx(app, conn, Some(operator), JobKind::ChannelTrackingPush, &payload, app.now())
        .await?;
    Ok(())
}

/// The connection's credentials, opened.
pub(crate) fn credentials(app: &App, c: &ConnectionRow) -> Result<BTreeMap<String, String>, String> {
    if c.credentials.is_empty() {
        return Ok(BTreeMap::new());
    }
    let plain = app
        .keyring()
        .map_err(|e| e.to_string())?
        .open(&c.credentials, &seal_context(&c.id, "credentials"))
        .map_err(|e| e.to_string())?;
    serde_json::from_str(&plain).map_err(|e| e.to_string())
}

/// Runs one push: `Err` (tried again later) only while the channel may still take it.
pub(crate) async fn run_tracking_push(app: &App, job: &JobRow) -> Result<(), String> {
    let push: Push = serde_json::from_str(&job.payload).map_err(|e| format!("payload: {e}"))?;
    let mut conn = app.db().read().await.map_err(|e| e.to_string())?;
    let c = connections::get_for_delivery(&mut conn, &push.connection_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the connection is gone")?;
    drop(conn);
    let creds = credentials(app, &c)?;
    let get = |k: &str| creds.get(k).map(String::as_str).unwrap_or_default();
    let parcels: Vec<Parcel> = push
        .parcels
        .iter()
        .map(|(carrier, tracking_no)| Parcel { carrier: carrier.clone(), tracking_no: tracking_no.clone() })
        .collect();
    let result = match ChannelKind::parse(&c.kind) {
        Some(ChannelKind::Shopify) => {
            // The API address is the shop's own unless the connection names another (a proxy).
            let base =
                if c.site_url.is_empty() { format!("https://{}", c.shop_domain) } else { c.site_url.clone() };
            shopify_fulfil(&base, get("access_token"), &push.external_id, &parcels).await
        }
        Some(ChannelKind::Woocommerce) => {
            woocommerce_complete(
                &c.site_url,
                (get("consumer_key"), get("consumer_secret")),
                &push.external_id,
                &parcels,
            )
            .await
        }
        Some(ChannelKind::Amazon) => confirm_on_amazon(app, &c, &push).await,
        _ => Err(PushError::Refused(format!("a {} connection takes no tracking numbers", c.kind))),
    };
    let detail = match &result {
        Ok(()) => format!(
            "tracking sent: {}",
            push.parcels.iter().map(|p| p.1.as_str()).collect::<Vec<_>>().join(", ")
        ),
        Err(e) => e.to_string(),
    };
    record(app, &c, &push, &result, &detail).await.map_err(|e| e.to_string())?;
    match result {
        Err(PushError::Retry(why)) => Err(why),
        _ => Ok(()),
    }
}

async fn confirm_on_amazon(app: &App, c: &ConnectionRow, push: &Push) -> Result<(), PushError> {
    let api = super::poll_amazon::client(app, c).map_err(|e| PushError::Refused(e.to_string()))?;
    let items = api.get_order_items(&push.external_id).await.map_err(|e| PushError::Retry(e.to_string()))?;
    let items: Vec<(String, i64)> = items["OrderItems"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| {
                    (
                        i["OrderItemId"].as_str().unwrap_or_default().to_string(),
                        i["QuantityOrdered"].as_i64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let marketplace = c.marketplace_ids.split(',').next().unwrap_or_default();
    let shipped =
        jiff::Timestamp::from_millisecond(push.shipped_at).map(|t| t.to_string()).unwrap_or_default();
    let (carrier, tracking) = push.parcels.first().cloned().unwrap_or_default();
    api.confirm_shipment(&push.external_id, marketplace, (&carrier, &tracking, &shipped), &items)
        .await
        .map_err(|e| match e {
            tradeport_connectors::amazon_spapi::SpApiError::Refused(why) => PushError::Refused(why),
            other => PushError::Retry(other.to_string()),
        })
}

/// The push in the connection's log, and its health.
async fn record(
    app: &App,
    c: &ConnectionRow,
    push: &Push,
    result: &Result<(), PushError>,
    detail: &str,
) -> AppResult<()> {
    let operator: TenantId =
        c.tenant_id.parse().map_err(|_| AppError::Internal(format!("connection {} tenant", c.id)))?;
    let now = app.now();
    let key = format!("tracking:{}:{}", push.order_id, now.0);
    let row = DeliveryRow {
        id: app.new_uuid().to_string(),
        connection_id: c.id.clone(),
        delivery_key: key.clone(),
        topic: "tracking".into(),
        external_id: push.external_id.clone(),
        received_at: now.0,
        outcome: DeliveryOutcome::Received.as_str().into(),
        order_id: None,
        detail: String::new(),
        finished_at: None,
    };
    let outcome = match result {
        Ok(()) => DeliveryOutcome::Updated,
        Err(PushError::Retry(_)) => DeliveryOutcome::Failed,
        Err(PushError::Refused(_)) => DeliveryOutcome::Refused,
    };
    let mut tx = app.begin().await?;
    deliveries::receive(&mut tx, operator, &row).await?;
    let done = deliveries::Outcome {
        outcome: outcome.as_str(),
        external_id: &push.external_id,
        order_id: Some(&push.order_id),
        detail,
    };
    deliveries::finish(&mut tx, &c.id, &key, &done, now).await?;
    connections::record_health_in_tx(&mut tx, &c.id, now, result.as_ref().err().map(|_| detail)).await?;
    tx.commit().await?;
    Ok(())
}
