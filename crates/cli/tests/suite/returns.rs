//! After-sales requests and returns (AFS-2 … AFS-6, EXC-6) through the API: an order is claimed
//! against line by line (never more than left the warehouse, nor twice); a customer-service agent cannot
//! grant above their limit, so the request goes up to a supervisor; the parcel is scanned in by
//! its RMA number, inspected and restocked into a bin through the ledger (`inventory verify`
//! clean) or destroyed with the reason; and the refunds never pass what was paid. A cancellation
//! after hand-over is a recall, never a silent cancel.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests};

use crate::customs::europe_service;
use crate::helpers::{code, field, get, post};
use crate::warehouse::{
    Floor, assert_books_agree, balance, confirmed_order, floor, ready_packages, stock_bin,
};

db_tests!(
    a_return_is_claimed_by_line_decided_within_limits_inspected_restocked_or_destroyed_and_refunded,
    a_cancellation_after_hand_over_is_a_recall_never_a_silent_cancel,
    an_order_completes_when_delivered_past_the_window_with_nothing_open_or_cancelled_and_settled,
    two_people_deciding_one_request_at_once_pay_once_and_other_merchants_reach_nothing
);

/// Merchant A's order for two mugs and a pen, handed over (two parcels: the mugs are fragile).
pub(crate) async fn mugs_and_pen_shipped(app: &TestApp, f: &Floor, id: &str) -> String {
    let order = confirmed_order(app, f, id, &[("MUG", 2), ("PEN", 1)]).await;
    hand_over_orders(app, f, &[&order]).await;
    order
}

/// Picks, packs, labels (Europe line) and hands over confirmed orders in one hand-over.
pub(crate) async fn hand_over_orders(app: &TestApp, f: &Floor, orders: &[&str]) {
    let tracking = labelled_packages(app, f, orders).await;
    let (status, out) = hand_over(app, f, &tracking).await;
    assert_eq!(status, StatusCode::CREATED, "{out}");
}

/// Picks, packs and labels (Europe line) confirmed orders; their tracking numbers.
pub(crate) async fn labelled_packages(app: &TestApp, f: &Floor, orders: &[&str]) -> Vec<Value> {
    let logistics = app.staff_key(&f.s, "logistics").await;
    let (status, body) = post(app, "/api/v1/carrier-services", &logistics, europe_service()).await;
    assert!(status == StatusCode::OK || code(&body) == "duplicate", "{body}");
    let mut tracking = Vec::new();
    for (_, packages) in ready_packages(app, f, orders).await {
        for p in &packages {
            let (status, s) =
                post(app, &format!("/api/v1/packages/{p}/shipment"), &f.s.admin_key, json!({})).await;
            assert_eq!(status, StatusCode::OK, "{s}");
            tracking.push(s["tracking_no"].clone());
        }
    }
    tracking
}

/// Hands the packages of these tracking numbers to the carrier.
pub(crate) async fn hand_over(app: &TestApp, f: &Floor, tracking: &[Value]) -> (StatusCode, Value) {
    post(
        app,
        "/api/v1/handovers",
        &f.s.admin_key,
        json!({"warehouse_id": f.uk, "carrier": "Yun Express", "packages": tracking}),
    )
    .await
}

