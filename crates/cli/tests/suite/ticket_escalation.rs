//! Escalation (CS-4) over HTTP: an agent files a refund request from the buyer's ticket; with a
//! 50.00 GBP limit the agent cannot grant 60.00, so the request and the ticket go up to a
//! supervisor with the reason; the supervisor sees it waiting, decides, and the ticket is the
//! agent's again. An agent also links the order, sets the category and takes the ticket.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests, lamp_order};

use crate::helpers::{code, field, get, post};
use crate::returns::{hand_over_orders, uk_policy};
use crate::warehouse::{confirmed_order, floor, stock_bin};

db_tests!(
    an_agent_above_their_limit_sends_the_ticket_to_a_supervisor_who_decides,
    a_promised_answer_becomes_a_follow_up_when_it_passes,
);

/// The ticket with `id` as `key` sees it.
async fn ticket(app: &TestApp, key: &str, id: &str) -> Value {
    let (status, t) = get(app, &format!("/api/v1/tickets/{id}"), key).await;
    assert_eq!(status, StatusCode::OK, "{t}");
    t
}

async fn an_agent_above_their_limit_sends_the_ticket_to_a_supervisor_who_decides(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 6, "A-01-01-1-1").await;
    uk_policy(&app, &f).await;
    let order = confirmed_order(&app, &f, "#esc-1", &[("MUG", 6)]).await;
    hand_over_orders(&app, &f, &[&order]).await;
    crate::orders::settings(
        &app,
        &f.s.admin_key,
        json!({"approval_limits": {"customer_service": {"GBP": 5000}}}),
    )
    .await;
    let agent = app.staff_key(&f.s, "customer_service").await;
    let supervisor = app.staff_key(&f.s, "supervisor").await;

    // The buyer writes without naming the order; the agent links it and sets the category.
    let (_, id) = crate::tickets::buyer_writes(
        &app,
        &f.s.admin_key,
        &order,
        "All six mugs arrived broken.",
        "esc-form-0001",
    )
    .await;
    let path = format!("/api/v1/tickets/{id}");
    let (status, bad) = crate::helpers::call(
        &app,
        reqwest::Method::PATCH,
        &path,
        &agent,
        Some(json!({"category": "broken", "assignee_id": "nobody-we-know"})),
    )
    .await;
    assert_eq!((status, field(&bad)), (StatusCode::UNPROCESSABLE_ENTITY, "category"), "{bad}");
    assert_eq!(bad["error"]["fields"].as_array().unwrap().len(), 2, "both fields are named: {bad}");
    let change = json!({"category": "quality", "priority": "high", "order_id": order});
    let (status, set) = crate::helpers::call(&app, reqwest::Method::PATCH, &path, &agent, Some(change)).await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(
        (set["category"].as_str(), set["priority"].as_str()),
        (Some("quality"), Some("high")),
        "{set}"
    );
    assert_eq!(set["category_because"], json!(["set by an agent"]));

    // A refund of the six mugs, 60.00 GBP, filed from the ticket.
    let claim = json!({"request_type": "refund_only", "reason": "quality", "description": "broken in transit",
                       "lines": [{"sku": "MUG", "quantity": 6}]});
    let (status, filed) = post(&app, &format!("{path}/aftersales"), &agent, claim).await;
    assert_eq!(status, StatusCode::OK, "{filed}");
    let request = filed["request_id"].as_str().expect("the request is linked").to_string();
    assert!(filed["messages"].to_string().contains("filed after-sales request RMA-"), "{filed}");

    // 60.00 is above the agent's 50.00: the request and the ticket go up, with the reason.
    let decide = format!("/api/v1/aftersales-requests/{request}/decision");
    let sixty = json!({"decision": "approve", "amount_minor": 6000});
    let (status, up) = post(&app, &decide, &agent, sixty.clone()).await;
    assert_eq!((status, up["status"].as_str()), (StatusCode::OK, Some("escalated")), "{up}");
    let t = ticket(&app, &agent, &id).await;
    assert_eq!(t["status"], "escalated", "{t}");
    let reason = t["escalation_reason"].as_str().unwrap();
    assert!(reason.contains("grant 60.00 GBP, above the customer_service limit of 50.00 GBP"), "{reason}");
    let (status, again) = post(&app, &decide, &agent, sixty.clone()).await;
    assert_eq!((status, code(&again)), (StatusCode::CONFLICT, "aftersales.above_limit"), "{again}");

    // The supervisor's queue shows it and how long it has waited; the supervisor decides.
    let (_, queue) = get(&app, "/api/v1/tickets?status=escalated", &supervisor).await;
    let waiting = &queue["items"][0];
    assert_eq!((waiting["id"].as_str(), waiting["escalated_minutes"].as_i64()), (Some(id.as_str()), Some(0)));
    let (status, granted) = post(&app, &decide, &supervisor, sixty).await;
    assert_eq!(status, StatusCode::OK, "{granted}");
    let t = ticket(&app, &agent, &id).await;
    assert_eq!(t["status"], "open", "the agent tells the buyer: {t}");
    assert_eq!(t["escalated_minutes"], Value::Null);
    assert!(t["messages"].to_string().contains("completed RMA-"), "refunded, then noted: {t}");
    let (_, queue) = get(&app, "/api/v1/tickets?status=escalated", &supervisor).await;
    assert_eq!(queue["items"], json!([]));

    // Sent up by hand, with a reason; without one it is refused.
    let (status, body) = post(&app, &format!("{path}/escalate"), &agent, json!({"reason": " "})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "reason"), "{body}");
    let (status, up) = post(
        &app,
        &format!("{path}/escalate"),
        &agent,
        json!({"reason": "buyer asks for a goodwill voucher"}),
    )
    .await;
    assert_eq!((status, up["status"].as_str()), (StatusCode::OK, Some("escalated")), "{up}");
    let (status, _) = get(&app, &path, &f.s.merchant_b_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another merchant sees none of it");
}

