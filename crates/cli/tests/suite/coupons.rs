//! Compensation by coupon (EXC-5): a granted `coupon` request gives the buyer a code worth the
//! operator's rule for the reason (or the amount granted, within the person's limit), tells them,
//! and the code takes at most its value off one later order of the same buyer, once.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests};

use crate::helpers::{get, post};
use crate::returns::mugs_and_pen_shipped;
use crate::warehouse::{floor, order, stock_bin};

db_tests!(a_coupon_given_as_compensation_is_told_to_the_buyer_and_used_once);

fn with_coupon(id: &str, code: &str, off: i64) -> Value {
    let mut o = order(id, &[("PEN", 1)]);
    o["discounts"] = json!([{"code": code, "amount_minor": off}]);
    o["total_minor"] = json!(1800 - off);
    o["paid_minor"] = json!(1800 - off);
    o
}

async fn a_coupon_given_as_compensation_is_told_to_the_buyer_and_used_once(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 5, "A-01-01-1-1").await;
    stock_bin(&app, &f, "PEN", 5, "A-01-01-1-2").await;
    let policy =
        json!({"category": "home", "market": "GB", "window_days": 30, "allowed": ["coupon", "refund_only"]});
    let (status, body) = post(&app, "/api/v1/aftersales-policies", &f.s.admin_key, policy).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let shipped = mugs_and_pen_shipped(&app, &f, "#late-mugs").await;
    let ask = json!({"order_id": shipped, "request_type": "coupon", "reason": "logistics",
                     "description": "two weeks late", "lines": [{"sku": "MUG", "quantity": 2}]});
    let (status, filed) = post(&app, "/api/v1/aftersales-requests", &f.s.merchant_a_key, ask).await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let cs = app.staff_key(&f.s, "customer_service").await;
    let path = format!("/api/v1/aftersales-requests/{}/decision", filed["id"].as_str().unwrap());
    let (status, granted) = post(&app, &path, &cs, json!({"decision": "approve"})).await;
    assert_eq!((status, granted["status"].as_str()), (StatusCode::OK, Some("completed")), "{granted}");
    let coupon = &granted["coupon"];
    assert_eq!(
        coupon["amount_minor"], 200,
        "10% of the goods for a late parcel, by the operator's rule: {granted}"
    );
    let code = coupon["code"].as_str().unwrap().to_string();
    assert!(code.starts_with("TPC-"), "{code}");
    let (_, again) =
        get(&app, &format!("/api/v1/aftersales-requests/{}", filed["id"].as_str().unwrap()), &cs).await;
    assert_eq!(again["coupon"]["code"], code.as_str(), "{again}");

    // The buyer is told the code, and it is listed for the merchant that gave it only.
    let sink = tradeport_testkit::SmtpSink::start().await;
    let mailer = app.app.clone().with_mailer(
        tradeport_connectors::mail::SmtpMailer::new(&sink.url, "Acme <orders@acme.example>").unwrap(),
    );
    let told = crate::warehouse::short_picks::mails_about(&mailer, &sink, "A coupon for you").await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].1.contains(&code) && told[0].1.contains("2.00"), "{}", told[0].1);
    let (_, mine) = get(&app, "/api/v1/coupons?buyer_email=ada@example.com", &f.s.merchant_a_key).await;
    assert_eq!(mine["items"][0]["code"], code.as_str(), "{mine}");
    let (_, theirs) = get(&app, "/api/v1/coupons?buyer_email=ada@example.com", &f.s.merchant_b_key).await;
    assert_eq!(theirs["items"], json!([]), "merchant B gave none");

    // Used on a later order: at most its value, once.
    let (status, body) =
        post(&app, "/api/v1/orders", &f.s.merchant_a_key, with_coupon("#next-1", &code, 201)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body.to_string().contains("discounts[0].code") && body.to_string().contains("at most 200"),
        "{body}"
    );
    let (status, used) =
        post(&app, "/api/v1/orders", &f.s.merchant_a_key, with_coupon("#next-2", &code, 200)).await;
    assert_eq!(status, StatusCode::CREATED, "{used}");
    let (status, retried) =
        post(&app, "/api/v1/orders", &f.s.merchant_a_key, with_coupon("#next-2", &code, 200)).await;
    assert_eq!(
        (status, &retried["id"]),
        (StatusCode::OK, &used["id"]),
        "a retry is the same order: {retried}"
    );
    let (_, listed) = get(&app, "/api/v1/coupons?buyer_email=ada@example.com", &cs).await;
    assert_eq!(listed["items"][0]["redeemed_order_id"], used["id"], "{listed}");
    let (status, body) =
        post(&app, "/api/v1/orders", &f.s.merchant_a_key, with_coupon("#next-3", &code, 100)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("used already"), "{body}");
    // Cancelled, the order gives its coupon back for another.
    let path = format!("/api/v1/orders/{}/cancel", used["id"].as_str().unwrap());
    let (status, body) =
        post(&app, &path, &f.s.admin_key, json!({"reason": "the buyer changed their mind"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) =
        post(&app, "/api/v1/orders", &f.s.merchant_a_key, with_coupon("#next-5", &code, 200)).await;
    assert_eq!(status, StatusCode::CREATED, "the coupon is free again: {body}");
    // A channel's own discount code is the channel's business.
    let (status, body) =
        post(&app, "/api/v1/orders", &f.s.merchant_a_key, with_coupon("#next-4", "SUMMER10", 100)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}