pub(crate) async fn uk_policy(app: &TestApp, f: &Floor) {
    let policy = json!({"category": "home", "market": "GB", "window_days": 30, "restocking_fee_bp": 1000,
                        "allowed": ["refund_only", "return_and_refund", "exchange", "partial_refund"],
                        "return_point": "Tradeport Returns, 2 Dock Road, Manchester M17 1AA"});
    let (status, body) = post(app, "/api/v1/aftersales-policies", &f.s.admin_key, policy).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// The code of the first field a 422 names.
fn field_code(body: &Value) -> &str {
    body["error"]["fields"][0]["code"].as_str().unwrap_or_default()
}

fn request(order: &str, kind: &str, reason: &str, sku: &str, qty: i64, words: &str) -> Value {
    json!({"order_id": order, "request_type": kind, "reason": reason, "description": words,
           "lines": [{"sku": sku, "quantity": qty}]})
}

async fn a_return_is_claimed_by_line_decided_within_limits_inspected_restocked_or_destroyed_and_refunded(
    app: TestApp,
) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 5, "A-01-01-1-1").await;
    stock_bin(&app, &f, "PEN", 5, "A-01-01-1-2").await;
    uk_policy(&app, &f).await;
    let order = mugs_and_pen_shipped(&app, &f, "#ret-1").await;
    let waiting = confirmed_order(&app, &f, "#ret-2", &[("MUG", 1)]).await;
    let file = |key: String, body: Value| {
        let app = &app;
        async move { post(app, "/api/v1/aftersales-requests", &key, body).await }
    };
    let a = f.s.merchant_a_key.clone();

    // Another merchant neither files nor sees.
    let (status, _) =
        file(f.s.merchant_b_key.clone(), request(&order, "refund_only", "quality", "MUG", 1, "")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Bad input is named field by field; claims stop at what left and was not claimed before.
    let (status, body) = file(a.clone(), request(&order, "swap", "quality", "MUG", 1, "")).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "request_type"), "{body}");
    let (status, body) =
        file(a.clone(), request(&waiting, "return_and_refund", "quality", "MUG", 1, "")).await;
    assert_eq!((status, field_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "not_claimable"), "{body}");
    assert!(body.to_string().contains("only 0 can still be claimed"), "nothing of it left: {body}");
    let (status, body) =
        file(a.clone(), request(&order, "return_and_refund", "quality", "LAMP", 1, "")).await;
    assert_eq!((status, field_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "not_claimable"), "{body}");

    let words = "The handle arrived cracked";
    let (status, first) =
        file(a.clone(), request(&order, "return_and_refund", "quality", "MUG", 1, words)).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(
        (first["rma_no"].as_str(), first["status"].as_str(), first["department"].as_str()),
        (Some("RMA-000001"), Some("requested"), Some("customer_service")),
        "{first}"
    );
    assert_eq!(
        (first["goods_minor"].as_i64(), first["shipping_minor"].as_i64(), first["most_minor"].as_i64()),
        (Some(1000), Some(800), Some(1800)),
        "one mug and the shipping, the seller's fault: {first}"
    );
    assert_eq!(
        (first["freight_payer"].as_str(), first["source"].as_str()),
        (Some("seller"), Some("merchant"))
    );
    assert!(first["return_to"].as_str().unwrap().starts_with("Tradeport Returns"), "{first}");
    let (status, body) = file(a.clone(), request(&order, "return_and_refund", "quality", "MUG", 2, "")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "one mug is claimed already: {body}");
    let (_, theirs) =
        get(&app, &format!("/api/v1/aftersales-requests?order_id={order}"), &f.s.merchant_b_key).await;
    assert_eq!(theirs["items"], json!([]), "merchant B sees none of A's requests");

    // Customer service grants up to its limit; above it a supervisor decides.
    crate::orders::settings(
        &app,
        &f.s.admin_key,
        json!({"approval_limits": {"customer_service": {"GBP": 1000}}}),
    )
    .await;
    let id = first["id"].as_str().unwrap();
    let decide = |key: String, body: Value| {
        let app = &app;
        let path = format!("/api/v1/aftersales-requests/{id}/decision");
        async move { post(app, &path, &key, body).await }
    };
    let agent = app.staff_key(&f.s, "customer_service").await;
    let (status, _) = decide(a.clone(), json!({"decision": "approve"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a merchant does not decide");
    let (status, up) = decide(agent.clone(), json!({"decision": "approve"})).await;
    assert_eq!((status, up["status"].as_str()), (StatusCode::OK, Some("escalated")), "{up}");
    assert!(
        up["decision_note"].as_str().unwrap().contains("above the customer_service limit of 10.00 GBP"),
        "{up}"
    );
    let (status, again) = decide(agent.clone(), json!({"decision": "approve", "amount_minor": 1800})).await;
    assert_eq!((status, code(&again)), (StatusCode::CONFLICT, "aftersales.above_limit"), "{again}");
    let supervisor = app.staff_key(&f.s, "supervisor").await;
    let (status, body) =
        decide(supervisor.clone(), json!({"decision": "approve", "amount_minor": 1801})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "amount_minor"), "{body}");
    let (status, granted) = decide(supervisor.clone(), json!({"decision": "approve"})).await;
    assert_eq!((status, granted["status"].as_str()), (StatusCode::OK, Some("awaiting_return")), "{granted}");
    let (_, queue) = get(&app, "/api/v1/aftersales-requests?department=customer_service", &agent).await;
    assert_eq!(queue["items"][0]["rma_no"], "RMA-000001", "still open in the queue: {queue}");

    // The parcel comes back: scanned by its RMA number, inspected, restocked into a bin.
    let warehouse = app.staff_key(&f.s, "warehouse").await;
    let (status, body) =
        post(&app, "/api/v1/returns/receive", &warehouse, json!({"rma_no": "RMA-999999"})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "rma_no"), "{body}");
    let (status, got) =
        post(&app, "/api/v1/returns/receive", &warehouse, json!({"rma_no": "rma-000001"})).await;
    assert_eq!((status, got["status"].as_str()), (StatusCode::OK, Some("received")), "{got}");
    let (status, body) =
        post(&app, "/api/v1/returns/receive", &warehouse, json!({"rma_no": "RMA-000001"})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "aftersales.not_awaited"), "{body}");
    let inspect_path = format!("/api/v1/aftersales-requests/{id}/inspection");
    let inspect = |body: Value| post(&app, &inspect_path, &warehouse, body);
    let (status, body) = inspect(json!({"intact": true, "original_item": true, "resaleable": false,
                                        "disposition": "restock", "bin": "A-02-01-1-1"}))
    .await;
    assert_eq!((status, field_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "not_resaleable"), "{body}");
    let before = balance(&app, &f, &f.mug).await;
    let (status, done) = inspect(json!({"intact": true, "original_item": true, "resaleable": true,
                                        "notes": "cracked handle glued at the factory: a cosmetic mark only",
                                        "disposition": "restock", "bin": "A-02-01-1-1"}))
    .await;
    assert_eq!((status, done["status"].as_str()), (StatusCode::OK, Some("completed")), "{done}");
    assert!(done["refund_id"].is_string() && done["inspection"]["resaleable"] == true, "{done}");
    assert_eq!(balance(&app, &f, &f.mug).await.0, before.0 + 1, "the mug is back on hand");
    let mut conn = app.app.db().read().await.unwrap();
    let in_bin: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(q.qty), 0) AS BIGINT) FROM bin_balances q JOIN bins b ON b.id = q.bin_id \
         WHERE b.code = 'A-02-01-1-1' AND q.sku_id = $1",
    )
    .bind(&f.mug)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    drop(conn);
    assert_eq!(in_bin, 1, "in the bin it was put in");
    assert_books_agree(&app).await;

    // The buyer hears of the money in their language.
    let sink = tradeport_testkit::SmtpSink::start().await;
    let mailer = app.app.clone().with_mailer(
        tradeport_connectors::mail::SmtpMailer::new(&sink.url, "Acme <orders@acme.example>").unwrap(),
    );
    let told = crate::warehouse::short_picks::mails_about(&mailer, &sink, "Your refund").await;
    assert_eq!(told.len(), 1, "one e-mail for the one refund: {told:?}");
    assert!(told[0].1.contains("we have refunded GBP 18.00"), "{}", told[0].1);

    // A pen that never arrived: refunded without a return, the shipping not granted twice.
    let (status, lost) =
        file(a.clone(), request(&order, "refund_only", "quality", "PEN", 1, "it never arrived")).await;
    assert_eq!(status, StatusCode::CREATED, "{lost}");
    assert_eq!(
        (lost["department"].as_str(), lost["shipping_minor"].as_i64()),
        (Some("logistics"), Some(0)),
        "routed by the buyer's words; shipping went back once: {lost}"
    );
    let path = format!("/api/v1/aftersales-requests/{}/decision", lost["id"].as_str().unwrap());
    let (status, paid) = post(&app, &path, &f.s.admin_key, json!({"decision": "approve"})).await;
    assert_eq!((status, paid["status"].as_str()), (StatusCode::OK, Some("completed")), "{paid}");
    let (status, body) = post(&app, &path, &f.s.admin_key, json!({"decision": "approve"})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "aftersales.decided"), "decided once: {body}");

    // A change of mind: the restocking fee comes off, and a unit destroyed never enters stock.
    let (_, mind) = file(a.clone(), request(&order, "return_and_refund", "changed_mind", "MUG", 1, "")).await;
    assert_eq!(
        (mind["restocking_fee_minor"].as_i64(), mind["most_minor"].as_i64()),
        (Some(100), Some(900)),
        "{mind}"
    );
    let mind_id = mind["id"].as_str().unwrap();
    let path = format!("/api/v1/aftersales-requests/{mind_id}/decision");
    let (status, _) = post(&app, &path, &f.s.admin_key, json!({"decision": "approve"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) =
        post(&app, "/api/v1/returns/receive", &warehouse, json!({"rma_no": mind["rma_no"]})).await;
    assert_eq!(status, StatusCode::OK);
    let path = format!("/api/v1/aftersales-requests/{mind_id}/inspection");
    let destroy =
        json!({"intact": false, "original_item": true, "resaleable": false, "disposition": "destroy"});
    let (status, body) = post(&app, &path, &warehouse, destroy.clone()).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "reason"), "{body}");
    let before = balance(&app, &f, &f.mug).await;
    let mut destroy = destroy;
    destroy["reason"] = json!("glaze shattered in transit: unsafe to sell");
    let (status, gone) = post(&app, &path, &warehouse, destroy).await;
    assert_eq!((status, gone["status"].as_str()), (StatusCode::OK, Some("completed")), "{gone}");
    assert_eq!(gone["disposition_reason"], "glaze shattered in transit: unsafe to sell");
    assert_eq!(balance(&app, &f, &f.mug).await, before, "a destroyed unit never enters stock");
    assert_books_agree(&app).await;

    let (_, refunds) = get(&app, &format!("/api/v1/orders/{order}/refunds"), &a).await;
    assert_eq!(
        (refunds["refunded_minor"].as_i64(), refunds["paid_minor"].as_i64()),
        (Some(1800 + 1000 + 900), Some(3800)),
        "each request refunded once, never past what was paid: {refunds}"
    );
    let (_, o) = get(&app, &format!("/api/v1/orders/{order}"), &a).await;
    let kinds: Vec<&str> =
        o["events"].as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
    for kind in [
        "aftersales_requested",
        "aftersales_escalated",
        "aftersales_approved",
        "aftersales_return_received",
        "aftersales_return_inspected",
        "aftersales_completed",
    ] {
        assert!(kinds.contains(&kind), "{kind} on the timeline: {kinds:?}");
    }
    assert!(o.to_string().contains("destroy: glaze shattered"), "the reason is on the timeline");

    // Each refund's e-mail tells of that refund, though both were paid before either was sent.
    let told = crate::warehouse::short_picks::mails_about(&mailer, &sink, "Your refund").await;
    let mut amounts: Vec<&str> = told
        .iter()
        .filter_map(|(_, text)| text.split("we have refunded ").nth(1)?.split(" for").next())
        .collect();
    amounts.sort();
    assert_eq!(amounts, ["GBP 10.00", "GBP 18.00", "GBP 9.00"], "{told:?}");
}

