//! One order from the bins to the carrier and one cancelled after picking (WMS-4 … WMS-6): the
//! ledger and the bins stay right at every step.

use reqwest::StatusCode;
use serde_json::json;
use tradeport_testkit::{TestApp, db_tests};

use super::*;
use crate::helpers::{code, get, post};

db_tests!(receive_put_away_pick_pack_ship_and_cancel_keep_the_ledger_and_the_bins_right,);

async fn receive_put_away_pick_pack_ship_and_cancel_keep_the_ledger_and_the_bins_right(app: TestApp) {
    let f = floor(&app).await;
    // No spot checks here, so a weight in tolerance makes a package ready and nothing else does.
    crate::orders::settings(&app, &f.s.admin_key, json!({"spot_check_pct": 0})).await;
    for (code, l, w, h, max, tare) in [("S", 250, 200, 150, 5_000, 150), ("M", 400, 300, 250, 15_000, 300)] {
        let b = json!({"code": code, "inner_length_mm": l, "inner_width_mm": w, "inner_height_mm": h, "max_weight_g": max, "tare_g": tare});
        assert_eq!(post(&app, "/api/v1/boxes", &f.s.admin_key, b).await.0, StatusCode::OK);
    }
    stock_bin(&app, &f, "MUG", 4, "A-01-01-1-1").await;
    stock_bin(&app, &f, "TORCH", 4, "B-01-01-1-1").await;
    assert_books_agree(&app).await;
    let shipped = confirmed_order(&app, &f, "#p1", &[("MUG", 1), ("TORCH", 1)]).await;
    let cancelled = confirmed_order(&app, &f, "#p2", &[("MUG", 2)]).await;
    let (_, wave) = post(&app, "/api/v1/waves", &f.s.admin_key, json!({"warehouse_id": f.uk})).await;
    for l in wave["lines"].as_array().unwrap() {
        let item = if l["sku"] == "MUG" { MUG_GTIN } else { TORCH_UPC };
        let body = json!({"bin": l["bin_code"], "item": item, "quantity": l["qty"]});
        let (status, body) = post(
            &app,
            &format!("/api/v1/pick-lines/{}/pick", l["id"].as_str().unwrap()),
            &f.s.admin_key,
            body,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_books_agree(&app).await;
    }
    let (_, w) = get(&app, &format!("/api/v1/waves/{}", wave["id"].as_str().unwrap()), &f.s.admin_key).await;
    assert_eq!(w["status"], "picked");
    let list = pdf_text(
        &app,
        &f.s.admin_key,
        &format!("/api/v1/waves/{}/pick-list.pdf", wave["id"].as_str().unwrap()),
    )
    .await;
    let (a, b) = (
        list.find("A-01-01-1-1 · MUG").expect("the mugs' line"),
        list.find("B-01-01-1-1 · TORCH").expect("the torch's line"),
    );
    assert!(a < b, "the pick list walks A before B:\n{list}");
    assert_eq!(
        balance(&app, &f, &f.mug).await,
        (4, 3),
        "picked units are on hand and reserved until they leave"
    );

    // An order cancelled after picking: its units go back to the dock, then to a bin.
    let (status, body) = post(
        &app,
        &format!("/api/v1/orders/{cancelled}/cancel"),
        &f.s.admin_key,
        json!({"reason": "buyer changed their mind"}),
    )
    .await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("cancelled")), "{body}");
    assert_books_agree(&app).await;
    let (_, queue) = get(&app, &format!("/api/v1/warehouses/{}/put-away", f.uk), &f.s.admin_key).await;
    assert_eq!(queue["items"][0]["sku"], "MUG");
    assert_eq!(queue["items"][0]["units"], 2);
    let (status, _) = post(
        &app,
        "/api/v1/put-away",
        &f.s.admin_key,
        json!({"warehouse_id": f.uk, "scan": MUG_GTIN, "bin": "A-01-01-1-1", "quantity": 2}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_books_agree(&app).await;

    // The merchant's inserts: a card in every order, a gift only from a total the order lacks.
    for (insert, key_status) in [
        (
            json!({"code": "thanks-card", "name": "Thank-you card", "kind": "card", "weight_g": 15}),
            StatusCode::OK,
        ),
        (
            json!({"code": "GIFT", "name": "Tote bag", "kind": "gift", "weight_g": 90, "min_order_minor": 1_000_000, "currency": "GBP"}),
            StatusCode::OK,
        ),
        (json!({"code": "BAD", "name": "x", "kind": "poster"}), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let (status, body) = post(&app, "/api/v1/packing-inserts", &f.s.merchant_a_key, insert).await;
        assert_eq!(status, key_status, "{body}");
    }
    let (status, body) = post(
        &app,
        "/api/v1/packing-inserts",
        &f.s.merchant_b_key,
        json!({"code": "B", "name": "B card", "kind": "card"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, mine) = get(&app, "/api/v1/packing-inserts", &f.s.merchant_a_key).await;
    let codes: Vec<&str> =
        mine["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["GIFT", "THANKS-CARD"], "a merchant sees only its own inserts");

    // Packing: the fragile mug and the torch with its battery go in separate packages.
    let (status, packages) =
        post(&app, &format!("/api/v1/orders/{shipped}/packages"), &f.s.admin_key, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{packages}");
    let plan: Vec<(&str, Vec<&str>, &str)> = packages["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["label"].as_str().unwrap(),
                p["marks"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect(),
                p["items"][0]["sku"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(plan, [("1 of 2", vec!["UN3481"], "TORCH"), ("2 of 2", vec!["FRAGILE"], "MUG")]);
    assert_eq!(
        packages["items"][0]["inserts"],
        json!(["Thank-you card"]),
        "the card goes in the first package"
    );
    assert_eq!(packages["items"][1]["inserts"], json!([]));
    assert_eq!(packages["items"][0]["expected_weight_g"], 150 + 200 + 15, "box S, the torch and the card");
    let pkg = |n: usize| packages["items"][n]["id"].as_str().unwrap().to_string();
    let (status, body) =
        post(&app, &format!("/api/v1/packages/{}/items", pkg(0)), &f.s.admin_key, json!({"item": MUG_GTIN}))
            .await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "pack.wrong_item"));
    assert!(body["error"]["message"].as_str().unwrap().contains("package 2 of 2"), "{body}");
    let (status, body) =
        post(&app, &format!("/api/v1/packages/{}/weight", pkg(0)), &f.s.admin_key, json!({"weight_g": 350}))
            .await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "pack.not_all_packed"));
    post(&app, &format!("/api/v1/packages/{}/items", pkg(0)), &f.s.admin_key, json!({"item": TORCH_UPC}))
        .await;
    let (_, o) = get(&app, &format!("/api/v1/orders/{shipped}"), &f.s.admin_key).await;
    assert_eq!(o["status"], "picking", "one package still open");
    post(&app, &format!("/api/v1/packages/{}/items", pkg(1)), &f.s.admin_key, json!({"item": "mug"})).await;
    let (_, o) = get(&app, &format!("/api/v1/orders/{shipped}"), &f.s.admin_key).await;
    assert_eq!(o["status"], "packed");
    let expected = packages["items"][0]["expected_weight_g"].as_i64().unwrap();
    let (_, heavy) = post(
        &app,
        &format!("/api/v1/packages/{}/weight", pkg(0)),
        &f.s.admin_key,
        json!({"weight_g": expected + 500}),
    )
    .await;
    assert_eq!(heavy["status"], "checking", "{heavy}");
    assert!(heavy["check_reason"].as_str().unwrap().contains("expected"));
    let (_, failed) = post(
        &app,
        &format!("/api/v1/packages/{}/check", pkg(0)),
        &f.s.admin_key,
        json!({"passed": false, "note": "a spare battery was in it"}),
    )
    .await;
    assert_eq!(failed["status"], "packing");
    let (_, weighed) = post(
        &app,
        &format!("/api/v1/packages/{}/weight", pkg(0)),
        &f.s.admin_key,
        json!({"weight_g": expected}),
    )
    .await;
    assert_eq!(weighed["status"], "ready", "in tolerance: {weighed}");
    let mug_weight = packages["items"][1]["expected_weight_g"].as_i64().unwrap();
    let (_, weighed) = post(
        &app,
        &format!("/api/v1/packages/{}/weight", pkg(1)),
        &f.s.admin_key,
        json!({"weight_g": mug_weight + 10}),
    )
    .await;
    assert_eq!(weighed["status"], "ready", "in tolerance: {weighed}");
    let (_, o) = get(&app, &format!("/api/v1/orders/{shipped}"), &f.s.admin_key).await;
    assert_eq!(o["status"], "ready_to_ship");
    let slip =
        pdf_text(&app, &f.s.merchant_a_key, &format!("/api/v1/orders/{shipped}/packing-slip.pdf")).await;
    for expected in [
        "Package 1 of 2",
        "UN3481",
        "insert: Thank-you card",
        "Package 2 of 2",
        "FRAGILE",
        "1 × MUG",
        "1 Lovelace Way",
    ] {
        assert!(slip.contains(expected), "{expected} on the packing slip:\n{slip}");
    }

    let (status, body) = post(
        &app,
        "/api/v1/handovers",
        &f.s.admin_key,
        json!({"warehouse_id": f.uk, "carrier": "Royal Mail 17:00", "packages": [pkg(0)]}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("order_incomplete"))
    );
    let (status, handover) = post(
        &app,
        "/api/v1/handovers",
        &f.s.admin_key,
        json!({"warehouse_id": f.uk, "carrier": "Royal Mail 17:00", "packages": [pkg(0), pkg(1)]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{handover}");
    assert_eq!(handover["handover_no"], "OB-000001");
    let note = pdf_text(
        &app,
        &f.s.admin_key,
        &format!("/api/v1/handovers/{}/outbound-note.pdf", handover["id"].as_str().unwrap()),
    )
    .await;
    assert!(
        note.contains("Outbound note OB-000001")
            && note.contains("Royal Mail 17:00")
            && note.contains("2 packages"),
        "{note}"
    );
    let (_, o) = get(&app, &format!("/api/v1/orders/{shipped}"), &f.s.admin_key).await;
    assert_eq!(o["status"], "handed_over");
    let kinds: Vec<&str> =
        o["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for step in ["order_start_picking", "order_finish_packing", "order_clear_for_shipping", "order_hand_over"]
    {
        assert!(kinds.contains(&step), "{step} in the timeline: {kinds:?}");
    }
    assert_eq!(balance(&app, &f, &f.mug).await, (3, 0));
    assert_eq!(balance(&app, &f, &f.torch).await, (3, 0));
    assert_books_agree(&app).await;
    let (status, body) = post(
        &app,
        &format!("/api/v1/orders/{shipped}/cancel"),
        &f.s.admin_key,
        json!({"reason": "too late"}),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "order.recall_needed"),
        "handed over, a cancellation is a recall (after-sales)"
    );
}
