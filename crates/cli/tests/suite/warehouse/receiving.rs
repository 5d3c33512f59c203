//! Inbound notices and receiving through the API (WMS-1 … WMS-3): discrepancies, photos, documents.

use reqwest::StatusCode;
use serde_json::json;
use tradeport_testkit::{TestApp, db_tests};

use super::*;
use crate::helpers::{code, get, post};

db_tests!(
    an_asn_counted_short_over_and_damaged_reports_each_line_and_stocks_only_good_units,
    uploads_that_are_too_large_not_images_or_named_with_a_path_are_refused_and_nothing_is_kept,
    a_notice_is_accepted_only_if_its_litres_and_pallets_fit,
);

async fn an_asn_counted_short_over_and_damaged_reports_each_line_and_stocks_only_good_units(app: TestApp) {
    let f = floor(&app).await;
    let res = app
        .client
        .put(app.url(&format!("/api/v1/warehouses/{}/receiving", f.uk)))
        .bearer_auth(&f.s.admin_key)
        .json(&json!({"capacity_l": 100_000, "receiving_contact": "Goods-in desk, +44 161 496 0000", "receiving_requirements": "Book a slot 24 h ahead."}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let (status, bad) = post(&app, "/api/v1/asns", &f.s.merchant_a_key, asn(&f.uk, &[("NOPE", 1, 1)])).await;
    assert_eq!(
        (status, bad["error"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("cartons[0].sku"))
    );
    let (_, draft) = post(
        &app,
        "/api/v1/asns",
        &f.s.merchant_a_key,
        asn(&f.uk, &[("MUG", 2, 10), ("TORCH", 1, 12), ("PEN", 1, 5)]),
    )
    .await;
    let id = draft["id"].as_str().unwrap().to_string();
    assert_eq!((draft["status"].as_str(), draft["receiving"].is_null()), (Some("draft"), true));
    let (status, body) = post(&app, &format!("/api/v1/asns/{id}/accept"), &f.s.admin_key, json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "asn.illegal_transition"),
        "a draft is not accepted"
    );
    post(&app, &format!("/api/v1/asns/{id}/submit"), &f.s.merchant_a_key, json!({})).await;
    let (status, accepted) =
        post(&app, &format!("/api/v1/asns/{id}/accept"), &f.s.admin_key, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["receiving"]["contact"], "Goods-in desk, +44 161 496 0000");
    assert_eq!(accepted["receiving"]["requirements"], "Book a slot 24 h ahead.");
    let (status, body) = scan(&app, &f, &id, MUG_GTIN, 1, false).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "asn.not_receiving"), "not arrived yet");
    post(&app, &format!("/api/v1/asns/{id}/arrive"), &f.s.admin_key, json!({})).await;

    let (status, body) = scan(&app, &f, &id, "4006381333932", 1, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"][0]["message"].as_str().unwrap().contains("check digit"), "{body}");
    let (status, body) = scan(&app, &f, &id, "LAMP-X", 1, false).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_item"))
    );
    let (_, line) = scan(&app, &f, &id, MUG_GTIN, 18, false).await;
    assert_eq!((line["expected"].as_i64(), line["good"].as_i64()), (Some(20), Some(18)));
    scan(&app, &f, &id, &format!("0{TORCH_UPC}"), 12, false).await;
    scan(&app, &f, &id, "torch", 2, false).await;
    scan(&app, &f, &id, "PEN", 4, false).await;
    let (_, line) = scan(&app, &f, &id, "PEN", 1, true).await;
    assert_eq!((line["good"].as_i64(), line["damaged"].as_i64()), (Some(4), Some(1)));
    let (mug_before, _) = balance(&app, &f, &f.mug).await;
    assert_eq!(mug_before, 0, "nothing is stocked before the count is confirmed");

    let (status, received) =
        post(&app, &format!("/api/v1/asns/{id}/receipts/confirm"), &f.s.admin_key, json!({})).await;
    assert_eq!((status, received["status"].as_str()), (StatusCode::OK, Some("received")), "{received}");
    let lines: Vec<(&str, Vec<&str>)> = received["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["sku"].as_str().unwrap(),
                l["discrepancies"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect(),
            )
        })
        .collect();
    assert_eq!(lines, [("MUG", vec!["short"]), ("PEN", vec!["damaged"]), ("TORCH", vec!["over"])]);
    assert_eq!(balance(&app, &f, &f.mug).await, (18, 0));
    assert_eq!(balance(&app, &f, &f.torch).await, (14, 0), "over-delivered units are stocked");
    let (status, with_photo) = upload(&app, &f.s.admin_key, &id, "pen-carton.jpg", jpeg(2_000)).await;
    assert_eq!(status, StatusCode::OK, "{with_photo}");
    let (_, seen) = get(&app, &format!("/api/v1/asns/{id}"), &f.s.merchant_a_key).await;
    assert_eq!(seen["lines"], received["lines"], "the merchant sees the discrepancies at once");
    assert_eq!(seen["photos"][0]["file_name"], "pen-carton.jpg", "and the photo");
    let res = app
        .client
        .get(app.url(seen["photos"][0]["url"].as_str().unwrap()))
        .bearer_auth(&f.s.merchant_a_key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(res.bytes().await.unwrap().to_vec(), jpeg(2_000));
    let res = app
        .client
        .get(app.url(seen["photos"][0]["url"].as_str().unwrap()))
        .bearer_auth(&f.s.merchant_b_key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "another merchant cannot fetch the photo");
    let (_, queue) = get(&app, &format!("/api/v1/warehouses/{}/put-away", f.uk), &f.s.admin_key).await;
    let waiting: Vec<(&str, i64, &str)> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["sku"].as_str().unwrap(),
                t["units"].as_i64().unwrap(),
                t["suggested_bin"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        waiting,
        [("MUG", 18, "A-01-01-1-1"), ("PEN", 4, "A-01-01-1-1"), ("TORCH", 14, "B-01-01-1-1")],
        "batteries go to the battery zone"
    );
    let report =
        pdf_text(&app, &f.s.merchant_a_key, &format!("/api/v1/asns/{id}/discrepancy-report.pdf")).await;
    for expected in [
        "Discrepancy report ASN-000001",
        "MUG · 20 · 18 · 0 · short",
        "TORCH · 12 · 14 · 0 · over",
        "PEN · 5 · 4 · 1 · damaged",
        "pen-carton.jpg",
    ] {
        assert!(report.contains(expected), "{expected} in the report:\n{report}");
    }
    let labels = pdf_text(&app, &f.s.merchant_a_key, &format!("/api/v1/asns/{id}/carton-labels.pdf")).await;
    assert!(labels.contains("carton 1 of 4") && labels.contains("carton 4 of 4"), "{labels}");
    assert!(labels.contains("SKU TORCH") && labels.contains("Deliver to: UK-MAN"), "{labels}");
    let res = app
        .client
        .get(app.url(&format!("/api/v1/asns/{id}/discrepancy-report.pdf")))
        .bearer_auth(&f.s.merchant_b_key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "not another merchant's report");
    let (status, closed) = post(&app, &format!("/api/v1/asns/{id}/close"), &f.s.admin_key, json!({})).await;
    assert_eq!((status, closed["status"].as_str()), (StatusCode::OK, Some("closed")));
    assert_books_agree(&app).await;
}

