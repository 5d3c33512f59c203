//! Risk screening at intake (ORD-10): the rules that fire with their evidence, the order held for
//! a person only at the threshold, and the people's decisions counted per rule for tuning.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests, lamp_order};

use crate::helpers::{get, post};

db_tests!(
    a_risky_order_is_held_with_its_evidence_and_a_clean_one_is_not_slowed,
    decisions_on_held_orders_are_counted_per_rule,
);

fn risky(id: &str) -> Value {
    let mut o = lamp_order(id, 1);
    o["billing_country"] = json!("us");
    o["shipping_address"]["line1"] = json!("4315 N.W. 7th St");
    o["buyer"]["email"] = json!(format!("{}@example.net", id.trim_start_matches('#')));
    o
}

async fn a_risky_order_is_held_with_its_evidence_and_a_clean_one_is_not_slowed(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 50).await;
    crate::orders::settings(&app, &s.admin_key, json!({"risk": {"reshippers": ["4315 NW 7th St"]}})).await;

    let (status, clean) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#clean", 1)).await;
    assert_eq!(status, StatusCode::CREATED, "{clean}");
    assert_eq!((clean["status"].as_str(), &clean["risk"]), (Some("confirmed"), &Value::Null), "{clean}");

    let (_, held) = post(&app, "/api/v1/orders", &s.merchant_a_key, risky("#risky")).await;
    assert_eq!(held["status"], "on_hold", "{held}");
    let hold =
        held["holds"].as_array().unwrap().iter().find(|h| h["code"] == "risk_review").cloned().unwrap();
    let message = hold["message"].as_str().unwrap();
    assert!(message.contains("risk score 70 reaches 60"), "{message}");
    assert!(message.contains("billing country US differs from shipping country GB (+30)"), "{message}");
    assert!(message.contains("reshipper or forwarder '4315 NW 7th St' (+40)"), "{message}");
    assert_eq!(
        (held["risk"]["score"].as_i64(), held["risk"]["held"].as_bool()),
        (Some(70), Some(true)),
        "{held}"
    );

    // Below the threshold nothing slows: one rule fired, the order goes on, the score is kept.
    let mut mismatch = lamp_order("#abroad", 1);
    mismatch["billing_country"] = json!("FR");
    let (_, abroad) = post(&app, "/api/v1/orders", &s.merchant_a_key, mismatch).await;
    assert_eq!(
        (abroad["status"].as_str(), abroad["risk"]["score"].as_i64()),
        (Some("confirmed"), Some(30)),
        "{abroad}"
    );

    // Several orders to one address in a short time: the fifth is more than 3 within 24 h.
    for n in 0..4 {
        let mut o = lamp_order(&format!("#v{n}"), 1);
        o["buyer"]["email"] = json!(format!("v{n}@example.org"));
        o["buyer"]["phone"] = json!(format!("020 7946 09{n:02}"));
        o["shipping_address"]["line1"] = json!("9 Velocity Row");
        let (_, v) = post(&app, "/api/v1/orders", &s.merchant_a_key, o).await;
        let fired: Vec<&str> = v["risk"]["rules"]
            .as_array()
            .map(|r| r.iter().filter_map(|x| x["rule"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(fired.contains(&"velocity"), n == 3, "order {n}: {v}");
    }

    // A blocked e-mail holds on its own; an unknown billing country is refused outright.
    crate::orders::settings(&app, &s.admin_key, json!({"risk": {"blocked_emails": ["mallory@example.com"]}}))
        .await;
    let mut blocked = lamp_order("#blocked", 1);
    blocked["buyer"]["email"] = json!("Mallory@Example.com");
    let (_, b) = post(&app, "/api/v1/orders", &s.merchant_a_key, blocked).await;
    assert_eq!(b["status"], "on_hold", "{b}");
    assert!(
        b["risk"]["rules"].as_array().unwrap().iter().any(|r| r["rule"] == "blocked" && r["weight"] == 100),
        "{b}"
    );
    let mut bad = lamp_order("#bad", 1);
    bad["billing_country"] = json!("Narnia");
    let (status, refused) = post(&app, "/api/v1/orders", &s.merchant_a_key, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(crate::helpers::field(&refused), "billing_country", "{refused}");
    let (status, _) = call_settings(&app, &s.admin_key, json!({"risk": {"weights": {"astrology": 5}}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn call_settings(app: &TestApp, key: &str, patch: Value) -> (StatusCode, Value) {
    crate::helpers::call(app, reqwest::Method::PATCH, "/api/v1/settings", key, Some(patch)).await
}

async fn decisions_on_held_orders_are_counted_per_rule(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 50).await;
    crate::orders::settings(&app, &s.admin_key, json!({"risk": {"reshippers": ["4315 NW 7th St"]}})).await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let (_, o) = post(&app, "/api/v1/orders", &s.merchant_a_key, risky(&format!("#r{n}"))).await;
        assert_eq!(o["status"], "on_hold", "{o}");
        ids.push(o["id"].as_str().unwrap().to_string());
    }
    let (status, released) =
        post(&app, &format!("/api/v1/orders/{}/release_hold", ids[0]), &s.admin_key, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{released}");
    assert_eq!(released["risk"]["decision"], "released", "{released}");
    let (status, _) = post(
        &app,
        &format!("/api/v1/orders/{}/reject", ids[1]),
        &s.admin_key,
        json!({"reason": "card testing"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (status, report) = get(&app, "/api/v1/risk/outcomes?days=30", &s.admin_key).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let rule =
        |name: &str| report["items"].as_array().unwrap().iter().find(|r| r["rule"] == name).cloned().unwrap();
    for name in ["country_mismatch", "reshipper"] {
        let r = rule(name);
        let got: Vec<i64> = ["fired", "held", "released", "rejected", "pending"]
            .iter()
            .map(|k| r[k].as_i64().unwrap())
            .collect();
        assert_eq!(got, [3, 3, 1, 1, 1], "{name}: {r}");
    }
    assert_eq!(rule("blocked")["fired"], 0);
    assert_eq!(get(&app, "/api/v1/risk/outcomes", &s.merchant_a_key).await.0, StatusCode::FORBIDDEN);
}
