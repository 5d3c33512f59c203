//! Warehouse operations through the API (WMS-1 … WMS-8, INV-1, INV-4): inbound notices and
//! receiving with discrepancies, bins and put-away, waves and scan-checked picking, packing by
//! traits, hand-over, and the ledger staying right through all of it.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_testkit::{Seeded, TestApp};

use crate::helpers::{get, post};

mod access;
mod counts;
mod flow;
mod lots;
mod picking;
mod receiving;
pub(crate) mod short_picks;

/// The first bytes of a JPEG, then padding: enough for the content check.
pub(crate) fn jpeg(len: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0];
    bytes.resize(len.max(bytes.len()), 0x20);
    bytes
}

pub(super) async fn upload(
    app: &TestApp,
    key: &str,
    asn: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url(&format!(
            "/api/v1/asns/{asn}/photos?file_name={}",
            file_name.replace(' ', "%20").replace('/', "%2F")
        )))
        .bearer_auth(key)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The text of a PDF the API serves, read back.
pub(crate) async fn pdf_text(app: &TestApp, key: &str, path: &str) -> String {
    let res = app.client.get(app.url(path)).bearer_auth(key).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let doc = lopdf::Document::load_mem(&res.bytes().await.unwrap()).expect("a PDF a reader opens");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).expect("text")
}

pub(crate) const MUG_GTIN: &str = "4006381333931";
pub(crate) const TORCH_UPC: &str = "036000291452";

/// The UK warehouse with bins and three SKUs of merchant A, nothing in stock.
pub(crate) struct Floor {
    pub s: Seeded,
    pub uk: String,
    pub mug: String,
    pub torch: String,
}

pub(crate) async fn floor(app: &TestApp) -> Floor {
    let s = app.seed("acme").await;
    let c = app.seed_catalog(&s, 0).await;
    let sku = |code: &str, barcode: &str, traits: &[&str], dims: [i64; 3], weight: i64| {
        json!({"sku": code, "name": format!("{code} item"), "barcode": barcode, "weight_g": weight, "length_mm": dims[0],
               "width_mm": dims[1], "height_mm": dims[2], "declared_value_minor": 1500, "declared_currency": "GBP",
               "hs_code": "691200", "origin_country": "CN", "category": "home", "traits": traits})
    };
    let (_, mug) = post(
        app,
        "/api/v1/skus",
        &s.merchant_a_key,
        sku("MUG", MUG_GTIN, &["fragile"], [120, 100, 100], 400),
    )
    .await;
    let (_, torch) = post(
        app,
        "/api/v1/skus",
        &s.merchant_a_key,
        sku("TORCH", TORCH_UPC, &["un3481"], [150, 40, 40], 200),
    )
    .await;
    let (status, _) =
        post(app, "/api/v1/skus", &s.merchant_a_key, sku("PEN", "", &[], [140, 10, 10], 20)).await;
    assert_eq!(status, StatusCode::OK);
    let csv = "zone,aisle,rack,level,position,walk_sequence,capacity_units,allowed_traits\n\
               A,01,01,1,1,10,100,\nA,01,01,1,2,20,100,\nA,02,01,1,1,30,100,\nB,01,01,1,1,40,100,un3481|un3480\n";
    let res = app
        .client
        .post(app.url(&format!("/api/v1/warehouses/{}/bins/import", c.uk_warehouse)))
        .bearer_auth(&s.admin_key)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    Floor {
        uk: c.uk_warehouse,
        mug: mug["id"].as_str().unwrap().into(),
        torch: torch["id"].as_str().unwrap().into(),
        s,
    }
}

pub(crate) fn asn(uk: &str, cartons: &[(&str, i64, i64)]) -> Value {
    let cartons: Vec<Value> = cartons
        .iter()
        .map(|(sku, n, per)| {
            json!({"sku": sku, "carton_count": n, "units_per_carton": per, "length_mm": 400, "width_mm": 300,
                                     "height_mm": 300, "gross_weight_g": 6000, "net_weight_g": 5200})
        })
        .collect();
    json!({"warehouse_id": uk, "expected_arrival": "2026-12-01", "transport_mode": "sea", "carrier_reference": "MSCU1234567",
           "shipping_marks": "ACME / UK-MAN", "cartons": cartons})
}

