//! Shipments, labels and the hand-over by label (SHP-1, SHP-2, WMS-7): the rules' service or a
//! named one with a reason, UPU S10 numbers that check, a 4×6 label read back as text and as ZPL,
//! parcels scanned out by their labels to their own carrier, the buyer told with the numbers.

use std::time::Duration;

use mail_parser::MessageParser;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tradeport_app::jobs::run_due;
use tradeport_app::notifications::relay_outbox;
use tradeport_connectors::mail::SmtpMailer;
use tradeport_domain::shipping::read_tracking_number;
use tradeport_testkit::{SmtpSink, TestApp, db_tests};

use crate::helpers::{code, field, get, post};
use crate::warehouse::{confirmed_order, floor, pdf_text, ready_packages, stock_bin};

db_tests!(
    a_ready_package_is_labelled_by_the_rules_and_leaves_by_its_label_with_its_carrier,
    tracking_events_are_kept_once_signed_or_refused_and_never_move_a_parcel_backwards,
);

fn service(code: &str, carrier: &str, kind: &str, price: i64, days: u32, numbers: Value) -> Value {
    let mut s = json!({"code": code, "name": format!("{carrier} service"), "carrier": carrier, "kind": kind,
                       "origins": ["UK-MAN"], "zones": [{"country": "GB"}], "currency": "GBP",
                       "brackets": [{"up_to_g": 20000, "first_g": 1000, "first_minor": price, "additional_g": 1000, "additional_minor": 100}],
                       "max_weight_g": 20000, "transit_days_min": days, "transit_days_max": days, "cutoff": "16:00"});
    for (k, v) in numbers.as_object().unwrap() {
        s[k] = v.clone();
    }
    s
}

