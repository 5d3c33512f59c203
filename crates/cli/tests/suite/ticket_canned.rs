//! Canned replies (SLA-4) over HTTP: saved per language with placeholders checked by name, kept by
//! the operator's agents only, filled from the ticket's order in the buyer's language, and sent as
//! an answer.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests, lamp_order};

use crate::helpers::{call, code, field, get, post};

db_tests!(canned_replies_are_filled_in_the_buyers_language_and_sent);

async fn put(app: &TestApp, key: &str, body: Value) -> (StatusCode, Value) {
    call(app, Method::PUT, "/api/v1/canned-replies", key, Some(body)).await
}

async fn canned_replies_are_filled_in_the_buyers_language_and_sent(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let agent = app.staff_key(&s, "customer_service").await;
    let en = "Hello {buyer_name}, order {order_no} {order_state}. Follow it: {tracking_link} ({agent})";
    let (status, saved) = put(&app, &agent, json!({"name": "status", "language": "en", "body": en})).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let zh = "{buyer_name}您好，订单 {order_no} {order_state}。查看：{tracking_link}";
    put(&app, &agent, json!({"name": "status", "language": "zh-CN", "body": zh})).await;
    let (status, bad) =
        put(&app, &agent, json!({"name": "x", "language": "en", "body": "order {ordr_no}"})).await;
    assert_eq!((status, field(&bad)), (StatusCode::UNPROCESSABLE_ENTITY, "body"), "{bad}");
    assert!(bad.to_string().contains("{ordr_no} is not a placeholder"), "{bad}");
    let (status, bad) = put(&app, &agent, json!({"name": "Bad Name", "language": "xx", "body": "hi"})).await;
    assert_eq!(bad["error"]["fields"].as_array().map(Vec::len), Some(2), "{status} {bad}");
    let (status, body) =
        put(&app, &s.merchant_a_key, json!({"name": "m", "language": "en", "body": "hi"})).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "auth.forbidden"), "{body}");
    let (_, list) = get(&app, "/api/v1/canned-replies", &s.merchant_a_key).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2), "merchants use them: {list}");

    // A Chinese buyer's ticket, answered in Chinese (zh-TW reads the zh-CN reply).
    let mut order = lamp_order("#canned-1", 1);
    order["buyer"]["language"] = json!("zh-TW");
    order["buyer"]["name"] = json!("王小明");
    order["remarks"] = json!("please gift wrap");
    let (_, o) = post(&app, "/api/v1/orders", &s.merchant_a_key, order).await;
    let id = o["id"].as_str().unwrap();
    let (token, ticket) =
        crate::tickets::buyer_writes(&app, &s.merchant_a_key, id, "我的包裹在哪里？", "canned-form-1").await;
    let (status, preview) = get(&app, &format!("/api/v1/tickets/{ticket}/canned/status"), &agent).await;
    assert_eq!((status, preview["language"].as_str()), (StatusCode::OK, Some("zh-CN")), "{preview}");
    let text = preview["body"].as_str().unwrap();
    assert_eq!(o["status"], "pending_review", "a remark waits for a person: {o}");
    let number = "#canned-1";
    assert!(text.starts_with(&format!("王小明您好，订单 {number} 正在审核。")), "{text}");
    assert!(text.contains(&format!("/track/{token}")), "{text}");
    assert!(!text.contains('{'), "every placeholder filled: {text}");

    // Sent as the answer when the body is left empty.
    let path = format!("/api/v1/tickets/{ticket}/messages");
    let (status, answered) = post(&app, &path, &agent, json!({"kind": "reply", "canned": "status"})).await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    let last = answered["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["direction"].as_str(), last["body"].as_str()), (Some("out"), Some(text)), "{answered}");
    let (status, missing) = post(&app, &path, &agent, json!({"kind": "reply", "canned": "nothing"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    let (status, _) = get(&app, &format!("/api/v1/tickets/{ticket}/canned/status"), &s.merchant_b_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another merchant's ticket");
    let (status, _) = call(&app, Method::DELETE, "/api/v1/canned-replies/status", &agent, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, list) = get(&app, "/api/v1/canned-replies", &agent).await;
    assert_eq!(list["items"], json!([]));
}
