//! The order screens as people use them (#7), in headless Chromium, in both languages: every
//! action a queue offers is taken, money is typed as money, a Chinese page has no English
//! domain text, a merchant sees no link that refuses, and search finds what was written.

use serde_json::{Value, json};
use tradeport_testkit::{Browser, DbKind, Seeded, TestApp, lamp_order};

use crate::audit::count;
use crate::helpers::post;

async fn started() -> Option<(Browser, TestApp, Seeded)> {
    let browser = Browser::start().await?;
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    Some((browser, app, s))
}

async fn sign_in(browser: &Browser, app: &TestApp, email: &str) {
    browser.goto(&app.url("/login")).await;
    browser.type_into("#email", email).await;
    browser.type_into("#password", crate::helpers::PASSWORD).await;
    browser.click("#sign-in").await;
    browser.wait_for_text("#page-title", "").await;
    browser.find("nav.side").await;
}

/// The page's error, if it shows one: a refused action's message or an error page's title.
async fn error_shown(browser: &Browser) -> String {
    let script = "const e = document.querySelector('#error, #errors, p.error'); return e ? e.innerText : ''";
    browser.script(script).await.as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn on_each_queue_every_offered_action_is_taken_without_a_refusal_in_chinese() {
    let Some((browser, app, s)) = started().await else { return };
    crate::orders::settings(&app, &s.admin_key, json!({"auto_approve": false})).await;
    let mut no_postcode = lamp_order("#held", 1);
    no_postcode["shipping_address"]["postcode"] = json!("");
    post(&app, "/api/v1/orders", &s.merchant_a_key, no_postcode).await;
    for n in 0..4 {
        post(&app, "/api/v1/orders", &s.merchant_a_key, lamp_order(&format!("#first-{n}"), 1)).await;
    }
    sign_in(&browser, &app, &s.admin_email).await;
    browser.click("#lang-switch").await;
    browser.wait_for_text("#page-title", "仪表盘").await;

    let mut taken: Vec<String> = Vec::new();
    for queue in ["first", "hold"] {
        loop {
            browser.goto(&app.url(&format!("/orders/queue/{queue}"))).await;
            // The first action offered now that was not taken on its order before.
            let script = format!(
                "const taken = {}; return [...document.querySelectorAll('#orders tbody tr button[name=action]')] \
                 .map(b => [b.closest('tr').id, b.value]).find(([row, a]) => !taken.includes(row + ' ' + a)) || null",
                json!(taken)
            );
            let Some(next) = browser.script(&script).await.as_array().cloned() else { break };
            let (row, action) =
                (next[0].as_str().unwrap().to_string(), next[1].as_str().unwrap().to_string());
            taken.push(format!("{row} {action}"));
            browser.type_into(&format!("#{row} input[name=reason]"), "checked with the buyer").await;
            browser.click_and_wait(&format!("#{row} button[value='{action}']")).await;
            assert_eq!(error_shown(&browser).await, "", "{action} on {row} in the {queue} queue was refused");
            assert!(taken.len() < 20, "the queues empty as their actions are taken: {taken:?}");
        }
    }
    // Four approvals; on the held order a release (that keeps it: no postcode), then a rejection.
    assert_eq!(taken.len(), 6, "{taken:?}");
    assert!(taken.iter().any(|t| t.ends_with(" release-hold")), "{taken:?}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn staff_type_gbp_and_jpy_amounts_in_the_form_and_they_are_stored_exactly() {
    let Some((browser, app, s)) = started().await else { return };
    sign_in(&browser, &app, &s.admin_email).await;
    for (id, currency, price, shipping, suggested) in
        [("PHONE-GBP", "GBP", "45.99", "7.99", "53.98 GBP"), ("PHONE-JPY", "JPY", "1500", "", "1500 JPY")]
    {
        browser.goto(&app.url("/orders/new")).await;
        browser
            .script(&format!("document.querySelector('[name=merchant_id]').value = '{}'", s.merchant_a.id))
            .await;
        for (field, value) in [
            ("channel_order_id", id),
            ("buyer_name", "Ada Lovelace"),
            ("buyer_phone", "020 7946 0958"),
            ("line1", "1 Lovelace Way"),
            ("city", "London"),
            ("postcode", "EC1Y 8SY"),
            ("country", "GB"),
            ("sku0", "LAMP"),
            ("qty0", "1"),
            ("price0", price),
            ("shipping_fee", shipping),
            ("payment_method", "bank_transfer"),
        ] {
            if !value.is_empty() {
                browser.type_into(&format!("[name={field}]"), value).await;
            }
        }
        // The currency replaces the default typed in the field, as a person would.
        browser.script("document.querySelector('#currency').value = ''").await;
        browser.type_into("#currency", currency).await;
        browser.wait_for_text("#suggested-total", suggested).await;
        browser.click_and_wait("#create-order").await;
        assert_eq!(error_shown(&browser).await, "", "{id}");
    }
    let stored = |no: &str| {
        format!("SELECT total_minor * 10000 + shipping_fee_minor FROM orders WHERE channel_order_id = '{no}'")
    };
    assert_eq!(count(&app, &stored("PHONE-GBP")).await, 5398 * 10000 + 799, "53.98 and 7.99 GBP, exactly");
    assert_eq!(count(&app, &stored("PHONE-JPY")).await, 1500 * 10000, "1500 JPY, no decimals");
    browser.close().await;
}

/// The English catalogue's phrases (two words or more, no placeholders): none may be on a
/// Chinese page, so a string Chinese lacks (or left in English) is found.
fn english_phrases() -> Vec<String> {
    include_str!("../../../web/locales/en.ftl")
        .lines()
        .filter_map(|l| l.split_once(" = "))
        .map(|(_, value)| value.trim())
        .filter(|value| value.split_whitespace().count() >= 2 && !value.contains('{'))
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn a_chinese_order_page_and_queue_have_no_english_domain_text() {
    let Some((browser, app, s)) = started().await else { return };
    let mut held = lamp_order("#held", 1);
    held["shipping_address"]["postcode"] = json!("");
    held["buyer"]["phone"] = json!("123");
    held["paid_minor"] = json!(0);
    held["payment_status"] = json!("unpaid");
    let (_, held) = post(&app, "/api/v1/orders", &s.merchant_a_key, held).await;
    let messages: Vec<String> = held["holds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["message"].as_str().unwrap().to_string())
        .collect();
    assert!(messages.len() >= 3, "{held}");
    sign_in(&browser, &app, &s.admin_email).await;
    browser.click("#lang-switch").await;
    browser.wait_for_text("#page-title", "仪表盘").await;

    let phrases = english_phrases();
    assert!(phrases.len() > 200, "the comparison has the English to compare with");
    let id = held["id"].as_str().unwrap();
    for page in ["/orders/queue/hold".to_string(), format!("/orders/{id}"), "/orders".into()] {
        browser.goto(&app.url(&page)).await;
        let text = browser.text("main").await;
        for m in &messages {
            assert!(!text.contains(m.as_str()), "{page} shows the domain's English '{m}':\n{text}");
        }
        for phrase in &phrases {
            assert!(!text.contains(phrase.as_str()), "{page} has the English '{phrase}':\n{text}");
        }
        for code in ["order_received_on_hold", "phone_invalid", "not_paid", "unpaid", "api_key"] {
            assert!(!text.contains(code), "{page} shows the code {code}:\n{text}");
        }
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn a_merchant_sees_no_link_that_refuses_and_search_finds_underscores() {
    let Some((browser, app, s)) = started().await else { return };
    let mut wanted = String::new();
    for (tag, email) in [
        ("#1001_A", "ada_lovelace@example.com"),
        ("#1001XA", "adaxlovelace@example.com"),
        ("#1001%A", "ada%lovelace@example.com"),
    ] {
        let mut order = lamp_order(tag, 1);
        order["buyer"]["email"] = json!(email);
        let (_, order) = post(&app, "/api/v1/orders", &s.merchant_a_key, order).await;
        if tag == "#1001_A" {
            wanted = format!("order-{}", order["id"].as_str().unwrap());
        }
    }
    sign_in(&browser, &app, &s.merchant_a_email).await;
    let script = "const links = [...new Set([...document.querySelectorAll('a[href^=\"/\"]')].map(a => a.getAttribute('href')))]; \
                  return Promise.all(links.map(h => fetch(h).then(r => [h, r.status])))";
    let answers: Vec<Value> = browser.script(script).await.as_array().cloned().unwrap_or_default();
    assert!(answers.len() >= 5, "{answers:?}");
    let refused: Vec<&Value> = answers.iter().filter(|a| a[1].as_i64() != Some(200)).collect();
    assert!(refused.is_empty(), "links a merchant is shown but may not open: {refused:?}");

    for typed in ["ada_lovelace@example.com", "#1001_A"] {
        browser.goto(&app.url("/orders")).await;
        browser.type_into("#filters input[name=q]", typed).await;
        browser.click_and_wait("#filters button[type=submit]").await;
        let rows =
            browser.script("return [...document.querySelectorAll('#orders tbody tr')].map(r => r.id)").await;
        assert_eq!(rows, json!([wanted]), "{typed}: the exact match only, `_` and `%` taken literally");
    }
    browser.close().await;
}
