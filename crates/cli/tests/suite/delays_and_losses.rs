//! Delays and lost parcels (EXC-5): a delay case's new estimate is kept and the buyer is told it
//! in their language; a lost parcel's claim needs the proof of loss and is worth each parcel's
//! insured amount where it was insured, else its goods at the order's prices; filed once.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests};

use crate::customs::europe_service;
use crate::helpers::{call, code, post};
use crate::warehouse::{confirmed_order, floor, ready_packages, stock_bin};

db_tests!(a_delay_tells_the_buyer_its_new_estimate_and_a_lost_parcel_is_claimed_once_by_what_it_was_worth);

fn field_code(body: &Value) -> (&str, &str) {
    let f = &body["error"]["fields"][0];
    (f["field"].as_str().unwrap_or_default(), f["code"].as_str().unwrap_or_default())
}

async fn a_delay_tells_the_buyer_its_new_estimate_and_a_lost_parcel_is_claimed_once_by_what_it_was_worth(
    app: TestApp,
) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 5, "A-01-01-1-1").await;
    stock_bin(&app, &f, "PEN", 5, "A-01-01-1-2").await;
    let logistics = app.staff_key(&f.s, "logistics").await;
    let (status, body) = post(&app, "/api/v1/carrier-services", &logistics, europe_service()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let order = confirmed_order(&app, &f, "#late-1", &[("MUG", 2), ("PEN", 1)]).await;
    let packages = ready_packages(&app, &f, &[&order]).await.remove(0).1;

    // The first parcel insured under the operator's cover, at most the goods' value.
    let label = |p: &str, body: Value| {
        let path = format!("/api/v1/packages/{p}/shipment");
        let app = &app;
        let key = f.s.admin_key.clone();
        async move { post(app, &path, &key, body).await }
    };
    let (status, body) = label(&packages[0], json!({"insured_minor": 3001})).await;
    assert_eq!(
        (status, field_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("insured_minor", "out_of_range"))
    );
    let (status, insured) = label(&packages[0], json!({"insured_minor": 500})).await;
    assert_eq!((status, insured["insured_minor"].as_i64()), (StatusCode::OK, Some(500)), "{insured}");
    let (status, plain) = label(&packages[1], json!({})).await;
    assert_eq!((status, plain["insured_minor"].as_i64()), (StatusCode::OK, None), "{plain}");

    let cs = app.staff_key(&f.s, "customer_service").await;
    let open =
        |kind: &str| json!({"order_id": order, "case_type": kind, "description": "no scan for 9 days"});
    let (status, late) = post(&app, "/api/v1/exception-cases", &cs, open("logistics_delay")).await;
    assert_eq!(status, StatusCode::OK, "{late}");
    let late_path = format!("/api/v1/exception-cases/{}", late["case"]["id"].as_str().unwrap());
    let work = |path: String, body: Value| {
        let (app, cs) = (&app, cs.clone());
        async move { call(app, Method::PATCH, &path, &cs, Some(body)).await }
    };
    let (status, body) = work(late_path.clone(), json!({"new_estimate": "next week"})).await;
    assert_eq!(
        (status, field_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("new_estimate", "invalid_date"))
    );
    let (status, body) = work(late_path.clone(), json!({"new_estimate": "2020-01-01"})).await;
    assert_eq!(
        (status, field_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("new_estimate", "invalid_date"))
    );
    let day = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .checked_add(jiff::Span::new().days(5))
        .unwrap();
    let (status, worked) = work(late_path.clone(), json!({"new_estimate": day.to_string()})).await;
    assert_eq!(
        (status, worked["case"]["new_estimate"].as_str()),
        (StatusCode::OK, Some(day.to_string().as_str())),
        "{worked}"
    );
    assert!(worked["actions"][0]["action"].as_str().unwrap().contains("new estimate"), "{worked}");

    // The buyer hears of it, with the day written their way and the parcels to follow.
    let sink = tradeport_testkit::SmtpSink::start().await;
    let mailer = app.app.clone().with_mailer(
        tradeport_connectors::mail::SmtpMailer::new(&sink.url, "Acme <orders@acme.example>").unwrap(),
    );
    let told = crate::warehouse::short_picks::mails_about(&mailer, &sink, "is delayed").await;
    assert_eq!(told.len(), 1, "{told:?}");
    let month = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][usize::from(day.month().unsigned_abs()) - 1];
    assert!(told[0].1.contains(month) && told[0].1.contains(&day.day().to_string()), "{}", told[0].1);
    assert!(told[0].1.contains(insured["tracking_no"].as_str().unwrap()), "{}", told[0].1);

    // A damaged parcel has no estimate; it is not a lost one either.
    let (_, damaged) = post(&app, "/api/v1/exception-cases", &cs, open("damaged")).await;
    let damaged_id = damaged["case"]["id"].as_str().unwrap().to_string();
    let (status, body) =
        work(format!("/api/v1/exception-cases/{damaged_id}"), json!({"new_estimate": day.to_string()})).await;
    assert_eq!(
        (status, field_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("new_estimate", "not_a_delay"))
    );
    let claim = |id: String, key: String| {
        let app = &app;
        async move { post(app, &format!("/api/v1/exception-cases/{id}/loss-claim"), &key, json!({})).await }
    };
    let (status, body) = claim(damaged_id, cs.clone()).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "case.not_claimable"), "{body}");

    // Lost: no claim without the proof; then one claim, worth what each parcel was.
    let (_, lost) = post(&app, "/api/v1/exception-cases", &cs, open("lost")).await;
    let lost_id = lost["case"]["id"].as_str().unwrap().to_string();
    let (status, body) = claim(lost_id.clone(), cs.clone()).await;
    assert_eq!(
        (status, field_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("evidence", "proof_required"))
    );
    let res = app
        .client
        .post(app.url(&format!("/api/v1/exception-cases/{lost_id}/evidence?file_name=trace.jpg")))
        .bearer_auth(&cs)
        .header("content-type", "application/octet-stream")
        .body(crate::warehouse::jpeg(2048))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (status, _) = claim(lost_id.clone(), f.s.merchant_b_key.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a merchant does not file claims");
    let mut conn = app.app.db().read().await.unwrap();
    let uninsured_units: i64 =
        sqlx::query_scalar("SELECT CAST(SUM(qty) AS BIGINT) FROM package_items WHERE package_id = $1")
            .bind(&packages[1])
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    drop(conn);
    let (status, claimed) = claim(lost_id.clone(), cs.clone()).await;
    assert_eq!(status, StatusCode::OK, "{claimed}");
    assert_eq!(
        (claimed["case"]["claim_minor"].as_i64(), claimed["case"]["claim_basis"].as_str()),
        (Some(500 + 1000 * uninsured_units), Some("insured_amount_and_order_value")),
        "the insured parcel at its cover, the other at the order's prices: {claimed}"
    );
    let (status, body) = claim(lost_id, cs.clone()).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "case.claimed"), "{body}");
}
