//! The audit trail's chain (SYS-1): the sealer links every committed event, two sealers at once
//! make one chain, `tradeport audit verify` finds it whole, then names the event changed in the
//! database and the one deleted, and an event written past the application shows as unsealed until
//! `tradeport audit seal`. An order's trail is exported with a proof per event, to its own
//! merchant only.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests, lamp_order};

use crate::cli::tradeport;
use crate::helpers::get;

db_tests!(
    the_chain_links_every_event_and_names_each_one_changed_or_deleted,
    thousands_of_events_are_sealed_batch_after_batch_into_one_chain,
);

async fn execute(app: &TestApp, sql: &str, id: &str) {
    let mut conn = app.app.db().read().await.unwrap();
    let done = sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).bind(id).execute(&mut *conn).await.unwrap();
    assert_eq!(done.rows_affected(), 1, "{sql}");
}

pub(crate) async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.app.db().read().await.unwrap();
    let (n,): (i64,) =
        sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&mut *conn).await.unwrap();
    n
}

async fn the_chain_links_every_event_and_names_each_one_changed_or_deleted(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let mut orders = Vec::new();
    for n in 0..3 {
        let (status, o) = crate::helpers::post(
            &app,
            "/api/v1/orders",
            &s.merchant_a_key,
            lamp_order(&format!("#au-{n}"), 1),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{o}");
        orders.push(o["id"].as_str().unwrap().to_string());
    }
    let operator = s.operator.id;
    // Two sealers at once make one chain: each event linked once, no fork.
    let (a, b) = tokio::join!(
        tradeport_app::audit::seal_operator(&app.app, operator, false),
        tradeport_app::audit::seal_operator(&app.app, operator, false)
    );
    let sealed = a.unwrap().sealed + b.unwrap().sealed;
    let events = count(&app, &format!("SELECT COUNT(*) FROM events WHERE tenant_id = '{operator}'")).await;
    assert_eq!(sealed as i64, events, "every event sealed once");
    assert!(events >= 3, "{events}");
    let report = tradeport_app::audit::verify_operator(&app.app, operator).await.unwrap();
    assert!(report.intact(), "{report:?}");
    assert_eq!((report.links as i64, report.head_seq), (events, events));
    let (ok, out, err) = tradeport(&app, &["audit", "verify"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("every link holds") && err.contains("links/s"), "{out}{err}");

    // The order's trail with its proofs, for its merchant; the chain for supervisors only.
    let (status, trail) = get(&app, &format!("/api/v1/orders/{}/audit", orders[0]), &s.merchant_a_key).await;
    assert_eq!(status, StatusCode::OK, "{trail}");
    let trail_events = trail["events"].as_array().unwrap();
    assert!(!trail_events.is_empty());
    assert!(trail_events.iter().all(|e| e["proven"] == true && e["seq"].is_i64()), "{trail}");
    assert_eq!(trail["head_seq"], 0, "the operator's chain length is not the merchant's to see");
    let (_, staff) = get(&app, &format!("/api/v1/orders/{}/audit", orders[0]), &s.admin_key).await;
    assert_eq!(staff["head_seq"], json!(events));
    let (status, _) = get(&app, &format!("/api/v1/orders/{}/audit", orders[0]), &s.merchant_b_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, chain) = get(&app, "/api/v1/audit/chain", &s.admin_key).await;
    assert_eq!((status, chain["links"].as_i64()), (StatusCode::OK, Some(events)), "{chain}");
    let (status, _) = get(&app, "/api/v1/audit/chain", &s.merchant_a_key).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // One event changed in the database, another deleted: each named, and the command fails.
    let changed = trail_events[0]["id"].as_str().unwrap().to_string();
    execute(&app, "UPDATE events SET reason = 'nothing to see' WHERE id = $1", &changed).await;
    let (_, other) = get(&app, &format!("/api/v1/orders/{}/audit", orders[1]), &s.merchant_a_key).await;
    let deleted = other["events"][0]["id"].as_str().unwrap().to_string();
    execute(&app, "DELETE FROM events WHERE id = $1", &deleted).await;
    let report = tradeport_app::audit::verify_operator(&app.app, operator).await.unwrap();
    assert_eq!(report.breaks.len(), 2, "{report:?}");
    assert!(report.breaks.iter().any(|b| b.contains(&changed) && b.contains("changed")), "{report:?}");
    assert!(report.breaks.iter().any(|b| b.contains(&deleted) && b.contains("deleted")), "{report:?}");
    let (ok, out, _) = tradeport(&app, &["audit", "verify"]);
    assert!(!ok, "exit status 1");
    assert!(out.contains(&format!("event {changed} was changed")), "{out}");
    assert!(out.contains(&format!("event {deleted} was deleted")), "{out}");
    let (_, trail) = get(&app, &format!("/api/v1/orders/{}/audit", orders[0]), &s.merchant_a_key).await;
    let first: &Value = &trail["events"][0];
    assert_eq!((first["id"].as_str(), &first["proven"]), (Some(changed.as_str()), &json!(false)), "{trail}");

    // An event written past the application two hours ago: unsealed, until sealed.
    let mut conn = app.app.db().read().await.unwrap();
    let old = tradeport_app::audit::id_floor((app.app.now().0 - 2 * 3_600_000) as u64);
    sqlx::query(
        "INSERT INTO events (id, tenant_id, subject_type, subject_id, kind, actor_kind, data, at) \
         VALUES ($1, $2, 'order', $3, 'order_note', 'system', '{}', $4)",
    )
    .bind(&old)
    .bind(operator.to_string())
    .bind(&orders[2])
    .bind(app.app.now().0 - 2 * 3_600_000)
    .execute(&mut *conn)
    .await
    .unwrap();
    drop(conn);
    let fresh = tradeport_app::audit::seal_operator(&app.app, operator, false).await.unwrap();
    assert_eq!(fresh.sealed, 0, "too old for the workers' round");
    let report = tradeport_app::audit::verify_operator(&app.app, operator).await.unwrap();
    assert_eq!((report.unsealed, report.first_unsealed.as_deref()), (1, Some(old.as_str())), "{report:?}");
    let (ok, out, err) = tradeport(&app, &["audit", "seal"]);
    assert!(ok && out.contains("1 events sealed"), "{out}{err}");
    let report = tradeport_app::audit::verify_operator(&app.app, operator).await.unwrap();
    assert_eq!(report.unsealed, 0, "{report:?}");
}

async fn thousands_of_events_are_sealed_batch_after_batch_into_one_chain(app: TestApp) {
    let s = app.seed("acme").await;
    let operator = s.operator.id;
    tradeport_app::audit::seal_operator(&app.app, operator, false).await.unwrap();
    // 2,500 events of the last ten minutes, in id order as UUIDv7 are: three batches of the sealer.
    let start = app.app.now().0 - 600_000;
    let mut conn = app.app.db().read().await.unwrap();
    for n in 0..2_500_i64 {
        let ms = (start + n) as u64;
        let id = format!("{:08x}-{:04x}-7{:03x}-8000-{:012x}", ms >> 16, ms & 0xffff, n % 4096, n);
        sqlx::query(
            "INSERT INTO events (id, tenant_id, subject_type, subject_id, kind, actor_kind, data, at) \
             VALUES ($1, $2, 'order', 'o-1', 'order_note', 'system', '{}', $3)",
        )
        .bind(&id)
        .bind(operator.to_string())
        .bind(start + n)
        .execute(&mut *conn)
        .await
        .unwrap();
    }
    drop(conn);
    let run = tradeport_app::audit::seal_operator(&app.app, operator, false).await.unwrap();
    assert_eq!(run.sealed, 2_500, "{run:?}");
    let report = tradeport_app::audit::verify_operator(&app.app, operator).await.unwrap();
    assert!(report.intact(), "{report:?}");
    assert_eq!(report.head_seq, run.head_seq);
    assert_eq!(tradeport_app::audit::seal_operator(&app.app, operator, false).await.unwrap().sealed, 0);
}
