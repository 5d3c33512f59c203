//! Retention (DONE-3) and buyers' personal data requests: an order 3 years and 1 day past its
//! completion is proposed for deletion and erased only once an admin approves; one on legal hold
//! never appears, and a hold placed after the proposal still keeps its order; the erasure takes
//! the buyer out of the order, its timeline, its tickets and its archived package, and the audit
//! chain still verifies (while a further change of an erased event is caught). A buyer's request
//! exports everything held about them and erases only what retention allows.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tradeport_testkit::{Seeded, TestApp, db_tests, lamp_order};

use crate::archive::set_completed;
use crate::audit::count;
use crate::helpers::{call, code, field, get, post, signed_in};

db_tests!(
    an_order_past_its_retention_is_erased_only_once_approved_and_never_while_on_legal_hold,
    a_buyers_request_exports_everything_held_and_erases_only_what_retention_allows,
    the_retention_page_holds_proposes_and_erases_for_admins_only,
);

/// Three years and two days: past a 3-year retention whatever the leap days.
const PAST_RETENTION_DAYS: i64 = 3 * 365 + 2;

/// Merchant A's order of a lamp for `email`, whose address was then changed (so its timeline
/// records the buyer's address), completed `days_ago` days ago.
async fn completed_order(app: &TestApp, s: &Seeded, id: &str, email: &str) -> String {
    let mut o = lamp_order(id, 1);
    o["buyer"]["email"] = json!(email);
    let (status, created) = post(app, "/api/v1/orders", &s.merchant_a_key, o).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let order = created["id"].as_str().unwrap().to_string();
    let address = json!({"name": "Zoë O'Neil", "line1": "7 Secret Lane", "city": "London", "postcode": "N1 9GU", "country": "GB"});
    let change = json!({"shipping_address": address, "reason": "buyer moved", "buyer_agreed": true});
    let path = format!("/api/v1/orders/{order}/shipping-address");
    let (status, changed) = call(app, Method::PUT, &path, &s.admin_key, Some(change)).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    order
}

async fn verify(app: &TestApp, s: &Seeded) -> Vec<String> {
    tradeport_app::audit::seal_operator(&app.app, s.operator.id, true).await.unwrap();
    let report = tradeport_app::audit::verify_operator(&app.app, s.operator.id).await.unwrap();
    report.breaks
}

fn outcomes(proposal: &Value) -> Vec<(String, String)> {
    let mut o: Vec<(String, String)> = proposal["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["order_id"].as_str().unwrap().to_string(), i["outcome"].as_str().unwrap().to_string()))
        .collect();
    o.sort();
    o
}

fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}

