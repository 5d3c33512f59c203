//! The dashboard's figures for the signed-in principal's reach.

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::Millis;
use tradeport_domain::notifications::LagSummary;
use tradeport_store::access::{api_keys, tenants, users};
use tradeport_store::notification_lags;

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
    /// Buyer messages delivered in the last 24 hours and how long after their change (SLA-3;
    /// staff only, absent when none was delivered).
    pub notification_lag: Option<NotificationLag>,
}

/// How long buyers waited to hear of a change, over the last 24 hours (SLA-3): the newest
/// 50,000 deliveries when there were more.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct NotificationLag {
    /// Messages delivered (e-mail and text messages counted apart).
    pub delivered: usize,
    pub p50_seconds: f64,
    pub p99_seconds: f64,
    pub max_seconds: f64,
    /// Delivered more than an hour after the change: each a breach of SLA-3.
    pub over_an_hour: usize,
}

/// At most this many deliveries are read for the figure (the newest).
const LAG_SAMPLE: i64 = 50_000;

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
    let notification_lag = if principal.is_merchant() {
        None
    } else {
        let since = Millis(app.now().0 - 24 * 60 * 60 * 1000);
        let lags = notification_lags::lags_since(&mut conn, operator_id, since, LAG_SAMPLE).await?;
        LagSummary::of(lags).map(|s| NotificationLag {
            delivered: s.count,
            p50_seconds: s.p50_ms as f64 / 1000.0,
            p99_seconds: s.p99_ms as f64 / 1000.0,
            max_seconds: s.max_ms as f64 / 1000.0,
            over_an_hour: s.over_limit,
        })
    };
    Ok(Dashboard {
        tenant_name: own.name,
        operator_name: operator.name,
        timezone: own.timezone,
        merchants,
        users,
        active_api_keys,
        orders_by_status,
        notification_lag,
    })
}
