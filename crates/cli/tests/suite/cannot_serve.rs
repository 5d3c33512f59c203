//! When the operator cannot fulfil an order (EXC-2): the buyer is told why and offered
//! alternatives in their language, answers on their tracking page, and a refund cancels the order
//! (its stock released) and pays back what was paid, once.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests};

use crate::helpers::{code, get, post};
use crate::warehouse::{balance, confirmed_order, floor, stock_bin};

db_tests!(the_buyer_is_offered_alternatives_and_a_refund_cancels_and_pays_back_once);

fn field(body: &Value) -> &str {
    body["error"]["fields"][0]["field"].as_str().unwrap_or_default()
}

async fn the_buyer_is_offered_alternatives_and_a_refund_cancels_and_pays_back_once(app: TestApp) {
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 5, "A-01-01-1-1").await;
    let order = confirmed_order(&app, &f, "#cannot-1", &[("MUG", 1)]).await;
    assert_eq!(balance(&app, &f, &f.mug).await.1, 1, "one mug reserved");
    let path = format!("/api/v1/orders/{order}/cannot-serve");
    let offer = |key: String, body: Value| {
        let (app, path) = (&app, path.clone());
        async move { post(app, &path, &key, body).await }
    };
    let om = app.staff_key(&f.s, "order_manager").await;
    let (status, _) = offer(f.s.merchant_b_key.clone(), json!({"reason": "x"})).await;
    assert!(matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{status}");
    let (status, body) = offer(om.clone(), json!({"reason": " ", "alternatives": []})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "reason"));
    let six: Vec<String> = (1..=6).map(|n| format!("option {n}")).collect();
    let (status, body) = offer(om.clone(), json!({"reason": "discontinued", "alternatives": six})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "alternatives"));
    let asked = json!({"reason": "the blue mug is discontinued",
                       "alternatives": ["the same mug in green", "wait until 10 December"]});
    let (status, case) = offer(om.clone(), asked.clone()).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(
        case["case"]["alternatives"],
        json!(["the same mug in green", "wait until 10 December"]),
        "{case}"
    );
    let (status, body) = offer(om.clone(), asked).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "order.offer_open"), "{body}");

    // The buyer is told, with the link to answer on.
    let sink = tradeport_testkit::SmtpSink::start().await;
    let mailer = app.app.clone().with_mailer(
        tradeport_connectors::mail::SmtpMailer::new(&sink.url, "Acme <orders@acme.example>").unwrap(),
    );
    let told = crate::warehouse::short_picks::mails_about(&mailer, &sink, "cannot fulfil").await;
    assert_eq!(told.len(), 1, "{told:?}");
    let body = &told[0].1;
    assert!(
        body.contains("the same mug in green") && body.contains("the blue mug is discontinued"),
        "{body}"
    );
    let start = body.find("http://localhost:8080/track/").unwrap_or_else(|| panic!("a link: {body}"));
    let link: String =
        body[start + "http://localhost:8080".len()..].chars().take_while(|c| !c.is_whitespace()).collect();

    // The buyer answers on the page: a choice not offered is refused; a refund cancels and pays.
    let answer = |choice: &str| {
        app.client.post(app.url(&format!("{link}/offer"))).form(&[("choice", choice), ("lang", "en")]).send()
    };
    let page = app.client.get(app.url(&link)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("wait until 10 December") && page.contains("offer-form"), "the offer on the page");
    let refused = answer("a free car").await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, still) = get(&app, &format!("/api/v1/orders/{order}"), &f.s.admin_key).await;
    assert_eq!(still["status"], "confirmed", "a refused answer changes nothing");
    let done = answer("refund").await.unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    assert!(done.text().await.unwrap().contains("offer-answered"), "the page thanks the buyer");
    let (_, cancelled) = get(&app, &format!("/api/v1/orders/{order}"), &f.s.admin_key).await;
    assert_eq!(cancelled["status"], "cancelled", "{cancelled}");
    assert_eq!(balance(&app, &f, &f.mug).await.1, 0, "its mug is released");
    let (_, refunds) = get(&app, &format!("/api/v1/orders/{order}/refunds"), &f.s.admin_key).await;
    assert_eq!(
        (refunds["refunded_minor"].as_i64(), refunds["items"][0]["method"].as_str()),
        (Some(1800), Some("store_credit")),
        "what was paid, as store credit where no card refund is possible: {refunds}"
    );
    let other = answer("the same mug in green").await.unwrap();
    assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY, "answered once");
    let again = answer("refund").await.unwrap();
    assert_eq!(again.status(), StatusCode::OK, "the same answer again is carried out again, each step once");
    let (_, refunds) = get(&app, &format!("/api/v1/orders/{order}/refunds"), &f.s.admin_key).await;
    assert_eq!(refunds["refunded_minor"].as_i64(), Some(1800), "paid once");
    let (_, detail) =
        get(&app, &format!("/api/v1/exception-cases/{}", case["case"]["id"].as_str().unwrap()), &om).await;
    assert_eq!(detail["case"]["buyer_feedback"], "the buyer chose a refund", "{detail}");
    assert!(detail.to_string().contains("18.00 GBP is refunded"), "the outcome is an action: {detail}");
}
