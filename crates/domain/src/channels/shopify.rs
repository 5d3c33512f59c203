//! A Shopify order (the `orders/create`, `orders/updated` and `orders/cancelled` webhook body, or
//! the REST `{"order": …}` resource) read into the intake model.
//!
//! Amounts: the lines at their `price`; the discount is what Shopify took off the lines (the lines
//! less `subtotal_price`, Shopify's "after discounts, before shipping and tax"); shipping is the
//! shipping lines' price after their discounts; tax is `total_tax` unless the prices include it;
//! the total is `total_price`. So the order reconciles exactly as Shopify charged it, or intake
//! says which figure does not.

use serde_json::Value;

use super::json::{count, currency, exact_id, first_text, minor, or_zero, text};
use super::{ChannelMapping, ChannelOrder, ChannelState};
use crate::kernel::{Address, FieldError, FieldErrors};
use crate::orders::{BuyerInput, DiscountInput, LineInput, OrderInput, PaymentStatus};

/// Reads a Shopify order.
pub fn shopify_order(body: &Value, mapping: &ChannelMapping) -> Result<ChannelOrder, Vec<FieldError>> {
    let o = body.get("order").filter(|o| o.is_object()).unwrap_or(body);
    let mut errors = FieldErrors::new();
    let id = exact_id(o, "id").map_err(|e| vec![e])?;
    let currency = currency(o, "currency").map_err(|e| vec![e])?;
    let amount = |errors: &mut FieldErrors, v: &Value, key: &str, field: &str| {
        or_zero(errors, minor(v, key, currency, field))
    };

    let empty = Vec::new();
    let items = o.get("line_items").and_then(Value::as_array).unwrap_or(&empty);
    let mut lines = Vec::new();
    let mut lines_minor = 0i64;
    for (n, l) in items.iter().enumerate() {
        let field = format!("line_items[{n}]");
        let unit_price_minor = amount(&mut errors, l, "price", &format!("{field}.price"));
        let quantity = or_zero(&mut errors, count(l, "quantity", &format!("{field}.quantity")));
        lines_minor = lines_minor.saturating_add(unit_price_minor.saturating_mul(quantity));
        let fallbacks = ["variant_id", "product_id"]
            .iter()
            .filter_map(|k| l.get(*k).filter(|v| v.is_u64()).map(|v| format!("{}:{v}", &k[..k.len() - 3])))
            .collect::<Vec<_>>();
        lines.push(LineInput {
            sku: mapping.sku_for(text(l, "sku"), &fallbacks),
            quantity,
            unit_price_minor,
            variant: text(l, "variant_title").to_string(),
        });
    }
    let subtotal = amount(&mut errors, o, "subtotal_price", "subtotal_price");
    let codes: Vec<&str> = o
        .get("discount_codes")
        .and_then(Value::as_array)
        .map(|d| d.iter().map(|c| text(c, "code")).filter(|c| !c.is_empty()).collect())
        .unwrap_or_default();
    let discount_minor = lines_minor - subtotal;
    let discounts = if discount_minor != 0 {
        let code = if codes.is_empty() { "shopify".to_string() } else { codes.join(",") };
        vec![DiscountInput { code, amount_minor: discount_minor }]
    } else {
        Vec::new()
    };
    let shipping_lines = o.get("shipping_lines").and_then(Value::as_array).unwrap_or(&empty);
    let mut shipping_fee_minor = 0i64;
    for (n, s) in shipping_lines.iter().enumerate() {
        let key = if s.get("discounted_price").is_some_and(|p| !p.is_null()) {
            "discounted_price"
        } else {
            "price"
        };
        shipping_fee_minor += amount(&mut errors, s, key, &format!("shipping_lines[{n}].{key}"));
    }
    let taxes_included = o.get("taxes_included").and_then(Value::as_bool).unwrap_or(false);
    let tax_minor = if taxes_included { 0 } else { amount(&mut errors, o, "total_tax", "total_tax") };
    let total_minor = amount(&mut errors, o, "total_price", "total_price");
    let outstanding = amount(&mut errors, o, "total_outstanding", "total_outstanding");
    let (payment_status, paid_minor) = match text(o, "financial_status") {
        "paid" | "partially_refunded" => (PaymentStatus::Paid, total_minor),
        "partially_paid" => (PaymentStatus::PartiallyPaid, (total_minor - outstanding).max(0)),
        "authorized" => (PaymentStatus::Authorized, 0),
        "refunded" => (PaymentStatus::Refunded, 0),
        // pending, voided, expired and values Shopify adds later: nothing received.
        _ => (PaymentStatus::Unpaid, 0),
    };

    let ship = o.get("shipping_address").filter(|a| a.is_object());
    let billing = o.get("billing_address").filter(|a| a.is_object());
    let customer = o.get("customer").filter(|c| c.is_object());
    let person = |a: Option<&Value>| {
        a.map(|a| {
            let name = text(a, "name");
            if name.is_empty() {
                format!("{} {}", text(a, "first_name"), text(a, "last_name")).trim().to_string()
            } else {
                name.to_string()
            }
        })
        .unwrap_or_default()
    };
    let name = [person(ship), person(billing), person(customer)]
        .into_iter()
        .find(|n| !n.is_empty())
        .unwrap_or_default();
    let phone = [ship, Some(o), customer, billing]
        .into_iter()
        .flatten()
        .map(|v| text(v, "phone"))
        .find(|p| !p.is_empty())
        .unwrap_or_default();
    let email = [Some(o), customer]
        .into_iter()
        .flatten()
        .map(|v| first_text(v, &["email", "contact_email"]))
        .find(|e| !e.is_empty())
        .unwrap_or_default();
    let shipping_address = ship
        .map(|a| Address {
            name: person(Some(a)),
            company: text(a, "company").to_string(),
            line1: text(a, "address1").to_string(),
            line2: text(a, "address2").to_string(),
            city: text(a, "city").to_string(),
            state: first_text(a, &["province_code", "province"]).to_string(),
            postcode: text(a, "zip").to_string(),
            country: text(a, "country_code").to_string(),
        })
        .unwrap_or_default();
    let methods: Vec<&str> =
        shipping_lines.iter().flat_map(|s| [text(s, "code"), text(s, "title")]).collect();
    let gateways: Vec<&str> = o
        .get("payment_gateway_names")
        .and_then(Value::as_array)
        .map(|g| g.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let payment_method =
        if gateways.is_empty() { text(o, "gateway").to_string() } else { gateways.join(",") };
    errors.into_result()?;

    let state = if o.get("cancelled_at").is_some_and(|c| !c.is_null()) {
        ChannelState::Cancelled
    } else if text(o, "fulfillment_status") == "fulfilled" {
        ChannelState::Fulfilled
    } else {
        ChannelState::Open
    };
    let display_ref = first_text(o, &["name"]).to_string();
    Ok(ChannelOrder {
        input: OrderInput {
            merchant_id: None,
            channel: "shopify".into(),
            channel_order_id: id.clone(),
            buyer: BuyerInput {
                name,
                phone: phone.to_string(),
                email: email.to_string(),
                language: text(o, "customer_locale").to_string(),
            },
            shipping_address,
            lines,
            discounts,
            shipping_fee_minor,
            tax_minor,
            currency: currency.code().to_string(),
            total_minor,
            paid_minor,
            payment_method: if payment_method.is_empty() { "shopify".into() } else { payment_method },
            payment_status: payment_status.as_str().to_string(),
            service_level: mapping.service_for(&methods),
            carrier_service: String::new(),
            payment_reference: String::new(),
            urgent: false,
            remarks: text(o, "note").to_string(),
            billing_country: billing
                .map(|b| text(b, "country_code"))
                .unwrap_or_default()
                .to_ascii_uppercase(),
        },
        state,
        external_id: id.clone(),
        display_ref: if display_ref.is_empty() { id } else { display_ref },
        changed_at: text(o, "updated_at").to_string(),
    })
}
