//! Concurrency: no overselling, one order per channel id, gapless order numbers (INV-2, ORD-7).

use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::task::JoinSet;
use tradeport_testkit::{DbKind, TestApp, db_tests, lamp_order};

use crate::orders::settings;

db_tests!(
    two_hundred_concurrent_approvals_reserve_exactly_the_stock_there_is,
    with_the_hold_policy_what_cannot_be_reserved_is_held,
    the_same_channel_order_posted_concurrently_yields_one_order,
    a_thousand_concurrent_confirmations_get_consecutive_numbers,
    two_hundred_concurrent_intakes_take_exactly_the_stock_and_gapless_numbers,
);

/// A second `tradeport serve` on the same database, killed when dropped.
pub(crate) struct SecondServer {
    child: Child,
    pub(crate) base_url: String,
}

impl SecondServer {
    pub(crate) async fn start(database_url: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(env!("CARGO_BIN_EXE_tradeport"))
            .args(["--database-url", database_url, "serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("TRADEPORT_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("a second server starts");
        let base_url = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while client.get(format!("{base_url}/readyz")).send().await.ok().map(|r| r.status())
            != Some(StatusCode::OK)
        {
            assert!(std::time::Instant::now() < deadline, "the second server never became ready");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        Self { child, base_url }
    }
}

impl SecondServer {
    /// Kills the process at once (SIGKILL): no shutdown, no flushing.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SecondServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Posts `n` orders of one lamp each, `parallel` at a time; returns their ids.
async fn post_orders(app: &TestApp, key: &str, prefix: &str, n: usize) -> Vec<String> {
    let mut set = JoinSet::new();
    for i in 0..n {
        let (client, url, key) = (app.client.clone(), app.url("/api/v1/orders"), key.to_string());
        let body = lamp_order(&format!("{prefix}-{i}"), 1);
        set.spawn(async move {
            let res = client.post(url).bearer_auth(key).json(&body).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::CREATED);
            res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
        });
    }
    set.join_all().await
}

/// Requests in flight at once: far more than the server's connection pools, and well inside a
/// default limit of 1,024 open files for the client's and the server's sockets together.
const IN_FLIGHT: usize = 256;

/// Sends `action` for every id at once (up to `IN_FLIGHT` in flight), alternating between the
/// given servers.
async fn act_on_all(bases: &[String], key: &str, ids: &[String], action: &str) -> Vec<Value> {
    let client = reqwest::Client::new();
    let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let mut set = JoinSet::new();
    for (n, id) in ids.iter().enumerate() {
        let url = format!("{}/api/v1/orders/{id}/{action}", bases[n % bases.len()]);
        let (client, key, gate) = (client.clone(), key.to_string(), gate.clone());
        set.spawn(async move {
            let _permit = gate.acquire().await.unwrap();
            let res = client.post(url).bearer_auth(key).json(&json!({})).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<Value>().await.unwrap()
        });
    }
    set.join_all().await
}

async fn two_hundred_concurrent_approvals_reserve_exactly_the_stock_there_is(app: TestApp) {
    let s = app.seed("acme").await;
    let c = app.seed_catalog(&s, 50).await;
    settings(&app, &s.admin_key, json!({"auto_approve": false})).await;
    let ids = post_orders(&app, &s.merchant_a_key, "#race", 200).await;
    // On PostgreSQL half the approvals go to a second server process on the same database.
    let second = match app.kind {
        DbKind::Postgres => Some(SecondServer::start(&app.database_url).await),
        DbKind::Sqlite => None,
    };
    let mut bases = vec![app.base_url.clone()];
    bases.extend(second.as_ref().map(|s| s.base_url.clone()));
    let approved = act_on_all(&bases, &s.admin_key, &ids, "approve").await;
    let reserved = approved.iter().filter(|o| o["allocation"] == "reserved").count();
    let backordered = approved.iter().filter(|o| o["allocation"] == "backordered").count();
    assert_eq!((reserved, backordered), (50, 150));
    assert!(approved.iter().all(|o| o["status"] == "approved"));

    let (_, stock) = crate::helpers::get(&app, "/api/v1/stock", &s.admin_key).await;
    let lamp =
        stock["items"].as_array().unwrap().iter().find(|b| b["sku_id"] == c.lamp.as_str()).unwrap().clone();
    assert_eq!(
        (lamp["on_hand"].as_i64(), lamp["reserved"].as_i64(), lamp["available"].as_i64()),
        (Some(50), Some(50), Some(0))
    );
    let drifts = tradeport_app::inventory::verify_inventory(&app.app).await.unwrap();
    assert!(drifts.is_empty(), "inventory verify finds drift: {drifts:?}");
    let out = Command::new(env!("CARGO_BIN_EXE_tradeport"))
        .args(["--database-url", &app.database_url, "inventory", "verify"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

async fn with_the_hold_policy_what_cannot_be_reserved_is_held(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 3).await;
    settings(&app, &s.admin_key, json!({"auto_approve": false, "shortage_policy": "hold"})).await;
    let ids = post_orders(&app, &s.merchant_a_key, "#hold", 10).await;
    let after = act_on_all(std::slice::from_ref(&app.base_url), &s.admin_key, &ids, "approve").await;
    let approved =
        after.iter().filter(|o| o["status"] == "approved" && o["allocation"] == "reserved").count();
    let held: Vec<&Value> = after.iter().filter(|o| o["status"] == "on_hold").collect();
    assert_eq!((approved, held.len()), (3, 7));
    assert_eq!(held[0]["holds"][0]["code"], "out_of_stock");
    assert!(
        held[0]["holds"][0]["message"].as_str().unwrap().contains("ask the buyer to wait, swap or cancel")
    );
    assert!(tradeport_app::inventory::verify_inventory(&app.app).await.unwrap().is_empty());
}

async fn the_same_channel_order_posted_concurrently_yields_one_order(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 100).await;
    let mut set = JoinSet::new();
    for _ in 0..20 {
        let (client, url, key) = (app.client.clone(), app.url("/api/v1/orders"), s.merchant_a_key.clone());
        set.spawn(async move {
            let res = client.post(url).bearer_auth(key).json(&lamp_order("#twice", 2)).send().await.unwrap();
            let status = res.status();
            (status, res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string())
        });
    }
    let results = set.join_all().await;
    let created = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    let ids: BTreeSet<&String> = results.iter().map(|(_, id)| id).collect();
    assert_eq!((created, ids.len()), (1, 1), "{results:?}");
    assert!(results.iter().all(|(s, _)| *s == StatusCode::CREATED || *s == StatusCode::OK));
    let (_, listed) = crate::helpers::get(&app, "/api/v1/orders", &s.admin_key).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    let (_, stock) = crate::helpers::get(&app, "/api/v1/stock", &s.admin_key).await;
    let reserved: i64 =
        stock["items"].as_array().unwrap().iter().map(|b| b["reserved"].as_i64().unwrap()).sum();
    assert_eq!(reserved, 2, "reserved once");
}

async fn a_thousand_concurrent_confirmations_get_consecutive_numbers(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 2000).await;
    settings(&app, &s.admin_key, json!({"auto_confirm": false})).await;
    let mut ids = Vec::new();
    for chunk in 0..10 {
        ids.extend(post_orders(&app, &s.merchant_a_key, &format!("#n{chunk}"), 100).await);
    }
    let confirmed = act_on_all(std::slice::from_ref(&app.base_url), &s.admin_key, &ids, "confirm").await;
    let numbers: BTreeSet<String> =
        confirmed.iter().map(|o| o["order_no"].as_str().unwrap().to_string()).collect();
    assert_eq!(numbers.len(), 1000, "distinct");
    // Each day's serials run from 1 without gaps (a run across midnight in Shanghai has two days).
    let days: BTreeSet<&str> = numbers.iter().map(|n| &n[..8]).collect();
    for day in days {
        let serials: Vec<i64> =
            numbers.iter().filter(|n| n.starts_with(day)).map(|n| n[8..].parse().unwrap()).collect();
        assert_eq!(
            serials,
            (1..=serials.len() as i64).collect::<Vec<i64>>(),
            "consecutive from 1 on {day}, no gaps"
        );
    }
}

/// Intake plans on unlocked balances and reserves and numbers at the end of its unit
/// (`orders::HotRowsLast`): under a race for the last units every order is still either
/// reserved and numbered, or held for the shortage, never both and never oversold; on PostgreSQL
/// half the intakes go to a second server process.
async fn two_hundred_concurrent_intakes_take_exactly_the_stock_and_gapless_numbers(app: TestApp) {
    let s = app.seed("acme").await;
    let c = app.seed_catalog(&s, 50).await;
    settings(&app, &s.admin_key, json!({"shortage_policy": "hold"})).await;
    let second = match app.kind {
        DbKind::Postgres => Some(SecondServer::start(&app.database_url).await),
        DbKind::Sqlite => None,
    };
    let mut bases = vec![app.base_url.clone()];
    bases.extend(second.as_ref().map(|s| s.base_url.clone()));
    let mut set = JoinSet::new();
    for i in 0..200 {
        let url = format!("{}/api/v1/orders", bases[i % bases.len()]);
        let (client, key) = (app.client.clone(), s.merchant_a_key.clone());
        set.spawn(async move {
            let res = client
                .post(url)
                .bearer_auth(key)
                .json(&lamp_order(&format!("#hot-{i}"), 1))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::CREATED);
            res.json::<Value>().await.unwrap()
        });
    }
    let orders = set.join_all().await;
    let confirmed: Vec<&Value> = orders.iter().filter(|o| o["status"] == "confirmed").collect();
    let held: Vec<&Value> = orders.iter().filter(|o| o["status"] == "on_hold").collect();
    assert_eq!((confirmed.len(), held.len()), (50, 150));
    assert!(confirmed.iter().all(|o| o["allocation"] == "reserved"));
    assert!(held.iter().all(|o| o["holds"][0]["code"] == "out_of_stock" && o["order_no"].is_null()));
    let mut serials: Vec<i64> =
        confirmed.iter().map(|o| o["order_no"].as_str().unwrap()[8..].parse().unwrap()).collect();
    serials.sort_unstable();
    assert_eq!(serials, (1..=50).collect::<Vec<i64>>(), "consecutive from 1, no gaps");

    // The number taken last is the one the confirmation's event and the buyer's message carry.
    let order = confirmed[0];
    let id = order["id"].as_str().unwrap();
    let (_, view) = crate::helpers::get(&app, &format!("/api/v1/orders/{id}"), &s.admin_key).await;
    let confirm = view["events"].as_array().unwrap().iter().find(|e| e["kind"] == "order_confirm").unwrap();
    assert_eq!(confirm["data"]["order_no"], order["order_no"], "{view}");
    let mut conn = app.app.db().read().await.unwrap();
    let payload: String =
        sqlx::query_scalar("SELECT payload FROM outbox WHERE subject_id = $1 AND topic = 'order.confirmed'")
            .bind(id)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    drop(conn);
    assert_eq!(serde_json::from_str::<Value>(&payload).unwrap()["order_no"], order["order_no"]);

    let (_, stock) = crate::helpers::get(&app, "/api/v1/stock", &s.admin_key).await;
    let lamp =
        stock["items"].as_array().unwrap().iter().find(|b| b["sku_id"] == c.lamp.as_str()).unwrap().clone();
    assert_eq!((lamp["reserved"].as_i64(), lamp["available"].as_i64()), (Some(50), Some(0)));
    let drifts = tradeport_app::inventory::verify_inventory(&app.app).await.unwrap();
    assert!(drifts.is_empty(), "inventory verify finds drift: {drifts:?}");
}
