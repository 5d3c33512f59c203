//! Monthly billing (#14): a merchant with known receipts, days of stock, an order shipped in two
//! parcels and a return destroyed, all last month, gets a statement equal to the hand-computed
//! total to the minor unit; a second run changes nothing; a credit is a line of its own; another
//! merchant sees none of it; a month not over is a draft.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests};

use crate::helpers::{code, field, get, pdf_text, post, signed_in};
use crate::returns::{delivered, mugs_and_pen_shipped, uk_policy};
use crate::warehouse::{floor, stock_bin};

db_tests!(
    a_months_statement_equals_the_hand_computed_total_and_is_filed_once,
    a_statement_names_the_skus_in_stock_without_dimensions,
);

/// Noon (UTC) on the 10th of last month, and that month as `YYYY-MM`, and its length in days.
fn last_month(now_ms: i64) -> (i64, String, i64) {
    let today = jiff::Timestamp::from_millisecond(now_ms).unwrap().to_zoned(jiff::tz::TimeZone::UTC).date();
    let first = today.first_of_month().checked_sub(jiff::Span::new().months(1)).unwrap();
    let tenth = first.checked_add(jiff::Span::new().days(9)).unwrap();
    let noon = tenth.at(12, 0, 0, 0).to_zoned(jiff::tz::TimeZone::UTC).unwrap().timestamp().as_millisecond();
    (noon, first.strftime("%Y-%m").to_string(), i64::from(first.days_in_month()))
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&mut *conn).await.unwrap()
}

async fn run(app: &TestApp, sql: &str, at: i64) {
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).bind(at).execute(&mut *conn).await.unwrap();
}

/// `value × n / d` rounded half away from zero (as a statement rounds each line).
fn rounded(value: i64, n: i64, d: i64) -> i64 {
    (value * n + d / 2) / d
}

