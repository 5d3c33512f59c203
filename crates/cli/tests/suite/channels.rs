//! Sales channels (ORD-1, SYS-3): Shopify and WooCommerce webhooks through the real HTTP
//! endpoint, signed as the shops sign them, taken in once, with secrets kept sealed.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tradeport_connectors::channel_hooks::sign_base64;
use tradeport_testkit::{Seeded, TestApp, db_tests};

use crate::helpers::{call, code, get, post};

db_tests!(
    a_signed_shopify_delivery_becomes_one_order_and_unsigned_ones_leave_nothing,
    twenty_concurrent_deliveries_of_one_order_make_one_order,
    a_delivery_signed_with_the_previous_secret_is_accepted_during_rotation,
    an_id_beyond_two_to_the_53_round_trips_exactly,
    secrets_never_appear_in_answers_or_in_clear_in_the_database,
    a_woocommerce_ping_is_answered_and_its_order_arrives_signed_with_the_decoded_secret,
    a_cancellation_in_the_shop_cancels_the_order_and_a_new_address_is_applied,
    a_merchant_sees_only_its_own_connections,
);

const SHOPIFY_SECRET: &str = "shpss_a1b2c3d4e5f6";

pub(crate) fn shopify_fixture() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/channels/shopify_api_ruby_test_fixture_order.json"
    ))
    .expect("the Shopify fixture")
}

/// Merchant A's three iPod SKUs and a Shopify connection; returns its id.
pub(crate) async fn shopify_shop(app: &TestApp, s: &Seeded) -> String {
    for sku in ["IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK", "LAMP"] {
        let body = json!({"sku": sku, "name": "iPod Nano 8GB", "weight_g": 120, "declared_value_minor": 19900,
                          "declared_currency": "USD", "hs_code": "851981", "origin_country": "CN", "category": "electronics"});
        let (status, created) = post(app, "/api/v1/skus", &s.merchant_a_key, body).await;
        assert_eq!(status, StatusCode::OK, "{created}");
    }
    let connect = json!({"kind": "shopify", "name": "US Shopify", "shop_domain": "Ipod-Shop.myshopify.com",
                         "webhook_secret": SHOPIFY_SECRET,
                         "mapping": {"services": {"Free Shipping": "standard"}, "default_service": "standard"}});
    let (status, c) = post(app, "/api/v1/channel-connections", &s.merchant_a_key, connect).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert_eq!(c["shop_domain"], "ipod-shop.myshopify.com", "{c}");
    c["id"].as_str().unwrap().to_string()
}

