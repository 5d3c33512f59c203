//! The monthly exception report (EXC-7) through the API and the page: a closed case counted by
//! type and cause with its time to resolve, a request and its refund, a supervisor's improvement
//! action; the same figures as CSV (with a byte-order mark) and as a PDF read back; a merchant
//! sees only its own.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tradeport_testkit::{TestApp, db_tests};

use crate::helpers::{call, get, post, signed_in};
use crate::returns::{mugs_and_pen_shipped, uk_policy};
use crate::warehouse::{floor, pdf_text, stock_bin};

db_tests!(the_month_s_exceptions_are_counted_by_type_and_cause_with_refunds_and_improvement_actions);

async fn the_month_s_exceptions_are_counted_by_type_and_cause_with_refunds_and_improvement_actions(
    app: TestApp,
) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 3, "A-01-01-1-1").await;
    stock_bin(&app, &f, "PEN", 3, "A-01-01-1-2").await;
    uk_policy(&app, &f).await;
    let order = mugs_and_pen_shipped(&app, &f, "#rep-1").await;
    let admin = f.s.admin_key.clone();
    let cause = json!({"code": "carrier_damage", "label": "Damaged by the carrier"});
    assert_eq!(post(&app, "/api/v1/case-causes", &admin, cause).await.0, StatusCode::OK);
    let case = json!({"order_id": order, "case_type": "damaged", "description": "the mug arrived broken"});
    let (status, opened) = post(&app, "/api/v1/exception-cases", &admin, case).await;
    assert_eq!(status, StatusCode::OK, "{opened}");
    let path = format!("/api/v1/exception-cases/{}", opened["case"]["id"].as_str().unwrap());
    let work = json!({"cause_code": "carrier_damage", "action": "claim filed with the carrier",
                      "result": "refunded the mug", "close": true});
    let (status, closed) = call(&app, Method::PATCH, &path, &admin, Some(work)).await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    let request = json!({"order_id": order, "request_type": "refund_only", "reason": "quality",
                         "lines": [{"sku": "PEN", "quantity": 1}]});
    let (_, filed) = post(&app, "/api/v1/aftersales-requests", &f.s.merchant_a_key, request).await;
    let decision = format!("/api/v1/aftersales-requests/{}/decision", filed["id"].as_str().unwrap());
    let (status, _) = post(&app, &decision, &admin, json!({"decision": "approve"})).await;
    assert_eq!(status, StatusCode::OK);

    // The supervision group's action: supervisors only.
    let agent = app.staff_key(&f.s, "customer_service").await;
    let action = json!({"month": "2026-11", "action": "pack mugs in double-wall boxes"});
    assert_eq!(
        post(&app, "/api/v1/reports/exceptions/actions", &agent, action.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    let supervisor = app.staff_key(&f.s, "supervisor").await;
    let (status, body) =
        post(&app, "/api/v1/reports/exceptions/actions", &supervisor, json!({"month": "Nov", "action": "x"}))
            .await;
    assert_eq!((status, crate::helpers::field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "month"), "{body}");
    let month = app.app.now();
    let month = jiff::Timestamp::from_millisecond(month.0).unwrap().strftime("%Y-%m").to_string();
    let action = json!({"month": month, "action": "pack mugs in double-wall boxes"});
    let (status, body) = post(&app, "/api/v1/reports/exceptions/actions", &supervisor, action).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, r) = get(&app, &format!("/api/v1/reports/exceptions?month={month}"), &admin).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!((r["cases_opened"].as_i64(), r["cases_closed"].as_i64()), (Some(1), Some(1)), "{r}");
    assert_eq!(r["by_type"], json!([{"key": "damaged", "count": 1}]));
    assert_eq!(r["top_causes"], json!([{"key": "carrier_damage", "count": 1}]));
    assert!(
        r["mean_hours_to_resolve"].as_f64().is_some_and(|h| (0.0..1.0).contains(&h)),
        "closed at once: {r}"
    );
    assert_eq!(
        (r["requests"].as_i64(), r["refunds_paid"].clone()),
        (Some(1), json!(["18.00 GBP"])),
        "pen and shipping: {r}"
    );
    assert_eq!(r["improvement_actions"][0]["action"], "pack mugs in double-wall boxes");
    let (_, theirs) =
        get(&app, &format!("/api/v1/reports/exceptions?month={month}"), &f.s.merchant_b_key).await;
    assert_eq!(
        (theirs["cases_opened"].as_i64(), theirs["requests"].as_i64()),
        (Some(0), Some(0)),
        "{theirs}"
    );
    assert_eq!(theirs["merchant_id"], f.s.merchant_b.id.to_string(), "a merchant's own report");
    let (status, _) = get(&app, "/api/v1/reports/exceptions?month=2026-13", &admin).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let res = app
        .client
        .get(app.url(&format!("/api/v1/reports/exceptions.csv?month={month}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with('\u{feff}'), "a byte-order mark for spreadsheets");
    assert!(csv.contains("case_type,damaged,1") && csv.contains("top_cause,carrier_damage,1"), "{csv}");
    let pdf = pdf_text(&app, &admin, &format!("/api/v1/reports/exceptions.pdf?month={month}")).await;
    assert!(pdf.contains("Exception report") && pdf.contains("damaged: 1"), "{pdf}");
    assert!(pdf.contains("double-wall boxes"), "the action is printed: {pdf}");

    let (client, _) = signed_in(&app, &f.s.admin_email).await;
    let page =
        client.get(app.url(&format!("/reports?month={month}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"causes-chart\"") && page.contains("carrier_damage"), "the chart of causes");
    assert!(page.contains("double-wall boxes") && page.contains("18.00 GBP"));
}
