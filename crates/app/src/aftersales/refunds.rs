//! Refunds (AFS-4): to the payment that paid (through the refund port: the merchant's Stripe,
//! PayPal or Alipay account that took it, else the operator's Stripe), to the buyer's store credit
//! with the merchant, or recorded as paid back outside. Each is asked with a request key: the same
//! key again answers with the same refund and never pays twice (the provider is asked with the
//! refund's id as its idempotency key). Under the order's lock, the refunds paid or under
//! way can never add up to more than was paid, in the order's currency, to the minor unit.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Actor, Permission, Principal};
use tradeport_domain::aftersales::{RefundMethod, RefundStatus, check_refund};
use tradeport_domain::kernel::{Money, OrderId, TenantId};
use tradeport_store::aftersales::refunds::{self, CreditEntry, RefundRow};
use tradeport_store::orders::OrderRow;

use crate::payments::refund_port::{paid_through_account, refund_at_provider};
use crate::warehouse::{conflict, invalid, rfc3339};
use crate::words::{actor_text, money_text};
use crate::{App, AppError, AppResult, parse_id};

/// A refund asked for.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RefundRequest {
    /// In the order's currency, minor units.
    pub amount_minor: i64,
    /// `original` (the payment that paid), `store_credit` or `manual` (paid back outside).
    #[schema(required = true, value_type = crate::code_lists::RefundMethodCode)]
    pub method: String,
    pub reason: String,
    /// The caller's key for this refund (1 to 100 characters): asked again with the same key, the
    /// same refund answers and nothing is paid twice.
    pub request_key: String,
    /// For `manual`: the bank transfer's reference.
    pub manual_reference: Option<String>,
}

/// A refund as the API shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RefundView {
    pub id: String,
    pub order_id: String,
    pub amount_minor: i64,
    /// The amount written out, e.g. `25.00 EUR`.
    pub amount: String,
    pub currency: String,
    pub method: String,
    pub reason: String,
    /// `pending` (asked of the provider), `succeeded` or `failed`.
    pub status: String,
    pub request_key: String,
    /// The provider's refund id, or the manual reference.
    pub provider_ref: Option<String>,
    pub error: Option<String>,
    pub created_at: String,
}

impl From<RefundRow> for RefundView {
    fn from(r: RefundRow) -> Self {
        Self {
            amount: money_text(r.amount_minor, &r.currency),
            id: r.id,
            order_id: r.order_id.to_string(),
            amount_minor: r.amount_minor,
            currency: r.currency,
            method: r.method.as_str().into(),
            reason: r.reason,
            status: r.status.as_str().into(),
            request_key: r.request_key,
            provider_ref: r.provider_ref,
            error: r.error,
            created_at: rfc3339(r.created_at),
        }
    }
}

/// An order's refunds with what is left to refund.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OrderRefunds {
    pub order_id: String,
    pub currency: String,
    pub paid_minor: i64,
    pub refunded_minor: i64,
    pub pending_minor: i64,
    pub remaining_minor: i64,
    pub items: Vec<RefundView>,
}

/// The request checked before anything is read.
fn checked(r: &RefundRequest) -> AppResult<RefundMethod> {
    let method = RefundMethod::parse(&r.method).ok_or_else(|| {
        invalid("method", "unknown_method", "method must be original, store_credit or manual")
    })?;
    if !(1..=100).contains(&r.request_key.trim().chars().count()) {
        return Err(invalid(
            "request_key",
            "required",
            "request_key is your key for this refund (1 to 100 characters); send the same key when you retry",
        ));
    }
    if r.reason.trim().is_empty() || r.reason.chars().count() > 500 {
        return Err(invalid("reason", "required", "say why the money goes back (at most 500 characters)"));
    }
    if method == RefundMethod::Manual && r.manual_reference.as_deref().is_none_or(|m| m.trim().is_empty()) {
        return Err(invalid(
            "manual_reference",
            "required",
            "a manual refund needs the transfer's reference",
        ));
    }
    Ok(method)
}

/// Refunds an order. Admins, order managers, customer service and finance.
pub async fn refund_order(
    app: &App,
    principal: &Principal,
    order_id: &str,
    r: &RefundRequest,
) -> AppResult<RefundView> {
    principal.require(Permission::IssueRefunds)?;
    refund(app, principal, parse_id(order_id, "order")?, r, None).await
}

/// How money goes back without asking: to the card through the provider where the order's payment
/// allows, else as store credit.
pub(crate) fn automatic_method(app: &App, order: &OrderRow) -> &'static str {
    if app.stripe().is_some() && !order.payment_reference.is_empty() { "original" } else { "store_credit" }
}

/// The after-sales request a refund pays, and the state it must still be in when the order is
/// locked to pay (so a request rejected meanwhile is not paid).
pub(crate) type PaysRequest<'a> = Option<(&'a str, tradeport_domain::aftersales::RequestStatus)>;