/// Posts a delivery as Shopify does; returns status and answer.
pub(crate) async fn deliver(
    app: &TestApp,
    connection: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (StatusCode, Value) {
    let mut req =
        app.client.post(app.url(&format!("/api/v1/channel-hooks/{connection}"))).body(body.to_vec());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn shopify(
    app: &TestApp,
    connection: &str,
    secret: &str,
    id: &str,
    topic: &str,
    body: &[u8],
) -> (StatusCode, Value) {
    let signature = sign_base64(secret, body);
    let headers = [
        ("X-Shopify-Hmac-Sha256", signature.as_str()),
        ("X-Shopify-Webhook-Id", id),
        ("X-Shopify-Topic", topic),
    ];
    deliver(app, connection, &headers, body).await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&mut *conn).await.unwrap()
}

async fn a_signed_shopify_delivery_becomes_one_order_and_unsigned_ones_leave_nothing(app: TestApp) {
    let s = app.seed("shop").await;
    let shop = shopify_shop(&app, &s).await;
    let body = shopify_fixture();
    let good = sign_base64(SHOPIFY_SECRET, &body);
    let other_body = sign_base64(SHOPIFY_SECRET, b"{\"id\":1}");
    let cases: [(&str, Vec<(&str, &str)>); 4] = [
        ("no signature", vec![("X-Shopify-Webhook-Id", "w-0")]),
        ("wrong secret", vec![("X-Shopify-Hmac-Sha256", "dIomMpiYavYNlSAFvWWH63/jalqfHdr5TKTLRnKUc8s=")]),
        ("another body's signature", vec![("X-Shopify-Hmac-Sha256", other_body.as_str())]),
        ("not base64", vec![("X-Shopify-Hmac-Sha256", "???")]),
    ];
    for (what, headers) in cases {
        let (status, answer) = deliver(&app, &shop, &headers, &body).await;
        assert_eq!(
            (status, code(&answer)),
            (StatusCode::UNAUTHORIZED, "webhook.signature_invalid"),
            "{what}: {answer}"
        );
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM orders").await, 0);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM channel_deliveries").await,
        0,
        "an unsigned delivery leaves no trace"
    );

    let headers = [
        ("X-Shopify-Hmac-Sha256", good.as_str()),
        ("X-Shopify-Webhook-Id", "w-1"),
        ("X-Shopify-Topic", "orders/create"),
    ];
    let (status, answer) = deliver(&app, &shop, &headers, &body).await;
    assert_eq!((status, answer["outcome"].as_str()), (StatusCode::OK, Some("created")), "{answer}");
    let id = answer["order_id"].as_str().unwrap().to_string();
    let (_, order) = get(&app, &format!("/api/v1/orders/{id}"), &s.merchant_a_key).await;
    assert_eq!(
        (order["channel"].as_str(), order["channel_order_id"].as_str()),
        (Some("shopify"), Some("450789469"))
    );
    assert_eq!(order["buyer_name"], "Bob Norman", "{order}");
    assert_eq!(order["buyer_email"], "bob.norman@hostmail.com");
    assert_eq!(order["shipping_address"]["city"], "Louisville");
    let totals = ["subtotal_minor", "discount_minor", "shipping_fee_minor", "tax_minor", "total_minor"]
        .map(|k| order[k].as_i64());
    assert_eq!(totals, [Some(59700), Some(19900), Some(0), Some(1194), Some(40994)], "{order}");
    assert_eq!(order["lines"].as_array().unwrap().len(), 3);
    assert_eq!(order["status"], "on_hold", "authorized, not paid: {order}");
    assert_eq!(order["channel_link"]["display_ref"], "#1001", "{order}");
    assert_eq!(
        order["channel_link"]["url"], "https://ipod-shop.myshopify.com/admin/orders/450789469",
        "{order}"
    );

    // The same delivery again is answered from its record.
    let (status, again) = deliver(&app, &shop, &headers, &body).await;
    assert_eq!(
        (status, again["duplicate"].as_bool(), again["order_id"].as_str()),
        (StatusCode::OK, Some(true), Some(id.as_str()))
    );
    // The log says what happened to each.
    let (_, detail) = get(&app, &format!("/api/v1/channel-connections/{shop}"), &s.merchant_a_key).await;
    let log = detail["deliveries"].as_array().unwrap();
    assert_eq!(log.len(), 1, "{detail}");
    assert_eq!(
        (log[0]["outcome"].as_str(), log[0]["external_id"].as_str()),
        (Some("created"), Some("450789469"))
    );
    assert!(detail["health"]["last_success_at"].is_i64(), "{detail}");

    // A payload intake refuses is answered 200 (the shop cannot fix it by retrying) and logged.
    let unknown = String::from_utf8(body.clone())
        .unwrap()
        .replace("450789469", "450789470")
        .replace("IPOD2008RED", "NOT-A-SKU");
    let (status, refused) =
        shopify(&app, &shop, SHOPIFY_SECRET, "w-2", "orders/create", unknown.as_bytes()).await;
    assert_eq!((status, refused["outcome"].as_str()), (StatusCode::OK, Some("refused")), "{refused}");
    assert!(refused["detail"].as_str().unwrap().contains("NOT-A-SKU"), "{refused}");
    let (_, detail) = get(&app, &format!("/api/v1/channel-connections/{shop}"), &s.merchant_a_key).await;
    assert_eq!(detail["health"]["failures"], 1, "{detail}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM orders").await, 1);
    // The operator's monitoring sees it too.
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let failures = format!("channel_connection_failures{{connection=\"{shop}\",kind=\"shopify\"}} 1");
    assert!(metrics.contains(&failures), "{metrics}");
    assert!(metrics.contains("channel_connection_seconds_since_success{"), "{metrics}");
}

