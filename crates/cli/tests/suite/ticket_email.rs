//! E-mail in and out of tickets (CS-1), over real SMTP both ways: buyers' mail is sent with lettre
//! to the product's SMTP receiver; the product's answers reach a local SMTP server and are read
//! back. A message from an unknown sender opens a ticket without an order and is acknowledged; an
//! order number in a new message links the order; the buyer's reply to our answer threads onto the
//! same ticket whatever its subject; a message delivered twice is kept once; mail to an address
//! that is no mailbox is refused.

use std::time::Duration;

use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use mail_parser::MessageParser;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_app::App;
use tradeport_app::jobs::run_due;
use tradeport_connectors::mail::SmtpMailer;
use tradeport_testkit::{SmtpSink, TestApp, db_tests, lamp_order};

use crate::helpers::{get, post};

db_tests!(
    mail_opens_links_threads_and_is_acknowledged_once,
    mail_to_no_mailbox_is_refused_and_a_robot_is_not_answered,
);

/// The app sending through `sink` and receiving on a port of its own; the receiver's port.
async fn mail_app(app: &TestApp, sink: &SmtpSink) -> (App, u16) {
    let mailing =
        app.app.clone().with_mailer(SmtpMailer::new(&sink.url, "Acme Support <help@acme.example>").unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handler = tradeport_app::tickets::mail_handler(mailing.clone());
    tokio::spawn(tradeport_connectors::mail_in::serve(listener, "test".into(), handler));
    (mailing, port)
}

/// Sends `raw` to `to` over SMTP, as a buyer's mail server would; the server's refusal, if any.
async fn deliver(port: u16, from: &str, to: &str, raw: &str) -> Result<(), String> {
    let smtp = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1").port(port).build();
    let envelope = Envelope::new(Some(from.parse().unwrap()), vec![to.parse().unwrap()]).unwrap();
    smtp.send_raw(&envelope, raw.as_bytes()).await.map(|_| ()).map_err(|e| e.to_string())
}

fn mail(from: &str, subject: &str, id: &str, answers: Option<&str>, body: &str) -> String {
    let threading = answers.map(|a| format!("In-Reply-To: {a}\r\nReferences: {a}\r\n")).unwrap_or_default();
    format!(
        "From: {from}\r\nTo: support@acme.example\r\nSubject: {subject}\r\nMessage-ID: {id}\r\n{threading}\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

/// Runs the due jobs once (the answers' sending), as a worker does.
async fn send_answers(app: &App) {
    let report = run_due(app, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    assert_eq!(report.failed, 0, "{report:?}");
}

async fn tickets_of(app: &TestApp, key: &str) -> Vec<Value> {
    let (status, list) = get(app, "/api/v1/tickets", key).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"].as_array().unwrap().clone()
}

async fn mail_opens_links_threads_and_is_acknowledged_once(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let sink = SmtpSink::start().await;
    let (mailing, port) = mail_app(&app, &sink).await;
    let (status, mailbox) =
        post(&app, "/api/v1/support-mailboxes", &s.admin_key, json!({"address": "Support@Acme.example"}))
            .await;
    assert_eq!((status, mailbox["address"].as_str()), (StatusCode::CREATED, Some("support@acme.example")));
    let agent = app.staff_key(&s, "customer_service").await;

    // An unknown sender: a ticket without an order, acknowledged with the time of the answer.
    let question =
        mail("Ada <ada@example.com>", "Do you ship to Norway?", "<q1@example.com>", None, "Hello!");
    deliver(port, "ada@example.com", "support@acme.example", &question).await.unwrap();
    let all = tickets_of(&app, &agent).await;
    assert_eq!(all.len(), 1, "{all:?}");
    let ada = &all[0];
    assert_eq!((ada["channel"].as_str(), ada["order_id"].as_str()), (Some("email"), None), "{ada}");
    assert_eq!(ada["buyer_name"], "Ada");
    assert_eq!(ada["messages"][1]["direction"], "auto", "the acknowledgement is kept: {ada}");
    send_answers(&mailing).await;
    let sent = sink.messages();
    assert_eq!(sent.len(), 1, "one acknowledgement");
    assert!(sent[0].to.iter().any(|t| t.contains("ada@example.com")));
    let ack = MessageParser::default().parse(sent[0].data.as_bytes()).unwrap();
    assert_eq!(ack.subject(), Some("Re: Do you ship to Norway?"));
    assert_eq!(ack.in_reply_to().as_text(), Some("q1@example.com"), "it threads under the question");
    assert_eq!(ack.header_raw("Auto-Submitted").map(str::trim), Some("auto-replied"));
    assert_eq!(
        ack.reply_to().and_then(|r| r.first()).and_then(|a| a.address()),
        Some("support@acme.example")
    );
    assert!(ack.body_text(0).unwrap().contains("we will answer by"), "{:?}", ack.body_text(0));

    // The same message again (the sender's server retried): kept once, not acknowledged again.
    deliver(port, "ada@example.com", "support@acme.example", &question).await.unwrap();
    let all = tickets_of(&app, &agent).await;
    assert_eq!((all.len(), all[0]["messages"].as_array().unwrap().len()), (1, 2), "{all:?}");
    send_answers(&mailing).await;
    assert_eq!(sink.messages().len(), 1);

    // A new subject naming an order number links that order (and so its merchant).
    let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#em1", 1)).await;
    let number = order["order_no"].as_str().unwrap();
    let text = format!("My order {number} has not come yet.");
    let bob = mail("Bob <bob@example.com>", "Late parcel", "<b1@example.com>", None, &text);
    deliver(port, "bob@example.com", "support@acme.example", &bob).await.unwrap();
    let bobs = tickets_of(&app, &agent).await;
    let bob_ticket = bobs.iter().find(|t| t["buyer_name"] == "Bob").unwrap().clone();
    assert_eq!(bob_ticket["order_id"], order["id"], "{bob_ticket}");
    assert_eq!(bob_ticket["merchant_id"], json!(s.merchant_a.id), "{bob_ticket}");
    let id = bob_ticket["id"].as_str().unwrap();
    let (_, merchant_view) = get(&app, &format!("/api/v1/tickets/{id}"), &s.merchant_a_key).await;
    assert_eq!(merchant_view["id"], id, "the merchant sees its order's ticket");
    let (status, _) = get(&app, &format!("/api/v1/tickets/{id}"), &s.merchant_b_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another merchant does not");

    // The agent answers by e-mail; Bob answers that under another subject, with a photo.
    let answer = json!({"kind": "reply", "body": "Sorry! It left today."});
    let (status, _) = post(&app, &format!("/api/v1/tickets/{id}/messages"), &agent, answer).await;
    assert_eq!(status, StatusCode::OK);
    send_answers(&mailing).await;
    let to_bob: Vec<_> =
        sink.messages().into_iter().filter(|m| m.to.iter().any(|t| t.contains("bob@"))).collect();
    assert_eq!(to_bob.len(), 2, "the acknowledgement and the agent's answer");
    let bodies: Vec<String> = to_bob
        .iter()
        .map(|m| MessageParser::default().parse(m.data.as_bytes()).unwrap().body_text(0).unwrap().to_string())
        .collect();
    assert!(
        bodies.iter().all(|b| !b.contains("/track/")),
        "Bob is not the order's buyer: no tracking link is sent to him unasked: {bodies:?}"
    );
    let ours = to_bob
        .iter()
        .map(|m| MessageParser::default().parse(m.data.as_bytes()).unwrap())
        .find(|m| m.body_text(0).is_some_and(|t| t.contains("It left today")))
        .expect("the answer was sent");
    let our_id = format!("<{}>", ours.message_id().unwrap());
    let reply = format!(
        "From: Bob <bob@example.com>\r\nTo: support@acme.example\r\nSubject: photo of the box\r\n\
         Message-ID: <b2@example.com>\r\nIn-Reply-To: {our_id}\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\n\
         Thanks, the box is dented.\r\n--x\r\nContent-Type: image/png\r\n\
         Content-Disposition: attachment; filename=\"box.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
         iVBORw0KGgo=\r\n--x--\r\n"
    );
    deliver(port, "bob@example.com", "support@acme.example", &reply).await.unwrap();
    let (_, threaded) = get(&app, &format!("/api/v1/tickets/{id}"), &agent).await;
    assert_eq!(tickets_of(&app, &agent).await.len(), 2, "no new ticket");
    assert_eq!(threaded["status"], "open", "the buyer wrote back: {threaded}");
    let last = threaded["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["direction"].as_str(), last["body"].as_str()),
        (Some("in"), Some("Thanks, the box is dented."))
    );
    let file = &last["attachments"][0];
    assert_eq!(
        (file["file_name"].as_str(), file["size_bytes"].as_i64()),
        (Some("box.png"), Some(8)),
        "{last}"
    );
    let path = format!("/api/v1/tickets/{id}/attachments/{}", file["id"].as_str().unwrap());
    let res = app.client.get(app.url(&path)).bearer_auth(&agent).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"\x89PNG\r\n\x1a\n");
    let (status, _) = get(&app, &path, &s.merchant_b_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another merchant cannot fetch it");

    // Search: a word of any message, a subject, a buyer; a merchant only in its own tickets.
    let found = |q: &'static str, key: String| {
        let app = &app;
        async move {
            let (_, list) = get(app, &format!("/api/v1/tickets?q={q}"), &key).await;
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["buyer_name"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("DENTED", agent.clone()).await, ["Bob"], "a word of a message");
    assert_eq!(found("norway", agent.clone()).await, ["Ada"], "a word of a subject");
    assert_eq!(found("bob%40example", agent.clone()).await, ["Bob"], "an address");
    assert_eq!(found("ob", agent.clone()).await, ["Bob"], "shorter than a trigram: scanned");
    assert_eq!(found("dented", s.merchant_b_key.clone()).await, Vec::<String>::new());

    // Someone else answering our message does not join Bob's conversation.
    let stranger =
        mail("Eve <eve@example.com>", "Re: Late parcel", "<e1@example.com>", Some(&our_id), "me too");
    deliver(port, "eve@example.com", "support@acme.example", &stranger).await.unwrap();
    assert_eq!(tickets_of(&app, &agent).await.len(), 3, "Eve has a ticket of her own");
}

async fn mail_to_no_mailbox_is_refused_and_a_robot_is_not_answered(app: TestApp) {
    let s = app.seed("acme").await;
    let sink = SmtpSink::start().await;
    let (mailing, port) = mail_app(&app, &sink).await;
    let raw = mail("Ada <ada@example.com>", "Hi", "<n1@example.com>", None, "Hello");
    let refused = deliver(port, "ada@example.com", "nobody@acme.example", &raw).await.unwrap_err();
    assert!(refused.contains("550") || refused.contains("permanent"), "{refused}");

    post(&app, "/api/v1/support-mailboxes", &s.admin_key, json!({"address": "support@acme.example"})).await;
    let (status, dup) = post(
        &app,
        "/api/v1/support-mailboxes",
        &s.merchant_a_key,
        json!({"address": "support@acme.example"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "an address is one mailbox: {dup}");
    let (status, bad) =
        post(&app, "/api/v1/support-mailboxes", &s.admin_key, json!({"address": "support"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert_eq!(crate::helpers::field(&bad), "address", "{bad}");

    let robot = "From: robot@example.com\r\nTo: support@acme.example\r\nSubject: Out of office\r\n\
                 Auto-Submitted: auto-replied\r\nMessage-ID: <r1@example.com>\r\n\r\nI am away.\r\n";
    deliver(port, "robot@example.com", "support@acme.example", robot).await.unwrap();
    send_answers(&mailing).await;
    assert!(sink.messages().is_empty(), "a robot is never answered automatically");
    let (_, list) = get(&app, "/api/v1/tickets", &s.admin_key).await;
    assert_eq!(list["items"][0]["messages"].as_array().unwrap().len(), 1, "{list}");

    // Amazon's buyer-seller messages come from its relay: a marketplace ticket, linked by the
    // Amazon order id in the subject.
    app.seed_catalog(&s, 10).await;
    let (_, order) =
        post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("902-1845936-5435065", 1)).await;
    let relay = "x7kq2@marketplace.amazon.co.uk";
    let inquiry = mail(
        &format!("Jane via Amazon <{relay}>"),
        "Inquiry from Amazon customer Jane (Order: 902-1845936-5435065)",
        "<amz-1@amazon.co.uk>",
        None,
        "Can I change the colour?",
    );
    deliver(port, relay, "support@acme.example", &inquiry).await.unwrap();
    let (_, list) = get(&app, "/api/v1/tickets?channel=marketplace", &s.admin_key).await;
    let t = &list["items"][0];
    assert_eq!(
        (t["order_id"].as_str(), t["buyer_name"].as_str()),
        (order["id"].as_str(), Some("Jane via Amazon")),
        "{list}"
    );
    let (_, mails) = get(&app, "/api/v1/tickets?channel=email", &s.admin_key).await;
    assert_eq!(mails["items"].as_array().map(Vec::len), Some(1), "the robot's e-mail stays e-mail: {mails}");
}

/// A ticket without an order: an unknown sender's e-mail to a new support mailbox of `s`.
pub(crate) async fn unlinked_ticket(app: &TestApp, s: &tradeport_testkit::Seeded) -> String {
    let address = format!("help-{}@unlinked.example", app.app.new_uuid().simple());
    let (status, body) =
        post(app, "/api/v1/support-mailboxes", &s.admin_key, json!({"address": address})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let raw =
        mail("Bo <bo@example.com>", "A question", "<unlinked@example.com>", None, "Do you ship to Chile?");
    let delivery = tradeport_connectors::mail_in::Delivery {
        mail_from: "bo@example.com".into(),
        rcpt_to: vec![address],
        raw: raw.into_bytes(),
    };
    tradeport_app::tickets::receive_email(&app.app, &delivery).await.expect("kept").ticket_id
}
