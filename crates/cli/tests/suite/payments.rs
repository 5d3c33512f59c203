//! Payments (ORD-5, ORD-10, INV-2): Stripe's events through the real HTTP endpoint, signed as
//! Stripe signs them, taken once; the order follows its payments; the payment window holds stock
//! and gives exactly it back at its end, once, whichever worker runs the job.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_connectors::stripe_signature::stripe_v1_signature;
use tradeport_testkit::{DbKind, Seeded, TestApp, db_tests};

use crate::helpers::{code, get, post};

db_tests!(
    a_stripe_event_signed_as_stripe_signs_is_taken_once_and_starts_review,
    a_short_or_foreign_capture_holds_the_order_and_a_chargeback_stops_it,
    unpaid_orders_give_back_exactly_their_stock_when_the_window_closes_once,
    a_merchant_sees_only_its_own_payments,
    a_settlement_with_a_fee_a_missing_payment_and_a_refund_reconciles_to_the_minor_unit,
    a_chargeback_on_a_packed_order_stops_its_hand_over_until_the_dispute_is_won,
    events_not_acted_on_and_early_ones_change_nothing_and_no_client_secret_is_kept,
);

const WHSEC: &str = "whsec_test_secret_tradeport";

/// Merchant A's Stripe account and a 30-minute window for web orders; the account's id.
pub(crate) async fn stripe_account(app: &TestApp, s: &Seeded) -> String {
    crate::orders::settings(app, &s.admin_key, json!({"payment_windows": {"web": 30}})).await;
    let body = json!({"provider": "stripe", "name": "Stripe UK", "api_key": "sk_test_tradeport_1234", "webhook_secret": WHSEC});
    let (status, a) = post(app, "/api/v1/payment-accounts", &s.merchant_a_key, body).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    assert_eq!(
        (a["has_api_key"].as_bool(), a["has_webhook_secret"].as_bool()),
        (Some(true), Some(true)),
        "{a}"
    );
    assert!(!a.to_string().contains(WHSEC) && !a.to_string().contains("sk_test_tradeport"), "{a}");
    a["id"].as_str().unwrap().to_string()
}

/// An unpaid web order of `qty` lamps at 45.99 GBP in all, carrying `intent`.
pub(crate) fn unpaid_order(id: &str, intent: &str) -> Value {
    json!({
        "channel": "web", "channel_order_id": id,
        "buyer": {"name": "Ada Lovelace", "phone": "020 7946 0958", "email": "ada@example.com", "language": "en"},
        "shipping_address": {"name": "Ada Lovelace", "line1": "1 Lovelace Way", "city": "London", "postcode": "EC1Y 8SY", "country": "GB"},
        "lines": [{"sku": "LAMP", "quantity": 1, "unit_price_minor": 3799}], "shipping_fee_minor": 800,
        "currency": "GBP", "total_minor": 4599, "paid_minor": 0, "payment_method": "card", "payment_status": "unpaid",
        "payment_reference": intent, "service_level": "standard"
    })
}

/// A Stripe event about PaymentIntent `intent`, as Stripe sends it.
pub(crate) fn event(id: &str, kind: &str, object: Value) -> Vec<u8> {
    let created = chrono_now_secs();
    json!({"id": id, "object": "event", "api_version": "2026-07-29.dahlia", "created": created, "livemode": false,
           "pending_webhooks": 1, "request": {"id": null, "idempotency_key": null}, "type": kind, "data": {"object": object}})
    .to_string()
    .into_bytes()
}

fn chrono_now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

pub(crate) fn succeeded(intent: &str, amount: i64, currency: &str) -> Value {
    json!({"id": intent, "object": "payment_intent", "amount": amount, "amount_received": amount, "currency": currency,
           "status": "succeeded", "metadata": {}})
}

/// Posts `body` to the account's hook, signed at `t` with `secret`.
pub(crate) async fn hook_at(
    app: &TestApp,
    account: &str,
    secret: &str,
    t: i64,
    body: &[u8],
) -> (StatusCode, Value) {
    let header = format!("t={t},v1={}", stripe_v1_signature(secret, t, body));
    let res = app
        .client
        .post(app.url(&format!("/api/v1/payment-hooks/{account}")))
        .header("Stripe-Signature", header)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn hook(app: &TestApp, account: &str, body: &[u8]) -> (StatusCode, Value) {
    hook_at(app, account, WHSEC, chrono_now_secs(), body).await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&mut *conn).await.unwrap()
}

