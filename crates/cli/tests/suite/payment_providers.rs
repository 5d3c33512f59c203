//! PayPal and Alipay (ORD-5, AFS-4), end to end over HTTP against stand-ins that speak their wire
//! formats: a payment made at the provider for what the order lacks, its signed events settling
//! the order (taken once, refused when not the provider's), a refund through the provider that
//! took the money, a dispute stopping the order, and PayPal's settlement report reconciled.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{AlipayFake, PaypalFake, Seeded, TestApp, db_tests};

use crate::helpers::{code, field, get, post};
use crate::payments::{place, unpaid_order};

db_tests!(
    a_paypal_payment_is_made_captured_refunded_and_reconciled,
    paypal_events_in_any_order_end_in_one_payment,
    an_alipay_payment_is_made_notified_refunded_and_disputed,
    accounts_name_what_each_provider_needs,
);

const WEBHOOK_ID: &str = "8PT597110X687430LKGECATA";

/// Posts `body` with `key` to `base` + `path`.
async fn post_at(app: &TestApp, base: &str, path: &str, key: &str, body: Value) -> (StatusCode, Value) {
    let res = app.client.post(format!("{base}{path}")).bearer_auth(key).json(&body).send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Delivers an event to the account's hook at `base` with `headers`.
async fn deliver(
    app: &TestApp,
    base: &str,
    account: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> (StatusCode, Value) {
    let mut req = app.client.post(format!("{base}/api/v1/payment-hooks/{account}")).body(body.to_vec());
    for (k, v) in headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let res = req.header("content-type", "application/json").send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&mut *conn).await.unwrap()
}

async fn order_of(app: &TestApp, s: &Seeded, id: &str) -> Value {
    let (status, o) = get(app, &format!("/api/v1/orders/{id}"), &s.merchant_a_key).await;
    assert_eq!(status, StatusCode::OK, "{o}");
    o
}

async fn payment_of(app: &TestApp, s: &Seeded, order: &str) -> Value {
    let (status, list) = get(app, &format!("/api/v1/orders/{order}/payments"), &s.merchant_a_key).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "one payment: {list}");
    list["items"][0].clone()
}

/// Merchant A with a 30-minute window for web orders, its `account` connected (answered as
/// shown), and one unpaid web order: (the seed, the account as answered, the order's id).
async fn shop(app: &TestApp, account: Value, order: &str) -> (Seeded, Value, String) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    crate::orders::settings(app, &s.admin_key, json!({"payment_windows": {"web": 30}})).await;
    let (status, a) = post(app, "/api/v1/payment-accounts", &s.merchant_a_key, account).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let o = place(app, &s, unpaid_order(order, "")).await;
    assert_eq!(o["status"], "awaiting_payment", "{o}");
    (s, a, o["id"].as_str().unwrap().to_string())
}

/// Asks `base` for a payment of order `id` at `provider`.
async fn pay(app: &TestApp, base: &str, s: &Seeded, id: &str, provider: &str) -> Value {
    let path = format!("/api/v1/orders/{id}/payments");
    let (status, made) = post_at(app, base, &path, &s.merchant_a_key, json!({"provider": provider})).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    made
}

fn paypal_account() -> Value {
    json!({"provider": "paypal", "name": "PayPal UK", "client_id": tradeport_testkit::paypal::CLIENT_ID,
           "api_key": tradeport_testkit::paypal::CLIENT_SECRET, "webhook_id": WEBHOOK_ID})
}

/// A PayPal webhook event about `resource`.
fn paypal_event(id: &str, kind: &str, resource_type: &str, resource: Value) -> Vec<u8> {
    json!({"id": id, "event_version": "1.0", "create_time": "2026-11-27T01:00:00.000Z", "resource_type": resource_type,
           "resource_version": "2.0", "event_type": kind, "summary": kind, "resource": resource, "links": []})
    .to_string()
    .into_bytes()
}

