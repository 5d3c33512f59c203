//! A stand-in for Amazon's Selling Partner API (Orders v0 and 2026-01-01, Tokens) and Login with
//! Amazon on 127.0.0.1, speaking their wire format: the token endpoint takes a form-encoded
//! refresh-token grant and answers `access_token`; every Orders call must carry
//! `x-amz-access-token`, and an order's address (restricted data in Orders v0) only the restricted
//! data token the Tokens API gives for it; `getOrders` answers
//! `{"payload": {"Orders": [...], "NextToken": ...}}` page by page, `searchOrders`
//! `{"orders": [...], "pagination": {"nextToken": ...}}`; a 429 with Amazon's error object
//! (`QuotaExceeded`) is answered as many times as the test asks, as Amazon throttles.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use serde_json::{Value, json};

/// The access token the fake hands out.
pub const ACCESS_TOKEN: &str = "Atza|fake-access-token";
/// The restricted data token it hands out: restricted data (an address, a buyer) is answered only
/// with it.
pub const RESTRICTED_TOKEN: &str = "Atz.sprdt|fake-restricted-token";

#[derive(Default)]
struct Seller {
    /// `getOrders` pages in order: the first answers without a NextToken in the query.
    pages: Mutex<Vec<Vec<Value>>>,
    /// Every order any page held, by id, for `getOrder`.
    known: Mutex<HashMap<String, Value>>,
    items: Mutex<HashMap<String, Value>>,
    addresses: Mutex<HashMap<String, Value>>,
    /// The page whose next calls are answered 429, and how many of them.
    throttle: Mutex<(usize, usize)>,
    throttled: AtomicUsize,
    /// Each `getOrders` call's `LastUpdatedAfter` and `NextToken`.
    calls: Mutex<Vec<(String, String)>>,
    /// Each `confirmShipment` body, by order id.
    confirmations: Mutex<Vec<(String, Value)>>,
}

/// The running fake.
#[derive(Clone)]
pub struct SpApiFake {
    pub base_url: String,
    seller: Arc<Seller>,
}

type Shared = State<Arc<Seller>>;

fn authorised(headers: &HeaderMap) -> bool {
    headers.get("x-amz-access-token").and_then(|v| v.to_str().ok()) == Some(ACCESS_TOKEN)
}

fn restricted_ok(headers: &HeaderMap) -> bool {
    headers.get("x-amz-access-token").and_then(|v| v.to_str().ok()) == Some(RESTRICTED_TOKEN)
}

fn unauthorised() -> (StatusCode, axum::Json<Value>) {
    let body =
        json!({"errors": [{"code": "Unauthorized", "message": "Access to requested resource is denied."}]});
    (StatusCode::FORBIDDEN, axum::Json(body))
}

async fn token(body: String) -> (StatusCode, axum::Json<Value>) {
    let form: HashMap<String, String> = body
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), v.replace("%7C", "|").to_string()))
        .collect();
    if form.get("grant_type").map(String::as_str) != Some("refresh_token")
        || !form.contains_key("refresh_token")
    {
        return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": "invalid_request"})));
    }
    (
        StatusCode::OK,
        axum::Json(json!({"access_token": ACCESS_TOKEN, "token_type": "bearer", "expires_in": 3600})),
    )
}

/// The Tokens API: a restricted data token for the resources named.
async fn restricted_token(
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> (StatusCode, axum::Json<Value>) {
    if !authorised(&headers) {
        return unauthorised();
    }
    let named = body["restrictedResources"].as_array().is_some_and(|r| {
        !r.is_empty()
            && r.iter().all(|r| {
                r["method"] == "GET" && r["path"].as_str().is_some_and(|p| p.starts_with("/orders/"))
            })
    });
    if !named {
        let e = json!({"errors": [{"code": "InvalidInput", "message": "restrictedResources must name GET paths"}]});
        return (StatusCode::BAD_REQUEST, axum::Json(e));
    }
    (StatusCode::OK, axum::Json(json!({"restrictedDataToken": RESTRICTED_TOKEN, "expiresIn": 3600})))
}

/// `getOrders` (v0) or `searchOrders` (2026-01-01): the pages the test set, with
/// the watermark and token of each call kept.
async fn orders(
    State(s): Shared,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> (StatusCode, axum::Json<Value>) {
    if !authorised(&headers) {
        return unauthorised();
    }
    page_of(&s, q.get("LastUpdatedAfter"), q.get("NextToken"), false)
}

async fn search_orders(
    State(s): Shared,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> (StatusCode, axum::Json<Value>) {
    if !authorised(&headers) {
        return unauthorised();
    }
    if q.get("includedData").is_none_or(|d| !d.contains("RECIPIENT")) {
        let e = json!({"errors": [{"code": "InvalidInput", "message": "this fake expects includedData with RECIPIENT"}]});
        return (StatusCode::BAD_REQUEST, axum::Json(e));
    }
    page_of(&s, q.get("lastUpdatedAfter"), q.get("paginationToken"), true)
}

fn page_of(
    s: &Seller,
    after: Option<&String>,
    next: Option<&String>,
    v2026: bool,
) -> (StatusCode, axum::Json<Value>) {
    let after = after.cloned().unwrap_or_default();
    let next = next.cloned().unwrap_or_default();
    let at: usize = next.strip_prefix("page-").and_then(|n| n.parse().ok()).unwrap_or(0);
    {
        let mut throttle = s.throttle.lock().unwrap();
        if throttle.0 == at && throttle.1 > 0 {
            throttle.1 -= 1;
            s.throttled.fetch_add(1, Ordering::SeqCst);
            let body = json!({"errors": [{"code": "QuotaExceeded", "message": "You exceeded your quota for the requested resource."}]});
            return (StatusCode::TOO_MANY_REQUESTS, axum::Json(body));
        }
    }
    s.calls.lock().unwrap().push((after, next.clone()));
    let pages = s.pages.lock().unwrap();
    let orders = pages.get(at).cloned().unwrap_or_default();
    let next = (at + 1 < pages.len()).then(|| format!("page-{}", at + 1));
    if v2026 {
        let mut body = json!({"orders": orders, "lastUpdatedBefore": "2026-11-26T00:00:00Z"});
        if let Some(t) = next {
            body["pagination"] = json!({"nextToken": t});
        }
        return (StatusCode::OK, axum::Json(body));
    }
    let mut payload = json!({"Orders": orders, "CreatedBefore": "2026-11-26T00:00:00Z"});
    if let Some(t) = next {
        payload["NextToken"] = json!(t);
    }
    (StatusCode::OK, axum::Json(json!({"payload": payload})))
}

/// `getOrder`: the order as the pages last set showed it (a page set later may leave it out).
async fn order(
    State(s): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> (StatusCode, axum::Json<Value>) {
    if !authorised(&headers) {
        return unauthorised();
    }
    let known = s.known.lock().unwrap();
    match known.get(&id) {
        Some(o) => (StatusCode::OK, axum::Json(json!({"payload": o}))),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"errors": [{"code": "InvalidInput", "message": "no such order"}]})),
        ),
    }
}