async fn an_order_past_its_retention_is_erased_only_once_approved_and_never_while_on_legal_hold(
    app: TestApp,
) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let old = completed_order(&app, &s, "#ret-old", "zoe@example.com").await;
    let young = completed_order(&app, &s, "#ret-young", "yan@example.com").await;
    let held = completed_order(&app, &s, "#ret-held", "hal@example.com").await;
    let late = completed_order(&app, &s, "#ret-late", "lee@example.com").await;
    for o in [&old, &young, &held, &late] {
        set_completed(&app, o, 8).await;
    }
    let run = tradeport_app::archive::archive_due(&app.app, s.operator.id).await.unwrap();
    assert_eq!(run.archived, 4, "{run:?}");
    for o in [&old, &held, &late] {
        set_completed(&app, o, PAST_RETENTION_DAYS).await;
    }
    set_completed(&app, &young, 3 * 365 - 1).await;

    // The retention is never set below the legal minimum.
    let (status, body) =
        call(&app, Method::PATCH, "/api/v1/settings", &s.admin_key, Some(json!({"retention_years": 2})))
            .await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "retention_years"), "{body}");

    // A legal hold: admins only, with a reason, once.
    let hold = |order: &str| format!("/api/v1/orders/{order}/legal-hold");
    let reason = json!({"reason": "Court case 2026-HK-0142"});
    let (status, _) = post(&app, &hold(&held), &s.merchant_a_key, reason.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = post(&app, &hold(&held), &s.admin_key, json!({"reason": "  "})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "reason"), "{body}");
    let (status, placed) = post(&app, &hold(&held), &s.admin_key, reason.clone()).await;
    assert_eq!((status, placed["order_no"].is_string()), (StatusCode::CREATED, true), "{placed}");
    let (status, body) = post(&app, &hold(&held), &s.admin_key, reason.clone()).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "legal_hold.exists"), "{body}");
    let (_, holds) = get(&app, "/api/v1/legal-holds", &s.admin_key).await;
    assert_eq!(holds["items"][0]["order_id"], held.as_str(), "{holds}");
    let before = verify(&app, &s).await;
    assert_eq!(before, Vec::<String>::new());

    // The proposal lists what is due and nothing else, and erases nothing yet.
    let (status, _) = post(&app, "/api/v1/deletion-proposals", &s.merchant_a_key, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, proposal) = post(&app, "/api/v1/deletion-proposals", &s.admin_key, json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{proposal}");
    assert_eq!(proposal["status"], "proposed");
    let pending = sorted(vec![(old.clone(), "pending".into()), (late.clone(), "pending".into())]);
    assert_eq!(outcomes(&proposal), pending, "3 years and 1 day past completion, not on hold: {proposal}");
    assert!(proposal["what_goes"].as_array().unwrap().len() >= 5);
    let (status, body) = post(&app, "/api/v1/deletion-proposals", &s.admin_key, json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "deletion_proposal.open"), "{body}");
    let (_, still) = get(&app, &format!("/api/v1/orders/{old}"), &s.admin_key).await;
    assert_eq!(still["buyer_email"], "zoe@example.com", "nothing deleted before approval: {still}");

    // A hold placed after the proposal still keeps its order.
    let (status, _) = post(&app, &hold(&late), &s.admin_key, reason.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = proposal["id"].as_str().unwrap();
    let (status, _) =
        post(&app, &format!("/api/v1/deletion-proposals/{id}/approve"), &s.merchant_a_key, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let blobs_before = app.blobs.count();
    let (status, done) =
        post(&app, &format!("/api/v1/deletion-proposals/{id}/approve"), &s.admin_key, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(
        (done["status"].as_str(), done["erased"].as_i64(), done["kept"].as_i64()),
        (Some("executed"), Some(1), Some(1))
    );
    let expected = sorted(vec![(old.clone(), "erased".into()), (late.clone(), "kept_on_hold".into())]);
    assert_eq!(outcomes(&done), expected);
    let (status, body) =
        post(&app, &format!("/api/v1/deletion-proposals/{id}/approve"), &s.admin_key, json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "deletion_proposal.decided"), "{body}");

    // The buyer is gone from the order, its timeline, its search text and its archived package.
    let (_, erased) = get(&app, &format!("/api/v1/orders/{old}"), &s.admin_key).await;
    assert_eq!(erased["buyer_email"], "", "{erased}");
    assert_eq!(erased["buyer_name"], "[erased]");
    assert_eq!(erased["shipping_address"]["line1"], "[erased]");
    assert_eq!(
        (erased["shipping_address"]["country"].as_str(), erased["total_minor"].as_i64()),
        (Some("GB"), Some(3300))
    );
    let timeline = erased["events"].to_string();
    for gone in ["7 Secret Lane", "N1 9GU", "Zoë O'Neil", "zoe@example.com"] {
        assert!(!timeline.contains(gone), "{gone} left in the timeline: {timeline}");
    }
    assert!(erased["events"].as_array().unwrap().iter().any(|e| e["kind"] == "personal_data_erased"));
    let (_, found) = get(&app, "/api/v1/orders?q=zoe%40example.com", &s.admin_key).await;
    assert_eq!(found["items"], json!([]), "no longer found by the buyer's e-mail");
    let (_, archive) = get(&app, &format!("/api/v1/orders/{old}/archive"), &s.admin_key).await;
    assert!(archive["package_erased_at"].is_string(), "{archive}");
    assert!(archive["manifest"]["files"].as_array().is_some_and(|f| !f.is_empty()), "the manifest remains");
    let (status, body) = get(&app, &format!("/api/v1/orders/{old}/archive/package"), &s.admin_key).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "archive.erased"), "{body}");
    assert_eq!(app.blobs.count(), blobs_before - 1, "the package's file is deleted");
    // The kept ones are whole.
    for (order, email) in
        [(&late, "lee@example.com"), (&young, "yan@example.com"), (&held, "hal@example.com")]
    {
        let (_, kept) = get(&app, &format!("/api/v1/orders/{order}"), &s.admin_key).await;
        assert_eq!(kept["buyer_email"], email);
    }

    // The chain still verifies: each erased string keeps its digest in its place.
    assert_eq!(verify(&app, &s).await, Vec::<String>::new());
    let (_, trail) = get(&app, &format!("/api/v1/orders/{old}/audit"), &s.admin_key).await;
    let events = trail["events"].as_array().unwrap();
    assert!(events.iter().all(|e| e["proven"] == true), "every event proven, erased or not: {trail}");
    assert!(trail["events"].to_string().contains("[erased:"), "erased strings keep their digest: {trail}");
    let rewritten: String = {
        let mut conn = app.app.db().read().await.unwrap();
        sqlx::query_scalar(
            "SELECT id FROM events WHERE subject_id = $1 AND kind = 'buyer_request_changed' AND data LIKE '%[erased:%'",
        )
        .bind(&old)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
    };
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("UPDATE events SET data = '{}' WHERE id = $1")
        .bind(&rewritten)
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let breaks = verify(&app, &s).await;
    assert_eq!(breaks.len(), 1, "{breaks:?}");
    assert!(breaks[0].contains(&rewritten), "an erased event changed again is named: {breaks:?}");

    // Released, the first held order is proposed; a rejected proposal erases nothing.
    let (status, _) = call(&app, Method::DELETE, &hold(&held), &s.admin_key, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, second) = post(&app, "/api/v1/deletion-proposals", &s.admin_key, json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(outcomes(&second), vec![(held.clone(), "pending".into())], "late is still on hold");
    let id = second["id"].as_str().unwrap();
    let (status, rejected) =
        post(&app, &format!("/api/v1/deletion-proposals/{id}/reject"), &s.admin_key, json!({})).await;
    assert_eq!((status, rejected["status"].as_str()), (StatusCode::OK, Some("rejected")), "{rejected}");
    let (_, kept) = get(&app, &format!("/api/v1/orders/{held}"), &s.admin_key).await;
    assert_eq!(kept["buyer_email"], "hal@example.com");
    let (_, listed) = get(&app, "/api/v1/deletion-proposals", &s.admin_key).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
}

