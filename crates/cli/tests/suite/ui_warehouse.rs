//! The scanner screens in headless Chromium on a phone-sized window (WMS-2, WMS-4): the scan
//! input keeps the focus, Enter submits, a refused scan turns the screen red and says why.

use reqwest::StatusCode;
use serde_json::json;
use tradeport_testkit::{Browser, DbKind, TestApp};

use crate::helpers::post;
use crate::warehouse::{MUG_GTIN, asn, confirmed_order, floor, stock_bin};

const ENTER: &str = "\u{E007}";

async fn sign_in(browser: &Browser, email: &str, lands_on: &str) {
    browser.type_into("#email", email).await;
    browser.type_into("#password", "correct horse battery").await;
    browser.click("#sign-in").await;
    browser.wait_for_text("#page-title", lands_on).await;
}

/// Scans `code` the way a keyboard-wedge scanner does (the code, then Enter) and waits for the
/// screen's answer to contain `answer`.
async fn scan(browser: &Browser, code: &str, answer: &str) -> String {
    browser.type_into("#scan", &format!("{code}{ENTER}")).await;
    browser.wait_for_text("#said", answer).await
}

async fn focus_is_on_the_scan_input(browser: &Browser) -> bool {
    browser.script("return document.activeElement && document.activeElement.id").await == "scan"
}

async fn refused_on_screen(browser: &Browser) -> bool {
    browser.script("return document.querySelector('.scanner.refused') !== null").await == true
}

