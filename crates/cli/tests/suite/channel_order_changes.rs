//! Channel deliveries that overtake each other (ORD-1): a change older than one taken in already
//! is not applied, so a late `orders/updated` never puts back an old address and an
//! `orders/create` that arrives after the `orders/cancelled` makes no order.

use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests};

use crate::audit::count;
use crate::channels::{shopify, shopify_fixture, shopify_shop};
use crate::helpers::get;

db_tests!(an_older_change_than_one_taken_in_is_not_applied);

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
    // The same change again (a retry) is applied as before: nothing newer came.
    let (_, retried) =
        shopify(&app, &shop, SECRET, "o-6", "orders/updated", &at(&moved, 7002, "2026-11-26T11:30:00-05:00"))
            .await;
    assert_eq!(
        (retried["outcome"].as_str(), retried["detail"].as_str()),
        (Some("updated"), Some("known already; unchanged"))
    );
}
