//! Intake's configuration cache (#15 item 2, `app::access::config_cache`): a change made through
//! another server process on the same database is seen by the next intake here, at once.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests, lamp_order};

use crate::concurrency::SecondServer;
use crate::helpers::post;

db_tests!(a_change_made_by_another_process_is_seen_by_the_next_intake);

/// Sends `body` to `path` on the other server.
async fn there(
    server: &SecondServer,
    method: reqwest::Method,
    path: &str,
    key: &str,
    body: Value,
) -> StatusCode {
    let res = reqwest::Client::new()
        .request(method, format!("{}{path}", server.base_url))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .unwrap();
    res.status()
}

async fn a_change_made_by_another_process_is_seen_by_the_next_intake(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 50).await;
    let other = SecondServer::start(&app.database_url).await;
    let key = s.merchant_a_key.as_str();
    // This process reads the configuration and keeps it.
    let (_, first) = post(&app, "/api/v1/orders", key, lamp_order("#c-1", 1)).await;
    assert_eq!(first["status"], "confirmed", "{first}");
    let (_, again) = post(&app, "/api/v1/orders", key, lamp_order("#c-2", 1)).await;
    assert_eq!(again["status"], "confirmed", "{again}");

    // The other process turns auto-approval off: the next intake here leaves the order for review.
    let patch = json!({"auto_approve": false});
    assert_eq!(
        there(&other, reqwest::Method::PATCH, "/api/v1/settings", &s.admin_key, patch).await,
        StatusCode::OK
    );
    let (_, waiting) = post(&app, "/api/v1/orders", key, lamp_order("#c-3", 1)).await;
    assert_eq!(waiting["status"], "pending_review", "{waiting}");

    // A goods rule added there refuses the next order here.
    let rule = json!({"code": "NO_LAMPS_GB", "trait": null, "hs_prefix": "9405", "destinations": ["gb"], "action": "block",
                      "message": "lamps are not shipped to Great Britain this week"});
    assert_eq!(
        there(&other, reqwest::Method::POST, "/api/v1/goods-rules", &s.admin_key, rule).await,
        StatusCode::CREATED
    );
    let (status, refused) = post(&app, "/api/v1/orders", key, lamp_order("#c-4", 1)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused["error"]["fields"][0]["message"].as_str().unwrap().contains("NO_LAMPS_GB"), "{refused}");
}
