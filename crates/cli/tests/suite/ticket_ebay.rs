//! eBay member messages (CS-1) against a fake eBay speaking its Trading API: a read takes buyers'
//! questions to the seller onto marketplace tickets once each (a second read with its overlap
//! keeps nothing twice), links the order a question names, leaves the seller's own messages and
//! those to another seller, threads a buyer's next question onto their ticket, and sends the
//! agent's answer back as eBay's answer to that question. Credentials eBay refuses leave the
//! watermark and say why; another merchant reaches nothing.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_app::jobs::run_due;
use tradeport_testkit::ebay::{EBAY_CLIENT_ID, EBAY_CLIENT_SECRET, EBAY_REFRESH_TOKEN};
use tradeport_testkit::{EbayFake, EbayQuestion, TestApp, db_tests, lamp_order};

use crate::helpers::{code, get, post};

db_tests!(ebay_questions_become_tickets_once_and_answers_go_back_through_ebay);

fn question(
    app: &TestApp,
    (sender, recipient): (&str, &str),
    id: &str,
    minutes_ago: i64,
    body: &str,
) -> EbayQuestion {
    let at = jiff::Timestamp::from_millisecond(app.app.now().0 - minutes_ago * 60_000).unwrap();
    EbayQuestion {
        item_id: "110551234567".into(),
        item_title: "Brass desk lamp".into(),
        sender_id: sender.into(),
        recipient_id: recipient.into(),
        subject: String::new(),
        body: body.into(),
        message_id: id.into(),
        created_at: at.strftime("%Y-%m-%dT%H:%M:%S.000Z").to_string(),
    }
}

async fn read(app: &TestApp, key: &str, connection: &str) -> (StatusCode, Value) {
    post(app, &format!("/api/v1/channel-connections/{connection}/messages"), key, json!({})).await
}

