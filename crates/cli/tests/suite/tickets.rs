//! Customer service (CS-1 … CS-3) over HTTP: a buyer writes from the order's tracking page, the
//! ticket is linked to the order with a suggested category and running clocks, an agent answers,
//! notes and solves it; a resent form is kept once; a merchant sees only its own tickets.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{Seeded, TestApp, db_tests, lamp_order};

use crate::helpers::{code, field, get, post};

db_tests!(
    a_buyer_writes_from_the_tracking_page_and_an_agent_answers,
    a_resent_form_is_kept_once_and_a_merchant_sees_only_its_own_tickets,
);

/// Merchant A's order of a lamp, and its tracking link's token.
async fn order_with_link(app: &TestApp, s: &Seeded, id: &str) -> (String, String) {
    let (status, o) = post(app, "/api/v1/orders", &s.merchant_a_key, lamp_order(id, 1)).await;
    assert_eq!(status, StatusCode::CREATED, "{o}");
    let order = o["id"].as_str().unwrap().to_string();
    let (_, link) = get(app, &format!("/api/v1/orders/{order}/tracking-link"), &s.merchant_a_key).await;
    let token = link["url"].as_str().unwrap().trim_start_matches("/track/").to_string();
    (order, token)
}

/// The buyer of `order` (its tracking link made with `key`) writes `message` from the tracking
/// page with form key `form`: the page's token and the ticket's id.
pub(crate) async fn buyer_writes(
    app: &TestApp,
    key: &str,
    order: &str,
    message: &str,
    form: &str,
) -> (String, String) {
    let (_, link) = get(app, &format!("/api/v1/orders/{order}/tracking-link"), key).await;
    let token = link["url"].as_str().unwrap().trim_start_matches("/track/").to_string();
    let (status, sent) = write(app, &token, message, form).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    (token, sent["ticket_id"].as_str().unwrap().to_string())
}

