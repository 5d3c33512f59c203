//! The catalogue, warehouses and stock through the API (INV-1, INV-3).

use reqwest::StatusCode;
use serde_json::json;
use tradeport_testkit::{TestApp, db_tests, lamp_order};

use crate::helpers::{code, get, post};

db_tests!(
    skus_import_from_csv_all_or_nothing,
    stock_adjustments_are_ledger_movements_and_never_go_below_reserved,
    new_stock_goes_to_backordered_orders_oldest_first,
    a_duplicate_code_is_a_conflict_naming_the_field,
    stock_is_listed_a_page_at_a_time_and_an_adjustment_answers_with_its_balance,
    stock_is_found_by_merchant_and_by_part_of_a_sku_code_or_name_with_wildcards_taken_literally
);

async fn import(app: &TestApp, key: &str, csv: &str) -> (StatusCode, serde_json::Value) {
    let res = app
        .client
        .post(app.url("/api/v1/skus/import"))
        .bearer_auth(key)
        .header("content-type", "text/csv")
        .body(csv.to_string())
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap())
}

async fn skus_import_from_csv_all_or_nothing(app: TestApp) {
    let s = app.seed("acme").await;
    let bad = "sku,name,hs_code,traits\nMUG-1,Mug,691200,fragile\nKNIFE 2,,12,sharp\n";
    let (status, report) = import(&app, &s.merchant_a_key, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(report["saved"], 0);
    let fields: Vec<&str> =
        report["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["sku", "name", "hs_code", "traits[0]"], "every problem of row 2: {report}");
    assert!(report["errors"].as_array().unwrap().iter().all(|e| e["row"] == 2));
    let (_, listed) = get(&app, "/api/v1/skus", &s.merchant_a_key).await;
    assert_eq!(listed["items"], json!([]), "nothing was saved");

    let good = "sku,name,hs_code,traits,declared_value_minor,declared_currency\nMUG-1,Mug,691200,fragile,800,EUR\nPB-2,Power bank,850760,un3480|valuable,2000,EUR\n";
    let (status, report) = import(&app, &s.merchant_a_key, good).await;
    assert_eq!((status, report["saved"].as_u64()), (StatusCode::OK, Some(2)));
    let (_, listed) = get(&app, "/api/v1/skus", &s.merchant_a_key).await;
    let pb = listed["items"].as_array().unwrap().iter().find(|s| s["sku"] == "PB-2").unwrap().clone();
    assert_eq!(pb["traits"], json!(["un3480", "valuable"]));
    let (_, theirs) = get(&app, "/api/v1/skus", &s.merchant_b_key).await;
    assert_eq!(theirs["items"], json!([]), "merchant B sees none of A's SKUs");
    let (status, _) = post(
        &app,
        &format!("/api/v1/skus?merchant_id={}", s.merchant_a.id),
        &s.merchant_b_key,
        json!({"sku": "X", "name": "X"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nor can B write into A's catalogue");
}

async fn stock_adjustments_are_ledger_movements_and_never_go_below_reserved(app: TestApp) {
    let s = app.seed("acme").await;
    let c = app.seed_catalog(&s, 5).await;
    let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#r", 4)).await;
    assert_eq!(order["allocation"], "reserved");
    let adjust = |delta: i64, reason: &str| json!({"sku_id": c.lamp, "warehouse_id": c.uk_warehouse, "delta": delta, "reason": reason});
    let (status, body) =
        post(&app, "/api/v1/stock/adjustments", &s.admin_key, adjust(-2, "two broken in storage")).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "inventory.below_reserved"),
        "5 on hand, 4 reserved: 2 cannot go"
    );
    let (status, body) =
        post(&app, "/api/v1/stock/adjustments", &s.admin_key, adjust(-1, "one broken in storage")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["on_hand"].as_i64(), body["reserved"].as_i64(), body["available"].as_i64()),
        (Some(4), Some(4), Some(0))
    );
    let (status, body) = post(&app, "/api/v1/stock/adjustments", &s.admin_key, adjust(3, "")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required: {body}");
    let (status, _) =
        post(&app, "/api/v1/stock/adjustments", &s.merchant_a_key, adjust(3, "found more")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "merchants do not adjust the warehouse's stock");
    assert!(
        tradeport_app::inventory::verify_inventory(&app.app).await.unwrap().is_empty(),
        "ledger and balances agree"
    );
}

/// The allocation state of each order, in the order given.
async fn allocations(app: &TestApp, key: &str, ids: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for id in ids {
        let (_, o) = get(app, &format!("/api/v1/orders/{id}"), key).await;
        out.push(o["allocation"].as_str().unwrap().to_string());
    }
    out
}

async fn new_stock_goes_to_backordered_orders_oldest_first(app: TestApp) {
    let s = app.seed("acme").await;
    let c = app.seed_catalog(&s, 0).await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let (_, o) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order(&format!("#bo{n}"), 2)).await;
        assert_eq!(o["allocation"], "backordered", "no lamps yet: {o}");
        ids.push(o["id"].as_str().unwrap().to_string());
    }
    let arrive = |delta: i64| json!({"sku_id": c.lamp, "warehouse_id": c.uk_warehouse, "delta": delta, "reason": "replenishment arrived"});
    let (status, balance) = post(&app, "/api/v1/stock/adjustments", &s.admin_key, arrive(3)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((balance["on_hand"].as_i64(), balance["reserved"].as_i64()), (Some(3), Some(3)));
    assert_eq!(
        allocations(&app, &s.admin_key, &ids).await,
        ["reserved", "partial", "backordered"],
        "oldest first"
    );
    let (_, balance) = post(&app, "/api/v1/stock/adjustments", &s.admin_key, arrive(4)).await;
    assert_eq!((balance["on_hand"].as_i64(), balance["reserved"].as_i64()), (Some(7), Some(6)));
    assert_eq!(allocations(&app, &s.admin_key, &ids).await, ["reserved", "reserved", "reserved"]);
    let (_, third) = get(&app, &format!("/api/v1/orders/{}", ids[2]), &s.admin_key).await;
    assert_eq!(third["allocations"][0]["warehouse_id"], c.uk_warehouse.as_str());
    assert!(third["events"].as_array().unwrap().iter().any(|e| e["kind"] == "order_backorder_filled"));
    assert!(tradeport_app::inventory::verify_inventory(&app.app).await.unwrap().is_empty());
}

async fn a_duplicate_code_is_a_conflict_naming_the_field(app: TestApp) {
    let s = app.seed("acme").await;
    let warehouse = json!({"code": "LDS", "name": "Leeds", "country": "GB", "timezone": "Europe/London", "kind": "overseas"});
    let rule = json!({"code": "NO_KNIVES", "trait": "blade", "hs_prefix": null, "destinations": ["gb"], "action": "block",
                      "message": "knives are not sold to the United Kingdom"});
    for (path, body) in [("/api/v1/warehouses", warehouse), ("/api/v1/goods-rules", rule)] {
        let (status, first) = post(&app, path, &s.admin_key, body.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{path}: {first}");
        let (status, again) = post(&app, path, &s.admin_key, body).await;
        assert_eq!((status, code(&again)), (StatusCode::CONFLICT, "duplicate"), "{path}: {again}");
        assert_eq!(again["error"]["fields"][0]["field"], "code", "{path}: {again}");
    }
}

async fn stock_is_listed_a_page_at_a_time_and_an_adjustment_answers_with_its_balance(app: TestApp) {
    let s = app.seed("acme").await;
    let c = app.seed_catalog(&s, 4).await;
    for (sku, wh) in
        [(&c.power_bank, &c.uk_warehouse), (&c.lamp, &c.cn_warehouse), (&c.camera, &c.uk_warehouse)]
    {
        let body = json!({"sku_id": sku, "warehouse_id": wh, "delta": 3, "reason": "arrival"});
        let (status, balance) = post(&app, "/api/v1/stock/adjustments", &s.admin_key, body).await;
        assert_eq!(status, StatusCode::OK, "{balance}");
        let answered =
            (balance["sku_id"].as_str(), balance["warehouse_id"].as_str(), balance["on_hand"].as_i64());
        assert_eq!(answered, (Some(sku.as_str()), Some(wh.as_str()), Some(3)), "the balance it changed");
    }
    let (_, all) = get(&app, "/api/v1/stock?limit=200", &s.admin_key).await;
    let all: Vec<(String, String)> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["sku"].as_str().unwrap().into(), b["warehouse_code"].as_str().unwrap().into()))
        .collect();
    assert_eq!(all.len(), 5, "{all:?}");
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted, "by SKU code, then warehouse code");
    let mut walked = Vec::new();
    let mut path = "/api/v1/stock?limit=2".to_string();
    loop {
        let (status, page) = get(&app, &path, &s.admin_key).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for b in page["items"].as_array().unwrap() {
            walked.push((
                b["sku"].as_str().unwrap().to_string(),
                b["warehouse_code"].as_str().unwrap().to_string(),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/stock?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(walked, all, "the pages together are the whole list, each balance once");
    let (status, body) = get(&app, "/api/v1/stock?cursor=zz", &s.admin_key).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("cursor"))
    );
}

async fn stock_is_found_by_merchant_and_by_part_of_a_sku_code_or_name_with_wildcards_taken_literally(
    app: TestApp,
) {
    let s = app.seed("acme").await;
    let c = app.seed_catalog(&s, 2).await;
    let sku = json!({"sku": "PB_20K", "name": "Pocket battery", "weight_g": 300, "declared_value_minor": 1500,
                     "declared_currency": "GBP", "hs_code": "850760", "origin_country": "CN", "category": "home"});
    let (status, theirs) = post(&app, "/api/v1/skus", &s.merchant_b_key, sku).await;
    assert_eq!(status, StatusCode::OK, "{theirs}");
    let body =
        json!({"sku_id": theirs["id"], "warehouse_id": c.uk_warehouse, "delta": 4, "reason": "arrival"});
    let (status, body) = post(&app, "/api/v1/stock/adjustments", &s.admin_key, body).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let codes = |page: &serde_json::Value| -> Vec<String> {
        let mut v: Vec<String> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["sku"].as_str().unwrap().to_string())
            .collect();
        v.dedup();
        v
    };
    let (_, found) = get(&app, "/api/v1/stock?search=pb_20", &s.admin_key).await;
    assert_eq!(
        codes(&found),
        ["PB_20K"],
        "`_` is a character, not a wildcard (PB-20K is not found): {found}"
    );
    let (_, by_name) = get(&app, "/api/v1/stock?search=DESK", &s.admin_key).await;
    assert_eq!(codes(&by_name), ["LAMP"], "by name, any case: {by_name}");
    let b = s.merchant_b.id.to_string();
    let (_, only_b) = get(&app, &format!("/api/v1/stock?merchant_id={b}"), &s.admin_key).await;
    assert_eq!(codes(&only_b), ["PB_20K"], "{only_b}");
    let (_, own) = get(&app, &format!("/api/v1/stock?merchant_id={b}"), &s.merchant_a_key).await;
    assert!(
        !codes(&own).contains(&"PB_20K".to_string()) && !codes(&own).is_empty(),
        "a merchant sees its own: {own}"
    );
    let (status, body) = get(&app, &format!("/api/v1/stock?search={}", "x".repeat(101)), &s.admin_key).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // The page: a merchant column and the filter, kept on the next page's link.
    let (browser, _) = crate::helpers::signed_in(&app, &s.admin_email).await;
    let html = browser
        .get(app.url(&format!("/inventory?merchant_id={b}&search=pb")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = html.find("<table id=\"stock\"").unwrap();
    let stock = &html[start..start + html[start..].find("</table>").unwrap()];
    assert!(stock.contains("PB_20K") && !stock.contains(">LAMP<"), "filtered: {stock}");
    assert!(stock.contains("<td class=\"merchant\">"), "the merchant column: {stock}");

    // Low stock: fewer available than the safety stock set for it (2 < 3), the row is marked and
    // shows the level.
    let level = json!({"sku_id": c.lamp, "warehouse_id": c.uk_warehouse, "threshold": 3});
    let (status, body) =
        crate::helpers::call(&app, reqwest::Method::PUT, "/api/v1/safety-stock", &s.admin_key, Some(level))
            .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, lamp) = get(&app, "/api/v1/stock?search=lamp", &s.admin_key).await;
    let uk = lamp["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["warehouse_id"] == c.uk_warehouse.as_str())
        .unwrap()
        .clone();
    assert_eq!((uk["available"].as_i64(), uk["low_at"].as_i64()), (Some(2), Some(3)), "{lamp}");
    let html = browser.get(app.url("/inventory?search=lamp")).send().await.unwrap().text().await.unwrap();
    let row = &html[html.find("<tr class=\"low-stock\"><td>LAMP</td>").expect("the low row is marked")..];
    assert!(row[..row.find("</tr>").unwrap()].contains("/ 3</span>"), "{row}");
}
