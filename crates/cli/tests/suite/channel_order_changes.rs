//! Channel deliveries that overtake each other (ORD-1): a change older than one taken in already
//! is not applied, so a late `orders/updated` never puts back an old address and an
//! `orders/create` that arrives after the `orders/cancelled` makes no order; and a payment the shop
//! took later (`orders/paid`) pays the order that came in only authorised; a large delivery is
//! answered at once and taken in by the job queue.

use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests};

use crate::audit::count;
use crate::channels::{shopify, shopify_fixture, shopify_shop};
use crate::helpers::get;

db_tests!(
    an_older_change_than_one_taken_in_is_not_applied,
    a_payment_the_shop_took_pays_the_order_held_for_it,
    a_large_delivery_is_answered_at_once_and_taken_in_by_the_job_queue
);

const SECRET: &str = "shpss_a1b2c3d4e5f6";

async fn an_older_change_than_one_taken_in_is_not_applied(app: TestApp) {
    let s = app.seed("overtaken").await;
    let shop = shopify_shop(&app, &s).await;
    let fixture: Value = serde_json::from_slice(&shopify_fixture()).unwrap();
    let at = |body: &Value, id: u64, updated: &str| {
        let mut b = body.clone();
        b["order"]["id"] = json!(id);
        b["order"]["updated_at"] = json!(updated);
        serde_json::to_vec(&b).unwrap()
    };

    // The cancellation overtakes the creation: no order is made from the late creation.
    let mut cancelled = fixture.clone();
    cancelled["order"]["cancelled_at"] = json!("2026-11-26T10:05:00-05:00");
    let (_, first) = shopify(
        &app,
        &shop,
        SECRET,
        "o-1",
        "orders/cancelled",
        &at(&cancelled, 7001, "2026-11-26T10:05:00-05:00"),
    )
    .await;
    assert_eq!(first["outcome"], "ignored", "{first}");
    let (_, late) = shopify(
        &app,
        &shop,
        SECRET,
        "o-2",
        "orders/create",
        &at(&fixture, 7001, "2026-11-26T10:00:00-05:00"),
    )
    .await;
    assert_eq!(late["outcome"], "ignored", "{late}");
    assert!(late["detail"].as_str().unwrap().contains("older than one taken in already"), "{late}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM orders WHERE channel_order_id = '7001'").await, 0);

    // An order made, its address changed, then a stale update with the old address arrives.
    let (_, made) = shopify(
        &app,
        &shop,
        SECRET,
        "o-3",
        "orders/create",
        &at(&fixture, 7002, "2026-11-26T11:00:00-05:00"),
    )
    .await;
    assert_eq!(made["outcome"], "created", "{made}");
    let id = made["order_id"].as_str().unwrap().to_string();
    let mut moved = fixture.clone();
    moved["order"]["shipping_address"]["address1"] = json!("12 Bardstown Road");
    // The state by name only ("Kentucky"): stored as KY, and the same address when told again.
    moved["order"]["shipping_address"]["province_code"] = json!(null);
    let (_, newer) =
        shopify(&app, &shop, SECRET, "o-4", "orders/updated", &at(&moved, 7002, "2026-11-26T11:30:00-05:00"))
            .await;
    assert_eq!(newer["detail"], "shipping address changed", "{newer}");
    let mut stale = fixture.clone();
    stale["order"]["shipping_address"]["address1"] = json!("1 Old Road");
    let (_, older) =
        shopify(&app, &shop, SECRET, "o-5", "orders/updated", &at(&stale, 7002, "2026-11-26T11:10:00-05:00"))
            .await;
    assert_eq!(older["outcome"], "ignored", "{older}");
    let (_, order) = get(&app, &format!("/api/v1/orders/{id}"), &s.merchant_a_key).await;
    assert_eq!(order["shipping_address"]["line1"], "12 Bardstown Road", "the newest change stands: {order}");
    assert_eq!(order["shipping_address"]["state"], "KY", "{order}");
    // The same change again (a retry) is applied as before: nothing newer came.
    let (_, retried) =
        shopify(&app, &shop, SECRET, "o-6", "orders/updated", &at(&moved, 7002, "2026-11-26T11:30:00-05:00"))
            .await;
    assert_eq!(
        (retried["outcome"].as_str(), retried["detail"].as_str()),
        (Some("updated"), Some("known already; unchanged"))
    );
}

/// The order's status and hold codes, as the API answers it.
async fn state(app: &TestApp, key: &str, id: &str) -> (String, Vec<String>, String) {
    let (_, o) = get(app, &format!("/api/v1/orders/{id}"), key).await;
    let holds =
        o["holds"].as_array().unwrap().iter().map(|h| h["code"].as_str().unwrap().to_string()).collect();
    (o["status"].as_str().unwrap().to_string(), holds, o["payment_status"].as_str().unwrap().to_string())
}

