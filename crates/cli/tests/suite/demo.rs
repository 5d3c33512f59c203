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
    // The Manchester floor: every unit there in a bin, a notice waiting to be counted, a wave to build.
    let (_, warehouses) = crate::helpers::get(&app, "/api/v1/warehouses", key).await;
    let uk = warehouses["items"].as_array().unwrap().iter().find(|w| w["code"] == "UK-MAN").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, queue) = crate::helpers::get(&app, &format!("/api/v1/warehouses/{uk}/put-away"), key).await;
    assert_eq!(queue["items"], serde_json::json!([]), "nothing left on the dock");
    let (_, contents) =
        crate::helpers::get(&app, &format!("/api/v1/warehouses/{uk}/bin-contents"), key).await;
    assert!(!contents["items"].as_array().unwrap().is_empty());
    let (_, notices) = crate::helpers::get(&app, "/api/v1/asns?status=accepted", key).await;
    assert_eq!(notices["items"].as_array().unwrap().len(), 1);
    let (status, wave) =
        crate::helpers::post(&app, "/api/v1/waves", key, serde_json::json!({"warehouse_id": uk})).await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{wave}");
    let again = tradeport_app::demo::load_demo(&app.app).await.unwrap();
    assert!(!again.created && again.api_keys.is_empty(), "a second load changes nothing");
    assert!(tradeport_app::inventory::verify_inventory(&app.app).await.unwrap().is_empty());
}
