//! An agent answers a buyer with a canned reply in headless Chromium (CS-1, SLA-4): the inbox
//! lists the buyer's e-mail-less tracking-page message under "unassigned", the ticket page shows the
//! conversation beside the order, the canned reply is filled in the buyer's language from the
//! order, and the answer is kept and shown to the buyer. Two agents on one ticket are warned of each
//! other. Beside the conversation the order's steps, parcels and policy; the tracking link is
//! resent from there.

use serde_json::json;
use tradeport_testkit::{Browser, DbKind, TestApp, lamp_order};

use crate::helpers::{get, post};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn an_agent_answers_with_a_canned_reply_in_the_browser() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let s = app.seed("uiservice").await;
    app.seed_catalog(&s, 10).await;
    let agent = json!({"email": "mei@uiservice.example", "display_name": "Mei", "role": "customer_service",
                       "password": "long enough secret"});
    let (status, created) = post(&app, "/api/v1/users", &s.admin_key, agent).await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{created}");
    let zh = "{buyer_name}您好，订单 {order_no} {order_state}。请在这里查看：{tracking_link}。客服 {agent}";
    let canned = json!({"name": "status_update", "language": "zh-CN", "body": zh});
    let (status, saved) = crate::helpers::call(
        &app,
        reqwest::Method::PUT,
        "/api/v1/canned-replies",
        &s.admin_key,
        Some(canned),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::OK, "{saved}");

    // A Chinese buyer writes about a colour (no automatic answer for that).
    let mut order = lamp_order("#ui-svc-1", 1);
    order["buyer"]["language"] = json!("zh-CN");
    order["buyer"]["name"] = json!("王小明");
    let (_, o) = post(&app, "/api/v1/orders", &s.merchant_a_key, order).await;
    let id = o["id"].as_str().unwrap();
    let (token, ticket) = crate::tickets::buyer_writes(
        &app,
        &s.merchant_a_key,
        id,
        "台灯颜色不对，我要的是白色",
        "ui-service-form-1",
    )
    .await;

    // Another agent has the ticket open already.
    let other = app.staff_key(&s, "customer_service").await;
    let (_, viewing) = post(&app, &format!("/api/v1/tickets/{ticket}/viewing"), &other, json!({})).await;
    assert_eq!(viewing["others"], json!([]), "{viewing}");

    browser.goto(&app.url("/service?view=unassigned")).await;
    browser.type_into("#email", "mei@uiservice.example").await;
    browser.type_into("#password", "long enough secret").await;
    browser.click("#sign-in").await;
    let inbox = browser.wait_for_text("#tickets", "王小明").await;
    assert!(inbox.contains("Size or colour"), "the suggested category: {inbox}");
    browser.click(&format!("#ticket-{ticket} a")).await;
    browser.wait_for_text("#conversation", "台灯颜色不对").await;
    let warning = browser.text("#collision").await;
    assert!(warning.contains("Also on this ticket now: api_key:"), "{warning}");
    let facts = browser.text("#ticket-facts").await;
    assert!(facts.contains("open the order") && facts.contains("zh-CN"), "{facts}");
    let beside = browser.text("#ticket-context").await;
    assert!(beside.contains("No parcel yet") && beside.contains("Latest steps"), "{beside}");
    assert!(beside.contains("no policy covers these goods"), "no policy was written: {beside}");

    // The canned reply, filled from the order in Chinese, then sent.
    browser.script("const s = document.querySelector('#canned-select'); s.value = 'status_update'; s.dispatchEvent(new Event('change'))").await;
    let mut filled = String::new();
    for _ in 0..50 {
        filled = browser
            .script("return document.querySelector('#reply-body').value")
            .await
            .as_str()
            .unwrap_or_default()
            .to_string();
        if !filled.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        filled.starts_with("王小明您好，订单 ") && filled.contains(&format!("/track/{token}")),
        "{filled}"
    );
    assert!(filled.ends_with("客服 Mei") && !filled.contains('{'), "{filled}");
    browser.click("#send-reply").await;
    let status = browser.wait_for_text("#ticket-status", "waiting for the buyer").await;
    assert!(status.contains("waiting"), "{status}");
    let conversation = browser.text("#conversation").await;
    assert!(conversation.contains("王小明您好") && conversation.contains("answer"), "{conversation}");

    // The buyer sees the answer on the tracking page.
    let (_, mine) = get(&app, &format!("/api/v1/track/{token}/tickets"), "").await;
    let last = mine["items"][0]["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["direction"].as_str(), last["body"].as_str()), (Some("out"), Some(filled.as_str())));

    // The other agent hears that Mei is on it.
    let (_, viewing) = post(&app, &format!("/api/v1/tickets/{ticket}/viewing"), &other, json!({})).await;
    assert_eq!(viewing["others"], json!(["Mei"]), "{viewing}");

    // Resending the tracking link from beside the conversation: an answer in Chinese.
    browser.click("#resend-tracking").await;
    let conversation = browser.wait_for_text("#conversation", "您的订单").await;
    assert!(conversation.matches(&format!("/track/{token}")).count() >= 2, "{conversation}");
    browser.close().await;
}