async fn ebay_questions_become_tickets_once_and_answers_go_back_through_ebay(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let fake = EbayFake::start().await;
    let connect = json!({"kind": "ebay", "name": "eBay UK", "seller_id": "acme_seller", "marketplace_ids": ["EBAY_GB"],
                         "site_url": fake.base_url,
                         "credentials": {"refresh_token": EBAY_REFRESH_TOKEN, "client_id": EBAY_CLIENT_ID,
                                         "client_secret": EBAY_CLIENT_SECRET}});
    let (status, c) = post(&app, "/api/v1/channel-connections", &s.merchant_a_key, connect).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let connection = c["id"].as_str().unwrap().to_string();
    let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#eb-1", 1)).await;
    let order_no = order["order_no"].as_str().unwrap().to_string();

    fake.ask(question(
        &app,
        ("buyer_jane", "acme_seller"),
        "5001",
        30,
        &format!("Where is order {order_no}? Lamp & bulb"),
    ));
    fake.ask(question(&app, ("bob_b", "acme_seller"), "5002", 20, "Does it take E27 bulbs?"));
    fake.ask(question(&app, ("acme_seller", "bob_b"), "5003", 10, "Yes, it does."));
    fake.ask(question(&app, ("carol", "another_seller"), "5004", 10, "Not for you"));
    // Enough for a second page: one buyer's 97 messages about another item, older than the next
    // read's reach (an hour before this one ended).
    for n in 0..97 {
        let mut q =
            question(&app, ("dora", "acme_seller"), &format!("6{n:03}"), 70, &format!("Question {n}"));
        q.item_id = "110559876543".into();
        fake.ask(q);
    }

    let (status, first) = read(&app, &s.merchant_a_key, &connection).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(
        (first["seen"].as_u64(), first["kept"].as_u64(), first["ignored"].as_u64()),
        (Some(101), Some(99), Some(2))
    );
    assert!(first["watermark"].as_str().is_some_and(|w| w.ends_with('Z') && w.len() == 24), "{first}");
    assert_eq!(first["error"], Value::Null, "{first}");
    assert_eq!(fake.calls(), ["GetMemberMessages", "GetMemberMessages"], "two pages of 100");
    let agent = app.staff_key(&s, "customer_service").await;
    let (_, list) = get(&app, "/api/v1/tickets?channel=marketplace", &agent).await;
    let tickets = list["items"].as_array().unwrap().clone();
    assert_eq!(tickets.len(), 3, "Jane's, Bob's and Dora's: {list}");
    let jane = tickets.iter().find(|t| t["buyer_name"] == "buyer_jane").expect("Jane's ticket").clone();
    assert_eq!(jane["order_id"], order["id"], "the order her words name: {jane}");
    assert_eq!(jane["messages"][0]["body"], format!("Where is order {order_no}? Lamp & bulb"));
    assert_eq!(jane["subject"], "eBay: Brass desk lamp");
    let bob = tickets.iter().find(|t| t["buyer_name"] == "bob_b").expect("Bob's ticket");
    assert_eq!(bob["order_id"], Value::Null);

    // Read again from where the last ended, less an hour: nothing twice, Dora's not read again.
    // Jane's next question joins her ticket.
    fake.ask(question(&app, ("buyer_jane", "acme_seller"), "5005", 1, "Any news?"));
    // eBay lists one late: made 40 minutes ago, before the last read ended.
    fake.ask(question(&app, ("bob_b", "acme_seller"), "5006", 40, "And E14?"));
    let (_, second) = read(&app, &s.merchant_a_key, &connection).await;
    assert_eq!((second["kept"].as_u64(), second["duplicates"].as_u64()), (Some(2), Some(2)), "{second}");
    let jane_id = jane["id"].as_str().unwrap();
    let (_, t) = get(&app, &format!("/api/v1/tickets/{jane_id}"), &agent).await;
    let bodies: Vec<&str> =
        t["messages"].as_array().unwrap().iter().filter_map(|m| m["body"].as_str()).collect();
    assert!(bodies.contains(&"Any news?"), "{bodies:?}");

    // The agent answers; the answer goes to eBay as the answer to her latest question.
    let reply = json!({"kind": "reply", "body": "It left our warehouse today & arrives Friday."});
    let (status, _) = post(&app, &format!("/api/v1/tickets/{jane_id}/messages"), &agent, reply).await;
    assert_eq!(status, StatusCode::OK);
    let report = run_due(&app.app, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    assert_eq!(report.failed, 0, "{report:?}");
    let answers = fake.answers();
    assert_eq!(answers.len(), 1, "{answers:?}");
    assert_eq!(
        (
            answers[0].item_id.as_str(),
            answers[0].parent_message_id.as_str(),
            answers[0].recipient_id.as_str()
        ),
        ("110551234567", "5005", "buyer_jane")
    );
    assert_eq!(answers[0].body, "It left our warehouse today & arrives Friday.");

    // Another merchant reaches nothing; a connection eBay refuses says why and keeps its place.
    let (status, _) = read(&app, &s.merchant_b_key, &connection).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let refused = json!({"kind": "ebay", "name": "eBay old", "seller_id": "acme_seller", "site_url": fake.base_url,
                         "credentials": {"refresh_token": "v^1.1#expired", "client_id": EBAY_CLIENT_ID,
                                         "client_secret": EBAY_CLIENT_SECRET}});
    let (_, old) = post(&app, "/api/v1/channel-connections", &s.merchant_a_key, refused).await;
    let (status, failed) = read(&app, &s.merchant_a_key, old["id"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{failed}");
    assert!(failed["error"].as_str().unwrap_or_default().contains("refresh token is invalid"), "{failed}");
    assert_eq!((failed["kept"].as_u64(), failed["watermark"].as_str()), (Some(0), Some("")), "{failed}");
    let shop = json!({"kind": "shopify", "name": "Shop", "shop_domain": "acme.myshopify.com",
                      "webhook_secret": "a-long-enough-shopify-secret"});
    let (status, shop) = post(&app, "/api/v1/channel-connections", &s.merchant_a_key, shop).await;
    assert_eq!(status, StatusCode::CREATED, "{shop}");
    let (status, wrong) = read(&app, &s.merchant_a_key, shop["id"].as_str().unwrap()).await;
    assert_eq!((status, code(&wrong)), (StatusCode::CONFLICT, "channel.no_messages"), "{wrong}");
}
