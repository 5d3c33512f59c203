//! Order intake validation (ORD-2, ORD-3, ORD-8, ORD-10): one engine, every failure a field
//! error with a stable code and a message that says how to fix it.
//!
//! Two outcomes for a failure, decided by whether the order can still be trusted:
//! - **reject** (nothing stored): the request cannot be understood or would store a wrong order:
//!   unknown channel, missing buyer name or lines, unknown / inactive / other merchant's SKU,
//!   quantity ≤ 0, negative money, unknown currency, unknown country or service level, totals
//!   that do not reconcile, goods a `block` rule forbids for the destination;
//! - **hold** (stored `on_hold` with the reasons, buyer to be contacted): the order is real but
//!   nothing may ship yet: missing or invalid phone or e-mail, an incomplete or vague address,
//!   not (fully) paid, a shipping fee below the chosen service's, goods a `hold` rule restricts.
//!
//! Remarks do not hold an order; they flag it so a person reviews it (no auto-approval).

use std::collections::HashMap;

use super::goods::GoodsRule;
use super::input::{CHANNELS, OrderInput, SkuFacts};
use super::payment::PaymentStatus;
use super::shipping_check::{ShippingFacts, check_shipping};
use crate::access::TenantSettings;
use crate::kernel::{
    Currency, Email, FieldError, FieldErrors, MAX_AMOUNT_MINOR, Money, MoneyError, SkuId, check_minor,
    is_known_country, normalise_phone, phone_example,
};

/// A checked line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatedLine {
    pub line_no: u32,
    pub sku_id: SkuId,
    pub sku: String,
    pub name: String,
    pub variant: String,
    pub quantity: i64,
    pub unit_price: Money,
}

/// An order that may be stored, with why it must wait if it must.
#[derive(Clone, Debug)]
pub struct ValidatedOrder {
    pub channel: String,
    pub channel_order_id: String,
    pub currency: Currency,
    pub lines: Vec<ValidatedLine>,
    pub subtotal: Money,
    pub discount: Money,
    pub shipping_fee: Money,
    pub tax: Money,
    pub total: Money,
    pub paid: Money,
    pub payment_status: PaymentStatus,
    /// The phone in E.164 when it is valid for the destination.
    pub phone_e164: Option<String>,
    pub email: String,
    /// Reasons to hold the order for the buyer's input; empty when none.
    pub holds: Vec<FieldError>,
    /// Reasons a person must look at the order (no auto-approval).
    pub flags: Vec<String>,
    /// The amount or the service calls for a second review (ORD-6).
    pub second_review_due: bool,
}

/// Every code an order can be held with: what the buyer or staff must resolve before it ships
/// (intake, address, goods and service rules here; stock and staff holds from approval and review).
pub const HOLD_CODES: [&str; 22] = [
    "phone_missing",
    "phone_invalid",
    "email_invalid",
    "not_paid",
    "payment_currency_mismatch",
    "payment_overpaid",
    "payment_disputed",
    "risk_review",
    "service_not_paid",
    "restricted_goods",
    "line1_required",
    "city_required",
    "state_required",
    "state_unknown",
    "postcode_required",
    "postcode_invalid",
    "postcode_state_mismatch",
    "out_of_stock",
    "held_by_staff",
    "second_review_due",
    // Found when a release checks a stored order again: goods a rule added since prohibits, and a
    // service level no longer offered.
    "prohibited_goods",
    "unknown_service_level",
];

/// Every code intake refuses an order with (a 422 with these field errors).
pub const REJECT_CODES: [&str; 19] = [
    "required",
    "unknown_channel",
    "unknown_currency",
    "unknown_service_level",
    "invalid_service_code",
    "invalid_payment_reference",
    "unknown_payment_status",
    "unknown_country",
    "negative",
    "amount_too_large",
    "too_many_lines",
    "not_positive",
    "quantity_too_large",
    "unknown_sku",
    "inactive_sku",
    "exceeds_subtotal",
    "total_mismatch",
    "prohibited_goods",
    "not_an_amount",
];

/// The values each hold names besides its English message (`FieldError::params`), so another
/// language can say the same; `held_by_staff` carries the staff's own words as its message.
pub fn hold_params(code: &str) -> &'static [&'static str] {
    match code {
        "phone_invalid" => &["country", "example", "phone"],
        "email_invalid" => &["email"],
        "not_paid" => &["missing", "paid", "total"],
        "payment_currency_mismatch" => &["currency", "received", "reference"],
        "payment_overpaid" => &["extra", "paid", "total"],
        "payment_disputed" => &["reference"],
        "risk_review" => &["score", "threshold"],
        "service_not_paid" => &["fee", "paid", "service"],
        "restricted_goods" | "prohibited_goods" => &["country", "rule", "sku"],
        "unknown_service_level" => &["service"],
        "line1_required" | "city_required" | "state_required" | "postcode_required" => &["country"],
        "state_unknown" => &["country", "state"],
        "postcode_invalid" => &["country", "postcode"],
        "postcode_state_mismatch" => &["postcode", "state"],
        "out_of_stock" => &["quantity", "sku"],
        _ => &[],
    }
}