/// Refunds an order in the principal's reach, its right to refund already decided (by its role,
/// or by an after-sales request granted within its approval limit).
pub(crate) async fn refund(
    app: &App,
    principal: &Principal,
    id: OrderId,
    r: &RefundRequest,
    pays: PaysRequest<'_>,
) -> AppResult<RefundView> {
    let method = checked(r)?;
    let operator = principal.scope.operator_id;
    let key = r.request_key.trim();
    // Read before the writer: whether a merchant's payment account took the money.
    let through_account = method == RefundMethod::Original && paid_through_account(app, operator, id).await?;
    let mut tx = app.begin().await?;
    let order = tx.lock_order(operator, principal.scope.merchant_id, id).await?;
    if let Some((request, expected)) = pays {
        let now = tradeport_store::aftersales::requests::find(
            &mut tx,
            operator,
            None,
            tradeport_store::aftersales::requests::RequestsOf::Id(request),
            1,
        )
        .await?
        .pop()
        .map(|r| r.status);
        if now != Some(expected) {
            return Err(conflict("aftersales.changed", "the request changed meanwhile; reload it"));
        }
    }
    let earlier = refunds::of_order(&mut tx, operator, id).await?;
    let row = match earlier.iter().find(|x| x.request_key == key) {
        Some(same) if same.amount_minor == r.amount_minor && same.method == method => {
            tx.end_unwritten().await?;
            same.clone()
        }
        Some(_) => {
            return Err(conflict(
                "refund.key_reused",
                format!("request_key {key} was used for another refund of this order; use a new key"),
            ));
        }
        None => {
            if method == RefundMethod::Original
                && !through_account
                && (app.stripe().is_none() || order.payment_reference.is_empty())
            {
                return Err(conflict(
                    "refund.no_provider",
                    "this order's payment cannot be refunded through a provider (no payment account took it, and \
                     no Stripe account or no payment reference on the order); refund as store credit, or pay back \
                     outside and record it as manual",
                ));
            }
            let committed: i64 = earlier.iter().filter(|x| x.status.counts()).map(|x| x.amount_minor).sum();
            let asked = Money::new(r.amount_minor, order.currency)
                .map_err(|e| invalid("amount_minor", "invalid_amount", e.to_string()))?;
            check_refund(order.paid, committed, asked)
                .map_err(|why| conflict("refund.refused", why.to_string()))?;
            let row = new_refund(app, principal, &order, method, r);
            refunds::insert_in_tx(&mut tx, operator, &row).await?;
            if method == RefundMethod::StoreCredit {
                credit_in_tx(app, &mut tx, operator, &order, &row).await?;
            }
            record_in_tx(app, &mut tx, operator, principal.actor, &order, &row).await?;
            tx.commit().await?;
            row
        }
    };
    if row.status == RefundStatus::Pending {
        return ask_provider(app, operator, &order, row).await.map(RefundView::from);
    }
    Ok(row.into())
}

fn new_refund(
    app: &App,
    principal: &Principal,
    order: &OrderRow,
    method: RefundMethod,
    r: &RefundRequest,
) -> RefundRow {
    let now = app.now();
    RefundRow {
        id: app.new_uuid().to_string(),
        merchant_id: order.merchant_id,
        order_id: order.id,
        amount_minor: r.amount_minor,
        currency: order.currency.code().into(),
        method,
        reason: r.reason.trim().to_string(),
        // Store credit and manual refunds are paid when recorded; a provider's is asked next.
        status: if method == RefundMethod::Original {
            RefundStatus::Pending
        } else {
            RefundStatus::Succeeded
        },
        request_key: r.request_key.trim().to_string(),
        provider_ref: r
            .manual_reference
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_string),
        error: None,
        actor: actor_text(principal.actor),
        created_at: now,
        updated_at: now,
    }
}

async fn credit_in_tx(
    app: &App,
    conn: &mut tradeport_store::AnyConnection,
    operator: TenantId,
    order: &OrderRow,
    row: &RefundRow,
) -> AppResult<()> {
    let entry = CreditEntry {
        id: app.new_uuid().to_string(),
        merchant_id: order.merchant_id,
        buyer_email: order.buyer_email.clone(),
        currency: row.currency.clone(),
        delta_minor: row.amount_minor,
        refund_id: Some(row.id.clone()),
        note: format!(
            "refund of order {}: {}",
            order.order_no.as_deref().unwrap_or(&order.channel_order_id),
            row.reason
        ),
        at: row.created_at,
    };
    Ok(refunds::add_credit_in_tx(conn, operator, &entry).await?)
}