async fn reserved(app: &TestApp) -> i64 {
    count(app, "SELECT CAST(COALESCE(SUM(reserved), 0) AS BIGINT) FROM stock_balances").await
}

async fn order_of(app: &TestApp, s: &Seeded, id: &str) -> Value {
    let (status, o) = get(app, &format!("/api/v1/orders/{id}"), &s.merchant_a_key).await;
    assert_eq!(status, StatusCode::OK, "{o}");
    o
}

pub(crate) async fn place(app: &TestApp, s: &Seeded, body: Value) -> Value {
    let (status, o) = post(app, "/api/v1/orders", &s.merchant_a_key, body).await;
    assert_eq!(status, StatusCode::CREATED, "{o}");
    o
}

async fn a_stripe_event_signed_as_stripe_signs_is_taken_once_and_starts_review(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let account = stripe_account(&app, &s).await;
    let o = place(&app, &s, unpaid_order("web-1", "pi_web_1")).await;
    assert_eq!(o["status"], "awaiting_payment", "{o}");
    assert_eq!(o["allocation"], "reserved", "the window holds the stock: {o}");
    assert_eq!(reserved(&app).await, 1);
    let id = o["id"].as_str().unwrap();

    let body = event("evt_paid_1", "payment_intent.succeeded", succeeded("pi_web_1", 4599, "gbp"));
    // Refused, and nothing kept: a wrong secret, a stale timestamp, a changed body, no header.
    let now = chrono_now_secs();
    for (secret, t, sent) in [
        ("whsec_someone_else", now, body.clone()),
        (WHSEC, now - 301, body.clone()),
        (WHSEC, now, String::from_utf8(body.clone()).unwrap().replace("4599", "4598").into_bytes()),
    ] {
        let header = format!("t={t},v1={}", stripe_v1_signature(secret, t, &body));
        let res = app
            .client
            .post(app.url(&format!("/api/v1/payment-hooks/{account}")))
            .header("Stripe-Signature", header)
            .body(sent)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let answer: Value = res.json().await.unwrap();
        assert_eq!(code(&answer), "webhook.signature_invalid", "{answer}");
    }
    let res = app
        .client
        .post(app.url(&format!("/api/v1/payment-hooks/{account}")))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM payment_events").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM payments").await, 0);
    assert_eq!(order_of(&app, &s, id).await["status"], "awaiting_payment");

    // Signed as Stripe signs: the order is paid, reviewed, approved and confirmed at once.
    let (status, answer) = hook(&app, &account, &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        (answer["outcome"].as_str(), answer["duplicate"].as_bool()),
        (Some("applied"), Some(false)),
        "{answer}"
    );
    let paid = order_of(&app, &s, id).await;
    assert_eq!(
        (paid["status"].as_str(), paid["paid_minor"].as_i64()),
        (Some("confirmed"), Some(4599)),
        "{paid}"
    );
    assert_eq!(paid["payment_status"], "paid", "{paid}");
    assert_eq!(reserved(&app).await, 1, "the stock stays reserved, once");

    // Replayed (even re-signed later): the first answer, nothing changes.
    let (status, again) = hook(&app, &account, &body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["duplicate"], true, "{again}");
    assert_eq!(again["payment_id"], answer["payment_id"]);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM payment_events").await, 1);
    let after = order_of(&app, &s, id).await;
    assert_eq!(after["events"].as_array().map(Vec::len), paid["events"].as_array().map(Vec::len));
    assert_eq!(reserved(&app).await, 1);

    // The order's payments, with the raw event kept on the payment.
    let (status, list) = get(&app, &format!("/api/v1/orders/{id}/payments"), &s.merchant_a_key).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["items"][0]["state"], "captured", "{list}");
    let pid = list["items"][0]["id"].as_str().unwrap();
    let (_, detail) = get(&app, &format!("/api/v1/payments/{pid}"), &s.merchant_a_key).await;
    assert_eq!(detail["events"][0]["event_id"], "evt_paid_1", "{detail}");
    assert!(detail["events"][0]["body"].as_str().unwrap().contains("pi_web_1"));
}

