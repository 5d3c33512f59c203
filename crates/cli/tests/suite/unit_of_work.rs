//! One unit of work per request: the idempotency key is marked in the writing transaction, a
//! crashed request's key expires after its lease, the fingerprint covers the query string, a
//! secret is never stored for replay, and confirmation queues its outbox message (SYS-1, SYS-2).

use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Row;
use tradeport_app::{KeyLease, RequestScope};
use tradeport_domain::kernel::Millis;
use tradeport_store::idempotency::{self, KeyClaim};
use tradeport_testkit::{Seeded, TestApp, db_tests, lamp_order};

use crate::helpers::{code, get, post};

db_tests!(
    an_api_key_secret_is_never_stored_for_replay,
    a_key_left_by_a_crashed_request_runs_again_after_its_lease,
    a_key_whose_write_committed_never_runs_twice,
    the_fingerprint_covers_the_query_string,
    a_write_whose_key_was_taken_over_commits_nothing,
    a_failed_write_after_commit_keeps_its_key,
    confirmation_queues_the_buyer_message_in_the_same_transaction,
);

async fn send(app: &TestApp, key: &str, idem: &str, path: &str, body: &Value) -> (StatusCode, Value, bool) {
    let res = app
        .client
        .post(app.url(path))
        .bearer_auth(key)
        .header("Idempotency-Key", idem)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let replayed = res.headers().get("idempotent-replayed").is_some();
    (status, res.json().await.unwrap_or(Value::Null), replayed)
}

/// The id the API key principal of `key` has in the idempotency table.
async fn principal_of(app: &TestApp, key: &str) -> String {
    let p = tradeport_app::access::authenticate_api_key(&app.app, key).await.unwrap();
    match p.actor {
        tradeport_domain::access::Actor::ApiKey(id) => format!("api_key:{id}"),
        other => panic!("an API key principal, not {other:?}"),
    }
}

async fn warehouse_count(app: &TestApp, key: &str) -> usize {
    let (_, listed) = get(app, "/api/v1/warehouses", key).await;
    listed["items"].as_array().map_or(0, Vec::len)
}

fn warehouse(code: &str) -> Value {
    json!({"code": code, "name": "Leeds", "country": "GB", "timezone": "Europe/London", "kind": "overseas"})
}

async fn an_api_key_secret_is_never_stored_for_replay(app: TestApp) {
    let s = app.seed("acme").await;
    let body = json!({"name": "scanner", "role": "warehouse"});
    let (status, first, _) = send(&app, &s.admin_key, "key-1", "/api/v1/api-keys", &body).await;
    assert_eq!(status, StatusCode::CREATED);
    let secret = first["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("tpk_"));

    let (status, again, replayed) = send(&app, &s.admin_key, "key-1", "/api/v1/api-keys", &body).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true));
    assert_eq!(again["id"], first["id"], "the replay names the key the first request created");
    assert_eq!(again["secret"], Value::Null, "the secret is shown once only");
    assert!(again["secret_note"].as_str().unwrap().contains("shown then only"));

    // Nowhere in the database: not in the idempotency table, not in any event.
    let mut conn = app.app.db().read().await.unwrap();
    for sql in ["SELECT COALESCE(response_body, '') FROM idempotency_keys", "SELECT data FROM events"] {
        for row in sqlx::query(sql).fetch_all(&mut *conn).await.unwrap() {
            let text: String = row.try_get(0).unwrap();
            assert!(!text.contains(&secret[4..]), "{sql} holds the secret: {text}");
        }
    }
}

/// Claims `idem` for the admin key as a request that started at `at` would.
async fn claim_at(
    app: &TestApp,
    s: &Seeded,
    principal: &str,
    idem: &str,
    body: &Value,
    path: &str,
    at: Millis,
) -> String {
    let hash = tradeport_app::idempotency::fingerprint("POST", path, body.to_string().as_bytes());
    let token = format!("token-{}", at.0);
    let mut tx = app.app.db().begin().await.unwrap();
    let claim = KeyClaim {
        tenant_id: s.operator.id,
        principal,
        key: idem,
        request_hash: &hash,
        token: &token,
        now: at,
        lease_until: Millis(at.0 + tradeport_app::idempotency::LEASE_MS),
    };
    assert_eq!(idempotency::claim(&mut tx, &claim).await.unwrap(), idempotency::Claim::Claimed);
    tx.commit().await.unwrap();
    token
}

