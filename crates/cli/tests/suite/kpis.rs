//! KPIs from events (KPI-2 … KPI-4) against a hand count: four orders received, two handed over
//! (received 2 h and 4 h before), one damaged case, one complaint, one order completed. The
//! roll-ups kept by the workers' round equal the figures, per department and person too; a second
//! round adds nothing; `tradeport kpi rebuild` agrees with them, names a cell changed by hand and
//! rewrites it; another merchant sees none of it.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests};

use crate::cli::tradeport;
use crate::helpers::{field, get, post};
use crate::returns::{completion, delivered, hand_over_orders, uk_policy};
use crate::warehouse::{confirmed_order, floor, stock_bin};

db_tests!(the_figures_are_the_hand_count_and_the_rebuild_agrees);

/// The workers' round: seal, then roll up.
async fn round(app: &TestApp, operator: tradeport_domain::kernel::TenantId) -> u64 {
    tradeport_app::audit::seal_operator(&app.app, operator, false).await.unwrap();
    tradeport_app::reporting::roll_up(&app.app, operator).await.unwrap()
}

fn kpi<'a>(figures: &'a Value, key: &str) -> &'a Value {
    figures
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == key)
        .unwrap_or_else(|| panic!("{key} in {figures}"))
}

async fn sql(app: &TestApp, statement: &str, id: &str) {
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(statement.to_string())).bind(id).execute(&mut *conn).await.unwrap();
}