async fn twenty_concurrent_deliveries_of_one_order_make_one_order(app: TestApp) {
    let s = app.seed("burst").await;
    let shop = shopify_shop(&app, &s).await;
    let body = shopify_fixture();
    // Twenty retries of one delivery, and twenty deliveries of the same order under other ids.
    let signature = sign_base64(SHOPIFY_SECRET, &body);
    let mut sends = tokio::task::JoinSet::new();
    for n in 0..40 {
        let id = if n % 2 == 0 { "same-delivery".to_string() } else { format!("delivery-{n}") };
        let req = app
            .client
            .post(app.url(&format!("/api/v1/channel-hooks/{shop}")))
            .header("X-Shopify-Hmac-Sha256", &signature)
            .header("X-Shopify-Webhook-Id", id)
            .header("X-Shopify-Topic", "orders/create")
            .body(body.clone());
        sends.spawn(async move {
            let res = req.send().await.unwrap();
            (res.status(), res.json::<Value>().await.unwrap())
        });
    }
    let answers = sends.join_all().await;
    let ids: std::collections::BTreeSet<String> = answers
        .iter()
        .map(|(status, a)| {
            assert_eq!(*status, StatusCode::OK, "{a}");
            a["order_id"].as_str().unwrap_or_else(|| panic!("{a}")).to_string()
        })
        .collect();
    assert_eq!(ids.len(), 1, "{answers:?}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM orders").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM order_lines").await, 3);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM channel_deliveries").await,
        21,
        "one record per delivery id"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM channel_order_links").await, 1);
}

async fn a_delivery_signed_with_the_previous_secret_is_accepted_during_rotation(app: TestApp) {
    let s = app.seed("rotate").await;
    let shop = shopify_shop(&app, &s).await;
    let rotate = json!({"webhook_secret": "shpss_new_secret_2026"});
    let (status, c) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/channel-connections/{shop}"),
        &s.merchant_a_key,
        Some(rotate),
    )
    .await;
    assert_eq!((status, c["previous_secret_accepted"].as_bool()), (StatusCode::OK, Some(true)), "{c}");
    let body = shopify_fixture();
    let (status, old) = shopify(&app, &shop, SHOPIFY_SECRET, "r-1", "orders/create", &body).await;
    assert_eq!((status, old["outcome"].as_str()), (StatusCode::OK, Some("created")), "{old}");
    let (status, new) = shopify(&app, &shop, "shpss_new_secret_2026", "r-2", "orders/create", &body).await;
    assert_eq!((status, new["outcome"].as_str()), (StatusCode::OK, Some("updated")), "{new}");
    // Once the shop signs with the new one, the old one is let go.
    let forget = json!({"forget_previous_secret": true});
    let (status, c) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/channel-connections/{shop}"),
        &s.merchant_a_key,
        Some(forget),
    )
    .await;
    assert_eq!((status, c["previous_secret_accepted"].as_bool()), (StatusCode::OK, Some(false)), "{c}");
    let (status, _) = shopify(&app, &shop, SHOPIFY_SECRET, "r-3", "orders/create", &body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn an_id_beyond_two_to_the_53_round_trips_exactly(app: TestApp) {
    let s = app.seed("bigid").await;
    let shop = shopify_shop(&app, &s).await;
    // Written by hand so no JSON library rounds the id on the way: 2^53 + 1 and beyond.
    for id in ["9007199254740993", "820982911946154508"] {
        let body = format!(
            r##"{{"id": {id}, "name": "#9001", "email": "ada@example.com", "currency": "GBP", "financial_status": "paid",
               "total_price": "25.00", "subtotal_price": "25.00", "total_tax": "0.00",
               "line_items": [{{"sku": "LAMP", "quantity": 1, "price": "25.00"}}],
               "shipping_lines": [{{"code": "Free Shipping", "title": "Free Shipping", "price": "0.00"}}],
               "shipping_address": {{"name": "Ada Lovelace", "address1": "1 Lovelace Way", "city": "London", "zip": "EC1Y 8SY",
                                     "country_code": "GB", "phone": "020 7946 0958"}}}}"##
        );
        let (status, answer) =
            shopify(&app, &shop, SHOPIFY_SECRET, id, "orders/create", body.as_bytes()).await;
        assert_eq!((status, answer["outcome"].as_str()), (StatusCode::OK, Some("created")), "{answer}");
        let res = app
            .client
            .get(app.url(&format!("/api/v1/orders/{}", answer["order_id"].as_str().unwrap())))
            .bearer_auth(&s.merchant_a_key)
            .send()
            .await
            .unwrap();
        let raw = res.text().await.unwrap();
        assert!(raw.contains(&format!("\"channel_order_id\":\"{id}\"")), "{raw}");
    }
}

