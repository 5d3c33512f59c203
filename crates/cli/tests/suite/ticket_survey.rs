//! Satisfaction (CS-6) over HTTP and SMTP: solving a ticket e-mails the buyer a survey with one
//! link per score; a link works once and only for its ticket; a low score opens the ticket again as
//! a follow-up; the figures count per agent and category, a merchant seeing only its own. A
//! delivered order's completion e-mails its buyer a survey of the order, once; a low score opens a
//! high-priority ticket on the order with the buyer's words.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_app::App;
use tradeport_app::jobs::run_due;
use tradeport_connectors::mail::SmtpMailer;
use tradeport_testkit::{Seeded, SmtpSink, TestApp, db_tests, lamp_order};

use crate::helpers::{code, get, post};

db_tests!(
    a_survey_link_takes_one_answer_for_its_ticket_and_a_low_score_follows_up,
    a_completed_order_is_surveyed_once_and_a_low_score_opens_a_ticket_on_it,
);

/// A ticket of merchant A's order from its tracking page, answered and solved by `agent`.
async fn solved_ticket(app: &TestApp, s: &Seeded, agent: &str, id: &str, words: &str) -> String {
    let (_, o) = post(app, "/api/v1/orders", &s.merchant_a_key, lamp_order(id, 1)).await;
    let order = o["id"].as_str().unwrap();
    let (_, ticket) = crate::tickets::buyer_writes(
        app,
        &s.merchant_a_key,
        order,
        words,
        &format!("survey-{}", id.trim_start_matches('#')),
    )
    .await;
    let reply = json!({"kind": "reply", "body": "A new one is on its way."});
    post(app, &format!("/api/v1/tickets/{ticket}/messages"), agent, reply).await;
    let (status, solved) = post(app, &format!("/api/v1/tickets/{ticket}/solve"), agent, json!({})).await;
    assert_eq!((status, solved["status"].as_str()), (StatusCode::OK, Some("solved")), "{solved}");
    ticket
}

