//! Which payment an event is about. Stripe and Alipay name a payment by one reference from the
//! start; PayPal names it by its checkout order until it is captured and by its capture after (the
//! id its refunds, disputes and settlement report use), and a capture's event names both. So a
//! payment is kept under its latest reference with the other id as its alias, found by either, and
//! when events about one payment came under both ids before one named both (a refund before its
//! capture's event), the two records are folded into one: the facts merged, the events moved.

use tradeport_domain::payments::{PaymentEvent, PaymentFacts};
use tradeport_store::payments::rows::{self as payment_rows, PaymentRow};

use crate::{AppResult, UnitOfWork};

fn facts_of(p: &PaymentRow) -> PaymentFacts {
    serde_json::from_str(&p.facts).unwrap_or_default()
}

fn alias_of(e: &PaymentEvent) -> Option<&str> {
    e.alias.as_deref().filter(|a| !a.is_empty() && *a != e.reference)
}

/// The event's payment as known now (by its reference, else by the other id it names); a read,
/// to find the order to lock first.
async fn known_payment(
    tx: &mut UnitOfWork,
    account: &str,
    e: &PaymentEvent,
) -> AppResult<Option<PaymentRow>> {
    if let Some(p) = payment_rows::find_by_any(tx, account, &e.reference).await? {
        return Ok(Some(p));
    }
    match alias_of(e) {
        Some(alias) => Ok(payment_rows::find_by_any(tx, account, alias).await?),
        None => Ok(None),
    }
}

/// The order the event's payment is linked to, by either of the ids the event names (a read, to
/// lock the order first): a payment first known by its PayPal order brings that order along to a
/// record of its capture made earlier without one.
pub(crate) async fn linked_order(
    tx: &mut UnitOfWork,
    account: &str,
    e: &PaymentEvent,
) -> AppResult<Option<String>> {
    for id in [Some(e.reference.as_str()), alias_of(e)].into_iter().flatten() {
        if let Some(order) = payment_rows::find_by_any(tx, account, id).await?.and_then(|p| p.order_id) {
            return Ok(Some(order));
        }
    }
    Ok(None)
}

/// The event's payment, locked (after its order: the lock order of every path), made from `fresh`
/// when none is known; kept under the event's reference with its alias, any second record of it
/// folded in. Its facts so far.
pub(crate) async fn payment_in_tx(
    tx: &mut UnitOfWork,
    fresh: &PaymentRow,
    e: &PaymentEvent,
) -> AppResult<(PaymentRow, PaymentFacts)> {
    let account = fresh.account_id.as_str();
    let mut payment = match known_payment(tx, account, e).await? {
        Some(p) => payment_rows::lock_in_tx(tx, &p.id).await?,
        None => payment_rows::lock_or_insert_in_tx(tx, fresh).await?,
    };
    let mut facts = facts_of(&payment);
    let Some(alias) = alias_of(e) else { return Ok((payment, facts)) };
    for other_reference in [alias, e.reference.as_str()] {
        if let Some(other) = payment_rows::other_in_tx(tx, account, other_reference, &payment.id).await? {
            facts.absorb(&facts_of(&other));
            payment.order_id = payment.order_id.or(other.order_id);
            payment_rows::absorb_in_tx(tx, &payment.id, &other.id).await?;
        }
    }
    if (payment.reference.as_str(), payment.alias.as_str()) != (e.reference.as_str(), alias) {
        payment_rows::rename_in_tx(tx, &payment.id, &e.reference, alias).await?;
        payment.reference = e.reference.clone();
        payment.alias = alias.to_string();
    }
    Ok((payment, facts))
}