/// The refund on the order's timeline.
async fn record_in_tx(
    app: &App,
    conn: &mut tradeport_store::AnyConnection,
    operator: TenantId,
    actor: Actor,
    order: &OrderRow,
    row: &RefundRow,
) -> AppResult<()> {
    let kind = match row.status {
        RefundStatus::Pending => "order_refund_requested",
        RefundStatus::Succeeded => "order_refunded",
        RefundStatus::Failed => "order_refund_failed",
    };
    let data = serde_json::json!({ "refund_id": row.id, "amount_minor": row.amount_minor, "currency": row.currency,
                                   "method": row.method.as_str(), "provider_ref": row.provider_ref, "error": row.error });
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(order.merchant_id),
        reason: Some(row.reason.as_str()),
        data: data.to_string(),
        ..app.event(actor, "order", order.id, kind)
    };
    tradeport_store::events::append_in_tx(conn, operator, &event).await?;
    if row.status == RefundStatus::Succeeded {
        // The buyer hears of the money in their language (AFS-4).
        let mut message = crate::orders::buyer_message(
            app,
            order,
            tradeport_domain::notifications::BuyerMessage::Refunded,
            order.order_no.as_deref(),
            row.updated_at,
        );
        // The message tells of this refund, however many follow it before it is sent.
        let mut payload: serde_json::Value =
            serde_json::from_str(&message.payload).map_err(|e| AppError::Internal(e.to_string()))?;
        payload["refund_id"] = serde_json::Value::from(row.id.as_str());
        message.payload = payload.to_string();
        tradeport_store::outbox::enqueue_in_tx(conn, operator, &message).await?;
    }
    Ok(())
}

/// Asks the provider that took the payment (outside any transaction; see the refund port) and
/// records its answer. A refusal fails the refund (its amount may be refunded again); an
/// unreachable provider leaves it pending with the reason, and the same request asked again asks
/// again with the same idempotency key.
async fn ask_provider(
    app: &App,
    operator: TenantId,
    order: &OrderRow,
    row: RefundRow,
) -> AppResult<RefundRow> {
    let answer = refund_at_provider(app, operator, order, row.amount_minor, &row.id).await?;
    let now = app.now();
    let (status, provider_ref, error) = (answer.status, answer.provider_ref.as_deref(), answer.error);
    let mut tx = app.begin().await?;
    match status {
        Some(s) => {
            if refunds::settle_in_tx(&mut tx, operator, &row.id, s, provider_ref, error.as_deref(), now)
                .await?
            {
                let settled = RefundRow {
                    status: s,
                    provider_ref: provider_ref.map(str::to_string).or(row.provider_ref.clone()),
                    error: error.clone(),
                    ..row.clone()
                };
                record_in_tx(app, &mut tx, operator, Actor::System, order, &settled).await?;
            }
        }
        None => {
            let note = error
                .clone()
                .unwrap_or_else(|| format!("{} is still processing the refund", answer.provider));
            refunds::note_error_in_tx(&mut tx, operator, &row.id, &note, now).await?;
            if let Some(reference) = provider_ref {
                refunds::settle_in_tx(
                    &mut tx,
                    operator,
                    &row.id,
                    RefundStatus::Pending,
                    Some(reference),
                    Some(&note),
                    now,
                )
                .await?;
            }
        }
    }
    tx.commit().await?;
    let mut conn = app.db().read().await?;
    refunds::of_order(&mut conn, operator, order.id)
        .await?
        .into_iter()
        .find(|x| x.id == row.id)
        .ok_or(AppError::NotFound("refund"))
}

/// An order's refunds (a merchant: its own orders).
pub async fn refunds_of_order(app: &App, principal: &Principal, order_id: &str) -> AppResult<OrderRefunds> {
    principal.require(Permission::ViewOrders)?;
    let id: OrderId = parse_id(order_id, "order")?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let order = tradeport_store::orders::get(&mut conn, operator, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let rows = refunds::of_order(&mut conn, operator, id).await?;
    let sum = |s: RefundStatus| rows.iter().filter(|r| r.status == s).map(|r| r.amount_minor).sum::<i64>();
    let (refunded, pending) = (sum(RefundStatus::Succeeded), sum(RefundStatus::Pending));
    Ok(OrderRefunds {
        order_id: order.id.to_string(),
        currency: order.currency.code().into(),
        paid_minor: order.paid.minor(),
        refunded_minor: refunded,
        pending_minor: pending,
        remaining_minor: (order.paid.minor() - refunded - pending).max(0),
        items: rows.into_iter().map(RefundView::from).collect(),
    })
}

/// A buyer's store credit with a merchant.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StoreCredit {
    pub buyer_email: String,
    /// Per currency: minor units.
    pub balances: std::collections::BTreeMap<String, i64>,
}

/// The store credit a buyer has with the merchant (a merchant: with itself; staff name the
/// merchant).
pub async fn store_credit(
    app: &App,
    principal: &Principal,
    merchant_id: Option<&str>,
    buyer_email: &str,
) -> AppResult<StoreCredit> {
    principal.require(Permission::ViewOrders)?;
    let merchant = match (principal.scope.merchant_id, merchant_id) {
        (Some(own), _) => own,
        (None, Some(m)) => m
            .trim()
            .parse()
            .map_err(|_| invalid("merchant_id", "invalid_id", "merchant_id is a tenant id"))?,
        (None, None) => {
            return Err(invalid("merchant_id", "required", "name the merchant the credit is with"));
        }
    };
    let email = tradeport_domain::kernel::Email::parse(buyer_email)
        .map_err(|_| invalid("buyer_email", "invalid_email", "buyer_email is the buyer's e-mail address"))?;
    let mut conn = app.db().read().await?;
    let balances =
        refunds::credit_balances(&mut conn, principal.scope.operator_id, merchant, email.as_str()).await?;
    Ok(StoreCredit { buyer_email: email.as_str().to_string(), balances: balances.into_iter().collect() })
}
