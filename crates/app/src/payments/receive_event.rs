//! A payment provider's event (Stripe's, PayPal's and Alipay's webhooks), taken in once (ORD-5).
//!
//! The signature is checked over the raw bytes before anything parses them (Stripe's HMAC with a
//! 300 s tolerance; PayPal's certificate signature; Alipay's RSA2); an unsigned or altered delivery
//! gets 401 and leaves no trace. PayPal and Alipay sign no freshness window: a replayed delivery is
//! known by its event id and changes nothing. The event is then recorded by its id, its payment's
//! facts merged, and the order settled, all in one transaction: a retried event finds its record
//! and changes nothing, and a crash leaves either all of it or none.

use serde::Serialize;
use tradeport_connectors::alipay_signature::verify_alipay_signature;
use tradeport_connectors::paypal_signature::{PaypalTransmission, verify_paypal_signature};
use tradeport_connectors::rsa_sha256::RsaPublicKey;
use tradeport_connectors::stripe_signature::{DEFAULT_TOLERANCE_SECS, verify_stripe_signature};
use tradeport_domain::channels::ConnectionStatus;
use tradeport_domain::kernel::{FieldError, OrderId, TenantId};
use tradeport_domain::payments::{
    DisputeStatus, PaymentChange, PaymentEvent, PaymentProvider, alipay_event, paypal_event, stripe_event,
};
use tradeport_store::payments::accounts::{self, AccountRow};
use tradeport_store::payments::events::{self as payment_events, PaymentEventRow};
use tradeport_store::payments::rows::{self as payment_rows, PaymentRow};

use super::identify::{linked_order, payment_in_tx};
use super::seal_context;
use super::settle_order::settle_order_in_tx;
use crate::access::load_operator;
use crate::{App, AppError, AppResult, parse_id};

/// An event as it arrived: the path it was posted to (with its query), its headers (names in
/// lower case) and its raw body.
#[derive(Clone, Debug)]
pub struct PaymentHook<'a> {
    pub account_id: &'a str,
    pub path: &'a str,
    pub headers: Vec<(String, String)>,
    pub body: &'a [u8],
}

/// What the provider is answered.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PaymentHookAnswer {
    /// `applied`, `ignored` (an event Tradeport does not act on) or `unmatched` (no order carries
    /// the payment yet; it is kept, and its next event settles the order once one does).
    pub outcome: String,
    pub payment_id: Option<String>,
    pub order_id: Option<String>,
    pub detail: String,
    /// This event was taken before; the answer is its record.
    pub duplicate: bool,
    /// Alipay's acknowledgement (Alipay notifications only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<ProviderAck>,
}

/// The acknowledgement Alipay waits for: `{"resultCode": "SUCCESS", "resultStatus": "S", …}`.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderAck {
    pub result_code: String,
    pub result_status: String,
    pub result_message: String,
}

impl ProviderAck {
    fn success() -> Self {
        Self { result_code: "SUCCESS".into(), result_status: "S".into(), result_message: "success".into() }
    }
}

/// The webhook secrets of an account, opened: the current one, then the previous one.
fn secrets(app: &App, a: &AccountRow) -> AppResult<Vec<String>> {
    let keyring = app.keyring()?;
    [("webhook_secret", &a.webhook_secret), ("previous_webhook_secret", &a.previous_webhook_secret)]
        .into_iter()
        .filter(|(_, sealed)| !sealed.is_empty())
        .map(|(field, sealed)| {
            keyring.open(sealed, &seal_context(&a.id, field)).map_err(|e| {
                AppError::Internal(format!("payment account {} {field} does not open: {e}", a.id))
            })
        })
        .collect()
}

/// A header of the delivery (names in lower case), empty when absent.
fn header<'a>(hook: &'a PaymentHook<'_>, name: &str) -> &'a str {
    hook.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or_default()
}

