//! SQLite's group commit (#15): units of work share commits; a unit that fails rolls back alone;
//! every acknowledged write survives a SIGKILL. The intake property holds on both databases.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use tokio::task::JoinSet;
use tradeport_domain::jobs::JobKind;
use tradeport_store::jobs::{NewJob, enqueue_in_tx};
use tradeport_testkit::{DbKind, TestApp, db_tests, lamp_order};

use crate::concurrency::SecondServer;

db_tests!(five_hundred_concurrent_intakes_with_bad_and_repeated_ones_store_exactly_the_good_ones);

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut *conn).await.unwrap()
}

/// 500 units at once; every fifth writes its job and then breaks a unique constraint. Exactly the
/// other 400 jobs are stored, and they shared commits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn units_that_fail_inside_a_shared_commit_roll_back_alone() {
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite is always there");
    let s = app.seed("acme").await;
    let before = app.app.db().group_commit_stats();
    let mut set = JoinSet::new();
    for n in 0..500 {
        let (db, tenant, now, id) = (app.app.db().clone(), s.operator.id, app.app.now(), app.app.new_uuid());
        set.spawn(async move {
            let mut tx = db.begin().await.unwrap();
            let payload = format!(r#"{{"n": {n}}}"#);
            let job = NewJob { id, tenant_id: Some(tenant), kind: JobKind::Probe, payload: &payload, run_at: now };
            enqueue_in_tx(&mut tx, &job, now).await.unwrap();
            tokio::task::yield_now().await;
            if n % 5 == 0 {
                // The seeded operator's code is taken: the unit fails after its first write.
                let err = sqlx::query(
                    "INSERT INTO tenants (id, tenant_id, kind, code, name, timezone, settings, created_at) \
                     SELECT $1, tenant_id, kind, code, name, timezone, settings, created_at FROM tenants WHERE id = $2",
                )
                    .bind(uuid::Uuid::new_v4().to_string())
                    .bind(tenant.to_string())
                    .execute(&mut *tx)
                    .await;
                assert!(err.is_err(), "the duplicate code is refused");
                return None;
            }
            tx.commit().await.unwrap();
            Some(n)
        });
    }
    let committed: BTreeSet<i64> = set.join_all().await.into_iter().flatten().collect();
    assert_eq!(committed.len(), 400);
    let mut conn = app.app.db().read().await.unwrap();
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT payload FROM jobs").fetch_all(&mut *conn).await.unwrap();
    let stored: BTreeSet<i64> =
        stored.iter().map(|p| serde_json::from_str::<Value>(p).unwrap()["n"].as_i64().unwrap()).collect();
    assert_eq!(stored, committed, "exactly the committed units' jobs are stored");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM tenants WHERE kind = 'operator'").await, 1);

    let after = app.app.db().group_commit_stats();
    let (units, commits) = (after.units - before.units, after.commits - before.commits);
    assert_eq!(units, 400, "every committed unit is counted once");
    assert!(commits < units, "units shared commits: {units} units in {commits} commits");
}

/// 300 units whose callers give up at random moments (a request cancelled by its time limit or
/// its client): every unit whose commit returned is stored, and afterwards the writer is free:
/// another connection to the file gets the write lock at once, and new units commit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_that_give_up_midway_leave_the_writer_free_and_lose_no_acknowledged_unit() {
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite is always there");
    let s = app.seed("acme").await;
    let mut set = JoinSet::new();
    for n in 0..300u64 {
        let (db, tenant, now, id) = (app.app.db().clone(), s.operator.id, app.app.now(), app.app.new_uuid());
        set.spawn(async move {
            let unit = async {
                let mut tx = db.begin().await.unwrap();
                let payload = format!(r#"{{"n": {n}}}"#);
                let job = NewJob {
                    id,
                    tenant_id: Some(tenant),
                    kind: JobKind::Probe,
                    payload: &payload,
                    run_at: now,
                };
                enqueue_in_tx(&mut tx, &job, now).await.unwrap();
                tx.commit().await.unwrap();
            };
            // Give up after 0-60 ms: at any await point, before, during or after the commit.
            let patience = Duration::from_micros((n * 7_919) % 60_000);
            tokio::time::timeout(patience, unit).await.is_ok().then_some(n as i64)
        });
    }
    let acknowledged: BTreeSet<i64> = set.join_all().await.into_iter().flatten().collect();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let path = app.sqlite_path.clone().unwrap();
    let free = tokio::task::spawn_blocking(move || {
        let url = format!("sqlite://{}", path.display());
        tokio::runtime::Runtime::new().unwrap().block_on(async move {
            use sqlx::Connection;
            let mut other = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query("PRAGMA busy_timeout = 100").execute(&mut other).await.unwrap();
            let took = sqlx::query("BEGIN IMMEDIATE").execute(&mut other).await;
            let _ = sqlx::query("ROLLBACK").execute(&mut other).await;
            took.is_ok()
        })
    })
    .await
    .unwrap();
    assert!(free, "another connection gets the write lock once the callers are gone");
    let mut tx = app.app.db().begin().await.unwrap();
    sqlx::query("UPDATE jobs SET attempts = attempts").execute(&mut *tx).await.unwrap();
    tokio::time::timeout(Duration::from_secs(5), tx.commit()).await.expect("a new unit commits").unwrap();

    let mut conn = app.app.db().read().await.unwrap();
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT payload FROM jobs").fetch_all(&mut *conn).await.unwrap();
    let stored: BTreeSet<i64> =
        stored.iter().map(|p| serde_json::from_str::<Value>(p).unwrap()["n"].as_i64().unwrap()).collect();
    let lost: Vec<&i64> = acknowledged.difference(&stored).collect();
    assert!(lost.is_empty(), "acknowledged units lost: {lost:?}");
    assert!(
        !acknowledged.is_empty() && acknowledged.len() < 300,
        "some callers gave up, some did not: {}",
        acknowledged.len()
    );
}