async fn a_short_or_foreign_capture_holds_the_order_and_a_chargeback_stops_it(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let account = stripe_account(&app, &s).await;

    // Less than the total: held, with what is missing.
    let short = place(&app, &s, unpaid_order("web-short", "pi_short")).await;
    let (_, a) =
        hook(&app, &account, &event("evt_s", "payment_intent.succeeded", succeeded("pi_short", 2000, "gbp")))
            .await;
    assert_eq!(a["outcome"], "applied", "{a}");
    let o = order_of(&app, &s, short["id"].as_str().unwrap()).await;
    assert_eq!(
        (o["status"].as_str(), o["payment_status"].as_str()),
        (Some("on_hold"), Some("partially_paid")),
        "{o}"
    );
    assert!(o["holds"].to_string().contains("20.00 of 45.99, 25.99 missing"), "{o}");
    assert_eq!(o["allocation"], "none", "the window's stock went back");

    // Another currency: held, with the fix.
    let foreign = place(&app, &s, unpaid_order("web-eur", "pi_eur")).await;
    hook(&app, &account, &event("evt_e", "payment_intent.succeeded", succeeded("pi_eur", 4599, "eur"))).await;
    let o = order_of(&app, &s, foreign["id"].as_str().unwrap()).await;
    assert_eq!(o["status"], "on_hold", "{o}");
    let codes: Vec<&str> = o["holds"].as_array().unwrap().iter().filter_map(|h| h["code"].as_str()).collect();
    assert!(codes.contains(&"payment_currency_mismatch") && codes.contains(&"not_paid"), "{codes:?}");

    // Paid, confirmed, then charged back: held with the dispute, and a case opened once.
    let paid = place(&app, &s, unpaid_order("web-cb", "pi_cb")).await;
    let id = paid["id"].as_str().unwrap();
    hook(&app, &account, &event("evt_p", "payment_intent.succeeded", succeeded("pi_cb", 4599, "gbp"))).await;
    assert_eq!(order_of(&app, &s, id).await["status"], "confirmed");
    let dispute = |status: &str| {
        json!({"id": "dp_1", "object": "dispute", "amount": 4599, "currency": "gbp", "payment_intent": "pi_cb",
               "charge": "ch_1", "reason": "fraudulent", "status": status})
    };
    let (_, d) =
        hook(&app, &account, &event("evt_d1", "charge.dispute.created", dispute("needs_response"))).await;
    assert_eq!(d["outcome"], "applied", "{d}");
    let held = order_of(&app, &s, id).await;
    assert_eq!(held["status"], "on_hold", "{held}");
    assert!(held["holds"].to_string().contains("payment_disputed"), "{held}");
    hook(&app, &account, &event("evt_d2", "charge.dispute.updated", dispute("under_review"))).await;
    let open = format!(
        "SELECT COUNT(*) FROM exception_cases WHERE case_type = 'payment_dispute' AND status = 'open' AND order_id = '{id}'"
    );
    assert_eq!(count(&app, &open).await, 1, "one case, however many dispute events");

    // Won: the case closes, the hold lifts and the order goes on.
    let won = event("evt_d3", "charge.dispute.closed", dispute("won"));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (_, w) = hook(&app, &account, &won).await;
    assert_eq!(w["outcome"], "applied", "{w}");
    assert_eq!(count(&app, &open).await, 0);
    assert_eq!(order_of(&app, &s, id).await["status"], "confirmed");
}

