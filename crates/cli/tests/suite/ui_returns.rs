//! A buyer files a return from the tracking page in headless Chromium, on a phone, without an
//! account (AFS-6, AFS-7): the shop's policy for their market is published on the page, a wrong
//! quantity is refused in words, the request gets its RMA number, and once approved the page
//! says where to send the parcel and what to write on it.

use reqwest::StatusCode;
use serde_json::json;
use tradeport_testkit::{Browser, DbKind, TestApp};

use crate::helpers::{get, post};
use crate::returns::{mugs_and_pen_shipped, uk_policy};
use crate::ui_warehouse::fits_the_screen;
use crate::warehouse::{floor, stock_bin};

/// Sets a form control's value as a person picking from it would.
async fn choose(browser: &Browser, css: &str, value: &str) {
    browser.script(&format!("document.querySelector('{css}').value = '{value}'; return true")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn a_buyer_files_a_return_from_the_tracking_page_and_is_told_where_to_send_it() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 3, "A-01-01-1-1").await;
    stock_bin(&app, &f, "PEN", 3, "A-01-01-1-2").await;
    uk_policy(&app, &f).await;
    let order = mugs_and_pen_shipped(&app, &f, "#ui-return").await;
    let (_, link) = get(&app, &format!("/api/v1/orders/{order}/tracking-link"), &f.s.admin_key).await;
    let page = app.url(link["url"].as_str().unwrap());

    browser.resize(390, 844).await;
    browser.goto(&page).await;
    let policy = browser.wait_for_text("#policies", "30 days of delivery").await;
    assert!(policy.contains("the law gives you at least 14 days"), "the UK's floor is published: {policy}");
    assert!(policy.contains("Return and refund"), "{policy}");
    assert!(fits_the_screen(&browser).await, "the page with its form fits a phone");

    choose(&browser, "#request-sku", "MUG").await;
    choose(&browser, "#request-type", "return_and_refund").await;
    choose(&browser, "#request-reason", "quality").await;
    choose(&browser, "#request-quantity", "").await;
    browser.type_into("#request-quantity", "abc").await;
    browser.click("#request-submit").await;
    browser.wait_for_text("#request-error", "quantity").await;

    choose(&browser, "#request-quantity", "1").await;
    choose(&browser, "#request-sku", "MUG").await;
    browser.type_into("#request-description", "The handle arrived cracked").await;
    browser.click("#request-submit").await;
    assert_eq!(browser.wait_for_text("#filed-rma", "RMA-").await, "RMA-000001");
    assert_eq!(browser.text(".request-status").await, "Received, being looked at");

    let (_, filed) =
        get(&app, &format!("/api/v1/aftersales-requests?order_id={order}"), &f.s.admin_key).await;
    let request = &filed["items"][0];
    assert_eq!(
        (request["source"].as_str(), request["description"].as_str(), request["lines"][0]["sku"].as_str()),
        (Some("buyer"), Some("The handle arrived cracked"), Some("MUG")),
        "{filed}"
    );
    let path = format!("/api/v1/aftersales-requests/{}/decision", request["id"].as_str().unwrap());
    let (status, _) = post(&app, &path, &f.s.admin_key, json!({"decision": "approve"})).await;
    assert_eq!(status, StatusCode::OK);

    browser.goto(&page).await;
    let send = browser.wait_for_text(".return-to", "Tradeport Returns").await;
    assert!(send.contains("RMA-000001"), "what to write on the parcel: {send}");
    assert_eq!(browser.text(".request-status").await, "Approved: please send it back");
    browser.close().await;
}
