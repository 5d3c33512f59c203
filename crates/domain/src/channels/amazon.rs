//! An Amazon order read into the intake model: SP-API Orders v0 (`getOrders` order with its
//! `getOrderItems`) and the Orders API 2026-01-01 (`searchOrders` / `getOrder`).
//!
//! Amazon's item price is for the whole quantity, so the unit price is it over the quantity.
//! Shipping, tax and promotions are summed over the items. The buyer's name and address are
//! restricted data: without them the order is still read (it is stored on hold for its address
//! and completed when the address arrives), never dropped. `Pending` orders are not ready (not
//! paid, items may change); orders Amazon fulfils or has shipped are fulfilled already.

use serde_json::Value;

use super::json::{count, minor, or_zero, text, unit_price};
use super::{ChannelMapping, ChannelOrder, ChannelState};
use crate::kernel::{Address, Currency, FieldError, FieldErrors};
use crate::orders::{BuyerInput, DiscountInput, LineInput, OrderInput, PaymentStatus};

/// The buyer's name while Amazon has not released it (restricted data).
const NAME_RESTRICTED: &str = "Amazon buyer (name not yet released)";

/// A `{CurrencyCode, Amount}` (v0) or `{currencyCode, amount}` (2026-01-01) money object.
fn money_of(v: Option<&Value>) -> Option<(&str, &Value)> {
    let v = v?;
    let code = v.get("CurrencyCode").or(v.get("currencyCode"))?.as_str()?;
    Some((code, v.get("Amount").or(v.get("amount"))?))
}

/// The amount of a money object in minor units; zero when absent.
fn amount(errors: &mut FieldErrors, v: Option<&Value>, currency: Currency, field: &str) -> i64 {
    let Some((_, value)) = money_of(v) else { return 0 };
    let wrapped = serde_json::json!({ "a": value });
    or_zero(errors, minor(&wrapped, "a", currency, field))
}

/// The currency of a marketplace, for an order that names none yet (a pending order has no total).
const MARKETPLACE_CURRENCIES: [(&str, &str); 13] = [
    ("ATVPDKIKX0DER", "USD"),
    ("A2EUQ1WTGCTBG2", "CAD"),
    ("A1AM78C64UM0Y8", "MXN"),
    ("A1F83G8C2ARO7P", "GBP"),
    ("A1PA6795UKMFR9", "EUR"),
    ("A13V1IB3VIYZZH", "EUR"),
    ("APJ6JRA9NG5V4", "EUR"),
    ("A1RKKUPIHCS9HS", "EUR"),
    ("A1805IZSGTT6HS", "EUR"),
    ("A1VC38T7YXB528", "JPY"),
    ("AAHKV2X7AFYLW", "CNY"),
    ("A39IBJ37TRP1C6", "AUD"),
    ("A21TJRUUN4KGV", "INR"),
];

fn currency_of<'a>(
    candidates: impl IntoIterator<Item = Option<&'a Value>>,
    marketplace: &str,
) -> Result<Currency, Vec<FieldError>> {
    let code = candidates
        .into_iter()
        .find_map(|v| money_of(v).map(|(c, _)| c))
        .or_else(|| MARKETPLACE_CURRENCIES.iter().find(|(m, _)| *m == marketplace).map(|(_, c)| *c))
        .unwrap_or_default();
    Currency::parse(code).ok_or_else(|| {
        vec![FieldError::new(
            "OrderTotal.CurrencyCode",
            "unknown_currency",
            format!("no known currency in the order ('{code}')"),
        )]
    })
}

/// An Amazon address: v0's PascalCase keys (`AddressLine1`), or 2026-01-01's camelCase ones
/// (`addressLine1`) when `camel`.
fn address_of(a: Option<&Value>, camel: bool) -> Address {
    let Some(a) = a else { return Address::default() };
    let field = |key: &str| {
        let key =
            if camel { format!("{}{}", key[..1].to_ascii_lowercase(), &key[1..]) } else { key.to_string() };
        text(a, &key).to_string()
    };
    let extra: Vec<String> =
        [field("AddressLine2"), field("AddressLine3")].into_iter().filter(|l| !l.is_empty()).collect();
    Address {
        name: field("Name"),
        company: field("CompanyName"),
        line1: field("AddressLine1"),
        line2: extra.join(", "),
        city: field("City"),
        state: field("StateOrRegion"),
        postcode: field("PostalCode"),
        country: field("CountryCode"),
    }
}

