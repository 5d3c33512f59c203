//! The agent's one screen (SLA-4) over HTTP: beside a buyer's ticket, its order with timeline and
//! time limits, the parcel and where it is, cases and requests, and the after-sales policy with the
//! days left; from there the agent resends the tracking link (an answer in the buyer's language),
//! opens an exception case and files a request, each noted on the ticket. A ticket without an
//! order shows nothing and refuses those actions, and another merchant reaches nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests};

use crate::helpers::{code, field, get, post};
use crate::returns::{delivered, hand_over_orders, uk_policy};
use crate::warehouse::{confirmed_order, floor, stock_bin};

db_tests!(an_agent_sees_the_order_parcel_and_policy_beside_the_ticket_and_acts_from_there,);

async fn context(app: &TestApp, key: &str, ticket: &str) -> (StatusCode, Value) {
    get(app, &format!("/api/v1/tickets/{ticket}/context"), key).await
}

async fn an_agent_sees_the_order_parcel_and_policy_beside_the_ticket_and_acts_from_there(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 2, "A-01-01-1-1").await;
    uk_policy(&app, &f).await;
    let order = confirmed_order(&app, &f, "#ctx-1", &[("MUG", 2)]).await;
    hand_over_orders(&app, &f, &[&order]).await;
    delivered(&app, &order, 3).await;
    let agent = app.staff_key(&f.s, "customer_service").await;
    let (token, ticket) =
        crate::tickets::buyer_writes(&app, &f.s.merchant_a_key, &order, "One mug has a crack.", "ctx-form-1")
            .await;

    let (status, c) = context(&app, &agent, &ticket).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["order"]["id"], json!(order), "{c}");
    assert_eq!(c["order"]["status"], "handed_over", "{c}");
    let kinds: Vec<&str> =
        c["order"]["events"].as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
    assert!(
        kinds.contains(&"order_hand_over") && kinds.contains(&"order_confirm"),
        "the timeline: {kinds:?}"
    );
    assert!(!c["order"]["clocks"].as_array().unwrap().is_empty(), "the time limits: {c}");
    let parcels = c["parcels"].as_array().unwrap();
    assert_eq!(parcels.len(), 1, "{c}");
    assert_eq!(parcels[0]["tracking_status"], "delivered", "{c}");
    let tracking_no = parcels[0]["tracking_no"].as_str().unwrap().to_string();
    assert!(!tracking_no.is_empty());
    assert_eq!(c["policies"][0]["category"], "home", "{c}");
    assert_eq!(c["policies"][0]["policy"]["window_days"], 30, "{c}");
    assert_eq!(c["policies"][0]["days_left"], 27, "delivered three days ago: {c}");
    assert_eq!(
        (&c["can_file_request"], &c["can_open_case"], &c["can_resend_tracking"]),
        (&json!(true), &json!(true), &json!(true)),
        "{c}"
    );

    // Resend tracking: the answer in the buyer's language with the buyer's tracking link.
    let (status, t) =
        post(&app, &format!("/api/v1/tickets/{ticket}/resend-tracking"), &agent, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{t}");
    let last = t["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["direction"], "out", "{t}");
    let body = last["body"].as_str().unwrap();
    assert!(
        body.contains(&format!("/track/{token}")) && body.contains(c["order"]["order_no"].as_str().unwrap()),
        "{body}"
    );
    assert_eq!(t["status"], "pending", "answered: {t}");

    // A case and a request from the ticket, each noted there and shown beside it.
    let case = json!({"case_type": "damaged", "description": "one mug cracked in transit"});
    let (status, t) = post(&app, &format!("/api/v1/tickets/{ticket}/cases"), &agent, case).await;
    assert_eq!(status, StatusCode::OK, "{t}");
    let notes: Vec<&str> = t["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "note")
        .filter_map(|m| m["body"].as_str())
        .collect();
    assert!(
        notes.iter().any(|n| n.starts_with("opened exception case") && n.contains("damaged")),
        "{notes:?}"
    );
    let again = json!({"case_type": "damaged", "description": "one mug cracked in transit"});
    let (status, twice) = post(&app, &format!("/api/v1/tickets/{ticket}/cases"), &agent, again).await;
    assert_eq!(
        (status, code(&twice)),
        (StatusCode::CONFLICT, "case.already_open"),
        "a retry opens one: {twice}"
    );
    let bad = json!({"case_type": "broken", "description": "?"});
    let (status, refused) = post(&app, &format!("/api/v1/tickets/{ticket}/cases"), &agent, bad).await;
    assert_eq!((status, field(&refused)), (StatusCode::UNPROCESSABLE_ENTITY, "case_type"), "{refused}");
    let request = json!({"request_type": "partial_refund", "reason": "quality", "description": "crack",
                         "lines": [{"sku": "MUG", "quantity": 1}]});
    let (status, t) = post(&app, &format!("/api/v1/tickets/{ticket}/aftersales"), &agent, request).await;
    assert_eq!(status, StatusCode::OK, "{t}");
    let (_, c) = context(&app, &agent, &ticket).await;
    assert_eq!(c["cases"].as_array().unwrap().len(), 1, "{c}");
    assert_eq!(c["cases"][0]["case_type"], "damaged", "{c}");
    assert_eq!(c["requests"].as_array().unwrap().len(), 1, "{c}");
    assert_eq!(c["can_file_request"], false, "one request per ticket: {c}");

    // Another merchant reaches nothing; the ticket's own merchant sees the same order.
    let (status, _) = context(&app, &f.s.merchant_b_key, &ticket).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) =
        post(&app, &format!("/api/v1/tickets/{ticket}/resend-tracking"), &f.s.merchant_b_key, json!({}))
            .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, mine) = context(&app, &f.s.merchant_a_key, &ticket).await;
    assert_eq!((status, &mine["order"]["id"]), (StatusCode::OK, &json!(order)), "{mine}");

    // A ticket without an order: nothing beside it, and the actions say what to do first.
    let mail = crate::ticket_email::unlinked_ticket(&app, &f.s).await;
    let (status, c) = context(&app, &agent, &mail).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!((&c["order"], c["parcels"].as_array().unwrap().len()), (&Value::Null, 0), "{c}");
    let (status, refused) =
        post(&app, &format!("/api/v1/tickets/{mail}/resend-tracking"), &agent, json!({})).await;
    assert_eq!(
        (status, code(&refused)),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        "{refused}"
    );
    assert_eq!(field(&refused), "order_id", "{refused}");
}
