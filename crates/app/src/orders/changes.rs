//! Changes to what the buyer asked for (ORD-4, EXC-4): never silent. Each records who, when,
//! why, the value before and after, and whether the buyer agreed.

use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{Address, FieldError, FieldErrors, address_problems};
use tradeport_domain::orders::OrderStatus;
use tradeport_store::orders;

use super::view::{OrderView, load_view, parse_holds};
use crate::access::load_settings_of;
use crate::{App, AppError, AppResult};

/// A new shipping address.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AddressChange {
    #[schema(value_type = Object)]
    pub shipping_address: Address,
    pub reason: String,
    /// Whether the buyer asked for or agreed to the change.
    pub buyer_agreed: bool,
}

/// A new service level.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceChange {
    pub service_level: String,
    pub reason: String,
    pub buyer_agreed: bool,
}

fn check_reason(reason: &str, e: &mut FieldErrors) {
    if reason.trim().is_empty() {
        e.add("reason", "required", "say why the buyer's choice changes (ORD-4)");
    }
}

fn changeable(status: OrderStatus) -> AppResult<()> {
    if matches!(status, OrderStatus::Rejected | OrderStatus::Cancelled) {
        return Err(AppError::Conflict {
            code: "order.closed",
            message: format!("an order that is {} cannot be changed", status.as_str()),
            fields: Vec::new(),
        });
    }
    Ok(())
}

/// Replaces the shipping address; its own problems replace the address holds of the order.
pub async fn change_shipping_address(
    app: &App,
    principal: &Principal,
    id: &str,
    c: &AddressChange,
) -> AppResult<OrderView> {
    principal.require(Permission::ChangeOrders)?;
    let mut e = FieldErrors::new();
    check_reason(&c.reason, &mut e);
    let mut address = c.shipping_address.clone();
    address.country = address.country.trim().to_ascii_uppercase();
    let problems = address_problems(&address, "shipping_address");
    if let Some(p) = problems.iter().find(|p| p.code == "unknown_country") {
        e.push(p.clone());
    }
    e.into_result().map_err(AppError::Invalid)?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let order = tx.lock_order(operator, principal.scope.merchant_id, id).await?;
    changeable(order.status)?;
    let json = serde_json::to_string(&address).map_err(|e| AppError::Internal(e.to_string()))?;
    orders::update_address_in_tx(&mut tx, operator, id, &json, &address.country, app.now()).await?;
    // Address holds are recomputed from the new address; other holds stay.
    let mut holds: Vec<FieldError> =
        parse_holds(&order.holds).into_iter().filter(|h| !h.field.starts_with("shipping_address")).collect();
    holds.extend(problems);
    let holds_json = serde_json::to_string(&holds).map_err(|e| AppError::Internal(e.to_string()))?;
    orders::set_status_in_tx(
        &mut tx,
        operator,
        id,
        order.status,
        order.status,
        &order.allocation,
        Some(&holds_json),
        None,
        app.now(),
    )
    .await?;
    let before: serde_json::Value = serde_json::from_str(&order.shipping_address).unwrap_or_default();
    let data = serde_json::json!({ "field": "shipping_address", "before": before, "after": address, "buyer_agreed": c.buyer_agreed }).to_string();
    record_change(app, tx, principal, &order, c.reason.trim(), data).await
}

/// Replaces the service level; a special service makes a second review due.
pub async fn change_service_level(
    app: &App,
    principal: &Principal,
    id: &str,
    c: &ServiceChange,
) -> AppResult<OrderView> {
    principal.require(Permission::ChangeOrders)?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let settings = load_settings_of(&mut tx, operator).await?;
    let mut e = FieldErrors::new();
    check_reason(&c.reason, &mut e);
    let level = settings.service_level(&c.service_level);
    if level.is_none() {
        let codes: Vec<&str> = settings.service_levels.iter().map(|l| l.code.as_str()).collect();
        e.add(
            "service_level",
            "unknown_service_level",
            format!("service_level must be one of: {}", codes.join(", ")),
        );
    }
    e.into_result().map_err(AppError::Invalid)?;
    let order = tx.lock_order(operator, principal.scope.merchant_id, id).await?;
    changeable(order.status)?;
    let special = level.is_some_and(|l| l.special);
    let second_review_due = special || order.total_minor >= settings.second_review_threshold_minor;
    orders::update_service_in_tx(&mut tx, operator, id, &c.service_level, second_review_due, app.now())
        .await?;
    let data = serde_json::json!({ "field": "service_level", "before": order.service_level, "after": c.service_level, "buyer_agreed": c.buyer_agreed }).to_string();
    record_change(app, tx, principal, &order, c.reason.trim(), data).await
}

/// Writes the change's event, commits, and returns the order as it now is.
async fn record_change(
    app: &App,
    mut tx: crate::UnitOfWork,
    principal: &Principal,
    order: &orders::OrderRow,
    reason: &str,
    data: String,
) -> AppResult<OrderView> {
    let operator = principal.scope.operator_id;
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(order.merchant_id),
        reason: Some(reason),
        data,
        ..app.event(principal.actor, "order", &order.id, "buyer_request_changed")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    let mut conn = app.db().read().await?;
    let after =
        orders::get(&mut conn, operator, None, &order.id).await?.ok_or(AppError::NotFound("order"))?;
    load_view(&mut conn, operator, &after).await
}
