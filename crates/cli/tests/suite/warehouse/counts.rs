//! Blind cycle counts, the reconciliation report and safety stock (INV-5, INV-6).

use reqwest::StatusCode;
use serde_json::json;
use tradeport_testkit::{TestApp, db_tests};

use super::*;
use crate::helpers::{code, get, post};

db_tests!(a_blind_count_changes_stock_only_when_a_supervisor_approves_and_the_reconciliation_balances,);

async fn a_blind_count_changes_stock_only_when_a_supervisor_approves_and_the_reconciliation_balances(
    app: TestApp,
) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "PEN", 10, "A-01-01-1-1").await;
    stock_bin(&app, &f, "MUG", 5, "A-01-01-1-2").await;
    let (warehouse, supervisor) =
        (app.staff_key(&f.s, "warehouse").await, app.staff_key(&f.s, "supervisor").await);
    let (status, count) = post(
        &app,
        "/api/v1/counts",
        &warehouse,
        json!({"warehouse_id": f.uk, "bins": ["A-01-01-1-1", "A-01-01-1-2"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{count}");
    let id = count["id"].as_str().unwrap().to_string();
    let skus: Vec<&str> =
        count["lines"].as_array().unwrap().iter().map(|l| l["sku"].as_str().unwrap()).collect();
    assert_eq!(skus, ["PEN", "MUG"], "in walking order");
    assert!(count["lines"].as_array().unwrap().iter().all(|l| l["expected"].is_null()), "blind: {count}");
    let (status, body) = post(&app, &format!("/api/v1/counts/{id}/submit"), &warehouse, json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "count.not_all_counted"));
    post(
        &app,
        &format!("/api/v1/counts/{id}/lines"),
        &warehouse,
        json!({"bin": "A-01-01-1-1", "scan": "PEN", "counted": 8}),
    )
    .await;
    post(
        &app,
        &format!("/api/v1/counts/{id}/lines"),
        &warehouse,
        json!({"bin": "A-01-01-1-2", "scan": MUG_GTIN, "counted": 5}),
    )
    .await;
    let (status, submitted) = post(&app, &format!("/api/v1/counts/{id}/submit"), &warehouse, json!({})).await;
    assert_eq!((status, submitted["status"].as_str()), (StatusCode::OK, Some("submitted")), "{submitted}");
    assert!(submitted["lines"][0]["variance"].is_null(), "still blind for the counter");
    let (status, body) = post(
        &app,
        &format!("/api/v1/counts/{id}/decision"),
        &warehouse,
        json!({"approve": true, "reason": "two pens missing"}),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "auth.forbidden"),
        "a warehouse role cannot approve count variances"
    );
    assert_eq!(balance(&app, &f, &f.mug).await, (5, 0));
    let (_, seen) = get(&app, &format!("/api/v1/counts/{id}"), &supervisor).await;
    assert_eq!(
        (seen["lines"][0]["expected"].as_i64(), seen["lines"][0]["variance"].as_i64()),
        (Some(10), Some(-2))
    );
    let (status, body) = post(
        &app,
        &format!("/api/v1/counts/{id}/decision"),
        &supervisor,
        json!({"approve": true, "reason": ""}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required: {body}");
    let (status, approved) = post(
        &app,
        &format!("/api/v1/counts/{id}/decision"),
        &supervisor,
        json!({"approve": true, "reason": "two pens missing"}),
    )
    .await;
    assert_eq!((status, approved["status"].as_str()), (StatusCode::OK, Some("approved")), "{approved}");
    let (_, contents) = get(&app, &format!("/api/v1/warehouses/{}/bin-contents", f.uk), &f.s.admin_key).await;
    let pens: Vec<i64> = contents["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["sku"] == "PEN")
        .map(|c| c["units"].as_i64().unwrap())
        .collect();
    assert_eq!(pens, [8]);
    assert_books_agree(&app).await;

    let (status, report) = get(
        &app,
        &format!("/api/v1/warehouses/{}/reconciliation?from=2026-01-01", f.uk),
        &f.s.merchant_a_key,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["balanced"], true);
    let pen = report["lines"].as_array().unwrap().iter().find(|l| l["sku"] == "PEN").unwrap();
    assert_eq!(
        [
            &pen["opening"],
            &pen["receipts"],
            &pen["shipments"],
            &pen["adjustments"],
            &pen["closing"],
            &pen["on_hand_now"]
        ],
        [&json!(0), &json!(10), &json!(0), &json!(-2), &json!(8), &json!(8)]
    );
    let (_, theirs) = get(
        &app,
        &format!("/api/v1/warehouses/{}/reconciliation?from=2026-01-01", f.uk),
        &f.s.merchant_b_key,
    )
    .await;
    assert_eq!(theirs["lines"], json!([]), "B sees none of A's SKUs");

    // Safety stock: one alert when the available stock falls below the threshold, not one per check,
    // posted to the merchant's webhook that asked for it.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let keep = seen.clone();
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: String| {
            let keep = keep.clone();
            async move { keep.lock().unwrap().push(body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let hook = json!({"url": url, "topics": ["stock.below_safety"]});
    let (status, body) = post(&app, "/api/v1/webhooks", &f.s.merchant_a_key, hook).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let pen_id = pen["sku_id"].as_str().unwrap();
    let res = app
        .client
        .put(app.url("/api/v1/safety-stock"))
        .bearer_auth(&f.s.merchant_a_key)
        .json(&json!({"sku_id": pen_id, "warehouse_id": f.uk, "threshold": 9}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        tradeport_app::warehouse::check_safety_stock(&app.app).await.unwrap(),
        1,
        "8 available, below 9"
    );
    assert_eq!(
        tradeport_app::warehouse::check_safety_stock(&app.app).await.unwrap(),
        0,
        "one alert, not one per check"
    );
    tradeport_app::notifications::relay_outbox(&app.app).await.unwrap();
    let report =
        tradeport_app::jobs::run_due(&app.app, "test-worker", std::time::Duration::from_secs(60), 50)
            .await
            .unwrap();
    assert_eq!(report.failed, 0, "{report:?}");
    let posted = seen.lock().unwrap().clone();
    assert_eq!(posted.len(), 1, "{posted:?}");
    let alert: serde_json::Value = serde_json::from_str(&posted[0]).unwrap();
    assert_eq!(
        (alert["type"].as_str(), alert["data"]["sku"].as_str(), alert["data"]["available"].as_i64()),
        (Some("stock.below_safety"), Some("PEN"), Some(8))
    );
    let res = app
        .client
        .put(app.url("/api/v1/safety-stock"))
        .bearer_auth(&f.s.merchant_b_key)
        .json(&json!({"sku_id": pen_id, "warehouse_id": f.uk, "threshold": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "not another merchant's SKU");
}