async fn a_cancellation_after_hand_over_is_a_recall_never_a_silent_cancel(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 3, "A-01-01-1-1").await;
    stock_bin(&app, &f, "PEN", 3, "A-01-01-1-2").await;
    uk_policy(&app, &f).await;
    let order = mugs_and_pen_shipped(&app, &f, "#recall-1").await;
    let before = balance(&app, &f, &f.mug).await;
    let (status, body) = post(
        &app,
        &format!("/api/v1/orders/{order}/cancel"),
        &f.s.admin_key,
        json!({"reason": "buyer asked"}),
    )
    .await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "order.recall_needed"), "{body}");
    let address = json!({"shipping_address": {"name": "Ada", "line1": "9 New Street", "city": "Leeds", "postcode": "LS1 1AA",
                                               "country": "GB"}, "reason": "buyer moved", "buyer_agreed": true});
    let path = format!("/api/v1/orders/{order}/shipping-address");
    let (status, body) =
        crate::helpers::call(&app, reqwest::Method::PUT, &path, &f.s.admin_key, Some(address)).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "order.left_warehouse"), "{body}");
    assert!(body.to_string().contains("redirect"), "the alternative is offered: {body}");
    let recall = format!("/api/v1/orders/{order}/recall");
    let (status, body) = post(&app, &recall, &f.s.admin_key, json!({"reason": " ", "fee_minor": 300})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "reason"), "{body}");
    let (status, _) = post(&app, &recall, &f.s.merchant_b_key, json!({"reason": "x"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "merchants ask staff to recall");
    let asked = json!({"reason": "the buyer moved house", "fee_minor": 300, "buyer_pays_fee": true, "buyer_agreed": true});
    let (status, case) = post(&app, &recall, &f.s.admin_key, asked).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(
        (
            case["case"]["case_type"].as_str(),
            case["case"]["department"].as_str(),
            case["case"]["status"].as_str()
        ),
        (Some("cancellation"), Some("logistics"), Some("open")),
        "{case}"
    );
    assert!(
        case["actions"][0]["action"]
            .as_str()
            .unwrap()
            .contains("fee 3.00 GBP borne by the buyer; the buyer agreed"),
        "{case}"
    );
    let (_, o) = get(&app, &format!("/api/v1/orders/{order}"), &f.s.merchant_a_key).await;
    assert_eq!(o["status"], "handed_over", "never a silent cancel");
    assert!(o["events"].as_array().unwrap().iter().any(|e| e["kind"] == "order_recall_requested"), "{o}");
    assert_eq!(balance(&app, &f, &f.mug).await, before, "stock waits for the parcel to come back");
    // An exchange tries the same item first: the warehouse that shipped has one free.
    let body = request(&order, "exchange", "quality", "MUG", 1, "the glaze is cracked");
    let (status, swap) = post(&app, "/api/v1/aftersales-requests", &f.s.merchant_a_key, body).await;
    assert_eq!(status, StatusCode::CREATED, "{swap}");
    let path = format!("/api/v1/aftersales-requests/{}/decision", swap["id"].as_str().unwrap());
    let (_, swap) = post(&app, &path, &f.s.admin_key, json!({"decision": "approve"})).await;
    assert_eq!(swap["status"], "awaiting_return", "{swap}");
    assert!(swap["decision_note"].as_str().unwrap().contains("the same item is in stock"), "{swap}");
    // A late parcel: a partial refund by the operator's rule, 10% of the goods claimed.
    let body = request(&order, "partial_refund", "logistics", "PEN", 1, "a week late");
    let (_, late) = post(&app, "/api/v1/aftersales-requests", &f.s.merchant_a_key, body).await;
    let path = format!("/api/v1/aftersales-requests/{}/decision", late["id"].as_str().unwrap());
    let (_, late) = post(&app, &path, &f.s.admin_key, json!({"decision": "approve"})).await;
    assert_eq!(
        (late["status"].as_str(), late["granted_minor"].as_i64()),
        (Some("completed"), Some(100)),
        "{late}"
    );
    let waiting = confirmed_order(&app, &f, "#recall-2", &[("MUG", 1)]).await;
    let (status, body) = post(
        &app,
        &format!("/api/v1/orders/{waiting}/recall"),
        &f.s.admin_key,
        json!({"reason": "changed mind"}),
    )
    .await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "order.not_handed_over"), "{body}");
    let (status, cancelled) = post(
        &app,
        &format!("/api/v1/orders/{waiting}/cancel"),
        &f.s.admin_key,
        json!({"reason": "changed mind"}),
    )
    .await;
    assert_eq!((status, cancelled["status"].as_str()), (StatusCode::OK, Some("cancelled")), "{cancelled}");
    assert_eq!(balance(&app, &f, &f.mug).await, before, "what was reserved is released, exactly");
    assert_books_agree(&app).await;
}