async fn a_buyers_request_exports_everything_held_and_erases_only_what_retention_allows(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let past = completed_order(&app, &s, "#zoe-1", "Zoe@Example.com").await;
    let recent = completed_order(&app, &s, "#zoe-2", "zoe@example.com").await;
    let other = completed_order(&app, &s, "#bob-1", "bob@example.com").await;
    set_completed(&app, &past, PAST_RETENTION_DAYS).await;
    set_completed(&app, &recent, 10).await;
    set_completed(&app, &other, PAST_RETENTION_DAYS).await;
    let (_, ticket) =
        crate::tickets::buyer_writes(&app, &s.merchant_a_key, &past, "Where is my lamp?", "form-zoe-0001")
            .await;

    // Bad requests name the field.
    let export = "/api/v1/personal-data/export";
    for (body, wanted) in [
        (json!({}), "email"),
        (json!({"email": "not-an-address"}), "email"),
        (json!({"phone": "12"}), "phone"),
    ] {
        let (status, answer) = post(&app, export, &s.admin_key, body).await;
        assert_eq!((status, field(&answer)), (StatusCode::UNPROCESSABLE_ENTITY, wanted), "{answer}");
    }
    let (status, _) = post(&app, export, &s.merchant_a_key, json!({"email": "zoe@example.com"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "admins only");

    // The export: both of Zoë's orders (any case), her ticket, nothing of Bob's.
    let (status, file) = post(&app, export, &s.admin_key, json!({"email": "ZOE@example.com"})).await;
    assert_eq!(status, StatusCode::OK, "{file}");
    let ids: Vec<&str> =
        file["orders"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [past.as_str(), recent.as_str()]);
    assert_eq!(file["tickets"][0]["id"], ticket.as_str());
    assert!(file["tickets"][0].to_string().contains("Where is my lamp?"), "with the conversation");
    assert!(file["orders"][0]["events"].to_string().contains("7 Secret Lane"), "with the timeline");
    assert!(!file.to_string().contains("bob@example.com"));

    // A hold names the buyer's e-mail in its message and its values: erased with the order.
    let hold = r#"[{"field":"buyer.email","code":"email_invalid","message":"buyer.email zoe@example.com bounced","params":{"email":"zoe@example.com"}}]"#;
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("UPDATE orders SET holds = $1 WHERE id = $2")
        .bind(hold)
        .bind(&past)
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);

    // The erasure: the order past its retention and its ticket; the recent one kept, with its date.
    let (status, report) =
        post(&app, "/api/v1/personal-data/erase", &s.admin_key, json!({"email": "zoe@example.com"})).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["erased"][0]["order_id"], past.as_str(), "{report}");
    assert_eq!(report["erased"][0]["ticket_messages"].as_u64().map(|n| n >= 1), Some(true), "{report}");
    assert_eq!(
        (report["kept"][0]["order_id"].as_str(), report["kept"][0]["why"].as_str()),
        (Some(recent.as_str()), Some("retention"))
    );
    assert!(report["kept"][0]["until"].is_string());
    let (_, gone) = get(&app, &format!("/api/v1/orders/{past}"), &s.admin_key).await;
    assert_eq!(gone["buyer_email"], "");
    assert_eq!(gone["holds"][0]["code"], "email_invalid", "why it was held stays: {gone}");
    assert!(!gone["holds"].to_string().to_lowercase().contains("zoe@"), "{gone}");
    let (_, t) = get(&app, &format!("/api/v1/tickets/{ticket}"), &s.admin_key).await;
    assert!(!t.to_string().contains("Where is my lamp?"), "the conversation is erased: {t}");
    let (_, kept) = get(&app, &format!("/api/v1/orders/{recent}"), &s.admin_key).await;
    assert_eq!(kept["buyer_email"], "zoe@example.com");
    let (_, bob) = get(&app, &format!("/api/v1/orders/{other}"), &s.admin_key).await;
    assert_eq!(bob["buyer_email"], "bob@example.com", "another buyer's order past retention is untouched");

    // Each request is recorded without the identifier; the chain still verifies.
    let recorded = count(
        &app,
        "SELECT COUNT(*) FROM events WHERE kind IN ('personal_data_exported', 'personal_data_request_erased') \
         AND data LIKE '%subject_sha256%' AND data NOT LIKE '%zoe@%'",
    )
    .await;
    assert_eq!(recorded, 2);
    assert_eq!(verify(&app, &s).await, Vec::<String>::new());
}