async fn a_key_left_by_a_crashed_request_runs_again_after_its_lease(app: TestApp) {
    let s = app.seed("acme").await;
    let principal = principal_of(&app, &s.admin_key).await;
    let body = warehouse("LDS");
    let before = warehouse_count(&app, &s.admin_key).await;

    // A request that is still running (its lease is live): the retry waits.
    claim_at(&app, &s, &principal, "live", &body, "/api/v1/warehouses", app.app.now()).await;
    let (status, err, _) = send(&app, &s.admin_key, "live", "/api/v1/warehouses", &body).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "idempotency.in_progress"));

    // A request that died two lease lengths ago without committing: the retry runs, once.
    let long_ago = Millis(app.app.now().0 - 2 * tradeport_app::idempotency::LEASE_MS);
    claim_at(&app, &s, &principal, "crashed", &body, "/api/v1/warehouses", long_ago).await;
    let (status, created, _) = send(&app, &s.admin_key, "crashed", "/api/v1/warehouses", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, again, replayed) = send(&app, &s.admin_key, "crashed", "/api/v1/warehouses", &body).await;
    assert_eq!((status, replayed, &again["id"]), (StatusCode::CREATED, true, &created["id"]));
    assert_eq!(warehouse_count(&app, &s.admin_key).await, before + 1);
}

async fn a_key_whose_write_committed_never_runs_twice(app: TestApp) {
    let s = app.seed("acme").await;
    let principal = principal_of(&app, &s.admin_key).await;
    let body = warehouse("BHX");
    // The first request committed its write, then the process died before storing the answer.
    let long_ago = Millis(app.app.now().0 - 2 * tradeport_app::idempotency::LEASE_MS);
    let token = claim_at(&app, &s, &principal, "lost", &body, "/api/v1/warehouses", long_ago).await;
    let mut tx = app.app.db().begin().await.unwrap();
    assert!(idempotency::mark_committed_in_tx(&mut tx, &principal, "lost", &token, long_ago).await.unwrap());
    tx.commit().await.unwrap();
    let before = warehouse_count(&app, &s.admin_key).await;
    let (status, err, _) = send(&app, &s.admin_key, "lost", "/api/v1/warehouses", &body).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "idempotency.answer_lost"), "{err}");
    assert_eq!(warehouse_count(&app, &s.admin_key).await, before, "nothing ran again");
}

async fn the_fingerprint_covers_the_query_string(app: TestApp) {
    let s = app.seed("acme").await;
    let body = warehouse("GLA");
    let (status, _, _) = send(&app, &s.admin_key, "q", "/api/v1/warehouses?note=a", &body).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, err, _) = send(&app, &s.admin_key, "q", "/api/v1/warehouses?note=b", &body).await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "idempotency.key_reused"));
}

async fn a_write_whose_key_was_taken_over_commits_nothing(app: TestApp) {
    let s = app.seed("acme").await;
    let principal = tradeport_app::access::authenticate_api_key(&app.app, &s.admin_key).await.unwrap();
    let key_principal = principal_of(&app, &s.admin_key).await;
    let body = warehouse("EDI");
    // Our request's lease ended and a retry claimed the key under another token.
    claim_at(&app, &s, &key_principal, "slow", &body, "/api/v1/warehouses", app.app.now()).await;
    let ours = KeyLease { principal: key_principal, key: "slow".into(), token: "an-older-token".into() };
    let input: tradeport_app::inventory::CreateWarehouse = serde_json::from_value(body).unwrap();
    let before = warehouse_count(&app, &s.admin_key).await;
    let (result, _) = RequestScope::run("test-request", async {
        RequestScope::current().unwrap().set_lease(ours);
        tradeport_app::inventory::create_warehouse(&app.app, &principal, &input).await
    })
    .await;
    assert!(matches!(result, Err(tradeport_app::AppError::IdempotencyInProgress)), "{result:?}");
    assert_eq!(warehouse_count(&app, &s.admin_key).await, before, "the write rolled back");
}

async fn a_failed_write_after_commit_keeps_its_key(app: TestApp) {
    let s = app.seed("acme").await;
    let principal = principal_of(&app, &s.admin_key).await;
    let body = warehouse("CWL");
    let now = app.app.now();
    let token = claim_at(&app, &s, &principal, "late-error", &body, "/api/v1/warehouses", now).await;
    let mut tx = app.app.db().begin().await.unwrap();
    assert!(idempotency::mark_committed_in_tx(&mut tx, &principal, "late-error", &token, now).await.unwrap());
    // The request then failed (say, reading the answer back): its error is what a retry gets.
    idempotency::finish_in_tx(&mut tx, &principal, "late-error", &token, false, 500, "{\"error\":{}}")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (status, _, replayed) = send(&app, &s.admin_key, "late-error", "/api/v1/warehouses", &body).await;
    assert_eq!((status, replayed), (StatusCode::INTERNAL_SERVER_ERROR, true), "the retry did not run again");
}

async fn confirmation_queues_the_buyer_message_in_the_same_transaction(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 5).await;
    let (status, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("OB-1", 1)).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    let id = order["id"].as_str().unwrap();
    assert_eq!(order["status"], "confirmed", "the seeded operator approves and confirms paid orders itself");
    let operator = s.operator.id;
    let mut conn = app.app.db().read().await.unwrap();
    let topics: Vec<String> = sqlx::query_scalar(
        "SELECT topic FROM outbox WHERE tenant_id = $1 AND subject_id = $2 AND delivered_at IS NULL ORDER BY id",
    )
    .bind(operator.to_string())
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert_eq!(topics, ["order.confirmed"]);
}
