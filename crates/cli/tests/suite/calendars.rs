//! Working calendars (SLA-1): written and read back per operator and warehouse, closed days
//! imported from iCalendar and CSV, due times counted in working time, and the review clocks
//! counting in the operator's calendar, resumed with the working time they had left.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests, lamp_order};

use crate::helpers::{call, code, get, post};

db_tests!(
    a_clock_started_friday_evening_before_a_monday_holiday_is_due_tuesday_morning,
    closed_days_come_from_ics_and_csv_files_and_bad_input_says_what_to_fix,
    calendars_belong_to_their_operator_and_only_admins_change_them,
    review_clocks_count_in_the_operators_calendar_and_resume_with_the_working_time_left,
    step_limits_are_the_operators_and_apply_to_clocks_started_after_a_change,
);

async fn put(app: &TestApp, path: &str, key: &str, body: Value) -> (StatusCode, Value) {
    call(app, Method::PUT, path, key, Some(body)).await
}

async fn upload(app: &TestApp, path: &str, key: &str, content_type: &str, body: &str) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url(path))
        .bearer_auth(key)
        .header("content-type", content_type)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn berlin_office() -> Value {
    let day = json!(["09:00-18:00"]);
    json!({
        "timezone": "Europe/Berlin",
        "week": {"monday": day, "tuesday": day, "wednesday": day, "thursday": day, "friday": day},
        "closed_days": [{"date": "2026-03-23", "name": "Company holiday"}]
    })
}