async fn a_payment_the_shop_took_pays_the_order_held_for_it(app: TestApp) {
    let s = app.seed("paidlater").await;
    let shop = shopify_shop(&app, &s).await;
    // Shopify's example order is only authorised; with a real phone number it is held for its
    // payment alone.
    let text = String::from_utf8(shopify_fixture()).unwrap().replace("555-625-1199", "+1 202-456-1111");
    let fixture: Value = serde_json::from_str(&text).unwrap();
    let at = |id: u64, status: &str, updated: &str| {
        let mut b = fixture.clone();
        b["order"]["id"] = json!(id);
        b["order"]["financial_status"] = json!(status);
        b["order"]["updated_at"] = json!(updated);
        serde_json::to_vec(&b).unwrap()
    };
    let (_, made) =
        shopify(&app, &shop, SECRET, "p-1", "orders/create", &at(7101, "authorized", "2026-11-26T09:00:00Z"))
            .await;
    let id = made["order_id"].as_str().unwrap().to_string();
    let before = state(&app, &s.merchant_a_key, &id).await;
    assert_eq!(
        (before.0.as_str(), before.1.clone()),
        ("on_hold", vec!["not_paid".to_string()]),
        "{before:?}"
    );

    let (_, paid) =
        shopify(&app, &shop, SECRET, "p-2", "orders/paid", &at(7101, "paid", "2026-11-26T09:20:00Z")).await;
    assert_eq!(paid["outcome"], "updated", "{paid}");
    assert!(paid["detail"].as_str().unwrap().starts_with("paid in shopify; the order is "), "{paid}");
    let after = state(&app, &s.merchant_a_key, &id).await;
    assert!(after.0 != "on_hold" && after.1.is_empty() && after.2 == "paid", "released and paid: {after:?}");
    // Told again (a retry): already paid, nothing changes.
    let (_, again) =
        shopify(&app, &shop, SECRET, "p-3", "orders/paid", &at(7101, "paid", "2026-11-26T09:20:00Z")).await;
    assert_eq!(again["detail"], "known already; unchanged", "{again}");
    assert_eq!(state(&app, &s.merchant_a_key, &id).await, after);

    // An order held for its phone as well keeps that hold once paid.
    let bad_phone = String::from_utf8(shopify_fixture()).unwrap();
    let mut held: Value = serde_json::from_str(&bad_phone).unwrap();
    held["order"]["id"] = json!(7102);
    let (_, made) =
        shopify(&app, &shop, SECRET, "p-4", "orders/create", &serde_json::to_vec(&held).unwrap()).await;
    let id = made["order_id"].as_str().unwrap().to_string();
    held["order"]["financial_status"] = json!("paid");
    let (_, paid) =
        shopify(&app, &shop, SECRET, "p-5", "orders/paid", &serde_json::to_vec(&held).unwrap()).await;
    assert_eq!(paid["outcome"], "updated", "{paid}");
    let kept = state(&app, &s.merchant_a_key, &id).await;
    assert_eq!(kept, ("on_hold".to_string(), vec!["phone_invalid".to_string()], "paid".to_string()));
}

async fn a_large_delivery_is_answered_at_once_and_taken_in_by_the_job_queue(app: TestApp) {
    let s = app.seed("heavy").await;
    let shop = shopify_shop(&app, &s).await;
    let mut body: Value = serde_json::from_slice(&shopify_fixture()).unwrap();
    body["order"]["id"] = json!(7201);
    // 80 KiB of note attributes: more than a shop's delivery is answered inline for.
    let notes: Vec<Value> =
        (0..800).map(|n| json!({"name": format!("gift_note_{n}"), "value": "x".repeat(90)})).collect();
    body["order"]["note_attributes"] = json!(notes);
    let bytes = serde_json::to_vec(&body).unwrap();
    assert!(bytes.len() > 64 * 1024);
    let (status, answer) = shopify(&app, &shop, SECRET, "h-1", "orders/create", &bytes).await;
    assert_eq!((status.as_u16(), answer["outcome"].as_str()), (200, Some("received")), "{answer}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM orders WHERE channel_order_id = '7201'").await, 0);
    // Shopify retries before the job ran: the same answer, still one job.
    let (_, retry) = shopify(&app, &shop, SECRET, "h-1", "orders/create", &bytes).await;
    assert_eq!(
        (retry["outcome"].as_str(), retry["duplicate"].as_bool()),
        (Some("received"), Some(true)),
        "{retry}"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM jobs WHERE kind = 'channel_delivery'").await, 1);

    tradeport_app::jobs::run_due(&app.app, "test", std::time::Duration::from_secs(60), 10).await.unwrap();
    assert_eq!(count(&app, "SELECT COUNT(*) FROM orders WHERE channel_order_id = '7201'").await, 1);
    let (_, detail) = get(&app, &format!("/api/v1/channel-connections/{shop}"), &s.merchant_a_key).await;
    let logged =
        detail["deliveries"].as_array().unwrap().iter().find(|d| d["delivery_key"] == "h-1").unwrap().clone();
    assert_eq!(logged["outcome"], "created", "{logged}");
    // A retry after the job ran is answered from the record.
    let (_, late) = shopify(&app, &shop, SECRET, "h-1", "orders/create", &bytes).await;
    assert_eq!(
        (late["outcome"].as_str(), late["duplicate"].as_bool()),
        (Some("created"), Some(true)),
        "{late}"
    );
}
