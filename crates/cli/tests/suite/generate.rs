//! The generated data set (#15 item 5): orders validated by intake's rules and taken through the
//! state machine, with books that balance, a chain that verifies, numbers that never repeat, and
//! lists, search and tenancy that work on it as on real orders.

use reqwest::StatusCode;
use tradeport_app::demo::generate::{GenerateSpec, generate};
use tradeport_app::demo::load_demo;
use tradeport_store::audit_chain::explain_unsealed;
use tradeport_testkit::{TestApp, db_tests};

use crate::helpers::get;

db_tests!(a_generated_data_set_balances_verifies_and_is_listed_searched_and_kept_apart_like_real_orders);

async fn scalar(app: &TestApp, sql: &'static str) -> i64 {
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut *conn).await.unwrap()
}

const GENERATED: &str =
    "SELECT COUNT(*) FROM orders o JOIN tenants t ON t.id = o.merchant_id WHERE t.code LIKE 'gen-merchant-%'";

async fn a_generated_data_set_balances_verifies_and_is_listed_searched_and_kept_apart_like_real_orders(
    app: TestApp,
) {
    let demo = load_demo(&app.app).await.unwrap();
    let admin_key = demo.api_keys.iter().find(|(t, _, _)| t == "pacific-bridge").unwrap().2.clone();
    let merchant_key = demo.api_keys.iter().find(|(t, _, _)| t == "lumen-home").unwrap().2.clone();
    // Three chunks: balances, receipts and numbers carry over from one transaction to the next.
    let spec = GenerateSpec { orders: 3_000, merchants: 4, days: 30, seed: 9, chunk: 1_000 };
    let mut reported = Vec::new();
    let out = generate(&app.app, &spec, |n| reported.push(n)).await.unwrap();
    assert_eq!((out.orders, reported), (3_000, vec![1_000, 2_000, 3_000]));
    assert_eq!(scalar(&app, GENERATED).await, 3_000);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.channel_order_id LIKE '%-G9-%'").await,
        out.lines as i64
    );
    assert!(out.lines > 3_000 && out.events > 5 * 3_000, "{out:?}");

    // Over thirty days most orders were handed over; the last day's are still on their way.
    let handed = scalar(&app, "SELECT COUNT(*) FROM orders WHERE status = 'handed_over'").await;
    assert!((2_600..3_000).contains(&handed), "{handed} handed over");
    let states =
        scalar(&app, "SELECT COUNT(DISTINCT status) FROM orders WHERE channel_order_id LIKE '%-G9-%'").await;
    assert!(states >= 6, "{states} states");

    // The stock books balance, every event is sealed and the chain holds, and the KPIs took them.
    assert!(tradeport_app::inventory::verify_inventory(&app.app).await.unwrap().is_empty());
    let chains = tradeport_app::audit::verify_all(&app.app).await.unwrap();
    assert!(chains.iter().all(|c| c.breaks.is_empty() && c.unsealed == 0), "{chains:?}");
    assert_eq!(out.rolled_up, out.sealed);
    assert!(out.sealed >= out.events);
    // A sealing round walks the operator's events from a point in id order; it never reads and
    // sorts the whole history (which took 20 s per thousand links at 6.8 million events).
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("ANALYZE").execute(&mut *conn).await.unwrap();
    let operator = tradeport_app::access::tenant_by_code(&app.app, "pacific-bridge").await.unwrap().id;
    let plan = explain_unsealed(&mut conn, operator).await.unwrap().join("\n");
    let by_id =
        ["events_tenant_id_idx", "events_pkey", "sqlite_autoindex_events_1"].iter().any(|i| plan.contains(i));
    assert!(
        by_id
            && !plan.contains("TEMP B-TREE")
            && !plan.contains("Sort")
            && !plan.contains("Seq Scan on events"),
        "sealing must walk events in id order:\n{plan}"
    );
    // And it finds each event's link by an index bounded where the page starts, not by reading
    // the chain from its first link (a merge join without the bound did, page after page).
    let chain: Vec<&str> = plan.lines().skip_while(|l| !l.contains("audit_chain")).take(2).collect();
    assert!(
        chain.iter().any(|l| l.contains("SEARCH") || l.contains("Index Cond")),
        "links must be looked up by index:\n{plan}"
    );
    drop(conn);

    // Every confirmed order has a number, none twice, and today's counter goes on after them.
    let numbered = scalar(&app, "SELECT COUNT(*) FROM orders WHERE order_no IS NOT NULL").await;
    let distinct =
        scalar(&app, "SELECT COUNT(DISTINCT order_no) FROM orders WHERE order_no IS NOT NULL").await;
    let confirmed = scalar(&app, "SELECT COUNT(*) FROM orders WHERE confirmed_at IS NOT NULL").await;
    assert_eq!((numbered, distinct), (confirmed, confirmed));
    let behind = scalar(
        &app,
        "SELECT COUNT(*) FROM order_number_counters c WHERE c.last_serial < \
         (SELECT COALESCE(MAX(CAST(SUBSTR(o.order_no, 9) AS INTEGER)), 0) FROM orders o WHERE o.order_no LIKE c.day || '%')",
    )
    .await;
    assert_eq!(behind, 0);

    // Lists and search read them like any order: newest first, a buyer found by e-mail.
    let (status, page) = get(&app, "/api/v1/orders?limit=50", &admin_key).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let ids: Vec<&str> =
        page["items"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 50);
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
    let (_, found) = get(&app, "/api/v1/orders?q=buyer1234.g9@example.com", &admin_key).await;
    let items = found["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{found}");
    let (_, order) =
        get(&app, &format!("/api/v1/orders/{}", items[0]["id"].as_str().unwrap()), &admin_key).await;
    let kinds: Vec<&str> =
        order["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(kinds[0].starts_with("order_received"), "{kinds:?}");
    // Each step's event leads from the step before to the next, and the last to where it stands.
    let mut at = order["status"].as_str().unwrap();
    for e in order["events"].as_array().unwrap().iter().skip(1).rev() {
        assert_eq!(e["data"]["to"], at, "{order}");
        at = e["data"]["from"].as_str().unwrap();
    }
    assert!(["pending_review", "on_hold"].contains(&at), "{order}");

    // A merchant of the demo sees none of the generated merchants' orders.
    let (_, mine) = get(&app, "/api/v1/orders?q=.g9@example.com", &merchant_key).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 0, "{mine}");

    // The same seed again is refused, and adds nothing, even spread over other merchants.
    let again = generate(&app.app, &GenerateSpec { merchants: 2, ..spec.clone() }, |_| {}).await.unwrap_err();
    assert_eq!(again.code(), "generate.seed_used");
    assert_eq!(scalar(&app, GENERATED).await, 3_000);
    // Another seed adds to the same merchants, and the books and the chain still hold.
    let more = GenerateSpec { orders: 700, seed: 10, ..spec };
    generate(&app.app, &more, |_| {}).await.unwrap();
    assert_eq!(scalar(&app, GENERATED).await, 3_700);
    assert!(tradeport_app::inventory::verify_inventory(&app.app).await.unwrap().is_empty());
    let chains = tradeport_app::audit::verify_all(&app.app).await.unwrap();
    assert!(chains.iter().all(|c| c.breaks.is_empty() && c.unsealed == 0), "{chains:?}");
    let distinct =
        scalar(&app, "SELECT COUNT(DISTINCT order_no) FROM orders WHERE order_no IS NOT NULL").await;
    let numbered = scalar(&app, "SELECT COUNT(*) FROM orders WHERE order_no IS NOT NULL").await;
    assert_eq!(distinct, numbered);
}