async fn a_clock_started_friday_evening_before_a_monday_holiday_is_due_tuesday_morning(app: TestApp) {
    let s = app.seed("acme").await;
    let (status, cal) = put(&app, "/api/v1/calendars/default", &s.admin_key, berlin_office()).await;
    assert_eq!(status, StatusCode::OK, "{cal}");
    assert_eq!(cal["owner"], "default");
    assert_eq!(cal["week"]["friday"], json!(["09:00-18:00"]));
    assert!(cal["week"].get("saturday").is_none(), "a day without hours does not work: {cal}");
    let path = "/api/v1/calendars/default/due?from=2026-03-20T17:30:00%2B01:00&minutes=120";
    let (status, due) = get(&app, path, &s.admin_key).await;
    assert_eq!(status, StatusCode::OK, "{due}");
    assert!(due["due_local"].as_str().unwrap().starts_with("2026-03-24T10:30:00+01:00"), "{due}");
    let (status, bad) =
        get(&app, "/api/v1/calendars/default/due?from=friday&minutes=120", &s.admin_key).await;
    assert_eq!((status, code(&bad)), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
    assert_eq!(bad["error"]["fields"][0]["field"], "from");
}

const FEED: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tradeport//test//EN\r\n\
BEGIN:VEVENT\r\nUID:a@test\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261227\r\nSUMMARY:Christmas\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:b@test\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:New Year\r\nRRULE:FREQ=YEARLY;COUNT=2\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:c@test\r\nDTSTART:20261231T140000Z\r\nSUMMARY:Early close\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

async fn closed_days_come_from_ics_and_csv_files_and_bad_input_says_what_to_fix(app: TestApp) {
    let s = app.seed("acme").await;
    let c = app.seed_catalog(&s, 1).await;
    let path = format!("/api/v1/calendars/{}", c.uk_warehouse);
    let import = format!("{path}/closed-days");
    let (status, missing) = upload(&app, &import, &s.admin_key, "text/csv", "2026-12-25,Christmas").await;
    assert_eq!((status, code(&missing)), (StatusCode::CONFLICT, "calendar.missing"), "{missing}");

    let london = json!({"timezone": "Europe/London", "week": {"monday": ["08:00-12:00", "13:00-17:00"]}});
    let (status, cal) = put(&app, &path, &s.admin_key, london).await;
    assert_eq!((status, cal["warehouse_code"].as_str()), (StatusCode::OK, Some("UK-MAN")), "{cal}");

    let (status, report) = upload(&app, &import, &s.admin_key, "text/calendar; charset=utf-8", FEED).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!((report["added"].as_u64(), report["already_closed"].as_u64()), (Some(4), Some(0)), "{report}");
    assert_eq!(report["skipped"].as_array().unwrap().len(), 1, "{report}");
    let csv = "date,name\n2026-12-26,Boxing Day\n2027-05-03,Early May bank holiday\nnot a date,x\n";
    let (status, report) = upload(&app, &import, &s.admin_key, "text/csv", csv).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!((report["added"].as_u64(), report["already_closed"].as_u64()), (Some(1), Some(1)), "{report}");
    assert_eq!(report["skipped"][0], "line 4: 'not a date' is not a date (YYYY-MM-DD)");
    let (_, cal) = get(&app, &path, &s.admin_key).await;
    let days: Vec<&str> =
        cal["closed_days"].as_array().unwrap().iter().map(|d| d["date"].as_str().unwrap()).collect();
    assert_eq!(days, ["2026-12-25", "2026-12-26", "2027-01-01", "2027-05-03", "2028-01-01"]);
    assert_eq!(cal["closed_days"][0]["name"], "Christmas");

    let (status, err) = upload(&app, &import, &s.admin_key, "application/pdf", "%PDF").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{err}");
    let (status, err) = upload(&app, &import, &s.admin_key, "text/calendar", "date,name").await;
    assert_eq!(
        (status, err["error"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("file"))
    );

    let wrong = json!({"timezone": "Europe/Londres", "week": {"monday": ["17:00-08:00"], "caturday": ["09:00-10:00"]}, "closed_days": [{"date": "26/12/2026"}]});
    let (status, err) = put(&app, &path, &s.admin_key, wrong).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> =
        err["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["timezone", "week.caturday", "week.monday[0]", "closed_days[0].date"], "{err}");
    let (_, still) = get(&app, &path, &s.admin_key).await;
    assert_eq!(still["closed_days"].as_array().unwrap().len(), 5, "a refused write changes nothing");
}

async fn calendars_belong_to_their_operator_and_only_admins_change_them(app: TestApp) {
    let s = app.seed("acme").await;
    let c = app.seed_catalog(&s, 1).await;
    let other = app.seed("rival").await;
    let (status, _) = put(&app, "/api/v1/calendars/default", &s.admin_key, berlin_office()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) =
        put(&app, &format!("/api/v1/calendars/{}", c.uk_warehouse), &s.admin_key, berlin_office()).await;
    assert_eq!(status, StatusCode::OK);

    let (_, theirs) = get(&app, "/api/v1/calendars", &other.admin_key).await;
    assert_eq!(theirs["items"].as_array().map(Vec::len), Some(0), "another operator sees none: {theirs}");
    let (status, _) = get(&app, "/api/v1/calendars/default", &other.admin_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let path = format!("/api/v1/calendars/{}", c.uk_warehouse);
    let (status, _) = put(&app, &path, &other.admin_key, berlin_office()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another operator's warehouse is not found");
    let (status, _) = put(&app, "/api/v1/calendars/default", &s.merchant_a_key, berlin_office()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = get(&app, "/api/v1/calendars", &s.merchant_a_key).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = put(&app, "/api/v1/calendars/not-an-id", &s.admin_key, berlin_office()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, ours) = get(&app, "/api/v1/calendars", &s.admin_key).await;
    let owners: Vec<&str> =
        ours["items"].as_array().unwrap().iter().map(|c| c["owner"].as_str().unwrap()).collect();
    assert_eq!(owners, ["default", c.uk_warehouse.as_str()]);
}

fn clock<'a>(order: &'a Value, step: &str) -> &'a Value {
    order["clocks"].as_array().unwrap().iter().find(|c| c["step"] == step).unwrap_or(&Value::Null)
}

async fn review_clocks_count_in_the_operators_calendar_and_resume_with_the_working_time_left(app: TestApp) {
    // Today (UTC) is closed; every other day works around the clock. Stay clear of midnight.
    let mut now = jiff::Timestamp::now();
    if now.to_zoned(jiff::tz::TimeZone::UTC).time() > jiff::civil::time(23, 58, 0, 0) {
        tokio::time::sleep(std::time::Duration::from_secs(150)).await;
        now = jiff::Timestamp::now();
    }
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let tomorrow_two = today.tomorrow().unwrap().at(2, 0, 0, 0).to_zoned(jiff::tz::TimeZone::UTC).unwrap();
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let all_day = json!(["00:00-24:00"]);
    let week: serde_json::Map<String, Value> =
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
            .iter()
            .map(|d| (d.to_string(), all_day.clone()))
            .collect();
    let cal = json!({"timezone": "UTC", "week": week, "closed_days": [{"date": today.to_string(), "name": "closed today"}]});
    let (status, body) = put(&app, "/api/v1/calendars/default", &s.admin_key, cal).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let mut input = lamp_order("#calendar", 1);
    input["remarks"] = json!("call before delivery");
    let (status, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, input).await;
    assert_eq!((status, order["status"].as_str()), (StatusCode::CREATED, Some("pending_review")), "{order}");
    let first = clock(&order, "first_review");
    assert_eq!(first["working_time"], true, "{first}");
    assert_eq!(
        first["due_at"].as_i64(),
        Some(tomorrow_two.timestamp().as_millisecond()),
        "2 working hours from tomorrow 00:00: {first}"
    );

    let id = order["id"].as_str().unwrap();
    let (status, held) =
        post(&app, &format!("/api/v1/orders/{id}/hold"), &s.admin_key, json!({"reason": "ask the buyer"}))
            .await;
    assert_eq!((status, held["status"].as_str()), (StatusCode::OK, Some("on_hold")), "{held}");
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let (status, released) =
        post(&app, &format!("/api/v1/orders/{id}/release-hold"), &s.admin_key, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{released}");
    let resumed = clock(&released, "first_review");
    assert!(resumed["paused_at"].is_null(), "{resumed}");
    // The pause fell in closed time: no working time passed, so the due time is the same to
    // the millisecond (a wall-clock clock would be due later by the pause).
    assert_eq!(resumed["due_at"], first["due_at"], "{resumed}");
}

async fn step_limits_are_the_operators_and_apply_to_clocks_started_after_a_change(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let (status, _) = put(&app, "/api/v1/calendars/default", &s.admin_key, berlin_office()).await;
    assert_eq!(status, StatusCode::OK);
    let mut input = lamp_order("#before", 1);
    input["remarks"] = json!("gift");
    let (_, before) = post(&app, "/api/v1/orders", &s.merchant_a_key, input.clone()).await;

    let limits = json!({"sla_limits": [{"step": "first_review", "minutes": 45, "urgent_minutes": 15, "working_time": false}]});
    let (status, settings) = call(&app, Method::PATCH, "/api/v1/settings", &s.admin_key, Some(limits)).await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    input["channel_order_id"] = json!("#after");
    let (_, after) = post(&app, "/api/v1/orders", &s.merchant_a_key, input).await;
    let clock = clock(&after, "first_review");
    assert_eq!(
        (clock["limit_ms"].as_i64(), clock["working_time"].as_bool()),
        (Some(45 * 60_000), Some(false)),
        "{clock}"
    );
    assert_eq!(clock["due_at"].as_i64().unwrap() - clock["started_at"].as_i64().unwrap(), 45 * 60_000);
    let (_, again) =
        get(&app, &format!("/api/v1/orders/{}", before["id"].as_str().unwrap()), &s.admin_key).await;
    let kept = self::clock(&again, "first_review");
    assert_eq!(
        (kept["limit_ms"].as_i64(), kept["working_time"].as_bool()),
        (Some(120 * 60_000), Some(true)),
        "a running clock keeps its limit: {kept}"
    );

    let bad = json!({"sla_limits": [{"step": "confirmation", "minutes": 0, "urgent_minutes": 30}]});
    let (status, err) = call(&app, Method::PATCH, "/api/v1/settings", &s.admin_key, Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> =
        err["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["sla_limits[0].minutes", "sla_limits[0].urgent_minutes"], "{err}");
}