/// Drafts, submits, accepts and records the arrival of a notice; returns its id.
pub(crate) async fn arrived_asn(app: &TestApp, f: &Floor, cartons: &[(&str, i64, i64)]) -> String {
    let (status, a) = post(app, "/api/v1/asns", &f.s.merchant_a_key, asn(&f.uk, cartons)).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let id = a["id"].as_str().unwrap().to_string();
    for (key, action) in
        [(&f.s.merchant_a_key, "submit"), (&f.s.admin_key, "accept"), (&f.s.admin_key, "arrive")]
    {
        let (status, body) = post(app, &format!("/api/v1/asns/{id}/{action}"), key, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
    }
    id
}

pub(super) async fn scan(
    app: &TestApp,
    f: &Floor,
    asn: &str,
    what: &str,
    qty: i64,
    damaged: bool,
) -> (StatusCode, Value) {
    post(
        app,
        &format!("/api/v1/asns/{asn}/receipts"),
        &f.s.admin_key,
        json!({"scan": what, "quantity": qty, "damaged": damaged}),
    )
    .await
}

/// Receives exactly what the cartons say and puts every unit away in `bin`.
pub(crate) async fn stock_bin(app: &TestApp, f: &Floor, sku: &str, qty: i64, bin: &str) {
    let id = arrived_asn(app, f, &[(sku, 1, qty)]).await;
    assert_eq!(scan(app, f, &id, sku, qty, false).await.0, StatusCode::OK);
    let (status, body) =
        post(app, &format!("/api/v1/asns/{id}/receipts/confirm"), &f.s.admin_key, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = post(
        app,
        "/api/v1/put-away",
        &f.s.admin_key,
        json!({"warehouse_id": f.uk, "scan": sku, "bin": bin, "quantity": qty}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

pub(crate) async fn balance(app: &TestApp, f: &Floor, sku_id: &str) -> (i64, i64) {
    let (_, page) = get(app, "/api/v1/stock?limit=200", &f.s.admin_key).await;
    let row = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["sku_id"] == sku_id && b["warehouse_id"] == f.uk.as_str());
    row.map_or((0, 0), |b| (b["on_hand"].as_i64().unwrap(), b["reserved"].as_i64().unwrap()))
}

pub(crate) async fn assert_books_agree(app: &TestApp) {
    let drifts = tradeport_app::inventory::verify_inventory(&app.app).await.unwrap();
    assert!(drifts.is_empty(), "inventory verify: {drifts:?}");
}

pub(crate) fn order(id: &str, lines: &[(&str, i64)]) -> Value {
    let lines: Vec<Value> =
        lines.iter().map(|(sku, q)| json!({"sku": sku, "quantity": q, "unit_price_minor": 1000})).collect();
    let total = lines.iter().map(|l| l["quantity"].as_i64().unwrap() * 1000).sum::<i64>() + 800;
    json!({
        "channel": "shopify", "channel_order_id": id,
        "buyer": {"name": "Ada Lovelace", "phone": "020 7946 0958", "email": "ada@example.com", "language": "en"},
        "shipping_address": {"name": "Ada Lovelace", "line1": "1 Lovelace Way", "city": "London", "postcode": "EC1Y 8SY", "country": "GB"},
        "lines": lines, "shipping_fee_minor": 800, "currency": "GBP", "total_minor": total, "paid_minor": total,
        "payment_method": "card", "payment_status": "paid", "service_level": "standard"
    })
}

pub(crate) async fn confirmed_order(app: &TestApp, f: &Floor, id: &str, lines: &[(&str, i64)]) -> String {
    confirmed_order_from(app, f, order(id, lines)).await
}

/// Posts the order as merchant A and takes it through review to `confirmed`; its id.
pub(crate) async fn confirmed_order_from(app: &TestApp, f: &Floor, body: Value) -> String {
    let (status, o) = post(app, "/api/v1/orders", &f.s.merchant_a_key, body).await;
    assert_eq!(status, StatusCode::CREATED, "{o}");
    confirm_order(app, f, o).await
}

/// Takes an order (as the API answers it) through review to `confirmed`; its id.
pub(crate) async fn confirm_order(app: &TestApp, f: &Floor, mut o: Value) -> String {
    let id = o["id"].as_str().unwrap().to_string();
    // Orders with a battery are held for a look at the carrier service (goods rules): a reviewer
    // releases, approves and confirms them.
    while o["status"] != "confirmed" {
        let action = match o["status"].as_str() {
            Some("on_hold") => "release_hold",
            Some("pending_review") => "approve",
            Some("approved") => "confirm",
            other => panic!("order {id} is {other:?}"),
        };
        let (status, next) =
            post(app, &format!("/api/v1/orders/{id}/{action}"), &f.s.admin_key, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{action}: {next}");
        o = next;
    }
    id
}

/// Picks, packs and weighs every confirmed order in one wave (spot checks off); the ready
/// packages' ids by order id.
pub(crate) async fn ready_packages(app: &TestApp, f: &Floor, orders: &[&str]) -> Vec<(String, Vec<String>)> {
    crate::orders::settings(app, &f.s.admin_key, json!({"spot_check_pct": 0})).await;
    let (status, wave) = post(app, "/api/v1/waves", &f.s.admin_key, json!({"warehouse_id": f.uk})).await;
    assert_eq!(status, StatusCode::CREATED, "{wave}");
    for l in wave["lines"].as_array().unwrap() {
        let body = json!({"bin": l["bin_code"], "item": l["sku"], "quantity": l["qty"]});
        let (status, body) = post(
            app,
            &format!("/api/v1/pick-lines/{}/pick", l["id"].as_str().unwrap()),
            &f.s.admin_key,
            body,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let mut out = Vec::new();
    for order in orders {
        let (status, packed) =
            post(app, &format!("/api/v1/orders/{order}/packages"), &f.s.admin_key, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{packed}");
        let mut ids = Vec::new();
        for p in packed["items"].as_array().unwrap() {
            let id = p["id"].as_str().unwrap().to_string();
            for item in p["items"].as_array().unwrap() {
                for _ in 0..item["qty"].as_i64().unwrap() {
                    let (status, body) = post(
                        app,
                        &format!("/api/v1/packages/{id}/items"),
                        &f.s.admin_key,
                        json!({"item": item["sku"]}),
                    )
                    .await;
                    assert_eq!(status, StatusCode::OK, "{body}");
                }
            }
            let weight = json!({"weight_g": p["expected_weight_g"]});
            let (status, body) =
                post(app, &format!("/api/v1/packages/{id}/weight"), &f.s.admin_key, weight).await;
            assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("ready")), "{body}");
            ids.push(id);
        }
        out.push((order.to_string(), ids));
    }
    out
}
