//! Refunds (AFS-4): twenty refund requests at once for an order paid 100.00, some partial, some
//! retried with the same key, never refund more than was paid and never pay twice (Stripe here is
//! a local server speaking the Refunds API, honouring idempotency keys as Stripe does); store
//! credit and manual refunds; who may refund.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Form;
use axum::http::{HeaderMap, StatusCode};
use reqwest::StatusCode as Status;
use serde_json::json;
use tradeport_app::aftersales::{RefundRequest, refund_order};
use tradeport_connectors::stripe::Stripe;
use tradeport_testkit::{TestApp, db_tests};

use crate::helpers::{code, field, get, post};
use crate::warehouse::{floor, order};

db_tests!(refunds_never_exceed_what_was_paid_and_a_retry_never_pays_twice);

/// Refunds the fake Stripe made, by idempotency key: (refund id, amount).
type Made = Arc<Mutex<HashMap<String, (String, i64)>>>;

/// A local Stripe: `POST /v1/refunds` with the secret key, answering a repeated idempotency key
/// with the refund it made the first time, as Stripe does.
async fn fake_stripe(made: Made) -> String {
    let refunds = move |headers: HeaderMap, Form(form): Form<HashMap<String, String>>| {
        let made = made.clone();
        async move {
            if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer sk_test_refunds") {
                let e = json!({"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}});
                return (StatusCode::UNAUTHORIZED, axum::Json(e));
            }
            let key =
                headers.get("idempotency-key").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
            let amount: i64 = form.get("amount").and_then(|a| a.parse().ok()).unwrap_or(0);
            if form.get("payment_intent").map(String::as_str) == Some("pi_disputed") {
                let e = json!({"error": {"type": "invalid_request_error", "code": "charge_disputed",
                                         "message": "Charge ch_1 has been charged back; cannot issue a refund."}});
                return (StatusCode::BAD_REQUEST, axum::Json(e));
            }
            let (id, amount) = {
                let mut made = made.lock().unwrap();
                let n = made.len();
                made.entry(key).or_insert_with(|| (format!("re_{n:04}"), amount)).clone()
            };
            let refund = json!({"id": id, "object": "refund", "amount": amount, "currency": "gbp", "status": "succeeded",
                                "payment_intent": form.get("payment_intent"), "reason": "requested_by_customer",
                                "metadata": {"refund_id": form.get("metadata[refund_id]")}});
            (StatusCode::OK, axum::Json(refund))
        }
    };
    let router = axum::Router::new().route("/v1/refunds", axum::routing::post(refunds));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

/// An order of merchant A paid 100.00 GBP through Stripe.
async fn paid_order(app: &TestApp, f: &crate::warehouse::Floor, id: &str, intent: &str) -> String {
    let mut body = order(id, &[("PEN", 1)]);
    body["lines"][0]["unit_price_minor"] = json!(9_200);
    body["total_minor"] = json!(10_000);
    body["paid_minor"] = json!(10_000);
    body["payment_reference"] = json!(intent);
    let (status, o) = post(app, "/api/v1/orders", &f.s.merchant_a_key, body).await;
    assert_eq!(status, Status::CREATED, "{o}");
    o["id"].as_str().unwrap().to_string()
}

async fn refunds_never_exceed_what_was_paid_and_a_retry_never_pays_twice(app: TestApp) {
    let f = floor(&app).await;
    let made = Made::default();
    let url = fake_stripe(made.clone()).await;
    let refunding = app.app.clone().with_stripe(Stripe::new(&url, "sk_test_refunds").unwrap());
    let admin = tradeport_app::access::system_principal(f.s.operator.id);
    let order_id = paid_order(&app, &f, "#r1", "pi_3MtwBwLkdIwHu7ix28a3tqPa").await;

    // Ten keys, each asked twice at once: 161.00 asked in all against 100.00 paid.
    let amounts = [2_500, 2_500, 2_500, 2_500, 1_000, 1_000, 500, 500, 3_000, 100];
    let mut asks = tokio::task::JoinSet::new();
    for round in 0..2 {
        for (k, amount) in amounts.iter().enumerate() {
            let (app, admin, order_id) = (refunding.clone(), admin, order_id.clone());
            let r = RefundRequest {
                amount_minor: *amount,
                method: "original".into(),
                reason: format!("partial refund {k}"),
                request_key: format!("key-{k}"),
                manual_reference: None,
            };
            asks.spawn(async move { (k, round, refund_order(&app, &admin, &order_id, &r).await) });
        }
    }
    let mut by_key: HashMap<usize, Vec<String>> = HashMap::new();
    for (k, _, outcome) in asks.join_all().await {
        match outcome {
            Ok(refund) => {
                assert_eq!(refund.status, "succeeded", "{refund:?}");
                by_key.entry(k).or_default().push(refund.id);
            }
            Err(e) => {
                assert!(format!("{e:?}").contains("refund.refused"), "only refused for want of money: {e:?}")
            }
        }
    }
    for (k, ids) in &by_key {
        assert!(ids.iter().all(|id| id == &ids[0]), "key-{k} answered with one refund: {ids:?}");
    }
    let (_, refunds) = get(&app, &format!("/api/v1/orders/{order_id}/refunds"), &f.s.merchant_a_key).await;
    let refunded = refunds["refunded_minor"].as_i64().unwrap();
    assert!(refunded <= 10_000, "never above what was paid: {refunds}");
    assert_eq!(refunds["items"].as_array().unwrap().len(), by_key.len(), "one refund per key");
    let paid_by_stripe: i64 = made.lock().unwrap().values().map(|(_, a)| a).sum();
    assert_eq!(paid_by_stripe, refunded, "Stripe paid each refund once");
    assert_eq!(made.lock().unwrap().len(), by_key.len());
    assert_eq!(refunds["remaining_minor"].as_i64(), Some(10_000 - refunded));

    // What is left, to the minor unit, and not a cent more; through the API.
    let remaining = 10_000 - refunded;
    let ask = |key: &str, amount: i64, method: &str| json!({"amount_minor": amount, "method": method, "reason": "damaged in transit", "request_key": key});
    let cs = app.staff_key(&f.s, "customer_service").await;
    if remaining > 0 {
        let (status, body) = post(
            &app,
            &format!("/api/v1/orders/{order_id}/refunds"),
            &cs,
            ask("over", remaining + 1, "store_credit"),
        )
        .await;
        assert_eq!((status, code(&body)), (Status::CONFLICT, "refund.refused"), "{body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("left to refund"), "{body}");
        let (status, body) = post(
            &app,
            &format!("/api/v1/orders/{order_id}/refunds"),
            &cs,
            ask("rest", remaining, "store_credit"),
        )
        .await;
        assert_eq!((status, body["status"].as_str()), (Status::OK, Some("succeeded")), "{body}");
    }
    let (_, all) = get(&app, &format!("/api/v1/orders/{order_id}/refunds"), &f.s.admin_key).await;
    assert_eq!(
        (all["refunded_minor"].as_i64(), all["remaining_minor"].as_i64()),
        (Some(10_000), Some(0)),
        "{all}"
    );
    let (status, body) =
        post(&app, &format!("/api/v1/orders/{order_id}/refunds"), &cs, ask("more", 1, "store_credit")).await;
    assert_eq!((status, code(&body)), (Status::CONFLICT, "refund.refused"), "{body}");

    // Store credit lands on the buyer's balance with the merchant; a manual refund needs its reference.
    let second = paid_order(&app, &f, "#r2", "").await;
    let (status, body) =
        post(&app, &format!("/api/v1/orders/{second}/refunds"), &cs, ask("k", 1_000, "original")).await;
    assert_eq!((status, code(&body)), (Status::CONFLICT, "refund.no_provider"), "{body}");
    let (status, _) =
        post(&app, &format!("/api/v1/orders/{second}/refunds"), &cs, ask("credit", 1_250, "store_credit"))
            .await;
    assert_eq!(status, Status::OK);
    let (status, body) =
        post(&app, &format!("/api/v1/orders/{second}/refunds"), &cs, ask("bank", 500, "manual")).await;
    assert_eq!((status, field(&body)), (Status::UNPROCESSABLE_ENTITY, "manual_reference"));
    let mut bank = ask("bank", 500, "manual");
    bank["manual_reference"] = json!("SEPA-2026-11-26-0042");
    let (status, body) = post(&app, &format!("/api/v1/orders/{second}/refunds"), &cs, bank).await;
    assert_eq!((status, body["provider_ref"].as_str()), (Status::OK, Some("SEPA-2026-11-26-0042")), "{body}");
    let (_, credit) =
        get(&app, "/api/v1/store-credit?buyer_email=ada@example.com", &f.s.merchant_a_key).await;
    assert_eq!(
        credit["balances"]["GBP"].as_i64(),
        Some(1_250 + if remaining > 0 { remaining } else { 0 }),
        "{credit}"
    );
    let (_, theirs) =
        get(&app, "/api/v1/store-credit?buyer_email=ada@example.com", &f.s.merchant_b_key).await;
    assert_eq!(theirs["balances"], json!({}), "credit is with one merchant");

    // Who may refund, and a provider's refusal.
    let (status, _) = post(
        &app,
        &format!("/api/v1/orders/{second}/refunds"),
        &f.s.merchant_a_key,
        ask("m", 1, "store_credit"),
    )
    .await;
    assert_eq!(status, Status::FORBIDDEN, "a merchant asks; staff refund");
    let disputed = paid_order(&app, &f, "#r3", "pi_disputed").await;
    let r = RefundRequest {
        amount_minor: 1_000,
        method: "original".into(),
        reason: "x".into(),
        request_key: "d".into(),
        manual_reference: None,
    };
    let failed = refund_order(&refunding, &admin, &disputed, &r).await.unwrap();
    assert_eq!(failed.status, "failed");
    assert!(failed.error.as_deref().unwrap_or_default().contains("charged back"), "{failed:?}");
    let (_, after) = get(&app, &format!("/api/v1/orders/{disputed}/refunds"), &f.s.admin_key).await;
    assert_eq!(
        after["remaining_minor"].as_i64(),
        Some(10_000),
        "a failed refund gives its amount back: {after}"
    );
}
