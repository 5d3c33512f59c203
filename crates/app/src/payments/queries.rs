//! Reading payments: an order's, the operator's (those a person must look at first), and one with
//! its provider events.

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::OrderId;
use tradeport_domain::payments::{PaymentFacts, PaymentState};
use tradeport_store::payments::events as payment_events;
use tradeport_store::payments::rows::{self as payment_rows, PaymentRow};

use crate::{App, AppError, AppResult, parse_id};

/// A payment as answered.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PaymentView {
    pub id: String,
    pub merchant_id: String,
    pub account_id: String,
    pub order_id: Option<String>,
    pub reference: String,
    pub currency: String,
    pub amount_minor: i64,
    pub captured_minor: i64,
    pub refunded_minor: i64,
    /// Captured less refunds and a lost dispute.
    pub net_minor: i64,
    pub state: PaymentState,
    /// Why the latest attempt failed, when it did.
    pub failure: Option<String>,
    /// The dispute's status (`open`, `won`, `lost`) and reason, when there is one.
    pub dispute: Option<String>,
    /// Why a person must look at it; empty when nothing.
    pub attention: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// The provider's events, in its order of time (in the detail only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<PaymentEventView>,
}

/// One provider event of a payment.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PaymentEventView {
    pub event_id: String,
    pub event_type: String,
    pub occurred_at: i64,
    pub received_at: i64,
    pub outcome: String,
    pub detail: String,
    /// The event as the provider sent it.
    pub body: String,
}

pub(crate) fn payment_view(p: &PaymentRow) -> AppResult<PaymentView> {
    let corrupt = || AppError::Internal(format!("stored payment {} cannot be read", p.id));
    let facts: PaymentFacts = serde_json::from_str(&p.facts).map_err(|_| corrupt())?;
    Ok(PaymentView {
        id: p.id.clone(),
        merchant_id: p.merchant_id.clone(),
        account_id: p.account_id.clone(),
        order_id: p.order_id.clone(),
        reference: p.reference.clone(),
        currency: p.currency.clone(),
        amount_minor: p.amount_minor,
        captured_minor: p.captured_minor,
        refunded_minor: p.refunded_minor,
        net_minor: facts.net_received(),
        state: PaymentState::parse(&p.state).ok_or_else(corrupt)?,
        failure: facts.failure().map(String::from),
        dispute: facts.dispute.as_ref().map(|d| {
            let status = serde_json::to_value(d.status).ok().and_then(|v| v.as_str().map(String::from));
            format!("{} ({})", status.unwrap_or_default(), d.reason)
        }),
        attention: p.attention.clone(),
        created_at: p.created_at,
        updated_at: p.updated_at,
        events: Vec::new(),
    })
}

/// The payments of an order the principal may see.
pub async fn order_payments(app: &App, principal: &Principal, order: &str) -> AppResult<Vec<PaymentView>> {
    principal.require(Permission::ViewOrders)?;
    let operator = principal.scope.operator_id;
    let id: OrderId = parse_id(order, "order")?;
    let mut conn = app.db().read().await?;
    tradeport_store::orders::get(&mut conn, operator, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    payment_rows::of_order(&mut conn, operator, id).await?.iter().map(payment_view).collect()
}

/// The operator's payments (a merchant: its own), newest first; `attention_only` keeps those a
/// person must look at.
pub async fn list_payments(
    app: &App,
    principal: &Principal,
    attention_only: bool,
) -> AppResult<Vec<PaymentView>> {
    principal.require(Permission::ManagePayments)?;
    let mut conn = app.db().read().await?;
    let rows = payment_rows::list(
        &mut conn,
        principal.scope.operator_id,
        principal.scope.merchant_id,
        attention_only,
        200,
    )
    .await?;
    rows.iter().map(payment_view).collect()
}

/// One payment with its events.
pub async fn payment_detail(app: &App, principal: &Principal, id: &str) -> AppResult<PaymentView> {
    principal.require(Permission::ManagePayments)?;
    let mut conn = app.db().read().await?;
    let p = payment_rows::get(&mut conn, principal.scope.operator_id, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("payment"))?;
    let mut v = payment_view(&p)?;
    v.events = payment_events::of_payment(&mut conn, &p.id)
        .await?
        .into_iter()
        .map(|e| PaymentEventView {
            event_id: e.event_id,
            event_type: e.event_type,
            occurred_at: e.occurred_at,
            received_at: e.received_at,
            outcome: e.outcome,
            detail: e.detail,
            body: e.body,
        })
        .collect();
    Ok(v)
}