async fn secrets_never_appear_in_answers_or_in_clear_in_the_database(app: TestApp) {
    let s = app.seed("secret").await;
    let connect = json!({"kind": "amazon", "name": "Amazon US", "seller_id": "A2EXAMPLE", "marketplace_ids": ["ATVPDKIKX0DER"],
                         "credentials": {"refresh_token": "Atzr|refresh-token-0123456789", "client_secret": "amzn1.oa2-cs.v1.abcdef"}});
    let (status, created) = post(&app, "/api/v1/channel-connections", &s.merchant_a_key, connect).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["credential_names"], json!(["client_secret", "refresh_token"]), "{created}");
    let shop = shopify_shop(&app, &s).await;
    let secrets = ["Atzr|refresh-token-0123456789", "amzn1.oa2-cs.v1.abcdef", SHOPIFY_SECRET];
    for path in ["/api/v1/channel-connections".to_string(), format!("/api/v1/channel-connections/{shop}")] {
        let raw = app
            .client
            .get(app.url(&path))
            .bearer_auth(&s.merchant_a_key)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for secret in secrets {
            assert!(!raw.contains(secret), "{path} shows a secret: {raw}");
        }
    }
    let mut conn = app.app.db().read().await.unwrap();
    let stored: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT webhook_secret, previous_webhook_secret, credentials FROM channel_connections",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert_eq!(stored.len(), 2);
    for (secret, previous, credentials) in &stored {
        for text in [secret, previous, credentials] {
            assert!(text.is_empty() || text.starts_with("tp1."), "{text}");
            for s in secrets {
                assert!(!text.contains(s), "kept in clear: {text}");
            }
        }
    }
    // A key rotation: the new key seals, the old one still opens, `reseal` moves every value.
    let new_key = tradeport_connectors::sealed::Keyring::generate_key();
    let rotated =
        tradeport_connectors::sealed::Keyring::new(&new_key, &[tradeport_testkit::TEST_SECRETS_KEY]).unwrap();
    let new_id = rotated.current_id().to_string();
    let after = app.app.clone().with_keyring(rotated);
    assert_eq!(
        tradeport_app::channels::reseal_secrets(&after).await.unwrap(),
        2,
        "the Amazon credentials and the Shopify secret"
    );
    assert_eq!(tradeport_app::channels::reseal_secrets(&after).await.unwrap(), 0, "nothing left to move");
    let moved: Vec<String> =
        sqlx::query_scalar("SELECT webhook_secret FROM channel_connections WHERE webhook_secret <> ''")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    assert!(moved[0].starts_with(&format!("tp1.{new_id}.")), "{moved:?}");
    drop(conn);
    // With only the new key, deliveries still verify; the old key alone no longer opens them.
    let only_new =
        app.app.clone().with_keyring(tradeport_connectors::sealed::Keyring::new(&new_key, &[]).unwrap());
    let body = shopify_fixture();
    let signature = sign_base64(SHOPIFY_SECRET, &body);
    let headers = vec![
        ("x-shopify-hmac-sha256".to_string(), signature),
        ("x-shopify-webhook-id".to_string(), "k-1".to_string()),
        ("x-shopify-topic".to_string(), "orders/create".to_string()),
    ];
    let delivery = tradeport_app::channels::WebhookDelivery { connection_id: &shop, headers, body: &body };
    let answer = tradeport_app::channels::receive_webhook(&only_new, &delivery).await.unwrap();
    assert_eq!(answer.outcome, tradeport_domain::channels::DeliveryOutcome::Created);
    let (status, _) = shopify(&app, &shop, SHOPIFY_SECRET, "k-2", "orders/create", &body).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "the old key alone cannot open the moved secret");
}