async fn a_paypal_payment_is_made_captured_refunded_and_reconciled(app: TestApp) {
    let fake = PaypalFake::start().await;
    let base = TestApp::serve_other(app.app.clone().with_paypal_api_url(&fake.base_url)).await;
    let (s, a, id) = shop(&app, paypal_account(), "web-pp").await;
    assert_eq!(
        (a["client_id"].as_str(), a["webhook_id"].as_str()),
        (Some(tradeport_testkit::paypal::CLIENT_ID), Some(WEBHOOK_ID))
    );
    assert!(!a.to_string().contains(tradeport_testkit::paypal::CLIENT_SECRET), "{a}");
    let account = a["id"].as_str().unwrap().to_string();

    // A PayPal order for what the order lacks, once however often asked.
    let made = pay(&app, &base, &s, &id, "paypal").await;
    let paypal_order = made["reference"].as_str().unwrap().to_string();
    assert!(
        made["pay_url"].as_str().unwrap().ends_with(&format!("checkoutnow?token={paypal_order}")),
        "{made}"
    );
    assert_eq!(pay(&app, &base, &s, &id, "paypal").await["reference"], made["reference"]);
    let asked = fake.orders();
    assert_eq!(asked.len(), 1, "{asked:?}");
    let unit = &asked[0].2["purchase_units"][0];
    assert_eq!(
        (
            unit["custom_id"].as_str(),
            unit["amount"]["value"].as_str(),
            unit["amount"]["currency_code"].as_str()
        ),
        (Some(id.as_str()), Some("45.99"), Some("GBP"))
    );

    // Approved by the buyer, then captured: the capture names its order, and the order is paid.
    let money = json!({"currency_code": "GBP", "value": "45.99"});
    let approved = paypal_event(
        "WH-APPROVED-1",
        "CHECKOUT.ORDER.APPROVED",
        "checkout-order",
        json!({"id": paypal_order, "intent": "CAPTURE", "status": "APPROVED", "purchase_units": [{"reference_id": id, "custom_id": id, "amount": money}]}),
    );
    let (status, answer) =
        deliver(&app, &base, &account, &fake.signed_headers(&approved, WEBHOOK_ID), &approved).await;
    assert_eq!((status, answer["outcome"].as_str()), (StatusCode::OK, Some("applied")), "{answer}");
    assert_eq!(payment_of(&app, &s, &id).await["state"], "authorised");
    let capture = "3C679366HH908993F";
    let captured = paypal_event(
        "WH-CAPTURED-1",
        "PAYMENT.CAPTURE.COMPLETED",
        "capture",
        json!({"id": capture, "status": "COMPLETED", "amount": money, "final_capture": true, "custom_id": id,
               "seller_receivable_breakdown": {"gross_amount": money, "paypal_fee": {"currency_code": "GBP", "value": "1.56"}},
               "supplementary_data": {"related_ids": {"order_id": paypal_order}},
               "create_time": "2026-11-27T01:00:05Z", "update_time": "2026-11-27T01:00:05Z"}),
    );
    let headers = fake.signed_headers(&captured, WEBHOOK_ID);

    // Not PayPal's: signed for another webhook, a changed body, a certificate published elsewhere.
    let elsewhere: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| {
            (k.clone(), if k == "PAYPAL-CERT-URL" { v.replace("127.0.0.1", "localhost") } else { v.clone() })
        })
        .collect();
    let changed = String::from_utf8(captured.clone()).unwrap().replace("45.99", "4.59").into_bytes();
    for (headers, body) in [
        (fake.signed_headers(&captured, "WH-SOMEONE-ELSE"), captured.clone()),
        (headers.clone(), changed),
        (elsewhere, captured.clone()),
        (Vec::new(), captured.clone()),
    ] {
        let (status, refused) = deliver(&app, &base, &account, &headers, &body).await;
        assert_eq!(
            (status, code(&refused)),
            (StatusCode::UNAUTHORIZED, "webhook.signature_invalid"),
            "{refused}"
        );
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM payment_events").await, 1);

    let (status, answer) = deliver(&app, &base, &account, &headers, &captured).await;
    assert_eq!((status, answer["outcome"].as_str()), (StatusCode::OK, Some("applied")), "{answer}");
    let paid = order_of(&app, &s, &id).await;
    assert_eq!(
        (paid["payment_status"].as_str(), paid["paid_minor"].as_i64()),
        (Some("paid"), Some(4599)),
        "{paid}"
    );
    assert_ne!(paid["status"], "awaiting_payment", "{paid}");
    let payment = payment_of(&app, &s, &id).await;
    assert_eq!(
        (payment["reference"].as_str(), payment["state"].as_str()),
        (Some(capture), Some("captured")),
        "known by its capture now: {payment}"
    );
    let (status, again) = deliver(&app, &base, &account, &headers, &captured).await;
    assert_eq!((status, again["duplicate"].as_bool()), (StatusCode::OK, Some(true)), "{again}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM payment_events").await, 2);

    // A refund goes back through PayPal, against the capture; PayPal's event records it.
    let ask = json!({"amount_minor": 1000, "method": "original", "reason": "damaged in transit", "request_key": "pp-r1"});
    let (status, refund) =
        post_at(&app, &base, &format!("/api/v1/orders/{id}/refunds"), &s.admin_key, ask).await;
    assert_eq!((status, refund["status"].as_str()), (StatusCode::OK, Some("succeeded")), "{refund}");
    let refunds = fake.refunds();
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    assert_eq!((refunds[0].2.as_str(), refunds[0].3["amount"]["value"].as_str()), (capture, Some("10.00")));
    let refunded = paypal_event(
        "WH-REFUNDED-1",
        "PAYMENT.CAPTURE.REFUNDED",
        "refund",
        json!({"id": refunds[0].1, "status": "COMPLETED", "amount": {"currency_code": "GBP", "value": "10.00"},
               "seller_payable_breakdown": {"total_refunded_amount": {"currency_code": "GBP", "value": "10.00"}},
               "links": [{"href": format!("https://api.paypal.com/v2/payments/captures/{capture}"), "rel": "up", "method": "GET"}]}),
    );
    let (_, answer) =
        deliver(&app, &base, &account, &fake.signed_headers(&refunded, WEBHOOK_ID), &refunded).await;
    assert_eq!(answer["outcome"], "applied", "{answer}");
    let payment = payment_of(&app, &s, &id).await;
    assert_eq!(
        (payment["state"].as_str(), payment["refunded_minor"].as_i64()),
        (Some("partially_refunded"), Some(1000)),
        "{payment}"
    );

    // PayPal's settlement report: the capture and its refund agree; a payment Tradeport does not
    // know, and a fee, are listed.
    let stl = format!(
        "\"RH\",2026/11/27 03:12:45 -0700,\"A\",\"TRADEPORTTEST\",009,\n\"FH\",01\n\
         \"CH\",\"Transaction ID\",\"Invoice ID\",\"PayPal Reference ID\",\"PayPal Reference ID Type\",\"Transaction Event Code\",\"Transaction Initiation Date\",\"Transaction Completion Date\",\"Transaction Debit or Credit\",\"Gross Transaction Amount\",\"Gross Transaction Currency\",\"Fee Debit or Credit\",\"Fee Amount\",\"Fee Currency\",\"Custom Field\"\n\
         \"SB\",\"{capture}\",\"\",\"\",\"\",\"T0006\",2026/11/27 01:00:05 -0700,2026/11/27 01:00:05 -0700,\"CR\",4599,\"GBP\",\"DR\",156,\"GBP\",\"{id}\"\n\
         \"SB\",\"{}\",\"\",\"{capture}\",\"TXN\",\"T1107\",2026/11/27 02:00:00 -0700,2026/11/27 02:00:00 -0700,\"DR\",1000,\"GBP\",\"\",,\"\",\"{id}\"\n\
         \"SB\",\"9ZZ99999ZZ9999999\",\"\",\"\",\"\",\"T0006\",2026/11/27 03:00:00 -0700,2026/11/27 03:00:00 -0700,\"CR\",2000,\"GBP\",\"DR\",88,\"GBP\",\"\"\n\
         \"SB\",\"4FEE0000000000004\",\"\",\"\",\"\",\"T0100\",2026/11/27 04:00:00 -0700,2026/11/27 04:00:00 -0700,\"DR\",500,\"GBP\",\"\",,\"\",\"\"\n\
         \"SF\",\"GBP\",6599,1500,0,244\n\"SC\",4\n\"RF\",\"GBP\",6599,1500,0,244\n\"RC\",4\n\"FF\",4\n",
        refunds[0].1
    );
    let today = jiff::Zoned::now().with_time_zone(jiff::tz::TimeZone::UTC).date().to_string();
    let res = app
        .client
        .post(app.url(&format!("/api/v1/settlements?account_id={account}&from={today}&to={today}&file_name=STL-20261127.01.009.CSV")))
        .bearer_auth(&s.merchant_a_key)
        .header("content-type", "text/csv")
        .body(stl)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let r: Value = res.json().await.unwrap();
    let (_, d) =
        get(&app, &format!("/api/v1/settlements/{}", r["id"].as_str().unwrap()), &s.merchant_a_key).await;
    let found: Vec<(String, String, i64, i64)> = d["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let t = |k: &str| i[k].as_str().unwrap_or_default().to_string();
            (
                t("reference"),
                t("finding"),
                i["difference_minor"].as_i64().unwrap(),
                i["fee_minor"].as_i64().unwrap(),
            )
        })
        .collect();
    let expect = |reference: &str, finding: &str, difference: i64, fee: i64| {
        assert!(
            found.contains(&(reference.into(), finding.into(), difference, fee)),
            "{reference} {finding}: {found:?}"
        );
    };
    assert_eq!(found.len(), 3, "the capture with its refund, the unknown payment, the fee: {found:?}");
    expect(capture, "matched", 0, 156);
    expect("9ZZ99999ZZ9999999", "missing_in_tradeport", 2000, 88);
    expect("4FEE0000000000004", "fee", 0, 500);

    // Another merchant sees none of it.
    let b = &s.merchant_b_key;
    assert_eq!(get(&app, &format!("/api/v1/payment-accounts/{account}"), b).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, &format!("/api/v1/orders/{id}/payments"), b).await.0, StatusCode::NOT_FOUND);
    let (_, theirs) = get(&app, "/api/v1/payments", b).await;
    assert_eq!(theirs["items"].as_array().map(Vec::len), Some(0), "{theirs}");
}

