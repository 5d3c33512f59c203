//! The outbox relay: every message a use case wrote in its transaction becomes one delivery job
//! per channel and recipient (the buyer's e-mail, each of the merchant's endpoints that wants the
//! topic), in one transaction that also stamps the message dispatched, so
//! each message is fanned out exactly once, by whichever process gets it first.

use std::collections::{HashMap, HashSet};

use serde_json::json;
use tradeport_domain::jobs::JobKind;
use tradeport_domain::kernel::{Email, TenantId};
use tradeport_domain::notifications::BuyerMessage;
use tradeport_store::outbox::{self, OutboxRow};
use tradeport_store::webhooks;

use crate::{App, AppResult};

/// Most messages dispatched in one transaction.
const BATCH: u32 = 200;

/// The topic of a sweep's overdue steps, one message per department (SLA-2): e-mailed to the
/// department's staff, not to merchants' webhooks.
pub(crate) const SLA_OVERDUE: &str = "sla.overdue";
/// The month's supervision report is filed (KPI-1): e-mailed to the supervision group.
pub(crate) const SUPERVISION_REPORT: &str = "report.supervision";

/// Every topic a webhook endpoint can subscribe to: the buyer messages the product sends today,
/// then the merchant's own news (safety stock crossed, INV-5).
pub const TOPICS: [&str; 14] = [
    "order.confirmed",
    "order.on_hold",
    "order.cancelled",
    "order.rejected",
    "order.item_short",
    "shipment.shipped",
    "shipment.delayed",
    "order.refunded",
    "order.cannot_serve",
    "order.coupon_issued",
    STOCK_BELOW_SAFETY,
    STOCK_BACK_ABOVE_SAFETY,
    EXCEPTION_OPENED,
    AFTERSALES_REQUESTED,
];

/// Whether webhooks hear of `topic` (an endpoint's `*` means every topic here, never a buyer's
/// survey, whose links are the buyer's alone).
pub(crate) fn offered_to_webhooks(topic: &str) -> bool {
    TOPICS.contains(&topic)
}

/// A buyer, merchant or staff member filed an after-sales request (AFS-6).
pub const AFTERSALES_REQUESTED: &str = "aftersales.requested";
/// An exception case was opened on one of the merchant's orders (EXC-1).
pub const EXCEPTION_OPENED: &str = "exception.opened";
/// A SKU's available units in a warehouse fell below the merchant's safety stock.
pub const STOCK_BELOW_SAFETY: &str = "stock.below_safety";
/// They are back at or above it.
pub const STOCK_BACK_ABOVE_SAFETY: &str = "stock.back_above_safety";

/// Dispatches every waiting message; returns how many.
pub async fn relay_outbox(app: &App) -> AppResult<usize> {
    let mut total = 0;
    loop {
        let mut tx = app.db().begin().await?;
        let messages = outbox::take_undispatched_in_tx(&mut tx, BATCH).await?;
        let now = app.now();
        let jobs = delivery_jobs(app, &mut tx, &messages, now).await?;
        crate::jobs::enqueue_many_in_tx(app, &mut tx, jobs).await?;
        let ids: Vec<&str> = messages.iter().map(|m| m.id.as_str()).collect();
        outbox::mark_many_dispatched_in_tx(&mut tx, &ids, now).await?;
        tradeport_store::commit(tx).await?;
        total += messages.len();
        if messages.len() < BATCH as usize {
            return Ok(total);
        }
    }
}

