//! Order intake, validation, review and confirmation through the API (ORD-1 … ORD-10, SYS-1).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests, lamp_order};

use crate::helpers::{call, code, get, post};

db_tests!(
    a_clean_paid_order_is_approved_reserved_and_confirmed_once,
    validation_outcomes_name_the_field_and_the_fix,
    orders_wait_for_a_second_review_by_a_reviewer_above_the_threshold,
    rejecting_or_cancelling_releases_the_stock,
    changes_to_what_the_buyer_asked_for_are_recorded,
    a_change_runs_the_intake_rules_again_and_holds_what_became_unclear,
    a_thousand_line_order_is_refused_with_a_limit_code,
    a_change_keeps_an_out_of_stock_hold,
    the_least_shipping_fee_follows_the_orders_currency,
    a_merchant_cannot_see_approve_or_export_another_merchants_orders,
    lists_filter_search_and_export,
    the_confirmation_document_is_html_data_and_a_pdf,
);

pub async fn settings(app: &TestApp, key: &str, patch: Value) {
    let (status, body) = call(app, Method::PATCH, "/api/v1/settings", key, Some(patch)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn a_clean_paid_order_is_approved_reserved_and_confirmed_once(app: TestApp) {
    let s = app.seed("acme").await;
    let c = app.seed_catalog(&s, 10).await;
    let (status, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#1001", 2)).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    assert_eq!(order["status"], "confirmed");
    assert_eq!(order["allocation"], "reserved");
    let number = order["order_no"].as_str().unwrap();
    assert_eq!(number.len(), 14, "YYYYMMDD + 6-digit serial: {number}");
    assert!(number.ends_with("000001"));
    assert_eq!(order["allocations"][0]["warehouse_id"], c.uk_warehouse.as_str());
    let kinds: Vec<&str> =
        order["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["order_received", "order_approve", "order_confirm"]);

    let (status, again) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#1001", 2)).await;
    assert_eq!(status, StatusCode::OK, "the same channel order is the same order");
    assert_eq!(again["id"], order["id"]);
    let (_, stock) = get(&app, "/api/v1/stock", &s.admin_key).await;
    let lamp = stock["items"].as_array().unwrap().iter().find(|b| b["sku_id"] == c.lamp.as_str()).unwrap();
    assert_eq!(
        (lamp["on_hand"].as_i64(), lamp["reserved"].as_i64(), lamp["available"].as_i64()),
        (Some(10), Some(2), Some(8))
    );
}

async fn validation_outcomes_name_the_field_and_the_fix(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let key = &s.merchant_a_key;

    let mut gb = lamp_order("#gb", 1);
    gb["shipping_address"]["postcode"] = json!("");
    let (status, held) = post(&app, "/api/v1/orders", key, gb).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(held["status"], "on_hold");
    assert_eq!(held["holds"][0]["field"], "shipping_address.postcode");
    assert_eq!(held["holds"][0]["message"], "postcode is required for United Kingdom, e.g. EC1Y 8SY");
    assert_eq!(held["allocation"], "none", "nothing is reserved for a held order");

    let mut us = lamp_order("#us", 1);
    us["shipping_address"] = json!({"name": "Sam", "line1": "1 Infinite Loop", "city": "Cupertino", "state": "CA", "postcode": "95014", "country": "US"});
    us["buyer"]["phone"] = json!("(000) 000-0000");
    let (status, held) = post(&app, "/api/v1/orders", key, us).await;
    assert_eq!((status, held["status"].as_str()), (StatusCode::CREATED, Some("on_hold")));
    assert_eq!(held["holds"][0]["field"], "buyer.phone");
    assert!(held["holds"][0]["message"].as_str().unwrap().contains("not a valid number for US"));

    let mut battery = lamp_order("#pb", 1);
    battery["lines"][0]["sku"] = json!("PB-20K");
    let (status, body) = post(&app, "/api/v1/orders", key, battery).await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
    assert_eq!(body["error"]["fields"][0]["field"], "lines[0].sku");
    assert_eq!(body["error"]["fields"][0]["code"], "prohibited_goods");
    assert!(body["error"]["fields"][0]["message"].as_str().unwrap().contains("LI_ION_STANDALONE"));

    // A destination rule of the operator's own: no cameras with batteries to Australia.
    let rule = json!({"code": "AU_LI_ION", "trait": "un3481", "hs_prefix": null, "destinations": ["au"], "action": "block",
                      "message": "Australia Post refuses lithium batteries in equipment; use the courier service"});
    let (status, _) = post(&app, "/api/v1/goods-rules", &s.admin_key, rule).await;
    assert_eq!(status, StatusCode::CREATED);
    let mut camera = lamp_order("#cam-au", 1);
    camera["lines"][0]["sku"] = json!("CAM-1");
    camera["shipping_address"] = json!({"name": "Kim", "line1": "1 George St", "city": "Sydney", "state": "NSW", "postcode": "2000", "country": "AU"});
    camera["buyer"]["phone"] = json!("+61 2 9374 4000");
    let (status, body) = post(&app, "/api/v1/orders", key, camera.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"][0]["message"].as_str().unwrap().contains("AU_LI_ION"), "{body}");
    camera["shipping_address"] = json!({"name": "Kim", "line1": "1 Queen St", "city": "Auckland", "postcode": "1010", "country": "NZ"});
    camera["buyer"]["phone"] = json!("+64 9 379 0000");
    camera["channel_order_id"] = json!("#cam-nz");
    let (status, body) = post(&app, "/api/v1/orders", key, camera).await;
    assert_eq!(status, StatusCode::CREATED, "elsewhere only the default hold rule applies: {body}");
    assert_eq!(body["holds"][0]["code"], "restricted_goods");

    let mut wrong_total = lamp_order("#total", 1);
    wrong_total["total_minor"] = json!(9999);
    let (status, body) = post(&app, "/api/v1/orders", key, wrong_total).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"][0]["message"].as_str().unwrap().contains("= 33.00"), "{body}");

    let (_, listed) = get(&app, "/api/v1/orders", &s.admin_key).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 3, "refused orders left nothing behind");
}

async fn orders_wait_for_a_second_review_by_a_reviewer_above_the_threshold(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 100).await;
    // Each currency has its own threshold: £100 in pounds; the fallback would let it through.
    settings(
        &app,
        &s.admin_key,
        json!({"second_review_thresholds": {"GBP": 10000}, "second_review_threshold_minor": 900000}),
    )
    .await;
    let mut small_yen = lamp_order("#yen", 1);
    small_yen["currency"] = json!("JPY");
    let (_, yen) = post(&app, "/api/v1/orders", &s.merchant_a_key, small_yen).await;
    assert_eq!(
        (yen["currency"].as_str(), yen["second_review_due"].as_bool()),
        (Some("JPY"), Some(false)),
        "{yen}"
    );
    let (status, refused) = call(
        &app,
        Method::PATCH,
        "/api/v1/settings",
        &s.admin_key,
        Some(json!({"second_review_thresholds": {"usd": 5, "EUR": -1}})),
    )
    .await;
    let fields: Vec<&str> =
        refused["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(
        (status, fields),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["second_review_thresholds.EUR", "second_review_thresholds.usd"]
        )
    );
    let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#big", 5)).await;
    assert_eq!(order["status"], "pending_review", "no auto-approval at or above the threshold");
    assert_eq!(order["second_review_due"], true);
    let id = order["id"].as_str().unwrap();
    let manager = key_with_role(&app, &s.admin_key, "order_manager").await;
    let reviewer = key_with_role(&app, &s.admin_key, "reviewer").await;

    let (status, first) = post(&app, &format!("/api/v1/orders/{id}/approve"), &manager, json!({})).await;
    assert_eq!((status, first["status"].as_str()), (StatusCode::OK, Some("pending_second_review")));
    let (status, body) = post(&app, &format!("/api/v1/orders/{id}/approve"), &manager, json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "auth.forbidden"),
        "only reviewers give the second review"
    );
    let (status, second) = post(&app, &format!("/api/v1/orders/{id}/approve"), &reviewer, json!({})).await;
    assert_eq!(
        (status, second["status"].as_str(), second["allocation"].as_str()),
        (StatusCode::OK, Some("approved"), Some("reserved"))
    );
    let (status, body) = post(&app, &format!("/api/v1/orders/{id}/approve"), &reviewer, json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "order.illegal_transition"));
    let (status, confirmed) =
        call(&app, Method::POST, &format!("/api/v1/orders/{id}/confirm"), &manager, None).await;
    assert_eq!((status, confirmed["status"].as_str()), (StatusCode::OK, Some("confirmed")), "{confirmed}");
}