async fn the_retention_page_holds_proposes_and_erases_for_admins_only(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let old = completed_order(&app, &s, "#page-old", "old@example.com").await;
    let held = completed_order(&app, &s, "#page-held", "held@example.com").await;
    for o in [&old, &held] {
        set_completed(&app, o, PAST_RETENTION_DAYS).await;
    }
    let number = |o: &str| {
        let app = &app;
        let key = s.admin_key.clone();
        let path = format!("/api/v1/orders/{o}");
        async move { get(app, &path, &key).await.1["order_no"].as_str().unwrap().to_string() }
    };
    let (old_no, held_no) = (number(&old).await, number(&held).await);
    let (admin, token) = signed_in(&app, &s.admin_email).await;
    let page = admin.get(app.url("/retention")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Retention and personal data") && page.contains("id=\"propose\""), "{page}");

    // A hold placed by order number; then the proposal lists only the other order.
    let hold =
        [("csrf_token", token.as_str()), ("order", held_no.as_str()), ("reason", "Authority request 17")];
    let page =
        admin.post(app.url("/retention/holds")).form(&hold).send().await.unwrap().text().await.unwrap();
    assert!(page.split("id=\"hold-list\"").nth(1).unwrap().contains("Authority request 17"), "{page}");
    let propose = [("csrf_token", token.as_str())];
    let page =
        admin.post(app.url("/retention/propose")).form(&propose).send().await.unwrap().text().await.unwrap();
    let open = page.split("id=\"open-proposal\"").nth(1).expect("the open proposal is shown");
    let listed = open.split("</table>").next().unwrap();
    assert!(listed.contains(&old_no) && !listed.contains(&held_no), "{listed}");
    assert!(open.contains("Approve and erase"));
    let action = open.split("action=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert!(action.ends_with("/approve"), "{action}");
    let res = admin.post(app.url(&action)).form(&propose).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("Carried out"), "{page}");
    let order_page =
        admin.get(app.url(&format!("/orders/{old}"))).send().await.unwrap().text().await.unwrap();
    assert!(order_page.contains("id=\"erased\""), "the order says its buyer's data is erased");
    let held_page =
        admin.get(app.url(&format!("/orders/{held}"))).send().await.unwrap().text().await.unwrap();
    assert!(held_page.contains("id=\"legal-hold\""));

    // A bad buyer request says what is wrong and changes nothing.
    let bad = [("csrf_token", token.as_str()), ("email", "nope"), ("action", "erase")];
    let res = admin.post(app.url("/retention/buyer")).form(&bad).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("id=\"error\""));

    // A merchant sees no link to it and cannot open it.
    let (merchant, _) = signed_in(&app, &s.merchant_a_email).await;
    let home = merchant.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(!home.contains("href=\"/retention\""));
    let res = merchant.get(app.url("/retention")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
