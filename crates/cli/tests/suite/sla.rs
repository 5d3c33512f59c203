//! The clocks of an order's steps (SLA-1, ORD-9): started, paused and stopped by the order's
//! events in the same transaction; a paused clock resumes with the time it had left.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests, lamp_order};

use crate::helpers::{get, post};

db_tests!(
    a_review_clock_runs_pauses_on_hold_resumes_with_its_time_and_stops_on_approval,
    urgent_orders_get_thirty_minutes_and_late_clocks_say_by_how_much,
    an_order_approved_and_confirmed_at_intake_has_both_clocks_stopped_then,
    a_clock_started_and_stopped_in_one_write_stops_the_running_one_it_meets
);

fn clock<'a>(order: &'a Value, step: &str) -> &'a Value {
    order["clocks"].as_array().unwrap().iter().find(|c| c["step"] == step).unwrap_or(&Value::Null)
}

async fn a_review_clock_runs_pauses_on_hold_resumes_with_its_time_and_stops_on_approval(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let mut input = lamp_order("#clock", 1);
    input["remarks"] = json!("please gift-wrap");
    let (status, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, input).await;
    assert_eq!((status, order["status"].as_str()), (StatusCode::CREATED, Some("pending_review")), "{order}");
    let first = clock(&order, "first_review");
    assert_eq!(first["limit_ms"], 2 * 3_600_000);
    assert_eq!(first["due_at"].as_i64().unwrap() - first["started_at"].as_i64().unwrap(), 2 * 3_600_000);
    assert!(first["stopped_at"].is_null() && first["late_by_ms"].is_null());
    let due_before = first["due_at"].as_i64().unwrap();

    let id = order["id"].as_str().unwrap();
    let act = |action: &'static str, body: Value| {
        let (app, key) = (&app, s.admin_key.clone());
        async move { post(app, &format!("/api/v1/orders/{id}/{action}"), &key, body).await }
    };
    let (_, held) = act("hold", json!({"reason": "buyer asked to wait"})).await;
    assert!(clock(&held, "first_review")["paused_at"].is_i64(), "paused while on hold: {held}");
    // Ten minutes on hold.
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("UPDATE sla_clocks SET paused_at = paused_at - 600000").execute(&mut *conn).await.unwrap();
    // Released, nothing holds it any more: it is approved at once, which stops the clock.
    let (status, approved) = act("release-hold", json!({})).await;
    assert_eq!((status, approved["status"].as_str()), (StatusCode::OK, Some("approved")), "{approved}");
    let first = clock(&approved, "first_review");
    assert!(first["paused_at"].is_null(), "{approved}");
    let pushed = first["due_at"].as_i64().unwrap() - due_before;
    assert!((600_000..660_000).contains(&pushed), "due later by the pause, about 10 min: {pushed} ms");
    let reviews = approved["clocks"].as_array().unwrap().iter().filter(|c| c["step"] == "first_review");
    assert_eq!(reviews.count(), 1, "the same clock, not a new one");
    assert!(first["stopped_at"].is_i64() && first["late_by_ms"].is_null(), "{approved}");
    let confirmation = clock(&approved, "confirmation");
    assert_eq!(confirmation["limit_ms"], 3_600_000, "{approved}");
}