async fn a_woocommerce_ping_is_answered_and_its_order_arrives_signed_with_the_decoded_secret(app: TestApp) {
    let s = app.seed("woo").await;
    for sku in ["WOO-SINGLE", "Bar3"] {
        let body = json!({"sku": sku, "name": sku, "weight_g": 300, "declared_value_minor": 1200, "declared_currency": "USD",
                          "hs_code": "610910", "origin_country": "CN", "category": "apparel"});
        assert_eq!(post(&app, "/api/v1/skus", &s.merchant_a_key, body).await.0, StatusCode::OK);
    }
    // WooCommerce keeps the secret HTML-escaped and signs with it decoded.
    let connect = json!({"kind": "woocommerce", "name": "Woo store", "site_url": "https://shop.example.com/",
                         "webhook_secret": "s3cr3t&amp;more",
                         "mapping": {"services": {"flat_rate": "standard"}, "skus": {"product:93": "WOO-SINGLE"}}});
    let (status, c) = post(&app, "/api/v1/channel-connections", &s.merchant_a_key, connect).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let woo = c["id"].as_str().unwrap();
    let (status, ping) =
        deliver(&app, woo, &[("Content-Type", "application/x-www-form-urlencoded")], b"webhook_id=42").await;
    assert_eq!((status, ping["outcome"].as_str()), (StatusCode::OK, Some("ignored")), "{ping}");

    let body = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/channels/wc_v3_order_727_docs_example.json"
    ))
    .unwrap();
    let escaped = sign_base64("s3cr3t&amp;more", &body);
    let headers = [
        ("X-WC-Webhook-Signature", escaped.as_str()),
        ("X-WC-Webhook-Delivery-ID", "d-1"),
        ("X-WC-Webhook-Topic", "order.created"),
    ];
    assert_eq!(
        deliver(&app, woo, &headers, &body).await.0,
        StatusCode::UNAUTHORIZED,
        "signed with the escaped secret"
    );
    let signature = sign_base64("s3cr3t&more", &body);
    let headers = [
        ("X-WC-Webhook-Signature", signature.as_str()),
        ("X-WC-Webhook-Delivery-ID", "d-1"),
        ("X-WC-Webhook-Topic", "order.created"),
    ];
    let (status, answer) = deliver(&app, woo, &headers, &body).await;
    assert_eq!((status, answer["outcome"].as_str()), (StatusCode::OK, Some("created")), "{answer}");
    let (_, order) =
        get(&app, &format!("/api/v1/orders/{}", answer["order_id"].as_str().unwrap()), &s.merchant_a_key)
            .await;
    // A WooCommerce id is unique only within its site: kept with the site's host, so the same
    // post id from the merchant's second site is another order.
    assert_eq!(
        (order["channel"].as_str(), order["channel_order_id"].as_str()),
        (Some("woocommerce"), Some("shop.example.com#727"))
    );
    let second = json!({"kind": "woocommerce", "name": "Second store", "site_url": "https://outlet.example.com",
                        "webhook_secret": "outlet-secret", "mapping": {"services": {"flat_rate": "standard"},
                        "skus": {"product:93": "WOO-SINGLE"}}});
    let (_, outlet) = post(&app, "/api/v1/channel-connections", &s.merchant_a_key, second).await;
    let signature = sign_base64("outlet-secret", &body);
    let headers = [
        ("X-WC-Webhook-Signature", signature.as_str()),
        ("X-WC-Webhook-Delivery-ID", "d-1"),
        ("X-WC-Webhook-Topic", "order.created"),
    ];
    let (_, other) = deliver(&app, outlet["id"].as_str().unwrap(), &headers, &body).await;
    assert_eq!(other["outcome"], "created", "{other}");
    assert_ne!(other["order_id"], answer["order_id"]);
    assert_eq!(
        (order["total_minor"].as_i64(), order["tax_minor"].as_i64(), order["paid_minor"].as_i64()),
        (Some(2935), Some(135), Some(2935))
    );
    assert_eq!(
        order["channel_link"]["url"], "https://shop.example.com/wp-admin/post.php?post=727&action=edit",
        "{order}"
    );
}

