//! Buyers told of holds and cancellations in their language, and operators' own wording of
//! buyer messages (SLA-3, ORD-10): checked before it is kept, previewed, used for the next
//! e-mail and text message, one operator's never another's.

use std::time::Duration;

use mail_parser::MessageParser;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tradeport_app::App;
use tradeport_app::jobs::run_due;
use tradeport_app::notifications::relay_outbox;
use tradeport_connectors::mail::SmtpMailer;
use tradeport_testkit::{SmtpSink, TestApp, db_tests, lamp_order};

use crate::helpers::{call, get, post};

db_tests!(
    a_held_order_tells_the_buyer_what_to_do_and_a_cancelled_one_says_so,
    an_operators_wording_is_checked_previewed_and_used_for_its_own_buyers_only
);

async fn deliver(app: &App) -> usize {
    relay_outbox(app).await.unwrap();
    let report = run_due(app, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    assert_eq!(report.failed, 0, "{report:?}");
    report.succeeded
}

/// Subject and text of every e-mail the sink got, oldest first.
fn mails(sink: &SmtpSink) -> Vec<(String, String)> {
    sink.messages()
        .iter()
        .map(|m| {
            let mail = MessageParser::default().parse(m.data.as_bytes()).expect("a parsable e-mail");
            (
                mail.subject().unwrap_or_default().to_string(),
                mail.body_text(0).unwrap_or_default().replace("\r\n", "\n"),
            )
        })
        .collect()
}

async fn a_held_order_tells_the_buyer_what_to_do_and_a_cancelled_one_says_so(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let sink = SmtpSink::start().await;
    let mailer =
        app.app.clone().with_mailer(SmtpMailer::new(&sink.url, "Acme <orders@acme.example>").unwrap());
    let mut order = lamp_order("#held-de", 40);
    order["buyer"]["language"] = json!("de-AT");
    order["shipping_address"]["postcode"] = json!("");
    order["buyer"]["phone"] = json!("12");
    let (status, held) = post(&app, "/api/v1/orders", &s.merchant_a_key, order).await;
    assert_eq!((status, held["status"].as_str()), (StatusCode::CREATED, Some("on_hold")), "{held}");

    // The hold happened two hours ago, as if the relay had been down: a breach of SLA-3.
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("UPDATE outbox SET created_at = created_at - 7200000").execute(&mut *conn).await.unwrap();
    drop(conn);
    assert_eq!(deliver(&mailer).await, 1, "one e-mail for the hold");
    let (subject, text) = mails(&sink).remove(0);
    assert_eq!(
        subject, "Ihre Bestellung #held-de braucht Ihre Hilfe",
        "the shop's number until ours is given"
    );
    assert!(text.starts_with("Guten Tag Ada Lovelace,"), "{text}");
    assert!(
        text.contains("- Senden Sie uns eine Telefonnummer mit Ländervorwahl")
            && text.contains("- Prüfen Sie die Postleitzahl der Lieferadresse"),
        "each thing to do, in German: {text}"
    );

    let id = held["id"].as_str().unwrap();
    let (status, cancelled) =
        post(&app, &format!("/api/v1/orders/{id}/cancel"), &s.admin_key, json!({"reason": "buyer asked"}))
            .await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!(deliver(&mailer).await, 1);
    let (subject, text) = mails(&sink).remove(1);
    assert_eq!(subject, "Ihre Bestellung #held-de wurde storniert");
    assert!(text.contains("erstatten wir Ihnen 1.008,00\u{a0}GBP"), "money written the German way: {text}");
    assert_eq!(deliver(&mailer).await, 0, "nothing twice");

    // The dashboard tells staff how long buyers waited; merchants do not see it.
    let (_, dashboard) = get(&app, "/api/v1/dashboard", &s.admin_key).await;
    let lag = &dashboard["notification_lag"];
    assert_eq!((lag["delivered"].as_i64(), lag["over_an_hour"].as_i64()), (Some(2), Some(1)), "{dashboard}");
    assert!(lag["max_seconds"].as_f64().unwrap() >= 7200.0, "{lag}");
    let (_, theirs) = get(&app, "/api/v1/dashboard", &s.merchant_a_key).await;
    assert!(theirs["notification_lag"].is_null(), "{theirs}");

    // A hold ended before its message went out is stale news: only the cancellation is sent.
    let mut stale = lamp_order("#stale", 1);
    stale["shipping_address"]["postcode"] = json!("");
    let (_, stale) = post(&app, "/api/v1/orders", &s.merchant_a_key, stale).await;
    let path = format!("/api/v1/orders/{}/cancel", stale["id"].as_str().unwrap());
    post(&app, &path, &s.admin_key, json!({"reason": "buyer asked"})).await;
    assert_eq!(deliver(&mailer).await, 2, "both jobs ran");
    let subjects: Vec<String> = mails(&sink).into_iter().skip(2).map(|m| m.0).collect();
    assert_eq!(subjects, ["Your order #stale has been cancelled"]);
}

async fn put_wording(app: &TestApp, key: &str, path: &str, body: Value) -> (StatusCode, Value) {
    call(app, Method::PUT, path, key, Some(body)).await
}

async fn an_operators_wording_is_checked_previewed_and_used_for_its_own_buyers_only(app: TestApp) {
    let s = app.seed("acme").await;
    let other = app.seed("beta").await;
    app.seed_catalog(&s, 10).await;
    let sink = SmtpSink::start().await;
    let mailer =
        app.app.clone().with_mailer(SmtpMailer::new(&sink.url, "Acme <orders@acme.example>").unwrap());
    let path = "/api/v1/message-templates/order-confirmed/en";

    let (status, list) = get(&app, "/api/v1/message-templates", &s.admin_key).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["items"].as_array().unwrap().len(), 14 * 6, "fourteen messages in six languages");
    let (_, current) = get(&app, path, &s.admin_key).await;
    assert_eq!(current["customised"], false);
    assert!(current["wording"]["body"].as_str().unwrap().contains("[one] one item"), "{current}");

    // Refused wordings keep nothing and say which part is wrong and how to fix it.
    let (status, bad) = put_wording(
        &app,
        &s.admin_key,
        path,
        json!({"subject": "Hi { $tracking_no }", "body": "Dear { $buyer_name", "sms": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    let fields: Vec<(&str, &str)> = bad["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(fields, [("subject", "unknown_value"), ("body", "syntax")], "every problem at once: {bad}");
    let (status, bad) = put_wording(
        &app,
        &s.admin_key,
        path,
        json!({"subject": "Hi { $tracking_no }", "body": "Dear", "sms": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["error"]["fields"][0]["code"], "unknown_value", "{bad}");
    let (status, _) = get(&app, "/api/v1/message-templates/order-confirmed/pt", &s.admin_key).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown language");
    let (_, unchanged) = get(&app, path, &s.admin_key).await;
    assert_eq!(unchanged["customised"], false, "a refused wording changed nothing");

    let mine = json!({
        "subject": "Acme: order { $order_no } is confirmed",
        "body": "Dear { $buyer_name },\n\n{ $count ->\n    [one] your lamp\n   *[other] your { $count } lamps\n} will leave by { $dispatch_by }.\n\nAcme",
        "sms": "Acme: { $order_no } confirmed"
    });
    let (status, preview) = post(&app, &format!("{path}/preview"), &s.admin_key, mine.clone()).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["subject"], "Acme: order 20261126000042 is confirmed");
    assert_eq!(preview["text"], "Dear Ana García,\n\nyour 2 lamps will leave by 27 November 2026.\n\nAcme\n");
    let (_, still) = get(&app, path, &s.admin_key).await;
    assert_eq!(still["customised"], false, "a preview keeps nothing");

    // Roles and tenancy: a merchant may not read or write them; another operator keeps its own.
    let (status, _) = get(&app, path, &s.merchant_a_key).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = put_wording(&app, &s.merchant_a_key, path, mine.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, saved) = put_wording(&app, &s.admin_key, path, mine).await;
    assert_eq!((status, &saved["customised"]), (StatusCode::OK, &json!(true)), "{saved}");
    let (_, theirs) = get(&app, path, &other.admin_key).await;
    assert_eq!(theirs["customised"], false, "one operator's wording is not another's");

    let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#own-words", 3)).await;
    assert_eq!(order["status"], "confirmed", "{order}");
    assert_eq!(deliver(&mailer).await, 1);
    let number = order["order_no"].as_str().unwrap();
    let (subject, text) = mails(&sink).remove(0);
    assert_eq!(subject, format!("Acme: order {number} is confirmed"));
    assert!(text.starts_with("Dear Ada Lovelace,\n\nyour 3 lamps will leave by "), "{text}");

    let (status, reset) = call(&app, Method::DELETE, path, &s.admin_key, None).await;
    assert_eq!((status, &reset["customised"]), (StatusCode::OK, &json!(false)));
    post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order("#catalogue-words", 1)).await;
    assert_eq!(deliver(&mailer).await, 1);
    let (subject, _) = mails(&sink).remove(1);
    assert!(subject.starts_with("Your order "), "the catalogue's wording again: {subject}");
}
