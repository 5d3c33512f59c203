//! Intake answers with what it wrote, without reading it back (#15 item 2): the answer must be
//! the order exactly as `GET /api/v1/orders/{id}` shows it afterwards, on every path intake takes.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests, lamp_order};

use crate::helpers::{call, get, post};
use crate::orders::settings;

db_tests!(the_intake_answer_is_the_order_as_stored_on_every_path);

/// Posts `body` and checks the answer against the stored order; returns the answer.
async fn posted_as_stored(app: &TestApp, key: &str, body: Value) -> Value {
    let (status, answer) = post(app, "/api/v1/orders", key, body).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let (_, stored) = get(app, &format!("/api/v1/orders/{}", answer["id"].as_str().unwrap()), key).await;
    assert_eq!(answer, stored, "the answer differs from the stored order");
    answer
}

async fn the_intake_answer_is_the_order_as_stored_on_every_path(app: TestApp) {
    let s = app.seed("acme").await;
    let c = app.seed_catalog(&s, 3).await;
    let key = s.merchant_a_key.as_str();
    settings(&app, &s.admin_key, json!({"risk": {"reshippers": ["4315 NW 7th St"]}})).await;

    // Approved, reserved, numbered and confirmed at once, with its clocks started and stopped.
    let confirmed = posted_as_stored(&app, key, lamp_order("#a-1", 1)).await;
    assert_eq!(
        (confirmed["status"].as_str(), confirmed["allocation"].as_str()),
        (Some("confirmed"), Some("reserved"))
    );
    assert_eq!(confirmed["events"].as_array().unwrap().len(), 3, "{confirmed}");
    assert!(!confirmed["clocks"].as_array().unwrap().is_empty(), "{confirmed}");
    // More than is left: what is left reserved, the rest backordered (the default policy).
    let backordered = posted_as_stored(&app, key, lamp_order("#a-2", 5)).await;
    assert_eq!(backordered["allocations"].as_array().unwrap().len(), 2, "{backordered}");
    // Held for its risk, with the evidence.
    let mut risky = lamp_order("#a-3", 1);
    risky["billing_country"] = json!("us");
    risky["shipping_address"]["line1"] = json!("4315 N.W. 7th St");
    risky["buyer"]["email"] = json!("a-3@example.net");
    let held = posted_as_stored(&app, key, risky).await;
    assert_eq!(
        (held["status"].as_str(), held["risk"]["held"].as_bool()),
        (Some("on_hold"), Some(true)),
        "{held}"
    );
    // Left for a reviewer.
    settings(&app, &s.admin_key, json!({"auto_approve": false})).await;
    let waiting = posted_as_stored(&app, key, lamp_order("#a-4", 1)).await;
    assert_eq!(waiting["status"], "pending_review");
    // Held for a shortage, and on a pre-sale's promise.
    settings(&app, &s.admin_key, json!({"auto_approve": true, "shortage_policy": "hold"})).await;
    let short = posted_as_stored(&app, key, lamp_order("#a-5", 9)).await;
    assert_eq!(short["holds"][0]["code"], "out_of_stock", "{short}");
    let day = (jiff::Zoned::now().date() + jiff::Span::new().days(20)).to_string();
    let (status, p) = call(
        &app,
        reqwest::Method::PUT,
        &format!("/api/v1/skus/{}/presale", c.lamp),
        key,
        Some(json!({"available_on": day, "limit": 6})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    let promised = posted_as_stored(&app, key, lamp_order("#a-6", 2)).await;
    assert_eq!(promised["presale"][0]["promised_on"].as_str(), Some(day.as_str()), "{promised}");
}
