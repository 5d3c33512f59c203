//! A WooCommerce order (the REST v3 order resource, which is the `order.created` and
//! `order.updated` webhook body) read into the intake model.
//!
//! Amounts: each line's unit price is its `subtotal` (before coupons, without tax) over its
//! quantity, never the floating-point `price`; the discount is `discount_total`; shipping is
//! `shipping_total` plus any fee lines; tax is `total_tax`; the total is `total`. Status
//! `processing` and `completed` mean paid; `pending`, `on-hold` and `failed` unpaid.

use serde_json::Value;

use super::json::{count, currency, exact_id, first_text, minor, or_zero, text, unit_price};
use super::{ChannelMapping, ChannelOrder, ChannelState};
use crate::kernel::{Address, FieldError, FieldErrors};
use crate::orders::{BuyerInput, DiscountInput, LineInput, OrderInput, PaymentStatus};

/// Reads a WooCommerce order.
pub fn woocommerce_order(o: &Value, mapping: &ChannelMapping) -> Result<ChannelOrder, Vec<FieldError>> {
    let mut errors = FieldErrors::new();
    let id = exact_id(o, "id").map_err(|e| vec![e])?;
    let currency = currency(o, "currency").map_err(|e| vec![e])?;
    let amount = |errors: &mut FieldErrors, v: &Value, key: &str, field: &str| {
        or_zero(errors, minor(v, key, currency, field))
    };
    let empty = Vec::new();
    let mut lines = Vec::new();
    for (n, l) in o.get("line_items").and_then(Value::as_array).unwrap_or(&empty).iter().enumerate() {
        let field = format!("line_items[{n}]");
        let subtotal = amount(&mut errors, l, "subtotal", &format!("{field}.subtotal"));
        let quantity = or_zero(&mut errors, count(l, "quantity", &format!("{field}.quantity")));
        let unit_price_minor =
            or_zero(&mut errors, unit_price(subtotal, quantity, &format!("{field}.subtotal")));
        let fallbacks: Vec<String> = [("variation_id", "variation"), ("product_id", "product")]
            .iter()
            .filter_map(|(k, prefix)| {
                l.get(*k).and_then(Value::as_u64).filter(|v| *v > 0).map(|v| format!("{prefix}:{v}"))
            })
            .collect();
        lines.push(LineInput {
            sku: mapping.sku_for(text(l, "sku"), &fallbacks),
            quantity,
            unit_price_minor,
            variant: String::new(),
        });
    }
    let discount_minor = amount(&mut errors, o, "discount_total", "discount_total");
    let codes: Vec<&str> = o
        .get("coupon_lines")
        .and_then(Value::as_array)
        .map(|c| c.iter().map(|c| text(c, "code")).filter(|c| !c.is_empty()).collect())
        .unwrap_or_default();
    let discounts = if discount_minor != 0 {
        let code = if codes.is_empty() { "woocommerce".to_string() } else { codes.join(",") };
        vec![DiscountInput { code, amount_minor: discount_minor }]
    } else {
        Vec::new()
    };
    let mut shipping_fee_minor = amount(&mut errors, o, "shipping_total", "shipping_total");
    for (n, fee) in o.get("fee_lines").and_then(Value::as_array).unwrap_or(&empty).iter().enumerate() {
        shipping_fee_minor += amount(&mut errors, fee, "total", &format!("fee_lines[{n}].total"));
    }
    let tax_minor = amount(&mut errors, o, "total_tax", "total_tax");
    let total_minor = amount(&mut errors, o, "total", "total");
    let status = text(o, "status");
    let (payment_status, paid_minor) = match status {
        "processing" | "completed" => (PaymentStatus::Paid, total_minor),
        "refunded" => (PaymentStatus::Refunded, 0),
        _ => (PaymentStatus::Unpaid, 0),
    };
    let billing = o.get("billing").filter(|b| b.is_object());
    let shipping =
        o.get("shipping").filter(|s| s.is_object() && !text(s, "address_1").is_empty()).or(billing);
    let person = |a: Option<&Value>| {
        a.map(|a| format!("{} {}", text(a, "first_name"), text(a, "last_name")).trim().to_string())
            .unwrap_or_default()
    };
    let name = [person(shipping), person(billing)].into_iter().find(|n| !n.is_empty()).unwrap_or_default();
    let phone = [shipping, billing].into_iter().flatten().map(|a| text(a, "phone")).find(|p| !p.is_empty());
    let shipping_address = shipping
        .map(|a| Address {
            name: person(Some(a)),
            company: text(a, "company").to_string(),
            line1: text(a, "address_1").to_string(),
            line2: text(a, "address_2").to_string(),
            city: text(a, "city").to_string(),
            state: woo_state(text(a, "country"), text(a, "state")).to_string(),
            postcode: text(a, "postcode").to_string(),
            country: text(a, "country").to_string(),
        })
        .unwrap_or_default();
    let methods: Vec<&str> = o
        .get("shipping_lines")
        .and_then(Value::as_array)
        .map(|s| s.iter().flat_map(|s| [text(s, "method_id"), text(s, "method_title")]).collect())
        .unwrap_or_default();
    errors.into_result()?;

    let state = match status {
        "cancelled" | "trash" => ChannelState::Cancelled,
        "completed" => ChannelState::Fulfilled,
        "draft" | "checkout-draft" => ChannelState::NotReady,
        _ => ChannelState::Open,
    };
    let number = text(o, "number");
    Ok(ChannelOrder {
        input: OrderInput {
            merchant_id: None,
            channel: "woocommerce".into(),
            channel_order_id: id.clone(),
            buyer: BuyerInput {
                name,
                phone: phone.unwrap_or_default().to_string(),
                email: billing.map(|b| text(b, "email")).unwrap_or_default().to_string(),
                language: String::new(),
            },
            shipping_address,
            lines,
            discounts,
            shipping_fee_minor,
            tax_minor,
            currency: currency.code().to_string(),
            total_minor,
            paid_minor,
            // A free order names no method: the shop took the payment (of nothing).
            payment_method: Some(first_text(o, &["payment_method_title", "payment_method"]))
                .filter(|m| !m.is_empty())
                .unwrap_or("woocommerce")
                .to_string(),
            payment_status: payment_status.as_str().to_string(),
            service_level: mapping.service_for(&methods),
            carrier_service: String::new(),
            payment_reference: text(o, "transaction_id").to_string(),
            urgent: false,
            remarks: text(o, "customer_note").to_string(),
            billing_country: billing.map(|b| text(b, "country")).unwrap_or_default().to_ascii_uppercase(),
        },
        state,
        external_id: id.clone(),
        display_ref: if number.is_empty() { id } else { number.to_string() },
        // WooCommerce writes its GMT times without a zone.
        changed_at: match text(o, "date_modified_gmt") {
            "" => String::new(),
            gmt if gmt.ends_with('Z') => gmt.to_string(),
            gmt => format!("{gmt}Z"),
        },
    })
}

