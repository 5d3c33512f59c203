//! Customs and clearance (SHP-3, SHP-4): a parcel abroad declared from its SKUs and checked as
//! customs would, printed as CN22 or CN23 with a commercial invoice, then cleared step by step by
//! staff and by AfterShip's signed events; a refusal opens an exception case under the lane rule.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests};

use crate::helpers::{call, code, field, get, post};
use crate::warehouse::{Floor, confirmed_order_from, floor, order, pdf_text, ready_packages, stock_bin};

db_tests!(a_parcel_abroad_is_declared_from_its_skus_printed_by_value_and_cleared_step_by_step);

/// One service from the UK warehouse to Great Britain and Germany, numbered from a plain range.
pub(crate) fn europe_service() -> Value {
    json!({"code": "EU-LINE", "name": "Europe line", "carrier": "Yun Express", "kind": "dedicated_line",
           "origins": ["UK-MAN"], "zones": [{"country": "GB"}, {"country": "DE"}], "currency": "GBP",
           "brackets": [{"up_to_g": 20000, "first_g": 1000, "first_minor": 600, "additional_g": 1000, "additional_minor": 100}],
           "max_weight_g": 20000, "transit_days_min": 4, "transit_days_max": 7, "cutoff": "16:00", "number_prefix": "YT"})
}

/// A confirmed order of `pens` pens at `unit_minor` each to Berlin.
pub(crate) async fn order_to_berlin(
    app: &TestApp,
    f: &Floor,
    id: &str,
    pens: i64,
    unit_minor: i64,
) -> String {
    let mut body = order(id, &[("PEN", pens)]);
    body["buyer"]["phone"] = json!("+49 30 901820");
    body["shipping_address"] = json!({"name": "Grete Weiss", "line1": "Unter den Linden 1", "city": "Berlin", "postcode": "10117", "country": "DE"});
    body["lines"][0]["unit_price_minor"] = json!(unit_minor);
    let total = pens * unit_minor + 800;
    body["total_minor"] = json!(total);
    body["paid_minor"] = json!(total);
    confirmed_order_from(app, f, body).await
}

