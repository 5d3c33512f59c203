//! The demo data set loads through the real use cases, once, and leaves the books balanced.

use tradeport_testkit::{DbKind, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_loads_once_with_orders_in_every_review_state_and_balanced_books() {
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let first = tradeport_app::demo::load_demo(&app.app).await.unwrap();
    assert!(first.created);
    assert_eq!((first.orders, first.api_keys.len()), (320, 3));
    let key = &first.api_keys[0].2;
    for status in ["confirmed", "on_hold", "pending_review", "rejected"] {
        let (_, page) =
            crate::helpers::get(&app, &format!("/api/v1/orders?status={status}&limit=1"), key).await;
        assert_eq!(page["items"].as_array().unwrap().len(), 1, "the demo has {status} orders");
    }
    let again = tradeport_app::demo::load_demo(&app.app).await.unwrap();
    assert!(!again.created && again.api_keys.is_empty(), "a second load changes nothing");
    assert!(tradeport_app::inventory::verify_inventory(&app.app).await.unwrap().is_empty());
}
