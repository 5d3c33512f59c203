//! ORD-5: money a payment took for an order that will not be fulfilled is owed back, and the
//! payment says so until it is refunded in full.

use reqwest::StatusCode;
use serde_json::json;
use tradeport_testkit::{Seeded, TestApp, db_tests};

use crate::helpers::{get, post};
use crate::payments::{event, hook, place, stripe_account, succeeded, unpaid_order};

db_tests!(money_taken_for_a_cancelled_order_is_marked_for_refund_until_refunded);

/// The references of the payments marked for a person.
async fn attention(app: &TestApp, s: &Seeded) -> Vec<String> {
    let (status, list) = get(app, "/api/v1/payments?attention=true", &s.merchant_a_key).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"].as_array().unwrap().iter().map(|p| p["reference"].as_str().unwrap().to_string()).collect()
}

async fn cancel(app: &TestApp, s: &Seeded, id: String) {
    let path = format!("/api/v1/orders/{id}/cancel");
    let (status, body) = post(app, &path, &s.admin_key, json!({"reason": "buyer asked"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// ORD-5: a payment for an order that will not be fulfilled is owed back. Paid and then cancelled,
/// or cancelled and then paid, the payment is marked for a person until it is refunded in full.
async fn money_taken_for_a_cancelled_order_is_marked_for_refund_until_refunded(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let account = stripe_account(&app, &s).await;
    // Paid, then cancelled.
    let first = place(&app, &s, unpaid_order("web-c1", "pi_c1")).await;
    hook(&app, &account, &event("evt_c1", "payment_intent.succeeded", succeeded("pi_c1", 4599, "gbp"))).await;
    assert!(attention(&app, &s).await.is_empty());
    cancel(&app, &s, first["id"].as_str().unwrap().to_string()).await;
    assert_eq!(attention(&app, &s).await, ["pi_c1"]);
    // Cancelled, then paid.
    let second = place(&app, &s, unpaid_order("web-c2", "pi_c2")).await;
    cancel(&app, &s, second["id"].as_str().unwrap().to_string()).await;
    hook(&app, &account, &event("evt_c2", "payment_intent.succeeded", succeeded("pi_c2", 4599, "gbp"))).await;
    let mut marked = attention(&app, &s).await;
    marked.sort();
    assert_eq!(marked, ["pi_c1", "pi_c2"]);
    // Refunded in full: nothing is left to give back.
    let refund = json!({"id": "ch_c1", "object": "charge", "amount_refunded": 4599, "currency": "gbp", "payment_intent": "pi_c1"});
    hook(&app, &account, &event("evt_c1_refund", "charge.refunded", refund)).await;
    assert_eq!(attention(&app, &s).await, ["pi_c2"]);
}
