//! The supervisor's KPI dashboard in headless Chromium (KPI-3): after two orders are received and
//! one handed over, the figures table shows each KPI against its target, the trend is drawn with
//! its target line, and the chosen KPI per department names the warehouse.

use serde_json::json;
use tradeport_testkit::{Browser, DbKind, TestApp};

use crate::helpers::post;
use crate::returns::hand_over_orders;
use crate::warehouse::{confirmed_order, floor, stock_bin};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn a_supervisor_reads_the_kpis_against_their_targets_in_the_browser() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 5, "A-01-01-1-1").await;
    let shipped = confirmed_order(&app, &f, "#ui-k-1", &[("MUG", 1)]).await;
    confirmed_order(&app, &f, "#ui-k-2", &[("MUG", 1)]).await;
    hand_over_orders(&app, &f, &[&shipped]).await;
    tradeport_app::audit::seal_operator(&app.app, f.s.operator.id, false).await.unwrap();
    tradeport_app::reporting::roll_up(&app.app, f.s.operator.id).await.unwrap();
    let boss = json!({"email": "lin@acme.example", "display_name": "Lin", "role": "supervisor",
                      "password": "long enough secret"});
    let (status, created) = post(&app, "/api/v1/users", &f.s.admin_key, boss).await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{created}");

    browser.goto(&app.url("/kpis")).await;
    browser.type_into("#email", "lin@acme.example").await;
    browser.type_into("#password", "long enough secret").await;
    browser.click("#sign-in").await;
    let table = browser.wait_for_text("#kpi-table", "Time to ship").await;
    assert!(table.contains("Completion rate") && table.contains("Complaint rate"), "{table}");
    let ship = browser.text("#kpi-time_to_ship").await;
    assert!(
        ship.contains("≤ 48 h") && ship.contains("met") && ship.contains("/ 1"),
        "against its target: {ship}"
    );
    let counted = browser.text("#kpi-completion_rate").await;
    assert!(counted.contains("0 / 2"), "none of the two received is complete: {counted}");
    let drawn = browser
        .script("return [document.querySelector('#trend-chart title').textContent, !!document.querySelector('#target-line'), document.querySelector('#group-chart').textContent]")
        .await;
    assert!(drawn[0].as_str().unwrap_or_default().starts_with("Trend: Time to ship"), "{drawn}");
    assert_eq!(drawn[1], json!(true), "the target line: {drawn}");
    assert!(drawn[2].as_str().unwrap_or_default().contains("warehouse"), "per department: {drawn}");
    browser.close().await;
}