/// CS-3: an answer that needs finding out gets a promised time; past it unanswered, the ticket is a
/// follow-up in the overdue queue; the next answer keeps the promise.
async fn a_promised_answer_becomes_a_follow_up_when_it_passes(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let (_, o) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#promise-1", 1)).await;
    let order = o["id"].as_str().unwrap();
    let (_, ticket) = crate::tickets::buyer_writes(
        &app,
        &s.merchant_a_key,
        order,
        "Is the lamp dimmable?",
        "promise-form-1",
    )
    .await;
    let agent = app.staff_key(&s, "customer_service").await;
    let path = format!("/api/v1/tickets/{ticket}/promise");
    let (status, bad) = post(&app, &path, &agent, json!({"within_hours": 0, "note": "ask the maker"})).await;
    assert_eq!((status, field(&bad)), (StatusCode::UNPROCESSABLE_ENTITY, "within_hours"), "{bad}");
    let (status, promised) =
        post(&app, &path, &agent, json!({"within_hours": 8, "note": "ask the maker"})).await;
    assert_eq!((status, promised["status"].as_str()), (StatusCode::OK, Some("pending")), "{promised}");
    let at = promised["promised_at"].as_i64().unwrap();
    assert!(at > promised["updated_at"].as_i64().unwrap(), "{promised}");
    let told =
        promised["messages"].as_array().unwrap().iter().find(|m| m["direction"] == "out").unwrap().clone();
    assert!(told["body"].as_str().unwrap().contains("will write to you again by"), "{told}");
    let (_, buyer) = get(&app, &format!("/api/v1/tickets/{ticket}"), &s.merchant_a_key).await;
    assert_eq!(buyer["promise_note"], "ask the maker", "the merchant's agents see the note");

    // The promised time passes unanswered: a follow-up in the overdue queue.
    let (_, none) = get(&app, "/api/v1/tickets?view=overdue", &agent).await;
    assert_eq!(none["items"], json!([]));
    {
        let mut tx = app.app.db().begin().await.unwrap();
        sqlx::query("UPDATE tickets SET promised_at = 1 WHERE id = $1")
            .bind(&ticket)
            .execute(&mut *tx)
            .await
            .unwrap();
        tradeport_store::commit(tx).await.unwrap();
    }
    let (_, late) = get(&app, "/api/v1/tickets?view=overdue", &agent).await;
    assert_eq!(late["items"][0]["id"], ticket.as_str(), "{late}");
    // The answer keeps the promise.
    let reply = json!({"kind": "reply", "body": "Yes, with any standard dimmer."});
    let (_, kept) = post(&app, &format!("/api/v1/tickets/{ticket}/messages"), &agent, reply).await;
    assert_eq!(kept["promised_at"], Value::Null, "{kept}");
    let (_, after) = get(&app, "/api/v1/tickets?view=overdue", &agent).await;
    assert_eq!(after["items"], json!([]));
}