pub(crate) async fn fits_the_screen(browser: &Browser) -> bool {
    let viewport = browser.script("return window.innerWidth").await.as_i64().unwrap();
    let page = browser.script("return document.documentElement.scrollWidth").await.as_i64().unwrap();
    page <= viewport
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn a_receiver_counts_a_notice_with_a_scanner_on_a_phone_and_sees_its_discrepancies() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let f = floor(&app).await;
    let (_, a) =
        post(&app, "/api/v1/asns", &f.s.merchant_a_key, asn(&f.uk, &[("MUG", 1, 3), ("PEN", 1, 2)])).await;
    let id = a["id"].as_str().unwrap();
    post(&app, &format!("/api/v1/asns/{id}/submit"), &f.s.merchant_a_key, json!({})).await;
    let (status, _) = post(&app, &format!("/api/v1/asns/{id}/accept"), &f.s.admin_key, json!({})).await;
    assert_eq!(status, StatusCode::OK);

    browser.resize(390, 844).await;
    browser.goto(&app.url("/warehouse/receive")).await;
    sign_in(&browser, &f.s.admin_email, "Receiving").await;
    assert!(focus_is_on_the_scan_input(&browser).await);
    scan(&browser, "asn-000001", "ASN-000001 arrived").await;
    assert!(focus_is_on_the_scan_input(&browser).await, "the focus comes back after each scan");
    scan(&browser, MUG_GTIN, "MUG").await;
    assert!(!refused_on_screen(&browser).await);
    let said = scan(&browser, "4006381333932", "check digit").await;
    assert!(refused_on_screen(&browser).await, "a refused scan turns the screen red: {said}");
    assert!(focus_is_on_the_scan_input(&browser).await);
    browser.type_into("#quantity", "2").await;
    scan(&browser, MUG_GTIN, "3 / 3").await;
    browser.click("#damaged").await;
    scan(&browser, "PEN", "1 / 2").await;
    assert_eq!(browser.text("#line-PEN .damaged").await, "1");
    assert!(fits_the_screen(&browser).await, "the receiving screen fits a phone");

    browser.click("#confirm-count").await;
    browser.wait_for_text("#said", "ASN-000001 received").await;
    let pen = browser.text("#line-PEN .discrepancies").await;
    assert!(pen.contains("Short") && pen.contains("Damaged"), "{pen}");
    assert_eq!(browser.text("#line-MUG .discrepancies").await, "", "the mugs arrived as notified");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn a_picker_builds_a_wave_and_picks_it_bin_then_item_refused_when_wrong() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 5, "A-01-01-1-2").await;
    stock_bin(&app, &f, "PEN", 3, "A-02-01-1-1").await;
    confirmed_order(&app, &f, "#ui-pick", &[("PEN", 1), ("MUG", 2)]).await;

    browser.resize(390, 844).await;
    browser.goto(&app.url(&format!("/warehouse?w={}", f.uk))).await;
    sign_in(&browser, &f.s.admin_email, "Warehouse").await;
    browser.click("#build-wave").await;
    browser.wait_for_text("#page-title", "Picking").await;
    assert_eq!(browser.text("#target-bin").await, "A-01-01-1-2", "the nearest bin first");
    assert!(focus_is_on_the_scan_input(&browser).await);
    scan(&browser, "A-02-01-1-1", "Wrong bin: go to A-01-01-1-2").await;
    assert!(refused_on_screen(&browser).await);
    scan(&browser, "A-01-01-1-2", "now scan the item").await;
    assert!(!refused_on_screen(&browser).await);
    scan(&browser, "PEN", "wrong item").await;
    assert!(refused_on_screen(&browser).await);
    scan(&browser, MUG_GTIN, "MUG · 1 / 2").await;
    scan(&browser, MUG_GTIN, "MUG · 2 / 2").await;
    browser.wait_for_text("#target-bin", "A-02-01-1-1").await;
    assert!(fits_the_screen(&browser).await, "the picking screen fits a phone");
    browser.click("#report-short").await;
    browser.wait_for_text("#said", "PEN sent to the exception queue").await;
    browser.wait_for_text("#wave-done", "Every line").await;
    browser.goto(&app.url("/warehouse")).await;
    assert!(browser.text("#exceptions").await.contains("PEN"), "the short line waits in the queue");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn a_packer_scans_an_order_into_its_marked_packages_weighs_and_labels_them() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let f = floor(&app).await;
    crate::orders::settings(&app, &f.s.admin_key, json!({"spot_check_pct": 0})).await;
    let courier = json!({"code": "DPD-NEXT", "name": "Next day", "carrier": "DPD", "kind": "local_delivery",
                         "zones": [{"country": "GB"}], "currency": "GBP", "allowed_traits": ["un3481"],
                         "brackets": [{"up_to_g": 20000, "first_g": 1000, "first_minor": 900}],
                         "max_weight_g": 20000, "transit_days_min": 1, "transit_days_max": 1});
    let (status, body) = post(&app, "/api/v1/carrier-services", &f.s.admin_key, courier).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    stock_bin(&app, &f, "MUG", 2, "A-01-01-1-1").await;
    stock_bin(&app, &f, "TORCH", 2, "B-01-01-1-1").await;
    let order = confirmed_order(&app, &f, "#ui-pack", &[("MUG", 1), ("TORCH", 1)]).await;
    let (_, wave) = post(&app, "/api/v1/waves", &f.s.admin_key, json!({"warehouse_id": f.uk})).await;
    for l in wave["lines"].as_array().unwrap() {
        let body = json!({"bin": l["bin_code"], "item": l["sku"], "quantity": l["qty"]});
        let (status, _) = post(
            &app,
            &format!("/api/v1/pick-lines/{}/pick", l["id"].as_str().unwrap()),
            &f.s.admin_key,
            body,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    let (_, o) = crate::helpers::get(&app, &format!("/api/v1/orders/{order}"), &f.s.admin_key).await;
    let number = o["order_no"].as_str().unwrap().to_string();

    browser.resize(390, 844).await;
    browser.goto(&app.url("/warehouse/pack")).await;
    sign_in(&browser, &f.s.admin_email, "Packing").await;
    scan(&browser, "20990101999999", "No order").await;
    assert!(refused_on_screen(&browser).await);
    scan(&browser, &number, "2 packages").await;
    assert!(browser.text("#package-1 .marks").await.contains("UN3481"));
    assert!(browser.text("#package-2 .marks").await.contains("FRAGILE"));
    scan(&browser, crate::warehouse::TORCH_UPC, "1 of 2 · TORCH 1/1").await;
    scan(&browser, MUG_GTIN, "2 of 2 · MUG 1/1").await;
    browser.wait_for_text("#order-status", "Packed").await;
    scan(&browser, MUG_GTIN, "every MUG of this order is packed already").await;
    assert!(refused_on_screen(&browser).await, "nothing more of the mug to pack");
    assert!(fits_the_screen(&browser).await, "the packing screen fits a phone");
    for n in [1, 2] {
        let expected = browser
            .script(&format!("return document.querySelector('#package-{n} .weight').placeholder"))
            .await;
        browser
            .type_into(&format!("#package-{n} .weight"), &format!("{}{ENTER}", expected.as_str().unwrap()))
            .await;
        browser.wait_for_text("#said", &format!("{n} of 2")).await;
    }
    browser.wait_for_text("#order-status", "Ready to ship").await;
    browser.click("#package-1 .make-label").await;
    browser.wait_for_text("#said", "DPD · DPD-NEXT · DPDNEX0000000001").await;
    assert_eq!(browser.text("#package-1 .tracking-no").await, "DPDNEX0000000001");
    let href =
        browser.script("return document.querySelector('#package-1 .label-pdf').getAttribute('href')").await;
    assert!(href.as_str().unwrap().ends_with("/label.pdf"), "{href}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn warehouse_staff_ask_the_buyer_about_a_short_pick_and_add_a_discrepancy_photo() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let f = floor(&app).await;
    stock_bin(&app, &f, "MUG", 2, "A-01-01-1-2").await;
    stock_bin(&app, &f, "PEN", 5, "A-02-01-1-1").await;
    confirmed_order(&app, &f, "#ui-short", &[("MUG", 2)]).await;
    let (_, wave) = post(&app, "/api/v1/waves", &f.s.admin_key, json!({"warehouse_id": f.uk})).await;
    let line = wave["lines"][0]["id"].as_str().unwrap().to_string();
    let (status, _) =
        post(&app, &format!("/api/v1/pick-lines/{line}/short"), &f.s.admin_key, json!({})).await;
    assert_eq!(status, StatusCode::OK);

    browser.goto(&app.url(&format!("/warehouse?w={}", f.uk))).await;
    sign_in(&browser, &f.s.admin_email, "Warehouse").await;
    let row = format!("#exceptions tr[data-line=\"{line}\"]");
    assert!(browser.text(&row).await.contains("short"));
    browser.click(&format!("{row} .ask-buyer")).await;
    browser.wait_for_text("#notice", "The buyer was asked about MUG").await;
    assert!(browser.text(&row).await.contains("asking the buyer"));
    browser.type_into(&format!("{row} input[name=substitute]"), "PEN").await;
    browser.type_into(&format!("{row} input[name=note]"), "a pen will do").await;
    browser.click(&format!("{row} form[action$=\"/answer\"] button")).await;
    browser.wait_for_text("#notice", "MUG · resolved").await;
    assert_eq!(
        browser
            .script(&format!("return document.querySelector('{}') === null", row.replace('\'', "\\'")))
            .await,
        true,
        "out of the queue"
    );

    let asn = crate::warehouse::arrived_asn(&app, &f, &[("PEN", 1, 2)]).await;
    let photo = std::env::temp_dir().join(format!("tradeport-dented-{}.jpg", std::process::id()));
    std::fs::write(&photo, crate::warehouse::jpeg(2_000)).unwrap();
    browser.goto(&app.url(&format!("/warehouse/asns/{asn}"))).await;
    browser.type_into("#photo-file", photo.to_str().unwrap()).await;
    browser.click("#photo-submit").await;
    let kept = browser.wait_for_text("#photos", "tradeport-dented").await;
    assert!(kept.contains(".jpg"), "{kept}");
    std::fs::remove_file(&photo).ok();
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(tradeport_no_browser, ignore = "Chromium is not installed")]
async fn a_buyer_follows_the_parcel_on_the_tracking_page_in_their_language_without_an_account() {
    let Some(browser) = Browser::start().await else { return };
    let app = TestApp::spawn(DbKind::Sqlite).await.expect("SQLite");
    let f = floor(&app).await;
    let courier = json!({"code": "DPD-NEXT", "name": "Next day", "carrier": "DPD", "kind": "local_delivery",
                         "zones": [{"country": "GB"}], "currency": "GBP", "number_prefix": "DPD",
                         "brackets": [{"up_to_g": 20000, "first_g": 1000, "first_minor": 900}],
                         "max_weight_g": 20000, "transit_days_min": 1, "transit_days_max": 2});
    assert_eq!(post(&app, "/api/v1/carrier-services", &f.s.admin_key, courier).await.0, StatusCode::OK);
    stock_bin(&app, &f, "PEN", 2, "A-01-01-1-1").await;
    let mut body = crate::warehouse::order("#ui-track", &[("PEN", 1)]);
    body["buyer"]["language"] = json!("zh-CN");
    let order = crate::warehouse::confirmed_order_from(&app, &f, body).await;
    let ready = crate::warehouse::ready_packages(&app, &f, &[&order]).await;
    let (_, shipment) =
        post(&app, &format!("/api/v1/packages/{}/shipment", ready[0].1[0]), &f.s.admin_key, json!({})).await;
    let number = shipment["tracking_no"].as_str().unwrap().to_string();
    let res = app
        .client
        .post(app.url("/api/v1/tracking/import"))
        .bearer_auth(&f.s.admin_key)
        .header("content-type", "text/csv")
        .body(format!("tracking_no,status,happened_at,description,location\n{number},in_transit,2026-01-27T08:00:00Z,Departed hub,Leeds\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let (_, link) =
        crate::helpers::get(&app, &format!("/api/v1/orders/{order}/tracking-link"), &f.s.admin_key).await;

    browser.resize(390, 844).await;
    browser.goto(&app.url(link["url"].as_str().unwrap())).await;
    browser.wait_for_text("#page-title", "订单").await;
    assert_eq!(browser.text(".tracking-no").await, number);
    assert_eq!(browser.text(".parcel-status").await, "运输中", "the buyer's language: Chinese");
    assert!(browser.text(".events").await.contains("Departed hub · Leeds"));
    assert!(fits_the_screen(&browser).await, "the tracking page fits a phone");
    browser.click("#lang-switch").await;
    browser.wait_for_text(".parcel-status", "On its way").await;
    browser.close().await;
}
