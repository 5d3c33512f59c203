//! The outbox relay and e-mail delivery (ORD-7, SLA-3): a confirmed order reaches a real SMTP
//! server once, in the buyer's language, with its confirmation attached.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mail_parser::{MessageParser, MimeHeaders};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tradeport_app::App;
use tradeport_app::jobs::{RunReport, queue_parked, run_due, run_until_idle};
use tradeport_app::notifications::relay_outbox;
use tradeport_connectors::mail::SmtpMailer;
use tradeport_connectors::webhooks;
use tradeport_testkit::{SmtpSink, TestApp, TwilioFake, db_tests, lamp_order};

use crate::helpers::{call, get, post};

db_tests!(
    a_confirmed_order_is_emailed_to_the_buyer_once_in_their_language,
    without_smtp_the_email_waits_and_says_why,
    a_webhook_receiver_that_fails_twice_gets_the_event_on_the_third_try_signed,
    a_receiver_that_never_answers_does_not_delay_the_email,
    a_confirmed_order_is_texted_to_the_buyer_in_their_language_and_a_failing_provider_holds_up_nothing,
    a_buyer_who_opted_out_gets_no_email_and_staff_can_take_it_back,
    an_smtp_server_that_never_answers_fails_the_email_and_holds_up_nothing,
    merchants_webhooks_hear_of_holds_cancellations_and_rejections
);

fn mailing(app: &TestApp, sink: &SmtpSink) -> App {
    app.app.clone().with_mailer(SmtpMailer::new(&sink.url, "Acme Shop <orders@acme.example>").unwrap())
}