/// Sends what is due; the survey link's token of the last survey e-mail.
async fn survey_token(mailing: &App, sink: &SmtpSink) -> String {
    let report = run_due(mailing, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    assert_eq!(report.failed, 0, "{report:?}");
    let mail =
        sink.messages().into_iter().rev().find(|m| m.data.contains("/survey/")).expect("a survey e-mail");
    let parsed = mail_parser::MessageParser::default().parse(mail.data.as_bytes()).unwrap();
    let text = parsed.body_text(0).unwrap().to_string();
    for n in 1..=5 {
        assert!(text.contains(&format!("{n}: http")), "one link per score: {text}");
    }
    text.split("/survey/").nth(1).unwrap().split('?').next().unwrap().to_string()
}

async fn a_survey_link_takes_one_answer_for_its_ticket_and_a_low_score_follows_up(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let sink = SmtpSink::start().await;
    let mailing =
        app.app.clone().with_mailer(SmtpMailer::new(&sink.url, "Acme <help@acme.example>").unwrap());
    let agent = app.staff_key(&s, "customer_service").await;

    let happy = solved_ticket(&app, &s, &agent, "#sv-1", "The lamp flickers, it seems faulty").await;
    let token = survey_token(&mailing, &sink).await;
    let (_, t) = get(&app, &format!("/api/v1/tickets/{happy}"), &agent).await;
    assert!(t["messages"].to_string().contains("satisfaction survey"), "the survey is on the ticket: {t}");

    // The agents never see the links: the ticket keeps the question without them.
    assert!(!t.to_string().contains(&token), "no agent can answer for the buyer: {t}");
    // Opening a score's link changes nothing (mail scanners open every link); sending does, once.
    let res = app.client.get(app.url(&format!("/survey/{token}?score=5"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.text().await.unwrap().contains("value=\"5\" id=\"score-5\" checked"),
        "the score clicked is chosen"
    );
    let (_, still) = get(&app, &format!("/api/v1/surveys/{token}"), "").await;
    assert_eq!(still["score"], Value::Null, "a GET records nothing: {still}");
    let form = [("score", "5"), ("comment", "Quick and kind, thank you")];
    let res = app.client.post(app.url(&format!("/survey/{token}"))).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let kept = res.text().await.unwrap();
    assert!(kept.contains("id=\"score\">5<") && kept.contains("Quick and kind"), "{kept}");
    let res =
        app.client.post(app.url(&format!("/survey/{token}"))).form(&[("score", "1")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT, "a second answer changes nothing");
    let (status, answered) = post(
        &app,
        &format!("/api/v1/surveys/{token}"),
        "",
        json!({"score": 1, "comment": "changed my mind"}),
    )
    .await;
    assert_eq!((status, code(&answered)), (StatusCode::CONFLICT, "survey.answered"), "{answered}");

    // Another ticket's link is its own; a changed token opens nothing.
    let unhappy = solved_ticket(&app, &s, &agent, "#sv-2", "The lamp arrived broken").await;
    let second = survey_token(&mailing, &sink).await;
    assert_ne!(second, token);
    let mut forged = second.clone();
    forged.replace_range(0..1, if second.starts_with('0') { "1" } else { "0" });
    let (status, _) = post(&app, &format!("/api/v1/surveys/{forged}"), "", json!({"score": 5})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, bad) = post(&app, &format!("/api/v1/surveys/{second}"), "", json!({"score": 6})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");

    // A low score opens its ticket again, high priority, with the reason.
    let (status, low) =
        post(&app, &format!("/api/v1/surveys/{second}"), "", json!({"score": 2, "comment": "took a week"}))
            .await;
    assert_eq!(status, StatusCode::OK, "{low}");
    let (_, t) = get(&app, &format!("/api/v1/tickets/{unhappy}"), &agent).await;
    assert_eq!((t["status"].as_str(), t["priority"].as_str()), (Some("open"), Some("high")), "{t}");
    assert!(t["messages"].to_string().contains("scored the help 2/5: \\\"took a week\\\""), "{t}");
    let (_, t) = get(&app, &format!("/api/v1/tickets/{happy}"), &agent).await;
    assert_eq!(t["status"], "solved", "the other ticket is untouched");

    // The figures: per agent and category; another merchant has none.
    let (_, figures) = get(&app, "/api/v1/tickets/satisfaction", &agent).await;
    assert_eq!((figures["answers"].as_u64(), figures["average"].as_f64()), (Some(2), Some(3.5)), "{figures}");
    assert_eq!(figures["satisfied_pct"].as_f64(), Some(50.0), "{figures}");
    assert_eq!(figures["by_agent"].as_array().map(Vec::len), Some(1), "{figures}");
    assert_eq!(figures["by_category"][0]["key"], "quality", "{figures}");
    let (_, theirs) = get(&app, "/api/v1/tickets/satisfaction", &s.merchant_b_key).await;
    assert_eq!(theirs["answers"], 0, "{theirs}");
}

async fn a_completed_order_is_surveyed_once_and_a_low_score_opens_a_ticket_on_it(app: TestApp) {
    let f = crate::warehouse::floor(&app).await;
    crate::warehouse::stock_bin(&app, &f, "MUG", 5, "A-01-01-1-1").await;
    crate::warehouse::stock_bin(&app, &f, "PEN", 5, "A-01-01-1-2").await;
    crate::returns::uk_policy(&app, &f).await;
    let sink = SmtpSink::start().await;
    let mailing =
        app.app.clone().with_mailer(SmtpMailer::new(&sink.url, "Acme <help@acme.example>").unwrap());
    let order = crate::returns::mugs_and_pen_shipped(&app, &f, "#sv-order-1").await;
    crate::returns::delivered(&app, &order, 31).await;
    assert_eq!(crate::returns::completion(&app, &f.s.admin_key).await, 1);

    tradeport_app::notifications::relay_outbox(&mailing).await.unwrap();
    let surveys = || {
        let mut found = Vec::new();
        for m in sink.messages() {
            let parsed = mail_parser::MessageParser::default().parse(m.data.as_bytes()).unwrap();
            if parsed.subject().is_some_and(|s| s.starts_with("How was your order")) {
                found.push((m.to.clone(), parsed.body_text(0).unwrap().to_string()));
            }
        }
        found
    };
    let report = run_due(&mailing, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    assert_eq!(report.failed, 0, "{report:?}");
    let sent = surveys();
    assert_eq!(sent.len(), 1, "one survey e-mail");
    assert!(sent[0].0.iter().any(|to| to.contains("ada@example.com")), "to the buyer: {:?}", sent[0].0);
    let text = &sent[0].1;
    assert!(text.starts_with("Hello Ada Lovelace,") && text.contains("is complete"), "{text}");
    for n in 1..=5 {
        assert!(text.contains(&format!("{n}: http")), "one link per score: {text}");
    }
    let token = text.split("/survey/").nth(1).unwrap().split('?').next().unwrap().to_string();
    let (status, page) = get(&app, &format!("/api/v1/surveys/{token}"), "").await;
    assert_eq!((status, page["language"].as_str()), (StatusCode::OK, Some("en")), "{page}");

    // Completed again (its mark cleared by hand, as a rerun after a crash would find it), the
    // order is not asked again.
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("UPDATE orders SET completed_at = NULL WHERE id = $1")
        .bind(&order)
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(crate::returns::completion(&app, &f.s.admin_key).await, 1);
    tradeport_app::notifications::relay_outbox(&mailing).await.unwrap();
    run_due(&mailing, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    assert_eq!(surveys().len(), 1, "once per order");

    // A low score: a new high-priority ticket on the order, with the buyer's words and why.
    let agent = app.staff_key(&f.s, "customer_service").await;
    let answer = json!({"score": 1, "comment": "The mugs took a month"});
    let (status, low) = post(&app, &format!("/api/v1/surveys/{token}"), "", answer).await;
    assert_eq!(status, StatusCode::OK, "{low}");
    let (_, list) = get(&app, "/api/v1/tickets?q=month", &agent).await;
    let t = &list["items"][0];
    assert_eq!(
        (t["order_id"].as_str(), t["priority"].as_str()),
        (Some(order.as_str()), Some("high")),
        "{list}"
    );
    assert_eq!((t["status"].as_str(), t["channel"].as_str()), (Some("open"), Some("web_form")), "{t}");
    assert_eq!(t["messages"][0]["body"], "The mugs took a month", "{t}");
    assert!(t["messages"].to_string().contains("after its completion; follow up with them"), "{t}");
    let (status, _) = post(&app, &format!("/api/v1/surveys/{token}"), "", json!({"score": 5})).await;
    assert_eq!(status, StatusCode::CONFLICT, "once");

    // The figures count it under `order`, for no agent; the other merchant sees none of it.
    let (_, figures) = get(&app, "/api/v1/tickets/satisfaction", &agent).await;
    assert_eq!(
        (figures["answers"].as_u64(), figures["by_agent"].as_array().map(Vec::len)),
        (Some(1), Some(0))
    );
    assert_eq!(figures["by_category"][0]["key"], "order", "{figures}");
    let (_, mine) = get(&app, "/api/v1/tickets/satisfaction", &f.s.merchant_a_key).await;
    assert_eq!(mine["answers"], 1, "{mine}");
    let (_, theirs) = get(&app, "/api/v1/tickets/satisfaction", &f.s.merchant_b_key).await;
    assert_eq!(theirs["answers"], 0, "{theirs}");
    let (_, tickets_b) = get(&app, "/api/v1/tickets", &f.s.merchant_b_key).await;
    assert_eq!(tickets_b["items"].as_array().map(Vec::len), Some(0), "{tickets_b}");
}
