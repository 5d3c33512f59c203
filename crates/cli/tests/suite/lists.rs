//! Order lists that hold at a million orders: every filter walks an index in keyset order with
//! no sort, and search takes `%` and `_` literally (SYS-1).

use reqwest::StatusCode;
use tradeport_domain::orders::OrderStatus;
use tradeport_store::orders::{OrderFilter, explain_list};
use tradeport_testkit::{DbKind, TestApp, db_tests, lamp_order};

use crate::helpers::{get, post};

db_tests!(every_order_list_filter_uses_an_index_without_a_sort, search_matches_wildcards_literally);

async fn every_order_list_filter_uses_an_index_without_a_sort(app: TestApp) {
    let s = app.seed("acme").await;
    let mut conn = app.app.db().read().await.unwrap();
    if app.kind == DbKind::Postgres {
        // An empty table is cheapest to scan; ask whether an index path without a sort exists.
        sqlx::query("SET enable_seqscan = off").execute(&mut *conn).await.unwrap();
    }
    let merchant = Some(s.merchant_a.id);
    let filters = [
        ("everything", OrderFilter::default()),
        ("merchant", OrderFilter { merchant_id: merchant, ..OrderFilter::default() }),
        ("status", OrderFilter { statuses: vec![OrderStatus::OnHold], ..OrderFilter::default() }),
        (
            "merchant and status",
            OrderFilter {
                merchant_id: merchant,
                statuses: vec![OrderStatus::PendingReview],
                ..OrderFilter::default()
            },
        ),
        ("channel", OrderFilter { channel: Some("shopify".into()), ..OrderFilter::default() }),
        ("country", OrderFilter { country: Some("GB".into()), ..OrderFilter::default() }),
        ("search", OrderFilter { text: Some("ada".into()), ..OrderFilter::default() }),
    ];
    for (name, filter) in filters {
        let plan = explain_list(&mut conn, s.operator.id, &filter).await.unwrap().join("\n");
        let sorted = plan.contains("TEMP B-TREE") || plan.contains("Sort");
        let indexed = plan.contains("INDEX") || plan.contains("Index");
        assert!(indexed && !sorted, "{name}: the plan must walk an index in order:\n{plan}");
        assert!(
            !plan.contains("Seq Scan") && !plan.starts_with("SCAN orders\n"),
            "{name}: no full scan:\n{plan}"
        );
    }
}

async fn search_matches_wildcards_literally(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    for id in ["#100_A", "#1000A", "#50%OFF", "#50-OFF"] {
        let (status, body) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order(id, 1)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    for (q, expected) in
        [("100_", vec!["#100_A"]), ("50%25", vec!["#50%OFF"]), ("100", vec!["#1000A", "#100_A"])]
    {
        let (status, page) = get(&app, &format!("/api/v1/orders?q={q}"), &s.admin_key).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let found: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["channel_order_id"].as_str().unwrap())
            .collect();
        assert_eq!(found, expected, "q={q}");
    }
}
