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
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
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

/// The field the first error of an error body names.
pub fn field(body: &Value) -> &str {
    body["error"]["fields"][0]["field"].as_str().unwrap_or("<no field>")
}

/// The password of every seeded user.
pub const PASSWORD: &str = "correct horse battery";

/// Opens the sign-in page and returns the form's CSRF token (the cookie is in the client).
pub async fn login_token(client: &reqwest::Client, app: &TestApp) -> String {
    let page = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    page_token(&page)
}

/// Posts the sign-in form as a browser would.
pub async fn sign_in(
    client: &reqwest::Client,
    app: &TestApp,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let token = login_token(client, app).await;
    let form = [("email", email), ("password", password), ("csrf_token", &token), ("next", "/")];
    client.post(app.url("/login")).form(&form).send().await.unwrap()
}

/// The CSRF token of a page's forms.
pub fn page_token(page: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).expect("a CSRF field") + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

/// A client signed in as `email`, with the CSRF token of its session's forms.
pub async fn signed_in(app: &TestApp, email: &str) -> (reqwest::Client, String) {
    let client = app.browser_client();
    let page = sign_in(&client, app, email, PASSWORD).await.text().await.unwrap();
    (client, page_token(&page))
}

/// The text of a PDF's pages, read back as a PDF reader does.
pub fn pdf_text(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).expect("a PDF");
    doc.extract_text(&doc.get_pages().keys().copied().collect::<Vec<_>>()).expect("the PDF's text")
}
