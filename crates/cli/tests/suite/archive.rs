//! Orders' archived files (DONE-2): an order completed 8 days ago is filed as one package whose
//! manifest names every file with a checksum that matches; one completed 3 days ago is not yet;
//! the archived order is read-only, stays viewable, and its package is its merchant's alone; a
//! package that no longer matches its manifest is never served.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_domain::archive::{MANIFEST_NAME, Manifest, mismatches};
use tradeport_testkit::{TestApp, db_tests};

use crate::helpers::{code, get, pdf_text, post};
use crate::returns::{completion, delivered, mugs_and_pen_shipped, uk_policy};
use crate::warehouse::{floor, stock_bin};

db_tests!(an_order_completed_a_week_ago_is_archived_with_a_manifest_that_matches_and_is_read_only);

/// Marks the order completed `days_ago` days ago.
pub(crate) async fn set_completed(app: &TestApp, order: &str, days_ago: i64) {
    let at = app.app.now().0 - days_ago * 86_400_000;
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("UPDATE orders SET completed_at = $1 WHERE id = $2")
        .bind(at)
        .bind(order)
        .execute(&mut *conn)
        .await
        .unwrap();
}

async fn package(app: &TestApp, key: &str, order: &str) -> (StatusCode, Vec<u8>) {
    let res = app
        .client
        .get(app.url(&format!("/api/v1/orders/{order}/archive/package")))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    (res.status(), res.bytes().await.unwrap().to_vec())
}

