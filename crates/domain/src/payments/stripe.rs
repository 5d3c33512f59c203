//! Stripe's events, as Stripe documents them: `{"id": "evt_…", "object": "event", "type": …,
//! "created": <seconds>, "data": {"object": …}}`, where the object is the PaymentIntent
//! (`payment_intent.*`), the Charge (`charge.succeeded`, `charge.captured`, `charge.refunded`) or
//! the Dispute (`charge.dispute.*`). Amounts are integers in the currency's smallest unit (the
//! same as Tradeport's minor units, zero-decimal currencies included); currencies are lower case.
//! Charges and disputes name their PaymentIntent in `payment_intent`, as an id or expanded.

use serde_json::Value;

use super::facts::{DisputeStatus, PaymentChange, PaymentEvent};
use crate::kernel::Millis;

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn amount(v: &Value, key: &str) -> Result<i64, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(0),
        Some(n) => n
            .as_i64()
            .filter(|a| *a >= 0)
            .ok_or_else(|| format!("data.object.{key} must be a whole number of minor units")),
    }
}

/// A dispute's status in Stripe's words, as Tradeport keeps it.
fn dispute_status(event_type: &str, status: &str) -> DisputeStatus {
    match (event_type, status) {
        (_, "won" | "warning_closed") | ("charge.dispute.funds_reinstated", _) => DisputeStatus::Won,
        (_, "lost") => DisputeStatus::Lost,
        _ => DisputeStatus::Open,
    }
}

/// Reads a Stripe event. An event of a type Tradeport does not act on reads with no change.
pub fn stripe_event(body: &[u8]) -> Result<PaymentEvent, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let event_id = text(&v, "id");
    if text(&v, "object") != "event" || !event_id.starts_with("evt_") {
        return Err("the body is not a Stripe event (object \"event\", id \"evt_…\")".into());
    }
    let event_type = text(&v, "type");
    let created = v.get("created").and_then(Value::as_i64).ok_or("the event has no `created` time")?;
    let object = v.pointer("/data/object").filter(|o| o.is_object()).ok_or("the event has no data.object")?;
    let kind = text(object, "object");
    let reference = match kind {
        "payment_intent" => text(object, "id").to_string(),
        _ => match object.get("payment_intent") {
            Some(Value::String(pi)) => pi.clone(),
            Some(pi @ Value::Object(_)) => text(pi, "id").to_string(),
            _ => text(object, "id").to_string(),
        },
    };
    let reason = |fallback: &str| {
        let error = object.pointer("/last_payment_error/message").and_then(Value::as_str);
        let cancelled = object.get("cancellation_reason").and_then(Value::as_str);
        error.or(cancelled).unwrap_or(fallback).to_string()
    };
    let change = match (kind, event_type) {
        (
            "payment_intent",
            "payment_intent.created" | "payment_intent.processing" | "payment_intent.requires_action",
        ) => Some(PaymentChange::Pending { amount: amount(object, "amount")? }),
        ("payment_intent", "payment_intent.amount_capturable_updated") => {
            Some(PaymentChange::Authorised { amount: amount(object, "amount_capturable")? })
        }
        ("payment_intent", "payment_intent.succeeded" | "payment_intent.partially_funded") => {
            Some(PaymentChange::Captured { amount: amount(object, "amount_received")? })
        }
        ("payment_intent", "payment_intent.payment_failed") => {
            Some(PaymentChange::Failed { reason: reason("the payment failed") })
        }
        ("payment_intent", "payment_intent.canceled") => {
            Some(PaymentChange::Failed { reason: format!("cancelled: {}", reason("no reason given")) })
        }
        ("charge", "charge.succeeded" | "charge.captured")
            if object.get("captured") != Some(&Value::Bool(false)) =>
        {
            Some(PaymentChange::Captured { amount: amount(object, "amount_captured")? })
        }
        ("charge", "charge.refunded") => {
            Some(PaymentChange::Refunded { amount: amount(object, "amount_refunded")? })
        }
        ("dispute", t) if t.starts_with("charge.dispute.") => Some(PaymentChange::Dispute {
            status: dispute_status(t, text(object, "status")),
            amount: amount(object, "amount")?,
            reason: text(object, "reason").to_string(),
        }),
        _ => None,
    };
    // A change needs the payment it is about; an object without one is kept, not acted on.
    let change = change.filter(|_| !reference.is_empty());
    let currency = text(object, "currency").trim().to_ascii_uppercase();
    let order_hint = object.pointer("/metadata/order_id").and_then(Value::as_str).map(str::trim);
    Ok(PaymentEvent {
        event_id: event_id.to_string(),
        event_type: event_type.to_string(),
        at: Millis(created.saturating_mul(1000)),
        reference,
        alias: None,
        order_hint: order_hint.filter(|h| !h.is_empty()).map(String::from),
        currency: (!currency.is_empty()).then_some(currency),
        change,
    })
}