async fn a_cancellation_in_the_shop_cancels_the_order_and_a_new_address_is_applied(app: TestApp) {
    let s = app.seed("cancel").await;
    let shop = shopify_shop(&app, &s).await;
    let body: Value = serde_json::from_slice(&shopify_fixture()).unwrap();
    let bytes = |v: &Value| serde_json::to_vec(v).unwrap();
    let (_, created) = shopify(&app, &shop, SHOPIFY_SECRET, "c-1", "orders/create", &bytes(&body)).await;
    let id = created["order_id"].as_str().unwrap().to_string();

    let mut moved = body.clone();
    moved["order"]["shipping_address"]["address1"] = json!("12 Bardstown Road");
    let (_, updated) = shopify(&app, &shop, SHOPIFY_SECRET, "c-2", "orders/updated", &bytes(&moved)).await;
    assert_eq!(
        (updated["outcome"].as_str(), updated["detail"].as_str()),
        (Some("updated"), Some("shipping address changed")),
        "{updated}"
    );
    let (_, order) = get(&app, &format!("/api/v1/orders/{id}"), &s.merchant_a_key).await;
    assert_eq!(order["shipping_address"]["line1"], "12 Bardstown Road", "{order}");

    let mut cancelled = moved.clone();
    cancelled["order"]["cancelled_at"] = json!("2026-11-26T10:00:00-05:00");
    let (_, answer) =
        shopify(&app, &shop, SHOPIFY_SECRET, "c-3", "orders/cancelled", &bytes(&cancelled)).await;
    assert_eq!(answer["outcome"], "cancelled", "{answer}");
    let (_, order) = get(&app, &format!("/api/v1/orders/{id}"), &s.merchant_a_key).await;
    assert_eq!(order["status"], "cancelled", "{order}");
    let (_, again) =
        shopify(&app, &shop, SHOPIFY_SECRET, "c-4", "orders/cancelled", &bytes(&cancelled)).await;
    assert_eq!(
        (again["outcome"].as_str(), again["detail"].as_str()),
        (Some("updated"), Some("already cancelled"))
    );
    // Topics Tradeport does not take are answered and logged, not refused.
    let (status, other) = shopify(&app, &shop, SHOPIFY_SECRET, "c-5", "products/update", b"{}").await;
    assert_eq!((status, other["outcome"].as_str()), (StatusCode::OK, Some("ignored")), "{other}");
}

async fn a_merchant_sees_only_its_own_connections(app: TestApp) {
    let s = app.seed("tenancy").await;
    let shop = shopify_shop(&app, &s).await;
    let (status, _) = get(&app, &format!("/api/v1/channel-connections/{shop}"), &s.merchant_b_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, theirs) = get(&app, "/api/v1/channel-connections", &s.merchant_b_key).await;
    assert_eq!(theirs["items"], json!([]));
    let patch = json!({"status": "paused"});
    let (status, _) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/channel-connections/{shop}"),
        &s.merchant_b_key,
        Some(patch),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, all) = get(&app, "/api/v1/channel-connections", &s.admin_key).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 1, "staff see the operator's");
    // A connection for another operator's merchant cannot be made.
    let other = app.seed("other").await;
    let connect = json!({"kind": "csv", "name": "Files", "merchant_id": other.merchant_a.id.to_string()});
    let (status, _) = post(&app, "/api/v1/channel-connections", &s.admin_key, connect).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Warehouse staff may not connect channels.
    let warehouse = app.staff_key(&s, "warehouse").await;
    let (status, body) = post(
        &app,
        "/api/v1/channel-connections",
        &warehouse,
        json!({"kind": "csv", "name": "x", "merchant_id": s.merchant_a.id.to_string()}),
    )
    .await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "auth.forbidden"));
}