/// Most lines one order may have.
pub const MAX_LINES: usize = 500;
/// Most units one line may ask for.
pub const MAX_QUANTITY: i64 = 1_000_000;

/// An order's amounts, once its currency is known and every one is within the limits.
#[derive(Clone, Copy, Debug)]
struct Amounts {
    subtotal: Money,
    discount: Money,
    shipping_fee: Money,
    tax: Money,
    total: Money,
    paid: Money,
}

/// The buyer's phone and e-mail as an order keeps them, and what in them makes it wait.
pub struct ContactCheck {
    /// The phone in E.164, when it is a valid number for the destination.
    pub phone_e164: Option<String>,
    /// The e-mail, normalised when it is valid, else as written.
    pub email: String,
    pub holds: Vec<FieldError>,
}

/// Checks the buyer's phone against the destination country and the e-mail (ORD-10): the
/// carrier must be able to call, the confirmation must be deliverable.
pub fn check_contact(phone: &str, email: &str, destination: &str) -> ContactCheck {
    let mut holds = Vec::new();
    let phone_e164 = normalise_phone(phone, destination);
    if phone.trim().is_empty() {
        holds.push(FieldError::new(
            "buyer.phone",
            "phone_missing",
            "buyer.phone is missing; ask the buyer for a phone number the carrier can call",
        ));
    } else if phone_e164.is_none() {
        let example = phone_example(destination);
        let message = format!(
            "buyer.phone '{}' is not a valid number for {destination}{}; ask the buyer for a reachable number with country code",
            phone.trim(),
            example.as_ref().map(|e| format!(" ({e})")).unwrap_or_default()
        );
        holds.push(
            FieldError::new("buyer.phone", "phone_invalid", message)
                .with("phone", phone.trim())
                .with("country", destination)
                .with("example", example.unwrap_or_default()),
        );
    }
    let email = match Email::parse(email) {
        Ok(e) => e.as_str().to_string(),
        Err(why) => {
            let message =
                format!("buyer.email {why}; ask the buyer for an address to send the confirmation to");
            holds.push(FieldError::new("buyer.email", "email_invalid", message).with("email", email.trim()));
            email.trim().to_string()
        }
    };
    ContactCheck { phone_e164, email, holds }
}