pub async fn key_with_role(app: &TestApp, admin_key: &str, role: &str) -> String {
    let (status, created) =
        post(app, "/api/v1/api-keys", admin_key, json!({"name": role, "role": role})).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["secret"].as_str().unwrap().to_string()
}

async fn available(app: &TestApp, key: &str, sku: &str) -> (i64, i64) {
    let (_, stock) = get(app, "/api/v1/stock", key).await;
    let b = stock["items"].as_array().unwrap().iter().find(|b| b["sku_id"] == sku).unwrap().clone();
    (b["reserved"].as_i64().unwrap(), b["available"].as_i64().unwrap())
}

async fn rejecting_or_cancelling_releases_the_stock(app: TestApp) {
    let s = app.seed("acme").await;
    let c = app.seed_catalog(&s, 10).await;
    settings(&app, &s.admin_key, json!({"auto_confirm": false})).await;
    let (_, a) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#a", 3)).await;
    assert_eq!((a["status"].as_str(), a["allocation"].as_str()), (Some("approved"), Some("reserved")));
    assert_eq!(available(&app, &s.admin_key, &c.lamp).await, (3, 7));
    let id = a["id"].as_str().unwrap();
    let (status, body) = post(&app, &format!("/api/v1/orders/{id}/cancel"), &s.admin_key, json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "cancelling needs a reason: {body}");
    let (status, cancelled) = post(
        &app,
        &format!("/api/v1/orders/{id}/cancel"),
        &s.admin_key,
        json!({"reason": "buyer cancelled by e-mail"}),
    )
    .await;
    assert_eq!((status, cancelled["status"].as_str()), (StatusCode::OK, Some("cancelled")));
    assert_eq!(available(&app, &s.admin_key, &c.lamp).await, (0, 10));

    settings(&app, &s.admin_key, json!({"auto_approve": false})).await;
    let (_, b) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#b", 2)).await;
    let id = b["id"].as_str().unwrap();
    let (_, held) = post(
        &app,
        &format!("/api/v1/orders/{id}/hold"),
        &s.admin_key,
        json!({"reason": "buyer asked to wait"}),
    )
    .await;
    assert_eq!(held["holds"][0]["message"], "buyer asked to wait");
    let (_, released) =
        post(&app, &format!("/api/v1/orders/{id}/release-hold"), &s.admin_key, json!({})).await;
    // Nothing else holds it: released and approved in one step, its stock reserved.
    assert_eq!(
        (released["status"].as_str(), released["allocation"].as_str()),
        (Some("approved"), Some("reserved")),
        "{released}"
    );
    assert_eq!(available(&app, &s.admin_key, &c.lamp).await, (2, 8));
    let (_, cancelled) = post(
        &app,
        &format!("/api/v1/orders/{id}/cancel"),
        &s.admin_key,
        json!({"reason": "fraud check failed"}),
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    let last = cancelled["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["kind"].as_str(), last["reason"].as_str(), last["actor_kind"].as_str()),
        (Some("order_cancel"), Some("fraud check failed"), Some("api_key"))
    );
    assert_eq!(available(&app, &s.admin_key, &c.lamp).await, (0, 10));
    let drifts = tradeport_app::inventory::verify_inventory(&app.app).await.unwrap();
    assert!(drifts.is_empty(), "{drifts:?}");
}

async fn changes_to_what_the_buyer_asked_for_are_recorded(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let mut o = lamp_order("#addr", 1);
    o["shipping_address"]["postcode"] = json!("");
    let (_, held) = post(&app, "/api/v1/orders", &s.merchant_a_key, o).await;
    let id = held["id"].as_str().unwrap();
    let new_address = json!({"name": "Ada Lovelace", "line1": "1 Lovelace Way", "city": "London", "postcode": "EC1Y 8SY", "country": "GB"});
    let (status, body) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/orders/{id}/shipping-address"),
        &s.admin_key,
        Some(json!({"shipping_address": new_address, "buyer_agreed": true})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a change needs a reason: {body}");
    let (status, changed) = call(&app, Method::PUT, &format!("/api/v1/orders/{id}/shipping-address"), &s.admin_key,
        Some(json!({"shipping_address": new_address, "reason": "buyer sent the postcode by e-mail", "buyer_agreed": true}))).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["holds"], json!([]), "the address hold is gone");
    let change = changed["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "buyer_request_changed")
        .unwrap()
        .clone();
    assert_eq!(change["data"]["buyer_agreed"], true);
    assert_eq!(change["data"]["before"]["postcode"], "");
    assert_eq!(change["data"]["after"]["postcode"], "EC1Y 8SY");
    assert_eq!(change["reason"], "buyer sent the postcode by e-mail");
    let (status, _) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/orders/{id}/service-level"),
        &s.merchant_a_key,
        Some(json!({"service_level": "express", "reason": "upgrade", "buyer_agreed": true})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "merchants cannot change orders; staff do, on the buyer's word"
    );
}

async fn a_merchant_cannot_see_approve_or_export_another_merchants_orders(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    settings(&app, &s.admin_key, json!({"auto_approve": false})).await;
    let (_, a) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#secret", 1)).await;
    let id = a["id"].as_str().unwrap();
    let b = &s.merchant_b_key;
    let (status, _) = get(&app, &format!("/api/v1/orders/{id}"), b).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = post(&app, &format!("/api/v1/orders/{id}/approve"), b, json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, listed) = get(&app, "/api/v1/orders", b).await;
    assert_eq!(listed["items"], json!([]));
    let (_, listed) = get(&app, &format!("/api/v1/orders?merchant_id={}", s.merchant_a.id), b).await;
    assert_eq!(listed["items"], json!([]), "naming another merchant changes nothing");
    let (status, csv) = get(&app, "/api/v1/orders/export.csv", b).await;
    let csv = csv.as_str().expect("CSV text").to_string();
    assert_eq!((status, csv.lines().count()), (StatusCode::OK, 1), "only the header for merchant B:\n{csv}");
    assert!(!csv.contains(id));
    // Merchant B cannot post an order for merchant A either.
    let mut sneaky = lamp_order("#sneaky", 1);
    sneaky["merchant_id"] = json!(s.merchant_a.id);
    let (status, _) = post(&app, "/api/v1/orders", b, sneaky).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&app, &format!("/api/v1/orders/{id}"), &s.merchant_a_key).await;
    assert_eq!(status, StatusCode::OK, "the owner sees it");
}

async fn lists_filter_search_and_export(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 100).await;
    for n in 0..5 {
        post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order(&format!("#L{n}"), 1)).await;
    }
    let mut held = lamp_order("#held", 1);
    held["buyer"]["name"] = json!("Grace Hopper");
    let mut formula = lamp_order("=HYPERLINK(\"http://evil.example\")", 1);
    formula["buyer"]["name"] = json!("@SUM(1+1)");
    post(&app, "/api/v1/orders", &s.merchant_a_key, formula).await;
    held["shipping_address"]["postcode"] = json!("");
    post(&app, "/api/v1/orders", &s.merchant_a_key, held).await;

    let (_, on_hold) = get(&app, "/api/v1/orders?status=on_hold", &s.admin_key).await;
    assert_eq!(on_hold["items"].as_array().unwrap().len(), 1);
    let (_, found) = get(&app, "/api/v1/orders?q=hopper", &s.admin_key).await;
    assert_eq!(found["items"][0]["channel_order_id"], "#held");
    let (_, page) = get(&app, "/api/v1/orders?limit=4&country=GB&channel=shopify", &s.admin_key).await;
    // Six shopify orders to GB are confirmed plus the held one: 4 on this page, 3 on the next.
    assert_eq!(page["items"].as_array().unwrap().len(), 4);
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, rest) = get(
        &app,
        &format!("/api/v1/orders?limit=4&country=GB&channel=shopify&cursor={cursor}"),
        &s.admin_key,
    )
    .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 3);
    // A cursor or an id that was never ours is refused by name, never a 500.
    let (status, body) = get(&app, "/api/v1/orders?cursor=not-a-cursor", &s.admin_key).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "cursor", "{body}");
    for path in ["/api/v1/orders/not-an-id", "/api/v1/orders/not-an-id/confirmation"] {
        let (status, body) = get(&app, path, &s.admin_key).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    let (status, body) = get(&app, "/api/v1/skus?cursor=zz", &s.admin_key).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = get(&app, "/api/v1/orders?status=shipped", &s.admin_key).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let res = app
        .client
        .get(app.url("/api/v1/orders/export.csv?status=confirmed"))
        .bearer_auth(&s.admin_key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a byte-order mark, so Excel reads UTF-8");
    let csv = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert_eq!(csv.lines().count(), 7, "a header and six confirmed orders:\n{csv}");
    assert!(csv.starts_with("order_no,id,merchant,channel,channel_order_id,status,allocation,buyer_name,buyer_email,buyer_phone,ship_to_name,address_line1"));
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\"") && csv.contains(",'@SUM(1+1),"),
        "formulas neutralised:\n{csv}"
    );
    assert!(
        csv.contains(",1 Lovelace Way,,London,,EC1Y 8SY,GB,GBP,33.00,paid,"),
        "address and total in pounds:\n{csv}"
    );
    assert!(csv.contains(&format!(",{},", s.merchant_a.name)), "the merchant by name:\n{csv}");
    // The held order with its hold, in a workbook.
    let res = app
        .client
        .get(app.url("/api/v1/orders/export.xlsx?status=on_hold"))
        .bearer_auth(&s.admin_key)
        .send()
        .await
        .unwrap();
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("orders.xlsx"));
    let mut rows = Vec::new();
    tradeport_connectors::sheets::read_rows(
        std::io::Cursor::new(res.bytes().await.unwrap().to_vec()),
        tradeport_connectors::sheets::SheetFormat::Xlsx,
        |_, row| {
            rows.push(row);
            true
        },
    )
    .unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!((rows[1][7].as_str(), rows[1][9].as_str()), ("Grace Hopper", "+442079460958"));
    assert!(rows[1][21].starts_with("shipping_address.postcode: postcode is required"), "{:?}", rows[1]);
}

