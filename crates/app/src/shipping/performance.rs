//! Carrier performance (SHP-6 staff view, SYS-4): per lane (carrier and service, origin
//! warehouse, destination country), the parcels handed over in a period, how many arrived, their
//! mean time in transit, and the share that ran into an exception case.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::Millis;
use tradeport_store::shipping::performance::{self, LaneRow};

use crate::warehouse::invalid;
use crate::{App, AppResult};

const DAY_MS: i64 = 86_400_000;

/// The period asked for.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PerformanceQuery {
    /// Parcels handed over in the last this many days (1 to 366; 90 when left out).
    #[param(minimum = 1, maximum = 366)]
    pub days: Option<i64>,
}

/// One lane's figures.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LanePerformance {
    pub carrier: String,
    pub service: String,
    pub origin: String,
    pub destination: String,
    pub shipped: i64,
    pub delivered: i64,
    /// Mean days from hand-over to delivery over the delivered parcels, to a tenth.
    pub mean_transit_days: Option<f64>,
    /// Parcels with an exception case, per hundred shipped, to a tenth.
    pub exception_pct: f64,
}

fn tenth(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

impl From<LaneRow> for LanePerformance {
    fn from(r: LaneRow) -> Self {
        Self {
            mean_transit_days: (r.delivered > 0)
                .then(|| tenth(r.transit_ms as f64 / r.delivered as f64 / DAY_MS as f64)),
            exception_pct: tenth(100.0 * r.with_exception as f64 / r.shipped.max(1) as f64),
            carrier: r.carrier,
            service: r.service_code,
            origin: r.origin,
            destination: r.destination,
            shipped: r.shipped,
            delivered: r.delivered,
        }
    }
}

/// The lanes' figures for the period (a merchant: its own parcels).
pub async fn carrier_performance(
    app: &App,
    principal: &Principal,
    q: &PerformanceQuery,
) -> AppResult<Vec<LanePerformance>> {
    principal.require(Permission::ViewOrders)?;
    let days = q.days.unwrap_or(90);
    if !(1..=366).contains(&days) {
        return Err(invalid("days", "out_of_range", "days is from 1 to 366"));
    }
    let since = Millis(app.now().0 - days * DAY_MS);
    let mut conn = app.db().read().await?;
    let rows = performance::lanes(&mut conn, principal.scope.operator_id, principal.scope.merchant_id, since)
        .await?;
    Ok(rows.into_iter().map(LanePerformance::from).collect())
}
