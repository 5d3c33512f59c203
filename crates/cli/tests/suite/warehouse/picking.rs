//! Waves and scan-checked picking through the API (WMS-4, INV-4): walking order, refused scans,
//! short picks, and two pickers on one bin.

use reqwest::StatusCode;
use serde_json::json;
use tradeport_testkit::{TestApp, db_tests};

use super::*;
use crate::helpers::{code, get, post};

db_tests!(
    a_wave_picks_in_walking_order_refuses_wrong_scans_and_queues_short_picks,
    two_pickers_never_take_more_than_a_bin_holds,
);

async fn a_wave_picks_in_walking_order_refuses_wrong_scans_and_queues_short_picks(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "PEN", 3, "A-02-01-1-1").await;
    stock_bin(&app, &f, "MUG", 5, "A-01-01-1-2").await;
    stock_bin(&app, &f, "TORCH", 4, "B-01-01-1-1").await;
    let (status, body) = post(
        &app,
        "/api/v1/put-away",
        &f.s.admin_key,
        json!({"warehouse_id": f.uk, "scan": "TORCH", "bin": "A-01-01-1-1", "quantity": 1}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing on the dock, and no battery in zone A: {body}"
    );
    let first = confirmed_order(&app, &f, "#w1", &[("TORCH", 1), ("PEN", 2), ("MUG", 1)]).await;
    let second = confirmed_order(&app, &f, "#w2", &[("MUG", 2)]).await;
    let (status, wave) = post(&app, "/api/v1/waves", &f.s.admin_key, json!({"warehouse_id": f.uk})).await;
    assert_eq!(status, StatusCode::CREATED, "{wave}");
    let walk: Vec<(&str, &str, i64)> = wave["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["bin_code"].as_str().unwrap(), l["sku"].as_str().unwrap(), l["qty"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        walk,
        [
            ("A-01-01-1-2", "MUG", 1),
            ("A-01-01-1-2", "MUG", 2),
            ("A-02-01-1-1", "PEN", 2),
            ("B-01-01-1-1", "TORCH", 1)
        ],
        "one walk through the warehouse"
    );
    let (_, o) = get(&app, &format!("/api/v1/orders/{second}"), &f.s.admin_key).await;
    assert_eq!(o["status"], "picking");
    let (status, again) = post(&app, "/api/v1/waves", &f.s.admin_key, json!({"warehouse_id": f.uk})).await;
    assert_eq!(
        (status, code(&again)),
        (StatusCode::CONFLICT, "wave.nothing_to_pick"),
        "orders are in one wave only"
    );

    let line = |n: usize| wave["lines"][n]["id"].as_str().unwrap().to_string();
    let pick = |n: usize, bin: &str, item: &str, qty: i64| {
        let (app, url) = (&app, format!("/api/v1/pick-lines/{}/pick", line(n)));
        let key = f.s.admin_key.clone();
        let body = json!({"bin": bin, "item": item, "quantity": qty});
        async move { post(app, &url, &key, body).await }
    };
    let (status, body) = pick(0, "A-01-01-1-2", "PEN", 1).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "pick.scan_refused"));
    assert_eq!(body["error"]["fields"][0]["field"], "item");
    assert!(body["error"]["message"].as_str().unwrap().contains("MUG"), "{body}");
    let (status, body) = pick(0, "A-02-01-1-1", MUG_GTIN, 1).await;
    assert_eq!((status, body["error"]["fields"][0]["field"].as_str()), (StatusCode::CONFLICT, Some("bin")));
    let (status, body) = pick(0, "A-01-01-1-2", MUG_GTIN, 2).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["field"].as_str()),
        (StatusCode::CONFLICT, Some("quantity"))
    );
    let (status, body) = pick(0, "a-01-01-1-2", MUG_GTIN, 1).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("picked")), "{body}");
    let (status, body) = pick(0, "A-01-01-1-2", MUG_GTIN, 1).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["field"].as_str()),
        (StatusCode::CONFLICT, Some("quantity")),
        "picked already"
    );

    // The pens' bin turns out to hold one: the line goes to the exception queue and is picked from
    // another bin after a replenishment move.
    let (status, short) = post(
        &app,
        &format!("/api/v1/pick-lines/{}/short", line(2)),
        &f.s.admin_key,
        json!({"note": "bin empty"}),
    )
    .await;
    assert_eq!(
        (status, short["status"].as_str(), short["short"].as_i64()),
        (StatusCode::OK, Some("short"), Some(2))
    );
    let (_, queue) = get(&app, "/api/v1/pick-exceptions", &f.s.admin_key).await;
    assert_eq!(queue["items"].as_array().unwrap().len(), 1);
    let (status, body) = post(
        &app,
        &format!("/api/v1/pick-lines/{}/resolve", line(2)),
        &f.s.admin_key,
        json!({"bin": "A-01-01-1-1"}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("not_enough_in_bin"))
    );
    let (status, body) = post(
        &app,
        "/api/v1/stock/moves",
        &f.s.admin_key,
        json!({"warehouse_id": f.uk, "scan": "PEN", "from_bin": "A-02-01-1-1", "to_bin": "A-01-01-1-1", "quantity": 2}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, replacement) = post(
        &app,
        &format!("/api/v1/pick-lines/{}/resolve", line(2)),
        &f.s.admin_key,
        json!({"bin": "A-01-01-1-1"}),
    )
    .await;
    assert_eq!(
        (status, replacement["qty"].as_i64(), replacement["bin_code"].as_str()),
        (StatusCode::OK, Some(2), Some("A-01-01-1-1"))
    );
    let (_, queue) = get(&app, "/api/v1/pick-exceptions", &f.s.admin_key).await;
    assert_eq!(queue["items"], json!([]));
    // An order being picked takes a new address before its label is printed (EXC-4), unless the
    // address would need a review; a cancelled order's lines are not picked.
    let change = |address: Value| {
        let app = &app;
        let body = json!({"shipping_address": address, "reason": "buyer moved", "buyer_agreed": true});
        let path = format!("/api/v1/orders/{first}/shipping-address");
        let key = f.s.admin_key.clone();
        async move { crate::helpers::call(app, reqwest::Method::PUT, &path, &key, Some(body)).await }
    };
    let (status, body) = change(json!({"name": "Ada", "line1": "2 Lovelace Way", "city": "London", "postcode": "EC1Y 8SY", "country": "GB"})).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("picking")), "{body}");
    assert_eq!(body["shipping_address"]["line1"], "2 Lovelace Way");
    let (status, body) = change(json!({"name": "Ada", "line1": "2 Lovelace Way", "city": "London", "postcode": "XX", "country": "GB"})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "order.change_needs_review"), "{body}");
    let (status, _) = post(
        &app,
        &format!("/api/v1/orders/{second}/cancel"),
        &f.s.admin_key,
        json!({"reason": "buyer cancelled"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = pick(1, "A-01-01-1-2", MUG_GTIN, 1).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "pick.order_not_picking"));
    assert_books_agree(&app).await;
}

