//! Labels bought through EasyPost (SHP-2): a service numbered `easypost` gets its tracking number
//! and label from EasyPost's create-shipment and buy calls, here a local server answering with
//! the documented shapes; a refusal is passed on with EasyPost's reason and nothing is recorded.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use reqwest::StatusCode as Status;
use serde_json::{Value, json};
use tradeport_app::shipping::{ShipmentRequest, create_shipment};
use tradeport_connectors::easypost::EasyPost;
use tradeport_testkit::{TestApp, db_tests};

use crate::customs::order_to_berlin;
use crate::helpers::{code, get, post};
use crate::warehouse::{floor, ready_packages, stock_bin};

db_tests!(
    a_service_numbered_by_easypost_buys_its_label_there_and_keeps_its_number,
    a_return_label_goes_by_the_service_the_parcel_went_out_with_and_is_scanned_in_like_the_rma
);

const API_KEY: &str = "EZTK_test_key";

/// What the fake EasyPost saw: each request's path, its Basic user and its JSON.
type Seen = Arc<Mutex<Vec<(String, String, Value)>>>;

fn basic_user(headers: &HeaderMap) -> String {
    use base64::Engine;
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(auth.trim_start_matches("Basic "))
        .unwrap_or_default();
    String::from_utf8_lossy(&decoded).split(':').next().unwrap_or_default().to_string()
}

