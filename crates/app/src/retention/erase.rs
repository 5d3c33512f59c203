//! Erasing one order's personal data (DONE-3): the buyer's name, e-mail, phone and address on the
//! order; what the buyer's values left in the recorded texts about it (its events, its tickets'
//! and after-sales requests' events, the payment providers' messages); the tickets' conversation
//! and attachments; the after-sales descriptions; the messages sent about it; and its archived
//! package. All in one transaction under the order's lock, recorded by a `personal_data_erased`
//! event. Each erased string of an event keeps its digest in its place (`audit::erased_leaf`),
//! so the audit chain still proves every event and nothing but a blank can be put in.

use serde::Serialize;
use tradeport_domain::access::Actor;
use tradeport_domain::audit::legacy_link_hash;
use tradeport_domain::kernel::{Address, Millis, OrderId, TenantId};
use tradeport_domain::retention::{ERASED, erased_address, personal_values, redact_json, redact_text};
use tradeport_store::retention::erase;

use crate::{App, AppError, AppResult};

/// Why the data goes.
#[derive(Clone, Debug)]
pub(crate) enum Cause {
    /// An approved deletion proposal (its id).
    Retention(String),
    /// The buyer's own request (the SHA-256 of the identifier they gave).
    Request(String),
}

/// What was erased for one order.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct OrderErasure {
    pub order_id: String,
    /// Events whose data or reason named the buyer, rewritten.
    pub events: usize,
    /// Events naming the buyer sealed before erasure existed: their link covers the text itself,
    /// so they are left as they are.
    pub events_sealed_unchanged: usize,
    pub ticket_messages: u64,
    pub attachments: usize,
    pub aftersales_requests: u64,
    pub payment_events: usize,
    /// Messages (e-mails, webhooks, texts) about the order deleted.
    pub messages: u64,
    /// Whether the archived package was deleted.
    pub archive_package: bool,
}

/// What happened to one order.
pub(crate) enum Outcome {
    Erased(OrderErasure),
    /// A legal hold keeps it.
    OnHold,
    /// Erased before.
    AlreadyErased,
}

/// Erases order `id`'s personal data, unless a legal hold keeps it.
pub(crate) async fn erase_order(
    app: &App,
    operator: TenantId,
    id: OrderId,
    actor: Actor,
    cause: &Cause,
) -> AppResult<Outcome> {
    // Events are sealed before they are rewritten, so the chain holds what they said and the
    // erased strings keep their digests; sealed again after, so the erasure record is in the chain too.
    crate::audit::seal_operator(app, operator, false).await?;
    let mut tx = app.begin().await?;
    let order = tradeport_store::orders::lock_in_tx(&mut tx, operator, None, id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    if tradeport_store::retention::hold(&mut tx, operator, id).await?.is_some() {
        tx.commit().await?;
        return Ok(Outcome::OnHold);
    }
    let buyer = erase::buyer_fields(&mut tx, operator, id).await?.ok_or(AppError::NotFound("order"))?;
    if buyer.personal_data_erased_at.is_some() {
        tx.commit().await?;
        return Ok(Outcome::AlreadyErased);
    }
    let address: Address = serde_json::from_str(&buyer.shipping_address).unwrap_or_default();
    let phones = [buyer.buyer_phone.as_str(), buyer.buyer_phone_e164.as_deref().unwrap_or_default()];
    let values = personal_values(&buyer.buyer_name, &buyer.buyer_email, &phones, &address);
    let now = app.now().0;
    let mut done = OrderErasure { order_id: id.to_string(), ..OrderErasure::default() };

    let erased =
        serde_json::to_string(&erased_address(&address)).map_err(|e| AppError::Internal(e.to_string()))?;
    // Why it was held names the buyer's phone, e-mail or postcode, in words and in its values.
    let holds = redact_json(&order.holds, &values).unwrap_or(order.holds);
    erase::erase_order_in_tx(&mut tx, operator, id, (ERASED, &erased, &holds), now).await?;
    let (tickets, requests) = erase::related_subjects(&mut tx, operator, id).await?;
    let subjects: Vec<String> =
        [id.to_string()].into_iter().chain(tickets.iter().cloned()).chain(requests).collect();
    (done.events, done.events_sealed_unchanged) =
        redact_events(&mut tx, operator, &subjects, &values).await?;
    for p in erase::payment_bodies(&mut tx, operator, id).await? {
        if let Some(body) = redact_json(&p.text, &values) {
            erase::set_payment_body_in_tx(&mut tx, &p.id, &body).await?;
            done.payment_events += 1;
        }
    }
    let (messages, unused_attachments) =
        erase::erase_tickets_in_tx(&mut tx, operator, &tickets, ERASED).await?;
    done.ticket_messages = messages;
    done.attachments = unused_attachments.len();
    done.aftersales_requests = erase::erase_requests_in_tx(&mut tx, operator, id, ERASED).await?;
    done.messages = erase::delete_messages_in_tx(&mut tx, operator, &subjects).await?;
    let package = erase::erase_archive_in_tx(&mut tx, operator, id, now).await?;
    done.archive_package = package.is_some();

    let (why, reference) = match cause {
        Cause::Retention(proposal) => ("retention_ended", serde_json::json!({"proposal_id": proposal})),
        Cause::Request(subject) => ("buyer_request", serde_json::json!({"subject_sha256": subject})),
    };
    let data = serde_json::json!({"cause": why, "reference": reference, "erased": done});
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(crate::parse_id(&buyer.merchant_id, "merchant")?),
        reason: Some("the buyer's personal data is erased; the order's facts and figures remain"),
        data: data.to_string(),
        ..app.event(actor, "order", id, "personal_data_erased")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    // The files go once the rows say they are gone (a package marked erased is never served).
    for sha in package.iter().chain(&unused_attachments) {
        delete_blob(app, sha).await?;
    }
    crate::audit::seal_operator(app, operator, false).await?;
    Ok(Outcome::Erased(done))
}

/// Rewrites the events of `subjects` whose data or reason holds any of `values`, each such string
/// by its erased form (its digest), so each event's link still proves it. An event sealed before
/// erasure existed (its link covers the text itself) is left as it is and counted.
pub(crate) async fn redact_events(
    tx: &mut tradeport_store::AnyConnection,
    operator: TenantId,
    subjects: &[String],
    values: &[String],
) -> AppResult<(usize, usize)> {
    let (mut rewritten, mut kept) = (0, 0);
    for (e, link) in erase::events_of(tx, operator, subjects).await? {
        let data = redact_json(&e.data, values);
        let reason = e.reason.as_deref().and_then(|r| redact_text(r, values));
        if data.is_none() && reason.is_none() {
            continue;
        }
        if link.is_some_and(|(prev, hash)| legacy_link_hash(&prev, &e.fields()) == hash) {
            kept += 1;
            continue;
        }
        let data = data.unwrap_or_else(|| e.data.clone());
        erase::set_event_in_tx(tx, &e.id, &data, reason.as_deref().or(e.reason.as_deref())).await?;
        rewritten += 1;
    }
    Ok((rewritten, kept))
}

pub(crate) async fn delete_blob(app: &App, sha256: &str) -> AppResult<()> {
    let store = app.blobs()?.clone();
    let sha = sha256.to_string();
    tokio::task::spawn_blocking(move || store.delete(&sha))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(())
}

/// RFC 3339 of a stored time.
pub(crate) fn when(at: i64) -> String {
    crate::warehouse::rfc3339(Millis(at))
}