/// The delivery jobs of a batch of messages: each merchant's endpoints and each operator's
/// opt-outs are read once for the batch, not once per message.
async fn delivery_jobs(
    app: &App,
    conn: &mut tradeport_store::AnyConnection,
    messages: &[OutboxRow],
    now: tradeport_domain::kernel::Millis,
) -> AppResult<Vec<(Option<TenantId>, JobKind, serde_json::Value, tradeport_domain::kernel::Millis)>> {
    let mut endpoints: HashMap<(TenantId, TenantId), Vec<webhooks::EndpointRow>> = HashMap::new();
    let mut planned = Vec::new();
    for m in messages {
        let tenant = m.tenant_id.parse::<TenantId>().ok();
        let merchant = m.merchant_id.as_deref().and_then(|id| id.parse::<TenantId>().ok());
        let mut hooks = Vec::new();
        if let (Some(t), Some(merchant)) = (tenant, merchant) {
            let known = match endpoints.entry((t, merchant)) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(webhooks::list(conn, t, Some(merchant)).await?)
                }
            };
            hooks = known
                .iter()
                .filter(|e| offered_to_webhooks(&m.topic) && e.wants(&m.topic))
                .map(|e| {
                    (JobKind::DeliverWebhook, json!({ "outbox_id": m.id, "endpoint_id": e.id.to_string() }))
                })
                .collect();
        }
        for (kind, payload) in deliveries(m, app.sms().is_some()).into_iter().chain(hooks) {
            // A buyer who opted out hears nothing (SLA-3); staff and merchants still do.
            let to_buyer = BuyerMessage::from_topic(&m.topic).is_some()
                && matches!(kind, JobKind::DeliverEmail | JobKind::DeliverSms);
            let buyer = payload["to"].as_str().filter(|_| to_buyer).map(str::to_ascii_lowercase);
            planned.push((tenant, kind, payload, buyer));
        }
    }
    let mut opted_out: HashMap<TenantId, HashSet<String>> = HashMap::new();
    let tenants: HashSet<TenantId> = planned.iter().filter(|p| p.3.is_some()).filter_map(|p| p.0).collect();
    for t in tenants {
        let addresses: Vec<String> =
            planned.iter().filter(|p| p.0 == Some(t)).filter_map(|p| p.3.clone()).collect();
        opted_out.insert(t, tradeport_store::opt_outs::among(conn, t, &addresses).await?);
    }
    Ok(planned
        .into_iter()
        .filter(|(tenant, _, _, buyer)| match (tenant, buyer) {
            (Some(t), Some(to)) => !opted_out.get(t).is_some_and(|out| out.contains(to)),
            _ => true,
        })
        .map(|(tenant, kind, payload, _)| (tenant, kind, payload, now))
        .collect())
}

/// The delivery jobs of one message: to each staff member a sweep names; for a message buyers
/// hear of, an e-mail to the buyer when the buyer has a usable address and a text message to the
/// buyer's phone when an SMS provider is configured (`texting`).
fn deliveries(m: &OutboxRow, texting: bool) -> Vec<(JobKind, serde_json::Value)> {
    let payload: serde_json::Value = serde_json::from_str(&m.payload).unwrap_or_default();
    let mut out = Vec::new();
    if m.topic == SLA_OVERDUE || m.topic == SUPERVISION_REPORT {
        let recipients = payload["recipients"].as_array().cloned().unwrap_or_default();
        for to in recipients.iter().filter_map(|r| Email::parse(r.as_str()?).ok()) {
            out.push((
                JobKind::DeliverEmail,
                json!({
                    "outbox_id": m.id,
                    "topic": m.topic,
                    "to": to.as_str(),
                    "language": payload["language"].as_str().unwrap_or("en"),
                    "event_at": m.created_at,
                    "details": payload,
                }),
            ));
        }
    }
    if BuyerMessage::from_topic(&m.topic).is_none() {
        return out;
    }
    let buyer_job = |to: &str| {
        json!({
            "outbox_id": m.id,
            "topic": m.topic,
            "order_id": m.subject_id,
            "to": to,
            "language": payload["language"].as_str().unwrap_or("en"),
            "event_at": m.created_at,
            "refund_id": payload["refund_id"],
            "new_estimate": payload["new_estimate"],
            "offer": payload["offer"],
            "coupon": payload["coupon"],
            "survey_token": payload["survey_token"],
        })
    };
    if texting && let Some(phone) = payload["buyer_phone"].as_str().filter(|p| p.starts_with('+')) {
        out.push((JobKind::DeliverSms, buyer_job(phone)));
    }
    if let Ok(to) = Email::parse(payload["buyer_email"].as_str().unwrap_or_default()) {
        out.push((JobKind::DeliverEmail, buyer_job(to.as_str())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_webhook_hears_of_a_survey_whatever_it_subscribed_to() {
        assert!(!offered_to_webhooks(BuyerMessage::SatisfactionSurvey.topic()));
        assert!(!offered_to_webhooks(SLA_OVERDUE), "staff news stays with staff");
        assert!(!offered_to_webhooks(SUPERVISION_REPORT), "so does the supervision report");
        assert!(TOPICS.iter().all(|t| offered_to_webhooks(t)));
    }

    #[test]
    fn webhooks_may_subscribe_to_every_buyer_message_the_product_sends() {
        // Not the survey: its links are the buyer's alone.
        let sent: Vec<&str> = BuyerMessage::ALL
            .iter()
            .filter(|m| m.is_sent() && **m != BuyerMessage::SatisfactionSurvey)
            .map(|m| m.topic())
            .collect();
        assert_eq!(TOPICS[..sent.len()].to_vec(), sent);
        assert_eq!(
            TOPICS[sent.len()..],
            [STOCK_BELOW_SAFETY, STOCK_BACK_ABOVE_SAFETY, EXCEPTION_OPENED, AFTERSALES_REQUESTED],
            "then the merchant's news"
        );
    }
}