async fn items(
    State(s): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> (StatusCode, axum::Json<Value>) {
    if !authorised(&headers) {
        return unauthorised();
    }
    match s.items.lock().unwrap().get(&id) {
        Some(items) => {
            (StatusCode::OK, axum::Json(json!({"payload": {"AmazonOrderId": id, "OrderItems": items}})))
        }
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"errors": [{"code": "InvalidInput", "message": "no such order"}]})),
        ),
    }
}

async fn address(
    State(s): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> (StatusCode, axum::Json<Value>) {
    if !restricted_ok(&headers) {
        return unauthorised();
    }
    let address = s.addresses.lock().unwrap().get(&id).cloned();
    let mut payload = json!({"AmazonOrderId": id});
    if let Some(a) = address {
        payload["ShippingAddress"] = a;
    }
    (StatusCode::OK, axum::Json(json!({"payload": payload})))
}

async fn confirm(
    State(s): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Json(body): axum::Json<Value>,
) -> (StatusCode, axum::Json<Value>) {
    if !authorised(&headers) {
        return unauthorised();
    }
    s.confirmations.lock().unwrap().push((id, body));
    (StatusCode::NO_CONTENT, axum::Json(Value::Null))
}

impl SpApiFake {
    /// Each `confirmShipment` call: the order id and the body.
    pub fn confirmations(&self) -> Vec<(String, Value)> {
        self.seller.confirmations.lock().unwrap().clone()
    }

    /// Starts the fake on a free port.
    pub async fn start() -> Self {
        let seller = Arc::new(Seller::default());
        let router = axum::Router::new()
            .route("/auth/o2/token", post(token))
            .route("/tokens/2021-03-01/restrictedDataToken", post(restricted_token))
            .route("/orders/v0/orders", get(orders))
            .route("/orders/2026-01-01/orders", get(search_orders))
            .route("/orders/v0/orders/{id}", get(order))
            .route("/orders/v0/orders/{id}/orderItems", get(items))
            .route("/orders/v0/orders/{id}/address", get(address))
            .route("/orders/v0/orders/{id}/shipmentConfirmation", post(confirm))
            .with_state(seller.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base_url = format!("http://{}", listener.local_addr().expect("an address"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { base_url, seller }
    }

    /// The token endpoint's address.
    pub fn token_url(&self) -> String {
        format!("{}/auth/o2/token", self.base_url)
    }

    /// Sets the pages `getOrders` answers.
    pub fn set_pages(&self, pages: Vec<Vec<Value>>) {
        let mut known = self.seller.known.lock().unwrap();
        for o in pages.iter().flatten() {
            known.insert(o["AmazonOrderId"].as_str().unwrap_or_default().to_string(), o.clone());
        }
        *self.seller.pages.lock().unwrap() = pages;
    }

    /// Sets an order's items (the `OrderItems` array).
    pub fn set_items(&self, order_id: &str, items: Value) {
        self.seller.items.lock().unwrap().insert(order_id.into(), items);
    }

    /// Sets the address `getOrderAddress` releases for an order.
    pub fn set_address(&self, order_id: &str, address: Value) {
        self.seller.addresses.lock().unwrap().insert(order_id.into(), address);
    }

    /// Answers the next `n` `getOrders` calls for page `page` (0 is the first) with 429.
    pub fn throttle(&self, page: usize, n: usize) {
        *self.seller.throttle.lock().unwrap() = (page, n);
    }

    /// How many 429s were answered.
    pub fn throttled(&self) -> usize {
        self.seller.throttled.load(Ordering::SeqCst)
    }

    /// Each `getOrders` call answered: its `LastUpdatedAfter` and `NextToken`.
    pub fn calls(&self) -> Vec<(String, String)> {
        self.seller.calls.lock().unwrap().clone()
    }
}