async fn the_confirmation_document_is_html_data_and_a_pdf(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let mut input = lamp_order("#doc", 2);
    input["buyer"]["name"] = json!("王小明 (Wang Xiaoming)");
    input["shipping_address"]["name"] = json!("Анна Петрова");
    let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, input).await;
    let id = order["id"].as_str().unwrap();
    let (status, doc) = get(&app, &format!("/api/v1/orders/{id}/confirmation"), &s.merchant_a_key).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    assert_eq!(doc["order_no"], order["order_no"]);
    assert_eq!(
        (doc["subtotal"].as_str(), doc["shipping"].as_str(), doc["total"].as_str()),
        (Some("50.00"), Some("8.00"), Some("58.00"))
    );
    assert_eq!(
        doc["estimated_dispatch_at"].as_i64().unwrap() - doc["confirmed_at"].as_i64().unwrap(),
        12 * 3_600_000,
        "overseas warehouse: 12 h"
    );
    let res = app
        .client
        .get(app.url(&format!("/api/v1/orders/{id}/confirmation.pdf")))
        .bearer_auth(&s.merchant_a_key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let pdf = res.bytes().await.unwrap();
    // Read back as a PDF reader does: the text of its pages, whatever the script.
    let doc = lopdf::Document::load_mem(&pdf).expect("a PDF");
    let text = doc.extract_text(&doc.get_pages().keys().copied().collect::<Vec<_>>()).unwrap();
    for expected in [order["order_no"].as_str().unwrap(), "王小明", "Анна Петрова", "58.00"] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
}