pub(crate) async fn completion(app: &TestApp, key: &str) -> i64 {
    let (status, run) = post(app, "/api/v1/orders/completion", key, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{run}");
    run["completed"].as_i64().unwrap()
}

async fn completed_at(app: &TestApp, key: &str, order: &str) -> Value {
    get(app, &format!("/api/v1/orders/{order}"), key).await.1["completed_at"].clone()
}

/// Marks every parcel of the order delivered `days_ago` days ago.
pub(crate) async fn delivered(app: &TestApp, order: &str, days_ago: i64) {
    let at = app.app.now().0 - days_ago * 86_400_000;
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("UPDATE shipments SET delivered_at = $1, tracking_status = 'delivered' WHERE order_id = $2")
        .bind(at)
        .bind(order)
        .execute(&mut *conn)
        .await
        .unwrap();
}

async fn an_order_completes_when_delivered_past_the_window_with_nothing_open_or_cancelled_and_settled(
    app: TestApp,
) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 5, "A-01-01-1-1").await;
    stock_bin(&app, &f, "PEN", 5, "A-01-01-1-2").await;
    uk_policy(&app, &f).await;
    let admin = f.s.admin_key.clone();
    let (status, _) = post(&app, "/api/v1/orders/completion", &f.s.merchant_a_key, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let order = mugs_and_pen_shipped(&app, &f, "#done-1").await;
    assert_eq!(completion(&app, &admin).await, 0, "on its way: not complete");
    delivered(&app, &order, 10).await;
    assert_eq!(completion(&app, &admin).await, 0, "inside the 30-day window");
    let body = request(&order, "refund_only", "quality", "PEN", 1, "the pen leaks");
    let (status, open) = post(&app, "/api/v1/aftersales-requests", &f.s.merchant_a_key, body).await;
    assert_eq!((status, open["status"].as_str()), (StatusCode::CREATED, Some("requested")), "{open}");
    delivered(&app, &order, 31).await;
    assert_eq!(completion(&app, &admin).await, 0, "an open request keeps it open");
    let path = format!("/api/v1/aftersales-requests/{}/decision", open["id"].as_str().unwrap());
    let (status, _) =
        post(&app, &path, &admin, json!({"decision": "reject", "note": "the pen was fine"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(completion(&app, &admin).await, 1);
    assert!(completed_at(&app, &admin, &order).await.is_i64(), "the time is recorded");
    assert_eq!(completion(&app, &admin).await, 0, "once");

    let cancelled = confirmed_order(&app, &f, "#done-2", &[("MUG", 1)]).await;
    let (status, _) =
        post(&app, &format!("/api/v1/orders/{cancelled}/cancel"), &admin, json!({"reason": "buyer"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(completion(&app, &admin).await, 0, "paid and not yet refunded");
    let refund = json!({"amount_minor": 1800, "method": "store_credit", "reason": "cancelled", "request_key": "done-2"});
    let (status, body) = post(&app, &format!("/api/v1/orders/{cancelled}/refunds"), &admin, refund).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(completion(&app, &admin).await, 1, "cancelled and settled");
    let (_, o) = get(&app, &format!("/api/v1/orders/{cancelled}"), &f.s.merchant_a_key).await;
    assert!(o["events"].as_array().unwrap().iter().any(|e| e["kind"] == "order_completed"), "{o}");
}

async fn two_people_deciding_one_request_at_once_pay_once_and_other_merchants_reach_nothing(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 3, "A-01-01-1-1").await;
    stock_bin(&app, &f, "PEN", 3, "A-01-01-1-2").await;
    uk_policy(&app, &f).await;
    let order = mugs_and_pen_shipped(&app, &f, "#race-1").await;
    let body = request(&order, "refund_only", "quality", "PEN", 1, "the pen leaks");
    let (_, filed) = post(&app, "/api/v1/aftersales-requests", &f.s.merchant_a_key, body).await;
    let id = filed["id"].as_str().unwrap().to_string();
    let one = format!("/api/v1/aftersales-requests/{id}");

    // Another merchant neither sees it, by id or by RMA number, nor decides it.
    let b = f.s.merchant_b_key.clone();
    assert_eq!(get(&app, &one, &b).await.0, StatusCode::NOT_FOUND);
    let (_, by_rma) =
        get(&app, &format!("/api/v1/aftersales-requests?rma_no={}", filed["rma_no"].as_str().unwrap()), &b)
            .await;
    assert_eq!(by_rma["items"], json!([]));
    let (_, queue) = get(&app, "/api/v1/aftersales-requests", &b).await;
    assert_eq!(queue["items"], json!([]), "nor in a queue");
    assert_eq!(
        post(&app, &format!("{one}/decision"), &b, json!({"decision": "approve"})).await.0,
        StatusCode::FORBIDDEN
    );

    // Eight decisions at once, approvals and rejections: one wins, and at most one refund is paid.
    let supervisor = app.staff_key(&f.s, "supervisor").await;
    let mut decisions = tokio::task::JoinSet::new();
    for n in 0..8 {
        let key = if n % 2 == 0 { f.s.admin_key.clone() } else { supervisor.clone() };
        let (client, url) = (app.client.clone(), app.url(&format!("{one}/decision")));
        let body = if n % 4 == 3 {
            json!({"decision": "reject", "note": "the pen was fine"})
        } else {
            json!({"decision": "approve"})
        };
        decisions.spawn(async move {
            client.post(url).bearer_auth(key).json(&body).send().await.unwrap().status()
        });
    }
    let mut ok = 0;
    while let Some(status) = decisions.join_next().await {
        let status = status.unwrap();
        assert!(status == StatusCode::OK || status == StatusCode::CONFLICT, "{status}");
        ok += usize::from(status == StatusCode::OK);
    }
    assert_eq!(ok, 1, "one decision stands");
    let (_, decided) = get(&app, &one, &f.s.admin_key).await;
    let (_, refunds) = get(&app, &format!("/api/v1/orders/{order}/refunds"), &f.s.admin_key).await;
    let paid = refunds["refunded_minor"].as_i64().unwrap();
    match decided["status"].as_str() {
        Some("completed") => {
            assert_eq!((paid, refunds["items"].as_array().unwrap().len()), (1_800, 1), "{refunds}")
        }
        Some("rejected") => assert_eq!(paid, 0, "a rejected request pays nothing: {refunds}"),
        other => panic!("decided as {other:?}: {decided}"),
    }
}
