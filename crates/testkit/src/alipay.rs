//! A stand-in for Alipay's cross-border API (Antom) on 127.0.0.1, speaking its wire format: every
//! call is a signed JSON POST (`client-id`, `request-time`, `signature`: RSA2 with the merchant's
//! key, checked here against `fixtures/payments/rsa/merchant_public_key.pem`); every answer is
//! signed with Alipay's test key (`fixtures/payments/alipay/test_antom_private_key.pem`) under
//! `response-time`. `pay` answers `U` / `PAYMENT_IN_PROCESS` with a `paymentId` and `normalUrl`
//! (the same for the same `paymentRequestId`); `refund` answers `S` with a `refundId` (the same
//! for the same `refundRequestId`). It also signs notifications as Alipay sends them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use tradeport_connectors::alipay_signature::{alipay_signature_header, verify_alipay_signature};
use tradeport_connectors::rsa_sha256::{RsaPrivateKey, RsaPublicKey};

pub const CLIENT_ID: &str = "SANDBOX_5YBZ1K2ZF3Q704512";

fn fixture(path: &str) -> String {
    let at = format!("{}/../../fixtures/payments/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&at).unwrap_or_else(|e| panic!("{at}: {e}"))
}

/// Alipay's public key, as a merchant enters it (bare base64).
pub fn alipay_public_key() -> String {
    fixture("alipay/test_antom_public_key.pem").lines().filter(|l| !l.starts_with("-----")).collect()
}

/// The merchant's private key (PKCS #8 PEM), whose public key the fake knows.
pub fn merchant_private_key() -> String {
    fixture("rsa/merchant_private_key.pem")
}

fn alipay_key() -> RsaPrivateKey {
    RsaPrivateKey::from_pkcs8_text(&fixture("alipay/test_antom_private_key.pem")).expect("the test key")
}

#[derive(Default)]
struct Books {
    /// Payments asked, by payment request id: (payment id, body asked).
    payments: Mutex<HashMap<String, (String, Value)>>,
    /// Refunds asked, by refund request id: (refund id, body asked).
    refunds: Mutex<HashMap<String, (String, Value)>>,
}

/// The running fake.
#[derive(Clone)]
pub struct AlipayFake {
    pub base_url: String,
    books: Arc<Books>,
}

type Shared = State<Arc<Books>>;

/// Answers `body`, signed as Alipay signs, for the call to `path`.
fn signed(path: &str, status: StatusCode, body: Value) -> Response {
    let text = body.to_string();
    let time = "2026-11-27T01:00:00+08:00";
    let signature = alipay_signature_header(&alipay_key(), "POST", path, CLIENT_ID, time, text.as_bytes())
        .expect("signed");
    let mut res = (status, text).into_response();
    let h = res.headers_mut();
    h.insert("client-id", CLIENT_ID.parse().unwrap());
    h.insert("response-time", time.parse().unwrap());
    h.insert("signature", signature.parse().unwrap());
    h.insert("content-type", "application/json".parse().unwrap());
    res
}

fn result(code: &str, status: &str, message: &str) -> Value {
    json!({"resultCode": code, "resultStatus": status, "resultMessage": message})
}

async fn call(State(b): Shared, Path(name): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let path = format!("/ams/sandbox/api/v1/payments/{name}");
    let header = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let merchant =
        RsaPublicKey::from_spki_text(&fixture("rsa/merchant_public_key.pem")).expect("the test key");
    let (client, time) = (header("client-id"), header("request-time"));
    if verify_alipay_signature(
        &header("signature"),
        &merchant,
        "POST",
        &path,
        &client,
        CLIENT_ID,
        &time,
        &body,
    )
    .is_err()
    {
        let body = json!({"result": result("INVALID_SIGNATURE", "F", "The signature is invalid.")});
        return signed(&path, StatusCode::OK, body);
    }
    let asked: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let text = |p: &str| asked.pointer(p).and_then(Value::as_str).unwrap_or_default().to_string();
    match name.as_str() {
        "pay" => {
            let mut payments = b.payments.lock().unwrap();
            let n = payments.len();
            let (payment_id, _) = payments
                .entry(text("/paymentRequestId"))
                .or_insert_with(|| (format!("2026112719401080010018800000{n:04}"), asked.clone()))
                .clone();
            signed(
                &path,
                StatusCode::OK,
                json!({"result": result("PAYMENT_IN_PROCESS", "U", "payment in process"),
                       "paymentRequestId": text("/paymentRequestId"), "paymentId": payment_id,
                       "paymentAmount": asked["paymentAmount"], "paymentCreateTime": "2026-11-27T09:00:00+08:00",
                       "normalUrl": format!("https://open-sea-global.alipay.com/api/open/cashier?paymentId={payment_id}")}),
            )
        }
        "refund" => {
            let mut refunds = b.refunds.lock().unwrap();
            let n = refunds.len();
            let (refund_id, _) = refunds
                .entry(text("/refundRequestId"))
                .or_insert_with(|| (format!("4026112719401080010018800000{n:04}"), asked.clone()))
                .clone();
            signed(
                &path,
                StatusCode::OK,
                json!({"result": result("SUCCESS", "S", "Success"), "refundRequestId": text("/refundRequestId"),
                       "refundId": refund_id, "paymentId": text("/paymentId"), "refundAmount": asked["refundAmount"],
                       "refundTime": "2026-11-27T10:00:00+08:00"}),
            )
        }
        _ => signed(
            &path,
            StatusCode::NOT_FOUND,
            json!({"result": result("NO_INTERFACE_DEF", "F", "API is not defined")}),
        ),
    }
}

impl AlipayFake {
    pub async fn start() -> Self {
        let books = Arc::new(Books::default());
        let router = axum::Router::new()
            .route("/ams/sandbox/api/v1/payments/{name}", post(call))
            .with_state(books.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base_url = format!("http://{}", listener.local_addr().expect("an address"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { base_url, books }
    }

    /// The payments asked: (payment request id, payment id, body asked).
    pub fn payments(&self) -> Vec<(String, String, Value)> {
        let payments = self.books.payments.lock().unwrap();
        payments.iter().map(|(k, (id, body))| (k.clone(), id.clone(), body.clone())).collect()
    }

    /// The refunds asked: (refund request id, refund id, body asked).
    pub fn refunds(&self) -> Vec<(String, String, Value)> {
        let refunds = self.books.refunds.lock().unwrap();
        refunds.iter().map(|(k, (id, body))| (k.clone(), id.clone(), body.clone())).collect()
    }

    /// The headers Alipay sends with a notification of `body` posted to `path`.
    pub fn signed_headers(path: &str, body: &[u8]) -> Vec<(String, String)> {
        let time = "2026-11-27T09:05:00+08:00";
        let signature =
            alipay_signature_header(&alipay_key(), "POST", path, CLIENT_ID, time, body).expect("signed");
        vec![
            ("client-id".into(), CLIENT_ID.into()),
            ("request-time".into(), time.into()),
            ("signature".into(), signature),
        ]
    }
}