/// PayPal names a payment by its order until the capture, then by the capture: however its
/// events arrive (the refund first, the buyer's approval last), they end in one payment.
async fn paypal_events_in_any_order_end_in_one_payment(app: TestApp) {
    let fake = PaypalFake::start().await;
    let base = TestApp::serve_other(app.app.clone().with_paypal_api_url(&fake.base_url)).await;
    let (s, a, id) = shop(&app, paypal_account(), "web-pp-order").await;
    let account = a["id"].as_str().unwrap().to_string();
    let made = pay(&app, &base, &s, &id, "paypal").await;
    let paypal_order = made["reference"].as_str().unwrap().to_string();
    let money = json!({"currency_code": "GBP", "value": "45.99"});
    let capture = "7TK53561YB803214S";
    let send = |body: Vec<u8>| {
        let headers = fake.signed_headers(&body, WEBHOOK_ID);
        let (app, base, account) = (&app, base.clone(), account.clone());
        async move {
            let (status, answer) = deliver(app, &base, &account, &headers, &body).await;
            assert_eq!(status, StatusCode::OK, "{answer}");
            answer
        }
    };
    // The refund comes first: its capture is not known yet, so it is kept apart.
    let refunded = send(paypal_event("WH-R-1", "PAYMENT.CAPTURE.REFUNDED", "refund",
        json!({"id": "0RF1", "status": "COMPLETED", "amount": {"currency_code": "GBP", "value": "5.00"},
               "links": [{"href": format!("https://api.paypal.com/v2/payments/captures/{capture}"), "rel": "up", "method": "GET"}]}))).await;
    assert_eq!(refunded["outcome"], "unmatched", "{refunded}");
    // The capture names its PayPal order (and not the merchant's): the two records are one
    // payment, of the order the PayPal order was made for.
    let captured = send(paypal_event(
        "WH-C-1",
        "PAYMENT.CAPTURE.COMPLETED",
        "capture",
        json!({"id": capture, "status": "COMPLETED", "amount": money,
               "supplementary_data": {"related_ids": {"order_id": paypal_order}}}),
    ))
    .await;
    assert_eq!(captured["outcome"], "applied", "{captured}");
    // The buyer's approval, last, changes nothing more.
    let approved = send(paypal_event("WH-A-1", "CHECKOUT.ORDER.APPROVED", "checkout-order",
        json!({"id": paypal_order, "status": "APPROVED", "purchase_units": [{"custom_id": id, "amount": money}]}))).await;
    assert_eq!(approved["outcome"], "applied", "{approved}");

    let payment = payment_of(&app, &s, &id).await;
    assert_eq!(
        (
            payment["reference"].as_str(),
            payment["state"].as_str(),
            payment["captured_minor"].as_i64(),
            payment["refunded_minor"].as_i64()
        ),
        (Some(capture), Some("partially_refunded"), Some(4599), Some(500)),
        "{payment}"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM payments").await, 1, "one payment");
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM payment_events WHERE payment_id = '{}'",
                payment["id"].as_str().unwrap()
            )
        )
        .await,
        3,
        "its three events, the early refund's moved over"
    );
    let paid = order_of(&app, &s, &id).await;
    assert_eq!(
        (paid["payment_status"].as_str(), paid["paid_minor"].as_i64()),
        (Some("paid"), Some(4599)),
        "{paid}"
    );
}

