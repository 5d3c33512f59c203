//! Exception rules per lane (SHP-6, SHP-7): a parcel without news past the lane's limit opens
//! exactly one case, closed when tracking moves again; failed deliveries open theirs once; the
//! hourly job runs the same sweep; 17TRACK's signed pushes are ingested like any other source.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tradeport_app::jobs::run_due;
use tradeport_testkit::{TestApp, db_tests};

use crate::customs::{europe_service, labelled};
use crate::helpers::{call, field, get, post};
use crate::warehouse::{confirmed_order, floor, stock_bin};

db_tests!(
    a_parcel_without_news_past_its_lanes_limit_opens_one_case_and_closes_it_when_it_moves,
    the_service_the_buyer_chose_is_honoured_or_the_parcel_waits_for_a_person,
    concurrent_webhooks_for_one_parcel_keep_each_event_once,
);

const HOUR_MS: i64 = 3_600_000;

async fn open_cases(app: &TestApp, key: &str, order: &str) -> Vec<Value> {
    let (_, cases) = get(app, &format!("/api/v1/exception-cases?status=open&order_id={order}"), key).await;
    cases["items"].as_array().unwrap().clone()
}

fn seventeen_track_sign(key: &str, body: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{body}/{key}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

async fn a_parcel_without_news_past_its_lanes_limit_opens_one_case_and_closes_it_when_it_moves(app: TestApp) {
    let f = floor(&app).await;
    let logistics = app.staff_key(&f.s, "logistics").await;
    assert_eq!(post(&app, "/api/v1/carrier-services", &logistics, europe_service()).await.0, StatusCode::OK);
    stock_bin(&app, &f, "PEN", 5, "A-01-01-1-1").await;
    let order = confirmed_order(&app, &f, "#x1", &[("PEN", 1)]).await;
    let shipments = labelled(&app, &f, &[&order]).await;
    let (shipment, tracking) = &shipments[0];

    // The lane's rules: a wrong one is refused field by field.
    let (status, body) =
        post(&app, "/api/v1/lane-rules", &logistics, json!({"kind": "no_update", "threshold": 0})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "threshold"), "{body}");
    let (status, _) =
        post(&app, "/api/v1/lane-rules", &f.s.merchant_a_key, json!({"kind": "no_update", "threshold": 48}))
            .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a merchant does not set the operator's rules");
    for rule in [
        json!({"origin": "UK-MAN", "destination": "GB", "kind": "no_update", "threshold": 48}),
        json!({"origin": "UK-MAN", "destination": "GB", "kind": "delivery_failed", "threshold": 2, "department": "customer_service"}),
        json!({"destination": "DE", "kind": "no_update", "threshold": 1}),
    ] {
        let (status, body) = post(&app, "/api/v1/lane-rules", &logistics, rule).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (_, rules) = get(&app, "/api/v1/lane-rules", &f.s.admin_key).await;
    assert!(
        rules["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["summary"] == "UK-MAN → GB, any service: no tracking update for 48 hours → logistics"),
        "{rules}"
    );

    // Handed over today: nothing is late yet.
    let (status, out) = post(
        &app,
        "/api/v1/handovers",
        &f.s.admin_key,
        json!({"warehouse_id": f.uk, "carrier": "Yun Express", "packages": [tracking]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{out}");
    let sweep = || post(&app, "/api/v1/tracking/sweep", &logistics, json!({}));
    let (_, done) = sweep().await;
    assert_eq!((done["checked"].as_i64(), done["opened"].as_i64()), (Some(1), Some(0)), "{done}");

    // Three days without news: one case, however often the sweep runs.
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("UPDATE shipments SET shipped_at = shipped_at - $1 WHERE id = $2")
        .bind(72 * HOUR_MS)
        .bind(shipment)
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let (_, done) = sweep().await;
    assert_eq!(done["opened"].as_i64(), Some(1), "{done}");
    let (_, done) = sweep().await;
    assert_eq!(done["opened"].as_i64(), Some(0), "once, not on every sweep");
    let cases = open_cases(&app, &f.s.merchant_a_key, &order).await;
    assert_eq!(cases.len(), 1, "{cases:?}");
    let listed = |query: &'static str| get(&app, query, &f.s.admin_key);
    let (_, in_trouble) = listed("/api/v1/shipments?exception=open&origin=uk-man&country=GB").await;
    assert_eq!(
        in_trouble["items"][0]["tracking_no"],
        tracking.as_str(),
        "the lane's parcels in trouble: {in_trouble}"
    );
    let (_, elsewhere) = listed("/api/v1/shipments?origin=DE-FRA").await;
    assert_eq!(elsewhere["items"], json!([]));
    let (status, _) = listed("/api/v1/shipments?exception=maybe").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (cases[0]["case_type"].as_str(), cases[0]["department"].as_str()),
        (Some("logistics_delay"), Some("logistics"))
    );
    assert!(
        cases[0]["cause"].as_str().unwrap().contains("no tracking update for 72 hours (the lane allows 48)"),
        "{cases:?}"
    );
    assert!(open_cases(&app, &f.s.merchant_b_key, &order).await.is_empty(), "another merchant's cases");

    // The hourly job runs the same sweep.
    let mut conn = app.app.db().read().await.unwrap();
    let scheduled: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM recurring_jobs WHERE kind = 'tracking_sweep'")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    assert_eq!(scheduled, 1, "the first rule scheduled the sweep");
    sqlx::query("UPDATE recurring_jobs SET next_run_at = 0 WHERE kind = 'tracking_sweep'")
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(tradeport_app::sla::enqueue_due_recurring(&app.app).await.unwrap(), 1);
    let report = run_due(&app.app, "test-worker", Duration::from_secs(60), 10).await.unwrap();
    assert_eq!((report.claimed, report.failed), (1, 0), "{report:?}");

    // 17TRACK reports the parcel moving: the late case closes; two failed deliveries open one case.
    let res = app
        .client
        .put(app.url("/api/v1/tracking/17track"))
        .bearer_auth(&logistics)
        .json(&json!({"webhook_secret": "17-key"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let hook = format!("/api/v1/hooks/17track/{}", f.s.operator.id);
    let push = |events: Value| {
        let body = json!({"event": "TRACKING_UPDATED", "data": {"number": tracking, "carrier": 190271,
            "track_info": {"tracking": {"providers": [{"events": events}]}}}})
        .to_string();
        let sign = seventeen_track_sign("17-key", &body);
        app.client
            .post(app.url(&hook))
            .header("sign", sign)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let res = push(json!([{"time_utc": "2026-11-24T08:00:00Z", "description": "Arrived at hub", "location": "Leeds", "sub_status": "InTransit_Arrival"}])).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(open_cases(&app, &f.s.admin_key, &order).await.is_empty(), "moving closes the late case");
    let (_, closed) =
        get(&app, &format!("/api/v1/exception-cases?status=closed&order_id={order}"), &f.s.admin_key).await;
    assert_eq!(closed["items"][0]["result"], "tracking moved on: in_transit", "{closed}");
    for (n, at) in ["2026-11-25T10:00:00Z", "2026-11-26T10:00:00Z", "2026-11-27T10:00:00Z"].iter().enumerate()
    {
        let res = push(json!([{"time_utc": at, "description": format!("Attempt {}", n + 1), "sub_status": "DeliveryFailure_NoBody"}])).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
    let cases = open_cases(&app, &f.s.admin_key, &order).await;
    assert_eq!(cases.len(), 1, "one case for the failed deliveries: {cases:?}");
    assert_eq!(
        (cases[0]["case_type"].as_str(), cases[0]["department"].as_str()),
        (Some("delivery_failed"), Some("customer_service"))
    );
    let (status, _) = call(&app, Method::POST, &hook, "", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "unsigned");

    // Delivered: the lane's figures and chart on the Shipping page, with the open case and the rules.
    let res = push(json!([{"time_utc": "2026-11-28T10:00:00Z", "description": "Delivered", "sub_status": "Delivered_Other"}])).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (client, token) = crate::helpers::signed_in(&app, &f.s.admin_email).await;
    let page = client.get(app.url("/shipping")).send().await.unwrap().text().await.unwrap();
    for expected in [
        "id=\"open-cases\"",
        "delivery failed 2 times",
        "Yun Express · EU-LINE · UK-MAN → GB",
        "id=\"performance-chart\"",
        "100%",
        "no tracking update for 48 hours",
    ] {
        assert!(page.contains(expected), "{expected} on the Shipping page");
    }
    let form = [
        ("csrf_token", token.as_str()),
        ("destination", "de"),
        ("kind", "stuck"),
        ("threshold", "5"),
        ("department", "logistics"),
    ];
    let saved =
        client.post(app.url("/shipping/lane-rules")).form(&form).send().await.unwrap().text().await.unwrap();
    assert!(
        saved.contains("any origin → DE, any service: the same status for 5 days → logistics"),
        "the notice names the rule"
    );
    let bad = [("csrf_token", token.as_str()), ("kind", "stuck"), ("threshold", "five")];
    let res = client.post(app.url("/shipping/lane-rules")).form(&bad).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, lanes) = get(&app, "/api/v1/shipping/performance?days=30", &f.s.merchant_a_key).await;
    assert_eq!(
        (
            lanes["items"][0]["shipped"].as_i64(),
            lanes["items"][0]["delivered"].as_i64(),
            lanes["items"][0]["exception_pct"].as_f64()
        ),
        (Some(1), Some(1), Some(100.0)),
        "{lanes}"
    );
    let (_, none) = get(&app, "/api/v1/shipping/performance", &f.s.merchant_b_key).await;
    assert_eq!(none["items"], json!([]), "another merchant's lanes");

    // A rule removed opens nothing more; its cases stay.
    let id = rules["items"][0]["id"].as_str().unwrap();
    assert_eq!(
        call(&app, Method::DELETE, &format!("/api/v1/lane-rules/{id}"), &logistics, None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&app, Method::DELETE, &format!("/api/v1/lane-rules/{id}"), &logistics, None).await.0,
        StatusCode::NOT_FOUND
    );
}

async fn the_service_the_buyer_chose_is_honoured_or_the_parcel_waits_for_a_person(app: TestApp) {
    let f = floor(&app).await;
    let logistics = app.staff_key(&f.s, "logistics").await;
    let mut cheap = europe_service();
    cheap["code"] = json!("CHEAP");
    cheap["brackets"][0]["first_minor"] = json!(100);
    let mut tiny = europe_service();
    tiny["code"] = json!("TINY");
    tiny["max_weight_g"] = json!(10);
    tiny["brackets"] =
        json!([{"up_to_g": 10, "first_g": 10, "first_minor": 50, "additional_g": 10, "additional_minor": 0}]);
    for s in [europe_service(), cheap, tiny] {
        let (status, body) = post(&app, "/api/v1/carrier-services", &logistics, s).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    stock_bin(&app, &f, "PEN", 5, "A-01-01-1-1").await;
    let mut bad = crate::warehouse::order("#b0", &[("PEN", 1)]);
    bad["carrier_service"] = json!("RM T48");
    let (status, body) = post(&app, "/api/v1/orders", &f.s.merchant_a_key, bad).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "carrier_service"), "{body}");
    let mut unknown = crate::warehouse::order("#b00", &[("PEN", 1)]);
    unknown["carrier_service"] = json!("NOPE-1");
    let (status, body) = post(&app, "/api/v1/orders", &f.s.merchant_a_key, unknown).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_service")),
        "a service the operator does not offer: {body}"
    );
    let chose = |id: &str, service: &str| {
        let mut o = crate::warehouse::order(id, &[("PEN", 1)]);
        o["carrier_service"] = json!(service);
        o
    };
    let honoured = crate::warehouse::confirmed_order_from(&app, &f, chose("#b1", "eu-line")).await;
    let too_small = crate::warehouse::confirmed_order_from(&app, &f, chose("#b2", "TINY")).await;
    let ready = crate::warehouse::ready_packages(&app, &f, &[&honoured, &too_small]).await;
    let (p1, p2) = (ready[0].1[0].clone(), ready[1].1[0].clone());

    let (status, s1) =
        post(&app, &format!("/api/v1/packages/{p1}/shipment"), &f.s.admin_key, json!({})).await;
    assert_eq!(
        (status, s1["service_code"].as_str()),
        (StatusCode::OK, Some("EU-LINE")),
        "the buyer's choice, not the cheapest: {s1}"
    );
    for _ in 0..2 {
        let (status, body) =
            post(&app, &format!("/api/v1/packages/{p2}/shipment"), &f.s.admin_key, json!({})).await;
        assert_eq!(
            (status, crate::helpers::code(&body)),
            (StatusCode::CONFLICT, "shipment.chosen_service_refused"),
            "{body}"
        );
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("TINY, chosen for the order, cannot carry it"),
            "{body}"
        );
    }
    let cases = open_cases(&app, &f.s.merchant_a_key, &too_small).await;
    assert_eq!(cases.len(), 1, "held once: {cases:?}");
    assert_eq!(
        (cases[0]["case_type"].as_str(), cases[0]["department"].as_str()),
        (Some("service_unavailable"), Some("logistics"))
    );
    let (_, none) = get(&app, &format!("/api/v1/orders/{too_small}/shipments"), &f.s.admin_key).await;
    assert_eq!(none["items"], json!([]), "not sent another way behind the buyer's back");

    let decided =
        json!({"service": "EU-LINE", "reason": "TINY takes 10 g at most; the buyer agreed to EU-LINE"});
    let (status, s2) = post(&app, &format!("/api/v1/packages/{p2}/shipment"), &f.s.admin_key, decided).await;
    assert_eq!((status, s2["service_code"].as_str()), (StatusCode::OK, Some("EU-LINE")), "{s2}");
    assert!(
        open_cases(&app, &f.s.admin_key, &too_small).await.is_empty(),
        "the person's decision closes the case"
    );
    let (_, closed) =
        get(&app, &format!("/api/v1/exception-cases?status=closed&order_id={too_small}"), &f.s.admin_key)
            .await;
    assert_eq!(
        closed["items"][0]["result"],
        "labelled with EU-LINE: TINY takes 10 g at most; the buyer agreed to EU-LINE"
    );
}

/// Twelve pushes at once for one parcel, each overlapping the next by an event: every one is
/// answered (none deadlocks on the other's events), and each event is kept once.
async fn concurrent_webhooks_for_one_parcel_keep_each_event_once(app: TestApp) {
    let f = floor(&app).await;
    let logistics = app.staff_key(&f.s, "logistics").await;
    assert_eq!(post(&app, "/api/v1/carrier-services", &logistics, europe_service()).await.0, StatusCode::OK);
    stock_bin(&app, &f, "PEN", 5, "A-01-01-1-1").await;
    let order = confirmed_order(&app, &f, "#w1", &[("PEN", 1)]).await;
    let tracking = labelled(&app, &f, &[&order]).await[0].1.clone();
    let (status, _) =
        post(&app, "/api/v1/lane-rules", &logistics, json!({"kind": "delivery_failed", "threshold": 3}))
            .await;
    assert_eq!(status, StatusCode::OK);
    let res = app
        .client
        .put(app.url("/api/v1/tracking/17track"))
        .bearer_auth(&logistics)
        .json(&json!({"webhook_secret": "17-key"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let hook = app.url(&format!("/api/v1/hooks/17track/{}", f.s.operator.id));
    let event = |n: usize| json!({"time_utc": format!("2026-11-20T{n:02}:00:00Z"), "description": format!("scan {n}"), "sub_status": "InTransit_Other"});
    let mut sends = tokio::task::JoinSet::new();
    for k in 0..12 {
        let body = json!({"event": "TRACKING_UPDATED", "data": {"number": tracking, "track_info": {"tracking": {"providers": [{"events": [event(k), event(k + 1)]}]}}}}).to_string();
        let request = app
            .client
            .post(&hook)
            .header("sign", seventeen_track_sign("17-key", &body))
            .header("content-type", "application/json")
            .body(body);
        sends.spawn(async move {
            let res = request.send().await.unwrap();
            (res.status(), res.json::<Value>().await.unwrap_or_default())
        });
    }
    let mut stored = 0;
    for (status, body) in sends.join_all().await {
        assert_eq!(status, StatusCode::OK, "{body}");
        stored += body["stored"].as_i64().unwrap();
    }
    assert_eq!(stored, 13, "thirteen distinct events, each kept once");
}
