//! Lots and expiry through the API (WMS-3, WMS-4): put-away names the lot (typed or from a GS1
//! barcode), waves take the earliest expiry first, the pick scan must show the right lot, moves and
//! counts keep each lot apart, and the books agree throughout.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests};

use super::*;
use crate::helpers::{code, field, get, post};

db_tests!(lots_go_earliest_expiry_first_and_every_pick_scan_shows_the_lot);

/// A GTIN-14 with a right check digit (GS1's own example).
const TEA_GTIN: &str = "09506000134352";

async fn put(app: &TestApp, f: &Floor, body: Value) -> (StatusCode, Value) {
    let mut body = body;
    body["warehouse_id"] = json!(f.uk);
    post(app, "/api/v1/put-away", &f.s.admin_key, body).await
}

async fn pick(
    app: &TestApp,
    f: &Floor,
    line: &Value,
    item: &str,
    lot: &str,
    qty: i64,
) -> (StatusCode, Value) {
    let body = json!({"bin": line["bin_code"], "item": item, "lot": lot, "quantity": qty});
    post(app, &format!("/api/v1/pick-lines/{}/pick", line["id"].as_str().unwrap()), &f.s.admin_key, body)
        .await
}

async fn lots_go_earliest_expiry_first_and_every_pick_scan_shows_the_lot(app: TestApp) {
    let f = floor(&app).await;
    let tea = json!({"sku": "TEA", "name": "Green tea 100 g", "barcode": TEA_GTIN, "weight_g": 120, "length_mm": 100,
                     "width_mm": 60, "height_mm": 60, "declared_value_minor": 800, "declared_currency": "GBP",
                     "hs_code": "090210", "origin_country": "CN", "category": "food", "lot_tracked": true});
    let (status, sku) = post(&app, "/api/v1/skus", &f.s.merchant_a_key, tea).await;
    assert_eq!((status, sku["lot_tracked"].as_bool()), (StatusCode::OK, Some(true)), "{sku}");
    let asn = arrived_asn(&app, &f, &[("TEA", 1, 10)]).await;
    assert_eq!(scan(&app, &f, &asn, "TEA", 10, false).await.0, StatusCode::OK);
    let (status, body) =
        post(&app, &format!("/api/v1/asns/{asn}/receipts/confirm"), &f.s.admin_key, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, body) = put(&app, &f, json!({"scan": "TEA", "bin": "A-01-01-1-1", "quantity": 6})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "lot"), "{body}");
    let (status, body) =
        put(&app, &f, json!({"scan": "TEA", "bin": "A-01-01-1-1", "quantity": 6, "lot": "L 1"})).await;
    assert_eq!(
        (status, field(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "lot"),
        "no spaces in a lot: {body}"
    );
    let (status, body) = put(
        &app,
        &f,
        json!({"scan": "TEA", "bin": "A-01-01-1-1", "quantity": 6, "lot": "l-late", "expiry": "2028-01-31"}),
    )
    .await;
    assert_eq!(
        (status, body["lot"].as_str(), body["expiry"].as_str()),
        (StatusCode::OK, Some("L-LATE"), Some("2028-01-31"))
    );
    // The lot and the expiry from the carton's GS1-128 label; the farther bin.
    let gs1 = format!("(01){TEA_GTIN}(17)270331(10)L-SOON");
    let (status, body) = put(&app, &f, json!({"scan": gs1, "bin": "A-02-01-1-1", "quantity": 4})).await;
    assert_eq!(
        (status, body["lot"].as_str(), body["expiry"].as_str()),
        (StatusCode::OK, Some("L-SOON"), Some("2027-03-31"))
    );
    assert_books_agree(&app).await;
    let renamed =
        json!({"sku": "TEA", "name": "Green tea, 100 g tin", "barcode": TEA_GTIN, "category": "food"});
    let (status, sku) = post(&app, "/api/v1/skus", &f.s.merchant_a_key, renamed).await;
    assert_eq!(
        (status, sku["lot_tracked"].as_bool()),
        (StatusCode::OK, Some(true)),
        "a change that leaves it out keeps it: {sku}"
    );
    let off = json!({"sku": "TEA", "name": "Green tea", "barcode": TEA_GTIN, "lot_tracked": false});
    let (status, body) = post(&app, "/api/v1/skus", &f.s.merchant_a_key, off).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "sku.lot_tracking_in_use"),
        "its lots lie in bins: {body}"
    );

    let order = confirmed_order(&app, &f, "#lot-1", &[("TEA", 5)]).await;
    let (status, wave) = post(&app, "/api/v1/waves", &f.s.admin_key, json!({"warehouse_id": f.uk})).await;
    assert_eq!(status, StatusCode::CREATED, "{wave}");
    let lines = wave["lines"].as_array().unwrap().clone();
    let plan: Vec<(&str, &str, i64)> = lines
        .iter()
        .map(|l| (l["bin_code"].as_str().unwrap(), l["lot"].as_str().unwrap(), l["qty"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        plan,
        [("A-01-01-1-1", "L-LATE", 1), ("A-02-01-1-1", "L-SOON", 4)],
        "all of the soonest lot, the rest from the next; in walking order"
    );
    let list = pdf_text(&app, &f.s.admin_key, &format!("/api/v1/orders/{order}/pick-list.pdf")).await;
    assert!(
        list.contains("A-02-01-1-1 · TEA · Green tea, 100 g tin · L-SOON · 4") && list.contains("L-LATE · 1"),
        "the order's pick list names the lot of each line:\n{list}"
    );
    let (late, soon) = (&lines[0], &lines[1]);
    let (status, body) = pick(&app, &f, soon, "TEA", "", 4).await;
    assert_eq!((status, field(&body)), (StatusCode::CONFLICT, "lot"), "the lot must be shown: {body}");
    let wrong = format!("(01){TEA_GTIN}(10)L-LATE");
    let (status, body) = pick(&app, &f, soon, &wrong, "L-SOON", 4).await;
    assert_eq!((status, code(&body), field(&body)), (StatusCode::CONFLICT, "pick.scan_refused", "lot"));
    assert!(body["error"]["message"].as_str().unwrap().contains("L-SOON"), "{body}");
    let (status, body) = pick(&app, &f, soon, "TEA", "l-soon", 4).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("picked")), "{body}");
    let (status, body) = pick(&app, &f, late, &wrong, "", 1).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("picked")), "{body}");
    let (_, o) = get(&app, &format!("/api/v1/orders/{order}"), &f.s.admin_key).await;
    assert_eq!(o["status"], "picking");
    assert_books_agree(&app).await;

    // A move of the only lot in a bin needs no lot; two lots in a bin need one named.
    let (status, moved) = post(
        &app,
        "/api/v1/stock/moves",
        &f.s.admin_key,
        json!({"warehouse_id": f.uk, "scan": "TEA", "from_bin": "A-01-01-1-1", "to_bin": "A-02-01-1-1", "quantity": 2}),
    )
    .await;
    assert_eq!(
        (status, moved["lot"].as_str(), moved["units"].as_i64()),
        (StatusCode::OK, Some("L-LATE"), Some(2)),
        "{moved}"
    );
    let contents = |c: &Value| -> Vec<(String, String, i64)> {
        c["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["bin_code"].as_str().unwrap().into(),
                    r["lot"].as_str().unwrap().into(),
                    r["units"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let (_, held) =
        get(&app, &format!("/api/v1/warehouses/{}/bin-contents", f.uk), &f.s.merchant_a_key).await;
    assert_eq!(
        contents(&held),
        [("A-01-01-1-1".to_string(), "L-LATE".to_string(), 3), ("A-02-01-1-1".into(), "L-LATE".into(), 2)],
        "the soon lot was picked out; each lot on its own row"
    );
    let (status, body) = post(
        &app,
        "/api/v1/stock/moves",
        &f.s.admin_key,
        json!({"warehouse_id": f.uk, "scan": "TEA", "from_bin": "A-02-01-1-1", "to_bin": "A-01-01-1-2", "quantity": 1, "lot": "L-NONE"}),
    )
    .await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "lot"), "{body}");

    // A blind count per lot: a lot found that the books do not have is a line of its own.
    let supervisor = app.staff_key(&f.s, "supervisor").await;
    let (status, count) =
        post(&app, "/api/v1/counts", &f.s.admin_key, json!({"warehouse_id": f.uk, "bins": ["A-01-01-1-1"]}))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{count}");
    assert_eq!(count["lines"][0]["lot"], "L-LATE");
    let id = count["id"].as_str().unwrap();
    let lines_path = format!("/api/v1/counts/{id}/lines");
    let record = |body: Value| post(&app, &lines_path, &f.s.admin_key, body);
    let (status, body) = record(json!({"bin": "A-01-01-1-1", "scan": "TEA", "counted": 2})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "lot"), "{body}");
    let (status, body) =
        record(json!({"bin": "A-01-01-1-1", "scan": "TEA", "lot": "L-LATE", "counted": 2})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let found = format!("(01){TEA_GTIN}(10)L-STRAY");
    let (status, body) = record(json!({"bin": "A-01-01-1-1", "scan": found, "counted": 1})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = post(&app, &format!("/api/v1/counts/{id}/submit"), &f.s.admin_key, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, approved) = post(
        &app,
        &format!("/api/v1/counts/{id}/decision"),
        &supervisor,
        json!({"approve": true, "reason": "one late unit missing, one stray lot found"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    let variances: Vec<(&str, i64)> = approved["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["lot"].as_str().unwrap(), l["variance"].as_i64().unwrap()))
        .collect();
    assert_eq!(variances, [("L-LATE", -1), ("L-STRAY", 1)]);
    let (_, held) = get(&app, &format!("/api/v1/warehouses/{}/bin-contents", f.uk), &f.s.admin_key).await;
    assert!(contents(&held).contains(&("A-01-01-1-1".into(), "L-STRAY".into(), 1)), "{held}");
    assert_books_agree(&app).await;
}
