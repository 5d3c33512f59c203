//! States, provinces and phone numbers checked as the reference data and libphonenumber do,
//! through the API (ORD-3, ORD-10).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tradeport_testkit::{TestApp, db_tests, lamp_order};

use crate::helpers::{call, post};

db_tests!(
    a_province_is_found_from_any_spelling_and_stored_one_way,
    an_unknown_state_or_a_zip_of_another_state_is_held_with_the_fields_named,
    phone_numbers_are_judged_as_libphonenumber_judges_them,
);

fn order_to(id: &str, address: Value, phone: &str) -> Value {
    let mut order = lamp_order(id, 1);
    order["shipping_address"] = address;
    order["buyer"]["phone"] = json!(phone);
    order
}

fn zhejiang(state: &str) -> Value {
    json!({"name": "王芳", "line1": "西湖区文三路 90 号", "city": "杭州市", "state": state, "postcode": "310013", "country": "CN"})
}

fn hold_codes(order: &Value) -> Vec<(String, String)> {
    order["holds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["field"].as_str().unwrap().to_string(), h["code"].as_str().unwrap().to_string()))
        .collect()
}

async fn a_province_is_found_from_any_spelling_and_stored_one_way(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 20).await;
    for (n, state) in ["浙江", "Zhejiang", "zhejiang", "CN-ZJ", "浙江省"].into_iter().enumerate() {
        let order = order_to(&format!("#zj{n}"), zhejiang(state), "+86 138 0013 8000");
        let (status, body) = post(&app, "/api/v1/orders", &s.merchant_a_key, order).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(hold_codes(&body), [], "{state}: {body}");
        assert_eq!(body["shipping_address"]["state"], "浙江省", "{state} is stored as the province's key");
    }
    // A change of address stores the same form.
    let order = order_to("#zj-change", zhejiang(""), "+86 138 0013 8000");
    let (_, held) = post(&app, "/api/v1/orders", &s.merchant_a_key, order).await;
    assert_eq!(hold_codes(&held), [("shipping_address.state".into(), "state_required".into())]);
    let id = held["id"].as_str().unwrap();
    let change = json!({"shipping_address": zhejiang("zhejiang sheng"), "reason": "buyer gave the province", "buyer_agreed": true});
    let path = format!("/api/v1/orders/{id}/shipping-address");
    let (status, changed) = call(&app, Method::PUT, &path, &s.admin_key, Some(change)).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        (changed["shipping_address"]["state"].as_str(), hold_codes(&changed)),
        (Some("浙江省"), vec![])
    );
}

async fn an_unknown_state_or_a_zip_of_another_state_is_held_with_the_fields_named(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 20).await;
    let narnia_cn = order_to("#narnia-cn", zhejiang("Narnia"), "+86 138 0013 8000");
    let (_, held) = post(&app, "/api/v1/orders", &s.merchant_a_key, narnia_cn).await;
    assert_eq!(hold_codes(&held), [("shipping_address.state".into(), "state_unknown".into())]);
    assert_eq!(
        held["holds"][0]["message"],
        "state 'Narnia' is not a state, province or region of China; write one of the 34 listed for China, by name or ISO code"
    );
    assert_eq!(held["shipping_address"]["state"], "Narnia", "what the buyer wrote is kept until fixed");

    let typo = order_to("#typo-cn", zhejiang("Zhejaing"), "+86 138 0013 8000");
    let (_, held) = post(&app, "/api/v1/orders", &s.merchant_a_key, typo).await;
    assert!(
        held["holds"][0]["message"].as_str().unwrap().ends_with("did you mean 'Zhejiang Sheng (浙江省)'?"),
        "{held}"
    );

    let us = |state: &str, zip: &str| json!({"name": "Sam", "line1": "1 Infinite Loop", "city": "Cupertino", "state": state, "postcode": zip, "country": "US"});
    let (_, held) = post(
        &app,
        "/api/v1/orders",
        &s.merchant_a_key,
        order_to("#narnia-us", us("Narnia", "95014"), "+1 408 996 1010"),
    )
    .await;
    assert_eq!(hold_codes(&held), [("shipping_address.state".into(), "state_unknown".into())]);

    let (_, held) = post(
        &app,
        "/api/v1/orders",
        &s.merchant_a_key,
        order_to("#ny-zip", us("California", "10001"), "+1 408 996 1010"),
    )
    .await;
    assert_eq!(
        hold_codes(&held),
        [
            ("shipping_address.postcode".into(), "postcode_state_mismatch".into()),
            ("shipping_address.state".into(), "postcode_state_mismatch".into())
        ],
        "both fields are named"
    );
    assert_eq!(
        held["holds"][0]["message"],
        "shipping_address.postcode '10001' is not a postcode of shipping_address.state California (CA) (e.g. 90000); ask the buyer which of the two is right"
    );
    let (_, fine) = post(
        &app,
        "/api/v1/orders",
        &s.merchant_a_key,
        order_to("#ca-zip", us("california", "95014"), "+1 408 996 1010"),
    )
    .await;
    assert_eq!((hold_codes(&fine), fine["shipping_address"]["state"].as_str()), (vec![], Some("CA")));
}

async fn phone_numbers_are_judged_as_libphonenumber_judges_them(app: TestApp) {
    let s = app.seed("acme").await;
    app.seed_catalog(&s, 40).await;
    let russia = json!({"name": "Анна", "line1": "Невский пр., 28", "city": "Санкт-Петербург", "state": "Санкт-Петербург", "postcode": "191186", "country": "RU"});
    let brazil = json!({"name": "Ana", "line1": "Av. Paulista, 1578", "city": "São Paulo", "state": "SP", "postcode": "01310-200", "country": "BR"});
    let italy = json!({"name": "Anna", "line1": "Via del Corso 1", "city": "Roma", "state": "RM", "postcode": "00186", "country": "IT"});
    // (address, phone, accepted as E.164)
    let cases: [(&Value, &str, Option<&str>); 6] = [
        (&russia, "+78123456789", Some("+78123456789")),
        (&russia, "8 (812) 345-67-89", Some("+78123456789")),
        (&brazil, "(55) 96123-4567", Some("+5555961234567")),
        (&italy, "392 345 6789", Some("+393923456789")),
        (&zhejiang("浙江"), "010 1234 567", None),
        (&zhejiang("浙江"), "+8610123456787", None),
    ];
    for (n, (address, phone, e164)) in cases.into_iter().enumerate() {
        let (status, body) = post(
            &app,
            "/api/v1/orders",
            &s.merchant_a_key,
            order_to(&format!("#p{n}"), address.clone(), phone),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        match e164 {
            Some(e164) => {
                assert_eq!(hold_codes(&body), [], "{phone}: {body}");
                assert_eq!(body["buyer_phone_e164"], e164, "{phone}");
            }
            None => {
                assert_eq!(hold_codes(&body), [("buyer.phone".into(), "phone_invalid".into())], "{phone}");
                let message = body["holds"][0]["message"].as_str().unwrap();
                assert!(
                    message.contains("(7–11 digits after +86, e.g. 131 2345 6789 or +86 131 2345 6789)"),
                    "{message}"
                );
            }
        }
    }
}
