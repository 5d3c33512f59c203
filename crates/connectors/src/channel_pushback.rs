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
//! Amazon's `confirmShipment` is in [`crate::amazon_spapi`], eBay's shipping fulfillments in
//! [`crate::ebay_fulfillment`]. An answer of 429 or 5xx, or no
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parcel {
    pub carrier: String,
    pub tracking_no: String,
    /// What it holds: the merchant's SKU codes and quantities (empty: not known).
    pub items: Vec<(String, i64)>,
}

/// A channel's order line: its id there, the merchant's SKU it maps to, and its quantity.
pub type ChannelLine = (String, String, i64);

/// The channel's lines in `parcel` with their quantities: each SKU the parcel holds goes to the
/// lines of that SKU still short of their quantity, in order (`unsent` counts down across the
/// order's parcels). None when the parcel's contents are not known or match no line: the caller
/// decides what such a parcel reports.
pub fn lines_in_parcel(parcel: &Parcel, unsent: &mut [ChannelLine]) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = Vec::new();
    for (sku, qty) in &parcel.items {
        let mut left = *qty;
        for line in unsent.iter_mut().filter(|l| l.1 == *sku) {
            let take = left.min(line.2);
            if take <= 0 {
                continue;
            }
            line.2 -= take;
            left -= take;
            match out.iter_mut().find(|(id, _)| *id == line.0) {
                Some(o) => o.1 += take,
                None => out.push((line.0.clone(), take)),
            }
        }
    }
    out
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

/// Fulfils a Shopify order's open fulfillment orders with the parcels' tracking numbers; the
/// number of parcels reported (0: nothing was open). `base_url` is `https://{shop}.myshopify.com`.
pub async fn shopify_fulfil(
    base_url: &str,
    access_token: &str,
    order_id: &str,
    parcels: &[Parcel],
) -> Result<usize, PushError> {
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
        // Fulfilled already (a retry after a lost answer, or in the shop): nothing left to do.
        return Ok(0);
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
    answer(res).await.map(|_| parcels.len())
}

/// Tells a WooCommerce shop: a customer note with the tracking numbers (unless the order has it
/// already: a retry after a lost answer adds no second note), and the order completed; the
/// number of parcels the note reported (0: it was there).
pub async fn woocommerce_complete(
    site_url: &str,
    (consumer_key, consumer_secret): (&str, &str),
    order_id: &str,
    parcels: &[Parcel],
) -> Result<usize, PushError> {
    let client = crate::provider_client(30).map_err(PushError::Retry)?;
    let base = format!("{}/wp-json/wc/v3/orders/{order_id}", site_url.trim_end_matches('/'));
    let lines: Vec<String> = parcels.iter().map(|p| format!("{} {}", p.carrier, p.tracking_no)).collect();
    let text = format!("Shipped: {}", lines.join(", "));
    let notes =
        client.get(format!("{base}/notes")).basic_auth(consumer_key, Some(consumer_secret)).send().await;
    let noted = answer(notes).await?.as_array().is_some_and(|n| n.iter().any(|n| n["note"] == text.as_str()));
    if !noted {
        let note = json!({"note": text, "customer_note": true});
        let res = client
            .post(format!("{base}/notes"))
            .basic_auth(consumer_key, Some(consumer_secret))
            .json(&note)
            .send()
            .await;
        answer(res).await?;
    }
    let res = client
        .put(&base)
        .basic_auth(consumer_key, Some(consumer_secret))
        .json(&json!({"status": "completed"}))
        .send()
        .await;
    answer(res).await.map(|_| if noted { 0 } else { parcels.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parcel(items: &[(&str, i64)]) -> Parcel {
        Parcel { items: items.iter().map(|(s, q)| (s.to_string(), *q)).collect(), ..Parcel::default() }
    }

    #[test]
    fn each_parcel_carries_the_lines_of_what_it_holds() {
        let lines = || -> Vec<ChannelLine> {
            vec![
                ("L1".into(), "MUG".into(), 2),
                ("L2".into(), "PEN".into(), 1),
                ("L3".into(), "MUG".into(), 1),
            ]
        };
        // Each row: the parcels' contents, and the lines each parcel gets.
        type Row<'a> = (&'a [&'a [(&'a str, i64)]], Vec<Vec<(&'a str, i64)>>);
        let table: [Row; 4] = [
            // One parcel with everything: every line whole.
            (&[&[("MUG", 3), ("PEN", 1)]], vec![vec![("L1", 2), ("L3", 1), ("L2", 1)]]),
            // Mugs in one, the pen in another; the second mug line after the first is full.
            (&[&[("MUG", 3)], &[("PEN", 1)]], vec![vec![("L1", 2), ("L3", 1)], vec![("L2", 1)]]),
            // A mug per parcel: the first line takes two parcels.
            (
                &[&[("MUG", 1)], &[("MUG", 1)], &[("MUG", 1), ("PEN", 1)]],
                vec![vec![("L1", 1)], vec![("L1", 1)], vec![("L3", 1), ("L2", 1)]],
            ),
            // Contents not known, or nothing the lines name: no lines (the caller sends all).
            (&[&[], &[("LAMP", 1)]], vec![vec![], vec![]]),
        ];
        for (parcels, want) in table {
            let mut unsent = lines();
            let got: Vec<Vec<(String, i64)>> =
                parcels.iter().map(|p| lines_in_parcel(&parcel(p), &mut unsent)).collect();
            let want: Vec<Vec<(String, i64)>> =
                want.into_iter().map(|p| p.into_iter().map(|(l, q)| (l.to_string(), q)).collect()).collect();
            assert_eq!(got, want, "{parcels:?}");
        }
    }
}
