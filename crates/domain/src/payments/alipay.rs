//! Alipay's cross-border notifications (Antom, the `/ams/api` API), as its SDKs model them.
//! Amounts are `{"currency": "USD", "value": "1000"}`, the value a string of minor units.
//! - `notifyPayment` (`notifyType` `PAYMENT_RESULT` or `PAYMENT_PENDING`): `result.resultStatus`
//!   `S` paid (or still processing, when pending), `F` failed; names the merchant's
//!   `paymentRequestId` and Alipay's `paymentId`;
//! - `notifyRefund` (`REFUND_RESULT`): one refund, `refundStatus` `SUCCESS` or `FAIL`. It does not
//!   name its payment: Tradeport asks its refunds as `<paymentRequestId>-r<n>`, so a refund it
//!   asked for finds its payment, and one made elsewhere is kept, not acted on;
//! - `notifyDispute` (no `notifyType`): `disputeNotificationType` with `disputeJudgedResult`.
//!
//! The notifications carry no id of their own and are sent again until acknowledged, so each is
//! known by what it reports (the type, the payment, refund or dispute, and its outcome): a resend
//! is the same event.

use serde_json::Value;

use super::facts::{DisputeStatus, PaymentChange, PaymentEvent};
use crate::kernel::{Currency, Millis};

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).map(str::trim).unwrap_or_default()
}

/// An Antom amount in minor units, and its currency.
fn amount(v: &Value, key: &str) -> Result<(i64, String), String> {
    let Some(a) = v.get(key).filter(|a| a.is_object()) else { return Ok((0, String::new())) };
    let code = text(a, "/currency").to_ascii_uppercase();
    if Currency::parse(&code).is_none() {
        return Err(format!("{key}.currency '{code}' is not ISO 4217"));
    }
    let value = text(a, "/value");
    let minor = value
        .parse::<i64>()
        .ok()
        .filter(|m| *m >= 0)
        .ok_or_else(|| format!("{key}.value '{value}' is not a whole number of minor units"))?;
    Ok((minor, code))
}

fn millis(v: &Value, keys: &[&str]) -> Option<Millis> {
    keys.iter()
        .filter_map(|k| v.get(*k).and_then(Value::as_str))
        .find_map(|t| t.parse::<jiff::Timestamp>().ok())
        .map(|t| Millis(t.as_millisecond()))
}

/// The refund request id Tradeport asks Alipay with: the payment request it refunds, `-tpr`, and
/// the last sixteen letters or digits of the refund's own key (at most 64 characters, as Alipay
/// allows).
pub fn alipay_refund_request_id(payment_request_id: &str, refund_key: &str) -> String {
    let tail: String = refund_key.chars().filter(char::is_ascii_alphanumeric).collect();
    let tail = format!("{:0>16}", &tail[tail.len().saturating_sub(16)..]);
    format!("{payment_request_id}{REFUND_MARK}{tail}")
}

const REFUND_MARK: &str = "-tpr";

/// The payment request a refund request Tradeport made belongs to; empty for a refund asked
/// elsewhere (in Alipay's console), which Tradeport cannot tie to a payment.
fn payment_of_refund(refund_request_id: &str) -> &str {
    match refund_request_id.rsplit_once(REFUND_MARK) {
        Some((payment, tail))
            if !payment.is_empty() && tail.len() == 16 && tail.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            payment
        }
        _ => "",
    }
}

/// A dispute's standing from its notification type and, once judged, the judgement.
fn dispute_status(kind: &str, judged: &str) -> DisputeStatus {
    match (kind, judged) {
        ("DISPUTE_CANCELLED", _) | (_, "ACCEPT_BY_CUSTOMER" | "VALIDATE_FAIL") => DisputeStatus::Won,
        ("DISPUTE_ACCEPTED", _) | (_, "ACCEPT_BY_MERCHANT" | "VALIDATE_SUCCESS") => DisputeStatus::Lost,
        _ => DisputeStatus::Open,
    }
}

/// Reads an Antom notification; `received_at` stands in when it names no time.
pub fn alipay_event(body: &[u8], received_at: Millis) -> Result<PaymentEvent, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    if !v.is_object() {
        return Err("the body is not an Alipay notification".into());
    }
    let notify_type = text(&v, "/notifyType");
    let payment_request = text(&v, "/paymentRequestId");
    let payment_id = text(&v, "/paymentId");
    let status = text(&v, "/result/resultStatus");
    let (event_id, reference, change, currency, at) = match notify_type {
        "PAYMENT_RESULT" | "PAYMENT_PENDING" => {
            let (minor, currency) = amount(&v, "paymentAmount")?;
            let change = match (notify_type, status) {
                ("PAYMENT_RESULT", "S") => Some(PaymentChange::Captured { amount: minor }),
                ("PAYMENT_PENDING", "S") => Some(PaymentChange::Pending { amount: minor }),
                (_, "F") => {
                    let why = text(&v, "/result/resultMessage");
                    let code = text(&v, "/result/resultCode");
                    Some(PaymentChange::Failed { reason: format!("Alipay: {code} {why}").trim().to_string() })
                }
                _ => None,
            };
            let id = format!("{notify_type}:{payment_request}:{payment_id}:{status}");
            (id, payment_request, change, currency, millis(&v, &["paymentTime", "paymentCreateTime"]))
        }
        "REFUND_RESULT" => {
            let (minor, currency) = amount(&v, "refundAmount")?;
            let refund_request = text(&v, "/refundRequestId");
            let refund_id = text(&v, "/refundId");
            let refund_status = text(&v, "/refundStatus");
            let change = (refund_status == "SUCCESS").then(|| PaymentChange::RefundedPart {
                refund_id: if refund_id.is_empty() {
                    refund_request.to_string()
                } else {
                    refund_id.to_string()
                },
                amount: minor,
            });
            let id = format!("REFUND_RESULT:{refund_request}:{refund_id}:{refund_status}");
            (id, payment_of_refund(refund_request), change, currency, millis(&v, &["refundTime"]))
        }
        "" if !text(&v, "/disputeId").is_empty() => {
            let (minor, currency) = amount(&v, "disputeAmount")?;
            let kind = text(&v, "/disputeNotificationType");
            let judged = text(&v, "/disputeJudgedResult");
            let change = Some(PaymentChange::Dispute {
                status: dispute_status(kind, judged),
                amount: minor,
                reason: [text(&v, "/disputeReasonCode"), text(&v, "/disputeReasonMsg")]
                    .join(" ")
                    .trim()
                    .to_string(),
            });
            let id = format!("DISPUTE:{}:{kind}:{judged}", text(&v, "/disputeId"));
            let at = millis(&v, &["disputeJudgedTime", "disputeAcceptTime", "disputeTime"]);
            (id, payment_request, change, currency, at)
        }
        _ => return Err("the body is not an Alipay notification (notifyType or disputeId)".into()),
    };
    let event_type = if notify_type.is_empty() { "DISPUTE".to_string() } else { notify_type.to_string() };
    Ok(PaymentEvent {
        event_id,
        event_type,
        at: at.unwrap_or(received_at),
        change: change.filter(|_| !reference.is_empty()),
        reference: reference.to_string(),
        alias: Some(payment_id.to_string()).filter(|p| !p.is_empty()),
        order_hint: None,
        currency: Some(currency).filter(|c| !c.is_empty()),
    })
}
