//! An eBay order read into the intake model: one order of the Sell Fulfillment API's `getOrders`
//! (or `getOrder`).
//!
//! Money is `{value, currency}` with the value a decimal string; `lineItemCost` is for the whole
//! quantity, so the unit price is it over the quantity. `pricingSummary` gives the discount
//! (`priceDiscount`, which eBay shows as a negative amount), shipping (`deliveryCost` less
//! `deliveryDiscount`), tax and the total; a converted total keeps the seller's currency
//! (`value`/`currency`), not the buyer's (`convertedFrom*`). The parcel goes to
//! `shippingStep.shipTo`: for eBay's international programmes (`ebaySupportedFulfillment`) that
//! is eBay's domestic hub, not the buyer's home, as eBay requires. Only a paid order is ready
//! ("once PAID is returned it is safe to ship"); a cancelled or fully refunded one is cancelled;
//! one eBay fulfils or that needs no parcel is fulfilled already.

use serde_json::Value;

use super::json::{count, minor, or_zero, text, unit_price};
use super::{ChannelMapping, ChannelOrder, ChannelState};
use crate::kernel::{Address, Currency, FieldError, FieldErrors};
use crate::orders::{BuyerInput, DiscountInput, LineInput, OrderInput, PaymentStatus};

/// The amount of an eBay money object in minor units of `currency`, its sign dropped (zero when
/// absent); a money object in another currency is refused by name.
fn amount(errors: &mut FieldErrors, v: Option<&Value>, currency: Currency, field: &str) -> i64 {
    let Some(v) = v.filter(|v| v.is_object()) else { return 0 };
    let code = text(v, "currency");
    if !code.is_empty() && code != currency.code() {
        errors.push(FieldError::new(
            field,
            "currency_mismatch",
            format!("{field} is in {code}, the order in {}", currency.code()),
        ));
        return 0;
    }
    or_zero(errors, minor(v, "value", currency, field)).abs()
}

/// The state eBay's statuses give the order.
fn state_of(o: &Value, instruction: &Value) -> ChannelState {
    let cancelled = o.get("cancelStatus").map(|c| text(c, "cancelState")) == Some("CANCELED");
    match text(o, "orderPaymentStatus") {
        _ if cancelled => ChannelState::Cancelled,
        "FULLY_REFUNDED" => ChannelState::Cancelled,
        "PAID" | "PARTIALLY_REFUNDED" => {
            match (text(o, "orderFulfillmentStatus"), text(instruction, "fulfillmentInstructionsType")) {
                ("FULFILLED", _) | (_, "FULFILLED_BY_EBAY" | "DIGITAL") => ChannelState::Fulfilled,
                _ => ChannelState::Open,
            }
        }
        // PENDING, FAILED, or a status eBay adds later: not safe to ship yet.
        _ => ChannelState::NotReady,
    }
}

