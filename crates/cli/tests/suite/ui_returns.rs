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
use crate::warehouse::{Floor, floor, stock_bin};

/// A fresh SQLite app: merchant A's mugs and pens in stock, the UK policy for home goods.
async fn shop_with_a_policy() -> (TestApp, Floor) {
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 3, "A-01-01-1-1").await;
    stock_bin(&app, &f, "PEN", 3, "A-01-01-1-2").await;
    uk_policy(&app, &f).await;
    (app, f)
}

/// Sets a form control's value as a person picking from it would.
async fn choose(browser: &Browser, css: &str, value: &str) {
    browser.script(&format!("document.querySelector('{css}').value = '{value}'; return true")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn a_buyer_files_a_return_from_the_tracking_page_and_is_told_where_to_send_it() {
    let Some(browser) = Browser::start().await else { return };
    let (app, f) = shop_with_a_policy().await;
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
    let photo = std::env::temp_dir().join(format!("tradeport-cracked-{}.jpg", std::process::id()));
    std::fs::write(&photo, crate::warehouse::jpeg(3_000)).unwrap();
    browser.type_into(".photo-form input[type=file]", photo.to_str().unwrap()).await;
    browser.click(".photo-form button").await;
    browser.wait_for_text(".photos", "one file sent").await;
    std::fs::remove_file(&photo).ok();

    let (_, filed) =
        get(&app, &format!("/api/v1/aftersales-requests?order_id={order}"), &f.s.admin_key).await;
    let request = &filed["items"][0];
    assert_eq!(
        (request["source"].as_str(), request["description"].as_str(), request["lines"][0]["sku"].as_str()),
        (Some("buyer"), Some("The handle arrived cracked"), Some("MUG")),
        "{filed}"
    );
    let one = format!("/api/v1/aftersales-requests/{}", request["id"].as_str().unwrap());
    let (_, detail) = get(&app, &one, &f.s.merchant_a_key).await;
    let url = detail["evidence"][0]["url"].as_str().expect("the buyer's photo is listed").to_string();
    assert_eq!(detail["evidence"][0]["content_type"], "image/jpeg", "{detail}");
    let res = app.client.get(app.url(&url)).bearer_auth(&f.s.merchant_a_key).send().await.unwrap();
    assert_eq!(res.bytes().await.unwrap().len(), 3_000, "the bytes as sent");
    let (status, _) = get(&app, &url, &f.s.merchant_b_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not another merchant's");
    let path = format!("/api/v1/aftersales-requests/{}/decision", request["id"].as_str().unwrap());
    let (status, _) = post(&app, &path, &f.s.admin_key, json!({"decision": "approve"})).await;
    assert_eq!(status, StatusCode::OK);

    browser.goto(&page).await;
    let send = browser.wait_for_text(".return-to", "Tradeport Returns").await;
    assert!(send.contains("RMA-000001"), "what to write on the parcel: {send}");
    assert_eq!(browser.text(".request-status").await, "Approved: please send it back");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn staff_decide_receive_inspect_and_restock_a_return_then_recall_the_rest_in_the_browser() {
    let Some(browser) = Browser::start().await else { return };
    let (app, f) = shop_with_a_policy().await;
    let order = mugs_and_pen_shipped(&app, &f, "#ui-desk").await;
    let body = json!({"order_id": order, "request_type": "return_and_refund", "reason": "quality",
                      "description": "chipped rim", "lines": [{"sku": "MUG", "quantity": 1}]});
    let (status, filed) = post(&app, "/api/v1/aftersales-requests", &f.s.merchant_a_key, body).await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");

    browser.goto(&app.url("/aftersales?department=customer_service")).await;
    browser.type_into("#email", &f.s.admin_email).await;
    browser.type_into("#password", "correct horse battery").await;
    browser.click("#sign-in").await;
    browser.wait_for_text("#page-title", "After-sales").await;
    let card = "#request-RMA-000001";
    assert!(browser.text(card).await.contains("chipped rim"), "the buyer's words in the queue");
    browser.type_into(&format!("{card} input[name=amount]"), "abc").await;
    browser.click(&format!("{card} .approve")).await;
    browser.wait_for_text("#error", "e.g. 12.50").await;
    browser.type_into(&format!("{card} input[name=amount]"), "15.00").await;
    browser.click(&format!("{card} .approve")).await;
    browser.wait_for_text("#notice", "RMA-000001 · Approved: please send it back").await;

    browser.type_into("#rma", "RMA-000001").await;
    browser.click("#receive").await;
    browser.wait_for_text("#notice", "RMA-000001 · Your return has arrived").await;
    for name in ["intact", "original_item", "resaleable"] {
        browser.click(&format!("{card} input[name={name}]")).await;
    }
    browser.type_into(&format!("{card} input[name=bin]"), "A-02-01-1-1").await;
    // The first choice is the merchant's standing rule; this merchant has none, so it is named.
    browser.click(&format!("{card} .inspect button")).await;
    browser.wait_for_text("#error", "no standing rule for resaleable goods").await;
    for name in ["intact", "original_item", "resaleable"] {
        browser.click(&format!("{card} input[name={name}]")).await;
    }
    browser.type_into(&format!("{card} input[name=bin]"), "A-02-01-1-1").await;
    choose(&browser, &format!("{card} select[name=disposition]"), "restock").await;
    browser.click(&format!("{card} .inspect button")).await;
    browser.wait_for_text("#notice", "RMA-000001 · Done").await;

    let (_, refunds) = get(&app, &format!("/api/v1/orders/{order}/refunds"), &f.s.admin_key).await;
    assert_eq!(refunds["refunded_minor"], 1500, "the amount typed as money: {refunds}");
    let drifts = tradeport_app::inventory::verify_inventory(&app.app).await.unwrap();
    assert!(drifts.is_empty(), "inventory verify: {drifts:?}");
    browser.goto(&app.url(&format!("/orders/{order}"))).await;
    assert_eq!(browser.wait_for_text("#requests .request-status", "Done").await, "Done");

    // The buyer cancels what is left on its way: a recall, with the fee typed as money.
    browser.type_into("#recall-form input[name=reason]", "the buyer moved house").await;
    browser.type_into("#recall-form input[name=fee]", "3.00").await;
    browser.click("#recall-form input[name=buyer_pays_fee]").await;
    browser.click("#recall-form button").await;
    let cases = browser.wait_for_text("#cases", "recall after hand-over").await;
    assert!(cases.contains("the buyer moved house"), "{cases}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn a_merchant_sets_its_standing_rules_for_returned_goods_in_the_browser() {
    let Some(browser) = Browser::start().await else { return };
    let (app, f) = shop_with_a_policy().await;
    browser.resize(390, 844).await;
    browser.goto(&app.url("/aftersales")).await;
    browser.type_into("#email", &f.s.merchant_a_email).await;
    browser.type_into("#password", "correct horse battery").await;
    browser.click("#sign-in").await;
    browser.wait_for_text("#standing-rules", "Standing rules for returned goods").await;
    let damaged = browser.text("#rule-damaged").await;
    assert!(!damaged.contains("Back into stock"), "damaged goods are never restocked: {damaged}");
    choose(&browser, "#rule-damaged", "return_to_origin").await;
    choose(&browser, "#rule-resaleable", "restock").await;
    browser.click("#save-rules").await;
    browser.wait_for_text("#notice", "Standing rules saved").await;
    let kept = browser.script("return document.querySelector('#rule-damaged').value").await;
    assert_eq!(kept, "return_to_origin", "the page shows the rule kept");
    fits_the_screen(&browser).await;
    let (_, rules) = get(&app, "/api/v1/disposition-rules", &f.s.merchant_a_key).await;
    assert_eq!(
        rules["rules"],
        json!([{"condition": "resaleable", "disposition": "restock"},
               {"condition": "damaged", "disposition": "return_to_origin"}]),
        "{rules}"
    );
    browser.close().await;
}
