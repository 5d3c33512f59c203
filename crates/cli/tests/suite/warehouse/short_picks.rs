//! The short-pick exception queue's answers (INV-4, WMS-4): the buyer is asked in their language
//! whether to take a substitute, cancel or wait; a substitute passes the goods rules, moves the
//! reservation and joins the wave; a cancellation returns what was picked; the books agree.

use std::time::Duration;

use mail_parser::MessageParser;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_app::jobs::run_due;
use tradeport_app::notifications::relay_outbox;
use tradeport_connectors::mail::SmtpMailer;
use tradeport_testkit::{SmtpSink, TestApp, db_tests};

use super::*;
use crate::helpers::{code, field, get, post};

db_tests!(
    a_buyer_asked_about_a_short_item_gets_the_substitute_they_agreed_to,
    a_buyer_who_cancels_gets_their_picked_goods_returned_to_the_dock,
);

/// Relays the outbox and runs the delivery jobs; the subject and text of the e-mails whose
/// subject has `about` (the order's confirmation goes out in the same run).
pub(crate) async fn mails_about(
    app: &tradeport_app::App,
    sink: &SmtpSink,
    about: &str,
) -> Vec<(String, String)> {
    relay_outbox(app).await.unwrap();
    let report = run_due(app, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    assert_eq!(report.failed, 0, "{report:?}");
    sink.messages()
        .iter()
        .map(|m| {
            let mail = MessageParser::default().parse(m.data.as_bytes()).unwrap();
            let text = mail.body_text(0).unwrap_or_default().replace("\r\n", "\n");
            (mail.subject().unwrap_or_default().to_string(), text)
        })
        .filter(|(subject, _)| subject.contains(about))
        .collect()
}

/// A wave of one order for two mugs; one is picked, the other is reported short.
async fn short_mug(app: &TestApp, f: &Floor, id: &str) -> (String, Value) {
    let order = confirmed_order(app, f, id, &[("MUG", 2)]).await;
    let (status, wave) = post(app, "/api/v1/waves", &f.s.admin_key, json!({"warehouse_id": f.uk})).await;
    assert_eq!(status, StatusCode::CREATED, "{wave}");
    let line = wave["lines"][0].clone();
    let path = format!("/api/v1/pick-lines/{}", line["id"].as_str().unwrap());
    let (status, body) =
        post(app, &format!("{path}/pick"), &f.s.admin_key, json!({"bin": line["bin_code"], "item": "MUG"}))
            .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, short) =
        post(app, &format!("{path}/short"), &f.s.admin_key, json!({"note": "one is broken"})).await;
    assert_eq!((status, short["short"].as_i64()), (StatusCode::OK, Some(1)), "{short}");
    (order, short)
}