async fn a_ready_package_is_labelled_by_the_rules_and_leaves_by_its_label_with_its_carrier(app: TestApp) {
    let f = floor(&app).await;
    let logistics = app.staff_key(&f.s, "logistics").await;
    let postal = service(
        "RM-T48",
        "Royal Mail",
        "postal_small_packet",
        350,
        2,
        json!({"numbers": "s10", "number_prefix": "LX", "number_country": "GB"}),
    );
    let courier = service("DPD-NEXT", "DPD", "local_delivery", 900, 1, json!({"number_prefix": "DPD"}));
    for s in [postal, courier] {
        let (status, body) = post(&app, "/api/v1/carrier-services", &logistics, s).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    stock_bin(&app, &f, "PEN", 5, "A-01-01-1-1").await;
    let standard = confirmed_order(&app, &f, "#s1", &[("PEN", 1)]).await;
    let mut express = crate::warehouse::order("#s2", &[("PEN", 1)]);
    express["service_level"] = json!("express");
    express["shipping_fee_minor"] = json!(2500);
    express["total_minor"] = json!(3500);
    express["paid_minor"] = json!(3500);
    let mut named = express.clone();
    named["channel_order_id"] = json!("#s3");
    let express = crate::warehouse::confirmed_order_from(&app, &f, express).await;
    let named = crate::warehouse::confirmed_order_from(&app, &f, named).await;
    let ready = ready_packages(&app, &f, &[&standard, &express, &named]).await;
    let (p1, p2, p3) = (ready[0].1[0].clone(), ready[1].1[0].clone(), ready[2].1[0].clone());

    // The rules: the cheapest for a standard order, the fastest for an express one.
    let (status, s1) =
        post(&app, &format!("/api/v1/packages/{p1}/shipment"), &f.s.admin_key, json!({})).await;
    assert_eq!((status, s1["service_code"].as_str()), (StatusCode::OK, Some("RM-T48")), "{s1}");
    let tracking = s1["tracking_no"].as_str().unwrap().to_string();
    assert_eq!(read_tracking_number(&tracking, true).as_deref(), Ok(tracking.as_str()), "a valid S10 number");
    assert!(tracking.starts_with("LX") && tracking.ends_with("GB"), "{tracking}");
    let (_, again) = post(&app, &format!("/api/v1/packages/{p1}/shipment"), &f.s.admin_key, json!({})).await;
    assert_eq!(again["tracking_no"], tracking.as_str(), "labelled once");
    let (status, body) =
        post(&app, &format!("/api/v1/packages/{p2}/shipment"), &f.s.admin_key, json!({"service": "RM-T48"}))
            .await;
    assert_eq!(
        (status, field(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "reason"),
        "a named service needs a reason"
    );
    let (status, s2) =
        post(&app, &format!("/api/v1/packages/{p2}/shipment"), &f.s.admin_key, json!({})).await;
    assert_eq!(
        (status, s2["service_code"].as_str(), s2["tracking_no"].as_str()),
        (StatusCode::OK, Some("DPD-NEXT"), Some("DPD0000000001"))
    );
    let (status, body) = post(
        &app,
        &format!("/api/v1/packages/{p1}/shipment"),
        &f.s.admin_key,
        json!({"service": "DPD-NEXT", "reason": "faster"}),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "shipment.exists"),
        "not quietly the old one: {body}"
    );
    let (status, body) = post(
        &app,
        &format!("/api/v1/packages/{p3}/shipment"),
        &f.s.admin_key,
        json!({"service": "NOPE", "reason": "x"}),
    )
    .await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "service"));
    let named_by_staff = json!({"service": "rm-t48", "reason": "the buyer asked for Royal Mail"});
    let (status, s3) =
        post(&app, &format!("/api/v1/packages/{p3}/shipment"), &f.s.admin_key, named_by_staff).await;
    assert_eq!(
        (status, s3["service_code"].as_str(), s3["override_reason"].as_str()),
        (StatusCode::OK, Some("RM-T48"), Some("the buyer asked for Royal Mail")),
        "the named service beats the express rule, with its reason: {s3}"
    );

    // The label, read back.
    let label = pdf_text(&app, &f.s.merchant_a_key, &format!("/api/v1/packages/{p1}/label.pdf")).await;
    for expected in [
        tracking.as_str(),
        "Royal Mail · RM-T48",
        "package 1 of 1",
        "SHIP TO",
        "Ada Lovelace",
        "1 Lovelace Way",
        "EC1Y 8SY",
    ] {
        assert!(label.contains(expected), "{expected} on the label:\n{label}");
    }
    let zpl = app
        .client
        .get(app.url(&format!("/api/v1/packages/{p1}/label.zpl")))
        .bearer_auth(&f.s.admin_key)
        .send()
        .await
        .unwrap();
    let zpl = zpl.text().await.unwrap();
    assert!(
        zpl.starts_with("^XA^CI28^PW812^LL1218")
            && zpl.contains(&format!("^BCN,160,Y,N,N,A^FD{tracking}^FS")),
        "{zpl}"
    );
    let (status, _) = get(&app, &format!("/api/v1/packages/{p1}/label.pdf"), &f.s.merchant_b_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another merchant's label");
    let (_, theirs) = get(&app, &format!("/api/v1/orders/{standard}/shipments"), &f.s.merchant_b_key).await;
    assert_eq!(code(&theirs), "not_found", "nor its shipments");

    // Out by the label, to the label's carrier; the buyer hears of it.
    let sink = SmtpSink::start().await;
    let mailer =
        app.app.clone().with_mailer(SmtpMailer::new(&sink.url, "Acme <orders@acme.example>").unwrap());
    let hand_over = |carrier: &str, scans: Vec<&str>| {
        post(
            &app,
            "/api/v1/handovers",
            &f.s.admin_key,
            json!({"warehouse_id": f.uk, "carrier": carrier, "packages": scans}),
        )
    };
    let (status, body) = hand_over("Royal Mail 17:00", vec![&p1]).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("scan_the_label"))
    );
    let mut mistyped = tracking.clone();
    let check = if &mistyped[10..11] == "0" { "1" } else { "0" };
    mistyped.replace_range(10..11, check);
    let (status, body) = hand_over("Royal Mail 17:00", vec![&mistyped]).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_tracking_no")),
        "a number typed with a wrong check digit: {body}"
    );
    let (status, body) = hand_over("DPD van", vec![&tracking]).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("other_carrier"))
    );
    let (status, out) = hand_over("Royal Mail 17:00", vec![&tracking.to_lowercase()]).await;
    assert_eq!(status, StatusCode::CREATED, "{out}");
    let handover = out["id"].as_str().unwrap();
    let manifest = app
        .client
        .get(app.url(&format!("/api/v1/handovers/{handover}/manifest.csv")))
        .bearer_auth(&f.s.admin_key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let rows: Vec<&str> = manifest.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(rows[0], "handover,carrier,order,package,tracking_no,service,weight_g,country,postcode");
    assert!(rows[1].ends_with(&format!("1 of 1,{tracking},RM-T48,20,GB,EC1Y 8SY")), "{manifest}");
    let note =
        pdf_text(&app, &f.s.admin_key, &format!("/api/v1/handovers/{handover}/outbound-note.pdf")).await;
    assert!(
        note.contains(&format!("RM-T48 {tracking}")),
        "the outbound note lists the tracking numbers:\n{note}"
    );
    let (_, shipments) =
        get(&app, &format!("/api/v1/orders/{standard}/shipments"), &f.s.merchant_a_key).await;
    assert_eq!(shipments["items"][0]["status"], "shipped");
    let (_, o) = get(&app, &format!("/api/v1/orders/{standard}"), &f.s.admin_key).await;
    assert_eq!(o["status"], "handed_over");
    relay_outbox(&mailer).await.unwrap();
    let report = run_due(&mailer, "test-worker", Duration::from_secs(60), 50).await.unwrap();
    assert_eq!(report.failed, 0, "{report:?}");
    let told: Vec<String> = sink
        .messages()
        .iter()
        .map(|m| MessageParser::default().parse(m.data.as_bytes()).unwrap())
        .filter(|m| m.subject().unwrap_or_default().contains("is on its way"))
        .map(|m| m.body_text(0).unwrap_or_default().to_string())
        .collect();
    assert_eq!(told.len(), 1, "one message for the one order handed over");
    assert!(told[0].contains(&tracking) && told[0].contains("Royal Mail"), "{}", told[0]);
    let mut conn = app.app.db().read().await.unwrap();
    let payload: String = sqlx::query_scalar("SELECT payload FROM outbox WHERE topic = 'shipment.shipped'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let payload: Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(
        (payload["shipments"][0]["tracking_no"].as_str(), payload["shipments"][0]["carrier"].as_str()),
        (Some(tracking.as_str()), Some("Royal Mail")),
        "the merchant's webhooks get the numbers: {payload}"
    );
}