/// A local EasyPost: rates every parcel for USPS Priority and Express (not to postcode 99999,
/// which it refuses as EasyPost does an address it cannot verify), and buys the rate asked for.
async fn fake_easypost(seen: Seen) -> String {
    let rated = {
        let seen = seen.clone();
        move |headers: HeaderMap, Json(body): Json<Value>| {
            let seen = seen.clone();
            async move {
                seen.lock().unwrap().push(("/v2/shipments".into(), basic_user(&headers), body.clone()));
                if body["shipment"]["to_address"]["zip"] == "99999" {
                    let error = json!({"error": {"code": "ADDRESS.VERIFY.FAILURE", "message": "Unable to verify address.",
                                       "errors": [{"field": "address", "message": "Address not found"}]}});
                    return (StatusCode::UNPROCESSABLE_ENTITY, Json(error));
                }
                let rate = |id: &str, service: &str, price: &str| {
                    json!({"id": id, "object": "Rate", "mode": "test", "service": service, "carrier": "USPS", "rate": price,
                           "currency": "USD", "delivery_days": 3, "shipment_id": "shp_0001", "carrier_account_id": "ca_1"})
                };
                let shipment = json!({"id": "shp_0001", "object": "Shipment", "mode": "test", "status": "unknown",
                    "tracking_code": null, "postage_label": null, "selected_rate": null, "messages": [],
                    "rates": [rate("rate_prio", "PriorityMailInternational", "48.75"), rate("rate_exp", "ExpressMailInternational", "71.10")]});
                (StatusCode::CREATED, Json(shipment))
            }
        }
    };
    let buy = move |Path(id): Path<String>, headers: HeaderMap, Json(body): Json<Value>| {
        let seen = seen.clone();
        async move {
            seen.lock().unwrap().push((
                format!("/v2/shipments/{id}/buy"),
                basic_user(&headers),
                body.clone(),
            ));
            let selected = json!({"id": body["rate"]["id"], "object": "Rate", "service": "PriorityMailInternational",
                                  "carrier": "USPS", "rate": "48.75", "currency": "USD"});
            // A return (`is_return` on the shipment rated last) gets its own number and label.
            let returning = seen
                .lock()
                .unwrap()
                .iter()
                .rev()
                .find(|(p, ..)| p == "/v2/shipments")
                .is_some_and(|(_, _, b)| b["shipment"]["is_return"] == true);
            let (tracking, file) =
                if returning { ("LZ000000015US", "return") } else { ("LZ123456785US", "label") };
            Json(
                json!({"id": id, "object": "Shipment", "mode": "test", "status": "unknown", "is_return": returning,
                "tracking_code": tracking, "selected_rate": selected, "rates": [],
                "postage_label": {"object": "PostageLabel", "label_file_type": "application/pdf", "label_size": "4x6",
                                  "label_url": format!("https://easypost-files.s3.us-west-2.amazonaws.com/files/postage_label/20261126/{file}.png"),
                                  "label_pdf_url": format!("https://easypost-files.s3.us-west-2.amazonaws.com/files/postage_label/20261126/{file}.pdf")}}),
            )
        }
    };
    let router = axum::Router::new()
        .route("/v2/shipments", axum::routing::post(rated))
        .route("/v2/shipments/{id}/buy", axum::routing::post(buy));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

/// The europe service, numbered by EasyPost as USPS Priority Mail International.
fn usps_service() -> Value {
    let mut service = crate::customs::europe_service();
    service["code"] = json!("USPS-PMI");
    service["carrier"] = json!("USPS");
    service["numbers"] = json!("easypost");
    service
}

async fn a_service_numbered_by_easypost_buys_its_label_there_and_keeps_its_number(app: TestApp) {
    let f = floor(&app).await;
    let logistics = app.staff_key(&f.s, "logistics").await;
    let mut service = usps_service();
    let (status, body) = post(&app, "/api/v1/carrier-services", &logistics, service.clone()).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["field"].as_str()),
        (Status::UNPROCESSABLE_ENTITY, Some("easypost_service")),
        "{body}"
    );
    service["easypost_service"] = json!("PriorityMailInternational");
    let (status, body) = post(&app, "/api/v1/carrier-services", &logistics, service).await;
    assert_eq!(
        (status, body["easypost_service"].as_str()),
        (Status::OK, Some("PriorityMailInternational")),
        "{body}"
    );
    stock_bin(&app, &f, "PEN", 5, "A-01-01-1-1").await;
    let good = order_to_berlin(&app, &f, "#e1", 1, 1000).await;
    let mut unknown = crate::warehouse::order("#e2", &[("PEN", 1)]);
    unknown["shipping_address"]["postcode"] = json!("M1 1AA");
    let unknown = crate::warehouse::confirmed_order_from(&app, &f, unknown).await;
    let ready = ready_packages(&app, &f, &[&good, &unknown]).await;
    let (p_good, p_unknown) = (ready[0].1[0].clone(), ready[1].1[0].clone());

    // Without an account the reason says so, and nothing is recorded.
    let (status, body) =
        post(&app, &format!("/api/v1/packages/{p_good}/shipment"), &f.s.admin_key, json!({})).await;
    assert_eq!((status, code(&body)), (Status::CONFLICT, "shipment.easypost_not_configured"), "{body}");

    let seen = Seen::default();
    let url = fake_easypost(seen.clone()).await;
    let labelling = app.app.clone().with_easypost(EasyPost::new(&url, API_KEY).unwrap());
    let admin = tradeport_app::access::system_principal(f.s.operator.id);
    let s = create_shipment(&labelling, &admin, &p_good, &ShipmentRequest::default()).await.unwrap();
    assert_eq!(
        (s.tracking_no.as_str(), s.service_code.as_str(), s.carrier_label_url.as_deref()),
        (
            "LZ123456785US",
            "USPS-PMI",
            Some("https://easypost-files.s3.us-west-2.amazonaws.com/files/postage_label/20261126/label.pdf")
        )
    );
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2, "rated once, bought once");
        let (path, user, created) = &seen[0];
        assert_eq!((path.as_str(), user.as_str()), ("/v2/shipments", API_KEY));
        let shipment = &created["shipment"];
        assert_eq!(
            (
                shipment["to_address"]["zip"].as_str(),
                shipment["to_address"]["country"].as_str(),
                shipment["from_address"]["country"].as_str()
            ),
            (Some("10117"), Some("DE"), Some("GB"))
        );
        assert!(shipment["parcel"]["weight"].as_f64().unwrap() > 0.0, "ounces: {created}");
        let customs = &shipment["customs_info"];
        assert_eq!(
            (
                customs["customs_items"][0]["hs_tariff_number"].as_str(),
                customs["customs_items"][0]["value"].as_str(),
                customs["customs_signer"].as_str()
            ),
            (Some("691200"), Some("10.00"), Some("UK-MAN fulfilment centre")),
            "a parcel abroad tells the carrier its goods: {created}"
        );
        assert_eq!(seen[1].0, "/v2/shipments/shp_0001/buy");
        assert_eq!(seen[1].2, json!({"rate": {"id": "rate_prio"}}), "the rate of the service asked for");
    }
    let again = create_shipment(&labelling, &admin, &p_good, &ShipmentRequest::default()).await.unwrap();
    assert_eq!(again.tracking_no, "LZ123456785US");
    assert_eq!(seen.lock().unwrap().len(), 2, "labelled once: nothing bought twice");
    let (_, listed) = get(&app, &format!("/api/v1/orders/{good}/shipments"), &f.s.merchant_a_key).await;
    assert_eq!(listed["items"][0]["carrier_label_url"], s.carrier_label_url.clone().unwrap().as_str());

    // EasyPost refuses an address: its reason comes back and no shipment is recorded.
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query(
        "UPDATE orders SET shipping_address = REPLACE(shipping_address, 'M1 1AA', '99999') WHERE id = $1",
    )
    .bind(&unknown)
    .execute(&mut *conn)
    .await
    .unwrap();
    drop(conn);
    let refused =
        create_shipment(&labelling, &admin, &p_unknown, &ShipmentRequest::default()).await.unwrap_err();
    let text = format!("{refused:?}");
    assert!(
        text.contains("shipment.carrier_refused")
            && text.contains("Unable to verify address")
            && text.contains("Address not found"),
        "{text}"
    );
    let (_, none) = get(&app, &format!("/api/v1/orders/{unknown}/shipments"), &f.s.admin_key).await;
    assert_eq!(none["items"], json!([]));
}

