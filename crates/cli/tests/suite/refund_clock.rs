//! The refund's clock (AFS-4): money granted is owed within 3 business days, on the clock from the
//! grant until the refund is through; a refund the provider cannot pay keeps it running, and the
//! follow-up queue shows it.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests};

use crate::helpers::{code, get, post};
use crate::returns::{mugs_and_pen_shipped, uk_policy};
use crate::warehouse::{floor, stock_bin};

db_tests!(
    a_granted_refund_is_on_the_clock_until_it_is_paid_or_no_longer_owed,
    the_refund_limit_a_merchants_agreement_promises_is_its_refund_clocks,
);

/// The newest refund clock among the order's (one per request granted money).
fn refund_clock(order: &Value) -> Option<&Value> {
    order["clocks"].as_array()?.iter().rev().find(|c| c["step"] == "refund")
}

async fn a_granted_refund_is_on_the_clock_until_it_is_paid_or_no_longer_owed(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 5, "A-01-01-1-1").await;
    stock_bin(&app, &f, "PEN", 5, "A-01-01-1-2").await;
    uk_policy(&app, &f).await;
    let order = mugs_and_pen_shipped(&app, &f, "#clock-1").await;
    let file = |method: &str| {
        json!({"order_id": order, "request_type": "refund_only", "reason": "quality", "refund_method": method,
               "lines": [{"sku": "PEN", "quantity": 1}]})
    };
    let (status, by_card) =
        post(&app, "/api/v1/aftersales-requests", &f.s.merchant_a_key, file("original")).await;
    assert_eq!(status, StatusCode::CREATED, "{by_card}");
    let id = by_card["id"].as_str().unwrap();
    let order_path = format!("/api/v1/orders/{order}");
    let (_, before) = get(&app, &order_path, &f.s.admin_key).await;
    assert!(refund_clock(&before).is_none(), "nothing is owed before a grant: {before}");

    // Granted, but the order's payment cannot be refunded here (no provider): the money is owed.
    let decision = format!("/api/v1/aftersales-requests/{id}/decision");
    let decide = |body: Value| post(&app, &decision, &f.s.admin_key, body);
    let (status, body) = decide(json!({"decision": "approve"})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "refund.no_provider"), "{body}");
    let (_, owed) = get(&app, &order_path, &f.s.admin_key).await;
    let clock = refund_clock(&owed).unwrap_or_else(|| panic!("the grant starts the refund's clock: {owed}"));
    let started = clock["started_at"].as_i64().unwrap();
    assert_eq!(clock["due_at"].as_i64(), Some(started + 3 * 86_400_000), "3 days, no calendar: {clock}");
    assert!(clock["stopped_at"].is_null(), "{clock}");
    let (_, due) = get(&app, "/api/v1/sla/due?within_minutes=10080", &f.s.admin_key).await;
    let listed = due["items"].as_array().unwrap();
    assert!(
        listed.iter().any(|d| d["order_id"] == order.as_str() && d["step"] == "refund"),
        "the follow-up queue shows the owed refund: {due}"
    );
    // Asked again, it keeps its first start.
    let (status, _) = decide(json!({"decision": "approve"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, again) = get(&app, &order_path, &f.s.admin_key).await;
    assert_eq!(refund_clock(&again).unwrap()["started_at"].as_i64(), Some(started), "{again}");

    // No longer owed once rejected.
    let (status, rejected) = decide(json!({"decision": "reject", "note": "the buyer withdrew it"})).await;
    assert_eq!((status, rejected["status"].as_str()), (StatusCode::OK, Some("rejected")), "{rejected}");
    let (_, settled) = get(&app, &order_path, &f.s.admin_key).await;
    let stopped = refund_clock(&settled).unwrap()["stopped_at"].as_i64();
    let stopped = stopped.unwrap_or_else(|| panic!("the rejection stops it: {settled}"));

    // A second request's grant has its own clock, stopped at once by the store credit paid.
    let (status, credit) =
        post(&app, "/api/v1/aftersales-requests", &f.s.merchant_a_key, file("store_credit")).await;
    assert_eq!(status, StatusCode::CREATED, "{credit}");
    let path = format!("/api/v1/aftersales-requests/{}/decision", credit["id"].as_str().unwrap());
    let (status, paid) = post(&app, &path, &f.s.admin_key, json!({"decision": "approve"})).await;
    assert_eq!((status, paid["status"].as_str()), (StatusCode::OK, Some("completed")), "{paid}");
    let (_, done) = get(&app, &order_path, &f.s.admin_key).await;
    let clock = refund_clock(&done).unwrap();
    assert!(clock["started_at"].as_i64().unwrap() >= stopped, "started again at the grant: {clock}");
    assert!(clock["stopped_at"].is_i64() && clock["late_by_ms"].is_null(), "paid in time: {clock}");
    let (_, due) = get(&app, "/api/v1/sla/due?within_minutes=10080", &f.s.admin_key).await;
    assert!(!due.to_string().contains("\"refund\""), "nothing owed any more: {due}");
}

/// #14: a merchant's agreement may promise a refund sooner than the operator's 3 working days; the
/// refund clocks of its requests run to that promise.
async fn the_refund_limit_a_merchants_agreement_promises_is_its_refund_clocks(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 5, "A-01-01-1-1").await;
    stock_bin(&app, &f, "PEN", 5, "A-01-01-1-2").await;
    uk_policy(&app, &f).await;
    let order = mugs_and_pen_shipped(&app, &f, "#clock-2").await;
    let fees = json!({"currency": "GBP", "inbound_per_carton_minor": 150, "inbound_per_pallet_minor": 1200,
        "storage_basis": "cubic_metre", "storage_tiers": [{"from_day": 0, "per_unit_day_minor": 100}],
        "pick_pack_per_order_minor": 120, "pick_pack_per_extra_item_minor": 30, "packaging_minor": {},
        "label_per_parcel_minor": 10, "return_per_parcel_minor": 250, "disposal_per_return_minor": 100, "carrier_markup_bp": 1000});
    let today = jiff::Zoned::now().date().to_string();
    let agreement = json!({"merchant_id": f.s.merchant_a.id.to_string(), "valid_from": today, "fees": fees,
        "promised_limits": [{"step": "refund", "minutes": 1440, "urgent_minutes": 1440}]});
    let (status, signed) = post(&app, "/api/v1/agreements", &f.s.admin_key, agreement).await;
    assert_eq!(status, StatusCode::CREATED, "{signed}");
    let claim = json!({"order_id": order, "request_type": "refund_only", "reason": "quality", "refund_method": "original",
                       "lines": [{"sku": "PEN", "quantity": 1}]});
    let (status, filed) = post(&app, "/api/v1/aftersales-requests", &f.s.merchant_a_key, claim).await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let decision = format!("/api/v1/aftersales-requests/{}/decision", filed["id"].as_str().unwrap());
    let (status, body) = post(&app, &decision, &f.s.admin_key, json!({"decision": "approve"})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "refund.no_provider"), "{body}");
    let (_, owed) = get(&app, &format!("/api/v1/orders/{order}"), &f.s.admin_key).await;
    let clock = refund_clock(&owed).unwrap_or_else(|| panic!("the grant starts the refund's clock: {owed}"));
    let started = clock["started_at"].as_i64().unwrap();
    assert_eq!(clock["limit_ms"].as_i64(), Some(86_400_000), "the day the agreement promises: {clock}");
    assert_eq!(clock["due_at"].as_i64(), Some(started + 86_400_000), "one day, no calendar: {clock}");
}
