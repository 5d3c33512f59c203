//! The follow-up (SLA-2): sweeps at 09:00 and 15:00 in each warehouse's own time, kept as reports
//! by department, run once per scheduled time however often their job runs; follow-ups recorded.

use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use mail_parser::MessageParser;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tradeport_app::App;
use tradeport_connectors::mail::SmtpMailer;
use tradeport_testkit::{SmtpSink, TestApp, db_tests, lamp_order};

use crate::helpers::{call, code, get, post};
use crate::orders::settings;

db_tests!(
    each_warehouse_is_swept_at_its_own_nine_and_three_and_overdue_steps_go_to_their_department,
    an_unanswered_ticket_past_its_clock_is_in_the_overdue_queue_and_the_sweep,
    follow_ups_say_who_did_what_and_the_new_promise,
);

/// The next 09:00 or 15:00 in `tz` after `now`.
fn next_nine_or_three(tz: &str, now: Timestamp) -> i64 {
    let zone = TimeZone::get(tz).unwrap();
    let today = now.to_zoned(zone.clone()).date();
    [today, today.tomorrow().unwrap()]
        .iter()
        .flat_map(|d| [d.at(9, 0, 0, 0), d.at(15, 0, 0, 0)])
        .map(|dt| zone.to_zoned(dt).unwrap().timestamp())
        .find(|t| *t > now)
        .unwrap()
        .as_millisecond()
}

/// The latest 09:00 in `tz` before `now`.
fn last_nine(tz: &str, now: Timestamp) -> i64 {
    let zone = TimeZone::get(tz).unwrap();
    let today = now.to_zoned(zone.clone()).date();
    [today, today.yesterday().unwrap()]
        .iter()
        .map(|d| zone.to_zoned(d.at(9, 0, 0, 0)).unwrap().timestamp())
        .find(|t| *t <= now)
        .unwrap()
        .as_millisecond()
}

async fn exec(app: &TestApp, sql: &'static str, a: i64, b: &str) {
    let mut tx = app.app.db().begin().await.unwrap();
    sqlx::query(sql).bind(a).bind(b).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
}

/// Queues due recurring jobs and runs them, then delivers what they wrote to the outbox.
async fn run_jobs(app: &App) {
    tradeport_app::sla::enqueue_due_recurring(app).await.unwrap();
    tradeport_app::jobs::run_due(app, "test", Duration::from_secs(60), 50).await.unwrap();
    tradeport_app::notifications::relay_outbox(app).await.unwrap();
    let report = tradeport_app::jobs::run_due(app, "test", Duration::from_secs(60), 50).await.unwrap();
    assert_eq!(report.failed, 0, "{report:?}");
}

