//! The web UI in headless Chromium.

use tradeport_testkit::{Browser, DbKind, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_signs_in_switches_to_chinese_and_sees_the_dashboard_translated() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let s = app.seed("acme").await;

    browser.goto(&app.url("/")).await;
    browser.type_into("#email", &s.admin_email).await;
    browser
        .type_into("#password", "correct horse battery")
        .await;
    browser.click("#sign-in").await;
    browser.wait_for_text("#page-title", "Dashboard").await;
    assert_eq!(browser.text("#count-merchants").await, "2");

    browser.click("#lang-switch").await;
    browser.wait_for_text("#page-title", "仪表盘").await;
    assert!(
        browser.text("nav.side").await.contains("订单"),
        "the navigation is translated too"
    );
    assert!(
        browser.text("#who").await.contains("管理员"),
        "and the role name"
    );
    assert_eq!(browser.text("#count-merchants").await, "2");

    if let Ok(dir) = std::env::var("TRADEPORT_SCREENSHOTS") {
        browser
            .screenshot(&std::path::Path::new(&dir).join("dashboard-zh.png"))
            .await;
    }
    browser.close().await;
}
