//! Pre-sale (INV-4): a SKU sold before its goods arrive, never past its limit even when orders
//! race for the last units, its orders approved with the promised day shown to the buyer, and
//! filled oldest first when the goods come.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests, lamp_order};

use crate::helpers::{call, code, get, post};

db_tests!(
    a_presale_sells_up_to_its_limit_promises_its_day_and_fills_the_oldest_first,
    an_accepted_inbound_notice_sets_the_promised_day,
);

async fn presale(app: &TestApp, key: &str, sku: &str, body: Value) -> (StatusCode, Value) {
    call(app, reqwest::Method::PUT, &format!("/api/v1/skus/{sku}/presale"), key, Some(body)).await
}

async fn a_presale_sells_up_to_its_limit_promises_its_day_and_fills_the_oldest_first(app: TestApp) {
    let s = app.seed("acme").await;
    let c = app.seed_catalog(&s, 0).await;
    crate::orders::settings(&app, &s.admin_key, json!({"shortage_policy": "hold"})).await;
    // Without a pre-sale, an order of goods not in stock waits under the hold policy.
    let (_, held) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#before", 1)).await;
    assert_eq!(held["status"], "on_hold", "{held}");

    let day = (jiff::Zoned::now().date() + jiff::Span::new().days(20)).to_string();
    let (status, bad) = presale(&app, &s.merchant_a_key, &c.lamp, json!({"limit": 6})).await;
    assert_eq!(
        (status, crate::helpers::field(&bad)),
        (StatusCode::UNPROCESSABLE_ENTITY, "available_on"),
        "{bad}"
    );
    assert_eq!(
        presale(&app, &s.merchant_b_key, &c.lamp, json!({"available_on": day, "limit": 6})).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, p) =
        presale(&app, &s.merchant_a_key, &c.lamp, json!({"available_on": day, "limit": 6})).await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!((p["left"].as_i64(), p["available_on"].as_str()), (Some(6), Some(day.as_str())));

    let (_, first) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#p1", 2)).await;
    assert_eq!(
        (first["status"].as_str(), first["allocation"].as_str()),
        (Some("confirmed"), Some("backordered")),
        "{first}"
    );
    assert_eq!(first["presale"][0]["promised_on"], day.as_str(), "{first}");
    assert_eq!(first["presale"][0]["quantity"], 2);
    let (status, refused) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#too-many", 5)).await;
    assert_eq!(
        (status, code(&refused)),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        "{refused}"
    );
    assert!(refused.to_string().contains("4 units left and the order asks 5"), "{refused}");

    // Ten buyers race for the four units left: exactly four orders are taken.
    let mut race = tokio::task::JoinSet::new();
    for n in 0..10 {
        let (client, url, key) = (app.client.clone(), app.url("/api/v1/orders"), s.merchant_a_key.clone());
        race.spawn(async move {
            let res = client
                .post(url)
                .bearer_auth(key)
                .json(&lamp_order(&format!("#race{n}"), 1))
                .send()
                .await
                .unwrap();
            res.status()
        });
    }
    let taken = race.join_all().await.into_iter().filter(|s| *s == StatusCode::CREATED).count();
    assert_eq!(taken, 4, "never past the limit");
    let (_, list) = get(&app, "/api/v1/presales", &s.merchant_a_key).await;
    assert_eq!(
        (list["items"][0]["sold"].as_i64(), list["items"][0]["left"].as_i64()),
        (Some(6), Some(0)),
        "{list}"
    );

    // The buyer sees the promised day on the tracking page.
    let id = first["id"].as_str().unwrap();
    let (_, link) = get(&app, &format!("/api/v1/orders/{id}/tracking-link"), &s.merchant_a_key).await;
    let page = reqwest::Client::new()
        .get(app.url(link["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("<span id=\"presale-promised\">{day}</span>")), "{page}");

    // Three lamps arrive: the oldest pre-sale order gets its two, the next oldest its one.
    let adjust = json!({"sku_id": c.lamp, "warehouse_id": c.uk_warehouse, "delta": 3, "reason": "pre-sale goods arrived"});
    let (status, body) = post(&app, "/api/v1/stock/adjustments", &s.admin_key, adjust).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, first) = get(&app, &format!("/api/v1/orders/{id}"), &s.merchant_a_key).await;
    assert_eq!(first["allocation"], "reserved", "the oldest is filled first: {first}");
    let (_, orders) = get(&app, "/api/v1/orders?limit=50", &s.merchant_a_key).await;
    let mut races: Vec<&Value> = orders["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["channel_order_id"].as_str().unwrap().starts_with("#race"))
        .collect();
    races.sort_by_key(|o| o["id"].as_str().map(String::from));
    let filled: Vec<&str> = races.iter().map(|o| o["allocation"].as_str().unwrap()).collect();
    assert_eq!(filled, ["reserved", "backordered", "backordered", "backordered"], "{orders}");
    assert_eq!(
        get(&app, "/api/v1/presales", &s.merchant_b_key).await.1["items"].as_array().map(Vec::len),
        Some(0)
    );
}

async fn an_accepted_inbound_notice_sets_the_promised_day(app: TestApp) {
    let f = crate::warehouse::floor(&app).await;
    let (_, skus) = get(&app, "/api/v1/skus?limit=50", &f.s.merchant_a_key).await;
    let pen = skus["items"].as_array().unwrap().iter().find(|s| s["sku"] == "PEN").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, draft) =
        post(&app, "/api/v1/asns", &f.s.merchant_a_key, crate::warehouse::asn(&f.uk, &[("PEN", 1, 10)]))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    let draft_id = draft["id"].as_str().unwrap();
    let (status, refused) =
        presale(&app, &f.s.merchant_a_key, &pen, json!({"asn_id": draft_id, "limit": 10})).await;
    assert_eq!(
        (status, code(&refused)),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        "a draft promises nothing: {refused}"
    );
    let arrived = crate::warehouse::arrived_asn(&app, &f, &[("PEN", 1, 10)]).await;
    let (status, p) = presale(&app, &f.s.merchant_a_key, &pen, json!({"asn_id": arrived, "limit": 10})).await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(p["available_on"], "2026-12-01", "the notice's expected arrival: {p}");
}