/// Validates an order. `skus` holds the merchant's SKUs by code; unknown codes are absent.
pub fn validate_order(
    i: &OrderInput,
    skus: &HashMap<String, SkuFacts>,
    settings: &TenantSettings,
    goods_rules: &[GoodsRule],
) -> Result<ValidatedOrder, Vec<FieldError>> {
    let mut reject = FieldErrors::new();
    let mut holds = FieldErrors::new();

    if !CHANNELS.contains(&i.channel.as_str()) {
        reject.add("channel", "unknown_channel", format!("channel must be one of: {}", CHANNELS.join(", ")));
    }
    let channel_order_id = i.channel_order_id.trim();
    if channel_order_id.is_empty() || channel_order_id.chars().count() > 100 {
        reject.add("channel_order_id", "required", "channel_order_id is required: the order's id in its channel, e.g. #1001 (at most 100 characters)");
    }
    if i.buyer.name.trim().is_empty() {
        reject.add("buyer.name", "required", "buyer.name is required, e.g. Jane Smith");
    }
    let currency = Currency::parse(&i.currency);
    if currency.is_none() {
        reject.add(
            "currency",
            "unknown_currency",
            "currency must be an ISO 4217 code, e.g. USD, EUR, GBP, CNY",
        );
    }
    let service = settings.service_level(&i.service_level);
    if service.is_none() {
        let codes: Vec<&str> = settings.service_levels.iter().map(|l| l.code.as_str()).collect();
        reject.add(
            "service_level",
            "unknown_service_level",
            format!("service_level must be one of: {}", codes.join(", ")),
        );
    }
    let carrier_service = i.carrier_service.trim();
    if carrier_service.len() > 40
        || !carrier_service.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        reject.add(
            "carrier_service",
            "invalid_service_code",
            "carrier_service is a carrier service code of up to 40 letters, digits, - and _, e.g. RM-T48",
        );
    }
    let reference = i.payment_reference.trim();
    if reference.len() > 255 || reference.chars().any(|c| c.is_whitespace() || c.is_control()) {
        reject.add(
            "payment_reference",
            "invalid_payment_reference",
            "payment_reference is the provider's id of the payment, e.g. pi_3MtwBwLkdIwHu7ix28a3tqPa (no spaces)",
        );
    }
    if i.payment_method.trim().is_empty() {
        reject.add(
            "payment_method",
            "required",
            "payment_method is required, e.g. card, paypal, bank_transfer, cash_on_delivery",
        );
    }
    let payment_status = PaymentStatus::parse(&i.payment_status);
    if payment_status.is_none() {
        let all: Vec<&str> = PaymentStatus::ALL.iter().map(|s| s.as_str()).collect();
        reject.add(
            "payment_status",
            "unknown_payment_status",
            format!("payment_status must be one of: {}", all.join(", ")),
        );
    }
    let destination = i.shipping_address.country.trim().to_ascii_uppercase();
    if !is_known_country(&destination) {
        reject.add(
            "shipping_address.country",
            "unknown_country",
            "shipping_address.country must be an ISO 3166-1 alpha-2 code, e.g. GB, US, DE",
        );
    }
    let billing = i.billing_country.trim().to_ascii_uppercase();
    if !billing.is_empty() && !is_known_country(&billing) {
        reject.add(
            "billing_country",
            "unknown_country",
            "billing_country is the card's or the buyer's billing country as ISO 3166-1 alpha-2, e.g. GB, or empty",
        );
    }
    for (field, v) in [
        ("shipping_fee_minor", i.shipping_fee_minor),
        ("tax_minor", i.tax_minor),
        ("total_minor", i.total_minor),
        ("paid_minor", i.paid_minor),
    ] {
        if let Err(e) = check_minor(v) {
            reject.add(field, e.code(), format!("{field} {e} (minor units, e.g. 1999 for 19.99)"));
        }
    }
    if i.lines.len() > MAX_LINES {
        reject.add(
            "lines",
            "too_many_lines",
            format!("an order may have at most {MAX_LINES} lines; split it into several orders"),
        );
    }

    // Lines, SKUs and goods rules.
    if i.lines.is_empty() {
        reject.add("lines", "required", "an order needs at least one line with sku and quantity");
    }
    let mut goods: Vec<(usize, &SkuFacts)> = Vec::new();
    // Sums are made only in a known currency; each step is checked (overflow is an error).
    let mut subtotal: Result<Option<Money>, MoneyError> = Ok(currency.map(Money::zero));
    for (n, l) in i.lines.iter().enumerate() {
        let f = |name: &str| format!("lines[{n}].{name}");
        if l.quantity <= 0 {
            reject.add(&f("quantity"), "not_positive", "quantity must be 1 or more");
        }
        if l.quantity > MAX_QUANTITY {
            reject.add(
                &f("quantity"),
                "quantity_too_large",
                format!("quantity must be at most {MAX_QUANTITY}"),
            );
        }
        if let Err(e) = check_minor(l.unit_price_minor) {
            reject.add(&f("unit_price_minor"), e.code(), format!("unit_price_minor {e}"));
        }
        if let Ok(Some(sum)) = subtotal {
            subtotal = Money::new(l.unit_price_minor.max(0), sum.currency())
                .and_then(|unit| unit.checked_mul(l.quantity.max(0)))
                .and_then(|amount| sum.checked_add(amount))
                .map(Some);
            if subtotal.is_err() {
                reject.add(
                    &f("unit_price_minor"),
                    "amount_too_large",
                    format!("the order's lines come to more than {MAX_AMOUNT_MINOR} minor units"),
                );
            }
        }
        match skus.get(l.sku.trim()) {
            None => reject.push(
                FieldError::new(
                    f("sku"),
                    "unknown_sku",
                    format!(
                        "SKU '{}' is not in this merchant's catalogue; add it first or correct the code",
                        l.sku.trim()
                    ),
                )
                .with("sku", l.sku.trim()),
            ),
            Some(s) if !s.active => reject.push(
                FieldError::new(
                    f("sku"),
                    "inactive_sku",
                    format!("SKU '{}' is inactive; reactivate it or choose another", l.sku.trim()),
                )
                .with("sku", l.sku.trim()),
            ),
            Some(s) => goods.push((n, s)),
        }
    }

    // Money reconciles exactly (ORD-8).
    let mut discount: Result<Option<Money>, MoneyError> = Ok(currency.map(Money::zero));
    for (n, d) in i.discounts.iter().enumerate() {
        let field = format!("discounts[{n}].amount_minor");
        if let Err(e) = check_minor(d.amount_minor) {
            let why = match e {
                MoneyError::Negative => "a discount is a positive amount to subtract".to_string(),
                _ => format!("{field} {e}"),
            };
            reject.add(&field, e.code(), why);
        }
        if let Ok(Some(sum)) = discount {
            discount =
                Money::new(d.amount_minor.max(0), sum.currency()).and_then(|a| sum.checked_add(a)).map(Some);
            if discount.is_err() {
                reject.add(
                    &field,
                    "amount_too_large",
                    format!("discounts come to more than {MAX_AMOUNT_MINOR} minor units"),
                );
            }
        }
    }
    let mut amounts = None;
    if let (Ok(Some(subtotal)), Ok(Some(discount)), true) = (subtotal, discount, reject.is_empty()) {
        // Every amount passed check_minor above, so these are within the limits.
        let c = subtotal.currency();
        let money = |minor: i64| Money::new(minor, c).unwrap_or_else(|e| unreachable!("checked above: {e}"));
        let (shipping_fee, tax, total, paid) =
            (money(i.shipping_fee_minor), money(i.tax_minor), money(i.total_minor), money(i.paid_minor));
        let expected_total = subtotal
            .checked_sub(discount)
            .and_then(|t| t.checked_add(shipping_fee))
            .and_then(|t| t.checked_add(tax));
        if discount > subtotal {
            reject.add(
                "discounts",
                "exceeds_subtotal",
                format!("discounts of {} exceed the lines' {}", discount.major(), subtotal.major()),
            );
        } else if expected_total != Ok(total) {
            let expected = expected_total.map_or_else(|e| format!("an amount that {e}"), Money::major);
            reject.push(FieldError::new(
                "total_minor",
                "total_mismatch",
                format!(
                    "total {} does not equal lines {} − discounts {} + shipping {} + tax {} = {}; correct the total or the lines",
                    total.major(),
                    subtotal.major(),
                    discount.major(),
                    shipping_fee.major(),
                    tax.major(),
                    expected
                ),
            )
            .with("total", total.major())
            .with("expected", &expected));
        }
        amounts = Some(Amounts { subtotal, discount, shipping_fee, tax, total, paid });
    }
    // Destination, goods and service: the rules a change of address or service runs again. They
    // run whenever their own inputs are usable, so one answer names every refusal.
    let mut shipping = None;
    let fee_and_total = currency
        .and_then(|c| Some((Money::new(i.shipping_fee_minor, c).ok()?, Money::new(i.total_minor, c).ok()?)));
    if let (Some((shipping_fee, total)), Some(service), true) =
        (fee_and_total, service, is_known_country(&destination))
    {
        let facts =
            ShippingFacts { address: &i.shipping_address, goods: &goods, service, shipping_fee, total };
        let mut check = check_shipping(&facts, settings, goods_rules);
        for e in &check.reject {
            reject.push(e.clone());
        }
        // Goods sent again for an after-sales request cost the buyer nothing: no fee is owed.
        if i.channel == "aftersales" {
            check.holds.retain(|h| h.code != "service_not_paid");
        }
        shipping = Some(check);
    }
    reject.clone().into_result()?;
    let a = amounts.unwrap_or_else(|| unreachable!("amounts are made whenever nothing was rejected"));
    let lines = goods
        .iter()
        .map(|(n, s)| {
            let l = &i.lines[*n];
            let unit_price = Money::new(l.unit_price_minor, a.total.currency())
                .unwrap_or_else(|e| unreachable!("checked above: {e}"));
            ValidatedLine {
                line_no: *n as u32 + 1,
                sku_id: s.id,
                sku: l.sku.trim().to_string(),
                name: s.name.clone(),
                variant: l.variant.trim().to_string(),
                quantity: l.quantity,
                unit_price,
            }
        })
        .collect();
    let shipping = shipping.unwrap_or_else(|| unreachable!("unknown service or country was rejected"));

    // What makes the order wait for the buyer (ORD-10).
    let contact = check_contact(&i.buyer.phone, &i.buyer.email, &destination);
    let (phone_e164, email) = (contact.phone_e164, contact.email);
    for h in contact.holds {
        holds.push(h);
    }
    let payment_status =
        payment_status.unwrap_or_else(|| unreachable!("an unknown payment status was rejected"));
    if payment_status != PaymentStatus::Paid || a.paid < a.total {
        holds.push(crate::payments::not_paid_hold(a.paid, a.total, payment_status));
    }
    let service = service.unwrap_or_else(|| unreachable!("an unknown service level was rejected"));
    for h in shipping.holds {
        holds.push(h);
    }
    let mut flags = Vec::new();
    if !i.remarks.trim().is_empty() {
        flags.push("remarks".to_string());
    }
    if service.special {
        flags.push("special_service".to_string());
    }
    Ok(ValidatedOrder {
        channel: i.channel.clone(),
        channel_order_id: channel_order_id.to_string(),
        currency: a.total.currency(),
        lines,
        subtotal: a.subtotal,
        discount: a.discount,
        shipping_fee: a.shipping_fee,
        tax: a.tax,
        total: a.total,
        paid: a.paid,
        payment_status,
        phone_e164,
        email,
        holds: holds.into_vec(),
        flags,
        second_review_due: shipping.second_review_due,
    })
}

#[cfg(test)]
mod tests;