async fn two_pickers_never_take_more_than_a_bin_holds(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "PEN", 10, "A-01-01-1-1").await;
    confirmed_order(&app, &f, "#c1", &[("PEN", 5)]).await;
    confirmed_order(&app, &f, "#c2", &[("PEN", 5)]).await;
    let (_, wave) = post(&app, "/api/v1/waves", &f.s.admin_key, json!({"warehouse_id": f.uk})).await;
    // Someone moved four pens away after the wave was planned: the bin holds 6 for 10 claimed.
    let (status, _) = post(
        &app,
        "/api/v1/stock/moves",
        &f.s.admin_key,
        json!({"warehouse_id": f.uk, "scan": "PEN", "from_bin": "A-01-01-1-1", "to_bin": "A-01-01-1-2", "quantity": 4}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let lines: Vec<String> =
        wave["lines"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(lines.len(), 2);
    let (first, second) =
        (format!("/api/v1/pick-lines/{}/pick", lines[0]), format!("/api/v1/pick-lines/{}/pick", lines[1]));
    let body = json!({"bin": "A-01-01-1-1", "item": "PEN", "quantity": 5});
    let (a, b) = tokio::join!(
        post(&app, &first, &f.s.admin_key, body.clone()),
        post(&app, &second, &f.s.admin_key, body.clone())
    );
    let results = [a, b];
    let ok = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    let short: Vec<&str> =
        results.iter().filter(|(s, _)| *s != StatusCode::OK).map(|(_, b)| code(b)).collect();
    assert_eq!((ok, short), (1, vec!["pick.bin_short"]), "{results:?}");
    let (_, contents) = get(&app, &format!("/api/v1/warehouses/{}/bin-contents", f.uk), &f.s.admin_key).await;
    let left: Vec<(&str, i64)> = contents["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["bin_code"].as_str().unwrap(), c["units"].as_i64().unwrap()))
        .collect();
    assert_eq!(left, [("A-01-01-1-1", 1), ("A-01-01-1-2", 4)]);
    assert_books_agree(&app).await;
}
