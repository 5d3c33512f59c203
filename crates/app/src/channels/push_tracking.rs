//! Tracking numbers back to the channel (SYS-3): when an order's parcels are handed over, a job is
//! queued in the same transaction (so a crash loses no push) to tell the order's shop or
//! marketplace (Shopify fulfillment, WooCommerce note and completion, Amazon `confirmShipment`,
//! eBay shipping fulfillments).
//! A channel that is down or throttling is tried again with the job queue's backoff; a refusal is
//! final and shows in the connection's log and health.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tradeport_connectors::channel_pushback::{
    ChannelLine, Parcel, PushError, lines_in_parcel, shopify_fulfil, woocommerce_complete,
};
use tradeport_connectors::ebay_fulfillment::{EbayError, EbayFulfillment};
use tradeport_domain::channels::{ChannelKind, ChannelMapping, DeliveryOutcome};
use tradeport_domain::jobs::JobKind;
use tradeport_domain::kernel::{OrderId, TenantId};
use tradeport_store::AnyConnection;
use tradeport_store::channels::connections::{self, ConnectionRow};
use tradeport_store::channels::deliveries::{self, DeliveryRow};
use tradeport_store::jobs::JobRow;

use super::seal_context;
use crate::{App, AppError, AppResult};

/// A parcel handed over, as the push job carries it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct HandedOver {
    pub carrier: String,
    pub tracking_no: String,
    /// The merchant's SKU codes and quantities it holds (a job queued before contents were
    /// carried has none).
    #[serde(default)]
    pub items: Vec<(String, i64)>,
}

/// What the push job carries.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Push {
    order_id: String,
    connection_id: String,
    external_id: String,
    parcels: Vec<HandedOver>,
    shipped_at: i64,
}

/// Queues the push of `parcels` for `order`, when it came through a channel that takes them.
pub(crate) async fn queue_tracking_push_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    order: OrderId,
    parcels: Vec<HandedOver>,
) -> AppResult<()> {
    let Some(link) = tradeport_store::channels::links::of_order(conn, operator, order).await? else {
        return Ok(());
    };
    let pushes = matches!(
        ChannelKind::parse(&link.kind),
        Some(ChannelKind::Shopify | ChannelKind::Woocommerce | ChannelKind::Amazon | ChannelKind::Ebay)
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
        .map(|p| Parcel {
            carrier: p.carrier.clone(),
            tracking_no: p.tracking_no.clone(),
            items: p.items.clone(),
        })
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
        Some(ChannelKind::Amazon) => confirm_on_amazon(app, &c, &push, &parcels).await,
        Some(ChannelKind::Ebay) => report_to_ebay(app, &c, &push, &parcels).await,
        _ => Err(PushError::Refused(format!("a {} connection takes no tracking numbers", c.kind))),
    };
    let detail = match &result {
        Ok(0) => "nothing sent: the channel has these parcels already".to_string(),
        Ok(_) => format!(
            "tracking sent: {}",
            push.parcels.iter().map(|p| p.tracking_no.as_str()).collect::<Vec<_>>().join(", ")
        ),
        Err(e) => e.to_string(),
    };
    record(app, &c, &push, &result, &detail).await.map_err(|e| e.to_string())?;
    match result {
        Err(PushError::Retry(why)) => Err(why),
        _ => Ok(()),
    }
}

/// When the parcels were handed over, as the marketplaces take it.
fn shipped_at(push: &Push) -> String {
    super::poll::iso(push.shipped_at)
}

/// Each parcel with the channel's lines it holds. A parcel whose contents are not known (a push
/// queued before parcels carried them) takes the lines still unsent, so no line is reported twice;
/// a parcel left with none is not reported.
fn lines_by_parcel(parcels: &[Parcel], lines: &[ChannelLine]) -> Vec<Vec<(String, i64)>> {
    let mut unsent = lines.to_vec();
    parcels
        .iter()
        .map(|p| {
            let held = lines_in_parcel(p, &mut unsent);
            if !held.is_empty() {
                return held;
            }
            let rest = unsent.iter().filter(|l| l.2 > 0).map(|(id, _, qty)| (id.clone(), *qty)).collect();
            unsent.iter_mut().for_each(|l| l.2 = 0);
            rest
        })
        .collect()
}