/// EasyPost's own fixture and the signature of its test vector (secret `sécret`).
const EASYPOST_FILE: &[u8] =
    include_bytes!("../../../../../shared/fixtures/tracking/easypost_webhook_event_tracker_updated.json");

/// The body as EasyPost sent it: the fixture file ends in a newline that was not in it.
fn easypost_body() -> Vec<u8> {
    EASYPOST_FILE.strip_suffix(b"\n").unwrap_or(EASYPOST_FILE).to_vec()
}
const EASYPOST_SIGNATURE: &str =
    "hmac-sha256-hex=38f3f53c103713df81616a0a186d77141957323ec21d5fe9363db93840f527db";

async fn tracking_events_are_kept_once_signed_or_refused_and_never_move_a_parcel_backwards(app: TestApp) {
    let f = floor(&app).await;
    let logistics = app.staff_key(&f.s, "logistics").await;
    let courier = service("DPD-NEXT", "DPD", "local_delivery", 900, 1, json!({"number_prefix": "DPD"}));
    assert_eq!(post(&app, "/api/v1/carrier-services", &logistics, courier).await.0, StatusCode::OK);
    stock_bin(&app, &f, "PEN", 5, "A-01-01-1-1").await;
    let first = confirmed_order(&app, &f, "#t1", &[("PEN", 1)]).await;
    let second = confirmed_order(&app, &f, "#t2", &[("PEN", 1)]).await;
    let ready = ready_packages(&app, &f, &[&first, &second]).await;
    let mut numbers = Vec::new();
    for (_, packages) in &ready {
        let (_, s) =
            post(&app, &format!("/api/v1/packages/{}/shipment", packages[0]), &f.s.admin_key, json!({}))
                .await;
        numbers.push(s["tracking_no"].as_str().unwrap().to_string());
    }
    // The first parcel's carrier numbered it "1" (EasyPost's fixture tracks that number).
    let mut conn = app.app.db().read().await.unwrap();
    sqlx::query("UPDATE shipments SET tracking_no = '1' WHERE tracking_no = $1")
        .bind(&numbers[0])
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);

    let hook = format!("/api/v1/hooks/easypost/{}", f.s.operator.id);
    let send = |signature: &'static str, body: Vec<u8>| {
        app.client
            .post(app.url(&hook))
            .header("x-hmac-signature", signature)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    assert_eq!(
        send(EASYPOST_SIGNATURE, easypost_body()).await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "no secret set yet"
    );
    let res = app
        .client
        .put(app.url("/api/v1/tracking/easypost"))
        .bearer_auth(&logistics)
        .json(&json!({"webhook_secret": "sécret"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let mut tampered = easypost_body();
    tampered[20] ^= 1;
    assert_eq!(send(EASYPOST_SIGNATURE, tampered).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(send("hmac-sha256-hex=00", easypost_body()).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let res = send(EASYPOST_SIGNATURE, easypost_body()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let done: Value = res.json().await.unwrap();
    assert_eq!((done["stored"].as_i64(), done["moved"].as_i64()), (Some(7), Some(2)), "{done}");
    let replay: Value = send(EASYPOST_SIGNATURE, easypost_body()).await.unwrap().json().await.unwrap();
    assert_eq!(
        (replay["stored"].as_i64(), replay["duplicates"].as_i64()),
        (Some(0), Some(7)),
        "a retried webhook changes nothing: {replay}"
    );
    let (_, shipped) = get(&app, &format!("/api/v1/orders/{first}/shipments"), &f.s.merchant_a_key).await;
    assert_eq!(shipped["items"][0]["tracking_status"], "in_transit");

    // A file for a carrier without an API: delivered, then an older scan that arrives late.
    let csv = |rows: &str| {
        app.client
            .post(app.url("/api/v1/tracking/import"))
            .bearer_auth(&logistics)
            .header("content-type", "text/csv")
            .body(format!("tracking_no,status,happened_at,description,location\n{rows}"))
            .send()
    };
    let n = &numbers[1];
    let res =
        csv(&format!("{n},delivered,2026-01-28T10:00:00Z,Delivered,London\n{n},teleported,yesterday,,"))
            .await
            .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "nothing kept from a file with a bad row");
    let res = csv(&format!("{n},delivered,2026-01-28T10:00:00Z,Delivered,London")).await.unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (body["ingested"]["stored"].as_i64(), body["ingested"]["moved"].as_i64()),
        (Some(1), Some(1)),
        "{body}"
    );
    let late = format!(
        "{n},in_transit,2026-01-27T08:00:00Z,Departed hub,Leeds\n{n},delivered,2026-01-28T10:00:00Z,Delivered,London"
    );
    let body: Value = csv(&late).await.unwrap().json().await.unwrap();
    assert_eq!(
        (
            body["ingested"]["stored"].as_i64(),
            body["ingested"]["duplicates"].as_i64(),
            body["ingested"]["moved"].as_i64()
        ),
        (Some(1), Some(1), Some(0)),
        "an older scan that arrives late is kept, and moves nothing: {body}"
    );
    let (_, delivered) = get(&app, &format!("/api/v1/orders/{second}/shipments"), &f.s.admin_key).await;
    assert_eq!(
        (delivered["items"][0]["tracking_status"].as_str(), delivered["items"][0]["delivered_at"].as_str()),
        (Some("delivered"), Some("2026-01-28T10:00:00Z")),
        "the late, older scan did not move it back: {delivered}"
    );
    let late = csv(&format!("{n},exception,2026-11-29T10:00:00Z,Claimed lost,")).await.unwrap();
    assert_eq!(late.status(), StatusCode::OK);
    let (_, still) = get(&app, &format!("/api/v1/orders/{second}/shipments"), &f.s.admin_key).await;
    assert_eq!(still["items"][0]["tracking_status"], "delivered", "nothing comes after delivered");
    let (_, o) = get(&app, &format!("/api/v1/orders/{second}"), &f.s.admin_key).await;
    assert!(
        o["events"].as_array().unwrap().iter().any(|e| e["kind"] == "order_delivered"),
        "in the order's timeline"
    );

    // The shipments list, filtered; a merchant sees its own only.
    let (status, delivered) =
        get(&app, "/api/v1/shipments?tracking_status=delivered&country=gb", &f.s.admin_key).await;
    let found: Vec<&str> =
        delivered["items"].as_array().unwrap().iter().map(|s| s["tracking_no"].as_str().unwrap()).collect();
    assert_eq!((status, found), (StatusCode::OK, vec![n.as_str()]), "{delivered}");
    let (_, moving) = get(&app, "/api/v1/shipments?tracking_status=in_transit", &f.s.admin_key).await;
    assert_eq!(moving["items"][0]["tracking_no"], "1");
    let (_, theirs) = get(&app, "/api/v1/shipments", &f.s.merchant_b_key).await;
    assert_eq!(theirs["items"], json!([]));
    let (status, body) = get(&app, "/api/v1/shipments?tracking_status=lost_in_space", &f.s.admin_key).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "tracking_status"));

    let (client, token) = crate::helpers::signed_in(&app, &f.s.admin_email).await;
    let page = client
        .get(app.url("/shipping?tracking_status=delivered"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let table = page.split("id=\"shipments\"").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(
        table.contains(n.as_str()) && !table.contains(">1<"),
        "the Shipping page lists by the filter: {table}"
    );
    let form = [
        ("csrf_token", token.as_str()),
        ("code", "DPD-NEXT"),
        ("name", "Next day, renamed"),
        ("carrier", "DPD"),
        ("kind", "local_delivery"),
        ("zones", "GB"),
        ("currency", "GBP"),
        ("brackets", "20000/1000/900/1000/100"),
        ("max_weight_g", "20000"),
        ("transit_days_min", "1"),
        ("transit_days_max", "1"),
    ];
    let saved = client.post(app.url("/shipping/services")).form(&form).send().await.unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    let (_, services) = get(&app, "/api/v1/carrier-services", &f.s.admin_key).await;
    let dpd = services["items"].as_array().unwrap().iter().find(|s| s["code"] == "DPD-NEXT").unwrap();
    assert_eq!(
        (dpd["name"].as_str(), dpd["number_prefix"].as_str()),
        (Some("Next day, renamed"), Some("DPD")),
        "the form kept what it does not show: {dpd}"
    );

    // The buyer's page: by its link, without an account; nothing of the merchant or operator.
    let (status, link) =
        get(&app, &format!("/api/v1/orders/{second}/tracking-link"), &f.s.merchant_a_key).await;
    assert_eq!(status, StatusCode::OK, "{link}");
    let url = link["url"].as_str().unwrap().to_string();
    let (status, _) = get(&app, &format!("/api/v1/orders/{second}/tracking-link"), &f.s.merchant_b_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not another merchant's order");
    let buyer = reqwest::Client::new();
    let page = buyer.get(app.url(&url)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    let order_no = o["order_no"].as_str().unwrap();
    assert!(
        page.contains(order_no)
            && page.contains(n.as_str())
            && page.contains("Delivered")
            && page.contains("Departed hub"),
        "{page}"
    );
    assert!(
        !page.contains("acme") && !page.contains("1 Lovelace Way"),
        "only the parcels, nothing of the shop: {page}"
    );
    let json: Value = buyer.get(app.url(&format!("{url}/json"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        (json["parcels"][0]["status"].as_str(), json["parcels"][0]["events"][0]["status"].as_str()),
        (Some("delivered"), Some("exception")),
        "{json}"
    );
    let mut guessed = url.clone();
    let last = guessed.pop().unwrap();
    guessed.push(if last == '0' { '1' } else { '0' });
    assert_eq!(
        buyer.get(app.url(&guessed)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "a changed token"
    );
    assert_eq!(buyer.get(app.url("/track/nope")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let found = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let by_number =
        found.get(app.url(&format!("/track?order={order_no}&contact=ec1y8sy"))).send().await.unwrap();
    assert_eq!(
        (by_number.status(), by_number.headers()["location"].to_str().unwrap()),
        (StatusCode::SEE_OTHER, url.as_str())
    );
    let wrong = found
        .get(app.url(&format!("/track?order={order_no}&contact=someone@else.example")))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
}