/// The buyer writes on the tracking page (no key).
async fn write(app: &TestApp, token: &str, message: &str, key: &str) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url(&format!("/api/v1/track/{token}/tickets")))
        .json(&json!({"message": message, "submission_key": key}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn buyer_view(app: &TestApp, token: &str) -> Value {
    let res = app.client.get(app.url(&format!("/api/v1/track/{token}/tickets"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn a_buyer_writes_from_the_tracking_page_and_an_agent_answers(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let (order, token) = order_with_link(&app, &s, "#t1").await;
    let agent = app.staff_key(&s, "customer_service").await;

    let (status, sent) = write(&app, &token, "Hi, where is my order? Any tracking?", "form-0000001").await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let ticket = sent["ticket_id"].as_str().unwrap().to_string();
    // Where the order is, with nothing wrong with it: answered at once, and the ticket waits.
    let (status, queue) = get(&app, "/api/v1/tickets?status=pending", &agent).await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    let t = &queue["items"][0];
    assert_eq!(
        (t["id"].as_str(), t["order_id"].as_str()),
        (Some(ticket.as_str()), Some(order.as_str())),
        "{t}"
    );
    assert_eq!(
        (t["category"].as_str(), t["channel"].as_str()),
        (Some("order_status"), Some("web_form")),
        "{t}"
    );
    assert!(t["category_because"].to_string().contains("where is my order"), "why it was suggested: {t}");
    let (opened, due) = (t["created_at"].as_i64().unwrap(), t["first_response_due"].as_i64().unwrap());
    assert_eq!(due - opened, 4 * 3_600_000, "4 hours to a first answer (no calendar: plain hours): {t}");
    assert_eq!(t["first_response_overdue"], false);
    let automatic = &t["messages"][1];
    assert_eq!(automatic["direction"], "auto", "{t}");
    assert!(automatic["body"].as_str().unwrap().contains(&format!("/track/{token}")), "{automatic}");
    assert!(t["first_responded_at"].as_i64().is_some(), "the automatic answer is the first response: {t}");

    // An internal note moves nothing; the answer stops the first-response clock.
    let path = format!("/api/v1/tickets/{ticket}/messages");
    let (_, noted) = post(&app, &path, &agent, json!({"kind": "note", "body": "asked the warehouse"})).await;
    assert_eq!(noted["status"], "pending", "{noted}");
    let (status, answered) =
        post(&app, &path, &agent, json!({"kind": "reply", "body": "It leaves the warehouse today."})).await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    assert_eq!(answered["status"], "pending", "{answered}");
    assert!(answered["first_responded_at"].as_i64().is_some(), "{answered}");
    // The buyer sees the answer, not the note.
    let mine = buyer_view(&app, &token).await;
    let said: Vec<(&str, &str)> = mine["items"][0]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["direction"].as_str().unwrap(), m["body"].as_str().unwrap()))
        .filter(|(direction, _)| *direction != "auto")
        .collect();
    assert_eq!(
        said,
        [("in", "Hi, where is my order? Any tracking?"), ("out", "It leaves the warehouse today.")]
    );

    // The tracking page shows the conversation and takes a message from its own form.
    let page =
        app.client.get(app.url(&format!("/track/{token}"))).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("It leaves the warehouse today.") && !page.contains("asked the warehouse"),
        "{page}"
    );
    let key =
        page.split("name=\"submission_key\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let form = [("lang", "zh-CN"), ("message", "颜色不对"), ("submission_key", key.as_str())];
    let res = app.client.post(app.url(&format!("/track/{token}/message"))).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let answered_page = res.text().await.unwrap();
    assert!(
        answered_page.contains("谢谢，我们已收到您的留言") && answered_page.contains("颜色不对"),
        "{answered_page}"
    );

    // The buyer writes back to the same ticket; solved, then written to again, it opens again.
    let (_, again) = write(&app, &token, "Thanks, and the colour?", "form-0000002").await;
    assert_eq!(again["ticket_id"], ticket.as_str());
    let (status, solved) = post(&app, &format!("/api/v1/tickets/{ticket}/solve"), &agent, json!({})).await;
    assert_eq!((status, solved["status"].as_str()), (StatusCode::OK, Some("solved")), "{solved}");
    let (_, reopened) = write(&app, &token, "It is the wrong colour after all", "form-0000003").await;
    assert_eq!(reopened["ticket_id"], ticket.as_str(), "one ticket per issue");
    // (Solving it asked the buyer how it went: the survey is the seventh message.)
    let (_, t) = get(&app, &format!("/api/v1/tickets/{ticket}"), &agent).await;
    assert_eq!(
        (t["status"].as_str(), t["messages"].as_array().map(Vec::len)),
        (Some("open"), Some(8)),
        "{t}"
    );
    // What the buyer said on the phone needs an answer again.
    let (_, phoned) =
        post(&app, &path, &agent, json!({"kind": "phone", "body": "Called: wants a refund"})).await;
    assert_eq!(
        (phoned["status"].as_str(), phoned["messages"][8]["channel"].as_str()),
        (Some("open"), Some("phone"))
    );

    // Clear errors, nothing kept.
    let (status, e) = post(&app, &path, &agent, json!({"kind": "shout", "body": "x"})).await;
    assert_eq!((status, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, "kind"), "{e}");
    let (status, e) = write(&app, &token, "   ", "form-0000004").await;
    assert_eq!((status, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, "message"), "{e}");
    let (status, e) = write(&app, &"0".repeat(48), "hello", "form-0000005").await;
    assert_eq!((status, code(&e)), (StatusCode::NOT_FOUND, "not_found"), "{e}");
    let (status, e) = get(&app, "/api/v1/tickets?status=lost", &agent).await;
    assert_eq!((status, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, "status"), "{e}");
}

async fn a_resent_form_is_kept_once_and_a_merchant_sees_only_its_own_tickets(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let (_, token) = order_with_link(&app, &s, "#t2").await;
    let (_, first) = write(&app, &token, "The lamp arrived broken", "resent-form-1").await;
    let (status, again) = write(&app, &token, "The lamp arrived broken", "resent-form-1").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (again["duplicate"].as_bool(), &again["message_id"]),
        (Some(true), &first["message_id"]),
        "{again}"
    );
    let mine = buyer_view(&app, &token).await;
    assert_eq!(mine["items"][0]["messages"].as_array().map(Vec::len), Some(1), "{mine}");
    assert_eq!(mine["items"][0]["category"], "quality", "{mine}");

    let ticket = first["ticket_id"].as_str().unwrap();
    let (_, own) = get(&app, "/api/v1/tickets", &s.merchant_a_key).await;
    assert_eq!(own["items"].as_array().map(Vec::len), Some(1), "{own}");
    let b = &s.merchant_b_key;
    let (_, theirs) = get(&app, "/api/v1/tickets", b).await;
    assert_eq!(theirs["items"].as_array().map(Vec::len), Some(0), "{theirs}");
    assert_eq!(get(&app, &format!("/api/v1/tickets/{ticket}"), b).await.0, StatusCode::NOT_FOUND);
    let answer = json!({"kind": "reply", "body": "not yours"});
    assert_eq!(
        post(&app, &format!("/api/v1/tickets/{ticket}/messages"), b, answer).await.0,
        StatusCode::NOT_FOUND
    );
    let warehouse = app.staff_key(&s, "warehouse").await;
    assert_eq!(get(&app, "/api/v1/tickets", &warehouse).await.0, StatusCode::FORBIDDEN);
}
