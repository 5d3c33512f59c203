//! Reading orders: one with its timeline, filtered pages and counts (SYS-1).

use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{FieldError, Millis, OrderId, TenantId};
use tradeport_domain::orders::OrderStatus;
use tradeport_store::orders::{self, OrderFilter};

use super::view::{OrderSummary, OrderView, load_view};
use crate::{App, AppError, AppResult, Page, PageRequest};

/// Filters of the order list as a caller gives them; empty ones do not filter.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct OrderQuery {
    /// One status or several separated by commas.
    pub status: Option<String>,
    pub merchant_id: Option<String>,
    pub channel: Option<String>,
    /// Destination country, ISO alpha-2.
    pub country: Option<String>,
    /// Created at or after (UTC milliseconds).
    pub created_from: Option<i64>,
    /// Created before (UTC milliseconds).
    pub created_to: Option<i64>,
    /// Searches order number, channel order id, buyer name, e-mail and phone.
    pub q: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

pub(super) fn filter_of(principal: &Principal, q: &OrderQuery) -> AppResult<OrderFilter> {
    let mut statuses = Vec::new();
    for s in q.status.as_deref().unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let parsed = OrderStatus::parse(s).ok_or_else(|| {
            let all: Vec<&str> = OrderStatus::ALL.iter().map(|s| s.as_str()).collect();
            AppError::Invalid(vec![FieldError::new(
                "status",
                "unknown_status",
                format!("status must be among: {}", all.join(", ")),
            )])
        })?;
        statuses.push(parsed);
    }
    let merchant_id: Option<TenantId> =
        match (principal.scope.merchant_id, q.merchant_id.as_deref().filter(|m| !m.is_empty())) {
            (Some(own), _) => Some(own),
            (None, Some(m)) => Some(m.parse().map_err(|_| {
                AppError::Invalid(vec![FieldError::new(
                    "merchant_id",
                    "invalid",
                    "merchant_id must be a tenant id",
                )])
            })?),
            (None, None) => None,
        };
    Ok(OrderFilter {
        merchant_id,
        statuses,
        channel: q.channel.clone().filter(|c| !c.is_empty()),
        country: q.country.clone().filter(|c| !c.is_empty()),
        created_from: q.created_from.map(Millis),
        created_to: q.created_to.map(Millis),
        text: q.q.clone(),
    })
}

/// One order with lines, allocation and timeline, if the principal may see it.
pub async fn get_order(app: &App, principal: &Principal, id: OrderId) -> AppResult<OrderView> {
    principal.require(Permission::ViewOrders)?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let order = orders::get(&mut conn, operator, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let mut view = load_view(app, &mut conn, operator, &order).await?;
    if principal.is_merchant() {
        // Why an order is held for the law is not its merchant's to read.
        view.legal_hold = view.legal_hold.map(|_| String::new());
    }
    Ok(view)
}

/// A page of orders, newest first.
pub async fn list_orders(app: &App, principal: &Principal, q: &OrderQuery) -> AppResult<Page<OrderSummary>> {
    principal.require(Permission::ViewOrders)?;
    let page = PageRequest { limit: q.limit, cursor: q.cursor.clone() };
    let limit = page.limit().map_err(|e| AppError::Invalid(vec![e]))?;
    let before = page.id_cursor().map_err(|e| AppError::Invalid(vec![e]))?;
    let filter = filter_of(principal, q)?;
    let mut conn = app.db().read().await?;
    let rows = orders::list(&mut conn, principal.scope.operator_id, &filter, before, limit + 1).await?;
    Ok(Page::from_rows(rows.iter().map(OrderSummary::from).collect(), limit, |o: &OrderSummary| o.id.clone()))
}
