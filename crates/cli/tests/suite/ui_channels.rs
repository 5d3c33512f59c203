//! A merchant connects a Shopify shop and imports an order file in headless Chromium (ORD-1,
//! SYS-3): the webhook address to paste into Shopify, the delivery log once an order arrives with
//! the link back to Shopify on the order's page, then a CSV mapped column by column, checked, and
//! imported with its progress bar, the refused rows to download.

use serde_json::json;
use tradeport_testkit::{Browser, DbKind, TestApp};

use crate::channels::{deliver, shopify_fixture};
use crate::helpers::{get, post};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn a_merchant_connects_a_shop_and_imports_an_order_file_in_the_browser() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let s = app.seed("uichan").await;
    for sku in ["IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK", "LAMP"] {
        let body = json!({"sku": sku, "name": sku, "weight_g": 120, "declared_value_minor": 1900, "declared_currency": "USD",
                          "hs_code": "851981", "origin_country": "CN", "category": "electronics"});
        post(&app, "/api/v1/skus", &s.merchant_a_key, body).await;
    }

    browser.goto(&app.url("/channels")).await;
    browser.type_into("#email", &s.merchant_a_email).await;
    browser.type_into("#password", "correct horse battery").await;
    browser.click("#sign-in").await;
    browser.wait_for_text("#page-title", "Sales channels").await;
    browser.wait_for_text("#no-connections", "No shop").await;
    browser.type_into("#connect-name", "US Shopify").await;
    browser.type_into("#connect-shop", "ipod-shop.myshopify.com").await;
    browser.click("#connect").await;
    let error = browser.wait_for_text("#error", "secret").await;
    assert!(error.contains("signs its webhooks"), "the missing secret is named: {error}");
    browser.type_into("#connect-name", "US Shopify").await;
    browser.type_into("#connect-shop", "ipod-shop.myshopify.com").await;
    browser.type_into("#connect-secret", "shpss_from_the_browser").await;
    browser.click("#connect").await;
    let hook = browser.wait_for_text("#webhook-url", "/api/v1/channel-hooks/").await;
    let connection = hook.rsplit('/').next().unwrap().to_string();
    assert_eq!(browser.text("#secret-state").await, "A webhook secret is set (never shown).");

    // Shopify delivers an order: the log shows it, the order page links back to Shopify.
    let body = shopify_fixture();
    let signature = tradeport_connectors::channel_hooks::sign_base64("shpss_from_the_browser", &body);
    let headers = [
        ("X-Shopify-Hmac-Sha256", signature.as_str()),
        ("X-Shopify-Webhook-Id", "ui-1"),
        ("X-Shopify-Topic", "orders/create"),
    ];
    let (_, answer) = deliver(&app, &connection, &headers, &body).await;
    assert_eq!(answer["outcome"], "created", "{answer}");
    browser.goto(&app.url(&format!("/channels/{connection}"))).await;
    browser.wait_for_text("#deliveries", "order created").await;
    // The shop's API token for tracking back: typed in the page, sealed, never shown again.
    browser.type_into("#credential-access_token", "shpat_from_the_browser").await;
    browser.click("#save-credentials").await;
    browser.wait_for_text("#set-access_token", "✓").await;
    let (_, view) = get(&app, &format!("/api/v1/channel-connections/{connection}"), &s.merchant_a_key).await;
    assert_eq!(view["credential_names"], json!(["access_token"]), "{view}");
    let placeholder =
        browser.script("return document.querySelector('#credential-access_token').placeholder").await;
    assert!(
        placeholder.as_str().unwrap_or_default().contains("set"),
        "shown as set, not shown: {placeholder}"
    );
    let page = browser.script("return document.body.innerHTML").await;
    assert!(!page.as_str().unwrap_or_default().contains("shpat_from_the_browser"), "never shown");
    browser.click("#deliveries a").await;
    let link = browser.wait_for_text("#channel-link", "#1001").await;
    assert!(link.contains("US Shopify"), "{link}");

    // An order file: uploaded, mapped (the currency is not in the file), checked, imported.
    let mut csv = String::from("订单号,收件人,电话,地址,城市,邮编,国家,商品编码,数量,单价\n");
    for n in 0..40 {
        let sku = if n == 7 { "NOT-OURS" } else { "LAMP" };
        csv.push_str(&format!("W-{n},王芳,020 7946 0958,1 Lovelace Way,London,EC1Y 8SY,GB,{sku},1,19.99\n"));
    }
    let file = std::env::temp_dir().join(format!("tradeport-orders-{}.csv", std::process::id()));
    std::fs::write(&file, csv).unwrap();
    browser.goto(&app.url("/channels")).await;
    browser.type_into("#upload-file", file.to_str().unwrap()).await;
    browser.click("#upload").await;
    browser.wait_for_text("#status", "waiting for its column mapping").await;
    let chosen = browser.script("return document.querySelector('#col-sku').value").await;
    assert_eq!(chosen, "商品编码", "suggested from the Chinese header");
    browser.click("#dry-run").await;
    let error = browser.wait_for_text("#error", "currency").await;
    assert!(error.contains("ISO 4217"), "{error}");
    browser.type_into("#default-currency", "GBP").await;
    browser.type_into("#default-service", "standard").await;
    browser.click("#dry-run").await;
    browser.wait_for_text("#status", "done").await;
    assert_eq!(browser.text("#created").await, "39");
    browser.click("#run-import").await;
    // The import's own page (not the dry run's), then its progress to the end.
    browser.wait_for_text("#counts", "orders created").await;
    browser.wait_for_text("#rows-done", "40/40").await;
    browser.wait_for_text("#status", "done").await;
    assert_eq!(
        (browser.text("#created").await, browser.text("#refused").await),
        ("39".to_string(), "1".to_string())
    );
    let href = browser.script("return document.querySelector('#error-file').getAttribute('href')").await;
    let (signed, _) = crate::helpers::signed_in(&app, &s.merchant_a_email).await;
    let errors = signed.get(app.url(href.as_str().unwrap())).send().await.unwrap().text().await.unwrap();
    assert!(errors.contains("W-7") && errors.contains("NOT-OURS"), "{errors}");
    std::fs::remove_file(&file).ok();
    browser.close().await;
}