async fn an_order_completed_a_week_ago_is_archived_with_a_manifest_that_matches_and_is_read_only(
    app: TestApp,
) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 10, "A-01-01-1-1").await;
    stock_bin(&app, &f, "PEN", 10, "A-01-01-1-2").await;
    uk_policy(&app, &f).await;
    let old = mugs_and_pen_shipped(&app, &f, "ARCH-1").await;
    let recent = mugs_and_pen_shipped(&app, &f, "ARCH-2").await;
    let disputed = mugs_and_pen_shipped(&app, &f, "ARCH-3").await;
    for o in [&old, &recent, &disputed] {
        delivered(&app, o, 60).await;
    }
    assert_eq!(completion(&app, &f.s.admin_key).await, 3);
    set_completed(&app, &old, 8).await;
    set_completed(&app, &recent, 3).await;
    set_completed(&app, &disputed, 8).await;
    // A case opened after completion is still open: that order waits until it is settled.
    let case = json!({"order_id": disputed, "case_type": "damaged", "description": "found broken late"});
    let (status, opened) = post(&app, "/api/v1/exception-cases", &f.s.admin_key, case).await;
    assert_eq!(status, StatusCode::OK, "{opened}");

    let run = tradeport_app::archive::archive_due(&app.app, f.s.operator.id).await.unwrap();
    assert_eq!((run.archived, run.deferred), (1, 1), "only the settled order completed 8 days ago: {run:?}");
    assert!(run.failed.is_empty(), "{run:?}");
    let (status, _) = get(&app, &format!("/api/v1/orders/{recent}/archive"), &f.s.merchant_a_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "completed 3 days ago: not yet");

    let (status, a) = get(&app, &format!("/api/v1/orders/{old}/archive"), &f.s.merchant_a_key).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    let manifest: Manifest = serde_json::from_value(a["manifest"].clone()).unwrap();
    let names: Vec<&str> = manifest.files.iter().map(|f| f.name.as_str()).collect();
    for wanted in [
        "order.json",
        "audit-trail.json",
        "confirmation.pdf",
        "packing-slip.pdf",
        "parcels.json",
        "exception-cases.json",
        "after-sales.json",
        "tickets.json",
    ] {
        assert!(names.contains(&wanted), "{wanted} in {names:?}");
    }
    assert!(names.iter().any(|n| n.starts_with("labels/YT")), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("outbound-notes/")), "{names:?}");

    // The package holds exactly what its manifest names, each file's checksum matching.
    let (status, zip) = package(&app, &f.s.merchant_a_key, &old).await;
    assert_eq!(status, StatusCode::OK);
    let files = tradeport_connectors::package::unzip(&zip).unwrap();
    assert_eq!(files[0].0, MANIFEST_NAME);
    assert_eq!(serde_json::from_slice::<Manifest>(&files[0].1).unwrap(), manifest);
    assert_eq!(mismatches(&manifest, &files), Vec::<String>::new());
    let read = |name: &str| files.iter().find(|(n, _)| n == name).unwrap().1.clone();
    let order: Value = serde_json::from_slice(&read("order.json")).unwrap();
    assert_eq!(order["id"], old.as_str(), "{order}");
    let number = order["order_no"].as_str().unwrap();
    assert!(pdf_text(&read("confirmation.pdf")).contains(number), "the confirmation is this order's");
    let trail: Value = serde_json::from_slice(&read("audit-trail.json")).unwrap();
    assert!(trail["events"].as_array().unwrap().iter().any(|e| e["kind"] == "order_completed"), "{trail}");

    // Viewable, read-only, and its merchant's alone; archived once.
    let (_, view) = get(&app, &format!("/api/v1/orders/{old}"), &f.s.merchant_a_key).await;
    assert!(view["archived_at"].as_i64().is_some(), "{view}");
    assert!(view["events"].as_array().unwrap().iter().any(|e| e["kind"] == "order_archived"), "{view}");
    let (status, body) =
        post(&app, &format!("/api/v1/orders/{old}/hold"), &f.s.admin_key, json!({"reason": "look again"}))
            .await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "order.archived"), "{body}");
    let case = json!({"order_id": old, "case_type": "damaged", "description": "too late"});
    let (status, body) = post(&app, "/api/v1/exception-cases", &f.s.admin_key, case).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "order.archived"), "{body}");
    let (_, listed) = get(&app, "/api/v1/orders?q=ARCH-1", &f.s.merchant_a_key).await;
    assert!(
        listed["items"].as_array().unwrap().iter().any(|o| o["id"] == old.as_str()),
        "still found: {listed}"
    );
    assert_eq!(trail["head_hash"], "", "the operator's chain head is not in a merchant's file");
    let (status, _) = get(&app, &format!("/api/v1/orders/{old}/archive"), &f.s.merchant_b_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another merchant's archive");
    assert_eq!(package(&app, &f.s.merchant_b_key, &old).await.0, StatusCode::NOT_FOUND);
    let again = tradeport_app::archive::archive_due(&app.app, f.s.operator.id).await.unwrap();
    assert_eq!(again.archived, 0);

    // A chargeback on the archived order is still recorded, for a person; the order stays as filed.
    let account = crate::payments::stripe_account(&app, &f.s).await;
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("UPDATE orders SET payment_reference = 'pi_arch' WHERE id = $1")
        .bind(&old)
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let dispute = json!({"id": "dp_arch", "object": "dispute", "amount": 3800, "currency": "gbp", "payment_intent": "pi_arch",
                         "reason": "fraudulent", "status": "needs_response"});
    let body = crate::payments::event("evt_arch", "charge.dispute.created", dispute);
    let (status, taken) = crate::payments::hook(&app, &account, &body).await;
    assert_eq!((status, taken["outcome"].as_str()), (StatusCode::OK, Some("applied")), "{taken}");
    assert!(taken["detail"].as_str().unwrap().contains("archived"), "{taken}");
    let flagged =
        crate::audit::count(&app, "SELECT COUNT(*) FROM payments WHERE attention LIKE '%archived%'").await;
    assert_eq!(flagged, 1, "for a person to handle");
    let (_, still) = get(&app, &format!("/api/v1/orders/{old}"), &f.s.merchant_a_key).await;
    assert_eq!(
        (still["status"].as_str(), still["updated_at"].clone()),
        (Some("handed_over"), view["updated_at"].clone())
    );

    // A manifest changed in the database no longer matches the package: never served as the file.
    let mut conn = app.app.db().read().await.unwrap();
    let first = &manifest.files[0].sha256;
    sqlx::query("UPDATE order_archives SET manifest = REPLACE(manifest, $1, $2) WHERE order_id = $3")
        .bind(first)
        .bind("0".repeat(64))
        .bind(&old)
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(package(&app, &f.s.merchant_a_key, &old).await.0, StatusCode::INTERNAL_SERVER_ERROR);
}
