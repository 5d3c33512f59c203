//! The intake validation's table tests: every refusal names its field and fix.
use super::*;
use crate::inventory::Trait;
use crate::kernel::Address;
use crate::orders::{BuyerInput, DiscountInput, LineInput, default_goods_rules};

fn skus() -> HashMap<String, SkuFacts> {
    let mk = |id: &str, traits: Vec<Trait>| SkuFacts {
        id: crate::kernel::named(id),
        name: id.into(),
        active: true,
        traits,
        hs_code: String::new(),
    };
    HashMap::from([("LAMP".to_string(), mk("s1", vec![])), ("PB".to_string(), mk("s2", vec![Trait::Un3480]))])
}

fn order() -> OrderInput {
    OrderInput {
        channel: "shopify".into(),
        channel_order_id: "#1001".into(),
        buyer: BuyerInput {
            name: "Ada Lovelace".into(),
            phone: "020 7946 0958".into(),
            email: "ada@example.com".into(),
            language: "en".into(),
        },
        shipping_address: Address {
            name: "Ada".into(),
            line1: "1 Lovelace Way".into(),
            city: "London".into(),
            postcode: "EC1Y 8SY".into(),
            country: "GB".into(),
            ..Default::default()
        },
        lines: vec![LineInput {
            sku: "LAMP".into(),
            quantity: 2,
            unit_price_minor: 2500,
            variant: String::new(),
        }],
        discounts: vec![DiscountInput { code: "WELCOME".into(), amount_minor: 500 }],
        shipping_fee_minor: 800,
        currency: "GBP".into(),
        total_minor: 5300,
        paid_minor: 5300,
        payment_method: "card".into(),
        payment_status: "paid".into(),
        service_level: "standard".into(),
        ..Default::default()
    }
}

/// Validates `i`; every hold it finds names the values its code promises (`hold_params`).
fn check(i: &OrderInput) -> Result<ValidatedOrder, Vec<FieldError>> {
    let checked = validate_order(i, &skus(), &TenantSettings::default(), &default_goods_rules());
    for e in checked.as_ref().err().into_iter().flatten() {
        assert!(REJECT_CODES.contains(&e.code.as_str()), "{e:?} is listed for translation");
    }
    for h in checked.iter().flat_map(|v| &v.holds) {
        let names: Vec<&str> = h.params.keys().map(String::as_str).collect();
        assert_eq!(names, hold_params(&h.code), "{h:?}");
    }
    checked
}

#[test]
fn limits_are_validation_errors_never_overflows_or_saturation() {
    let codes = |i: &OrderInput| -> Vec<(String, String)> {
        check(i).err().unwrap_or_default().into_iter().map(|e| (e.field, e.code)).collect()
    };
    let mut many = order();
    many.lines = vec![many.lines[0].clone(); MAX_LINES + 1];
    assert!(codes(&many).contains(&("lines".into(), "too_many_lines".into())));
    let mut huge = order();
    huge.lines[0].quantity = MAX_QUANTITY + 1;
    assert!(codes(&huge).contains(&("lines[0].quantity".into(), "quantity_too_large".into())));
    let mut overflow = order();
    overflow.lines[0].quantity = 3;
    overflow.lines[0].unit_price_minor = i64::MAX / 2;
    assert!(codes(&overflow).contains(&("lines[0].unit_price_minor".into(), "amount_too_large".into())));
    let mut total = order();
    total.total_minor = i64::MAX;
    assert!(codes(&total).contains(&("total_minor".into(), "amount_too_large".into())));
}

#[test]
fn a_clean_paid_order_passes_with_nothing_to_hold() {
    let v = check(&order()).unwrap();
    assert!(v.holds.is_empty() && v.flags.is_empty() && !v.second_review_due, "{:?}", v.holds);
    assert_eq!((v.subtotal.minor(), v.discount.minor(), v.total.minor()), (5000, 500, 5300));
    assert_eq!(v.total.to_string(), "53.00 GBP");
    assert_eq!(v.phone_e164.as_deref(), Some("+442079460958"));
}

