//! PayPal's webhook events, as PayPal documents them: `{"id": "WH-…", "event_type": …,
//! "create_time": RFC 3339, "resource_type": …, "resource": …}`. Amounts are
//! `{"currency_code": "USD", "value": "30.00"}`, decimals in major units.
//!
//! A payment is known by its capture once captured (the id a settlement report, a refund and a
//! dispute name), and by its checkout order before (the id a buyer approves); a capture names its
//! order in `supplementary_data.related_ids.order_id`, so the order id becomes its alias:
//! - `CHECKOUT.ORDER.APPROVED` / `…COMPLETED` (an order): authorised for its purchase units, or
//!   captured when it carries its captures;
//! - `PAYMENT.CAPTURE.COMPLETED` / `PENDING` / `DENIED` / `DECLINED` (a capture);
//! - `PAYMENT.CAPTURE.REFUNDED` / `REVERSED` (a refund, whose `up` link is its capture; the
//!   capture's refunds so far are in `seller_payable_breakdown.total_refunded_amount`);
//! - `CUSTOMER.DISPUTE.CREATED` / `UPDATED` / `RESOLVED` (a dispute over
//!   `disputed_transactions[].seller_transaction_id`, a capture).
//!
//! The merchant's own order is `custom_id`, as Tradeport sets it when it creates the payment.

use serde_json::Value;

use super::facts::{DisputeStatus, PaymentChange, PaymentEvent};
use crate::kernel::{Currency, Millis, Money};

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).map(str::trim).unwrap_or_default()
}

/// A PayPal money object in minor units, and its currency; `None` when there is none.
fn optional_money(v: Option<&Value>, what: &str) -> Result<Option<(i64, String)>, String> {
    match v.filter(|v| v.is_object()) {
        Some(v) => money(Some(v), what).map(Some),
        None => Ok(None),
    }
}

/// A PayPal money object in minor units, and its currency.
fn money(v: Option<&Value>, what: &str) -> Result<(i64, String), String> {
    let Some(v) = v.filter(|v| v.is_object()) else { return Err(format!("the event has no {what}")) };
    let code = text(v, "/currency_code").to_ascii_uppercase();
    let currency =
        Currency::parse(&code).ok_or_else(|| format!("{what}.currency_code '{code}' is not ISO 4217"))?;
    let value = text(v, "/value");
    let m = Money::parse_major(value, currency)
        .map_err(|_| format!("{what}.value '{value}' is not an amount in {code}"))?;
    Ok((m.minor(), code))
}

/// The last path segment of the link `rel`.
fn linked_id<'a>(resource: &'a Value, rel: &str) -> &'a str {
    resource
        .get("links")
        .and_then(Value::as_array)
        .and_then(|links| links.iter().find(|l| text(l, "/rel") == rel))
        .map(|l| text(l, "/href").rsplit('/').next().unwrap_or_default())
        .unwrap_or_default()
}

fn millis(rfc3339: &str) -> Option<Millis> {
    rfc3339.parse::<jiff::Timestamp>().ok().map(|t| Millis(t.as_millisecond()))
}

/// A dispute's standing from its `status` and `dispute_outcome.outcome_code`.
fn dispute_status(status: &str, outcome: &str) -> DisputeStatus {
    match (status, outcome) {
        (_, "RESOLVED_SELLER_FAVOUR" | "CANCELED_BY_BUYER" | "DENIED") => DisputeStatus::Won,
        (_, "RESOLVED_BUYER_FAVOUR" | "RESOLVED_WITH_PAYOUT" | "ACCEPTED" | "REFUNDED") => {
            DisputeStatus::Lost
        }
        _ => DisputeStatus::Open,
    }
}

/// What an event says, the payment's reference, its alias and the merchant's order.
struct ReadEvent {
    change: Option<PaymentChange>,
    reference: String,
    alias: Option<String>,
    currency: String,
    order_hint: String,
}

/// A checkout order: authorised for its purchase units, or captured when it carries captures.
fn order(r: &Value) -> Result<ReadEvent, String> {
    let units = r.get("purchase_units").and_then(Value::as_array).cloned().unwrap_or_default();
    let captures: Vec<&Value> = units
        .iter()
        .filter_map(|u| u.pointer("/payments/captures").and_then(Value::as_array))
        .flatten()
        .collect();
    let mut currency = String::new();
    let mut total = 0;
    for u in &units {
        let (amount, code) = money(u.get("amount"), "purchase_units[].amount")?;
        if !currency.is_empty() && currency != code {
            return Err("the order's purchase units are in more than one currency".into());
        }
        total += amount;
        currency = code;
    }
    let order_id = text(r, "/id").to_string();
    let order_hint = units.first().map(|u| text(u, "/custom_id").to_string()).unwrap_or_default();
    let completed: Vec<&&Value> = captures.iter().filter(|c| text(c, "/status") == "COMPLETED").collect();
    if let Some(first) = captures.first() {
        let mut captured = 0;
        for c in &completed {
            captured += money(c.get("amount"), "captures[].amount")?.0;
        }
        let change = (!completed.is_empty()).then_some(PaymentChange::Captured { amount: captured });
        let reference = text(first, "/id").to_string();
        return Ok(ReadEvent { change, reference, alias: Some(order_id), currency, order_hint });
    }
    let change = match text(r, "/status") {
        "APPROVED" | "COMPLETED" => Some(PaymentChange::Authorised { amount: total }),
        "CREATED" | "SAVED" | "PAYER_ACTION_REQUIRED" => Some(PaymentChange::Pending { amount: total }),
        "VOIDED" => Some(PaymentChange::Failed { reason: "the order was voided".into() }),
        _ => None,
    };
    Ok(ReadEvent { change, reference: order_id, alias: None, currency, order_hint })
}

