//! Order lists that hold at a million orders: every filter walks an index in keyset order with
//! no sort, and search takes `%` and `_` literally (SYS-1).

use reqwest::StatusCode;
use tradeport_domain::orders::OrderStatus;
use tradeport_store::orders::{OrderFilter, explain_count_by_status, explain_list};
use tradeport_testkit::{DbKind, Seeded, TestApp, db_tests, lamp_order};

use crate::helpers::{get, post};

db_tests!(
    every_order_list_filter_uses_an_index_without_a_sort,
    search_matches_wildcards_literally,
    dashboard_counts_come_from_the_rollup_not_a_scan
);

async fn every_order_list_filter_uses_an_index_without_a_sort(app: TestApp) {
    let s = app.seed("acme").await;
    // Enough orders, spread over merchants, statuses, channels and countries, for the planner's
    // statistics to be those of a real table.
    insert_generated_orders(&app, &s, 50_000).await;
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("ANALYZE").execute(&mut *conn).await.unwrap();
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
        ("common search term", OrderFilter { text: Some("buyer".into()), ..OrderFilter::default() }),
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
    // A search reads the trigram index (FTS5 / pg_trgm), then sorts the few orders it finds.
    let search = OrderFilter { text: Some("buyer 43210".into()), ..OrderFilter::default() };
    let plan = explain_list(&mut conn, s.operator.id, &search).await.unwrap().join("\n");
    assert!(
        plan.contains("orders_search") && !plan.contains("Seq Scan"),
        "search must read the trigram index:\n{plan}"
    );
}