async fn urgent_orders_get_thirty_minutes_and_late_clocks_say_by_how_much(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let mut input = lamp_order("#urgent", 1);
    input["remarks"] = json!("call before delivery");
    input["urgent"] = json!(true);
    let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, input).await;
    assert_eq!(clock(&order, "first_review")["limit_ms"], 30 * 60_000, "{order}");
    // An hour later, the review has not happened.
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("UPDATE sla_clocks SET started_at = started_at - 3600000, due_at = due_at - 3600000")
        .execute(&mut *conn)
        .await
        .unwrap();
    let (_, late) =
        get(&app, &format!("/api/v1/orders/{}", order["id"].as_str().unwrap()), &s.admin_key).await;
    let late_by = clock(&late, "first_review")["late_by_ms"].as_i64().unwrap();
    assert!((30 * 60_000..31 * 60_000).contains(&late_by), "30 minutes late: {late_by}");
    // The order's page shows it, in both languages.
    let (client, _) = crate::helpers::signed_in(&app, &s.admin_email).await;
    let page =
        client.get(app.url(&format!("/orders/{}", order["id"].as_str().unwrap()))).send().await.unwrap();
    let page = page.text().await.unwrap();
    let panel = &page[page.find("id=\"clocks\"").expect("the time-limit panel")..];
    assert!(
        panel.contains("First review") && panel.contains("running") && panel.contains(" minutes late"),
        "{panel}"
    );
    // The follow-up queue lists it; within two hours it also lists the review that is on time.
    let mut on_time = lamp_order("#on-time", 1);
    on_time["remarks"] = json!("fragile");
    post(&app, "/api/v1/orders", &s.merchant_a_key, on_time).await;
    let (status, due) = get(&app, "/api/v1/sla/due", &s.admin_key).await;
    assert_eq!(status, StatusCode::OK, "{due}");
    let overdue: Vec<&str> =
        due["items"].as_array().unwrap().iter().map(|d| d["order_id"].as_str().unwrap()).collect();
    assert_eq!(overdue, [order["id"].as_str().unwrap()]);
    assert_eq!(due["items"][0]["step"], "first_review");
    let (_, soon) = get(&app, "/api/v1/sla/due?within_minutes=180", &s.admin_key).await;
    assert_eq!(soon["items"].as_array().unwrap().len(), 2, "{soon}");
    assert_eq!(get(&app, "/api/v1/sla/due", &s.merchant_a_key).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        get(&app, "/api/v1/sla/due?within_minutes=-5", &s.admin_key).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // A held order's clock does not start until the hold is released.
    let mut held = lamp_order("#held", 1);
    held["shipping_address"]["postcode"] = json!("");
    let (_, held) = post(&app, "/api/v1/orders", &s.merchant_a_key, held).await;
    assert_eq!(
        (held["status"].as_str(), held["clocks"].as_array().map(Vec::len)),
        (Some("on_hold"), Some(0))
    );
}

async fn an_order_approved_and_confirmed_at_intake_has_both_clocks_stopped_then(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let (status, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#auto", 1)).await;
    assert_eq!((status, order["status"].as_str()), (StatusCode::CREATED, Some("confirmed")), "{order}");
    for (step, limit_h) in [("first_review", 2), ("confirmation", 1)] {
        let c = clock(&order, step);
        assert_eq!(c["limit_ms"], limit_h * 3_600_000, "{step}: {c}");
        let took = c["stopped_at"].as_i64().unwrap() - c["started_at"].as_i64().unwrap();
        assert!((0..60_000).contains(&took), "{step} started and stopped within the intake: {c}");
        assert!(c["late_by_ms"].is_null(), "{step}: {c}");
    }
    assert_eq!(order["clocks"].as_array().unwrap().len(), 2, "no other step started: {order}");
    let (_, due) = get(&app, "/api/v1/sla/due?within_minutes=600", &s.admin_key).await;
    assert_eq!(due["items"].as_array().map(Vec::len), Some(0), "nothing left to follow up: {due}");
}

async fn a_clock_started_and_stopped_in_one_write_stops_the_running_one_it_meets(app: TestApp) {
    use tradeport_domain::kernel::Millis;
    use tradeport_domain::sla::Step;
    use tradeport_store::sla::{NewClock, list, start_many_in_tx};
    let s = app.seed("acme").await;
    let clock = |id: &str, started: i64, stopped: Option<i64>| NewClock {
        id: id.into(),
        subject: ("order", "o-1"),
        step: Step::Confirmation,
        limit_ms: 3_600_000,
        started_at: Millis(started),
        due_at: Millis(started + 3_600_000),
        stopped_at: stopped.map(Millis),
        calendar_id: None,
    };
    let mut tx = app.app.db().begin().await.unwrap();
    start_many_in_tx(&mut tx, s.operator.id, &[clock("c-1", 1_000, None)]).await.unwrap();
    // Started again (kept: the subject has one) and stopped in the same write: the running one stops.
    start_many_in_tx(&mut tx, s.operator.id, &[clock("c-2", 5_000, Some(9_000))]).await.unwrap();
    // A later start-and-stop leaves the stopped one as it is.
    start_many_in_tx(&mut tx, s.operator.id, &[clock("c-3", 20_000, Some(30_000))]).await.unwrap();
    tx.commit().await.unwrap();
    let mut conn = app.app.db().read().await.unwrap();
    let clocks = list(&mut conn, s.operator.id, ("order", "o-1")).await.unwrap();
    assert_eq!(clocks.len(), 1, "{clocks:?}");
    assert_eq!((clocks[0].started_at, clocks[0].stopped_at), (Millis(1_000), Some(Millis(9_000))));
}