async fn an_alipay_payment_is_made_notified_refunded_and_disputed(app: TestApp) {
    let fake = AlipayFake::start().await;
    let base = TestApp::serve_other(app.app.clone().with_alipay_api_url(&fake.base_url)).await;
    let account = json!({"provider": "alipay", "name": "Alipay", "client_id": tradeport_testkit::alipay::CLIENT_ID,
                         "provider_public_key": tradeport_testkit::alipay::alipay_public_key(),
                         "api_key": tradeport_testkit::alipay::merchant_private_key()});
    let (s, a, id) = shop(&app, account, "web-ali").await;
    assert!(!a.to_string().contains("PRIVATE KEY"), "{a}");
    let account = a["id"].as_str().unwrap().to_string();

    // A cashier payment at Alipay, signed with the merchant's key (the stand-in checks it).
    let made = pay(&app, &base, &s, &id, "alipay").await;
    let request = made["reference"].as_str().unwrap().to_string();
    let asked = fake.payments();
    assert_eq!(asked.len(), 1, "{asked:?}");
    let (payment_request, payment_id, body) = &asked[0];
    assert_eq!(payment_request, &request);
    assert_eq!(
        (body["paymentAmount"]["value"].as_str(), body["paymentAmount"]["currency"].as_str()),
        (Some("4599"), Some("GBP"))
    );
    assert_eq!(
        body["paymentNotifyUrl"].as_str().map(|u| u.ends_with(&format!("/api/v1/payment-hooks/{account}"))),
        Some(true)
    );
    assert!(made["pay_url"].as_str().unwrap().contains(payment_id.as_str()), "{made}");

    let path = format!("/api/v1/payment-hooks/{account}");
    let notify = |body: &Value| {
        let raw = body.to_string().into_bytes();
        (AlipayFake::signed_headers(&path, &raw), raw)
    };
    let result = json!({"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"});
    let (headers, paid_body) =
        notify(&json!({"notifyType": "PAYMENT_RESULT", "result": result, "paymentRequestId": request,
        "paymentId": payment_id, "paymentAmount": {"currency": "GBP", "value": "4599"},
        "paymentCreateTime": "2026-11-27T09:00:00+08:00", "paymentTime": "2026-11-27T09:04:00+08:00"}));

    // Not Alipay's: a changed body, or signed over another path.
    let changed = String::from_utf8(paid_body.clone()).unwrap().replace("4599", "4598").into_bytes();
    let other_headers = AlipayFake::signed_headers("/webhooks/other", &paid_body);
    for (h, b) in [(headers.clone(), changed), (other_headers, paid_body.clone())] {
        let (status, refused) = deliver(&app, &base, &account, &h, &b).await;
        assert_eq!(
            (status, code(&refused)),
            (StatusCode::UNAUTHORIZED, "webhook.signature_invalid"),
            "{refused}"
        );
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM payment_events").await, 0);

    let (status, answer) = deliver(&app, &base, &account, &headers, &paid_body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        (
            answer["outcome"].as_str(),
            answer["result"]["resultCode"].as_str(),
            answer["result"]["resultStatus"].as_str()
        ),
        (Some("applied"), Some("SUCCESS"), Some("S")),
        "Alipay's acknowledgement: {answer}"
    );
    let paid = order_of(&app, &s, &id).await;
    assert_eq!(
        (paid["payment_status"].as_str(), paid["paid_minor"].as_i64()),
        (Some("paid"), Some(4599)),
        "{paid}"
    );
    // Alipay sends again until acknowledged: the same notification is the same event.
    let (_, again) = deliver(&app, &base, &account, &headers, &paid_body).await;
    assert_eq!(
        (again["duplicate"].as_bool(), again["result"]["resultCode"].as_str()),
        (Some(true), Some("SUCCESS")),
        "{again}"
    );

    // A refund through Alipay, named so its notification finds the payment.
    let ask = json!({"amount_minor": 1000, "method": "original", "reason": "damaged in transit", "request_key": "ali-r1"});
    let (status, refund) =
        post_at(&app, &base, &format!("/api/v1/orders/{id}/refunds"), &s.admin_key, ask).await;
    assert_eq!((status, refund["status"].as_str()), (StatusCode::OK, Some("succeeded")), "{refund}");
    let refunds = fake.refunds();
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    let (refund_request, refund_id, asked) = &refunds[0];
    assert!(
        refund_request.starts_with(&format!("{request}-tpr")) && refund_request.len() <= 64,
        "{refund_request}"
    );
    assert_eq!(
        (asked["paymentId"].as_str(), asked["refundAmount"]["value"].as_str()),
        (Some(payment_id.as_str()), Some("1000"))
    );
    // Its notification, posted through a proxy that serves the product under /tp: Alipay signed
    // the path it posted to, which the product finds under its public address.
    let proxied = TestApp::serve_other(
        app.app.clone().with_alipay_api_url(&fake.base_url).with_public_url("https://shop.example/tp"),
    )
    .await;
    let refunded = json!({"notifyType": "REFUND_RESULT", "result": result, "refundStatus": "SUCCESS",
        "refundRequestId": refund_request, "refundId": refund_id, "refundAmount": {"currency": "GBP", "value": "1000"},
        "refundTime": "2026-11-27T10:00:00+08:00"})
    .to_string()
    .into_bytes();
    let headers = AlipayFake::signed_headers(&format!("/tp{path}"), &refunded);
    let (_, answer) = deliver(&app, &proxied, &account, &headers, &refunded).await;
    assert_eq!(answer["outcome"], "applied", "{answer}");
    let payment = payment_of(&app, &s, &id).await;
    assert_eq!(
        (payment["state"].as_str(), payment["refunded_minor"].as_i64()),
        (Some("partially_refunded"), Some(1000)),
        "{payment}"
    );

    // A chargeback on the order not yet shipped stops it and opens one case.
    let (headers, body) = notify(
        &json!({"disputeId": "2026112725013101157301040001", "paymentRequestId": request,
        "paymentId": payment_id, "disputeNotificationType": "DISPUTE_CREATED", "disputeAmount": {"currency": "GBP", "value": "3599"},
        "disputeTime": "2026-11-27T11:00:00+08:00", "disputeReasonCode": "4853", "disputeSource": "Mastercard"}),
    );
    let (_, answer) = deliver(&app, &base, &account, &headers, &body).await;
    assert_eq!(answer["outcome"], "applied", "{answer}");
    let held = order_of(&app, &s, &id).await;
    assert_eq!(held["status"], "on_hold", "{held}");
    assert!(held["holds"].to_string().contains("payment_disputed"), "{held}");
    let open = format!(
        "SELECT COUNT(*) FROM exception_cases WHERE case_type = 'payment_dispute' AND status = 'open' AND order_id = '{id}'"
    );
    assert_eq!(count(&app, &open).await, 1);
}

async fn accounts_name_what_each_provider_needs(app: TestApp) {
    let s = app.seed("acme").await;
    let refused = |body: Value| {
        let (app, key) = (&app, s.merchant_a_key.clone());
        async move {
            let (status, e) = post(app, "/api/v1/payment-accounts", &key, body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
            e
        }
    };
    let e = refused(json!({"provider": "paypal", "name": "PayPal", "client_id": "Ae1"})).await;
    assert_eq!(field(&e), "webhook_id", "{e}");
    let e = refused(json!({"provider": "paypal", "name": "PayPal", "client_id": "Ae1", "webhook_id": "WH1", "webhook_secret": "whsec_abcdefgh"})).await;
    assert_eq!((field(&e), e.to_string().contains("not used by paypal")), ("webhook_secret", true), "{e}");
    let e = refused(json!({"provider": "alipay", "name": "Alipay", "client_id": "C1", "provider_public_key": "bm90IGEga2V5"})).await;
    assert_eq!(field(&e), "provider_public_key", "{e}");
    let e = refused(json!({"provider": "alipay", "name": "Alipay", "client_id": "C1",
        "provider_public_key": tradeport_testkit::alipay::alipay_public_key(), "api_key": "not a private key"})).await;
    assert_eq!(field(&e), "api_key", "{e}");
    let e = refused(
        json!({"provider": "stripe", "name": "Stripe", "webhook_secret": "whsec_abcdefgh", "client_id": "x"}),
    )
    .await;
    assert_eq!(field(&e), "client_id", "{e}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM payment_accounts").await, 0, "nothing kept");
}