/// Reads an SP-API v0 order and its items (the `getOrderItems` payload or its `OrderItems`).
pub fn amazon_order(
    order: &Value,
    items: &Value,
    mapping: &ChannelMapping,
) -> Result<ChannelOrder, Vec<FieldError>> {
    let o = order;
    let id = text(o, "AmazonOrderId").to_string();
    if id.is_empty() {
        return Err(vec![FieldError::new("AmazonOrderId", "required", "the order has no AmazonOrderId")]);
    }
    let items = items.get("payload").unwrap_or(items);
    let empty = Vec::new();
    let items = items.get("OrderItems").unwrap_or(items).as_array().unwrap_or(&empty);
    let currency = currency_of(
        std::iter::once(o.get("OrderTotal")).chain(items.iter().map(|i| i.get("ItemPrice"))),
        text(o, "MarketplaceId"),
    )?;
    let mut errors = FieldErrors::new();
    let (mut lines, mut shipping, mut tax, mut discount) = (Vec::new(), 0i64, 0i64, 0i64);
    for (n, i) in items.iter().enumerate() {
        let field = format!("OrderItems[{n}]");
        let quantity = or_zero(&mut errors, count(i, "QuantityOrdered", &format!("{field}.QuantityOrdered")));
        let price = amount(&mut errors, i.get("ItemPrice"), currency, &format!("{field}.ItemPrice"));
        let unit_price_minor =
            or_zero(&mut errors, unit_price(price, quantity, &format!("{field}.ItemPrice")));
        shipping += amount(&mut errors, i.get("ShippingPrice"), currency, &format!("{field}.ShippingPrice"));
        for key in ["ItemTax", "ShippingTax", "GiftWrapTax"] {
            tax += amount(&mut errors, i.get(key), currency, &format!("{field}.{key}"));
        }
        for key in ["PromotionDiscount", "ShippingDiscount"] {
            discount += amount(&mut errors, i.get(key), currency, &format!("{field}.{key}"));
        }
        let fallbacks = [format!("asin:{}", text(i, "ASIN"))];
        lines.push(LineInput {
            sku: mapping.sku_for(text(i, "SellerSKU"), &fallbacks),
            quantity,
            unit_price_minor,
            variant: String::new(),
        });
    }
    let lines_minor: i64 = lines.iter().map(|l| l.unit_price_minor * l.quantity).sum();
    let total = match o.get("OrderTotal") {
        Some(t) => amount(&mut errors, Some(t), currency, "OrderTotal"),
        // A pending order has no total yet: what its items come to.
        None => lines_minor - discount + shipping + tax,
    };
    errors.into_result()?;
    let status = text(o, "OrderStatus");
    let state = match status {
        "Pending" | "PendingAvailability" => ChannelState::NotReady,
        "Canceled" | "Unfulfillable" => ChannelState::Cancelled,
        _ if text(o, "FulfillmentChannel") == "AFN" => ChannelState::Fulfilled,
        "Shipped" | "InvoiceUnconfirmed" => ChannelState::Fulfilled,
        _ => ChannelState::Open,
    };
    let paid = state != ChannelState::NotReady;
    let address = address_of(o.get("ShippingAddress"), false);
    let buyer = o.get("BuyerInfo");
    let name = [buyer.map(|b| text(b, "BuyerName")).unwrap_or_default(), address.name.as_str()]
        .into_iter()
        .find(|n| !n.is_empty())
        .unwrap_or(NAME_RESTRICTED)
        .to_string();
    let details: Vec<&str> = o
        .get("PaymentMethodDetails")
        .and_then(Value::as_array)
        .map(|d| d.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let input = OrderInput {
        merchant_id: None,
        channel: "amazon".into(),
        channel_order_id: id.clone(),
        buyer: BuyerInput {
            name,
            phone: o.get("ShippingAddress").map(|a| text(a, "Phone")).unwrap_or_default().to_string(),
            email: buyer.map(|b| text(b, "BuyerEmail")).unwrap_or_default().to_string(),
            language: String::new(),
        },
        shipping_address: address,
        lines,
        discounts: discounts(discount, "amazon_promotion"),
        shipping_fee_minor: shipping,
        tax_minor: tax,
        currency: currency.code().to_string(),
        total_minor: total,
        paid_minor: if paid { total } else { 0 },
        payment_method: match (details.is_empty(), text(o, "PaymentMethod")) {
            (false, _) => details.join(","),
            (true, "") => "amazon".into(),
            (true, method) => method.to_string(),
        },
        payment_status: if paid { PaymentStatus::Paid } else { PaymentStatus::Unpaid }.as_str().to_string(),
        service_level: mapping
            .service_for(&[text(o, "ShipServiceLevel"), text(o, "ShipmentServiceLevelCategory")]),
        carrier_service: String::new(),
        payment_reference: String::new(),
        urgent: false,
        remarks: String::new(),
        billing_country: String::new(),
    };
    let changed_at = text(o, "LastUpdateDate").to_string();
    Ok(ChannelOrder { input, state, external_id: id.clone(), display_ref: id, changed_at })
}

fn discounts(amount_minor: i64, code: &str) -> Vec<DiscountInput> {
    if amount_minor == 0 { Vec::new() } else { vec![DiscountInput { code: code.into(), amount_minor }] }
}

/// Reads an Orders API 2026-01-01 order (`getOrder`'s `order`, or one of `searchOrders`' orders).
pub fn amazon_order_2026(body: &Value, mapping: &ChannelMapping) -> Result<ChannelOrder, Vec<FieldError>> {
    let o = body.get("order").filter(|o| o.is_object()).unwrap_or(body);
    let id = text(o, "orderId").to_string();
    if id.is_empty() {
        return Err(vec![FieldError::new("orderId", "required", "the order has no orderId")]);
    }
    let proceeds = o.get("proceeds");
    let marketplace = o.get("salesChannel").map(|c| text(c, "marketplaceId")).unwrap_or_default();
    let currency = currency_of([proceeds.and_then(|p| p.get("grandTotal"))], marketplace)?;
    let mut errors = FieldErrors::new();
    let breakdown = |kind: &str| {
        proceeds
            .and_then(|p| p.get("breakdowns"))
            .and_then(Value::as_array)
            .and_then(|b| b.iter().find(|b| text(b, "type") == kind))
            .and_then(|b| b.get("subtotal"))
    };
    let empty = Vec::new();
    let mut lines = Vec::new();
    for (n, i) in o.get("orderItems").and_then(Value::as_array).unwrap_or(&empty).iter().enumerate() {
        let field = format!("orderItems[{n}]");
        let product = i.get("product").unwrap_or(&Value::Null);
        let unit = product.get("price").and_then(|p| p.get("unitPrice"));
        lines.push(LineInput {
            sku: mapping.sku_for(text(product, "sellerSku"), &[format!("asin:{}", text(product, "asin"))]),
            quantity: or_zero(&mut errors, count(i, "quantityOrdered", &format!("{field}.quantityOrdered"))),
            unit_price_minor: amount(
                &mut errors,
                unit,
                currency,
                &format!("{field}.product.price.unitPrice"),
            ),
            variant: String::new(),
        });
    }
    let lines_minor: i64 = lines.iter().map(|l| l.unit_price_minor * l.quantity).sum();
    let items = amount(&mut errors, breakdown("ITEM"), currency, "proceeds.breakdowns[ITEM]");
    let shipping = amount(&mut errors, breakdown("SHIPPING"), currency, "proceeds.breakdowns[SHIPPING]");
    let tax = amount(&mut errors, breakdown("TAX"), currency, "proceeds.breakdowns[TAX]");
    let total =
        amount(&mut errors, proceeds.and_then(|p| p.get("grandTotal")), currency, "proceeds.grandTotal");
    errors.into_result()?;
    let fulfillment = o.get("fulfillment").unwrap_or(&Value::Null);
    let state = match text(fulfillment, "fulfillmentStatus") {
        "PENDING" | "PENDING_AVAILABILITY" => ChannelState::NotReady,
        "CANCELLED" | "UNFULFILLABLE" => ChannelState::Cancelled,
        _ if text(fulfillment, "fulfilledBy") == "AMAZON" => ChannelState::Fulfilled,
        "SHIPPED" => ChannelState::Fulfilled,
        _ => ChannelState::Open,
    };
    let paid = state != ChannelState::NotReady;
    let a = o.get("recipient").and_then(|r| r.get("deliveryAddress"));
    let address = address_of(a, true);
    let buyer = o.get("buyer").unwrap_or(&Value::Null);
    let name = [text(buyer, "buyerName"), address.name.as_str()]
        .into_iter()
        .find(|n| !n.is_empty())
        .unwrap_or(NAME_RESTRICTED)
        .to_string();
    let input = OrderInput {
        merchant_id: None,
        channel: "amazon".into(),
        channel_order_id: id.clone(),
        buyer: BuyerInput {
            name,
            phone: a.map(|a| text(a, "phone")).unwrap_or_default().to_string(),
            email: text(buyer, "buyerEmail").to_string(),
            language: String::new(),
        },
        shipping_address: address,
        lines,
        // What Amazon took off the items: their list prices less the items' proceeds.
        discounts: discounts(if items > 0 { lines_minor - items } else { 0 }, "amazon_promotion"),
        shipping_fee_minor: shipping,
        tax_minor: tax,
        currency: currency.code().to_string(),
        total_minor: total,
        paid_minor: if paid { total } else { 0 },
        payment_method: "amazon".into(),
        payment_status: if paid { PaymentStatus::Paid } else { PaymentStatus::Unpaid }.as_str().to_string(),
        service_level: mapping.service_for(&[text(fulfillment, "fulfillmentServiceLevel")]),
        carrier_service: String::new(),
        payment_reference: String::new(),
        urgent: false,
        remarks: String::new(),
        billing_country: String::new(),
    };
    let changed_at = text(o, "lastUpdatedTime").to_string();
    Ok(ChannelOrder { input, state, external_id: id.clone(), display_ref: id, changed_at })
}
