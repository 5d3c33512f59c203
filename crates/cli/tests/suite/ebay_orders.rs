//! eBay orders polled from a local stand-in for the Sell Fulfillment API (ORD-1) and their parcels
//! reported back as shipping fulfillments (SYS-3): paging by offset, 429s answered by pausing, a
//! throttled poll resumed from the watermark without a gap or a duplicate, a window that shrank
//! while it was read read again, and each parcel reported once however often the push runs.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::ebay::{EBAY_CLIENT_ID, EBAY_CLIENT_SECRET, EBAY_REFRESH_TOKEN};
use tradeport_testkit::{EbayFake, TestApp, db_tests};

use crate::audit::count;
use crate::helpers::{get, post};
use crate::returns::hand_over_orders;
use crate::warehouse::{Floor, confirm_order, floor, stock_bin};

db_tests!(
    ebay_orders_are_polled_page_by_page_and_a_throttled_poll_resumes_without_gaps_or_duplicates,
    each_parcel_is_reported_to_ebay_once_however_often_the_push_runs
);

fn page() -> Value {
    let path = format!("{}/../../fixtures/channels/ebay_getOrders_page.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// `minutes` ago plus `seconds`, as eBay writes times.
fn ago(minutes: i64, seconds: i64) -> String {
    let t = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(minutes * 60 - seconds);
    t.strftime("%Y-%m-%dT%H:%M:%S.%3fZ").to_string()
}

/// An eBay connection of merchant A whose listings map to the floor's SKUs.
async fn connect(app: &TestApp, f: &Floor, fake: &EbayFake) -> String {
    let body = json!({"kind": "ebay", "name": "eBay UK", "seller_id": "lumen_home_uk", "marketplace_ids": ["EBAY_GB"],
        "site_url": fake.base_url,
        "mapping": {"default_service": "standard", "skus": {"LAMP-OAK-S": "MUG", "SHADE-LINEN": "PEN", "item:125987654321": "PEN"}},
        "credentials": {"client_id": EBAY_CLIENT_ID, "client_secret": EBAY_CLIENT_SECRET, "refresh_token": EBAY_REFRESH_TOKEN,
                        // The general scope, for member messages: orders still get a sell.fulfillment token.
                        "scopes": "https://api.ebay.com/oauth/api_scope"}});
    let (status, c) = post(app, "/api/v1/channel-connections", &f.s.merchant_a_key, body).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    c["id"].as_str().unwrap().to_string()
}

async fn ebay_orders_are_polled_page_by_page_and_a_throttled_poll_resumes_without_gaps_or_duplicates(
    app: TestApp,
) {
    let f = floor(&app).await;
    let fake = EbayFake::start().await;
    let id = connect(&app, &f, &fake).await;
    // eBay's three example orders (paid, cancelled, eBay International Shipping), then 50 more
    // like the first: 53 orders, two pages of 50.
    let examples = page()["orders"].as_array().unwrap().clone();
    let mut orders: Vec<Value> = examples.clone();
    for n in 0..50 {
        let mut o = examples[0].clone();
        o["orderId"] = json!(format!("24-20000-{n:05}"));
        o["salesRecordReference"] = json!(format!("{}", 2000 + n));
        orders.push(o);
    }
    for (n, o) in orders.iter_mut().enumerate() {
        o["lastModifiedDate"] = json!(ago(120, n as i64));
    }
    fake.set_orders(orders);
    let with_fake = app.app.clone().with_poll_backoff(Duration::from_millis(10));
    let principal = tradeport_app::access::system_principal(f.s.operator.id);
    let poll = || tradeport_app::channels::poll_connection(&with_fake, &principal, &id);

    // eBay throttles the second page past every retry: the poll stops, the watermark stays.
    fake.throttle(50, 50);
    let stopped = poll().await.unwrap();
    assert!(stopped.error.as_deref().unwrap_or_default().contains("429"), "{stopped:?}");
    // The first page: 49 made, the cancelled example not taken.
    assert_eq!((stopped.created, stopped.ignored, fake.throttled()), (49, 1, 5), "{stopped:?}");
    let (_, detail) = get(&app, &format!("/api/v1/channel-connections/{id}"), &f.s.merchant_a_key).await;
    assert_eq!(detail["health"]["failures"], 1, "{detail}");

    // The next poll reads the same window from its start, meets two 429s, pauses and goes on.
    fake.throttle(50, 2);
    let resumed = poll().await.unwrap();
    assert_eq!(resumed.error, None, "{resumed:?}");
    assert_eq!((resumed.already_taken, resumed.created), (50, 3), "{resumed:?}");
    assert_eq!(fake.throttled(), 7);
    let calls = fake.order_calls();
    let from = |filter: &str| filter.split("..").next().unwrap().to_string();
    assert_eq!(from(&calls[0].0), from(&calls[1].0), "resumed from the same watermark: {calls:?}");
    assert_eq!(calls.iter().map(|c| c.1).collect::<Vec<_>>(), [0, 0, 50], "{calls:?}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM orders WHERE channel = 'ebay'").await, 52);
    let gb = count(&app, "SELECT total_minor FROM orders WHERE channel_order_id = '24-11861-70121'").await;
    assert_eq!(gb, 4796, "47.97 - 4.00 + 3.99");
    let mut conn = app.app.db().read().await.unwrap();
    let hub: String =
        sqlx::query_scalar("SELECT shipping_address FROM orders WHERE channel_order_id = '24-11870-55210'")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    drop(conn);
    assert!(hub.contains("Coventry") && !hub.contains("Columbus"), "to eBay's hub: {hub}");

    // The window is read again from its start; the seller changes an order of the first page
    // while the second is read, so the window shrinks under the reader and one order slips back
    // past the offset: the poll reads the window again at once, whole this time, and moves on.
    let start = ago(121, 0);
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("UPDATE channel_connections SET watermark = $1 WHERE id = $2")
        .bind(&start)
        .bind(&id)
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let before = fake.order_calls().len();
    fake.touch_on_page(50, "24-20000-00001", &ago(0, 0));
    let shrunk = poll().await.unwrap();
    assert_eq!((shrunk.error.as_deref(), shrunk.created), (None, 0), "{shrunk:?}");
    // 52 of 53 read, then all 52 left in the window read again.
    assert_eq!((shrunk.orders_seen, shrunk.already_taken), (104, 104), "{shrunk:?}");
    let offsets: Vec<u64> = fake.order_calls()[before..].iter().map(|c| c.1).collect();
    assert_eq!(offsets, [0, 50, 0, 50], "read again at once");
    assert!(shrunk.watermark > start, "the window was read whole: {shrunk:?}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM orders WHERE channel = 'ebay'").await, 52, "nothing twice");
}

