//! Goods sent again (AFS-6) and the merchant's standing disposition rules (AFS-5): a granted
//! reship, an inspected exchange and a unit sent for repair each get one replacement order
//! through intake (nothing to pay, the RMA number as its channel order id, made once however
//! often it is asked for); an inspection that names no disposition follows the merchant's rule.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests};

use crate::helpers::{call, get, post};
use crate::returns::mugs_and_pen_shipped;
use crate::warehouse::{Floor, floor, stock_bin};

db_tests!(reships_exchanges_and_repairs_go_out_again_once_and_returns_follow_the_merchants_standing_rules);

fn field_code(body: &Value) -> (&str, &str) {
    let f = &body["error"]["fields"][0];
    (f["field"].as_str().unwrap_or_default(), f["code"].as_str().unwrap_or_default())
}

async fn replacements(app: &TestApp) -> i64 {
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE channel = 'aftersales'")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

/// Files a request as merchant A and has the admin approve it.
async fn granted(app: &TestApp, f: &Floor, order: &str, kind: &str, reason: &str, sku: &str) -> Value {
    let body = json!({"order_id": order, "request_type": kind, "reason": reason, "lines": [{"sku": sku, "quantity": 1}]});
    let (status, filed) = post(app, "/api/v1/aftersales-requests", &f.s.merchant_a_key, body).await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let path = format!("/api/v1/aftersales-requests/{}/decision", filed["id"].as_str().unwrap());
    let (status, decided) = post(app, &path, &f.s.admin_key, json!({"decision": "approve"})).await;
    assert_eq!(status, StatusCode::OK, "{decided}");
    decided
}

async fn reships_exchanges_and_repairs_go_out_again_once_and_returns_follow_the_merchants_standing_rules(
    app: TestApp,
) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 9, "A-01-01-1-1").await;
    stock_bin(&app, &f, "PEN", 9, "A-01-01-1-2").await;
    let policy = json!({"category": "home", "market": "GB", "window_days": 30,
                        "allowed": ["refund_only", "return_and_refund", "exchange", "reship", "repair"]});
    let (status, body) = post(&app, "/api/v1/aftersales-policies", &f.s.admin_key, policy).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let order = mugs_and_pen_shipped(&app, &f, "#again-1").await;

    // The merchant's standing rules: checked, its own, out of other merchants' reach.
    let rules = |r: Value| json!({"rules": r});
    let put = |key: String, body: Value| {
        let app = &app;
        async move { call(app, reqwest::Method::PUT, "/api/v1/disposition-rules", &key, Some(body)).await }
    };
    let a = f.s.merchant_a_key.clone();
    let (status, body) =
        put(a.clone(), rules(json!([{"condition": "damaged", "disposition": "restock"}]))).await;
    assert_eq!(
        (status, field_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("rules[0].disposition", "not_resaleable"))
    );
    let (status, body) = put(
        a.clone(),
        rules(json!([{"condition": "damaged", "disposition": "destroy"},
                                                    {"condition": "damaged", "disposition": "repair"}])),
    )
    .await;
    assert_eq!(
        (status, field_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("rules[1].condition", "duplicate"))
    );
    let (status, body) =
        put(a.clone(), rules(json!([{"condition": "broken", "disposition": "destroy"}]))).await;
    assert_eq!(field_code(&body), ("rules[0].condition", "unknown_condition"), "{status} {body}");
    let mine = rules(json!([{"condition": "damaged", "disposition": "return_to_origin"}]));
    let (status, saved) = put(a.clone(), mine).await;
    assert_eq!(
        (status, saved["rules"][0]["disposition"].as_str()),
        (StatusCode::OK, Some("return_to_origin")),
        "{saved}"
    );
    let (_, theirs) = get(&app, "/api/v1/disposition-rules", &f.s.merchant_b_key).await;
    assert_eq!(theirs["rules"], json!([]), "merchant B has its own, none: {theirs}");
    let a_id = saved["merchant_id"].as_str().unwrap();
    let (status, _) =
        get(&app, &format!("/api/v1/disposition-rules?merchant_id={a_id}"), &f.s.merchant_b_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "merchant B cannot read A's rules");
    let (status, _) = put(f.s.merchant_b_key.clone(), json!({"merchant_id": a_id, "rules": []})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nor replace them");

    // A reship goes out again as soon as it is granted: one order, nothing to pay.
    let reship = granted(&app, &f, &order, "reship", "logistics", "PEN").await;
    assert_eq!(reship["status"], "completed", "{reship}");
    let again = reship["replacement_order_id"].as_str().unwrap_or_else(|| panic!("a replacement: {reship}"));
    let (_, sent) = get(&app, &format!("/api/v1/orders/{again}"), &f.s.merchant_a_key).await;
    assert_eq!(
        (sent["channel"].as_str(), sent["channel_order_id"].as_str(), sent["total_minor"].as_i64()),
        (Some("aftersales"), reship["rma_no"].as_str(), Some(0)),
        "{sent}"
    );
    assert_eq!(
        (sent["lines"][0]["sku"].as_str(), sent["lines"][0]["quantity"].as_i64()),
        (Some("PEN"), Some(1))
    );
    assert_eq!(sent["buyer_email"], "ada@example.com", "to the same buyer: {sent}");
    // Its job, run after the fact, finds it made and makes no second one.
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("UPDATE jobs SET run_at = 0 WHERE kind = 'replacement_order'")
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    tradeport_app::jobs::run_due(&app.app, "test", Duration::from_secs(30), 50).await.unwrap();
    assert_eq!(replacements(&app).await, 1);
    let (_, timeline) = get(&app, &format!("/api/v1/orders/{order}"), &f.s.admin_key).await;
    assert!(
        timeline.to_string().contains("aftersales_replacement_ordered"),
        "the original order tells: {timeline}"
    );

    // An exchange's new item goes once the old is back; the damaged one follows the standing rule.
    let exchange = granted(&app, &f, &order, "exchange", "size_or_colour", "MUG").await;
    assert_eq!(exchange["status"], "awaiting_return", "{exchange}");
    let warehouse = app.staff_key(&f.s, "warehouse").await;
    let (status, _) =
        post(&app, "/api/v1/returns/receive", &warehouse, json!({"rma_no": exchange["rma_no"]})).await;
    assert_eq!(status, StatusCode::OK);
    let inspect = format!("/api/v1/aftersales-requests/{}/inspection", exchange["id"].as_str().unwrap());
    let (status, body) =
        post(&app, &inspect, &warehouse, json!({"intact": true, "original_item": false, "resaleable": true}))
            .await;
    assert_eq!(
        (status, field_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("disposition", "required")),
        "no rule for goods not the item sold: {body}"
    );
    assert_eq!(replacements(&app).await, 1, "a refused inspection changes nothing");
    let (status, done) = post(
        &app,
        &inspect,
        &warehouse,
        json!({"intact": false, "original_item": true, "resaleable": false}),
    )
    .await;
    assert_eq!((status, done["status"].as_str()), (StatusCode::OK, Some("completed")), "{done}");
    assert_eq!(done["disposition"], "return_to_origin", "{done}");
    assert!(
        done["disposition_reason"].as_str().unwrap().contains("standing rule for damaged goods"),
        "{done}"
    );
    assert!(done["replacement_order_id"].is_string(), "{done}");

    // A repair goes back once repaired: its order waits for a reviewer.
    let repair = granted(&app, &f, &order, "repair", "quality", "MUG").await;
    let (status, _) =
        post(&app, "/api/v1/returns/receive", &warehouse, json!({"rma_no": repair["rma_no"]})).await;
    assert_eq!(status, StatusCode::OK);
    let inspect = format!("/api/v1/aftersales-requests/{}/inspection", repair["id"].as_str().unwrap());
    let (status, repaired) = post(
        &app,
        &inspect,
        &warehouse,
        json!({"intact": false, "original_item": true, "resaleable": false, "disposition": "repair"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{repaired}");
    let (_, back) = get(
        &app,
        &format!("/api/v1/orders/{}", repaired["replacement_order_id"].as_str().unwrap()),
        &f.s.admin_key,
    )
    .await;
    assert!(back["remarks"].as_str().unwrap().contains("repair of RMA-"), "{back}");
    assert!(
        !matches!(back["status"].as_str(), Some("approved" | "confirmed")),
        "not sent before the repair: {back}"
    );
    assert_eq!(replacements(&app).await, 3);
}
