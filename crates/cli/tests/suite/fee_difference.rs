//! A service changed before hand-over re-reviews the fee (EXC-4): a dearer service holds the order
//! for the buyer to pay the difference; a cheaper one gives back what was paid for the dearer one,
//! once, at most the shipping fee.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tradeport_testkit::{TestApp, db_tests, lamp_order};

use crate::helpers::{call, get, post};
use crate::orders::settings;

db_tests!(a_cheaper_service_gives_back_the_fee_difference_and_a_dearer_one_waits_for_it);

async fn a_cheaper_service_gives_back_the_fee_difference_and_a_dearer_one_waits_for_it(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let (_, current) = get(&app, "/api/v1/settings", &s.admin_key).await;
    let mut levels = current["service_levels"].clone();
    for l in levels.as_array_mut().unwrap() {
        let least = match l["code"].as_str() {
            Some("express") => 800,
            Some("standard") => 300,
            _ => continue,
        };
        l["min_shipping_fees"] = json!({"GBP": least});
    }
    settings(&app, &s.admin_key, json!({"service_levels": levels})).await;
    let mut express = lamp_order("#fee-1", 1);
    express["service_level"] = json!("express");
    let (status, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, express).await;
    assert_eq!((status, order["status"].as_str()), (StatusCode::CREATED, Some("confirmed")), "{order}");
    let id = order["id"].as_str().unwrap();
    let path = format!("/api/v1/orders/{id}/service-level");
    let change = |level: &str| {
        let body =
            json!({"service_level": level, "reason": "the buyer is in no hurry", "buyer_agreed": true});
        call(&app, Method::PUT, &path, &s.admin_key, Some(body))
    };
    let (status, cheaper) = change("standard").await;
    assert_eq!(status, StatusCode::OK, "{cheaper}");
    let changed =
        cheaper["events"].as_array().unwrap().iter().find(|e| e["kind"] == "buyer_request_changed").unwrap();
    assert_eq!(changed["data"]["fee_refund_minor"], 500, "{changed}");
    let (_, refunds) = get(&app, &format!("/api/v1/orders/{id}/refunds"), &s.admin_key).await;
    assert_eq!(
        (refunds["refunded_minor"].as_i64(), refunds["items"][0]["method"].as_str()),
        (Some(500), Some("store_credit")),
        "8.00 paid for express, standard needs 3.00: 5.00 back: {refunds}"
    );
    // The same change again changes nothing and pays nothing more.
    let (status, _) = change("standard").await;
    assert_eq!(status, StatusCode::OK);
    let (_, refunds) = get(&app, &format!("/api/v1/orders/{id}/refunds"), &s.admin_key).await;
    assert_eq!(refunds["refunded_minor"].as_i64(), Some(500), "{refunds}");
    // Back to express, the buyer has 3.00 of its fee left: the difference is owed again, and going
    // cheaper once more gives back nothing more than what is left.
    let (status, back) = change("express").await;
    assert_eq!(
        (status, back["status"].as_str(), back["holds"][0]["code"].as_str()),
        (StatusCode::OK, Some("on_hold"), Some("service_not_paid")),
        "{back}"
    );
    let (status, _) = change("standard").await;
    assert_eq!(status, StatusCode::OK);
    let (_, refunds) = get(&app, &format!("/api/v1/orders/{id}/refunds"), &s.admin_key).await;
    assert_eq!(refunds["refunded_minor"].as_i64(), Some(500), "never more than the fee paid: {refunds}");

    // A dearer service waits for the buyer to pay the difference.
    let mut standard = lamp_order("#fee-2", 1);
    standard["shipping_fee_minor"] = json!(300);
    standard["total_minor"] = json!(2800);
    standard["paid_minor"] = json!(2800);
    let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, standard).await;
    let body =
        json!({"service_level": "express", "reason": "the buyer wants it sooner", "buyer_agreed": true});
    let path = format!("/api/v1/orders/{}/service-level", order["id"].as_str().unwrap());
    let (status, dearer) = call(&app, Method::PUT, &path, &s.admin_key, Some(body)).await;
    assert_eq!(
        (status, dearer["status"].as_str(), dearer["holds"][0]["code"].as_str()),
        (StatusCode::OK, Some("on_hold"), Some("service_not_paid")),
        "{dearer}"
    );
}
