//! Tracking numbers back to the channels (SYS-3): orders from a Shopify shop, a WooCommerce site
//! and Amazon are picked, packed and handed over; the jobs the hand-over queued tell each channel,
//! shaped as its API documents, against local stand-ins.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_connectors::channel_hooks::sign_base64;
use tradeport_testkit::shops::{SHOPIFY_TOKEN, WOO_KEY};
use tradeport_testkit::{ShopFake, SpApiFake, TestApp, db_tests};

use crate::channels::deliver;
use crate::helpers::{get, post};
use crate::returns::hand_over_orders;
use crate::warehouse::{Floor, confirm_order, floor, stock_bin};

db_tests!(handed_over_parcels_are_reported_to_shopify_woocommerce_and_amazon);

async fn connect(app: &TestApp, f: &Floor, body: Value) -> String {
    let (status, c) = post(app, "/api/v1/channel-connections", &f.s.merchant_a_key, body).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    c["id"].as_str().unwrap().to_string()
}

/// A webhook delivery signed with `secret`; the order made, as the API answers it.
async fn delivered(
    app: &TestApp,
    f: &Floor,
    conn: &str,
    headers: [(&str, &str); 2],
    secret: &str,
    body: Value,
) -> Value {
    let bytes = serde_json::to_vec(&body).unwrap();
    let signature = sign_base64(secret, &bytes);
    let [sig, topic] = headers;
    let all = [(sig.0, signature.as_str()), topic, (sig.1, "d-1")];
    let (status, answer) = deliver(app, conn, &all, &bytes).await;
    assert_eq!((status, answer["outcome"].as_str()), (StatusCode::OK, Some("created")), "{answer}");
    get(app, &format!("/api/v1/orders/{}", answer["order_id"].as_str().unwrap()), &f.s.merchant_a_key).await.1
}

fn address_shopify() -> Value {
    json!({"name": "Ada Lovelace", "address1": "1 Lovelace Way", "city": "London", "zip": "EC1Y 8SY", "country_code": "GB",
           "phone": "020 7946 0958"})
}

