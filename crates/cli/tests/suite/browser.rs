//! The web UI in headless Chromium.

use tradeport_testkit::{Browser, DbKind, TestApp};

/// A fresh SQLite app with an operator, its catalogue and one order posted as `tag`.
async fn app_with_one_order(tag: &str) -> (TestApp, tradeport_testkit::Seeded) {
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    crate::helpers::post(&app, "/api/v1/orders", &s.merchant_a_key, tradeport_testkit::lamp_order(tag, 1))
        .await;
    (app, s)
}

/// Signs in on the login form the browser shows, and waits for the page titled `lands_on`.
async fn sign_in(browser: &Browser, email: &str, lands_on: &str) {
    browser.type_into("#email", email).await;
    browser.type_into("#password", "correct horse battery").await;
    browser.click("#sign-in").await;
    browser.wait_for_text("#page-title", lands_on).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn a_user_signs_in_switches_to_chinese_and_sees_the_dashboard_translated() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let s = app.seed("acme").await;

    browser.goto(&app.url("/")).await;
    sign_in(&browser, &s.admin_email, "Dashboard").await;
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
    sign_in(&browser, &s.admin_email, "First review").await;
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
    let (app, s) = app_with_one_order("#phone").await;
    browser.resize(390, 844).await;
    browser.goto(&app.url("/login")).await;
    sign_in(&browser, &s.admin_email, "Dashboard").await;
    for path in [
        "/",
        "/orders",
        "/inventory",
        "/users",
        "/orders/new",
        "/time-limits",
        "/notifications",
        "/warehouse",
    ] {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn an_admin_sets_the_working_calendar_and_records_a_follow_up_in_the_browser() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 10).await;
    let mut held = tradeport_testkit::lamp_order("#late", 1);
    held["remarks"] = serde_json::json!("gift wrap");
    let (_, order) = crate::helpers::post(&app, "/api/v1/orders", &s.merchant_a_key, held).await;
    let order_id = order["id"].as_str().unwrap().to_string();
    // A sweep report listing the order, as the 09:00 check writes it.
    let items = serde_json::json!([{"order_id": order_id, "step": "first_review", "department": "order_management", "due_at": 0, "late_by_ms": 5_400_000}]);
    let sweep = tradeport_store::follow_up::SweepRow {
        id: "sweep-1".into(),
        scope: "operator".into(),
        timezone: "Asia/Shanghai".into(),
        scheduled_for: 1_795_568_400_000,
        ran_at: 1_795_568_400_000,
        overdue: 1,
        items: items.to_string(),
    };
    let mut tx = app.app.db().begin().await.unwrap();
    tradeport_store::follow_up::insert_sweep_in_tx(&mut tx, s.operator.id, &sweep).await.unwrap();
    tx.commit().await.unwrap();

    browser.goto(&app.url("/time-limits")).await;
    sign_in(&browser, &s.admin_email, "Time limits").await;
    assert!(browser.text("#no-calendar").await.contains("wall-clock"));
    let queue = browser.text("#due-queue").await;
    assert!(
        queue.contains("Order management") && queue.contains("First review") && queue.contains("due in 1"),
        "the live queue lists the order's first review, due in about two hours: {queue}"
    );
    let section = browser.text("#sweep-sweep-1").await;
    assert!(section.contains("Order management") && section.contains("90 minutes late"), "{section}");

    // A mistake is named, and what was typed stays.
    browser
        .script("document.querySelector('#calendar-form input[name=timezone]').value = ''; return 0")
        .await;
    browser.type_into("#calendar-form input[name=timezone]", "Europe/Berlin").await;
    browser.type_into("#calendar-form input[name=monday]", "18:00-09:00").await;
    browser.click("#calendar-form button").await;
    browser.wait_for_text("#error", "ends before it starts").await;
    let kept =
        browser.script("return document.querySelector('#calendar-form input[name=monday]').value").await;
    assert_eq!(kept.as_str(), Some("18:00-09:00"));
    browser.script("document.querySelector('#calendar-form input[name=monday]').value = ''; return 0").await;
    browser.type_into("#calendar-form input[name=monday]", "09:00-18:00").await;
    browser.type_into("#calendar-form input[name=friday]", "09:00-12:00, 13:00-18:00").await;
    browser.type_into("#calendar-form textarea[name=closed_days]", "2026-12-25,Christmas Day").await;
    browser.click("#calendar-form button").await;
    browser.wait_for_text("#notice", "working calendar is saved").await;
    let (_, cal) = crate::helpers::get(&app, "/api/v1/calendars/default", &s.admin_key).await;
    assert_eq!(cal["week"]["friday"], serde_json::json!(["09:00-12:00", "13:00-18:00"]), "{cal}");
    assert_eq!(cal["closed_days"][0]["name"], "Christmas Day");

    browser
        .script(
            "document.querySelector('#limits-form input[name=first_review_minutes]').value = ''; return 0",
        )
        .await;
    browser.type_into("#limits-form input[name=first_review_minutes]", "45").await;
    browser.click("#limits-form input[name=confirmation_working]").await;
    browser.click("#limits-form button").await;
    browser.wait_for_text("#notice", "running clocks keep theirs").await;
    let (_, settings) = crate::helpers::get(&app, "/api/v1/settings", &s.admin_key).await;
    let limits = settings["sla_limits"].as_array().unwrap();
    assert_eq!(
        (limits[0]["step"].as_str(), limits[0]["minutes"].as_i64()),
        (Some("first_review"), Some(45)),
        "{settings}"
    );
    assert_eq!(
        (limits[2]["step"].as_str(), limits[2]["working_time"].as_bool()),
        (Some("confirmation"), Some(false))
    );

    browser.type_into("#sweep-sweep-1 input[name=action]", "called the buyer").await;
    browser.click("#sweep-sweep-1 button").await;
    browser.wait_for_text("#notice", "Follow-up recorded").await;
    let (_, view) = crate::helpers::get(&app, &format!("/api/v1/orders/{order_id}"), &s.admin_key).await;
    let timeline = view["events"].as_array().unwrap();
    assert!(timeline.iter().any(|e| e["kind"] == "order_followed_up"), "{view}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn an_admin_rewords_a_buyer_message_with_a_preview_and_cancels_a_job_in_the_browser() {
    let Some(browser) = Browser::start().await else { return };
    let (app, s) = app_with_one_order("#wait").await;
    // Without an SMTP server the confirmation e-mail waits in the queue.
    tradeport_app::notifications::relay_outbox(&app.app).await.unwrap();

    browser.goto(&app.url("/notifications/messages/order-on-hold/fr")).await;
    sign_in(&browser, &s.admin_email, "Order on hold · fr").await;
    assert!(browser.text("#catalogue").await.contains("catalogue"));
    let clear_subject = "document.querySelector('#subject').value = ''; return 0";
    browser.script(clear_subject).await;
    browser.type_into("#subject", "Commande { $order_no } : il manque { $tracking_no }").await;
    browser.click("#preview-button").await;
    browser.wait_for_text("#error", "{ $tracking_no }").await;
    browser.script(clear_subject).await;
    browser.type_into("#subject", "Commande { $order_no } : une information manque").await;
    browser.click("#preview-button").await;
    browser.wait_for_text("#preview-subject", "Commande 20261126000042 : une information manque").await;
    let text = browser.text("#preview-text").await;
    assert!(text.contains("- Vérifiez le code postal de l'adresse de livraison"), "{text}");
    let (_, before) =
        crate::helpers::get(&app, "/api/v1/message-templates/order-on-hold/fr", &s.admin_key).await;
    assert_eq!(before["customised"], false, "a preview keeps nothing");
    browser.click("#save-button").await;
    browser.wait_for_text("#notice", "Saved").await;
    let (_, after) =
        crate::helpers::get(&app, "/api/v1/message-templates/order-on-hold/fr", &s.admin_key).await;
    assert_eq!(after["wording"]["subject"], "Commande { $order_no } : une information manque", "{after}");

    browser.goto(&app.url("/notifications?state=parked")).await;
    browser.wait_for_text("#edit-order-on-hold-fr", "own wording").await;
    let jobs = browser.text("#jobs").await;
    assert!(jobs.contains("deliver_email") && jobs.contains("ada@example.com"), "{jobs}");
    browser.click("#jobs button.secondary").await;
    browser.wait_for_text("#notice", "cancelled").await;
    let (_, cancelled) = crate::helpers::get(&app, "/api/v1/jobs?state=cancelled", &s.admin_key).await;
    assert_eq!(cancelled["items"].as_array().map(Vec::len), Some(1), "{cancelled}");
    browser.close().await;
}
