//! Small helpers for calling the API.

use reqwest::{Method, StatusCode};
use serde_json::Value;
use tradeport_testkit::TestApp;

/// Sends a request with a bearer key and an optional JSON body; returns status and JSON.
pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = app.client.request(method, app.url(path)).bearer_auth(key);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.expect("the request is sent");
    let status = res.status();
    let text = res.text().await.expect("a body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

pub async fn get(app: &TestApp, path: &str, key: &str) -> (StatusCode, Value) {
    call(app, Method::GET, path, key, None).await
}

pub async fn post(app: &TestApp, path: &str, key: &str, body: Value) -> (StatusCode, Value) {
    call(app, Method::POST, path, key, Some(body)).await
}

/// The error code of an error body.
pub fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no error code>")
}
