//! Amazon orders polled from a local stand-in for the Selling Partner API that serves Amazon's own
//! example payloads (ORD-1): paging by NextToken, the address Amazon held back asked for, 429s
//! answered by pausing, and a poll throttled to a stop resumed from the watermark without a gap
//! or a duplicate.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{SpApiFake, TestApp, db_tests};

use crate::helpers::{get, post};

db_tests!(
    a_throttled_poll_backs_off_and_resumes_from_the_watermark_without_gaps_or_duplicates,
    an_order_whose_address_amazon_holds_back_waits_and_is_taken_when_released,
    a_connection_on_the_2026_orders_api_is_polled_with_search_orders
);

fn fixture(name: &str) -> Value {
    let path = format!("{}/../../fixtures/channels/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

async fn a_throttled_poll_backs_off_and_resumes_from_the_watermark_without_gaps_or_duplicates(app: TestApp) {
    let s = app.seed("amzn").await;
    let body = json!({"sku": "NABetaASINB00551Q3CS", "name": "Card Book", "weight_g": 200, "declared_value_minor": 1000,
                      "declared_currency": "USD", "hs_code": "490199", "origin_country": "US", "category": "books"});
    assert_eq!(post(&app, "/api/v1/skus", &s.merchant_a_key, body).await.0, StatusCode::OK);
    let fake = SpApiFake::start().await;
    // Amazon's sandbox orders (Unshipped, no address: restricted data) on the first page, its
    // example Pending order on the second.
    let sandbox = fixture("getOrders_sandbox_TEST_CASE_200.json");
    let (mut first, mut second) =
        (sandbox["payload"]["Orders"][0].clone(), sandbox["payload"]["Orders"][1].clone());
    let mut pending = fixture("getOrders_200_example.json")["payload"]["Orders"][0].clone();
    // Changed after the first poll's start (the examples' own dates are from 1970 and 2017).
    for (n, order) in [&mut first, &mut second, &mut pending].into_iter().enumerate() {
        order["LastUpdateDate"] = json!(format!("2030-01-01T00:00:0{}Z", n + 1));
    }
    fake.set_pages(vec![vec![first.clone()], vec![second.clone(), pending]]);
    let items = fixture("getOrderItems_sandbox_TEST_CASE_200.json")["payload"]["OrderItems"].clone();
    for order in [&first, &second] {
        let id = order["AmazonOrderId"].as_str().unwrap();
        fake.set_items(id, items.clone());
        fake.set_address(
            id,
            json!({"Name": "Jane Doe", "AddressLine1": "2201 Westlake Ave", "City": "Seattle",
            "StateOrRegion": "WA", "PostalCode": "98121", "CountryCode": "US", "Phone": "+1 206-266-1000"}),
        );
    }
    let app_with_fake = app.app.clone().with_amazon(&fake.token_url(), Duration::from_millis(10));
    let connect = json!({"kind": "amazon", "name": "Amazon US", "seller_id": "A2EXAMPLE", "marketplace_ids": ["ATVPDKIKX0DER"],
                         "site_url": fake.base_url, "mapping": {"default_service": "standard"},
                         "credentials": {"refresh_token": "Atzr|refresh", "client_id": "amzn1.application-oa2-client.x", "client_secret": "s3cret"}});
    let (status, c) = post(&app, "/api/v1/channel-connections", &s.merchant_a_key, connect).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let id = c["id"].as_str().unwrap().to_string();
    let principal = tradeport_app::access::system_principal(s.operator.id);

    // Amazon throttles the second page past every retry: the poll stops, the watermark stays.
    fake.throttle(1, 50);
    let stopped = tradeport_app::channels::poll_connection(&app_with_fake, &principal, &id).await.unwrap();
    assert!(stopped.error.as_deref().unwrap_or_default().contains("429"), "{stopped:?}");
    assert_eq!((stopped.created, fake.throttled()), (1, 5), "{stopped:?}");
    let (_, detail) = get(&app, &format!("/api/v1/channel-connections/{id}"), &s.merchant_a_key).await;
    assert_eq!(detail["health"]["failures"], 1, "{detail}");

    // The next poll starts where the last full one ended, meets two 429s, pauses and goes on.
    fake.throttle(1, 2);
    let resumed = tradeport_app::channels::poll_connection(&app_with_fake, &principal, &id).await.unwrap();
    assert_eq!(resumed.error, None, "{resumed:?}");
    assert_eq!((resumed.already_taken, resumed.created, resumed.ignored), (1, 1, 1), "{resumed:?}");
    assert_eq!(fake.throttled(), 7);
    let calls = fake.calls();
    assert_eq!(calls[0].0, calls[1].0, "resumed from the same watermark: {calls:?}");
    // The newest change seen is in the future here: the watermark stays five minutes behind now.
    assert!(resumed.watermark > calls[0].0 && resumed.watermark.as_str() < "2030", "{resumed:?}");

    // Again: everything is known, nothing is made twice, and the watermark is the newest change.
    let again = tradeport_app::channels::poll_connection(&app_with_fake, &principal, &id).await.unwrap();
    assert_eq!((again.created, again.already_taken), (0, 3), "{again:?}");
    assert_eq!(fake.calls().last().unwrap().0, resumed.watermark);
    let (_, orders) = get(&app, "/api/v1/orders?channel=amazon", &s.merchant_a_key).await;
    let items = orders["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{orders}");
    let one = items.iter().find(|o| o["channel_order_id"] == "902-1845936-5435065").unwrap();
    let (_, order) =
        get(&app, &format!("/api/v1/orders/{}", one["id"].as_str().unwrap()), &s.merchant_a_key).await;
    assert_eq!(order["shipping_address"]["city"], "Seattle", "the address Amazon released: {order}");
    assert_eq!((order["total_minor"].as_i64(), order["tax_minor"].as_i64()), (Some(1101), Some(101)));
    // A paused connection is not polled.
    let pause = json!({"status": "paused"});
    let path = format!("/api/v1/channel-connections/{id}");
    let (status, _) =
        crate::helpers::call(&app, reqwest::Method::PATCH, &path, &s.merchant_a_key, Some(pause)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = post(&app, &format!("{path}/poll"), &s.merchant_a_key, json!({})).await;
    assert_eq!((status, crate::helpers::code(&body)), (StatusCode::CONFLICT, "channel.paused"));
    // Shops are not polled.
    let (status, answer) =
        post(&app, "/api/v1/channel-connections/nope/poll", &s.merchant_a_key, json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
}

async fn a_connection_on_the_2026_orders_api_is_polled_with_search_orders(app: TestApp) {
    let s = app.seed("amzn26").await;
    let body = json!({"sku": "ECHO-DOT-4-UK-CHARCOAL-3PACK", "name": "Echo Dot", "weight_g": 300, "declared_value_minor": 2999,
                      "declared_currency": "GBP", "hs_code": "851762", "origin_country": "CN", "category": "electronics"});
    assert_eq!(post(&app, "/api/v1/skus", &s.merchant_a_key, body).await.0, StatusCode::OK);
    let fake = SpApiFake::start().await;
    // Amazon's GB example, not yet shipped, on two pages under two order ids.
    let mut first = fixture("orders_2026-01-01_getOrder_200_example_GB.json")["order"].clone();
    first["fulfillment"]["fulfillmentStatus"] = json!("UNSHIPPED");
    first["lastUpdatedTime"] = json!("2030-01-01T00:00:01Z");
    let mut second = first.clone();
    second["orderId"] = json!("202-7654321-0000002");
    second["lastUpdatedTime"] = json!("2030-01-01T00:00:02Z");
    fake.set_pages(vec![vec![first], vec![second]]);
    let with_fake = app.app.clone().with_amazon(&fake.token_url(), Duration::from_millis(10));
    let mut connect = json!({"kind": "amazon", "name": "Amazon UK", "seller_id": "A2EXAMPLE", "marketplace_ids": ["A1F83G8C2ARO7P"],
                         "orders_api": "v3", "site_url": fake.base_url, "mapping": {"default_service": "standard"},
                         "credentials": {"refresh_token": "Atzr|refresh", "client_id": "amzn1.application-oa2-client.x", "client_secret": "s3cret"}});
    let (status, refused) =
        post(&app, "/api/v1/channel-connections", &s.merchant_a_key, connect.clone()).await;
    assert!(status.is_client_error(), "an unknown Orders API is refused: {status} {refused}");
    connect["orders_api"] = json!("2026-01-01");
    let (status, c) = post(&app, "/api/v1/channel-connections", &s.merchant_a_key, connect).await;
    assert_eq!((status, c["orders_api"].as_str()), (StatusCode::CREATED, Some("2026-01-01")), "{c}");
    let id = c["id"].as_str().unwrap().to_string();
    let principal = tradeport_app::access::system_principal(s.operator.id);

    let polled = tradeport_app::channels::poll_connection(&with_fake, &principal, &id).await.unwrap();
    assert_eq!((polled.error.as_deref(), polled.created), (None, 2), "{polled:?}");
    let calls = fake.calls();
    assert_eq!(calls.iter().map(|c| c.1.as_str()).collect::<Vec<_>>(), ["", "page-1"], "{calls:?}");
    let (_, orders) = get(&app, "/api/v1/orders?channel=amazon", &s.merchant_a_key).await;
    let one = orders["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["channel_order_id"] == "202-1234567-8901234")
        .unwrap();
    let (_, order) =
        get(&app, &format!("/api/v1/orders/{}", one["id"].as_str().unwrap()), &s.merchant_a_key).await;
    // The recipient came with the order (no restricted data token in this API).
    assert_eq!(order["shipping_address"]["city"], "Manchester", "{order}");
    assert_eq!((order["total_minor"].as_i64(), order["currency"].as_str()), (Some(10397), Some("GBP")));
    let again = tradeport_app::channels::poll_connection(&with_fake, &principal, &id).await.unwrap();
    assert_eq!((again.created, again.already_taken), (0, 2), "{again:?}");
}

async fn an_order_whose_address_amazon_holds_back_waits_and_is_taken_when_released(app: TestApp) {
    let s = app.seed("amznwait").await;
    let body = json!({"sku": "NABetaASINB00551Q3CS", "name": "Card Book", "weight_g": 200, "declared_value_minor": 1000,
                      "declared_currency": "USD", "hs_code": "490199", "origin_country": "US", "category": "books"});
    assert_eq!(post(&app, "/api/v1/skus", &s.merchant_a_key, body).await.0, StatusCode::OK);
    let fake = SpApiFake::start().await;
    let mut order = fixture("getOrders_sandbox_TEST_CASE_200.json")["payload"]["Orders"][0].clone();
    order["LastUpdateDate"] = json!("2030-01-01T00:00:01Z");
    let id = order["AmazonOrderId"].as_str().unwrap().to_string();
    fake.set_pages(vec![vec![order]]);
    fake.set_items(&id, fixture("getOrderItems_sandbox_TEST_CASE_200.json")["payload"]["OrderItems"].clone());
    let with_fake = app.app.clone().with_amazon(&fake.token_url(), Duration::from_millis(10));
    let connect = json!({"kind": "amazon", "name": "Amazon US", "seller_id": "A2EXAMPLE", "marketplace_ids": ["ATVPDKIKX0DER"],
                         "site_url": fake.base_url, "mapping": {"default_service": "standard"},
                         "credentials": {"refresh_token": "Atzr|refresh", "client_id": "amzn1.application-oa2-client.x", "client_secret": "s3cret"}});
    let (_, c) = post(&app, "/api/v1/channel-connections", &s.merchant_a_key, connect).await;
    let conn_id = c["id"].as_str().unwrap().to_string();
    let principal = tradeport_app::access::system_principal(s.operator.id);
    let poll = || tradeport_app::channels::poll_connection(&with_fake, &principal, &conn_id);

    // Amazon holds the address back: the order waits, nothing is made, and it is not lost.
    let first = poll().await.unwrap();
    assert_eq!((first.waiting, first.created, first.refused), (1, 0, 0), "{first:?}");
    // Amazon's later pages no longer carry it (it has not changed): each poll asks for it alone.
    fake.set_pages(vec![vec![]]);
    let second = poll().await.unwrap();
    assert_eq!((second.orders_seen, second.waiting, second.created), (0, 1, 0), "asked again: {second:?}");
    let (_, orders) = get(&app, "/api/v1/orders?channel=amazon", &s.merchant_a_key).await;
    assert_eq!(orders["items"], json!([]));
    // Released: the next poll takes the order in, with its address, once.
    fake.set_address(
        &id,
        json!({"Name": "Jane Doe", "AddressLine1": "2201 Westlake Ave", "City": "Seattle",
        "StateOrRegion": "WA", "PostalCode": "98121", "CountryCode": "US", "Phone": "+1 206-266-1000"}),
    );
    let third = poll().await.unwrap();
    assert_eq!((third.orders_seen, third.waiting, third.created), (0, 0, 1), "taken by getOrder: {third:?}");
    let fourth = poll().await.unwrap();
    assert_eq!((fourth.waiting, fourth.created), (0, 0), "{fourth:?}");
    let (_, orders) = get(&app, "/api/v1/orders?channel=amazon", &s.merchant_a_key).await;
    assert_eq!(orders["items"][0]["channel_order_id"], id.as_str(), "{orders}");
    let (_, detail) = get(&app, &format!("/api/v1/channel-connections/{conn_id}"), &s.merchant_a_key).await;
    let outcomes: Vec<&str> =
        detail["deliveries"].as_array().unwrap().iter().map(|d| d["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["created"], "the waiting delivery itself is finished: {detail}");

    // One credential changed, the others kept: the account still polls. Replaced by that one
    // alone: the missing ones are named.
    let path = format!("/api/v1/channel-connections/{conn_id}");
    let change = |body: Value| {
        crate::helpers::call(&app, reqwest::Method::PATCH, &path, &s.merchant_a_key, Some(body))
    };
    let (status, kept) =
        change(json!({"credentials": {"client_secret": "rotated"}, "keep_other_credentials": true})).await;
    assert_eq!(status, StatusCode::OK, "{kept}");
    assert_eq!(kept["credential_names"], json!(["client_id", "client_secret", "refresh_token"]), "{kept}");
    assert_eq!(poll().await.unwrap().error, None);
    let (_, replaced) = change(json!({"credentials": {"client_secret": "rotated"}})).await;
    assert_eq!(replaced["credential_names"], json!(["client_secret"]), "{replaced}");
    let refused = poll().await.unwrap_err();
    assert_eq!(refused.code(), "channel.credentials_missing", "{refused}");
}