async fn search_matches_wildcards_literally(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let mut numbers = Vec::new();
    for id in ["#100_A", "#1000A", "#50%OFF", "#50-OFF"] {
        let (status, body) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order(id, 1)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        numbers.push(body["order_no"].as_str().expect("confirmed, so numbered").to_string());
    }
    // The number given at confirmation is searchable at once (the index follows the update).
    let (_, page) = get(&app, &format!("/api/v1/orders?q={}", numbers[2]), &s.admin_key).await;
    assert_eq!(page["items"][0]["channel_order_id"], "#50%OFF", "{page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    // Letters outside ASCII match in either case (SQLite's LIKE folds only ASCII; the index all).
    let mut accented = lamp_order("#accent", 1);
    accented["buyer"]["name"] = serde_json::json!("ÉLISE Dupont");
    assert_eq!(post(&app, "/api/v1/orders", &s.merchant_a_key, accented).await.0, StatusCode::CREATED);
    if app.kind == DbKind::Sqlite {
        let (_, page) = get(&app, "/api/v1/orders?q=%C3%A9lise", &s.admin_key).await;
        assert_eq!(page["items"][0]["channel_order_id"], "#accent", "{page}");
    }
    // An e-mail and a phone with `_` in them, as written and in E.164.
    let mut ada = lamp_order("#1001_A", 1);
    ada["buyer"]["email"] = serde_json::json!("ada_lovelace@example.com");
    ada["buyer"]["phone"] = serde_json::json!("020 7946 0123");
    assert_eq!(post(&app, "/api/v1/orders", &s.merchant_a_key, ada).await.0, StatusCode::CREATED);
    for (q, expected) in [
        ("100_", vec!["#100_A"]),
        ("50%25", vec!["#50%OFF"]),
        ("100", vec!["#1001_A", "#1000A", "#100_A"]),
        ("ada_lovelace%40example.com", vec!["#1001_A"]),
        ("ADA_LOVELACE", vec!["#1001_A"]),
        ("%231001_A", vec!["#1001_A"]),
        ("7946%200123", vec!["#1001_A"]),
        ("%2B442079460123", vec!["#1001_A"]),
    ] {
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

/// Writes `n` orders straight into the table, spread over both merchants, three statuses, four
/// channels and three countries.
async fn insert_generated_orders(app: &TestApp, s: &Seeded, n: u32) {
    let postgres = app.kind == DbKind::Postgres;
    let seq = if postgres { format!("generate_series(1, {n}) AS s(n)") } else { "seq".to_string() };
    let hex = if postgres { "lpad(to_hex(n), 12, '0')" } else { "printf('%012x', n)" };
    let mut sql = format!(
        "INSERT INTO orders (id, tenant_id, merchant_id, channel, channel_order_id, status, buyer_name, buyer_phone, \
         buyer_email, buyer_language, shipping_address, ship_country, currency, subtotal_minor, discount_minor, \
         shipping_fee_minor, total_minor, paid_minor, payment_method, payment_status, service_level, created_at, updated_at) \
         SELECT '01900000-0000-7000-8000-' || {hex}, '{op}', CASE n % 2 WHEN 0 THEN '{a}' ELSE '{b}' END, \
         CASE n % 4 WHEN 0 THEN 'shopify' WHEN 1 THEN 'amazon' WHEN 2 THEN 'ebay' ELSE 'web' END, 'B-' || n, \
         CASE n % 5 WHEN 0 THEN 'on_hold' WHEN 1 THEN 'pending_review' ELSE 'confirmed' END, 'Buyer ' || n, '1', \
         'b' || n || '@example.com', 'en', '{{}}', CASE n % 3 WHEN 0 THEN 'GB' WHEN 1 THEN 'US' ELSE 'DE' END, 'GBP', \
         1, 0, 0, 1, 1, 'card', 'paid', 'standard', n, n FROM {seq}",
        op = s.operator.id,
        a = s.merchant_a.id,
        b = s.merchant_b.id,
    );
    if !postgres {
        sql = format!(
            "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {n}) {sql}"
        );
    }
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *conn).await.unwrap();
}

async fn dashboard_counts_come_from_the_rollup_not_a_scan(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 3).await;
    insert_generated_orders(&app, &s, 5_000).await;
    // Orders through the API too: the stock runs out after three.
    for n in 0..5 {
        post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order(&format!("#c{n}"), 1)).await;
    }
    let mut conn = app.app.db().read().await.unwrap();
    // Status changes and a delete straight in the table are counted as well (the triggers).
    sqlx::query("UPDATE orders SET status = 'cancelled' WHERE channel_order_id IN ('B-1', 'B-2', 'B-3')")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("DELETE FROM orders WHERE channel_order_id = 'B-4'").execute(&mut *conn).await.unwrap();
    let truth = |merchant: Option<String>| {
        let sql = "SELECT status, COUNT(*) FROM orders WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) \
                   GROUP BY status ORDER BY status";
        sqlx::query_as::<_, (String, i64)>(sql)
            .bind(s.operator.id.to_string())
            .bind(merchant.unwrap_or_default())
    };
    let expected_all = truth(None).fetch_all(&mut *conn).await.unwrap();
    let expected_a = truth(Some(s.merchant_a.id.to_string())).fetch_all(&mut *conn).await.unwrap();
    assert!(expected_all.iter().any(|(st, n)| st == "cancelled" && *n == 3), "{expected_all:?}");
    let figures = |body: &serde_json::Value| -> Vec<(String, i64)> {
        let rows = body["orders_by_status"].as_array().unwrap();
        rows.iter().map(|r| (r[0].as_str().unwrap().to_string(), r[1].as_i64().unwrap())).collect()
    };
    for fold in [false, true] {
        if fold {
            let folded = tradeport_app::reporting::fold_order_counts(&app.app).await.unwrap();
            assert!(folded >= 5_000, "every change was folded: {folded}");
            let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM order_status_changes")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(left, 0);
        }
        let (_, all) = get(&app, "/api/v1/dashboard", &s.admin_key).await;
        assert_eq!(figures(&all), expected_all, "operator, folded: {fold}");
        let (_, own) = get(&app, "/api/v1/dashboard", &s.merchant_a_key).await;
        assert_eq!(figures(&own), expected_a, "merchant A, folded: {fold}");
    }
    let plan = explain_count_by_status(&mut conn, s.operator.id).await.unwrap().join("\n");
    assert!(
        plan.contains("order_status_counts") && !plan.contains("on orders") && !plan.contains("SCAN orders"),
        "the counts never read the orders table:\n{plan}"
    );
}