async fn a_change_runs_the_intake_rules_again_and_holds_what_became_unclear(app: TestApp) {
    let s = app.seed("acme").await;
    let c = app.seed_catalog(&s, 10).await;
    let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#chg", 2)).await;
    let (id, number) = (order["id"].as_str().unwrap(), order["order_no"].as_str().unwrap().to_string());
    assert_eq!(
        (order["status"].as_str(), available(&app, &s.admin_key, &c.lamp).await),
        (Some("confirmed"), (2, 8))
    );
    let path = format!("/api/v1/orders/{id}/shipping-address");
    let change_address = |address: Value| {
        let body = json!({"shipping_address": address, "reason": "buyer moved", "buyer_agreed": true});
        call(&app, Method::PUT, &path, &s.admin_key, Some(body))
    };

    // An address the carrier cannot use stops a confirmed order: on hold, its stock released.
    let (status, held) =
        change_address(json!({"line1": "1 Lovelace Way", "city": "London", "country": "GB"})).await;
    assert_eq!(status, StatusCode::OK, "{held}");
    assert_eq!((held["status"].as_str(), held["allocation"].as_str()), (Some("on_hold"), Some("none")));
    assert_eq!(held["holds"][0]["field"], "shipping_address.postcode", "{held}");
    assert_eq!(available(&app, &s.admin_key, &c.lamp).await, (0, 10));

    // Goods forbidden at the new destination refuse the change, and nothing changes.
    let rule = json!({"code": "AU_FRAGILE", "trait": "fragile", "hs_prefix": null, "destinations": ["au"], "action": "block",
                      "message": "fragile goods are not sent to Australia"});
    assert_eq!(post(&app, "/api/v1/goods-rules", &s.admin_key, rule).await.0, StatusCode::CREATED);
    let sydney = json!({"line1": "1 George St", "city": "Sydney", "state": "NSW", "postcode": "2000", "country": "AU"});
    let (status, refused) = change_address(sydney).await;
    assert_eq!(
        (status, refused["error"]["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("prohibited_goods"))
    );
    let (_, unchanged) = get(&app, &format!("/api/v1/orders/{id}"), &s.admin_key).await;
    assert_eq!(unchanged["shipping_address"]["country"], "GB", "{unchanged}");

    // A complete address clears the hold: back to review, then confirmed again under its number.
    let london =
        json!({"line1": "1 Lovelace Way", "city": "London", "postcode": "EC1Y 8SY", "country": "GB"});
    let (_, fixed) = change_address(london).await;
    assert_eq!((fixed["status"].as_str(), &fixed["holds"]), (Some("pending_review"), &json!([])), "{fixed}");
    for action in ["approve", "confirm"] {
        let (status, _) = post(&app, &format!("/api/v1/orders/{id}/{action}"), &s.admin_key, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{action}");
    }
    let (_, again) = get(&app, &format!("/api/v1/orders/{id}"), &s.admin_key).await;
    assert_eq!(
        (again["status"].as_str(), again["order_no"].as_str()),
        (Some("confirmed"), Some(number.as_str()))
    );
    let confirmations: Vec<&Value> =
        again["events"].as_array().unwrap().iter().filter(|e| e["kind"] == "order_confirm").collect();
    assert_eq!(confirmations.len(), 2, "confirmed twice");
    assert!(confirmations.iter().all(|e| e["data"]["order_no"] == number.as_str()), "{confirmations:?}");

    // A special service on a confirmed order calls for a second review: held until reviewed.
    let body = json!({"service_level": "oversized", "reason": "buyer asked for white-glove delivery", "buyer_agreed": true});
    let (status, special) =
        call(&app, Method::PUT, &format!("/api/v1/orders/{id}/service-level"), &s.admin_key, Some(body))
            .await;
    assert_eq!(status, StatusCode::OK, "{special}");
    assert_eq!(
        (special["status"].as_str(), special["holds"][0]["code"].as_str()),
        (Some("on_hold"), Some("second_review_due"))
    );
    let drifts = tradeport_app::inventory::verify_inventory(&app.app).await.unwrap();
    assert!(drifts.is_empty(), "{drifts:?}");
}

async fn a_thousand_line_order_is_refused_with_a_limit_code(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let mut big = lamp_order("#big", 1);
    big["lines"] = json!(vec![json!({"sku": "LAMP", "quantity": 1, "unit_price_minor": 2500}); 1000]);
    big["total_minor"] = json!(1000 * 2500 + 800);
    big["paid_minor"] = big["total_minor"].clone();
    let (status, body) = post(&app, "/api/v1/orders", &s.merchant_a_key, big).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let codes: Vec<&str> =
        body["error"]["fields"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["too_many_lines"], "{body}");
    let (_, listed) = get(&app, "/api/v1/orders", &s.admin_key).await;
    assert_eq!(listed["items"], json!([]), "nothing was stored");
}

async fn a_change_keeps_an_out_of_stock_hold(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 0).await;
    settings(&app, &s.admin_key, json!({"shortage_policy": "hold"})).await;
    let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#short", 1)).await;
    assert_eq!(
        (order["status"].as_str(), order["holds"][0]["code"].as_str()),
        (Some("on_hold"), Some("out_of_stock")),
        "{order}"
    );
    let id = order["id"].as_str().unwrap();
    let body = json!({"shipping_address": {"line1": "2 Lovelace Way", "city": "London", "postcode": "EC1Y 8SY", "country": "GB"},
                      "reason": "buyer moved next door", "buyer_agreed": true});
    let (status, changed) =
        call(&app, Method::PUT, &format!("/api/v1/orders/{id}/shipping-address"), &s.admin_key, Some(body))
            .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        (changed["status"].as_str(), changed["holds"][0]["code"].as_str()),
        (Some("on_hold"), Some("out_of_stock")),
        "a change does not clear what it does not decide"
    );
}

async fn the_least_shipping_fee_follows_the_orders_currency(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let (_, current) = get(&app, "/api/v1/settings", &s.admin_key).await;
    let mut levels = current["service_levels"].clone();
    let express = levels.as_array_mut().unwrap().iter_mut().find(|l| l["code"] == "express").unwrap();
    express["min_shipping_fees"] = json!({"JPY": 900});
    settings(&app, &s.admin_key, json!({"service_levels": levels})).await;
    let mut yen = lamp_order("#yen-express", 1);
    yen["currency"] = json!("JPY");
    yen["service_level"] = json!("express");
    let (_, held) = post(&app, "/api/v1/orders", &s.merchant_a_key, yen).await;
    assert_eq!(
        (held["status"].as_str(), held["holds"][0]["code"].as_str()),
        (Some("on_hold"), Some("service_not_paid")),
        "{held}"
    );
    assert!(held["holds"][0]["message"].as_str().unwrap().contains("at least 900"), "{held}");
    let mut pounds = lamp_order("#gbp-express", 1);
    pounds["service_level"] = json!("express");
    let (_, fine) = post(&app, "/api/v1/orders", &s.merchant_a_key, pounds).await;
    assert_eq!(fine["status"], "confirmed", "GBP keeps the default least fee: {fine}");
}