async fn uploads_that_are_too_large_not_images_or_named_with_a_path_are_refused_and_nothing_is_kept(
    app: TestApp,
) {
    let f = floor(&app).await;
    let id = arrived_asn(&app, &f, &[("MUG", 1, 2)]).await;
    let (status, body) = upload(&app, &f.s.admin_key, &id, "big.jpg", jpeg(10 * 1024 * 1024 + 1)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["fields"][0]["code"], "too_large");
    let (status, body) =
        upload(&app, &f.s.admin_key, &id, "photo.jpg", b"MZ\x90\x00 not a photo".to_vec()).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unsupported_type"))
    );
    let (status, body) = upload(&app, &f.s.admin_key, &id, "../../etc/passwd.jpg", jpeg(100)).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_file_name"))
    );
    assert!(body["error"]["fields"][0]["message"].as_str().unwrap().contains("no folders"));
    let (status, _) = upload(&app, &f.s.merchant_a_key, &id, "mine.jpg", jpeg(100)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "merchants look, the warehouse records");
    assert_eq!(app.blobs.count(), 0, "nothing was kept");
    let (_, a) = get(&app, &format!("/api/v1/asns/{id}"), &f.s.admin_key).await;
    assert_eq!(a["photos"], json!([]));
    let (status, _) =
        upload(&app, &f.s.admin_key, &id, "carton 1.png", b"\x89PNG\r\n\x1a\n-----".to_vec()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.blobs.count(), 1);
}