fn unsigned(why: impl std::fmt::Display) -> AppError {
    AppError::Unsigned(format!("{why}: nothing was kept"))
}

fn unreadable(why: String) -> AppError {
    AppError::Invalid(vec![FieldError::new("body", "invalid_event", why)])
}

/// Checks a Stripe delivery (`Stripe-Signature`, HMAC with the account's secrets) and reads it.
fn stripe_delivery(app: &App, a: &AccountRow, hook: &PaymentHook<'_>) -> AppResult<PaymentEvent> {
    let signature = header(hook, "stripe-signature");
    if signature.is_empty() {
        return Err(unsigned("the delivery has no Stripe-Signature header"));
    }
    let secrets = secrets(app, a)?;
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let now_secs = app.now().0.div_euclid(1000);
    verify_stripe_signature(signature, hook.body, &secrets, now_secs, DEFAULT_TOLERANCE_SECS)
        .map_err(unsigned)?;
    stripe_event(hook.body).map_err(unreadable)
}

/// Checks a PayPal delivery (its certificate's signature over the body's CRC and the account's
/// webhook id) and reads it. A certificate that cannot be fetched is not the sender's fault: 409,
/// and PayPal sends the event again.
async fn paypal_delivery(app: &App, a: &AccountRow, hook: &PaymentHook<'_>) -> AppResult<PaymentEvent> {
    let t = PaypalTransmission::from_headers(&hook.headers).map_err(unsigned)?;
    let pem = app.paypal_certificate(&t.cert_url).await?;
    let now_secs = app.now().0.div_euclid(1000);
    verify_paypal_signature(&t, hook.body, &a.webhook_id, &pem, now_secs).map_err(unsigned)?;
    paypal_event(hook.body).map_err(unreadable)
}

/// Checks an Alipay notification (RSA2 over the method, the path it was posted to, the client id,
/// the request time and the body, with Alipay's public key) and reads it. The path is the one
/// received, or the same under the public address's path (a proxy that strips a prefix).
fn alipay_delivery(app: &App, a: &AccountRow, hook: &PaymentHook<'_>) -> AppResult<PaymentEvent> {
    let public = RsaPublicKey::from_spki_text(&a.provider_public_key)
        .map_err(|why| AppError::Internal(format!("payment account {}'s Alipay key: {why}", a.id)))?;
    let (signature, client, time) =
        (header(hook, "signature"), header(hook, "client-id"), header(hook, "request-time"));
    if signature.is_empty() || client.is_empty() || time.is_empty() {
        return Err(unsigned("the notification lacks its signature, client-id or request-time header"));
    }
    let prefix = app.public_url().splitn(4, '/').nth(3).map(|p| format!("/{p}")).unwrap_or_default();
    let check = |path: &str| {
        verify_alipay_signature(signature, &public, "POST", path, client, &a.client_id, time, hook.body)
    };
    let verdict = check(hook.path);
    if verdict.is_err() && (prefix.is_empty() || check(&format!("{prefix}{}", hook.path)).is_err()) {
        return Err(unsigned(verdict.err().map(|e| e.to_string()).unwrap_or_default()));
    }
    alipay_event(hook.body, app.now()).map_err(unreadable)
}

/// Checks the delivery is the provider's and reads it.
async fn verified_event(app: &App, a: &AccountRow, hook: &PaymentHook<'_>) -> AppResult<PaymentEvent> {
    match PaymentProvider::parse(&a.provider) {
        Some(PaymentProvider::Stripe) => stripe_delivery(app, a, hook),
        Some(PaymentProvider::Paypal) => paypal_delivery(app, a, hook).await,
        Some(PaymentProvider::Alipay) => alipay_delivery(app, a, hook),
        None => Err(AppError::NotFound("payment account")),
    }
}

