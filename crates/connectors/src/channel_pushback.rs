//! Tracking numbers sent back to the channel an order came from (SYS-3), each call shaped as the
//! channel documents it:
//! - Shopify Admin REST (2024-10): the order's open fulfillment orders
//!   (`GET /admin/api/2024-10/orders/{id}/fulfillment_orders.json`), then
//!   `POST /admin/api/2024-10/fulfillments.json` with `line_items_by_fulfillment_order` and
//!   `tracking_info {company, number}`, authenticated by `X-Shopify-Access-Token`;
//! - WooCommerce REST v3: a customer note on the order
//!   (`POST /wp-json/wc/v3/orders/{id}/notes`) and the order marked `completed`
//!   (`PUT /wp-json/wc/v3/orders/{id}`), with the REST API key as HTTP Basic credentials.
//!
//! Amazon's `confirmShipment` is in [`crate::amazon_spapi`]. An answer of 429 or 5xx, or no
//! answer, is `Retry` (the job tries again later); any other refusal is final.

use serde_json::{Value, json};

/// Why a push did not land.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    #[error("try again later: {0}")]
    Retry(String),
    #[error("the channel refused: {0}")]
    Refused(String),
}

/// One parcel to tell the channel about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parcel {
    pub carrier: String,
    pub tracking_no: String,
}

async fn answer(res: Result<reqwest::Response, reqwest::Error>) -> Result<Value, PushError> {
    let res = res.map_err(|e| PushError::Retry(e.to_string()))?;
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    if status.as_u16() == 429 || status.is_server_error() {
        return Err(PushError::Retry(format!("{status}")));
    }
    if !status.is_success() {
        // Only the start of the answer: enough to see why, never a whole page from elsewhere.
        let why: String = body.to_string().chars().take(200).collect();
        return Err(PushError::Refused(format!("{status}: {why}")));
    }
    Ok(body)
}

/// Fulfils a Shopify order's open fulfillment orders with the parcels' tracking numbers.
/// `base_url` is `https://{shop}.myshopify.com`.
pub async fn shopify_fulfil(
    base_url: &str,
    access_token: &str,
    order_id: &str,
    parcels: &[Parcel],
) -> Result<(), PushError> {
    let client = crate::provider_client(30).map_err(PushError::Retry)?;
    let base = base_url.trim_end_matches('/');
    let orders = client
        .get(format!("{base}/admin/api/2024-10/orders/{order_id}/fulfillment_orders.json"))
        .header("X-Shopify-Access-Token", access_token)
        .send()
        .await;
    let open: Vec<Value> = answer(orders).await?["fulfillment_orders"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|f| matches!(f["status"].as_str(), Some("open" | "in_progress")))
        .map(|f| json!({ "fulfillment_order_id": f["id"] }))
        .collect();
    if open.is_empty() {
        // Fulfilled already (a retry after a lost answer): nothing left to do.
        return Ok(());
    }
    let first = parcels.first().ok_or_else(|| PushError::Refused("no parcel to report".into()))?;
    let numbers: Vec<&str> = parcels.iter().map(|p| p.tracking_no.as_str()).collect();
    let body = json!({"fulfillment": {
        "line_items_by_fulfillment_order": open,
        "tracking_info": {"company": first.carrier, "number": first.tracking_no, "numbers": numbers},
        "notify_customer": true,
    }});
    let res = client
        .post(format!("{base}/admin/api/2024-10/fulfillments.json"))
        .header("X-Shopify-Access-Token", access_token)
        .json(&body)
        .send()
        .await;
    answer(res).await.map(|_| ())
}

/// Tells a WooCommerce shop: a customer note with the tracking numbers, and the order completed.
pub async fn woocommerce_complete(
    site_url: &str,
    (consumer_key, consumer_secret): (&str, &str),
    order_id: &str,
    parcels: &[Parcel],
) -> Result<(), PushError> {
    let client = crate::provider_client(30).map_err(PushError::Retry)?;
    let base = format!("{}/wp-json/wc/v3/orders/{order_id}", site_url.trim_end_matches('/'));
    let lines: Vec<String> = parcels.iter().map(|p| format!("{} {}", p.carrier, p.tracking_no)).collect();
    let note = json!({"note": format!("Shipped: {}", lines.join(", ")), "customer_note": true});
    let res = client
        .post(format!("{base}/notes"))
        .basic_auth(consumer_key, Some(consumer_secret))
        .json(&note)
        .send()
        .await;
    answer(res).await?;
    let res = client
        .put(&base)
        .basic_auth(consumer_key, Some(consumer_secret))
        .json(&json!({"status": "completed"}))
        .send()
        .await;
    answer(res).await.map(|_| ())
}
