//! WhatsApp chat tickets (CS-1) over HTTP: Meta's subscription check, a signed `messages`
//! delivery (the payload of `fixtures/chat/whatsapp/`) opening a ticket linked to the order it
//! names, a delivery signed wrongly refused with 401 and nothing kept, a retried delivery kept
//! once, and the agent's answer sent through the Graph API (a stand-in speaking its format), but
//! not after WhatsApp's 24-hour window.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_app::jobs::run_due;
use tradeport_connectors::channel_hooks::sign_base64;
use tradeport_testkit::{TestApp, WhatsAppFake, db_tests, lamp_order};

use crate::helpers::{code, get, post};

db_tests!(a_signed_chat_opens_a_linked_ticket_and_the_answer_goes_back_through_whatsapp);

const APP_SECRET: &str = "meta-app-secret-1";

fn fixture() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/chat/whatsapp/text_and_status.json"))
        .unwrap()
}

/// Meta's `X-Hub-Signature-256` of `body` under `secret`.
fn hub_signature(secret: &str, body: &[u8]) -> String {
    use base64::Engine;
    let raw = base64::engine::general_purpose::STANDARD.decode(sign_base64(secret, body)).unwrap();
    format!("sha256={}", raw.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

async fn deliver(app: &TestApp, connection: &str, signature: &str, body: &[u8]) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url(&format!("/api/v1/chat-hooks/{connection}")))
        .header("x-hub-signature-256", signature)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn a_signed_chat_opens_a_linked_ticket_and_the_answer_goes_back_through_whatsapp(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let graph = WhatsAppFake::start().await;
    let connect = json!({"kind": "whatsapp", "name": "Support WhatsApp", "seller_id": "106540352242922",
                         "webhook_secret": APP_SECRET,
                         "credentials": {"access_token": graph.access_token, "verify_token": "vt-123"}});
    let (status, c) = post(&app, "/api/v1/channel-connections", &s.merchant_a_key, connect).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let connection = c["id"].as_str().unwrap().to_string();
    let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#1001", 1)).await;

    // Meta's subscription check.
    let check = |token: &str| {
        app.url(&format!(
            "/api/v1/chat-hooks/{connection}?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=1158201444"
        ))
    };
    let res = app.client.get(check("vt-123")).send().await.unwrap();
    assert_eq!((res.status(), res.text().await.unwrap()), (StatusCode::OK, "1158201444".to_string()));
    let res = app.client.get(check("guess")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Signed with another secret, or not at all: 401, nothing kept.
    let body = fixture();
    let (status, refused) = deliver(&app, &connection, &hub_signature("not-the-secret", &body), &body).await;
    assert_eq!(
        (status, code(&refused)),
        (StatusCode::UNAUTHORIZED, "webhook.signature_invalid"),
        "{refused}"
    );
    let (status, _) = deliver(&app, &connection, "", &body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, none) = get(&app, "/api/v1/tickets", &s.admin_key).await;
    assert_eq!(none["items"], json!([]), "nothing was kept: {none}");

    // Signed right: one ticket with both messages, linked to order #1001 named in the text.
    let signature = hub_signature(APP_SECRET, &body);
    let (status, taken) = deliver(&app, &connection, &signature, &body).await;
    assert_eq!((status, taken["kept"].as_u64()), (StatusCode::OK, Some(2)), "{taken}");
    let (_, again) = deliver(&app, &connection, &signature, &body).await;
    assert_eq!((again["kept"].as_u64(), again["duplicates"].as_u64()), (Some(0), Some(2)), "{again}");
    let agent = app.staff_key(&s, "customer_service").await;
    let (_, list) = get(&app, "/api/v1/tickets", &agent).await;
    let tickets = list["items"].as_array().unwrap();
    assert_eq!(tickets.len(), 1, "{list}");
    let t = &tickets[0];
    assert_eq!(
        (t["channel"].as_str(), t["buyer_name"].as_str()),
        (Some("chat"), Some("Sheena Nelson")),
        "{t}"
    );
    assert_eq!(t["order_id"], order["id"], "{t}");
    // Sheena's number is not the order's buyer's: no tracking link is sent to her unasked.
    let said: Vec<&str> =
        t["messages"].as_array().unwrap().iter().map(|m| m["direction"].as_str().unwrap()).collect();
    assert_eq!(said, ["in", "in"], "{t}");
    assert_eq!(t["messages"][1]["body"], "The label on the box");
    let (_, other) = get(&app, "/api/v1/tickets", &s.merchant_b_key).await;
    assert_eq!(other["items"], json!([]), "another merchant sees none of it");

    // The answer goes back through the Graph API to the buyer's WhatsApp id.
    let id = t["id"].as_str().unwrap();
    let reply = json!({"kind": "reply", "body": "Your parcel is on its way."});
    let (status, answered) =
        post(&app, &format!("/api/v1/tickets/{id}/messages"), &agent, reply.clone()).await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    let sending = app.app.clone().with_graph_api_url(&graph.graph_url);
    let report = run_due(&sending, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    assert_eq!((report.succeeded, report.failed), (1, 0), "{report:?}");
    let sent = graph.sent();
    assert_eq!(sent.len(), 1, "the agent's answer");
    let answer =
        sent.iter().find(|m| m.body == "Your parcel is on its way.").expect("the agent's answer was sent");
    assert_eq!((answer.phone_number_id.as_str(), answer.to.as_str()), ("106540352242922", "16505551234"));

    // A day later WhatsApp takes no free-form answer: refused with what to do instead.
    {
        let mut tx = app.app.db().begin().await.unwrap();
        sqlx::query("UPDATE ticket_messages SET created_at = created_at - 90000000 WHERE direction = 'in'")
            .execute(&mut *tx)
            .await
            .unwrap();
        tradeport_store::commit(tx).await.unwrap();
    }
    let (status, late) = post(&app, &format!("/api/v1/tickets/{id}/messages"), &agent, reply).await;
    assert_eq!((status, code(&late)), (StatusCode::CONFLICT, "ticket.chat_window_closed"), "{late}");
    let note = json!({"kind": "note", "body": "called the buyer instead"});
    let (status, _) = post(&app, &format!("/api/v1/tickets/{id}/messages"), &agent, note).await;
    assert_eq!(status, StatusCode::OK, "a note is still taken");
}