async fn each_warehouse_is_swept_at_its_own_nine_and_three_and_overdue_steps_go_to_their_department(
    app: TestApp,
) {
    let scheduled_after = Timestamp::now();
    let s = app.seed("acme").await;
    let c = app.seed_catalog(&s, 10).await;
    let now = Timestamp::now();
    let (status, schedules) = get(&app, "/api/v1/sla/sweep-schedules", &s.admin_key).await;
    assert_eq!(status, StatusCode::OK, "{schedules}");
    let by_scope = |body: &Value, scope: &str| -> Value {
        body["items"].as_array().unwrap().iter().find(|i| i["scope"] == scope).cloned().unwrap_or(Value::Null)
    };
    for (scope, tz) in [
        ("operator", "Asia/Shanghai"),
        (c.uk_warehouse.as_str(), "Europe/London"),
        (c.cn_warehouse.as_str(), "Asia/Shanghai"),
    ] {
        let item = by_scope(&schedules, scope);
        assert_eq!(
            (item["cron"].as_str(), item["timezone"].as_str()),
            (Some("0 9,15 * * *"), Some(tz)),
            "{item}"
        );
        let next = item["next_run_at"].as_i64().unwrap();
        // Scheduled while seeding: the next 09:00 or 15:00 after some instant in that span.
        let expected = [next_nine_or_three(tz, scheduled_after), next_nine_or_three(tz, now)];
        assert!(expected.contains(&next), "{scope}: {item}, expected one of {expected:?}");
    }

    // An order waiting for review (no warehouse yet) and one approved into the UK warehouse,
    // both past their limits.
    settings(&app, &s.admin_key, json!({"auto_confirm": false})).await;
    let mut held = lamp_order("#review-late", 1);
    held["remarks"] = json!("ring twice");
    let (_, waiting) = post(&app, "/api/v1/orders", &s.merchant_a_key, held).await;
    let (_, approved) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#confirm-late", 1)).await;
    assert_eq!(
        (waiting["status"].as_str(), approved["status"].as_str()),
        (Some("pending_review"), Some("approved"))
    );
    let an_hour_ago = now.as_millisecond() - 3_600_000;
    exec(
        &app,
        "UPDATE sla_clocks SET due_at = $1 WHERE subject_id = $2",
        an_hour_ago,
        waiting["id"].as_str().unwrap(),
    )
    .await;
    exec(
        &app,
        "UPDATE sla_clocks SET due_at = $1 WHERE subject_id = $2",
        an_hour_ago,
        approved["id"].as_str().unwrap(),
    )
    .await;

    // Who hears of it: the order management department's staff, not the warehouse's.
    let managers = [app.staff_user(&s, "order_manager").await, app.staff_user(&s, "reviewer").await];
    app.staff_user(&s, "warehouse").await;
    let sink = SmtpSink::start().await;
    let mailing =
        app.app.clone().with_mailer(SmtpMailer::new(&sink.url, "Tradeport <sla@acme.example>").unwrap());

    // Each place's last 09:00 comes round (the schedules are moved back to it).
    for (scope, tz) in [
        ("operator", "Asia/Shanghai"),
        (c.uk_warehouse.as_str(), "Europe/London"),
        (c.cn_warehouse.as_str(), "Asia/Shanghai"),
    ] {
        exec(&app, "UPDATE recurring_jobs SET next_run_at = $1 WHERE scope = $2", last_nine(tz, now), scope)
            .await;
    }
    run_jobs(&mailing).await;
    let (_, sweeps) = get(&app, "/api/v1/sla/sweeps", &s.admin_key).await;
    let items = sweeps["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{sweeps}");
    for (scope, tz, offset) in [
        ("operator", "Asia/Shanghai", "+08:00"),
        (c.uk_warehouse.as_str(), "Europe/London", "+00:00"),
        (c.cn_warehouse.as_str(), "Asia/Shanghai", "+08:00"),
    ] {
        let sweep = items.iter().find(|i| i["scope"] == scope).unwrap();
        assert_eq!(sweep["scheduled_for"].as_i64(), Some(last_nine(tz, now)), "{sweep}");
        assert!(
            sweep["scheduled_local"].as_str().unwrap().contains(&format!("T09:00:00{offset}")),
            "{sweep}"
        );
    }
    let operator = items.iter().find(|i| i["scope"] == "operator").unwrap();
    let uk = items.iter().find(|i| i["scope"] == c.uk_warehouse.as_str()).unwrap();
    let cn = items.iter().find(|i| i["scope"] == c.cn_warehouse.as_str()).unwrap();
    assert_eq!(operator["departments"]["order_management"][0]["order_id"], waiting["id"], "{operator}");
    assert_eq!(operator["departments"]["order_management"][0]["step"], "first_review");
    assert_eq!(uk["departments"]["order_management"][0]["order_id"], approved["id"], "{uk}");
    assert_eq!(uk["departments"]["order_management"][0]["step"], "confirmation");
    assert!(uk["departments"]["order_management"][0]["late_by_ms"].as_i64().unwrap() >= 3_600_000);
    assert_eq!((cn["overdue"].as_i64(), operator["overdue"].as_i64()), (Some(0), Some(1)));

    // Two sweeps had overdue steps of order management: each e-mailed to both its people.
    let mails = sink.messages();
    let mut to: Vec<&str> =
        mails.iter().flat_map(|m| m.to.iter().map(|t| t.trim_matches(['<', '>']))).collect();
    to.sort_unstable();
    assert_eq!(to, [managers[0].as_str(), managers[0].as_str(), managers[1].as_str(), managers[1].as_str()]);
    let texts: Vec<(String, String)> = mails
        .iter()
        .map(|m| {
            let mail = MessageParser::default().parse(m.data.as_bytes()).unwrap();
            (
                mail.subject().unwrap_or_default().to_string(),
                mail.body_text(0).unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        texts.iter().any(|(subject, body)| subject == "One overdue step for Order management at UK-MAN"
            && body.contains(approved["id"].as_str().unwrap())),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|(subject, _)| subject.ends_with("at orders not in a warehouse yet")),
        "{texts:?}"
    );

    // Each schedule moved on to its next 09:00 or 15:00; the same scheduled time again writes
    // no second report.
    let (_, after) = get(&app, "/api/v1/sla/sweep-schedules", &s.admin_key).await;
    let uk_next = by_scope(&after, &c.uk_warehouse)["next_run_at"].as_i64().unwrap();
    assert_eq!(
        uk_next,
        next_nine_or_three("Europe/London", Timestamp::from_millisecond(app.app.now().0).unwrap())
    );
    exec(
        &app,
        "UPDATE recurring_jobs SET next_run_at = $1 WHERE scope = $2",
        last_nine("Europe/London", now),
        &c.uk_warehouse,
    )
    .await;
    run_jobs(&mailing).await;
    let (_, again) = get(&app, "/api/v1/sla/sweeps", &s.admin_key).await;
    assert_eq!(again["items"].as_array().unwrap().len(), 3, "one report per scheduled time");

    // Other times, read in each place's own zone; a bad one says what to write.
    let (status, set) = call(
        &app,
        Method::PUT,
        "/api/v1/sla/sweep-schedules",
        &s.admin_key,
        Some(json!({"cron": "30 8 * * 1-5"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    let uk_next = by_scope(&set, &c.uk_warehouse)["next_run_at"].as_i64().unwrap();
    let local =
        Timestamp::from_millisecond(uk_next).unwrap().to_zoned(TimeZone::get("Europe/London").unwrap());
    assert_eq!((local.hour(), local.minute()), (8, 30), "{set}");
    let (status, bad) = call(
        &app,
        Method::PUT,
        "/api/v1/sla/sweep-schedules",
        &s.admin_key,
        Some(json!({"cron": "every morning"})),
    )
    .await;
    assert_eq!(
        (status, bad["error"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("cron"))
    );
    let (status, _) = call(
        &app,
        Method::PUT,
        "/api/v1/sla/sweep-schedules",
        &s.merchant_a_key,
        Some(json!({"cron": "0 9 * * *"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = get(&app, "/api/v1/sla/sweeps", &s.merchant_a_key).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn follow_ups_say_who_did_what_and_the_new_promise(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let other = app.seed("rival").await;
    let mut input = lamp_order("#follow", 1);
    input["remarks"] = json!("gift");
    let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, input).await;
    let id = order["id"].as_str().unwrap();
    let body = json!({"order_id": id, "step": "first_review", "action": "called the buyer about the remark", "promised_at": "2026-11-26T15:00:00+08:00"});
    let (status, done) = post(&app, "/api/v1/sla/follow-ups", &s.admin_key, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    let f = &done["items"][0];
    assert_eq!(f["action"], "called the buyer about the remark");
    assert!(f["by"].as_str().unwrap().starts_with("api_key:"), "{f}");
    let promised: Timestamp = "2026-11-26T15:00:00+08:00".parse().unwrap();
    assert_eq!(f["promised_at"].as_i64(), Some(promised.as_millisecond()));
    let (_, view) = get(&app, &format!("/api/v1/orders/{id}"), &s.admin_key).await;
    assert!(view["events"].as_array().unwrap().iter().any(|e| e["kind"] == "order_followed_up"), "{view}");

    let bad = json!({"order_id": id, "step": "lunch", "action": "", "promised_at": "tomorrow"});
    let (status, err) = post(&app, "/api/v1/sla/follow-ups", &s.admin_key, bad).await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
    let fields: Vec<&str> =
        err["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["step", "action", "promised_at"]);
    let (status, _) = post(&app, "/api/v1/sla/follow-ups", &other.admin_key, body).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another operator's order is not found");
}

/// CS-3: a ticket whose first answer is late shows in the overdue view and in the operator's
/// sweep, under customer service, e-mailed to its agents.
async fn an_unanswered_ticket_past_its_clock_is_in_the_overdue_queue_and_the_sweep(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let (_, o) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#late-ticket", 1)).await;
    let order = o["id"].as_str().unwrap();
    let (_, ticket) = crate::tickets::buyer_writes(
        &app,
        &s.merchant_a_key,
        order,
        "The lamp is the wrong colour",
        "late-ticket-1",
    )
    .await;
    let agent = app.staff_key(&s, "customer_service").await;
    let (_, none) = get(&app, "/api/v1/tickets?view=overdue", &agent).await;
    assert_eq!(none["items"], json!([]), "not late yet");
    let now = Timestamp::now();
    exec(
        &app,
        "UPDATE tickets SET first_response_due = $1 WHERE id = $2",
        now.as_millisecond() - 60_000,
        &ticket,
    )
    .await;
    let (_, late) = get(&app, "/api/v1/tickets?view=overdue", &agent).await;
    assert_eq!(late["items"][0]["id"], ticket.as_str(), "{late}");

    let agent_email = app.staff_user(&s, "customer_service").await;
    let sink = SmtpSink::start().await;
    let mailing =
        app.app.clone().with_mailer(SmtpMailer::new(&sink.url, "Tradeport <sla@acme.example>").unwrap());
    exec(
        &app,
        "UPDATE recurring_jobs SET next_run_at = $1 WHERE scope = $2",
        last_nine("Asia/Shanghai", now),
        "operator",
    )
    .await;
    run_jobs(&mailing).await;
    let (_, sweeps) = get(&app, "/api/v1/sla/sweeps", &s.admin_key).await;
    let operator =
        sweeps["items"].as_array().unwrap().iter().find(|i| i["scope"] == "operator").unwrap().clone();
    let step = &operator["departments"]["customer_service"][0];
    assert_eq!(
        (step["ticket_id"].as_str(), step["step"].as_str()),
        (Some(ticket.as_str()), Some("ticket_first_response"))
    );
    assert!(step["late_by_ms"].as_i64().unwrap() >= 60_000, "{step}");
    let mails = sink.messages();
    assert!(
        mails.iter().any(|m| m.to.iter().any(|t| t.contains(&agent_email)) && m.data.contains(&ticket)),
        "the agent hears of it"
    );
}
