//! The outbox relay and e-mail delivery (ORD-7, SLA-3): a confirmed order reaches a real SMTP
//! server once, in the buyer's language, with its confirmation attached.

use std::time::Duration;

use mail_parser::{MessageParser, MimeHeaders};
use reqwest::StatusCode;
use serde_json::json;
use tradeport_app::App;
use tradeport_app::jobs::run_due;
use tradeport_app::notifications::relay_outbox;
use tradeport_connectors::mail::SmtpMailer;
use tradeport_testkit::{SmtpSink, TestApp, db_tests, lamp_order};

use crate::helpers::{get, post};

db_tests!(
    a_confirmed_order_is_emailed_to_the_buyer_once_in_their_language,
    without_smtp_the_email_waits_and_says_why
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
    let report = run_due(&app.app, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    assert_eq!((report.claimed, report.failed), (1, 1));
    // Queued again for later, with the reason; staff see it, and it is sent once SMTP is there.
    let (status, page) = get(&app, "/api/v1/jobs?state=queued", &s.admin_key).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let job = &page["items"][0];
    assert_eq!((job["kind"].as_str(), job["attempts"].as_u64()), (Some("deliver_email"), Some(1)));
    assert!(job["last_error"].as_str().unwrap().contains("no SMTP server is configured"), "{job}");
    assert!(
        job["run_at"].as_i64().unwrap() > job["created_at"].as_i64().unwrap() + 10_000,
        "backs off: {job}"
    );
    let sink = SmtpSink::start().await;
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("UPDATE jobs SET run_at = 0").execute(&mut *conn).await.unwrap();
    assert_eq!(deliver(&mailing(&app, &sink)).await, (0, 1));
    assert_eq!(sink.messages().len(), 1);
}
