//! Every channel payload in `fixtures/channels/` read and taken through intake validation: the
//! buyer, address, lines and exact totals asserted, not just success.

use std::collections::HashMap;

use serde_json::Value;

use super::*;
use crate::access::TenantSettings;
use crate::kernel::FieldError;
use crate::orders::{SkuFacts, ValidatedOrder, default_goods_rules, validate_order};

fn fixture(name: &str) -> Value {
    let path = format!("{}/../../fixtures/channels/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

fn mapping() -> ChannelMapping {
    ChannelMapping {
        default_service: "standard".into(),
        skus: [
            ("product:93".to_string(), "WOO-SINGLE".to_string()),
            ("item:125987654321".to_string(), "SHADE-LINEN".to_string()),
        ]
        .into(),
        ..Default::default()
    }
}

/// Intake with every SKU the lines name known to the merchant.
fn validate(o: &ChannelOrder) -> Result<ValidatedOrder, Vec<FieldError>> {
    let skus: HashMap<String, SkuFacts> = o
        .input
        .lines
        .iter()
        .enumerate()
        .map(|(n, l)| {
            let facts = SkuFacts {
                id: crate::kernel::named(&format!("s{n}")),
                name: l.sku.clone(),
                active: true,
                traits: Vec::new(),
                hs_code: String::new(),
            };
            (l.sku.clone(), facts)
        })
        .collect();
    validate_order(&o.input, &skus, &TenantSettings::default(), &default_goods_rules())
}

/// What a fixture must become.
struct Expected {
    external_id: &'static str,
    display_ref: &'static str,
    state: ChannelState,
    buyer: (&'static str, &'static str, &'static str),
    /// line1, city, state, postcode, country
    address: [&'static str; 5],
    /// (sku, quantity, unit price minor)
    lines: &'static [(&'static str, i64, i64)],
    /// subtotal, discount, shipping, tax, total, paid (minor units)
    money: [i64; 6],
    currency: &'static str,
    payment: &'static str,
    holds: &'static [&'static str],
}

fn assert_becomes(name: &str, o: &ChannelOrder, e: &Expected) {
    assert_eq!(
        (o.external_id.as_str(), o.display_ref.as_str(), o.state),
        (e.external_id, e.display_ref, e.state),
        "{name}"
    );
    let b = &o.input.buyer;
    assert_eq!((b.name.as_str(), b.email.as_str(), b.phone.as_str()), e.buyer, "{name}");
    let a = &o.input.shipping_address;
    assert_eq!([a.line1.as_str(), &a.city, &a.state, &a.postcode, &a.country], e.address, "{name}");
    let lines: Vec<(&str, i64, i64)> =
        o.input.lines.iter().map(|l| (l.sku.as_str(), l.quantity, l.unit_price_minor)).collect();
    assert_eq!(lines, e.lines, "{name}");
    let v = validate(o).unwrap_or_else(|errors| panic!("{name}: {errors:?}"));
    let money = [v.subtotal, v.discount, v.shipping_fee, v.tax, v.total, v.paid].map(|m| m.minor());
    assert_eq!(money, e.money, "{name}");
    assert_eq!((v.currency.code(), v.payment_status.as_str()), (e.currency, e.payment), "{name}");
    let holds: Vec<&str> = v.holds.iter().map(|h| h.code.as_str()).collect();
    assert_eq!(holds, e.holds, "{name}");
}

#[test]
fn every_channel_fixture_becomes_the_order_it_describes() {
    let m = mapping();
    let shopify = shopify_order(&fixture("shopify_api_ruby_test_fixture_order.json"), &m).unwrap();
    assert_becomes(
        "shopify",
        &shopify,
        &Expected {
            external_id: "450789469",
            display_ref: "#1001",
            state: ChannelState::Open,
            buyer: ("Bob Norman", "bob.norman@hostmail.com", "555-625-1199"),
            address: ["Chestnut Street 92", "Louisville", "KY", "40202", "US"],
            lines: &[("IPOD2008GREEN", 1, 19900), ("IPOD2008RED", 1, 19900), ("IPOD2008BLACK", 1, 19900)],
            // Shopify's subtotal_price (398.00) is the lines after discounts: 199.00 off.
            money: [59700, 19900, 0, 1194, 40994, 0],
            currency: "USD",
            payment: "authorized",
            // 555 numbers are fictional: the buyer is asked for a real one.
            holds: &["phone_invalid", "not_paid"],
        },
    );
    assert_eq!(shopify.input.discounts[0].code, "TENOFF");
    assert_eq!(shopify.input.remarks, "Test note", "the buyer's note reaches a person");
    assert_eq!(shopify.input.payment_method, "authorize_net");

    let woo = woocommerce_order(&fixture("wc_v3_order_727_docs_example.json"), &m).unwrap();
    assert_becomes(
        "woocommerce",
        &woo,
        &Expected {
            external_id: "727",
            display_ref: "727",
            state: ChannelState::Open,
            buyer: ("John Doe", "john.doe@example.com", "(555) 555-5555"),
            address: ["969 Market", "San Francisco", "CA", "94103", "US"],
            // The first line has no SKU: found by its product id through the mapping.
            lines: &[("WOO-SINGLE", 2, 300), ("Bar3", 1, 1200)],
            money: [1800, 0, 1000, 135, 2935, 2935],
            currency: "USD",
            payment: "paid",
            holds: &["phone_invalid"],
        },
    );
    assert_eq!(woo.input.payment_method, "Direct Bank Transfer");
    assert_eq!(woo.changed_at, "2017-03-22T19:28:08Z", "WooCommerce's GMT time, zoned");
    assert_eq!(shopify.changed_at, "2008-01-10T11:00:00-05:00");

    let gb = amazon_order_2026(&fixture("orders_2026-01-01_getOrder_200_example_GB.json"), &m).unwrap();
    assert_becomes(
        "amazon 2026-01-01",
        &gb,
        &Expected {
            external_id: "202-1234567-8901234",
            display_ref: "202-1234567-8901234",
            // Shipped by the seller already: the poller does not take it in.
            state: ChannelState::Fulfilled,
            buyer: ("James Wilson", "buyer-email@marketplace.amazon.co.uk", "+44 161 123 4567"),
            address: ["123 High Street", "Manchester", "England", "M1 2AB", "GB"],
            lines: &[("ECHO-DOT-4-UK-CHARCOAL-3PACK", 3, 2999)],
            money: [8997, 0, 1000, 400, 10397, 10397],
            currency: "GBP",
            payment: "paid",
            holds: &[],
        },
    );
    assert_eq!(gb.input.shipping_address.line2, "Unit 4B");
}

#[test]
fn each_ebay_order_of_a_get_orders_page_becomes_the_order_it_describes() {
    let m = mapping();
    let page = fixture("ebay_getOrders_page.json");
    let read = |n: usize| ebay_order(&page["orders"][n], &m).unwrap();
    let paid = read(0);
    assert_becomes(
        "ebay GB",
        &paid,
        &Expected {
            external_id: "24-11861-70121",
            display_ref: "1042",
            state: ChannelState::Open,
            buyer: ("Dorothy Hale", "0f3c9a1b2d4e5f60718293a4b5c6d7e8@members.ebay.com", "+44 20 7946 0958"),
            address: ["14 Abbey Road", "London", "Greater London", "NW8 9AY", "GB"],
            // 31.98 for two lamps is 15.99 each; the shade has no SKU and is found by its listing.
            lines: &[("LAMP-OAK-S", 2, 1599), ("SHADE-LINEN", 1, 1599)],
            // 47.97 − 4.00 (eBay's negative priceDiscount) + 3.99 = 47.96.
            money: [4797, 400, 399, 0, 4796, 4796],
            currency: "GBP",
            payment: "paid",
            holds: &[],
        },
    );
    assert_eq!(paid.input.shipping_address.line2, "Flat 2");
    assert_eq!(paid.input.payment_reference, "7T2S19238F1225305");
    assert_eq!(paid.changed_at, "2026-11-24T09:13:02.000Z");
    assert_eq!(read(1).state, ChannelState::Cancelled, "cancelled and refunded");
    // eBay International Shipping: the parcel goes to eBay's UK hub, never to the buyer's home.
    let eis = read(2);
    let a = &eis.input.shipping_address;
    assert_eq!((a.city.as_str(), a.country.as_str(), eis.state), ("Coventry", "GB", ChannelState::Open));
    assert_eq!((eis.input.currency.as_str(), eis.input.total_minor), ("GBP", 1849), "the seller's currency");
}

#[test]
fn an_ebay_order_not_paid_waits_and_money_in_another_currency_is_named() {
    let page = fixture("ebay_getOrders_page.json");
    let mut pending = page["orders"][0].clone();
    pending["orderPaymentStatus"] = "PENDING".into();
    let o = ebay_order(&pending, &mapping()).unwrap();
    assert_eq!((o.state, o.input.paid_minor), (ChannelState::NotReady, 0));
    let mut mixed = page["orders"][0].clone();
    mixed["pricingSummary"]["deliveryCost"]["currency"] = "EUR".into();
    let errors = ebay_order(&mixed, &mapping()).unwrap_err();
    assert_eq!(
        (errors[0].field.as_str(), errors[0].code.as_str()),
        ("pricingSummary.deliveryCost", "currency_mismatch")
    );
}

#[test]
fn an_amazon_order_without_its_restricted_address_waits_for_it() {
    let m = mapping();
    let sandbox = fixture("getOrders_sandbox_TEST_CASE_200.json");
    let items = fixture("getOrderItems_sandbox_TEST_CASE_200.json");
    let order = &sandbox["payload"]["Orders"][0];
    let bare = amazon_order(order, &items, &m).unwrap();
    assert_eq!(bare.input.buyer.name, "Amazon buyer (name not yet released)");
    let refused = validate(&bare).unwrap_err();
    assert!(refused.iter().any(|e| e.field == "shipping_address.country"), "{refused:?}");

    // getOrderAddress (with a restricted data token) fills it in.
    let mut enriched = order.clone();
    enriched["ShippingAddress"] = serde_json::json!({
        "Name": "Jane Doe", "AddressLine1": "2201 Westlake Ave", "City": "Seattle",
        "StateOrRegion": "WA", "PostalCode": "98121", "CountryCode": "US", "Phone": "+1 206-266-1000"
    });
    let o = amazon_order(&enriched, &items, &m).unwrap();
    assert_becomes(
        "amazon v0 sandbox",
        &o,
        &Expected {
            external_id: "902-1845936-5435065",
            display_ref: "902-1845936-5435065",
            state: ChannelState::Open,
            buyer: ("Jane Doe", "", "+1 206-266-1000"),
            address: ["2201 Westlake Ave", "Seattle", "WA", "98121", "US"],
            // ItemPrice is for the whole quantity; tax is added on top.
            lines: &[("NABetaASINB00551Q3CS", 1, 1000)],
            money: [1000, 0, 0, 101, 1101, 1101],
            currency: "USD",
            payment: "paid",
            holds: &["email_invalid"],
        },
    );
}

#[test]
fn a_pending_amazon_order_is_not_ready_and_keeps_its_buyer() {
    let page = fixture("getOrders_200_example.json");
    let o = amazon_order(&page["payload"]["Orders"][0], &Value::Null, &mapping()).unwrap();
    assert_eq!(o.state, ChannelState::NotReady);
    assert_eq!((o.input.buyer.name.as_str(), o.input.buyer.email.as_str()), ("John Doe", "user@example.com"));
    let a = &o.input.shipping_address;
    assert_eq!(
        [a.line1.as_str(), &a.city, &a.state, &a.postcode, &a.country],
        ["1 Cross St.", "Canton", "MI", "48817", "US"]
    );
    assert_eq!(o.input.payment_status, "unpaid");
}

#[test]
fn ids_beyond_two_to_the_53_stay_exact_and_float_ids_are_refused() {
    let body = |id: &str| -> Value {
        serde_json::from_str(&format!(
            r#"{{"id": {id}, "currency": "USD", "line_items": [], "total_price": "0.00"}}"#
        ))
        .unwrap()
    };
    let o = shopify_order(&body("820982911946154508"), &mapping()).unwrap();
    assert_eq!(o.input.channel_order_id, "820982911946154508");
    assert_eq!(o.external_id, "820982911946154508");
    let refused = shopify_order(&body("8.20982911946154508e17"), &mapping()).unwrap_err();
    assert_eq!(refused[0].code, "invalid_id");
}

#[test]
fn money_with_more_decimals_than_the_currency_is_refused_not_rounded() {
    let body: Value = serde_json::json!({
        "id": 1, "currency": "JPY", "total_price": "1500.5", "subtotal_price": "1500",
        "line_items": [{"sku": "A", "quantity": 1, "price": 1500.0}]
    });
    let errors = shopify_order(&body, &mapping()).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["line_items[0].price", "total_price"], "{errors:?}");
    let woo: Value = serde_json::json!({
        "id": 2, "currency": "USD", "status": "processing", "total": "10.00",
        "line_items": [{"sku": "A", "quantity": 3, "subtotal": "10.00"}]
    });
    let errors = woocommerce_order(&woo, &mapping()).unwrap_err();
    assert_eq!(errors[0].code, "uneven_unit_price");
}