async fn a_return_label_goes_by_the_service_the_parcel_went_out_with_and_is_scanned_in_like_the_rma(
    app: TestApp,
) {
    let f = floor(&app).await;
    let logistics = app.staff_key(&f.s, "logistics").await;
    let mut service = usps_service();
    service["easypost_service"] = json!("PriorityMailInternational");
    let (status, body) = post(&app, "/api/v1/carrier-services", &logistics, service).await;
    assert_eq!(status, Status::OK, "{body}");
    stock_bin(&app, &f, "PEN", 5, "A-01-01-1-1").await;
    let policy =
        json!({"category": "home", "market": "DE", "window_days": 30, "allowed": ["return_and_refund"]});
    let (status, body) = post(&app, "/api/v1/aftersales-policies", &f.s.admin_key, policy).await;
    assert_eq!(status, Status::OK, "{body}");
    let order = order_to_berlin(&app, &f, "#back-1", 1, 1000).await;
    let package = ready_packages(&app, &f, &[&order]).await[0].1[0].clone();
    let seen = Seen::default();
    let url = fake_easypost(seen.clone()).await;
    let labelling = app.app.clone().with_easypost(EasyPost::new(&url, API_KEY).unwrap());
    let admin = tradeport_app::access::system_principal(f.s.operator.id);
    let out = create_shipment(&labelling, &admin, &package, &ShipmentRequest::default()).await.unwrap();
    let (status, body) =
        crate::customs::declare(&app, &f.s.admin_key, &out.id, json!({"incoterm": "DAP"})).await;
    assert_eq!(status, Status::OK, "{body}");
    let handover = json!({"warehouse_id": f.uk, "carrier": "USPS", "packages": [out.tracking_no]});
    let (status, body) = post(&app, "/api/v1/handovers", &f.s.admin_key, handover).await;
    assert_eq!(status, Status::CREATED, "{body}");
    let ask = json!({"order_id": order, "request_type": "return_and_refund", "reason": "quality",
                     "refund_method": "store_credit", "lines": [{"sku": "PEN", "quantity": 1}]});
    let (status, filed) = post(&app, "/api/v1/aftersales-requests", &f.s.merchant_a_key, ask).await;
    assert_eq!(status, Status::CREATED, "{filed}");
    let id = filed["id"].as_str().unwrap().to_string();
    let label_path = format!("/api/v1/aftersales-requests/{id}/return-label");
    let (status, body) = post(&app, &label_path, &f.s.admin_key, json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (Status::CONFLICT, "aftersales.not_awaited"),
        "not granted yet: {body}"
    );
    let (status, granted) = post(
        &app,
        &format!("/api/v1/aftersales-requests/{id}/decision"),
        &f.s.admin_key,
        json!({"decision": "approve"}),
    )
    .await;
    assert_eq!((status, granted["status"].as_str()), (Status::OK, Some("awaiting_return")), "{granted}");

    let request = tradeport_app::aftersales::buy_return_label(&labelling, &admin, &id).await.unwrap();
    assert_eq!(
        (request.return_tracking_no.as_deref(), request.return_label_url.as_deref()),
        (
            Some("LZ000000015US"),
            Some("https://easypost-files.s3.us-west-2.amazonaws.com/files/postage_label/20261126/return.pdf")
        )
    );
    {
        let seen = seen.lock().unwrap();
        let (path, _, created) = &seen[seen.len() - 2];
        assert_eq!(path, "/v2/shipments");
        let shipment = &created["shipment"];
        assert_eq!(shipment["is_return"], true, "{created}");
        assert_eq!(
            (shipment["to_address"]["country"].as_str(), shipment["from_address"]["country"].as_str()),
            (Some("DE"), Some("GB")),
            "the original addresses: EasyPost swaps them for a return"
        );
        assert_eq!(shipment["customs_info"]["contents_type"], "returned_goods", "{created}");
        assert_eq!(shipment["reference"], filed["rma_no"], "{created}");
    }
    let bought = seen.lock().unwrap().len();
    let again = tradeport_app::aftersales::buy_return_label(&labelling, &admin, &id).await.unwrap();
    assert_eq!(again.return_tracking_no.as_deref(), Some("LZ000000015US"));
    assert_eq!(seen.lock().unwrap().len(), bought, "bought once");

    // The buyer prints it from the tracking page; the warehouse scans its number in.
    let (_, link) = get(&app, &format!("/api/v1/orders/{order}/tracking-link"), &f.s.admin_key).await;
    let page =
        app.client.get(app.url(link["url"].as_str().unwrap())).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("return.pdf"), "the label on the buyer's page");
    let warehouse = app.staff_key(&f.s, "warehouse").await;
    let (status, got) =
        post(&app, "/api/v1/returns/receive", &warehouse, json!({"rma_no": "lz000000015us"})).await;
    assert_eq!((status, got["status"].as_str()), (Status::OK, Some("received")), "{got}");
}
