//! A quote for a prospective merchant (the pre-sales step): a month's charges from the volumes
//! they expect, priced by the same schedule and the same arithmetic as a statement.

use serde::{Deserialize, Serialize};

use super::{CarrierCharge, Counted, Facts, FeeSchedule, Line, StockDay, charge};

/// What a merchant expects in a month.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ExpectedVolumes {
    pub cartons_in: i64,
    pub pallets_in: i64,
    /// Stock held on an average day (m³), and its average age in days.
    pub stored_m3: i64,
    pub stock_age_days: i64,
    pub days: i64,
    pub orders: i64,
    /// Units per order on average (1 or more).
    pub units_per_order: i64,
    /// The box most orders go in.
    pub box_code: String,
    /// The average carrier charge per parcel, in the schedule's currency.
    pub carrier_per_parcel_minor: i64,
    pub returns: i64,
    pub disposals: i64,
}

/// The most of anything a quote counts in a month.
pub const MOST: i64 = 100_000;

/// The month's lines for `v` under `fees` (each volume taken as at most [`MOST`]).
pub fn quote(fees: &FeeSchedule, v: &ExpectedVolumes) -> Vec<Line> {
    let c = |n: i64| n.clamp(0, MOST);
    let v = &ExpectedVolumes {
        cartons_in: c(v.cartons_in),
        pallets_in: c(v.pallets_in),
        stored_m3: c(v.stored_m3),
        stock_age_days: c(v.stock_age_days),
        orders: c(v.orders),
        units_per_order: v.units_per_order.clamp(1, 1_000),
        carrier_per_parcel_minor: v.carrier_per_parcel_minor.clamp(0, 100_000_000),
        returns: c(v.returns),
        disposals: c(v.disposals),
        ..v.clone()
    };
    let expected = |n: i64, name: &str| {
        (0..n.clamp(0, 100_000)).map(|i| format!("{name} {}", i + 1)).collect::<Vec<_>>()
    };
    let orders = expected(v.orders, "order");
    let facts = Facts {
        cartons: vec![Counted { reference: "expected inbound".into(), count: v.cartons_in.max(0) }],
        pallets: vec![Counted { reference: "expected inbound".into(), count: v.pallets_in.max(0) }],
        stock: (0..v.days.clamp(0, 31))
            .map(|d| StockDay {
                day: format!("day {}", d + 1),
                volumes: vec![(v.stock_age_days.max(0), v.stored_m3.max(0) * 1_000_000)],
            })
            .collect(),
        orders_packed: orders
            .iter()
            .map(|o| Counted { reference: o.clone(), count: v.units_per_order.max(1) })
            .collect(),
        boxes: if v.box_code.is_empty() {
            Vec::new()
        } else {
            orders.iter().map(|o| (o.clone(), v.box_code.clone())).collect()
        },
        labels: orders.clone(),
        carrier: orders
            .iter()
            .map(|o| CarrierCharge {
                reference: o.clone(),
                price_minor: v.carrier_per_parcel_minor.max(0),
                currency: fees.currency.clone(),
            })
            .collect(),
        returns: expected(v.returns, "return"),
        disposals: expected(v.disposals, "disposal"),
    };
    let mut lines = charge(fees, &facts);
    for l in &mut lines {
        // A quote names no facts: only how many.
        l.sources.clear();
    }
    lines
}