/// Where a channel's order line keeps its id, SKU, fallback key (`item:<legacyItemId>`) and
/// quantity.
struct LineKeys {
    id: &'static str,
    sku: &'static str,
    fallback: (&'static str, &'static str),
    quantity: &'static str,
}

/// The channel's order lines (`items`, a JSON array) with the merchant's SKU each maps to.
fn channel_lines(items: &serde_json::Value, mapping: &ChannelMapping, keys: &LineKeys) -> Vec<ChannelLine> {
    let text = |l: &serde_json::Value, k: &str| l[k].as_str().unwrap_or_default().to_string();
    let empty = Vec::new();
    items
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .map(|l| {
            let fallback = [format!("{}:{}", keys.fallback.0, text(l, keys.fallback.1))];
            (
                text(l, keys.id),
                mapping.sku_for(&text(l, keys.sku), &fallback),
                l[keys.quantity].as_i64().unwrap_or(0),
            )
        })
        .collect()
}

/// A shipping fulfillment per parcel eBay does not have yet.
async fn report_to_ebay(
    app: &App,
    c: &ConnectionRow,
    push: &Push,
    parcels: &[Parcel],
) -> Result<usize, PushError> {
    let backoff = app.poll_backoff();
    let api = super::ebay_client(app, c, |access| EbayFulfillment::new(access, backoff, 3))
        .map_err(|e| PushError::Refused(e.to_string()))?;
    let retry = |e: EbayError| match e {
        EbayError::Refused(why) => PushError::Refused(why),
        other => PushError::Retry(other.to_string()),
    };
    let order = api.get_order(&push.external_id).await.map_err(retry)?;
    let mapping: ChannelMapping = serde_json::from_str(&c.mapping).unwrap_or_default();
    let keys =
        LineKeys { id: "lineItemId", sku: "sku", fallback: ("item", "legacyItemId"), quantity: "quantity" };
    let lines = channel_lines(&order["lineItems"], &mapping, &keys);
    if lines.is_empty() {
        return Err(PushError::Refused(format!("eBay order {} has no line items", push.external_id)));
    }
    let reported = api.reported(&push.external_id).await.map_err(retry)?;
    let mut sent = 0;
    for (parcel, held) in parcels.iter().zip(lines_by_parcel(parcels, &lines)) {
        if !held.is_empty() && !reported.contains(&parcel.tracking_no) {
            api.create_shipping_fulfillment(&push.external_id, &shipped_at(push), parcel, &held).await?;
            sent += 1;
        }
    }
    Ok(sent)
}

/// A shipment confirmation per parcel, with the order items it holds.
async fn confirm_on_amazon(
    app: &App,
    c: &ConnectionRow,
    push: &Push,
    parcels: &[Parcel],
) -> Result<usize, PushError> {
    let api = super::poll_amazon::client(app, c).map_err(|e| PushError::Refused(e.to_string()))?;
    let items = api.get_order_items(&push.external_id).await.map_err(|e| PushError::Retry(e.to_string()))?;
    let mapping: ChannelMapping = serde_json::from_str(&c.mapping).unwrap_or_default();
    let keys = LineKeys {
        id: "OrderItemId",
        sku: "SellerSKU",
        fallback: ("asin", "ASIN"),
        quantity: "QuantityOrdered",
    };
    let lines = channel_lines(&items["OrderItems"], &mapping, &keys);
    let marketplace = c.marketplace_ids.split(',').next().unwrap_or_default();
    let mut sent = 0;
    for (n, (parcel, held)) in parcels.iter().zip(lines_by_parcel(parcels, &lines)).enumerate() {
        if held.is_empty() {
            continue;
        }
        sent += 1;
        let package = ((n + 1).to_string(), parcel.carrier.as_str(), parcel.tracking_no.as_str());
        api.confirm_shipment(&push.external_id, marketplace, package, &shipped_at(push), &held)
            .await
            .map_err(|e| match e {
                tradeport_connectors::amazon_spapi::SpApiError::Refused(why) => PushError::Refused(why),
                other => PushError::Retry(other.to_string()),
            })?;
    }
    Ok(sent)
}

/// The push in the connection's log, and its health.
async fn record(
    app: &App,
    c: &ConnectionRow,
    push: &Push,
    result: &Result<usize, PushError>,
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
        Ok(_) => DeliveryOutcome::Updated,
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
