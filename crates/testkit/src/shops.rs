//! A stand-in for a Shopify shop's Admin REST API and a WooCommerce site's REST API on
//! 127.0.0.1, speaking their wire formats for what Tradeport sends back: Shopify's fulfillment
//! orders of an order and `POST fulfillments.json` (`X-Shopify-Access-Token` required), and
//! WooCommerce's order notes (listed and added) and order update (HTTP Basic with the REST API key required). It
//! keeps every call it accepted for the test to read.

use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use base64::Engine;
use serde_json::{Value, json};

/// The Shopify access token the fake accepts.
pub const SHOPIFY_TOKEN: &str = "shpat_fake_admin_token";
/// The WooCommerce REST API key the fake accepts.
pub const WOO_KEY: (&str, &str) = ("ck_fake", "cs_fake");

type Calls = Arc<Mutex<Vec<(String, Value)>>>;

/// The running fake.
#[derive(Clone)]
pub struct ShopFake {
    pub base_url: String,
    calls: Calls,
}

fn shopify_ok(headers: &HeaderMap) -> bool {
    headers.get("x-shopify-access-token").and_then(|v| v.to_str().ok()) == Some(SHOPIFY_TOKEN)
}

fn woo_ok(headers: &HeaderMap) -> bool {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", WOO_KEY.0, WOO_KEY.1))
    );
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(expected.as_str())
}

async fn fulfillment_orders(headers: HeaderMap, Path(id): Path<String>) -> (StatusCode, axum::Json<Value>) {
    if !shopify_ok(&headers) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"errors": "[API] Invalid API key or access token"})),
        );
    }
    let id = id.trim_end_matches(".json");
    let body = json!({"fulfillment_orders": [
        {"id": 1046000001, "order_id": id, "status": "open", "line_items": []},
        {"id": 1046000002, "order_id": id, "status": "closed", "line_items": []}
    ]});
    (StatusCode::OK, axum::Json(body))
}

async fn fulfillments(
    State(calls): State<Calls>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> (StatusCode, axum::Json<Value>) {
    if !shopify_ok(&headers) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"errors": "[API] Invalid API key or access token"})),
        );
    }
    calls.lock().unwrap().push(("shopify fulfillment".into(), body.clone()));
    (
        StatusCode::CREATED,
        axum::Json(
            json!({"fulfillment": {"id": 255858046, "status": "success", "tracking_number": body["fulfillment"]["tracking_info"]["number"]}}),
        ),
    )
}

async fn woo_note(
    State(calls): State<Calls>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Json(body): axum::Json<Value>,
) -> (StatusCode, axum::Json<Value>) {
    if !woo_ok(&headers) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(
                json!({"code": "woocommerce_rest_cannot_create", "message": "Sorry, you are not allowed to create resources."}),
            ),
        );
    }
    calls.lock().unwrap().push((format!("woocommerce note {id}"), body.clone()));
    (
        StatusCode::CREATED,
        axum::Json(json!({"id": 281, "note": body["note"], "customer_note": body["customer_note"]})),
    )
}

async fn woo_notes(
    State(calls): State<Calls>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> (StatusCode, axum::Json<Value>) {
    if !woo_ok(&headers) {
        let e =
            json!({"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list resources."});
        return (StatusCode::UNAUTHORIZED, axum::Json(e));
    }
    let what = format!("woocommerce note {id}");
    let notes: Vec<Value> = calls
        .lock()
        .unwrap()
        .iter()
        .filter(|(w, _)| *w == what)
        .enumerate()
        .map(|(n, (_, b))| json!({"id": 281 + n, "note": b["note"], "customer_note": b["customer_note"]}))
        .collect();
    (StatusCode::OK, axum::Json(Value::Array(notes)))
}

async fn woo_order(
    State(calls): State<Calls>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Json(body): axum::Json<Value>,
) -> (StatusCode, axum::Json<Value>) {
    if !woo_ok(&headers) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(
                json!({"code": "woocommerce_rest_cannot_edit", "message": "Sorry, you are not allowed to edit this resource."}),
            ),
        );
    }
    calls.lock().unwrap().push((format!("woocommerce order {id}"), body.clone()));
    (StatusCode::OK, axum::Json(json!({"id": id, "status": body["status"]})))
}

impl ShopFake {
    /// Starts the fake on a free port.
    pub async fn start() -> Self {
        let calls: Calls = Arc::default();
        let router = axum::Router::new()
            .route("/admin/api/2024-10/orders/{id}/fulfillment_orders.json", get(fulfillment_orders))
            .route("/admin/api/2024-10/fulfillments.json", post(fulfillments))
            .route("/wp-json/wc/v3/orders/{id}/notes", get(woo_notes).post(woo_note))
            .route("/wp-json/wc/v3/orders/{id}", axum::routing::put(woo_order))
            .with_state(calls.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base_url = format!("http://{}", listener.local_addr().expect("an address"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { base_url, calls }
    }

    /// Every call accepted: what it was and its body.
    pub fn calls(&self) -> Vec<(String, Value)> {
        self.calls.lock().unwrap().clone()
    }
}
