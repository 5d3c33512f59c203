//! eBay's Sell Fulfillment API, as eBay documents it, with the seller's OAuth user token
//! ([`crate::ebay_oauth`], scope `sell.fulfillment`) as a Bearer token:
//! - `GET /sell/fulfillment/v1/order?filter=lastmodifieddate:[from..to]&limit=&offset=`: the
//!   orders changed in that window, a page at a time (`total` counts them all, `next` names the
//!   following page);
//! - `GET /sell/fulfillment/v1/order/{orderId}`: one order, for its line item ids;
//! - `GET …/order/{orderId}/shipping_fulfillment`: the parcels reported already;
//! - `POST …/order/{orderId}/shipping_fulfillment` with `lineItems`, `shippedDate`,
//!   `shippingCarrierCode` and `trackingNumber`: one parcel reported (201 Created).
//!
//! A 429 or 5xx on a read is retried after a growing pause; after the last try the caller hears
//! `Throttled` and resumes later. A report is tried once: the job queue retries it, after asking
//! which parcels eBay has already (by tracking number), so none is reported twice.

use std::time::Duration;

use serde_json::{Value, json};

use crate::channel_pushback::{Parcel, PushError};
use crate::ebay_oauth::{EbayAccess, EbayOAuth};
use crate::encode;

/// The scope the Fulfillment API needs.
const SCOPE: &str = "https://api.ebay.com/oauth/api_scope/sell.fulfillment";
/// Orders per page (eBay allows 1 to 1000; 50 is its default).
pub const PAGE_LIMIT: u64 = 50;

/// Why a read did not answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EbayError {
    #[error("eBay throttled the calls (429) after {0} tries; the next poll resumes from the watermark")]
    Throttled(u32),
    #[error("eBay refused: {0}")]
    Refused(String),
    #[error("eBay could not be reached: {0}")]
    Unreachable(String),
}

/// One page of `getOrders`.
#[derive(Clone, Debug)]
pub struct OrdersPage {
    pub orders: Vec<Value>,
    /// How many orders the whole window holds.
    pub total: u64,
    /// Where the next page starts, when there is one.
    pub next_offset: Option<u64>,
}

/// The client of one seller's account.
pub struct EbayFulfillment {
    oauth: EbayOAuth,
    /// The first pause after a 429; doubled on each further one.
    backoff: Duration,
    retries: u32,
}

impl std::fmt::Debug for EbayFulfillment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EbayFulfillment").field("base_url", &self.oauth.base_url).finish_non_exhaustive()
    }
}

/// The reason in an eBay error answer (`{"errors": [{"errorId", "message", "longMessage"}]}`).
fn reason(status: reqwest::StatusCode, body: &Value) -> String {
    let e = &body["errors"][0];
    let text = e["longMessage"].as_str().or(e["message"].as_str()).unwrap_or("no reason given");
    let why: String = text.chars().take(200).collect();
    format!("{status} {}: {why}", e["errorId"].as_i64().unwrap_or(0))
}

impl EbayFulfillment {
    /// The connection's `scopes` (for its member messages) are not this API's: it always asks for
    /// `sell.fulfillment`.
    pub fn new(access: &EbayAccess<'_>, backoff: Duration, retries: u32) -> Result<Self, String> {
        let access = EbayAccess { scopes: "", ..access.clone() };
        Ok(Self { oauth: EbayOAuth::new(&access, SCOPE)?, backoff, retries: retries.max(1) })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/sell/fulfillment/v1{path}", self.oauth.base_url)
    }

    /// GET `path`, retrying 429s and 5xx after a growing pause.
    async fn get(&self, path: &str) -> Result<Value, EbayError> {
        let token = self.oauth.token().await.map_err(EbayError::Refused)?;
        let url = self.url(path);
        let make = || self.oauth.client.get(&url).bearer_auth(&token);
        let res = crate::send_with_backoff(make, self.backoff, self.retries)
            .await
            .map_err(|e| EbayError::Unreachable(e.to_string()))?
            .ok_or(EbayError::Throttled(self.retries))?;
        let status = res.status();
        let body: Value = res.json().await.map_err(|e| EbayError::Unreachable(e.to_string()))?;
        if !status.is_success() {
            return Err(EbayError::Refused(reason(status, &body)));
        }
        Ok(body)
    }

    /// One page of the orders changed from `from` to `to` (ISO 8601, UTC, milliseconds).
    pub async fn get_orders(&self, (from, to): (&str, &str), offset: u64) -> Result<OrdersPage, EbayError> {
        let filter = format!("lastmodifieddate:[{from}..{to}]");
        let path = format!("/order?filter={}&limit={PAGE_LIMIT}&offset={offset}", encode(&filter));
        let body = self.get(&path).await?;
        let orders = body["orders"].as_array().cloned().unwrap_or_default();
        let more = body["next"].as_str().is_some_and(|n| !n.is_empty()) && !orders.is_empty();
        let total = body["total"].as_u64().unwrap_or(0);
        Ok(OrdersPage { next_offset: more.then(|| offset + orders.len() as u64), total, orders })
    }

    /// One order (for its line items).
    pub async fn get_order(&self, order_id: &str) -> Result<Value, EbayError> {
        self.get(&format!("/order/{}", encode(order_id))).await
    }

    /// The tracking numbers of the parcels eBay has for the order already.
    pub async fn reported(&self, order_id: &str) -> Result<Vec<String>, EbayError> {
        let known = self.get(&format!("/order/{}/shipping_fulfillment", encode(order_id))).await?;
        Ok(known["fulfillments"]
            .as_array()
            .map(|f| {
                f.iter().filter_map(|f| f["shipmentTrackingNumber"].as_str().map(String::from)).collect()
            })
            .unwrap_or_default())
    }

    /// Reports one parcel holding `lines` (eBay's line item ids and quantities).
    pub async fn create_shipping_fulfillment(
        &self,
        order_id: &str,
        shipped_at: &str,
        parcel: &Parcel,
        lines: &[(String, i64)],
    ) -> Result<(), PushError> {
        let token = self.oauth.token().await.map_err(PushError::Retry)?;
        let line_items: Vec<Value> =
            lines.iter().map(|(id, qty)| json!({"lineItemId": id, "quantity": qty})).collect();
        let body = json!({
            "lineItems": line_items,
            "shippedDate": shipped_at,
            "shippingCarrierCode": parcel.carrier,
            "trackingNumber": parcel.tracking_no,
        });
        let path = format!("/order/{}/shipping_fulfillment", encode(order_id));
        let res = self.oauth.client.post(self.url(&path)).bearer_auth(&token).json(&body).send().await;
        let res = res.map_err(|e| PushError::Retry(e.to_string()))?;
        let status = res.status();
        if status.as_u16() == 429 || status.is_server_error() {
            return Err(PushError::Retry(format!("{status}")));
        }
        if !status.is_success() {
            let body: Value = res.json().await.unwrap_or(Value::Null);
            return Err(PushError::Refused(reason(status, &body)));
        }
        Ok(())
    }
}