/// Reads one eBay order.
pub fn ebay_order(o: &Value, mapping: &ChannelMapping) -> Result<ChannelOrder, Vec<FieldError>> {
    let id = text(o, "orderId").to_string();
    if id.is_empty() {
        return Err(vec![FieldError::new("orderId", "required", "the order has no orderId")]);
    }
    let pricing = o.get("pricingSummary").unwrap_or(&Value::Null);
    let total_of = pricing.get("total").unwrap_or(&Value::Null);
    let currency = Currency::parse(text(total_of, "currency")).ok_or_else(|| {
        vec![FieldError::new(
            "pricingSummary.total.currency",
            "unknown_currency",
            format!("'{}' is not an ISO 4217 currency code", text(total_of, "currency")),
        )]
    })?;
    let mut errors = FieldErrors::new();
    let empty = Vec::new();
    let mut lines = Vec::new();
    for (n, i) in o.get("lineItems").and_then(Value::as_array).unwrap_or(&empty).iter().enumerate() {
        let field = format!("lineItems[{n}]");
        let quantity = or_zero(&mut errors, count(i, "quantity", &format!("{field}.quantity")));
        let cost_field = format!("{field}.lineItemCost");
        let cost = amount(&mut errors, i.get("lineItemCost"), currency, &cost_field);
        lines.push(LineInput {
            sku: mapping.sku_for(text(i, "sku"), &[format!("item:{}", text(i, "legacyItemId"))]),
            quantity,
            unit_price_minor: or_zero(&mut errors, unit_price(cost, quantity, &cost_field)),
            variant: String::new(),
        });
    }
    let money = |errors: &mut FieldErrors, key: &str| {
        amount(errors, pricing.get(key), currency, &format!("pricingSummary.{key}"))
    };
    let discount = money(&mut errors, "priceDiscount");
    let shipping = money(&mut errors, "deliveryCost") - money(&mut errors, "deliveryDiscount");
    let tax = money(&mut errors, "tax");
    let total = money(&mut errors, "total");
    errors.into_result()?;

    let instruction = o.get("fulfillmentStartInstructions").and_then(|f| f.get(0)).unwrap_or(&Value::Null);
    let step = instruction.get("shippingStep").unwrap_or(&Value::Null);
    let ship_to = step.get("shipTo").unwrap_or(&Value::Null);
    let a = ship_to.get("contactAddress").unwrap_or(&Value::Null);
    let address = Address {
        name: text(ship_to, "fullName").to_string(),
        company: text(ship_to, "companyName").to_string(),
        line1: text(a, "addressLine1").to_string(),
        line2: text(a, "addressLine2").to_string(),
        city: text(a, "city").to_string(),
        state: text(a, "stateOrProvince").to_string(),
        postcode: text(a, "postalCode").to_string(),
        country: text(a, "countryCode").to_string(),
    };
    let state = state_of(o, instruction);
    let paid = matches!(state, ChannelState::Open | ChannelState::Fulfilled);
    let buyer_name = [address.name.as_str(), o.get("buyer").map(|b| text(b, "username")).unwrap_or_default()]
        .into_iter()
        .find(|n| !n.is_empty())
        .unwrap_or_default()
        .to_string();
    let payment_reference = o
        .get("paymentSummary")
        .and_then(|p| p.get("payments"))
        .and_then(|p| p.get(0))
        .map(|p| text(p, "paymentReferenceId"))
        .unwrap_or_default();
    let input = OrderInput {
        merchant_id: None,
        channel: "ebay".into(),
        channel_order_id: id.clone(),
        buyer: BuyerInput {
            name: buyer_name,
            phone: ship_to
                .get("primaryPhone")
                .map(|p| text(p, "phoneNumber"))
                .unwrap_or_default()
                .to_string(),
            email: text(ship_to, "email").to_string(),
            language: String::new(),
        },
        shipping_address: address,
        lines,
        discounts: if discount == 0 {
            Vec::new()
        } else {
            vec![DiscountInput { code: "ebay_promotion".into(), amount_minor: discount }]
        },
        shipping_fee_minor: shipping,
        tax_minor: tax,
        currency: currency.code().to_string(),
        total_minor: total,
        paid_minor: if paid { total } else { 0 },
        payment_method: "ebay".into(),
        payment_status: if paid { PaymentStatus::Paid } else { PaymentStatus::Unpaid }.as_str().to_string(),
        service_level: mapping.service_for(&[text(step, "shippingServiceCode")]),
        carrier_service: String::new(),
        payment_reference: payment_reference.to_string(),
        urgent: false,
        remarks: text(o, "buyerCheckoutNotes").to_string(),
        billing_country: String::new(),
    };
    let display_ref = [text(o, "salesRecordReference"), text(o, "legacyOrderId"), id.as_str()]
        .into_iter()
        .find(|r| !r.is_empty())
        .unwrap_or_default()
        .to_string();
    let changed_at = text(o, "lastModifiedDate").to_string();
    Ok(ChannelOrder { input, state, external_id: id, display_ref, changed_at })
}
