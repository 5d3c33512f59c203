//! The web UI in headless Chromium.

use tradeport_testkit::{Browser, DbKind, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn a_user_signs_in_switches_to_chinese_and_sees_the_dashboard_translated() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let s = app.seed("acme").await;

    browser.goto(&app.url("/")).await;
    browser.type_into("#email", &s.admin_email).await;
    browser.type_into("#password", "correct horse battery").await;
    browser.click("#sign-in").await;
    browser.wait_for_text("#page-title", "Dashboard").await;
    assert_eq!(browser.text("#count-merchants").await, "2");

    browser.click("#lang-switch").await;
    browser.wait_for_text("#page-title", "仪表盘").await;
    assert!(browser.text("nav.side").await.contains("订单"), "the navigation is translated too");
    assert!(browser.text("#who").await.contains("管理员"), "and the role name");
    assert_eq!(browser.text("#count-merchants").await, "2");

    if let Ok(dir) = std::env::var("TRADEPORT_SCREENSHOTS") {
        browser.screenshot(&std::path::Path::new(&dir).join("dashboard-zh.png")).await;
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn a_reviewer_works_through_the_first_review_queue_in_the_browser() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    crate::orders::settings(&app, &s.admin_key, serde_json::json!({"auto_approve": false})).await;
    for n in 0..3 {
        crate::helpers::post(
            &app,
            "/api/v1/orders",
            &s.merchant_a_key,
            tradeport_testkit::lamp_order(&format!("#b{n}"), 1),
        )
        .await;
    }
    browser.goto(&app.url("/orders/queue/first")).await;
    browser.type_into("#email", &s.admin_email).await;
    browser.type_into("#password", "correct horse battery").await;
    browser.click("#sign-in").await;
    browser.wait_for_text("#page-title", "First review").await;
    assert_eq!(browser.text("#orders tbody").await.lines().count(), 3);

    browser.click("#orders tbody tr:nth-child(1) .pick").await;
    browser.click("#orders tbody tr:nth-child(2) .pick").await;
    browser.click("#bulk-approve").await;
    browser.wait_for_text("#notice", "2 orders approved").await;
    assert_eq!(browser.text("#orders tbody").await.lines().count(), 1, "one order left in the queue");

    browser.click("#orders tbody tr:nth-child(1) .approve").await;
    browser.wait_for_text("#empty", "No orders here").await;
    browser.goto(&app.url("/orders?status=approved")).await;
    assert_eq!(browser.text("#orders tbody").await.lines().count(), 3);
    if let Ok(dir) = std::env::var("TRADEPORT_SCREENSHOTS") {
        browser.screenshot(&std::path::Path::new(&dir).join("orders.png")).await;
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn the_pages_fit_a_phone_screen_without_sideways_scrolling() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    crate::helpers::post(
        &app,
        "/api/v1/orders",
        &s.merchant_a_key,
        tradeport_testkit::lamp_order("#phone", 1),
    )
    .await;
    browser.resize(390, 844).await;
    browser.goto(&app.url("/login")).await;
    browser.type_into("#email", &s.admin_email).await;
    browser.type_into("#password", "correct horse battery").await;
    browser.click("#sign-in").await;
    browser.wait_for_text("#page-title", "Dashboard").await;
    for path in ["/", "/orders", "/inventory", "/users", "/orders/new"] {
        browser.goto(&app.url(path)).await;
        let viewport = browser.script("return window.innerWidth").await.as_i64().unwrap();
        let page = browser.script("return document.documentElement.scrollWidth").await.as_i64().unwrap();
        assert!(page <= viewport, "{path} is {page} px wide on a {viewport} px screen");
        if let Ok(dir) = std::env::var("TRADEPORT_SCREENSHOTS") {
            let name = format!("phone{}.png", path.replace('/', "-"));
            browser.screenshot(&std::path::Path::new(&dir).join(name)).await;
        }
    }
    browser.close().await;
}