/// The order a payment not linked yet belongs to: the one its metadata names, or the merchant's
/// order that carries its reference (a linked payment's order is read in the transaction).
async fn order_of(app: &App, a: &AccountRow, e: &PaymentEvent) -> AppResult<Option<OrderId>> {
    let operator: TenantId = parse_id(&a.tenant_id, "operator")?;
    let merchant: TenantId = parse_id(&a.merchant_id, "merchant")?;
    let mut conn = app.db().read().await?;
    if let Some(id) = e.order_hint.as_deref().and_then(|h| h.parse::<OrderId>().ok())
        && let Some(o) = tradeport_store::orders::get(&mut conn, operator, Some(merchant), id).await?
    {
        return Ok(Some(o.id));
    }
    Ok(tradeport_store::orders::find_by_payment_reference(&mut conn, operator, merchant, &e.reference)
        .await?
        .map(|o| o.id))
}

/// The event as kept: the raw body, with a PaymentIntent's `client_secret` (which lets anyone
/// holding it pay or read the intent) blanked out.
fn without_client_secret(body: &[u8]) -> String {
    let raw = String::from_utf8_lossy(body).into_owned();
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&raw) else { return raw };
    match v.pointer_mut("/data/object/client_secret") {
        Some(secret) if !secret.is_null() => *secret = serde_json::Value::String("[not kept]".into()),
        _ => return raw,
    }
    v.to_string()
}

/// Receives one event of a payment account.
pub async fn receive_payment_event(app: &App, hook: &PaymentHook<'_>) -> AppResult<PaymentHookAnswer> {
    let mut conn = app.db().read().await?;
    let account = accounts::get_for_event(&mut conn, hook.account_id.trim()).await?;
    drop(conn);
    let a = account.ok_or(AppError::NotFound("payment account"))?;
    let event = verified_event(app, &a, hook).await?;
    let answer = take_event(app, &a, event, hook.body).await?;
    // Alipay takes a notification as delivered only when answered its own acknowledgement.
    let alipay = PaymentProvider::parse(&a.provider) == Some(PaymentProvider::Alipay);
    Ok(PaymentHookAnswer { result: alipay.then(ProviderAck::success), ..answer })
}

