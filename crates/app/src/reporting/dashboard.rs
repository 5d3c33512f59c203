//! The dashboard's figures for the signed-in principal's reach.

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_store::access::{api_keys, tenants, users};

use crate::{App, AppError, AppResult};

/// What the dashboard shows.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub tenant_name: String,
    pub operator_name: String,
    pub timezone: String,
    /// Merchants of the operator (staff only; 0 for a merchant).
    pub merchants: i64,
    /// Users of the operator and its merchants (staff only).
    pub users: i64,
    /// Active API keys of the operator and its merchants (staff only).
    pub active_api_keys: i64,
    /// Orders per status in the principal's reach: `(status, count)`.
    pub orders_by_status: Vec<(String, i64)>,
}

/// The dashboard figures.
pub async fn dashboard(app: &App, principal: &Principal) -> AppResult<Dashboard> {
    principal.require(Permission::ViewDashboard)?;
    let operator_id = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let operator =
        tenants::get(&mut conn, operator_id, operator_id).await?.ok_or(AppError::NotFound("tenant"))?;
    let own = tenants::get(&mut conn, operator_id, principal.tenant_id)
        .await?
        .ok_or(AppError::NotFound("tenant"))?;
    let (merchants, users, active_api_keys) = if principal.is_merchant() {
        (0, 0, 0)
    } else {
        (
            tenants::count_merchants(&mut conn, operator_id).await?,
            users::count(&mut conn, operator_id).await?,
            api_keys::count_active(&mut conn, operator_id).await?,
        )
    };
    let orders_by_status =
        tradeport_store::orders::count_by_status(&mut conn, operator_id, principal.scope.merchant_id).await?;
    Ok(Dashboard {
        tenant_name: own.name,
        operator_name: operator.name,
        timezone: own.timezone,
        merchants,
        users,
        active_api_keys,
        orders_by_status,
    })
}