#[test]
fn a_total_that_does_not_reconcile_is_rejected_with_the_arithmetic() {
    let e = check(&OrderInput { total_minor: 5400, ..order() }).unwrap_err();
    assert_eq!(e[0].field, "total_minor");
    assert!(e[0].message.contains("= 53.00"), "{}", e[0].message);
}

#[test]
fn a_gb_order_without_postcode_is_held_naming_the_field_and_the_fix() {
    let mut i = order();
    i.shipping_address.postcode.clear();
    let v = check(&i).unwrap();
    assert_eq!(v.holds.len(), 1);
    assert_eq!(v.holds[0].field, "shipping_address.postcode");
    assert_eq!(v.holds[0].message, "postcode is required for United Kingdom, e.g. EC1Y 8SY");
}

#[test]
fn an_impossible_us_phone_is_held() {
    let mut i = order();
    i.shipping_address = Address {
        line1: "1 Infinite Loop".into(),
        city: "Cupertino".into(),
        state: "CA".into(),
        postcode: "95014".into(),
        country: "US".into(),
        ..Default::default()
    };
    i.buyer.phone = "(000) 000-0000".into();
    let v = check(&i).unwrap();
    assert_eq!(v.holds[0].code, "phone_invalid");
    assert!(v.holds[0].message.contains("not a valid number for US"));
}

#[test]
fn a_standalone_lithium_battery_is_refused_naming_the_rule() {
    let mut i = order();
    i.lines[0].sku = "PB".into();
    let e = check(&i).unwrap_err();
    assert_eq!((e[0].field.as_str(), e[0].code.as_str()), ("lines[0].sku", "prohibited_goods"));
    assert!(e[0].message.contains("LI_ION_STANDALONE"));
    // Refused for another reason too: both are named in one answer.
    i.channel = "fax".into();
    let fields: Vec<String> = check(&i).unwrap_err().into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["channel", "lines[0].sku"]);
}

#[test]
fn unknown_skus_bad_quantities_and_unknown_channels_are_all_reported() {
    let mut i = order();
    i.channel = "fax".into();
    i.lines =
        vec![LineInput { sku: "NOPE".into(), quantity: 0, unit_price_minor: 1, variant: String::new() }];
    let codes: Vec<String> = check(&i).unwrap_err().into_iter().map(|e| e.code).collect();
    assert_eq!(codes, ["unknown_channel", "not_positive", "unknown_sku"]);
}

#[test]
fn unpaid_orders_and_unpaid_express_are_held_and_remarks_flag() {
    let i = OrderInput {
        paid_minor: 0,
        payment_status: "unpaid".into(),
        service_level: "express".into(),
        shipping_fee_minor: 0,
        total_minor: 4500,
        remarks: "gift wrap please".into(),
        ..order()
    };
    let v = check(&i).unwrap();
    let codes: Vec<&str> = v.holds.iter().map(|h| h.code.as_str()).collect();
    assert_eq!(codes, ["not_paid", "service_not_paid"]);
    assert_eq!(v.flags, ["remarks"]);
    // Goods sent again for an after-sales request owe no fee, whatever the service.
    let again = OrderInput {
        channel: "aftersales".into(),
        lines: vec![LineInput {
            sku: "LAMP".into(),
            quantity: 1,
            unit_price_minor: 0,
            variant: String::new(),
        }],
        discounts: Vec::new(),
        service_level: "express".into(),
        shipping_fee_minor: 0,
        total_minor: 0,
        paid_minor: 0,
        ..order()
    };
    assert_eq!(check(&again).unwrap().holds, Vec::<FieldError>::new());
}

#[test]
fn big_orders_and_special_services_need_a_second_review() {
    let big = OrderInput {
        lines: vec![LineInput {
            sku: "LAMP".into(),
            quantity: 100,
            unit_price_minor: 1000,
            variant: String::new(),
        }],
        total_minor: 100_300,
        paid_minor: 100_300,
        ..order()
    };
    assert!(check(&big).unwrap().second_review_due);
    let special = OrderInput { service_level: "oversized".into(), ..order() };
    let v = check(&special).unwrap();
    assert!(v.second_review_due && v.flags.contains(&"special_service".to_string()));
}