async fn unpaid_orders_give_back_exactly_their_stock_when_the_window_closes_once(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 150).await;
    let account = stripe_account(&app, &s).await;
    let mut ids = Vec::new();
    for n in 0..100 {
        let o = place(&app, &s, unpaid_order(&format!("web-{n}"), &format!("pi_w{n}"))).await;
        assert_eq!(o["status"], "awaiting_payment", "{o}");
        ids.push(o["id"].as_str().unwrap().to_string());
    }
    assert_eq!(reserved(&app).await, 100);
    // 40 pay in time.
    for n in 0..40 {
        let (_, a) = hook(
            &app,
            &account,
            &event(
                &format!("evt_w{n}"),
                "payment_intent.succeeded",
                succeeded(&format!("pi_w{n}"), 4599, "gbp"),
            ),
        )
        .await;
        assert_eq!(a["outcome"], "applied", "{a}");
    }
    assert_eq!(reserved(&app).await, 100, "paid orders keep their stock");
    // The windows close (their jobs made due now), and two workers race for them.
    {
        let mut tx = app.app.db().begin().await.unwrap();
        sqlx::query("UPDATE jobs SET run_at = 0 WHERE kind = 'payment_window_expiry'")
            .execute(&mut *tx)
            .await
            .unwrap();
        tradeport_store::commit(tx).await.unwrap();
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM jobs WHERE kind = 'payment_window_expiry'").await, 100);
    if app.kind == DbKind::Postgres {
        let workers = [crate::jobs::Worker::start(&app, 30), crate::jobs::Worker::start(&app, 30)];
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while count(
            &app,
            "SELECT COUNT(*) FROM jobs WHERE kind = 'payment_window_expiry' AND state <> 'done'",
        )
        .await
            > 0
        {
            assert!(std::time::Instant::now() < deadline, "the workers finish the windows within a minute");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        drop(workers);
    } else {
        let lease = std::time::Duration::from_secs(30);
        let (a, b) = tokio::join!(
            tradeport_app::jobs::run_due(&app.app, "w1", lease, 100),
            tradeport_app::jobs::run_due(&app.app, "w2", lease, 100)
        );
        assert_eq!(a.unwrap().claimed + b.unwrap().claimed, 100, "each window's job is claimed once");
    }
    assert_eq!(reserved(&app).await, 40, "exactly the unpaid orders' stock went back");
    let expired =
        count(&app, "SELECT COUNT(*) FROM events WHERE kind = 'order_payment_window_expired'").await;
    assert_eq!(expired, 60, "each window closed once");
    for (n, id) in ids.iter().enumerate() {
        let o = order_of(&app, &s, id).await;
        let expected = if n < 40 { "confirmed" } else { "on_hold" };
        assert_eq!(o["status"], expected, "order {n}: {o}");
    }
    let drift = tradeport_app::inventory::verify_inventory(&app.app).await.unwrap();
    assert!(drift.is_empty(), "inventory verify is clean: {drift:?}");

    // A payment after the window: the order goes on and reserves again.
    let late = &ids[99];
    hook(&app, &account, &event("evt_late", "payment_intent.succeeded", succeeded("pi_w99", 4599, "gbp")))
        .await;
    assert_eq!(order_of(&app, &s, late).await["status"], "confirmed");
    assert_eq!(reserved(&app).await, 41);
}

async fn a_merchant_sees_only_its_own_payments(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let account = stripe_account(&app, &s).await;
    let o = place(&app, &s, unpaid_order("web-t", "pi_t")).await;
    let id = o["id"].as_str().unwrap();
    let (_, a) =
        hook(&app, &account, &event("evt_t", "payment_intent.succeeded", succeeded("pi_t", 4599, "gbp")))
            .await;
    let payment = a["payment_id"].as_str().unwrap();
    let b = &s.merchant_b_key;
    let (_, list) = get(&app, "/api/v1/payments", b).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0), "{list}");
    let (_, accounts) = get(&app, "/api/v1/payment-accounts", b).await;
    assert_eq!(accounts["items"].as_array().map(Vec::len), Some(0), "{accounts}");
    for path in [
        format!("/api/v1/payments/{payment}"),
        format!("/api/v1/payment-accounts/{account}"),
        format!("/api/v1/orders/{id}/payments"),
    ] {
        assert_eq!(get(&app, &path, b).await.0, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(get(&app, &path, &s.merchant_a_key).await.0, StatusCode::OK, "{path}");
    }
    let (status, _) = post(&app, &format!("/api/v1/orders/{id}/payments"), b, json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The operator's finance sees every merchant's.
    let (_, all) = get(&app, "/api/v1/payments", &s.admin_key).await;
    assert_eq!(all["items"].as_array().map(Vec::len), Some(1), "{all}");
}

async fn a_settlement_with_a_fee_a_missing_payment_and_a_refund_reconciles_to_the_minor_unit(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let account = stripe_account(&app, &s).await;
    // pi_rec_1: paid 45.99, 10.00 refunded; pi_rec_unsettled: paid, not in the report.
    let paid = place(&app, &s, unpaid_order("web-rec-1", "pi_rec_1")).await;
    place(&app, &s, unpaid_order("web-rec-2", "pi_rec_unsettled")).await;
    hook(&app, &account, &event("evt_r1", "payment_intent.succeeded", succeeded("pi_rec_1", 4599, "gbp")))
        .await;
    hook(
        &app,
        &account,
        &event("evt_r2", "payment_intent.succeeded", succeeded("pi_rec_unsettled", 4599, "gbp")),
    )
    .await;
    let refund = json!({"id": "ch_rec_1", "object": "charge", "amount": 4599, "amount_captured": 4599, "amount_refunded": 1000,
                        "currency": "gbp", "payment_intent": "pi_rec_1", "captured": true, "refunded": false});
    hook(&app, &account, &event("evt_r3", "charge.refunded", refund)).await;

    let file = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/payments/settlement/stripe_balance_transactions.csv"
    ))
    .unwrap();
    let today = jiff::Zoned::now().with_time_zone(jiff::tz::TimeZone::UTC).date().to_string();
    let path =
        format!("/api/v1/settlements?account_id={account}&from={today}&to={today}&file_name=stripe.csv");
    let upload = |key: &str, body: Vec<u8>| {
        app.client
            .post(app.url(&path))
            .bearer_auth(key.to_string())
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    // Another merchant cannot reconcile this account.
    assert_eq!(upload(&s.merchant_b_key, file.clone()).await.unwrap().status(), StatusCode::NOT_FOUND);
    // A line that cannot be read is named, and nothing is kept.
    let broken = String::from_utf8(file.clone()).unwrap().replace("45.99", "45.9x").into_bytes();
    let res = upload(&s.merchant_a_key, broken).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("line 1: gross"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM settlement_reports").await, 0);

    let res = upload(&s.merchant_a_key, file).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let r: Value = res.json().await.unwrap();
    let id = r["id"].as_str().unwrap();
    let (_, d) = get(&app, &format!("/api/v1/settlements/{id}"), &s.merchant_a_key).await;
    let item = |reference: &str| {
        d["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["reference"] == reference)
            .cloned()
            .unwrap_or_else(|| panic!("{reference}: {d}"))
    };
    let one = item("pi_rec_1");
    assert_eq!(
        (one["finding"].as_str(), one["difference_minor"].as_i64(), one["fee_minor"].as_i64()),
        (Some("matched"), Some(0), Some(89)),
        "{one}"
    );
    assert_eq!(one["order_id"], paid["id"]);
    assert_eq!(
        (one["report_refunded_minor"].as_i64(), one["ours_refunded_minor"].as_i64()),
        (Some(1000), Some(1000))
    );
    let missing = item("pi_rec_missing");
    assert_eq!(
        (missing["finding"].as_str(), missing["difference_minor"].as_i64(), missing["fee_minor"].as_i64()),
        (Some("missing_in_tradeport"), Some(2000), Some(50))
    );
    let fee = item("txn_rec_fee_1");
    assert_eq!((fee["finding"].as_str(), fee["fee_minor"].as_i64()), (Some("fee"), Some(120)));
    let unsettled = item("pi_rec_unsettled");
    assert_eq!(
        (unsettled["finding"].as_str(), unsettled["difference_minor"].as_i64()),
        (Some("missing_in_report"), Some(-4599))
    );
    let gbp = &d["totals"]["GBP"];
    assert_eq!(
        (
            gbp["report_charged_minor"].as_i64(),
            gbp["report_refunded_minor"].as_i64(),
            gbp["fees_minor"].as_i64(),
            gbp["difference_minor"].as_i64()
        ),
        (Some(6599), Some(1000), Some(259), Some(-2599)),
        "{gbp}"
    );
    assert_eq!(d["items"][3]["finding"], "matched", "differences come first: {d}");

    // CSV and PDF for finance, read back.
    let csv = app
        .client
        .get(app.url(&format!("/api/v1/settlements/{id}/csv")))
        .bearer_auth(&s.merchant_a_key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.lines().any(|l| l.starts_with("missing_in_tradeport,pi_rec_missing,GBP,3,,2000,0,0,0,50,2000")),
        "{csv}"
    );
    let pdf = app
        .client
        .get(app.url(&format!("/api/v1/settlements/{id}/pdf")))
        .bearer_auth(&s.merchant_a_key)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let text = crate::helpers::pdf_text(&pdf);
    assert!(text.contains("pi_rec_missing") && text.contains("difference -2599"), "{text}");

    // Another merchant sees none of it.
    let (_, list) = get(&app, "/api/v1/settlements", &s.merchant_b_key).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0));
    assert_eq!(
        get(&app, &format!("/api/v1/settlements/{id}"), &s.merchant_b_key).await.0,
        StatusCode::NOT_FOUND
    );
}