async fn each_parcel_is_reported_to_ebay_once_however_often_the_push_runs(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 10, "A-01-01-1-1").await;
    stock_bin(&app, &f, "PEN", 10, "A-01-01-1-2").await;
    let fake = EbayFake::start().await;
    let id = connect(&app, &f, &fake).await;
    let mut order = page()["orders"][0].clone();
    order["lastModifiedDate"] = json!(ago(30, 0));
    fake.set_orders(vec![order]);
    let with_fake = app.app.clone().with_poll_backoff(Duration::from_millis(10));
    let principal = tradeport_app::access::system_principal(f.s.operator.id);
    let polled = tradeport_app::channels::poll_connection(&with_fake, &principal, &id).await.unwrap();
    assert_eq!(polled.created, 1, "{polled:?}");
    let (_, listed) = get(&app, "/api/v1/orders?channel=ebay", &f.s.merchant_a_key).await;
    let path = format!("/api/v1/orders/{}", listed["items"][0]["id"].as_str().unwrap());
    let o = get(&app, &path, &f.s.merchant_a_key).await.1;
    let order_id = confirm_order(&app, &f, o).await;
    hand_over_orders(&app, &f, &[order_id.as_str()]).await;

    let run = || tradeport_app::jobs::run_due(&with_fake, "test", Duration::from_secs(60), 10);
    run().await.unwrap();
    // The fragile mugs and the pen were packed apart: a shipping fulfillment per parcel, each
    // naming the eBay lines it holds.
    let made = fake.fulfillments();
    assert_eq!(made.len(), 2, "{made:?}");
    let mut held: Vec<(String, Value)> = Vec::new();
    for (ebay_order, body) in &made {
        assert_eq!(ebay_order, "24-11861-70121");
        assert_eq!(body["shippingCarrierCode"], "Yun Express", "{body}");
        assert!(body["trackingNumber"].as_str().unwrap().starts_with("YT"), "{body}");
        // eBay's form: YYYY-MM-DDThh:mm:ss.sssZ.
        let shipped = body["shippedDate"].as_str().unwrap();
        assert!(shipped.len() == 24 && &shipped[19..20] == "." && shipped.ends_with('Z'), "{body}");
        held.push((body["trackingNumber"].as_str().unwrap().to_string(), body["lineItems"].clone()));
    }
    assert_ne!(held[0].0, held[1].0);
    let mut lines: Vec<Value> = held.iter().map(|h| h.1.clone()).collect();
    lines.sort_by_key(|l| l.to_string());
    assert_eq!(
        lines,
        [
            json!([{"lineItemId": "10077652345601", "quantity": 2}]),
            json!([{"lineItemId": "10077652345602", "quantity": 1}])
        ],
    );

    // The push runs again (a lost answer): eBay has the parcel, nothing is reported twice.
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("UPDATE jobs SET state = 'queued', run_at = 0 WHERE kind = 'channel_tracking_push'")
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    run().await.unwrap();
    assert_eq!(fake.fulfillments().len(), 2);
    let (_, detail) = get(&app, &format!("/api/v1/channel-connections/{id}"), &f.s.merchant_a_key).await;
    let pushes: Vec<&str> = detail["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["topic"] == "tracking")
        .map(|d| d["detail"].as_str().unwrap())
        .collect();
    assert_eq!(pushes.len(), 2, "{pushes:?}");
    assert!(pushes.iter().any(|d| d.starts_with("tracking sent: YT")), "{pushes:?}");
    assert!(pushes.contains(&"nothing sent: the channel has these parcels already"), "{pushes:?}");
}