/// Dispatches the outbox and runs every due job once, as a worker does.
async fn deliver(app: &App) -> (usize, usize) {
    let dispatched = relay_outbox(app).await.unwrap();
    let report = run_due(app, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    assert_eq!(report.failed, 0, "{report:?}");
    (dispatched, report.succeeded)
}

async fn a_confirmed_order_is_emailed_to_the_buyer_once_in_their_language(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let sink = SmtpSink::start().await;
    let mailer = mailing(&app, &sink);
    let mut chinese = lamp_order("#mail-zh", 2);
    chinese["buyer"]["language"] = json!("zh-CN");
    chinese["buyer"]["name"] = json!("王小明");
    chinese["buyer"]["email"] = json!("wang@example.cn");
    let (status, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, chinese).await;
    assert_eq!((status, order["status"].as_str()), (StatusCode::CREATED, Some("confirmed")), "{order}");
    let mut spanish = lamp_order("#mail-es", 1);
    spanish["buyer"]["language"] = json!("es-MX");
    spanish["buyer"]["email"] = json!("ana@example.mx");
    post(&app, "/api/v1/orders", &s.merchant_a_key, spanish).await;

    assert_eq!(deliver(&mailer).await, (2, 2), "two messages dispatched, two e-mails sent");
    assert_eq!(deliver(&mailer).await, (0, 0), "nothing is sent twice");
    let received = sink.messages();
    assert_eq!(received.len(), 2);
    let to_wang = received.iter().find(|m| m.to.iter().any(|t| t.contains("wang@example.cn"))).unwrap();
    assert!(to_wang.from.contains("orders@acme.example"), "{}", to_wang.from);
    let mail = MessageParser::default().parse(to_wang.data.as_bytes()).expect("a parsable e-mail");
    let number = order["order_no"].as_str().unwrap();
    assert_eq!(mail.subject(), Some(format!("您的订单 {number} 已确认").as_str()));
    let text = mail.body_text(0).unwrap();
    assert!(text.contains("王小明") && text.contains("共 2 件商品") && text.contains(number), "{text}");
    assert!(mail.body_html(0).unwrap().contains("lang=\"zh-CN\""));
    let pdf = mail.attachments().next().expect("the confirmation is attached");
    assert_eq!(pdf.attachment_name(), Some(format!("order-{number}.pdf").as_str()));
    let doc = lopdf::Document::load_mem(pdf.contents()).expect("a PDF");
    let pdf_text = doc.extract_text(&doc.get_pages().keys().copied().collect::<Vec<_>>()).unwrap();
    assert!(pdf_text.contains(number) && pdf_text.contains("王小明"), "{pdf_text}");
    // The same Message-ID on every attempt lets a receiver drop repeats.
    assert!(mail.message_id().is_some_and(|id| id.ends_with("@acme.example")), "{:?}", mail.message_id());
    let to_ana = received.iter().find(|m| m.to.iter().any(|t| t.contains("ana@example.mx"))).unwrap();
    let mail = MessageParser::default().parse(to_ana.data.as_bytes()).unwrap();
    assert!(mail.subject().unwrap().starts_with("Su pedido"), "{:?}", mail.subject());

    // The order's timeline says who was told, how and when.
    let (_, view) =
        get(&app, &format!("/api/v1/orders/{}", order["id"].as_str().unwrap()), &s.admin_key).await;
    let told: Vec<&serde_json::Value> =
        view["events"].as_array().unwrap().iter().filter(|e| e["kind"] == "order_buyer_notified").collect();
    assert_eq!(told.len(), 1, "{view}");
    assert_eq!(told[0]["data"]["to"], "wang@example.cn");
}

async fn without_smtp_the_email_waits_and_says_why(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#no-smtp", 1)).await;
    assert_eq!(relay_outbox(&app.app).await.unwrap(), 1);
    // Parked at once, with the reason and no attempt used: staff see it, no worker claims it.
    let (status, page) = get(&app, "/api/v1/jobs?state=parked", &s.admin_key).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let job = &page["items"][0];
    assert_eq!((job["kind"].as_str(), job["attempts"].as_u64()), (Some("deliver_email"), Some(0)));
    assert!(job["last_error"].as_str().unwrap().contains("no SMTP server is configured"), "{job}");
    let idle = run_due(&app.app, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    assert_eq!(idle.claimed, 0, "a parked job is not claimed: {idle:?}");
    // A process without SMTP queues nothing; one with it queues the e-mail.
    assert_eq!(queue_parked(&app.app).await.unwrap(), 0);
    let sink = SmtpSink::start().await;
    let mailer = mailing(&app, &sink);
    assert_eq!(queue_parked(&mailer).await.unwrap(), 1);
    // Queued again, it is left by a process without SMTP to one that has it (several nodes, one
    // without the setting), whose worker sends it.
    let report = run_due(&app.app, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    assert_eq!(report.claimed, 0, "{report:?}");
    assert_eq!(deliver(&mailer).await, (0, 1));
    assert_eq!(sink.messages().len(), 1);
    let (_, done) = get(&app, "/api/v1/jobs?state=done", &s.admin_key).await;
    assert_eq!(done["items"][0]["attempts"].as_u64(), Some(1), "one attempt, the one that sent it: {done}");
}

/// What a receiver got: `webhook-id`, `webhook-timestamp`, `webhook-signature`, body.
type Posted = (String, String, String, String);

/// A webhook receiver on 127.0.0.1: answers 500 to the first `failures` requests, then 200, or
/// never answers when `hang`; keeps every request's signature headers and body.
#[derive(Clone, Default)]
struct Receiver {
    seen: Arc<Mutex<Vec<Posted>>>,
}

impl Receiver {
    async fn start(failures: usize, hang: bool) -> (String, Self) {
        let receiver = Self::default();
        let seen = receiver.seen.clone();
        let handler = move |headers: axum::http::HeaderMap, body: String| {
            let seen = seen.clone();
            async move {
                let header = |name: &str| {
                    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
                };
                let n = {
                    let mut seen = seen.lock().unwrap();
                    seen.push((
                        header("webhook-id"),
                        header("webhook-timestamp"),
                        header("webhook-signature"),
                        body,
                    ));
                    seen.len()
                };
                if hang {
                    tokio::time::sleep(Duration::from_secs(600)).await;
                }
                if n <= failures { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::OK }
            }
        };
        let router = axum::Router::new().route("/hook", axum::routing::post(handler));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        (url, receiver)
    }

    fn seen(&self) -> Vec<Posted> {
        self.seen.lock().unwrap().clone()
    }
}

async fn add_endpoint(app: &TestApp, key: &str, url: &str) -> Value {
    let body = json!({"url": url, "topics": ["order.confirmed"]});
    let (status, created) = call(app, Method::POST, "/api/v1/webhooks", key, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(created["secret"].as_str().unwrap().starts_with("whsec_"));
    created
}

/// Runs due jobs, then makes the queued ones due at once (as if their back-off had passed).
async fn run_and_fast_forward(app: &TestApp) -> RunReport {
    let report = run_due(&app.app, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("UPDATE jobs SET run_at = 0 WHERE state = 'queued'").execute(&mut *conn).await.unwrap();
    report
}

async fn a_webhook_receiver_that_fails_twice_gets_the_event_on_the_third_try_signed(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let (url, receiver) = Receiver::start(2, false).await;
    let endpoint = add_endpoint(&app, &s.merchant_a_key, &url).await;
    let (id, secret) = (endpoint["id"].as_str().unwrap(), endpoint["secret"].as_str().unwrap().to_string());
    let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#hook", 1)).await;
    assert_eq!(relay_outbox(&app.app).await.unwrap(), 1);
    for _ in 0..3 {
        run_and_fast_forward(&app).await;
    }
    let seen = receiver.seen();
    assert_eq!(seen.len(), 3, "two failures, then the delivery");
    assert!(seen.iter().all(|r| r.0 == seen[0].0), "one webhook-id on every attempt");
    let (message_id, timestamp, signature, body) = &seen[2];
    let timestamp: i64 = timestamp.parse().unwrap();
    assert!(webhooks::verify(&secret, message_id, timestamp, body, signature), "{signature}");
    assert!(!webhooks::verify(
        "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        message_id,
        timestamp,
        body,
        signature
    ));
    let event: Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        (event["type"].as_str(), event["subject"]["id"].as_str()),
        (Some("order.confirmed"), order["id"].as_str())
    );
    assert_eq!(event["data"]["order_no"], order["order_no"]);

    let (_, log) = get(&app, &format!("/api/v1/webhooks/{id}/deliveries"), &s.merchant_a_key).await;
    let statuses: Vec<i64> =
        log["items"].as_array().unwrap().iter().map(|d| d["status_code"].as_i64().unwrap()).collect();
    assert_eq!(statuses, [200, 500, 500], "newest first: {log}");
    let (status, _) = get(&app, &format!("/api/v1/webhooks/{id}/deliveries"), &s.merchant_b_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another merchant's endpoint does not exist for B");
    let (_, listed) = get(&app, "/api/v1/webhooks", &s.merchant_b_key).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 0);

    // A rotated secret: the old one signs beside the new for a day, then replay sends it again.
    let (status, rotated) =
        call(&app, Method::POST, &format!("/api/v1/webhooks/{id}/rotate-secret"), &s.merchant_a_key, None)
            .await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    let new_secret = rotated["secret"].as_str().unwrap();
    assert_ne!(new_secret, secret);
    let outbox_id = log["items"][0]["outbox_id"].as_str().unwrap();
    let replay = json!({"outbox_id": outbox_id});
    let (status, _) =
        call(&app, Method::POST, &format!("/api/v1/webhooks/{id}/replay"), &s.merchant_a_key, Some(replay))
            .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    run_and_fast_forward(&app).await;
    let seen = receiver.seen();
    assert_eq!(seen.len(), 4);
    let (message_id, timestamp, signature, body) = &seen[3];
    let timestamp: i64 = timestamp.parse().unwrap();
    for key in [secret.as_str(), new_secret] {
        assert!(webhooks::verify(key, message_id, timestamp, body, signature), "{signature}");
    }
    let (status, body) =
        add_endpoint_raw(&app, &s.merchant_a_key, json!({"url": "ftp://x", "topics": ["order.shipped"]}))
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> =
        body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["url", "topics[0]"]);
}

async fn add_endpoint_raw(app: &TestApp, key: &str, body: Value) -> (StatusCode, Value) {
    call(app, Method::POST, "/api/v1/webhooks", key, Some(body)).await
}

async fn a_receiver_that_never_answers_does_not_delay_the_email(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let (url, _receiver) = Receiver::start(0, true).await;
    add_endpoint(&app, &s.merchant_a_key, &url).await;
    let sink = SmtpSink::start().await;
    let mailer = mailing(&app, &sink);
    post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#slow", 1)).await;
    assert_eq!(relay_outbox(&mailer).await.unwrap(), 1);
    let started = std::time::Instant::now();
    let running = tokio::spawn({
        let mailer = mailer.clone();
        async move { run_due(&mailer, "test-worker", Duration::from_secs(60), 50).await.unwrap() }
    });
    while sink.messages().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(5), "the e-mail waited for the webhook");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let report = running.await.unwrap();
    assert_eq!((report.succeeded, report.failed), (1, 1), "the e-mail sent; the webhook timed out, to retry");
    assert!(started.elapsed() >= Duration::from_secs(9), "the receiver had its 10 s");
}

async fn a_confirmed_order_is_texted_to_the_buyer_in_their_language_and_a_failing_provider_holds_up_nothing(
    app: TestApp,
) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let sink = SmtpSink::start().await;
    let twilio = TwilioFake::start().await;
    let sms = tradeport_connectors::sms::TwilioSms::new(
        &twilio.base_url,
        &twilio.account_sid,
        &twilio.auth_token,
        "+15005550006",
    )
    .unwrap();
    let notify = mailing(&app, &sink).with_sms(sms);
    let mut japanese = lamp_order("#sms-ja", 1);
    japanese["buyer"]["language"] = json!("ja");
    let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, japanese).await;
    let number = order["order_no"].as_str().unwrap().to_string();

    // Twilio is down for the first attempt: the e-mail goes anyway; the text waits for its retry.
    twilio.fail_next(1);
    relay_outbox(&notify).await.unwrap();
    let report = run_due(&notify, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    assert_eq!((report.succeeded, report.failed), (1, 1), "{report:?}");
    assert_eq!(sink.messages().len(), 1);
    assert!(twilio.messages().is_empty());
    let (_, queued) = get(&app, "/api/v1/jobs?state=queued", &s.admin_key).await;
    let waiting =
        queued["items"].as_array().unwrap().iter().find(|j| j["kind"] == "deliver_sms").cloned().unwrap();
    assert!(waiting["last_error"].as_str().unwrap().contains("Twilio refused the message (500"), "{waiting}");
    // Its back-off passes.
    let mut tx = app.app.db().begin().await.unwrap();
    sqlx::query("UPDATE jobs SET run_at = 0 WHERE id = $1")
        .bind(waiting["id"].as_str().unwrap())
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let report = run_due(&notify, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    assert_eq!((report.succeeded, report.failed), (1, 0), "{report:?}");

    let texts = twilio.messages();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert_eq!((texts[0].to.as_str(), texts[0].from.as_str()), ("+442079460958", "+15005550006"));
    assert_eq!(texts[0].body, format!("ご注文 {number} を承りました。発送時に追跡番号をお送りします。"));
    let (_, view) =
        get(&app, &format!("/api/v1/orders/{}", order["id"].as_str().unwrap()), &s.admin_key).await;
    let timeline = view["events"].as_array().unwrap();
    let mut channels: Vec<&str> = timeline
        .iter()
        .filter(|e| e["kind"] == "order_buyer_notified")
        .filter_map(|e| e["data"]["channel"].as_str())
        .collect();
    channels.sort_unstable();
    assert_eq!(channels, ["email", "sms"], "{view}");
    assert_eq!(deliver(&notify).await, (0, 0), "nothing is sent twice");
}

async fn a_buyer_who_opted_out_gets_no_email_and_staff_can_take_it_back(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let sink = SmtpSink::start().await;
    let mailer = mailing(&app, &sink);
    let body = json!({"address": "Ada@Example.com", "reason": "asked by phone"});
    let (status, list) = post(&app, "/api/v1/opt-outs", &s.admin_key, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{list}");
    assert_eq!(list["items"][0]["address"], "ada@example.com");
    let (status, again) = post(&app, "/api/v1/opt-outs", &s.admin_key, body).await;
    assert_eq!(
        (status, again["items"].as_array().map(Vec::len)),
        (StatusCode::CREATED, Some(1)),
        "twice is once"
    );
    let (status, bad) =
        post(&app, "/api/v1/opt-outs", &s.admin_key, json!({"address": "020 7946 0958"})).await;
    assert_eq!(
        (status, bad["error"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("address"))
    );
    let (status, _) =
        post(&app, "/api/v1/opt-outs", &s.merchant_a_key, json!({"address": "x@example.com"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#quiet", 1)).await;
    assert_eq!(
        deliver(&mailer).await,
        (1, 0),
        "the message is dispatched, but no e-mail is made for the buyer"
    );
    assert!(sink.messages().is_empty());

    let (status, _) =
        call(&app, Method::DELETE, "/api/v1/opt-outs/ada@example.com", &s.admin_key, None).await;
    assert_eq!(status, StatusCode::OK);
    post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#heard", 1)).await;
    assert_eq!(deliver(&mailer).await, (1, 1), "heard from again");
    assert_eq!(sink.messages().len(), 1);
}

async fn an_smtp_server_that_never_answers_fails_the_email_and_holds_up_nothing(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    // A server that accepts connections and never greets (lettre's own timeout does not cover it).
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", silent.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((connection, _)) = silent.accept().await {
            held.push(connection);
        }
    });
    let mailer =
        SmtpMailer::new(&url, "Acme <orders@acme.example>").unwrap().with_timeout(Duration::from_secs(1));
    let app_with_mail = app.app.clone().with_mailer(mailer);
    let (hook_url, receiver) = Receiver::start(0, false).await;
    add_endpoint(&app, &s.merchant_a_key, &hook_url).await;
    post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#silent", 1)).await;
    relay_outbox(&app_with_mail).await.unwrap();

    let started = std::time::Instant::now();
    let report = run_due(&app_with_mail, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(20), "the round ended: {:?}", started.elapsed());
    assert_eq!((report.claimed, report.succeeded, report.failed), (2, 1, 1), "{report:?}");
    assert_eq!(receiver.seen().len(), 1, "the webhook went out");
    let (_, queued) = call(&app, Method::GET, "/api/v1/jobs?state=queued", &s.admin_key, None).await;
    let error = queued["items"][0]["last_error"].as_str().unwrap_or_default();
    assert!(error.contains("did not finish the exchange within 1 s"), "{queued}");

    // A job that hangs anyway is given up at half its lease, so its round still ends.
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("UPDATE jobs SET run_at = 0 WHERE state = 'queued'").execute(&mut *conn).await.unwrap();
    drop(conn);
    let slow =
        SmtpMailer::new(&url, "Acme <orders@acme.example>").unwrap().with_timeout(Duration::from_secs(600));
    // The worker's own loop, this time.
    let slow_app = app.app.clone().with_mailer(slow);
    let report = run_until_idle(
        &slow_app,
        "test-worker",
        Duration::from_secs(4),
        8,
        Duration::from_millis(100),
        || true,
    )
    .await
    .unwrap();
    assert_eq!((report.claimed, report.failed), (1, 1), "{report:?}");
    let (_, queued) = call(&app, Method::GET, "/api/v1/jobs?state=queued", &s.admin_key, None).await;
    assert!(
        queued["items"][0]["last_error"].as_str().unwrap_or_default().contains("did not finish within 2 s"),
        "{queued}"
    );
}

async fn merchants_webhooks_hear_of_holds_cancellations_and_rejections(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let (url, receiver) = Receiver::start(0, false).await;
    let topics = json!(["order.on_hold", "order.cancelled", "order.rejected"]);
    let (status, created) = call(
        &app,
        Method::POST,
        "/api/v1/webhooks",
        &s.merchant_a_key,
        Some(json!({"url": url, "topics": topics})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let mut ids = Vec::new();
    for tag in ["#to-cancel", "#to-reject"] {
        let mut held = lamp_order(tag, 1);
        held["shipping_address"]["postcode"] = json!("");
        let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, held).await;
        ids.push(order["id"].as_str().unwrap().to_string());
    }
    let reason = json!({"reason": "the buyer never answered"});
    post(&app, &format!("/api/v1/orders/{}/cancel", ids[0]), &s.admin_key, reason.clone()).await;
    post(&app, &format!("/api/v1/orders/{}/reject", ids[1]), &s.admin_key, reason).await;
    relay_outbox(&app.app).await.unwrap();
    run_due(&app.app, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    let mut seen: Vec<(String, String)> = receiver
        .seen()
        .iter()
        .map(|p| {
            let body: Value = serde_json::from_str(&p.3).unwrap();
            (body["type"].as_str().unwrap().to_string(), body["subject"]["id"].as_str().unwrap().to_string())
        })
        .collect();
    seen.sort();
    let mut expected = vec![
        ("order.cancelled".to_string(), ids[0].clone()),
        ("order.on_hold".to_string(), ids[0].clone()),
        ("order.on_hold".to_string(), ids[1].clone()),
        ("order.rejected".to_string(), ids[1].clone()),
    ];
    expected.sort();
    assert_eq!(seen, expected, "each change once, to the merchant that subscribed");
}
