//! A stand-in for PayPal's REST API on 127.0.0.1, speaking its wire format: the OAuth token
//! endpoint takes HTTP Basic with the app's client id and secret and `grant_type=client_credentials`;
//! every other call needs the bearer token. `POST /v2/checkout/orders` answers an order `CREATED`
//! with its `approve` link (the same order again for the same `PayPal-Request-Id`);
//! `POST /v2/payments/captures/{id}/refund` answers a refund `COMPLETED` (the same refund again
//! for the same `PayPal-Request-Id`). It publishes its signing certificate under
//! `/v1/notifications/certs/`, and signs webhook deliveries as PayPal does (SHA256withRSA over
//! `id|time|webhook_id|crc32`), with a key of `fixtures/payments/rsa` and a certificate issued to
//! `messageverificationcerts.sandbox.paypal.com`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use base64::Engine;
use serde_json::{Value, json};
use tradeport_connectors::paypal_signature::PaypalTransmission;
use tradeport_connectors::rsa_sha256::RsaPrivateKey;

pub const CLIENT_ID: &str = "AeTradeportTestClientId";
pub const CLIENT_SECRET: &str = "EFTradeportTestSecret";
const TOKEN: &str = "A21AAFakePayPalAccessToken";

fn fixture(path: &str) -> String {
    let at = format!("{}/../../fixtures/payments/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&at).unwrap_or_else(|e| panic!("{at}: {e}"))
}

#[derive(Default)]
struct Books {
    /// Orders made, by request id: (order id, body asked).
    orders: Mutex<HashMap<String, (String, Value)>>,
    /// Refunds made, by request id: (refund id, capture id, body asked).
    refunds: Mutex<HashMap<String, (String, String, Value)>>,
}

/// The running fake.
#[derive(Clone)]
pub struct PaypalFake {
    pub base_url: String,
    books: Arc<Books>,
}

type Shared = State<Arc<Books>>;

fn bearer(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {TOKEN}"))
}

fn refused(status: StatusCode, name: &str, why: &str) -> (StatusCode, axum::Json<Value>) {
    (
        status,
        axum::Json(json!({"name": name, "message": why, "details": [{"issue": name, "description": why}]})),
    )
}

async fn token(headers: HeaderMap, body: String) -> (StatusCode, axum::Json<Value>) {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    let authorised =
        headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Basic {basic}"));
    if !authorised {
        let body = json!({"error": "invalid_client", "error_description": "Client Authentication failed"});
        return (StatusCode::UNAUTHORIZED, axum::Json(body));
    }
    if body.trim() != "grant_type=client_credentials" {
        return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": "unsupported_grant_type"})));
    }
    let answer = json!({"scope": "https://uri.paypal.com/services/payments/payment", "access_token": TOKEN,
                        "token_type": "Bearer", "app_id": "APP-80W28P519543T", "expires_in": 32400});
    (StatusCode::OK, axum::Json(answer))
}

fn request_id(headers: &HeaderMap) -> String {
    headers.get("paypal-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

async fn create_order(State(b): Shared, headers: HeaderMap, body: String) -> (StatusCode, axum::Json<Value>) {
    if !bearer(&headers) {
        return refused(StatusCode::UNAUTHORIZED, "AUTHENTICATION_FAILURE", "no valid token");
    }
    let Ok(asked) = serde_json::from_str::<Value>(&body) else {
        return refused(StatusCode::BAD_REQUEST, "INVALID_REQUEST", "the body is not JSON");
    };
    if asked["intent"] != "CAPTURE" || asked.pointer("/purchase_units/0/amount/value").is_none() {
        return refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "UNPROCESSABLE_ENTITY",
            "intent and an amount are required",
        );
    }
    let mut orders = b.orders.lock().unwrap();
    let n = orders.len();
    let (id, _) =
        orders.entry(request_id(&headers)).or_insert_with(|| (format!("5O19012{n:010}T"), asked)).clone();
    let links = json!([
        {"href": format!("https://api-m.sandbox.paypal.com/v2/checkout/orders/{id}"), "rel": "self", "method": "GET"},
        {"href": format!("https://www.sandbox.paypal.com/checkoutnow?token={id}"), "rel": "approve", "method": "GET"},
        {"href": format!("https://api-m.sandbox.paypal.com/v2/checkout/orders/{id}/capture"), "rel": "capture", "method": "POST"}
    ]);
    (StatusCode::CREATED, axum::Json(json!({"id": id, "status": "CREATED", "links": links})))
}

async fn refund(
    State(b): Shared,
    headers: HeaderMap,
    Path(capture): Path<String>,
    body: String,
) -> (StatusCode, axum::Json<Value>) {
    if !bearer(&headers) {
        return refused(StatusCode::UNAUTHORIZED, "AUTHENTICATION_FAILURE", "no valid token");
    }
    let asked: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let mut refunds = b.refunds.lock().unwrap();
    let n = refunds.len();
    let (id, _, _) = refunds
        .entry(request_id(&headers))
        .or_insert_with(|| (format!("1Y10799{n:010}V"), capture, asked))
        .clone();
    (StatusCode::CREATED, axum::Json(json!({"id": id, "status": "COMPLETED"})))
}

async fn certificate() -> String {
    fixture("paypal/test_signer_cert.pem")
}

impl PaypalFake {
    pub async fn start() -> Self {
        let books = Arc::new(Books::default());
        let router = axum::Router::new()
            .route("/v1/oauth2/token", post(token))
            .route("/v2/checkout/orders", post(create_order))
            .route("/v2/payments/captures/{id}/refund", post(refund))
            .route("/v1/notifications/certs/CERT-tradeport-test", get(certificate))
            .with_state(books.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base_url = format!("http://{}", listener.local_addr().expect("an address"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { base_url, books }
    }

    /// The orders made: (request id, order id, body asked).
    pub fn orders(&self) -> Vec<(String, String, Value)> {
        let orders = self.books.orders.lock().unwrap();
        orders.iter().map(|(k, (id, body))| (k.clone(), id.clone(), body.clone())).collect()
    }

    /// The refunds made: (request id, refund id, capture id, body asked).
    pub fn refunds(&self) -> Vec<(String, String, String, Value)> {
        let refunds = self.books.refunds.lock().unwrap();
        refunds.iter().map(|(k, (id, c, body))| (k.clone(), id.clone(), c.clone(), body.clone())).collect()
    }

    /// The headers PayPal sends with `body` for the webhook `webhook_id`, signed now.
    pub fn signed_headers(&self, body: &[u8], webhook_id: &str) -> Vec<(String, String)> {
        let key =
            RsaPrivateKey::from_pkcs8_text(&fixture("rsa/provider_private_key.pem")).expect("the test key");
        let t = PaypalTransmission {
            id: uuid::Uuid::new_v4().to_string(),
            time: "2026-11-27T01:00:00Z".into(),
            signature: String::new(),
            cert_url: format!("{}/v1/notifications/certs/CERT-tradeport-test", self.base_url),
            auth_algo: "SHA256withRSA".into(),
        };
        let signature = key.sign(t.signed_message(webhook_id, body).as_bytes()).expect("signed");
        vec![
            ("PAYPAL-TRANSMISSION-ID".into(), t.id),
            ("PAYPAL-TRANSMISSION-TIME".into(), t.time),
            ("PAYPAL-TRANSMISSION-SIG".into(), base64::engine::general_purpose::STANDARD.encode(signature)),
            ("PAYPAL-CERT-URL".into(), t.cert_url),
            ("PAYPAL-AUTH-ALGO".into(), t.auth_algo),
        ]
    }
}