async fn a_chargeback_on_a_packed_order_stops_its_hand_over_until_the_dispute_is_won(app: TestApp) {
    let f = crate::warehouse::floor(&app).await;
    crate::warehouse::stock_bin(&app, &f, "MUG", 5, "A-01-01-1-1").await;
    crate::warehouse::stock_bin(&app, &f, "PEN", 5, "A-01-01-1-2").await;
    let account = stripe_account(&app, &f.s).await;
    let mut body = crate::warehouse::order("web-wh", &[("MUG", 1), ("PEN", 1)]);
    let total = body["total_minor"].clone();
    body["channel"] = json!("web");
    body["paid_minor"] = json!(0);
    body["payment_status"] = json!("unpaid");
    body["payment_reference"] = json!("pi_wh");
    let o = place(&app, &f.s, body).await;
    let id = o["id"].as_str().unwrap().to_string();
    let total = total.as_i64().unwrap();
    hook(&app, &account, &event("evt_wh", "payment_intent.succeeded", succeeded("pi_wh", total, "gbp")))
        .await;
    let paid = order_of(&app, &f.s, &id).await;
    let paid = if paid["status"] == "confirmed" {
        paid
    } else {
        let confirmed = crate::warehouse::confirm_order(&app, &f, paid).await;
        order_of(&app, &f.s, &confirmed).await
    };
    assert_eq!(paid["status"], "confirmed", "{paid}");
    let tracking = crate::returns::labelled_packages(&app, &f, &[&id]).await;
    let dispute = |status: &str| {
        json!({"id": "dp_wh", "object": "dispute", "amount": total, "currency": "gbp", "payment_intent": "pi_wh",
               "reason": "fraudulent", "status": status})
    };
    let (_, d) =
        hook(&app, &account, &event("evt_wh_d1", "charge.dispute.created", dispute("needs_response"))).await;
    assert_eq!(d["outcome"], "applied", "{d}");
    let packed = order_of(&app, &f.s, &id).await;
    assert_eq!(packed["status"], "ready_to_ship", "an order in the warehouse is not held: {packed}");
    let (status, refused) = crate::returns::hand_over(&app, &f, &tracking).await;
    assert_eq!((status, code(&refused)), (StatusCode::CONFLICT, "order.payment_disputed"), "{refused}");
    assert_eq!(order_of(&app, &f.s, &id).await["status"], "ready_to_ship", "nothing left");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    hook(&app, &account, &event("evt_wh_d2", "charge.dispute.closed", dispute("won"))).await;
    let (status, out) = crate::returns::hand_over(&app, &f, &tracking).await;
    assert_eq!(status, StatusCode::CREATED, "the dispute won, the parcel goes: {out}");
}

