//! A merchant connects its Stripe and PayPal accounts and reconciles a settlement report in headless
//! Chromium (ORD-5): the webhook address to paste into Stripe, a paid order's payment on its page,
//! then Stripe's report uploaded for the day, its differences listed first with the order linked,
//! and the PDF for finance.

use tradeport_testkit::{Browser, DbKind, TestApp};

use crate::payments::{event, hook, place, succeeded, unpaid_order};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn a_merchant_connects_stripe_and_reconciles_a_settlement_in_the_browser() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let s = app.seed("uipay").await;
    app.seed_catalog(&s, 10).await;
    crate::orders::settings(&app, &s.admin_key, serde_json::json!({"payment_windows": {"web": 30}})).await;

    browser.goto(&app.url("/payments")).await;
    browser.type_into("#email", &s.merchant_a_email).await;
    browser.type_into("#password", "correct horse battery").await;
    browser.click("#sign-in").await;
    browser.wait_for_text("#page-title", "Payments").await;
    browser.wait_for_text("#no-accounts", "No payment account").await;
    browser.type_into("#account-name", "Stripe UK").await;
    browser.type_into("#account-key", "sk_test_from_the_browser").await;
    browser.click("#connect-account").await;
    let error = browser.wait_for_text("#error", "whsec").await;
    assert!(error.contains("signing secret"), "the missing secret is named: {error}");
    browser.type_into("#account-name", "Stripe UK").await;
    browser.type_into("#account-key", "sk_test_from_the_browser").await;
    browser.type_into("#account-secret", "whsec_test_secret_tradeport").await;
    browser.click("#connect-account").await;
    let url = browser.wait_for_text("#accounts", "/api/v1/payment-hooks/").await;

    // PayPal, from the same form: its client id, secret and webhook id.
    browser.script("document.querySelector('#account-provider').value = 'paypal'").await;
    browser.type_into("#account-name", "PayPal UK").await;
    browser.type_into("#account-client", "AeBrowserClientId").await;
    browser.type_into("#account-key", "EFBrowserClientSecret").await;
    browser.click("#connect-account").await;
    let error = browser.wait_for_text("#error", "webhook_id").await;
    assert!(error.contains("the id PayPal gave the webhook"), "the missing webhook id is named: {error}");
    browser.script("document.querySelector('#account-provider').value = 'paypal'").await;
    browser.type_into("#account-name", "PayPal UK").await;
    browser.type_into("#account-client", "AeBrowserClientId").await;
    browser.type_into("#account-key", "EFBrowserClientSecret").await;
    browser.type_into("#account-webhook-id", "8PT597110X687430LKGECATA").await;
    browser.click("#connect-account").await;
    let accounts = browser.wait_for_text("#accounts", "PayPal UK").await;
    assert!(accounts.contains("paypal") && accounts.contains("Stripe UK"), "{accounts}");
    let account =
        url.split("/api/v1/payment-hooks/").nth(1).unwrap().split_whitespace().next().unwrap().to_string();

    // The buyer pays: the order's page shows the payment.
    let order = place(&app, &s, unpaid_order("web-ui", "pi_rec_1")).await;
    let (_, answer) = hook(
        &app,
        &account,
        &event("evt_ui", "payment_intent.succeeded", succeeded("pi_rec_1", 4599, "gbp")),
    )
    .await;
    assert_eq!(answer["outcome"], "applied", "{answer}");
    let refund = serde_json::json!({"id": "ch_rec_1", "object": "charge", "amount_refunded": 1000, "currency": "gbp",
                                    "payment_intent": "pi_rec_1"});
    hook(&app, &account, &event("evt_ui_refund", "charge.refunded", refund)).await;
    browser.goto(&app.url(&format!("/orders/{}", order["id"].as_str().unwrap()))).await;
    let payments = browser.wait_for_text("#payments", "pi_rec_1").await;
    assert!(payments.contains("Partly refunded") && payments.contains("45.99"), "{payments}");

    // Stripe's report of the day: the unknown payment and the fee first, the match last.
    browser.goto(&app.url("/payments")).await;
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/payments/settlement/stripe_balance_transactions.csv")
        .canonicalize()
        .unwrap();
    browser.script(&format!("document.querySelector('#settlement-account').value = '{account}'")).await;
    browser.type_into("#settlement-file", file.to_str().unwrap()).await;
    browser.click("#reconcile").await;
    let findings = browser.wait_for_text("#findings", "pi_rec_missing").await;
    let first = findings.find("Not in Tradeport").unwrap_or_else(|| panic!("{findings}"));
    let matched = findings.find("Matched").unwrap_or_else(|| panic!("{findings}"));
    assert!(first < matched, "differences come first: {findings}");
    assert!(findings.contains("2000 GBP"), "{findings}");
    let totals = browser.text("#totals").await;
    assert!(totals.contains("259"), "fees 0.89 + 0.50 + 1.20 in pence: {totals}");
    let href = browser.script("return document.querySelector('#findings a').getAttribute('href')").await;
    assert_eq!(href, format!("/orders/{}", order["id"].as_str().unwrap()), "a finding links to its order");
}