/// Labels each order's first package; the shipments' ids and tracking numbers.
pub(crate) async fn labelled(app: &TestApp, f: &Floor, orders: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (_, packages) in ready_packages(app, f, orders).await {
        let (status, s) =
            post(app, &format!("/api/v1/packages/{}/shipment", packages[0]), &f.s.admin_key, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{s}");
        out.push((s["id"].as_str().unwrap().to_string(), s["tracking_no"].as_str().unwrap().to_string()));
    }
    out
}

async fn a_parcel_abroad_is_declared_from_its_skus_printed_by_value_and_cleared_step_by_step(app: TestApp) {
    let f = floor(&app).await;
    let logistics = app.staff_key(&f.s, "logistics").await;
    assert_eq!(post(&app, "/api/v1/carrier-services", &logistics, europe_service()).await.0, StatusCode::OK);
    stock_bin(&app, &f, "PEN", 10, "A-01-01-1-1").await;
    let small = order_to_berlin(&app, &f, "#c1", 1, 1000).await;
    let large = order_to_berlin(&app, &f, "#c2", 2, 25_000).await;
    let home = crate::warehouse::confirmed_order(&app, &f, "#c3", &[("PEN", 1)]).await;
    let shipments = labelled(&app, &f, &[&small, &large, &home]).await;
    let [(s_small, t_small), (s_large, t_large), (s_home, _)] = [&shipments[0], &shipments[1], &shipments[2]];
    let hand_over = |number: &str| {
        post(
            &app,
            "/api/v1/handovers",
            &f.s.admin_key,
            json!({"warehouse_id": f.uk, "carrier": "Yun Express", "packages": [number]}),
        )
    };
    let (status, body) = hand_over(t_large).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("customs_missing")),
        "a parcel abroad leaves only declared: {body}"
    );

    // Duty paid into the EU under 150 EUR: the IOSS number is needed, and then it passes.
    let (status, body) = declare(&app, &f.s.admin_key, s_small, json!({"incoterm": "DDP"})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "ioss_number"), "{body}");
    let (status, body) =
        declare(&app, &f.s.admin_key, s_small, json!({"incoterm": "DDP", "ioss_number": "IM27600"})).await;
    assert_eq!(body["error"]["fields"][0]["code"], "invalid_ioss_number", "{status} {body}");
    let (status, d) =
        declare(&app, &f.s.admin_key, s_small, json!({"incoterm": "ddp", "ioss_number": "im2760000742"}))
            .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(
        (
            d["form"].as_str(),
            d["total_value"].as_str(),
            d["lines"][0]["hs_code"].as_str(),
            d["ioss_number"].as_str()
        ),
        (Some("CN22"), Some("10.00 GBP"), Some("691200"), Some("IM2760000742"))
    );
    let cn22 = pdf_text(&app, &f.s.merchant_a_key, &format!("/api/v1/shipments/{s_small}/customs.pdf")).await;
    for expected in [
        "CN22 CUSTOMS DECLARATION",
        "Category of item: Sale of goods",
        "1 × PEN item · HS 691200 · origin CN · 0.020 kg · 10.00 GBP",
        "Incoterm: DDP",
        "IOSS: IM2760000742",
        t_small.as_str(),
    ] {
        assert!(cn22.contains(expected), "{expected} on the CN22:\n{cn22}");
    }
    assert!(!cn22.contains("Grete"), "a CN22 has no addressee block:\n{cn22}");

    // Above 300 SDR: CN23 with both addresses and the invoice; the invoice itself.
    let (status, d) = declare(&app, &f.s.admin_key, s_large, json!({"reason": "sale"})).await;
    assert_eq!(
        (status, d["form"].as_str(), d["total_value"].as_str()),
        (StatusCode::OK, Some("CN23"), Some("500.00 GBP")),
        "{d}"
    );
    let invoice_no = d["invoice_no"].as_str().unwrap().to_string();
    let cn23 = pdf_text(&app, &f.s.admin_key, &format!("/api/v1/shipments/{s_large}/customs.pdf")).await;
    for expected in [
        "CN23 CUSTOMS DECLARATION",
        "To: Grete Weiss",
        "Berlin",
        &format!("Invoice no. {invoice_no}"),
        "2 × PEN item",
        "500.00 GBP",
    ] {
        assert!(cn23.contains(expected), "{expected} on the CN23:\n{cn23}");
    }
    let invoice = pdf_text(&app, &f.s.admin_key, &format!("/api/v1/shipments/{s_large}/invoice.pdf")).await;
    for expected in [
        format!("COMMERCIAL INVOICE {invoice_no}"),
        "Consignee: Grete Weiss".into(),
        "2 × 250.00 GBP = 500.00 GBP".into(),
        "Total value: 500.00 GBP".into(),
        "Terms of delivery: DAP".into(),
    ] {
        assert!(invoice.contains(&expected), "{expected} on the invoice:\n{invoice}");
    }
    let (_, again) = declare(&app, &f.s.admin_key, s_large, json!({"reason": "gift"})).await;
    assert_eq!(
        (again["invoice_no"].as_str(), again["reason"].as_str()),
        (Some(invoice_no.as_str()), Some("gift")),
        "declared again, same invoice"
    );
    let (status, out) = hand_over(t_large).await;
    assert_eq!(status, StatusCode::CREATED, "declared, it leaves: {out}");
    let (status, body) = declare(&app, &f.s.admin_key, s_large, json!({"reason": "sale"})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "customs.handed_over"));

    // Nothing to declare at home; another merchant sees nothing.
    let (status, body) = declare(&app, &f.s.admin_key, s_home, json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "customs.not_needed"), "{body}");
    let (status, _) = get(&app, &format!("/api/v1/shipments/{s_small}/customs"), &f.s.merchant_b_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let res = app
        .client
        .get(app.url(&format!("/api/v1/shipments/{s_small}/invoice.pdf")))
        .bearer_auth(&f.s.merchant_b_key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "nor its invoice");

    // Clearance: staff record the departure with its waybill; steps only go forward.
    let (status, body) = step(&app, &logistics, s_small, json!({"step": "departed"})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "waybill_no"));
    let (status, body) = step(
        &app,
        &logistics,
        s_small,
        json!({"step": "departed", "waybill_no": "160-12345675", "happened_at": "2026-11-20T08:00:00Z"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = step(&app, &logistics, s_small, json!({"step": "export_declared"})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "clearance.out_of_order"), "{body}");
    let (status, _) = post(
        &app,
        &format!("/api/v1/shipments/{s_small}/clearance"),
        &f.s.merchant_a_key,
        json!({"step": "arrived"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a merchant does not record clearance");

    // AfterShip says customs began, then asked for documents: clearance follows, from the events.
    let (status, rule) = post(
        &app,
        "/api/v1/lane-rules",
        &logistics,
        json!({"destination": "DE", "kind": "customs_refused", "department": "customer_service"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{rule}");
    let res = app
        .client
        .put(app.url("/api/v1/tracking/aftership"))
        .bearer_auth(&logistics)
        .json(&json!({"webhook_secret": "as-secret"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let body = json!({"event": "tracking_update", "msg": {"tracking_number": t_small, "tag": "Exception", "checkpoints": [
        {"checkpoint_time": "2026-11-21T09:00:00+01:00", "tag": "InTransit", "subtag": "InTransit_006", "message": "Customs clearance started", "location": "Leipzig"},
        {"checkpoint_time": "2026-11-22T09:00:00+01:00", "tag": "Exception", "subtag": "Exception_018", "message": "Documents required"}]}})
    .to_string();
    let hook = format!("/api/v1/hooks/aftership/{}", f.s.operator.id);
    let send = |signature: String, body: String| {
        app.client
            .post(app.url(&hook))
            .header("aftership-hmac-sha256", signature)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let signature = aftership_signature("as-secret", &body);
    let res = send(signature.clone(), format!("{body} ")).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "a changed body");
    let res = send(signature, body).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (_, steps) = get(&app, &format!("/api/v1/shipments/{s_small}/clearance"), &f.s.merchant_a_key).await;
    let seen: Vec<(&str, &str)> = steps["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["step"].as_str().unwrap(), s["source"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [("departed", "staff"), ("import_clearance", "aftership"), ("documents_requested", "aftership")]
    );

    // Customs refuse it: the lane rule opens one case for customer service.
    let (status, _) =
        step(&app, &logistics, s_small, json!({"step": "refused", "note": "invoice value disputed"})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, cases) =
        get(&app, &format!("/api/v1/exception-cases?order_id={small}"), &f.s.merchant_a_key).await;
    let items = cases["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{cases}");
    assert_eq!(
        (items[0]["case_type"].as_str(), items[0]["department"].as_str(), items[0]["status"].as_str()),
        (Some("customs_problem"), Some("customer_service"), Some("open"))
    );
    assert!(items[0]["cause"].as_str().unwrap().ends_with("customs refused the parcel"), "{cases}");
    let (_, theirs) = get(&app, "/api/v1/exception-cases", &f.s.merchant_b_key).await;
    assert_eq!(theirs["items"], json!([]), "another merchant's cases");
    // The order page's panel: the parcel, its declaration and forms; a refusal said on the page.
    let (client, token) = crate::helpers::signed_in(&app, &f.s.admin_email).await;
    let page = client.get(app.url(&format!("/orders/{large}"))).send().await.unwrap().text().await.unwrap();
    for expected in [
        "id=\"shipping\"",
        "<strong class=\"customs-form\">CN23</strong>",
        &format!("/warehouse/shipments/{s_large}/customs.pdf"),
    ] {
        assert!(page.contains(expected), "{expected} on the order page");
    }
    let pdf =
        client.get(app.url(&format!("/warehouse/shipments/{s_large}/invoice.pdf"))).send().await.unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let form = [("csrf_token", token.as_str()), ("incoterm", "DAP"), ("reason", "sale")];
    let res = client
        .post(app.url(&format!("/orders/{home}/shipments/{s_home}/customs")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("crosses no customs border"));
    let page = client.get(app.url(&format!("/orders/{small}"))).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("Refused by customs") && page.contains("Customs problem"),
        "clearance and the case on the order page"
    );
    assert!(page.contains("customs-declare"), "a labelled parcel can be declared from its order's page");

    let (_, o) = get(&app, &format!("/api/v1/orders/{small}"), &f.s.admin_key).await;
    let kinds: Vec<&str> =
        o["events"].as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
    for kind in ["order_customs_declared", "order_clearance_step", "order_exception_opened"] {
        assert!(kinds.contains(&kind), "{kind} on the timeline: {kinds:?}");
    }
}

pub(crate) async fn declare(app: &TestApp, key: &str, shipment: &str, body: Value) -> (StatusCode, Value) {
    call(app, Method::PUT, &format!("/api/v1/shipments/{shipment}/customs"), key, Some(body)).await
}

async fn step(app: &TestApp, key: &str, shipment: &str, body: Value) -> (StatusCode, Value) {
    post(app, &format!("/api/v1/shipments/{shipment}/clearance"), key, body).await
}

/// AfterShip's signature: the base64 HMAC-SHA256 of the body.
pub(crate) fn aftership_signature(secret: &str, body: &str) -> String {
    use base64::Engine;
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}