/// Records a verified event, merges it into its payment and settles the payment's order.
async fn take_event(
    app: &App,
    a: &AccountRow,
    event: PaymentEvent,
    body: &[u8],
) -> AppResult<PaymentHookAnswer> {
    if ConnectionStatus::parse(&a.status) == Some(ConnectionStatus::Paused) {
        return Err(AppError::Conflict {
            code: "payment_account.paused",
            message:
                "the payment account is paused; the provider will send the event again once it is active"
                    .into(),
            fields: Vec::new(),
        });
    }
    let operator: TenantId = parse_id(&a.tenant_id, "operator")?;
    let order_id = if event.change.is_some() { order_of(app, a, &event).await? } else { None };
    let policy = {
        let mut conn = app.db().read().await?;
        load_operator(&mut conn, operator).await?
    };
    let now = app.now();
    let record = PaymentEventRow {
        id: app.new_uuid().to_string(),
        tenant_id: a.tenant_id.clone(),
        account_id: a.id.clone(),
        event_id: event.event_id.clone(),
        event_type: event.event_type.clone(),
        payment_id: None,
        order_id: None,
        occurred_at: event.at.0,
        received_at: now.0,
        body: without_client_secret(body),
        outcome: "received".into(),
        detail: String::new(),
    };

    let mut tx = app.begin().await?;
    if let Some(before) = payment_events::insert_once_in_tx(&mut tx, &record).await? {
        tx.end_unwritten().await?;
        return Ok(PaymentHookAnswer {
            outcome: before.outcome,
            payment_id: before.payment_id,
            order_id: before.order_id,
            detail: before.detail,
            duplicate: true,
            result: None,
        });
    }
    let Some(change) = &event.change else {
        let detail = format!("{} is not acted on", event.event_type);
        payment_events::finish_in_tx(&mut tx, &record.id, None, None, "ignored", &detail).await?;
        accounts::touch_in_tx(&mut tx, &a.id, now).await?;
        tx.commit().await?;
        let answer = PaymentHookAnswer {
            outcome: "ignored".into(),
            payment_id: None,
            order_id: None,
            detail,
            duplicate: false,
            result: None,
        };
        return Ok(answer);
    };
    // The order is locked before the payment (the lock order of every path); a payment another
    // delivery linked meanwhile brings its order along.
    let linked = match linked_order(&mut tx, &a.id, &event).await? {
        Some(id) => Some(parse_id::<OrderId>(&id, "order")?),
        None => order_id,
    };
    let merchant: TenantId = parse_id(&a.merchant_id, "merchant")?;
    // An archived order (DONE-2) does not change: its payment is still recorded, for a person.
    let (order, archived) = match linked {
        Some(id) => {
            let (o, archived) = tx.lock_order_archived_too(operator, Some(merchant), id).await?;
            (Some(o), archived)
        }
        None => (None, false),
    };
    let fresh = PaymentRow {
        id: app.new_uuid().to_string(),
        tenant_id: a.tenant_id.clone(),
        merchant_id: a.merchant_id.clone(),
        account_id: a.id.clone(),
        order_id: order.as_ref().map(|o| o.id.to_string()),
        reference: event.reference.clone(),
        alias: event.alias.clone().unwrap_or_default(),
        currency: event.currency.clone().unwrap_or_default(),
        amount_minor: 0,
        captured_minor: 0,
        refunded_minor: 0,
        state: "pending".into(),
        facts: "{}".into(),
        attention: String::new(),
        created_at: now.0,
        updated_at: now.0,
    };
    let (payment, mut facts) = payment_in_tx(&mut tx, &fresh, &event).await?;
    facts.merge(event.at, change);
    let payment = PaymentRow {
        order_id: payment.order_id.clone().or(fresh.order_id.clone()),
        currency: if payment.currency.is_empty() { fresh.currency.clone() } else { payment.currency.clone() },
        amount_minor: facts.amount,
        captured_minor: facts.captured,
        refunded_minor: facts.refunded,
        state: facts.state().as_str().into(),
        // Refunded in full: nothing is left for a person to give back.
        attention: if facts.captured > 0 && facts.net_received() == 0 {
            String::new()
        } else {
            payment.attention.clone()
        },
        facts: serde_json::to_string(&facts).map_err(|e| AppError::Internal(e.to_string()))?,
        updated_at: now.0,
        ..payment
    };
    let payment = if archived {
        let why = format!(
            "the order's file is archived (read-only): payment {} is for a person to handle",
            payment.state
        );
        PaymentRow { attention: why, ..payment }
    } else {
        payment
    };
    payment_rows::update_in_tx(&mut tx, &payment).await?;
    let dispute_opened = matches!(change, PaymentChange::Dispute { status: DisputeStatus::Open, .. });
    let (outcome, detail) = match &order {
        Some(o) if archived => {
            ("applied", format!("payment {}: recorded; order {} is archived", payment.state, o.id))
        }
        Some(o) => {
            let settled = settle_order_in_tx(app, &mut tx, operator, &policy, o, dispute_opened).await?;
            ("applied", format!("payment {}: {settled}", payment.state))
        }
        None => (
            "unmatched",
            format!(
                "payment {} is {}; no order of the merchant carries it yet",
                payment.reference, payment.state
            ),
        ),
    };
    let order_id = payment.order_id.clone();
    payment_events::finish_in_tx(
        &mut tx,
        &record.id,
        Some(&payment.id),
        order_id.as_deref(),
        outcome,
        &detail,
    )
    .await?;
    accounts::touch_in_tx(&mut tx, &a.id, now).await?;
    tx.commit().await?;
    Ok(PaymentHookAnswer {
        outcome: outcome.into(),
        payment_id: Some(payment.id),
        order_id,
        detail,
        duplicate: false,
        result: None,
    })
}
