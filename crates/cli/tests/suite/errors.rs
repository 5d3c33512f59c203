//! Every malformed request gets the documented error shape and status (docs/API.md).

use reqwest::StatusCode;
use serde_json::Value;
use tradeport_testkit::{TestApp, db_tests};

use crate::helpers::code;

db_tests!(malformed_requests_get_the_documented_error_shape);

async fn send(req: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let res = req.send().await.unwrap();
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert!(
        body["error"]["message"].is_string() && body["error"]["fields"].is_array(),
        "error shape: {body}"
    );
    (status, body)
}

/// Announces a 2 MiB body and sends its first bytes: the server must answer 413 without waiting
/// for the rest. (A client that writes the whole body may see the connection closed under it.)
async fn oversized_post(app: &TestApp, key: &str) -> (StatusCode, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base_url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/v1/api-keys HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {key}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{{\"name\": \"",
        2 * 1024 * 1024
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response);
    let status: u16 = text.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    (StatusCode::from_u16(status).unwrap(), serde_json::from_str(body).unwrap_or(Value::Null))
}

async fn malformed_requests_get_the_documented_error_shape(app: TestApp) {
    let s = app.seed("acme").await;
    let post = |path: &str| app.client.post(app.url(path)).bearer_auth(&s.admin_key);

    let (status, body) =
        send(post("/api/v1/api-keys").header("content-type", "application/json").body("{\"name\": ")).await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "request.malformed_json"));

    let (status, body) = send(post("/api/v1/api-keys").header("content-type", "text/plain").body("{}")).await;
    assert_eq!((status, code(&body)), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "request.unsupported_media_type"));

    let (status, body) = oversized_post(&app, &s.admin_key).await;
    assert_eq!((status, code(&body)), (StatusCode::PAYLOAD_TOO_LARGE, "request.too_large"));

    let (status, body) = send(
        post("/api/v1/api-keys").json(&serde_json::json!({"name": "k", "role": "admin", "colour": "red"})),
    )
    .await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "request.unknown_field"));
    assert_eq!(body["error"]["fields"][0]["field"], "colour");

    let (status, body) =
        send(post("/api/v1/api-keys").json(&serde_json::json!({"name": 5, "role": "admin"}))).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
    assert_eq!(body["error"]["fields"][0]["field"], "name");

    let (status, body) = send(post("/api/v1/api-keys").json(&serde_json::json!({"role": "admin"}))).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
    assert_eq!(body["error"]["fields"][0]["code"], "required");

    let nested = serde_json::json!({"channel": "web", "lines": [{"sku": "LAMP", "quantity": "two"}]});
    let (status, body) = send(post("/api/v1/orders").json(&nested)).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
    assert_eq!(
        body["error"]["fields"][0]["field"], "lines[0].quantity",
        "a nested field is named by its path"
    );

    let trailing = post("/api/v1/api-keys")
        .header("content-type", "application/json")
        .body("{\"name\": \"k\", \"role\": \"admin\"} x");
    let (status, body) = send(trailing).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "request.malformed_json"),
        "trailing characters are malformed"
    );

    let (status, body) =
        send(app.client.get(app.url("/api/v1/no-such-thing")).bearer_auth(&s.admin_key)).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "route.not_found"));
    let (status, body) = send(app.client.get(app.url("/nothing/here"))).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "route.not_found"));

    let (status, body) = send(app.client.patch(app.url("/api/v1/me")).bearer_auth(&s.admin_key)).await;
    assert_eq!((status, code(&body)), (StatusCode::METHOD_NOT_ALLOWED, "route.method_not_allowed"));

    let res = app.client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    let (status, body) = send(app.client.get(app.url("/api/v1/me"))).await;
    assert_eq!((status, code(&body)), (StatusCode::UNAUTHORIZED, "auth.unauthenticated"));
    let (status, _) = send(app.client.get(app.url("/api/v1/me")).bearer_auth("tpk_0000")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // None of the failed writes created anything.
    let listed: Value = app
        .client
        .get(app.url("/api/v1/api-keys"))
        .bearer_auth(&s.admin_key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 3, "only the three seeded keys: {listed}");
}