/// WooCommerce's own codes for China's provinces (`CN1` … `CN32`, its `i18n/states/CN.php`), as
/// the province's name: `CN11` is Jiangsu there, where ISO's `CN-11` is Beijing. Other states
/// are taken as WooCommerce sends them (ISO-like codes such as `CA`, `NSW`).
fn woo_state<'a>(country: &str, state: &'a str) -> &'a str {
    const CN: [&str; 32] = [
        "Yunnan",
        "Beijing",
        "Tianjin",
        "Hebei",
        "Shanxi",
        "Inner Mongolia",
        "Liaoning",
        "Jilin",
        "Heilongjiang",
        "Shanghai",
        "Jiangsu",
        "Zhejiang",
        "Anhui",
        "Fujian",
        "Jiangxi",
        "Shandong",
        "Henan",
        "Hubei",
        "Hunan",
        "Guangdong",
        "Guangxi",
        "Hainan",
        "Chongqing",
        "Sichuan",
        "Guizhou",
        "Shaanxi",
        "Gansu",
        "Qinghai",
        "Ningxia",
        "Macau",
        "Tibet",
        "Xinjiang",
    ];
    let number = state.trim().strip_prefix("CN").and_then(|n| n.parse::<usize>().ok());
    match number {
        Some(n) if country.trim().eq_ignore_ascii_case("CN") && (1..=32).contains(&n) => CN[n - 1],
        _ => state,
    }
}

#[cfg(test)]
mod state_tests {
    use super::woo_state;
    use crate::kernel::{StateMatch, find_state};

    #[test]
    fn each_of_woocommerces_chinese_codes_is_its_province() {
        let keys = [
            (1, "云南省"),
            (2, "北京市"),
            (11, "江苏省"),
            (12, "浙江省"),
            (21, "广西壮族自治区"),
            (30, "澳门"),
            (32, "新疆维吾尔自治区"),
        ];
        for (n, key) in keys {
            let StateMatch::Found(r) = find_state("CN", woo_state("CN", &format!("CN{n}"))) else {
                panic!("CN{n}")
            };
            assert_eq!(r.key, key, "CN{n}");
        }
        for n in 1..=32 {
            assert!(
                matches!(find_state("CN", woo_state("CN", &format!("CN{n}"))), StateMatch::Found(_)),
                "CN{n}"
            );
        }
        assert_eq!(woo_state("US", "CA"), "CA");
        assert_eq!(woo_state("CN", "CN33"), "CN33");
    }
}