async fn a_buyer_asked_about_a_short_item_gets_the_substitute_they_agreed_to(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 2, "A-01-01-1-2").await;
    stock_bin(&app, &f, "PEN", 5, "A-02-01-1-1").await;
    stock_bin(&app, &f, "TORCH", 2, "B-01-01-1-1").await;
    let sink = SmtpSink::start().await;
    let mailer =
        app.app.clone().with_mailer(SmtpMailer::new(&sink.url, "Acme <orders@acme.example>").unwrap());
    let (order, short) = short_mug(&app, &f, "#short-1").await;
    let line = format!("/api/v1/pick-lines/{}", short["id"].as_str().unwrap());

    let (status, asked) = post(&app, &format!("{line}/ask-buyer"), &f.s.admin_key, json!({})).await;
    assert_eq!((status, asked["status"].as_str()), (StatusCode::OK, Some("asking_buyer")), "{asked}");
    let (_, queue) = get(&app, "/api/v1/pick-exceptions", &f.s.admin_key).await;
    assert_eq!(queue["items"][0]["status"], "asking_buyer", "still in the queue while the buyer answers");
    let mut asked = mails_about(&mailer, &sink, "is out of stock").await;
    assert_eq!(asked.len(), 1, "one question to the buyer");
    let (_, text) = asked.remove(0);
    assert!(
        text.contains("one unit of MUG item") && text.contains("a similar item instead"),
        "the item and the three choices: {text}"
    );
    let (status, again) = post(&app, &format!("{line}/ask-buyer"), &f.s.admin_key, json!({})).await;
    assert_eq!((status, code(&again)), (StatusCode::CONFLICT, "pick.buyer_asked"));

    let answer_path = format!("{line}/buyer-answer");
    let answer = |body: Value| post(&app, &answer_path, &f.s.admin_key, body);
    let (status, body) = answer(json!({"answer": "maybe"})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "answer"));
    let (status, body) = answer(json!({"answer": "swap"})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "substitute"));
    let (status, body) = answer(json!({"answer": "swap", "substitute": "TORCH"})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "swap.needs_review"),
        "a battery would need the goods check: {body}"
    );
    let (status, swapped) =
        answer(json!({"answer": "swap", "substitute": "PEN", "note": "the buyer is happy with a pen"})).await;
    assert_eq!((status, swapped["status"].as_str()), (StatusCode::OK, Some("resolved")), "{swapped}");

    let (_, o) = get(&app, &format!("/api/v1/orders/{order}"), &f.s.admin_key).await;
    let lines: Vec<(&str, i64, i64)> = o["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["sku"].as_str().unwrap(),
                l["quantity"].as_i64().unwrap(),
                l["unit_price_minor"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(lines, [("MUG", 1, 1000), ("PEN", 1, 1000)], "the pen at the mug's price: {o}");
    assert_eq!(o["total_minor"], 2 * 1000 + 800, "the buyer pays what was agreed");
    assert!(
        o["events"].as_array().unwrap().iter().any(|e| e["kind"] == "order_item_swapped"),
        "the swap is in the timeline"
    );
    assert_eq!(balance(&app, &f, &f.mug).await, (2, 1), "one mug reserved (picked), one released");
    assert_books_agree(&app).await;

    // The pen joined the wave; picking it lets the order be packed with both items.
    let (_, wave) =
        get(&app, &format!("/api/v1/waves/{}", short["wave_id"].as_str().unwrap()), &f.s.admin_key).await;
    let pen = wave["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["sku"] == "PEN" && l["status"] == "open")
        .unwrap();
    let (status, body) = post(
        &app,
        &format!("/api/v1/pick-lines/{}/pick", pen["id"].as_str().unwrap()),
        &f.s.admin_key,
        json!({"bin": "A-02-01-1-1", "item": "PEN"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, packages) =
        post(&app, &format!("/api/v1/orders/{order}/packages"), &f.s.admin_key, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{packages}");
    let mut packed: Vec<(String, i64)> = packages["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["items"].as_array().unwrap().clone())
        .map(|i| (i["sku"].as_str().unwrap().to_string(), i["qty"].as_i64().unwrap()))
        .collect();
    packed.sort();
    assert_eq!(packed, [("MUG".to_string(), 1), ("PEN".to_string(), 1)]);
    assert_books_agree(&app).await;
}

async fn a_buyer_who_cancels_gets_their_picked_goods_returned_to_the_dock(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 2, "A-01-01-1-2").await;
    stock_bin(&app, &f, "MUG", 3, "A-02-01-1-1").await;
    let (order, short) = short_mug(&app, &f, "#short-2").await;
    // The bin found short is counted before anything is planned from it again.
    confirmed_order(&app, &f, "#short-3", &[("MUG", 1)]).await;
    let (status, next) = post(&app, "/api/v1/waves", &f.s.admin_key, json!({"warehouse_id": f.uk})).await;
    assert_eq!(status, StatusCode::CREATED, "{next}");
    assert_eq!(next["lines"][0]["bin_code"], "A-02-01-1-1", "not the bin under count: {next}");
    let resolve = format!("/api/v1/pick-lines/{}/resolve", short["id"].as_str().unwrap());
    let (status, body) = post(&app, &resolve, &f.s.admin_key, json!({"bin": "A-01-01-1-2"})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "bin"), "{body}");
    let (_, o) = get(&app, &format!("/api/v1/orders/{order}"), &f.s.admin_key).await;
    let reported =
        o["events"].as_array().unwrap().iter().find(|e| e["kind"] == "order_pick_short").unwrap().clone();
    assert!(
        reported["data"]["count_no"].as_str().is_some_and(|n| n.starts_with("CC-")),
        "the short bin is counted, so the books are set right: {reported}"
    );
    let line = format!("/api/v1/pick-lines/{}", short["id"].as_str().unwrap());
    let warehouse = app.staff_key(&f.s, "warehouse").await;
    let (status, waits) = post(
        &app,
        &format!("{line}/buyer-answer"),
        &warehouse,
        json!({"answer": "wait", "note": "back in a week"}),
    )
    .await;
    assert_eq!((status, waits["status"].as_str()), (StatusCode::OK, Some("short")), "{waits}");
    let (status, body) =
        post(&app, &format!("{line}/buyer-answer"), &warehouse, json!({"answer": "cancel"})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "auth.forbidden"),
        "cancelling an order is not the warehouse's call: {body}"
    );
    let (status, cancelled) =
        post(&app, &format!("{line}/buyer-answer"), &f.s.admin_key, json!({"answer": "cancel"})).await;
    assert_eq!((status, cancelled["status"].as_str()), (StatusCode::OK, Some("cancelled")), "{cancelled}");
    let (_, o) = get(&app, &format!("/api/v1/orders/{order}"), &f.s.admin_key).await;
    assert_eq!(o["status"], "cancelled");
    assert_eq!(
        balance(&app, &f, &f.mug).await,
        (5, 1),
        "only #short-3's mug reserved; the picked one is back on hand"
    );
    let (_, queue) = get(&app, &format!("/api/v1/warehouses/{}/put-away", f.uk), &f.s.admin_key).await;
    assert_eq!(
        (queue["items"][0]["sku"].as_str(), queue["items"][0]["units"].as_i64()),
        (Some("MUG"), Some(1))
    );
    assert_books_agree(&app).await;
}
