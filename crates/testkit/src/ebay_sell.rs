//! The Sell Fulfillment API side of [`crate::EbayFake`], speaking eBay's wire format with the user
//! token as `Authorization: Bearer`: `GET /sell/fulfillment/v1/order` with
//! `filter=lastmodifieddate:[from..to]` (either end may be open), `limit` (1 to 1000, default 50)
//! and `offset`, answering `{href, total, limit, offset, orders, next?}` sorted by change time;
//! `GET …/order/{id}`; `GET` and `POST …/order/{id}/shipping_fulfillment` (201 with a `Location`,
//! each line item named must be the order's). Errors are eBay's `{"errors": [{errorId, domain,
//! category, message}]}`; a 429 is answered as many times as the test asks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The seller's orders and what was done with them.
#[derive(Default)]
pub(crate) struct Sales {
    pub(crate) orders: Vec<Value>,
    /// Answer the next `getOrders` calls at this offset with 429, this many times.
    pub(crate) throttle: (u64, usize),
    pub(crate) throttled: usize,
    /// When the page at this offset is asked for, this order changes first (to this time): an
    /// order the seller changes while a poll reads the pages.
    pub(crate) touch: Option<(u64, String, String)>,
    /// Each `getOrders` call's filter and offset.
    pub(crate) order_calls: Vec<(String, u64)>,
    /// Each shipping fulfillment created: the order id and the body.
    pub(crate) fulfillments: Vec<(String, Value)>,
}

pub(crate) type Shared = State<Arc<Mutex<Sales>>>;

fn error(status: StatusCode, id: u32, message: &str) -> Response {
    let body = json!({"errors": [{"errorId": id, "domain": "API_FULFILLMENT", "category": "REQUEST", "message": message}]});
    (status, axum::Json(body)).into_response()
}

fn bearer_ok(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok())
        == Some(&format!("Bearer {}", crate::ebay::FULFILLMENT_TOKEN))
}

/// `lastmodifieddate:[from..to]` read into its ends (empty: open).
fn window(filter: &str) -> Option<(String, String)> {
    let inner = filter.strip_prefix("lastmodifieddate:[")?.strip_suffix(']')?;
    let (from, to) = inner.split_once("..")?;
    Some((from.to_string(), to.to_string()))
}

pub(crate) async fn get_orders(
    State(s): Shared,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if !bearer_ok(&headers) {
        return error(StatusCode::UNAUTHORIZED, 1001, "Invalid access token");
    }
    let filter = q.get("filter").cloned().unwrap_or_default();
    let Some((from, to)) = window(&filter) else {
        return error(StatusCode::BAD_REQUEST, 30700, "The 'filter' value is invalid.");
    };
    let limit: u64 = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(50);
    let offset: u64 = q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    if !(1..=1000).contains(&limit) {
        return error(StatusCode::BAD_REQUEST, 30820, "The 'limit' value must be between 1 and 1000.");
    }
    let mut s = s.lock().unwrap();
    if s.throttle.0 == offset && s.throttle.1 > 0 {
        s.throttle.1 -= 1;
        s.throttled += 1;
        return error(
            StatusCode::TOO_MANY_REQUESTS,
            2001,
            "Too many requests. The request limit has been reached.",
        );
    }
    s.order_calls.push((filter.clone(), offset));
    if let Some((_, id, time)) = s.touch.clone().filter(|(at, _, _)| *at == offset) {
        s.touch = None;
        if let Some(o) = s.orders.iter_mut().find(|o| o["orderId"] == id.as_str()) {
            o["lastModifiedDate"] = json!(time);
        }
    }
    // Times of one form (UTC, milliseconds) compare as text.
    let mut matching: Vec<&Value> = s
        .orders
        .iter()
        .filter(|o| {
            let changed = o["lastModifiedDate"].as_str().unwrap_or_default();
            (from.is_empty() || changed >= from.as_str()) && (to.is_empty() || changed <= to.as_str())
        })
        .collect();
    matching.sort_by_key(|o| o["lastModifiedDate"].as_str().unwrap_or_default().to_string());
    let total = matching.len() as u64;
    let page: Vec<Value> = matching.into_iter().skip(offset as usize).take(limit as usize).cloned().collect();
    let href = |at: u64| format!("/sell/fulfillment/v1/order?filter={filter}&limit={limit}&offset={at}");
    let mut body =
        json!({"href": href(offset), "total": total, "limit": limit, "offset": offset, "orders": page});
    if offset + limit < total {
        body["next"] = json!(href(offset + limit));
    }
    axum::Json(body).into_response()
}

pub(crate) async fn get_order(State(s): Shared, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if !bearer_ok(&headers) {
        return error(StatusCode::UNAUTHORIZED, 1001, "Invalid access token");
    }
    match s.lock().unwrap().orders.iter().find(|o| o["orderId"] == id.as_str()) {
        Some(o) => axum::Json(o.clone()).into_response(),
        None => error(StatusCode::NOT_FOUND, 32100, "Invalid order ID"),
    }
}

pub(crate) async fn list_fulfillments(
    State(s): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if !bearer_ok(&headers) {
        return error(StatusCode::UNAUTHORIZED, 1001, "Invalid access token");
    }
    let s = s.lock().unwrap();
    let made: Vec<Value> = s
        .fulfillments
        .iter()
        .enumerate()
        .filter(|(_, (order, _))| *order == id)
        .map(|(n, (_, b))| {
            json!({"fulfillmentId": format!("94055096999370034{n:05}"), "lineItems": b["lineItems"],
                   "shipmentTrackingNumber": b["trackingNumber"], "shippingCarrierCode": b["shippingCarrierCode"],
                   "shippedDate": b["shippedDate"]})
        })
        .collect();
    axum::Json(json!({"fulfillments": made, "total": made.len()})).into_response()
}

pub(crate) async fn create_fulfillment(
    State(s): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    if !bearer_ok(&headers) {
        return error(StatusCode::UNAUTHORIZED, 1001, "Invalid access token");
    }
    let mut s = s.lock().unwrap();
    let Some(order) = s.orders.iter().find(|o| o["orderId"] == id.as_str()) else {
        return error(StatusCode::NOT_FOUND, 32100, "Invalid order ID");
    };
    let known: Vec<&Value> = order["lineItems"]
        .as_array()
        .map(|l| l.iter().map(|l| &l["lineItemId"]).collect())
        .unwrap_or_default();
    let named = body["lineItems"].as_array().cloned().unwrap_or_default();
    if named.is_empty() || named.iter().any(|l| !known.contains(&&l["lineItemId"])) {
        return error(StatusCode::BAD_REQUEST, 32200, "Invalid line item ID");
    }
    s.fulfillments.push((id.clone(), body));
    let n = s.fulfillments.len();
    let location = format!("/sell/fulfillment/v1/order/{id}/shipping_fulfillment/94055096999370034{n:05}");
    (StatusCode::CREATED, [(header::LOCATION, location)], "").into_response()
}