async fn events_not_acted_on_and_early_ones_change_nothing_and_no_client_secret_is_kept(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let account = stripe_account(&app, &s).await;
    // Types Tradeport does not act on, with and without an object id: kept, answered, no payment.
    for (id, kind, object) in [
        ("evt_c", "customer.created", json!({"id": "cus_1", "object": "customer"})),
        ("evt_b", "balance.available", json!({"object": "balance", "available": []})),
    ] {
        let (status, a) = hook(&app, &account, &event(id, kind, object)).await;
        assert_eq!((status, a["outcome"].as_str()), (StatusCode::OK, Some("ignored")), "{a}");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM payments").await, 0);
    assert_eq!(get(&app, "/api/v1/payments", &s.merchant_a_key).await.0, StatusCode::OK);

    // An order the channel took in as paid is not held by its PaymentIntent's first events.
    let mut paid = crate::payments::unpaid_order("web-paid", "pi_paid");
    paid["channel"] = json!("shopify");
    paid["paid_minor"] = json!(4599);
    paid["payment_status"] = json!("paid");
    let o = place(&app, &s, paid).await;
    assert_eq!(o["status"], "confirmed", "{o}");
    let created = json!({"id": "pi_paid", "object": "payment_intent", "amount": 4599, "amount_received": 0, "currency": "gbp",
                         "client_secret": "pi_paid_secret_abc123", "status": "requires_payment_method", "metadata": {}});
    let (_, a) = hook(&app, &account, &event("evt_pc", "payment_intent.created", created)).await;
    assert_eq!(a["outcome"], "applied", "{a}");
    let after = order_of(&app, &s, o["id"].as_str().unwrap()).await;
    assert_eq!(
        (after["status"].as_str(), after["payment_status"].as_str()),
        (Some("confirmed"), Some("paid")),
        "{after}"
    );
    let kept = count(&app, "SELECT COUNT(*) FROM payment_events WHERE body LIKE '%pi_paid_secret%'").await;
    assert_eq!(kept, 0, "the client secret is not kept");
}