async fn the_figures_are_the_hand_count_and_the_rebuild_agrees(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 10, "A-01-01-1-1").await;
    uk_policy(&app, &f).await;
    let operator = f.s.operator.id;
    let mut orders = Vec::new();
    for n in 1..=4 {
        orders.push(confirmed_order(&app, &f, &format!("#k-{n}"), &[("MUG", 1)]).await);
    }
    hand_over_orders(&app, &f, &[&orders[0], &orders[1]]).await;
    // Received 2 h and 4 h before their hand-over.
    for (order, minutes) in [(&orders[0], 120), (&orders[1], 240)] {
        let statement = format!(
            "UPDATE orders SET created_at = (SELECT at FROM events WHERE subject_id = orders.id AND kind = 'order_hand_over') \
             - {} WHERE id = $1",
            minutes * 60_000
        );
        sql(&app, &statement, order).await;
    }
    assert!(round(&app, operator).await > 0);

    // A damaged case on the first, a complaint on the second, which completes.
    let case =
        json!({"order_id": orders[0], "case_type": "damaged", "description": "the mug arrived in pieces"});
    let (status, body) = post(&app, "/api/v1/exception-cases", &f.s.admin_key, case).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    crate::tickets::buyer_writes(&app, &f.s.merchant_a_key, &orders[1], "It took ages", "kpi-form-1").await;
    delivered(&app, &orders[1], 31).await;
    assert_eq!(
        completion(&app, &f.s.admin_key).await,
        1,
        "the second completes; the first has its case open"
    );
    round(&app, operator).await;
    assert_eq!(round(&app, operator).await, 0, "a second round reads nothing new");

    let (status, r) = get(&app, "/api/v1/kpis", &f.s.admin_key).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let figures = &r["figures"];
    // 1 completed of 4 received: 25%.
    let completion_rate = kpi(figures, "completion_rate");
    assert_eq!(
        (completion_rate["numerator"].as_i64(), completion_rate["denominator"].as_i64()),
        (Some(1), Some(4))
    );
    assert_eq!(completion_rate["value"].as_f64(), Some(25.0));
    // (120 + 240) minutes over 2 hand-overs: 3 hours, within the 48-hour target.
    let ship = kpi(figures, "time_to_ship");
    assert_eq!((ship["numerator"].as_i64(), ship["denominator"].as_i64()), (Some(360), Some(2)), "{r}");
    assert_eq!((ship["value"].as_f64(), &ship["meets"]), (Some(3.0), &json!(true)));
    // 1 damaged case of 2 shipped: 50%, over the 0.5% target; the same for exceptions and complaints.
    for key in ["damage_rate", "exception_rate", "complaint_rate"] {
        let k = kpi(figures, key);
        assert_eq!((k["value"].as_f64(), &k["meets"]), (Some(50.0), &json!(false)), "{key}: {k}");
    }
    // Both packages weighed what was picked: 2 of 2 accurate, 100% (target ≥ 99.5%); no after-sales
    // request of the 2 shipped: 0% (target ≤ 3%).
    let accuracy = kpi(figures, "processing_accuracy");
    assert_eq!(
        (accuracy["numerator"].as_i64(), accuracy["denominator"].as_i64(), accuracy["value"].as_f64()),
        (Some(2), Some(2), Some(100.0)),
        "{r}"
    );
    assert_eq!(accuracy["meets"], json!(true));
    let after_sales = kpi(figures, "after_sales_rate");
    assert_eq!((after_sales["value"].as_f64(), &after_sales["meets"]), (Some(0.0), &json!(true)), "{r}");
    // Per department: the warehouse shipped both; customer service owns the case and the complaint.
    let (_, by) = get(&app, "/api/v1/kpis?by=department", &f.s.admin_key).await;
    let group =
        |key: &str| by["groups"].as_array().unwrap().iter().find(|g| g["key"] == key).cloned().unwrap();
    assert_eq!(kpi(&group("warehouse")["figures"], "time_to_ship")["value"].as_f64(), Some(3.0), "{by}");
    // A department's rate is its share of the reach's: customer service's complaint and damaged
    // case over the 2 shipped orders, 50% each; the warehouse's none of them, 0%.
    let service = group("customer_service");
    for key in ["complaint_rate", "damage_rate"] {
        let k = kpi(&service["figures"], key);
        assert_eq!(
            (k["numerator"].as_i64(), k["denominator"].as_i64(), k["value"].as_f64()),
            (Some(1), Some(2), Some(50.0)),
            "{key}: {by}"
        );
        assert_eq!(kpi(&group("warehouse")["figures"], key)["value"].as_f64(), Some(0.0), "{key}: {by}");
    }
    // Drill-down: from a figure to the orders behind it, per side and per group.
    let drill = |path: String, key: String| {
        let app = &app;
        async move { get(app, &path, &key).await }
    };
    let ids = |body: &Value| {
        let mut ids: Vec<String> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["order_id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    let mut shipped = vec![orders[0].clone(), orders[1].clone()];
    shipped.sort();
    let (status, damaged) = drill("/api/v1/kpis/damage_rate/orders".into(), f.s.admin_key.clone()).await;
    assert_eq!(status, StatusCode::OK, "{damaged}");
    assert_eq!(ids(&damaged), vec![orders[0].clone()], "{damaged}");
    assert!(damaged["items"][0]["order_no"].as_str().is_some_and(|n| !n.is_empty()));
    let (_, below) =
        drill("/api/v1/kpis/damage_rate/orders?side=denominator".into(), f.s.admin_key.clone()).await;
    assert_eq!(ids(&below), shipped, "{below}");
    let (_, complaints) =
        drill("/api/v1/kpis/complaint_rate/orders?department=customer_service".into(), f.s.admin_key.clone())
            .await;
    assert_eq!(ids(&complaints), vec![orders[1].clone()], "{complaints}");
    let (_, none) =
        drill("/api/v1/kpis/complaint_rate/orders?department=warehouse".into(), f.s.admin_key.clone()).await;
    assert_eq!(none["items"], json!([]));
    let (_, theirs) = drill("/api/v1/kpis/damage_rate/orders".into(), f.s.merchant_b_key.clone()).await;
    assert_eq!(theirs["items"], json!([]), "another merchant's orders are not behind its figures");
    let (status, _) = drill("/api/v1/kpis/happiness/orders".into(), f.s.admin_key.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) =
        drill("/api/v1/kpis/damage_rate/orders?side=top".into(), f.s.admin_key.clone()).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "side"), "{body}");
    let (browser, _) = crate::helpers::signed_in(&app, &f.s.admin_email).await;
    let kpi_page = browser.get(app.url("/kpis")).send().await.unwrap().text().await.unwrap();
    assert!(kpi_page.contains("href=\"/kpis/damage_rate/orders?"), "the figure links to its orders");
    let page = browser.get(app.url("/kpis/damage_rate/orders")).send().await.unwrap().text().await.unwrap();
    let number = damaged["items"][0]["order_no"].as_str().unwrap();
    assert!(page.contains(number) && page.contains("Damage rate"), "{page}");
    // Per person: whoever handed over (the admin's key here) shipped both.
    let (_, people) = get(&app, "/api/v1/kpis?by=person", &f.s.admin_key).await;
    let shipper = people["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| kpi(&g["figures"], "time_to_ship")["denominator"] == 2)
        .expect("the person who handed over");
    assert!(shipper["key"].as_str().unwrap().starts_with("api_key:"), "{shipper}");
    let (status, refused) = get(&app, "/api/v1/kpis?by=person", &f.s.merchant_a_key).await;
    assert_eq!((status, field(&refused)), (StatusCode::UNPROCESSABLE_ENTITY, "by"), "{refused}");
    let (status, refused) = get(&app, "/api/v1/kpis?from=2026-13-01", &f.s.admin_key).await;
    assert_eq!((status, field(&refused)), (StatusCode::UNPROCESSABLE_ENTITY, "from"), "{refused}");

    // The merchant sees its own (all of it here); another merchant none.
    let (_, mine) = get(&app, "/api/v1/kpis", &f.s.merchant_a_key).await;
    assert_eq!(kpi(&mine["figures"], "time_to_ship")["denominator"], 2, "{mine}");
    let (_, theirs) = get(&app, "/api/v1/kpis", &f.s.merchant_b_key).await;
    assert!(
        theirs["figures"].as_array().unwrap().iter().all(|k| k["numerator"] == 0 && k["value"].is_null()),
        "{theirs}"
    );

    // The rebuild agrees; a cell changed by hand is named, then rewritten.
    let (ok, out, err) = tradeport(&app, &["kpi", "rebuild"]);
    assert!(ok && out.contains(" 0 differences"), "{out}{err}");
    sql(
        &app,
        "UPDATE kpi_daily SET amount = amount + 5 WHERE measure = 'orders_shipped' AND tenant_id = $1",
        &operator.to_string(),
    )
    .await;
    let (ok, out, _) = tradeport(&app, &["kpi", "rebuild"]);
    assert!(!ok && out.contains("orders_shipped") && out.contains("stored 7, events 2"), "{out}");
    let (ok, out, err) = tradeport(&app, &["kpi", "rebuild", "--replace"]);
    assert!(ok && out.contains("replaced"), "{out}{err}");
    let (ok, out, _) = tradeport(&app, &["kpi", "rebuild"]);
    assert!(ok && out.contains(" 0 differences"), "{out}");
    let (_, r) = get(&app, "/api/v1/kpis", &f.s.admin_key).await;
    assert_eq!(kpi(&r["figures"], "time_to_ship")["denominator"], 2);
}