/// A capture, by the event that reports it.
fn capture(r: &Value, event_type: &str) -> Result<ReadEvent, String> {
    let (amount, currency) = optional_money(r.get("amount"), "resource.amount")?.unwrap_or_default();
    if currency.is_empty() && matches!(event_type, "PAYMENT.CAPTURE.COMPLETED" | "PAYMENT.CAPTURE.PENDING") {
        return Err(format!("{event_type} has no resource.amount"));
    }
    let reason = || {
        let why = text(r, "/status_details/reason");
        if why.is_empty() { "PayPal declined the capture".to_string() } else { format!("PayPal: {why}") }
    };
    let change = match event_type {
        "PAYMENT.CAPTURE.COMPLETED" => Some(PaymentChange::Captured { amount }),
        "PAYMENT.CAPTURE.PENDING" => Some(PaymentChange::Pending { amount }),
        "PAYMENT.CAPTURE.DENIED" | "PAYMENT.CAPTURE.DECLINED" => {
            Some(PaymentChange::Failed { reason: reason() })
        }
        _ => None,
    };
    let order = text(r, "/supplementary_data/related_ids/order_id");
    let order = if order.is_empty() { linked_id(r, "up") } else { order };
    Ok(ReadEvent {
        change,
        reference: text(r, "/id").to_string(),
        alias: Some(order.to_string()).filter(|o| !o.is_empty()),
        currency,
        order_hint: text(r, "/custom_id").to_string(),
    })
}

/// A refund (or a reversal) of a capture: what the capture has given back so far.
fn refund(r: &Value) -> Result<ReadEvent, String> {
    let (this, currency) = money(r.get("amount"), "resource.amount")?;
    let total = r.pointer("/seller_payable_breakdown/total_refunded_amount");
    let so_far = optional_money(total, "total_refunded_amount")?.map_or(0, |(m, _)| m);
    let done = matches!(text(r, "/status"), "COMPLETED" | "");
    Ok(ReadEvent {
        change: done.then_some(PaymentChange::Refunded { amount: so_far.max(this) }),
        reference: linked_id(r, "up").to_string(),
        alias: None,
        currency,
        order_hint: text(r, "/custom_id").to_string(),
    })
}

/// A dispute over a capture.
fn dispute(r: &Value) -> Result<ReadEvent, String> {
    let (amount, currency) = money(r.get("dispute_amount"), "resource.dispute_amount")?;
    let transaction = r
        .get("disputed_transactions")
        .and_then(Value::as_array)
        .and_then(|ts| ts.first())
        .cloned()
        .unwrap_or(Value::Null);
    Ok(ReadEvent {
        change: Some(PaymentChange::Dispute {
            status: dispute_status(text(r, "/status"), text(r, "/dispute_outcome/outcome_code")),
            amount,
            reason: text(r, "/reason").to_string(),
        }),
        reference: text(&transaction, "/seller_transaction_id").to_string(),
        alias: None,
        currency,
        order_hint: text(&transaction, "/custom").to_string(),
    })
}

/// Reads a PayPal event. An event of a type Tradeport does not act on reads with no change.
pub fn paypal_event(body: &[u8]) -> Result<PaymentEvent, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let event_id = text(&v, "/id");
    let event_type = text(&v, "/event_type");
    if !event_id.starts_with("WH-") || event_type.is_empty() {
        return Err("the body is not a PayPal webhook event (id \"WH-…\" and an event_type)".into());
    }
    let resource = v.get("resource").filter(|r| r.is_object()).ok_or("the event has no resource")?;
    let read = match (text(&v, "/resource_type"), event_type) {
        ("checkout-order", _) => order(resource)?,
        ("capture", t) => capture(resource, t)?,
        ("refund", "PAYMENT.CAPTURE.REFUNDED" | "PAYMENT.CAPTURE.REVERSED") => refund(resource)?,
        ("dispute", t) if t.starts_with("CUSTOMER.DISPUTE.") => dispute(resource)?,
        _ => ReadEvent {
            change: None,
            reference: String::new(),
            alias: None,
            currency: String::new(),
            order_hint: String::new(),
        },
    };
    let at = millis(text(resource, "/update_time"))
        .or_else(|| millis(text(&v, "/create_time")))
        .ok_or("the event has no create_time")?;
    Ok(PaymentEvent {
        event_id: event_id.to_string(),
        event_type: event_type.to_string(),
        at,
        change: read.change.filter(|_| !read.reference.is_empty()),
        reference: read.reference,
        alias: read.alias,
        order_hint: Some(read.order_hint).filter(|h| !h.is_empty()),
        currency: Some(read.currency).filter(|c| !c.is_empty()),
    })
}