async fn set_capacity(app: &TestApp, f: &Floor, litres: i64, pallets: i64) {
    let res = app
        .client
        .put(app.url(&format!("/api/v1/warehouses/{}/receiving", f.uk)))
        .bearer_auth(&f.s.admin_key)
        .json(&json!({"capacity_l": litres, "capacity_pallets": pallets}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
}

/// Submits a notice of `pallets` pallets and asks to accept it.
async fn accept_with_pallets(app: &TestApp, f: &Floor, pallets: i64) -> (StatusCode, serde_json::Value) {
    let mut notice = asn(&f.uk, &[("PEN", 1, 10)]);
    notice["pallets"] = json!(pallets);
    let (status, draft) = post(app, "/api/v1/asns", &f.s.merchant_a_key, notice).await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    let id = draft["id"].as_str().unwrap();
    post(app, &format!("/api/v1/asns/{id}/submit"), &f.s.merchant_a_key, json!({})).await;
    post(app, &format!("/api/v1/asns/{id}/accept"), &f.s.admin_key, json!({})).await
}

async fn a_notice_is_accepted_only_if_its_litres_and_pallets_fit(app: TestApp) {
    let f = floor(&app).await;
    let bin = json!({"zone": "P", "aisle": "01", "rack": "01", "level": "1", "position": "1", "walk_sequence": 5, "pallet": true});
    let (status, saved) = post(&app, &format!("/api/v1/warehouses/{}/bins", f.uk), &f.s.admin_key, bin).await;
    assert_eq!((status, saved["pallet"].as_bool()), (StatusCode::OK, Some(true)), "{saved}");
    stock_bin(&app, &f, "MUG", 2, "P-01-01-1-1").await;
    set_capacity(&app, &f, 0, 3).await;

    let mut bad = asn(&f.uk, &[("PEN", 1, 10)]);
    bad["pallets"] = json!(-1);
    let (status, body) = post(&app, "/api/v1/asns", &f.s.merchant_a_key, bad).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("pallets"))
    );
    let (status, body) = accept_with_pallets(&app, &f, 2).await;
    assert_eq!(
        (status, body["pallets"].as_i64()),
        (StatusCode::OK, Some(2)),
        "one position in use, two booked: {body}"
    );
    let (status, body) = accept_with_pallets(&app, &f, 1).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "asn.over_capacity"));
    assert!(
        body["error"]["message"].as_str().unwrap().contains("3 pallet positions: 3 are in use or booked"),
        "{body}"
    );
    let (status, body) = accept_with_pallets(&app, &f, 0).await;
    assert_eq!(status, StatusCode::OK, "loose cartons take no position: {body}");
    set_capacity(&app, &f, 1, 0).await;
    let (status, body) = accept_with_pallets(&app, &f, 0).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "asn.over_capacity"));
    assert!(body["error"]["message"].as_str().unwrap().contains("litres"), "{body}");
}