async fn handed_over_parcels_are_reported_to_shopify_woocommerce_and_amazon(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 10, "A-01-01-1-1").await;
    stock_bin(&app, &f, "PEN", 10, "A-01-01-1-2").await;
    let (shop, amazon) = (ShopFake::start().await, SpApiFake::start().await);
    let mapping = json!({"default_service": "standard"});
    let shopify = connect(
        &app,
        &f,
        json!({"kind": "shopify", "name": "Shopify", "shop_domain": "acme.myshopify.com",
        "site_url": shop.base_url, "webhook_secret": "shpss_pushback", "mapping": mapping,
        "credentials": {"access_token": SHOPIFY_TOKEN}}),
    )
    .await;
    let woo = connect(
        &app,
        &f,
        json!({"kind": "woocommerce", "name": "Woo", "site_url": shop.base_url,
        "webhook_secret": "woo_pushback", "mapping": mapping,
        "credentials": {"consumer_key": WOO_KEY.0, "consumer_secret": WOO_KEY.1}}),
    )
    .await;
    let marketplace = connect(
        &app,
        &f,
        json!({"kind": "amazon", "name": "Amazon UK", "seller_id": "A2EXAMPLE",
        "marketplace_ids": ["A1F83G8C2ARO7P"], "site_url": amazon.base_url, "mapping": mapping,
        "credentials": {"refresh_token": "Atzr|r", "client_id": "c", "client_secret": "s"}}),
    )
    .await;

    let from_shopify = json!({"id": 5001, "name": "#5001", "email": "ada@example.com", "currency": "GBP",
        "financial_status": "paid", "total_price": "28.00", "subtotal_price": "20.00", "total_tax": "0.00",
        "line_items": [{"sku": "MUG", "quantity": 2, "price": "10.00"}],
        "shipping_lines": [{"code": "standard", "title": "Standard", "price": "8.00"}],
        "shipping_address": address_shopify()});
    let o1 = delivered(
        &app,
        &f,
        &shopify,
        [("X-Shopify-Hmac-Sha256", "X-Shopify-Webhook-Id"), ("X-Shopify-Topic", "orders/create")],
        "shpss_pushback",
        from_shopify,
    )
    .await;
    let from_woo = json!({"id": 6001, "number": "6001", "status": "processing", "currency": "GBP", "total": "18.00",
        "shipping_total": "8.00", "discount_total": "0.00", "total_tax": "0.00",
        "billing": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "phone": "020 7946 0958"},
        "shipping": {"first_name": "Ada", "last_name": "Lovelace", "address_1": "1 Lovelace Way", "city": "London",
                     "postcode": "EC1Y 8SY", "country": "GB"},
        "line_items": [{"sku": "PEN", "quantity": 1, "subtotal": "10.00", "total": "10.00"}]});
    let o2 = delivered(
        &app,
        &f,
        &woo,
        [("X-WC-Webhook-Signature", "X-WC-Webhook-Delivery-ID"), ("X-WC-Webhook-Topic", "order.created")],
        "woo_pushback",
        from_woo,
    )
    .await;
    // Amazon: one order of a pen, in pounds, to London.
    let order = json!({"AmazonOrderId": "202-0000001-0000001", "PurchaseDate": "2030-01-01T00:00:00Z",
        "LastUpdateDate": "2030-01-01T00:00:01Z", "OrderStatus": "Unshipped", "FulfillmentChannel": "MFN",
        "MarketplaceId": "A1F83G8C2ARO7P", "OrderTotal": {"CurrencyCode": "GBP", "Amount": "18.00"},
        "BuyerInfo": {"BuyerEmail": "ada@example.com"}});
    amazon.set_pages(vec![vec![order]]);
    amazon.set_items("202-0000001-0000001", json!([{"ASIN": "B0", "OrderItemId": "31001", "SellerSKU": "PEN", "QuantityOrdered": 1,
        "ItemPrice": {"CurrencyCode": "GBP", "Amount": "10.00"}, "ShippingPrice": {"CurrencyCode": "GBP", "Amount": "8.00"}}]));
    amazon.set_address(
        "202-0000001-0000001",
        json!({"Name": "Ada Lovelace", "AddressLine1": "1 Lovelace Way", "City": "London",
        "PostalCode": "EC1Y 8SY", "CountryCode": "GB", "Phone": "020 7946 0958"}),
    );
    let with_amazon = app.app.clone().with_amazon(&amazon.token_url(), Duration::from_millis(10));
    let admin = tradeport_app::access::system_principal(f.s.operator.id);
    let polled = tradeport_app::channels::poll_connection(&with_amazon, &admin, &marketplace).await.unwrap();
    let (_, log) =
        get(&app, &format!("/api/v1/channel-connections/{marketplace}"), &f.s.merchant_a_key).await;
    assert_eq!(polled.created, 1, "{polled:?} {}", log["deliveries"]);
    let (_, listed) = get(&app, "/api/v1/orders?channel=amazon", &f.s.merchant_a_key).await;
    let o3 = get(
        &app,
        &format!("/api/v1/orders/{}", listed["items"][0]["id"].as_str().unwrap()),
        &f.s.merchant_a_key,
    )
    .await
    .1;

    let mut ids = Vec::new();
    for o in [o1, o2, o3] {
        ids.push(confirm_order(&app, &f, o).await);
    }
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    hand_over_orders(&app, &f, &refs).await;
    let mut conn = app.app.db().read().await.unwrap();
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE kind = 'channel_tracking_push'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(queued, 3, "one push per channel order, queued with the hand-over");
    tradeport_app::jobs::run_due(&with_amazon, "test", Duration::from_secs(60), 10).await.unwrap();
    let mut conn = app.app.db().read().await.unwrap();
    let states: Vec<String> =
        sqlx::query_scalar("SELECT state FROM jobs WHERE kind = 'channel_tracking_push'")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    drop(conn);
    assert_eq!(states, ["done"; 3], "every push landed");

    let calls = shop.calls();
    let fulfilment =
        &calls.iter().find(|(what, _)| what == "shopify fulfillment").expect("Shopify was told").1;
    let info = &fulfilment["fulfillment"]["tracking_info"];
    assert_eq!(info["company"], "Yun Express", "{fulfilment}");
    assert!(info["number"].as_str().unwrap().starts_with("YT"), "{fulfilment}");
    assert_eq!(
        fulfilment["fulfillment"]["line_items_by_fulfillment_order"],
        json!([{"fulfillment_order_id": 1046000001}]),
        "only the open one"
    );
    let note =
        &calls.iter().find(|(what, _)| what == "woocommerce note 6001").expect("WooCommerce was told").1;
    assert!(
        note["note"].as_str().unwrap().contains("Yun Express YT") && note["customer_note"] == true,
        "{note}"
    );
    assert!(
        calls.iter().any(|(what, body)| what == "woocommerce order 6001" && body["status"] == "completed"),
        "{calls:?}"
    );
    let confirmations = amazon.confirmations();
    assert_eq!(confirmations.len(), 1);
    let (order_id, body) = &confirmations[0];
    assert_eq!(order_id, "202-0000001-0000001");
    assert_eq!(body["marketplaceId"], "A1F83G8C2ARO7P");
    assert_eq!(
        body["packageDetail"]["orderItems"],
        json!([{"orderItemId": "31001", "quantity": 1}]),
        "{body}"
    );
    assert_eq!(body["packageDetail"]["carrierCode"], "Yun Express");
    // The connections' logs say so.
    let (_, detail) = get(&app, &format!("/api/v1/channel-connections/{shopify}"), &f.s.merchant_a_key).await;
    let pushed =
        detail["deliveries"].as_array().unwrap().iter().find(|d| d["topic"] == "tracking").expect("logged");
    assert!(pushed["detail"].as_str().unwrap().starts_with("tracking sent: YT"), "{pushed}");

    // The WooCommerce push runs again (its answer was lost): the note is there, none is added.
    let mut conn = app.app.db().read().await.unwrap();
    let requeue = format!("UPDATE jobs SET state = 'queued', run_at = 0 WHERE payload LIKE '%{woo}%'");
    sqlx::query(sqlx::AssertSqlSafe(requeue)).execute(&mut *conn).await.unwrap();
    drop(conn);
    tradeport_app::jobs::run_due(&with_amazon, "test", Duration::from_secs(60), 10).await.unwrap();
    let notes = shop.calls().iter().filter(|(what, _)| what == "woocommerce note 6001").count();
    assert_eq!(notes, 1, "one note however often the push runs");
    let (_, detail) = get(&app, &format!("/api/v1/channel-connections/{woo}"), &f.s.merchant_a_key).await;
    let again = &detail["deliveries"][0];
    assert_eq!(again["detail"], "nothing sent: the channel has these parcels already", "{detail}");
}