/// 500 intakes at once: every tenth is invalid (422, nothing stored); every tenth repeats the
/// channel order id of the one before it (the same order, answered with one id). Exactly the
/// good orders are stored once each, and the stock ledger agrees with the balances.
async fn five_hundred_concurrent_intakes_with_bad_and_repeated_ones_store_exactly_the_good_ones(
    app: TestApp,
) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 100_000).await;
    let gate = Arc::new(tokio::sync::Semaphore::new(128));
    let mut set = JoinSet::new();
    for n in 0..500usize {
        let channel_id = if n % 10 == 7 { format!("#gc-{}", n - 1) } else { format!("#gc-{n}") };
        let body = lamp_order(&channel_id, if n % 10 == 3 { 0 } else { 1 });
        let (client, url, key, gate) =
            (app.client.clone(), app.url("/api/v1/orders"), s.merchant_a_key.clone(), gate.clone());
        set.spawn(async move {
            let _permit = gate.acquire().await.unwrap();
            let res = client.post(url).bearer_auth(key).json(&body).send().await.unwrap();
            let status = res.status();
            (n, channel_id, status, res.json::<Value>().await.unwrap())
        });
    }
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (n, channel_id, status, body) in set.join_all().await {
        if n % 10 == 3 {
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{n}: {body}");
            assert_eq!(crate::helpers::code(&body), "validation_failed");
            continue;
        }
        assert!(status == StatusCode::CREATED || status == StatusCode::OK, "{n}: {status} {body}");
        assert_eq!(body["channel_order_id"], channel_id.as_str());
        assert_eq!(body["status"], "confirmed", "{n}: {body}");
        ids.entry(channel_id).or_default().insert(body["id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids.len(), 400, "one stored order per good channel order id");
    assert!(ids.values().all(|one| one.len() == 1), "a repeated order is answered with the first one's id");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM orders").await, 400);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM order_lines").await, 400);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM stock_movements WHERE kind = 'reserve'").await, 400);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM outbox WHERE topic = 'order.confirmed'").await,
        400,
        "one buyer message per order"
    );
    let drifts = tradeport_app::inventory::verify_inventory(&app.app).await.unwrap();
    assert!(drifts.is_empty(), "inventory verify finds drift: {drifts:?}");
    if app.kind == DbKind::Sqlite {
        let stats = app.app.db().group_commit_stats();
        assert!(stats.commits < stats.units, "intakes shared commits: {stats:?}");
    }
}

/// A `tradeport serve` process takes orders from 32 clients and is killed (SIGKILL) in the middle:
/// every order it answered 201 for is in the database afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_intake_survives_a_sigkill() {
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite is always there");
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 100_000).await;
    let mut server = SecondServer::start(&app.database_url).await;
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut clients = JoinSet::new();
    for c in 0..32 {
        let (client, url, key, acknowledged) = (
            reqwest::Client::new(),
            format!("{}/api/v1/orders", server.base_url),
            s.merchant_a_key.clone(),
            acknowledged.clone(),
        );
        clients.spawn(async move {
            for n in 0.. {
                let body = lamp_order(&format!("#kill-{c}-{n}"), 1);
                let Ok(res) = client.post(&url).bearer_auth(&key).json(&body).send().await else { return };
                if res.status() != StatusCode::CREATED {
                    return;
                }
                let Ok(body) = res.json::<Value>().await else { return };
                acknowledged.lock().unwrap().push(body["id"].as_str().unwrap().to_string());
            }
        });
    }
    // Kill it once it has acknowledged a few hundred orders, with more in flight.
    while acknowledged.lock().unwrap().len() < 300 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill();
    clients.join_all().await;
    let acknowledged = acknowledged.lock().unwrap().clone();
    let mut conn = app.app.db().read().await.unwrap();
    let stored: BTreeSet<String> = sqlx::query_scalar("SELECT id FROM orders")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .into_iter()
        .collect();
    let lost: Vec<&String> = acknowledged.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged orders were lost: {lost:?}",
        lost.len(),
        acknowledged.len()
    );
    drop(conn);
    let drifts = tradeport_app::inventory::verify_inventory(&app.app).await.unwrap();
    assert!(drifts.is_empty(), "inventory verify finds drift after the crash: {drifts:?}");
}