fn amounts(statement: &Value, kind: &str) -> Vec<i64> {
    statement["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] == kind)
        .map(|l| l["amount_minor"].as_i64().unwrap())
        .collect()
}

async fn a_months_statement_equals_the_hand_computed_total_and_is_filed_once(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 10, "A-01-01-1-1").await;
    stock_bin(&app, &f, "PEN", 10, "A-01-01-1-2").await;
    uk_policy(&app, &f).await;
    let order = mugs_and_pen_shipped(&app, &f, "BILL-1").await;
    delivered(&app, &order, 2).await;
    // A pen comes back and is destroyed.
    let claim = json!({"order_id": order, "request_type": "return_and_refund", "reason": "quality",
                       "description": "the pen leaks", "lines": [{"sku": "PEN", "quantity": 1}]});
    let (status, filed) = post(&app, "/api/v1/aftersales-requests", &f.s.merchant_a_key, claim).await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let request = filed["id"].as_str().unwrap();
    let (status, _) = post(
        &app,
        &format!("/api/v1/aftersales-requests/{request}/decision"),
        &f.s.admin_key,
        json!({"decision": "approve"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) =
        post(&app, "/api/v1/returns/receive", &f.s.admin_key, json!({"rma_no": filed["rma_no"]})).await;
    assert_eq!(status, StatusCode::OK);
    let destroy = json!({"intact": false, "original_item": true, "resaleable": false, "disposition": "destroy",
                         "reason": "ink everywhere"});
    let (status, done) =
        post(&app, &format!("/api/v1/aftersales-requests/{request}/inspection"), &f.s.admin_key, destroy)
            .await;
    assert_eq!(status, StatusCode::OK, "{done}");

    // Everything happened at noon on the 10th of last month.
    let (noon, month, days) = last_month(app.app.now().0);
    run(&app, "UPDATE stock_movements SET at = $1", noon).await;
    run(&app, "UPDATE shipments SET created_at = $1", noon).await;
    run(&app, "UPDATE events SET at = $1 WHERE kind IN ('asn_received', 'aftersales_return_received', 'aftersales_return_inspected')", noon).await;

    let a = f.s.merchant_a.id.to_string();
    let boxes = scalar(&app, "SELECT COUNT(*) FROM packages WHERE box_code IS NOT NULL").await;
    let box_codes: Vec<String> = {
        let mut conn = app.app.db().read().await.unwrap();
        sqlx::query_scalar("SELECT DISTINCT box_code FROM packages WHERE box_code IS NOT NULL")
            .fetch_all(&mut *conn)
            .await
            .unwrap()
    };
    let carrier = scalar(&app, "SELECT CAST(SUM(price_minor) AS BIGINT) FROM shipments").await;
    let pallets = scalar(&app, "SELECT CAST(SUM(pallets) AS BIGINT) FROM asns").await;
    let packaging: serde_json::Map<String, Value> =
        box_codes.iter().map(|c| (c.clone(), json!(40))).collect();
    let fees = json!({"currency": "GBP", "inbound_per_carton_minor": 150, "inbound_per_pallet_minor": 1200,
        "storage_basis": "cubic_metre", "storage_tiers": [{"from_day": 0, "per_unit_day_minor": 100}, {"from_day": 10, "per_unit_day_minor": 200}],
        "pick_pack_per_order_minor": 120, "pick_pack_per_extra_item_minor": 30, "packaging_minor": packaging,
        "label_per_parcel_minor": 10, "return_per_parcel_minor": 250, "disposal_per_return_minor": 100, "carrier_markup_bp": 1000});
    let agreement = json!({"merchant_id": a, "valid_from": format!("{month}-01"), "fees": fees,
        "promised_limits": [{"step": "first_review", "minutes": 60, "urgent_minutes": 30}]});

    // Finance and admins set it, with each wrong field named; a merchant cannot.
    let (status, _) = post(&app, "/api/v1/agreements", &f.s.merchant_a_key, agreement.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut bad = agreement.clone();
    bad["fees"]["currency"] = json!("pounds");
    bad["valid_from"] = json!("1 Nov");
    let (status, body) = post(&app, "/api/v1/agreements", &f.s.admin_key, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let named: Vec<&str> =
        body["error"]["fields"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(named, ["valid_from", "fees.currency"], "{body}");
    let finance = app.staff_key(&f.s, "finance").await;
    let (status, signed) = post(&app, "/api/v1/agreements", &finance, agreement).await;
    assert_eq!(status, StatusCode::CREATED, "{signed}");
    let (_, mine) = get(&app, "/api/v1/agreements", &f.s.merchant_a_key).await;
    assert_eq!(mine["items"][0]["id"], signed["id"], "a merchant reads its own agreement");
    let (_, theirs) = get(&app, "/api/v1/agreements", &f.s.merchant_b_key).await;
    assert_eq!(theirs["items"], json!([]));

    // The time limits it promises are the merchant's orders' from now on.
    let limit = |order: Value| {
        order["clocks"].as_array().unwrap().iter().find(|c| c["step"] == "first_review").unwrap()["limit_ms"]
            .as_i64()
    };
    let (_, before) = get(&app, &format!("/api/v1/orders/{order}"), &finance).await;
    assert_eq!(limit(before), Some(7_200_000), "the operator's 2 hours before the agreement");
    let promised = crate::warehouse::confirmed_order(&app, &f, "BILL-2", &[("MUG", 1)]).await;
    let (_, after) = get(&app, &format!("/api/v1/orders/{promised}"), &finance).await;
    assert_eq!(limit(after), Some(3_600_000), "the 60 minutes the agreement promises");

    let path = format!("/api/v1/statements/{a}/{month}");
    let (status, statement) = get(&app, &path, &finance).await;
    assert_eq!(status, StatusCode::OK, "{statement}");
    assert_eq!(
        (&statement["draft"], &statement["filed_at"]),
        (&json!(false), &Value::Null),
        "over, not filed by reading"
    );
    let (status, _) = post(&app, &format!("{path}/file"), &f.s.merchant_a_key, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a merchant does not file");
    let (status, filed) = post(&app, &format!("{path}/file"), &finance, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{filed}");
    assert!(filed["filed_at"].is_string());
    assert_eq!(filed["lines"], statement["lines"], "filed as it stood");
    let statement = filed;

    // The arithmetic, line by line. MUG 120×100×100 mm = 1200 cm³, PEN 140×10×10 mm = 14 cm³.
    // At the end of the 10th: 10 − 2 mugs and 10 − 1 pens = 8 × 1200 + 9 × 14 = 9726 cm³, every day
    // to the month's end, received on the 10th: ages 0–9 in the first tier, 10 and over in the second.
    let held_days = days - 9;
    let daily = 8 * 1200 + 9 * 14;
    let storage_first = rounded(daily * 10, 100, 1_000_000);
    let storage_second = rounded(daily * (held_days - 10), 200, 1_000_000);
    let expected = [
        ("inbound_carton", vec![2 * 150]), // two notices of one carton
        ("storage", vec![storage_first, storage_second]),
        ("pick_pack_order", vec![120]),         // one order
        ("pick_pack_extra_item", vec![2 * 30]), // 2 mugs + 1 pen: two after the first
        ("label", vec![2 * 10]),                // two parcels (the mugs are fragile)
        ("carrier", vec![carrier + rounded(carrier, 1000, 10_000)]),
        ("return_handling", vec![250]),
        ("disposal", vec![100]),
    ];
    for (kind, wanted) in &expected {
        assert_eq!(amounts(&statement, kind), *wanted, "{kind}: {statement}");
    }
    assert_eq!(amounts(&statement, "packaging").iter().sum::<i64>(), boxes * 40);
    assert_eq!(amounts(&statement, "inbound_pallet").iter().sum::<i64>(), pallets * 1200);
    let total: i64 = expected.iter().flat_map(|(_, v)| v.iter()).sum::<i64>() + boxes * 40 + pallets * 1200;
    assert_eq!(statement["totals_minor"]["GBP"].as_i64(), Some(total), "{statement}");
    let labels = statement["lines"].as_array().unwrap().iter().find(|l| l["kind"] == "label").unwrap();
    assert!(labels["sources"][0].as_str().unwrap().starts_with("YT"), "each line names its facts: {labels}");

    // Filed once: a second filing, a reading, the same statement.
    let (_, again) = post(&app, &format!("{path}/file"), &finance, json!({})).await;
    assert_eq!(again, statement);
    let (_, again) = get(&app, &path, &f.s.merchant_a_key).await;
    assert_eq!(again, statement);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM billing_statements").await, 1);

    // A correction is a credit line; the charged lines stay.
    let (status, body) = post(
        &app,
        &format!("{path}/credits"),
        &finance,
        json!({"amount": "1.00", "currency": "EUR", "reason": "late pick on the 10th"}),
    )
    .await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "currency"), "{body}");
    let credit = json!({"amount": "1.005", "currency": "GBP", "reason": "late pick on the 10th"});
    let (status, body) = post(&app, &format!("{path}/credits"), &finance, credit).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "amount"), "{body}");
    let credit = json!({"amount": "1.00", "currency": "GBP", "reason": "late pick on the 10th"});
    let (status, _) = post(&app, &format!("{path}/credits"), &f.s.merchant_a_key, credit.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, credited) = post(&app, &format!("{path}/credits"), &finance, credit).await;
    assert_eq!(status, StatusCode::OK, "{credited}");
    assert_eq!(credited["totals_minor"]["GBP"].as_i64(), Some(total - 100));
    assert_eq!(
        credited["lines"].as_array().unwrap()[..statement["lines"].as_array().unwrap().len()],
        statement["lines"].as_array().unwrap()[..]
    );

    // CSV and PDF read back; the merchant sees its own; another merchant nothing.
    let csv = app
        .client
        .get(app.url(&format!("{path}/csv")))
        .bearer_auth(&f.s.merchant_a_key)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    assert!(
        text.lines().any(|r| r.starts_with("disposal,Returns destroyed,1,GBP 1.00,GBP 1.00,GBP,")),
        "{text}"
    );
    assert!(text.lines().any(|r| r.starts_with("credit,")), "{text}");
    let pdf = app.client.get(app.url(&format!("{path}/pdf"))).bearer_auth(&finance).send().await.unwrap();
    let text = pdf_text(&pdf.bytes().await.unwrap());
    assert!(text.contains(&format!("Statement {month}")) && text.contains("Returns destroyed"), "{text}");
    let (status, _) = get(&app, &path, &f.s.merchant_b_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // This month is not over: a draft, not filed.
    let shanghai = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    let this_month = jiff::Timestamp::from_millisecond(app.app.now().0)
        .unwrap()
        .to_zoned(shanghai)
        .strftime("%Y-%m")
        .to_string();
    let (_, draft) = get(&app, &format!("/api/v1/statements/{a}/{this_month}"), &finance).await;
    assert_eq!(draft["draft"], true, "{draft}");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM billing_statements").await, 1);
    let (status, body) = post(
        &app,
        &format!("/api/v1/statements/{a}/{this_month}/credits"),
        &finance,
        json!({"amount": "1.00", "currency": "GBP", "reason": "x"}),
    )
    .await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "statement.not_filed"));
    let (status, body) =
        post(&app, &format!("/api/v1/statements/{a}/{this_month}/file"), &finance, json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "statement.draft"));

    // A quote prices expected volumes the same way.
    let q =
        json!({"fees": signed["fees"], "volumes": {"orders": 100, "units_per_order": 2, "cartons_in": 50}});
    let (status, quoted) = post(&app, "/api/v1/quotes", &finance, q).await;
    assert_eq!(status, StatusCode::OK, "{quoted}");
    // 50 × 1.50 + 100 × 1.20 + 100 × 0.30 + 100 × 0.10 labels
    assert_eq!(quoted["totals"], json!(["GBP 235.00"]), "{quoted}");

    // The page: the statement with its total for staff; a merchant its own, without the forms.
    let (admin, token) = signed_in(&app, &f.s.admin_email).await;
    let page = admin
        .get(app.url(&format!("/billing?merchant_id={a}&month={month}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let shown = page.split("id=\"statement-total\">").nth(1).unwrap().split('<').next().unwrap();
    assert_eq!(shown, format!("GBP {}.{:02}", (total - 100) / 100, (total - 100) % 100), "{page}");
    assert!(page.contains("id=\"agreement-form\"") && page.contains("Returns destroyed"));
    let form = [
        ("csrf_token", token.as_str()),
        ("fees", r#"{"currency": "GBP", "pick_pack_per_order_minor": 125}"#),
        ("orders", "10"),
        ("units_per_order", "1"),
        ("cartons_in", "0"),
        ("stored_m3", "0"),
        ("returns", "0"),
    ];
    let quoted =
        admin.post(app.url("/billing/quote")).form(&form).send().await.unwrap().text().await.unwrap();
    assert!(quoted.contains("id=\"quote-total\">GBP 12.50<"), "{quoted}");
    let (merchant, _) = signed_in(&app, &f.s.merchant_a_email).await;
    let own =
        merchant.get(app.url(&format!("/billing?month={month}"))).send().await.unwrap().text().await.unwrap();
    assert!(own.contains("id=\"statement-total\"") && !own.contains("id=\"agreement-form\""), "{own}");
}

/// #14: storage by volume needs each SKU's dimensions; the statement names the SKUs in stock that
/// have none, on the API and on the page, instead of charging nothing for them in silence.
async fn a_statement_names_the_skus_in_stock_without_dimensions(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 10, "A-01-01-1-1").await;
    let lamp = {
        let mut conn = app.app.db().read().await.unwrap();
        sqlx::query_scalar::<_, String>("SELECT id FROM skus WHERE sku = 'LAMP'")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    };
    let adjustment =
        json!({"sku_id": lamp, "warehouse_id": f.uk, "delta": 4, "reason": "found on the floor"});
    let (status, body) = post(&app, "/api/v1/stock/adjustments", &f.s.admin_key, adjustment).await;
    assert!(status.is_success(), "{body}");
    let (noon, month, _) = last_month(app.app.now().0);
    run(&app, "UPDATE stock_movements SET at = $1", noon).await;
    let a = f.s.merchant_a.id.to_string();
    let finance = app.staff_key(&f.s, "finance").await;
    let (status, statement) = get(&app, &format!("/api/v1/statements/{a}/{month}"), &finance).await;
    assert_eq!(status, StatusCode::OK, "{statement}");
    // The catalogue's camera (in stock from the start) and the lamp have no dimensions; the mug has.
    assert_eq!(statement["unmeasured_skus"], json!(["CAM-1", "LAMP"]), "{statement}");
    let (admin, _) = signed_in(&app, &f.s.admin_email).await;
    let url = app.url(&format!("/billing?merchant_id={a}&month={month}"));
    let page = admin.get(url).send().await.unwrap().text().await.unwrap();
    let notice = page.split("id=\"unmeasured-skus\">").nth(1).unwrap_or_default();
    assert!(notice.contains("no dimensions") && notice.contains("LAMP"), "{page}");
}
