//! Choosing the warehouses that ship an order (INV-7).
//!
//! Preference: a warehouse in the destination country, then an overseas warehouse, then by code.
//! One warehouse that can ship the whole order wins; otherwise the operator's policy either
//! splits the order across warehouses or takes what the best warehouse has and backorders the
//! rest. Staff may force a warehouse.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::WarehouseKind;
use crate::kernel::{SkuId, WarehouseId};

/// Quantity one order line needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineNeed {
    pub line_no: u32,
    pub sku_id: SkuId,
    pub qty: i64,
}

/// A warehouse and what it has available, by SKU id.
#[derive(Clone, Debug)]
pub struct WarehouseStock {
    pub warehouse_id: WarehouseId,
    pub code: String,
    pub country: String,
    pub kind: WarehouseKind,
    pub available: HashMap<SkuId, i64>,
}

/// What to do when no single warehouse can ship the whole order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllocationPolicy {
    /// Ship from several warehouses.
    Split,
    /// Reserve what the best warehouse has; backorder the rest.
    SingleWarehouse,
}

impl AllocationPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Split => "split",
            Self::SingleWarehouse => "single_warehouse",
        }
    }
}

/// What approval does with units no warehouse has (INV-4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShortagePolicy {
    /// Approve, reserve what there is and backorder the rest.
    Backorder,
    /// Put the order on hold with the shortages as its reasons; reserve nothing.
    Hold,
}

impl ShortagePolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Backorder => "backorder",
            Self::Hold => "hold",
        }
    }
}

/// Part of a line: `qty` units from `warehouse_id`, or backordered when `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    pub line_no: u32,
    pub warehouse_id: Option<WarehouseId>,
    pub qty: i64,
}

fn preference(w: &WarehouseStock, destination: &str) -> (u8, u8, String) {
    let same_country = u8::from(!w.country.eq_ignore_ascii_case(destination));
    let overseas = u8::from(w.kind != WarehouseKind::Overseas);
    (same_country, overseas, w.code.clone())
}

/// Plans where each line's units come from. Quantities never exceed what `warehouses` report.
pub fn plan_allocation(
    lines: &[LineNeed],
    warehouses: &[WarehouseStock],
    destination: &str,
    policy: AllocationPolicy,
    forced: Option<WarehouseId>,
) -> Vec<Placement> {
    let mut ranked: Vec<&WarehouseStock> = warehouses.iter().collect();
    ranked.sort_by_key(|w| preference(w, destination));
    if let Some(id) = forced {
        ranked.retain(|w| w.warehouse_id == id);
        return take_from(lines, &ranked);
    }
    let covers_all = |w: &&&WarehouseStock| {
        let mut need: HashMap<SkuId, i64> = HashMap::new();
        for l in lines {
            *need.entry(l.sku_id).or_default() += l.qty;
        }
        need.iter().all(|(sku, qty)| w.available.get(sku).copied().unwrap_or(0) >= *qty)
    };
    if let Some(w) = ranked.iter().find(covers_all) {
        return take_from(lines, &[*w]);
    }
    match policy {
        AllocationPolicy::Split => take_from(lines, &ranked),
        AllocationPolicy::SingleWarehouse => {
            let coverage = |w: &WarehouseStock| -> i64 {
                lines.iter().map(|l| l.qty.min(w.available.get(&l.sku_id).copied().unwrap_or(0))).sum()
            };
            // The best-ranked among those covering the most units.
            let best = ranked.iter().copied().rev().max_by_key(|w| coverage(w));
            take_from(lines, &best.into_iter().collect::<Vec<_>>())
        }
    }
}

/// Takes each line from the warehouses in order; what none has is backordered.
fn take_from(lines: &[LineNeed], warehouses: &[&WarehouseStock]) -> Vec<Placement> {
    let mut left: HashMap<(WarehouseId, SkuId), i64> = HashMap::new();
    for w in warehouses {
        for (sku, qty) in &w.available {
            left.insert((w.warehouse_id, *sku), (*qty).max(0));
        }
    }
    let mut out = Vec::new();
    for l in lines {
        let mut remaining = l.qty;
        for w in warehouses {
            if remaining == 0 {
                break;
            }
            let have = left.entry((w.warehouse_id, l.sku_id)).or_insert(0);
            let take = remaining.min(*have);
            if take > 0 {
                *have -= take;
                remaining -= take;
                out.push(Placement { line_no: l.line_no, warehouse_id: Some(w.warehouse_id), qty: take });
            }
        }
        if remaining > 0 {
            out.push(Placement { line_no: l.line_no, warehouse_id: None, qty: remaining });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::named;

    fn wh(id: &str, country: &str, kind: WarehouseKind, stock: &[(&str, i64)]) -> WarehouseStock {
        WarehouseStock {
            warehouse_id: named(id),
            code: id.into(),
            country: country.into(),
            kind,
            available: stock.iter().map(|(s, q)| (named(s), *q)).collect(),
        }
    }

    fn line(n: u32, sku: &str, qty: i64) -> LineNeed {
        LineNeed { line_no: n, sku_id: named(sku), qty }
    }

    #[test]
    fn a_warehouse_in_the_destination_country_that_has_everything_wins() {
        let ws = [
            wh("cn", "CN", WarehouseKind::Origin, &[("a", 9), ("b", 9)]),
            wh("uk", "GB", WarehouseKind::Overseas, &[("a", 5), ("b", 1)]),
        ];
        let plan =
            plan_allocation(&[line(1, "a", 2), line(2, "b", 1)], &ws, "GB", AllocationPolicy::Split, None);
        assert!(plan.iter().all(|p| p.warehouse_id == Some(named("uk"))));
    }

    #[test]
    fn a_whole_order_elsewhere_beats_splitting() {
        let ws = [
            wh("cn", "CN", WarehouseKind::Origin, &[("a", 9), ("b", 9)]),
            wh("uk", "GB", WarehouseKind::Overseas, &[("a", 5)]),
        ];
        let plan =
            plan_allocation(&[line(1, "a", 2), line(2, "b", 1)], &ws, "GB", AllocationPolicy::Split, None);
        assert!(plan.iter().all(|p| p.warehouse_id == Some(named("cn"))));
    }

    #[test]
    fn splitting_takes_what_each_has_and_backorders_the_rest() {
        let ws = [
            wh("cn", "CN", WarehouseKind::Origin, &[("a", 3)]),
            wh("uk", "GB", WarehouseKind::Overseas, &[("a", 2)]),
        ];
        let plan = plan_allocation(&[line(1, "a", 7)], &ws, "GB", AllocationPolicy::Split, None);
        assert_eq!(
            plan,
            [
                Placement { line_no: 1, warehouse_id: Some(named("uk")), qty: 2 },
                Placement { line_no: 1, warehouse_id: Some(named("cn")), qty: 3 },
                Placement { line_no: 1, warehouse_id: None, qty: 2 },
            ]
        );
    }

    #[test]
    fn single_warehouse_policy_backorders_instead_of_splitting() {
        let ws = [
            wh("cn", "CN", WarehouseKind::Origin, &[("a", 3)]),
            wh("uk", "GB", WarehouseKind::Overseas, &[("a", 2)]),
        ];
        let plan = plan_allocation(&[line(1, "a", 7)], &ws, "GB", AllocationPolicy::SingleWarehouse, None);
        assert_eq!(
            plan,
            [
                Placement { line_no: 1, warehouse_id: Some(named("cn")), qty: 3 },
                Placement { line_no: 1, warehouse_id: None, qty: 4 }
            ]
        );
    }

    #[test]
    fn two_lines_of_one_sku_never_take_more_than_there_is() {
        let ws = [wh("uk", "GB", WarehouseKind::Overseas, &[("a", 3)])];
        let plan =
            plan_allocation(&[line(1, "a", 2), line(2, "a", 2)], &ws, "GB", AllocationPolicy::Split, None);
        let taken: i64 = plan.iter().filter(|p| p.warehouse_id.is_some()).map(|p| p.qty).sum();
        assert_eq!(taken, 3);
    }

    #[test]
    fn a_forced_warehouse_is_used_even_when_another_is_better() {
        let ws = [
            wh("cn", "CN", WarehouseKind::Origin, &[("a", 1)]),
            wh("uk", "GB", WarehouseKind::Overseas, &[("a", 9)]),
        ];
        let plan = plan_allocation(&[line(1, "a", 2)], &ws, "GB", AllocationPolicy::Split, Some(named("cn")));
        assert_eq!(
            plan,
            [
                Placement { line_no: 1, warehouse_id: Some(named("cn")), qty: 1 },
                Placement { line_no: 1, warehouse_id: None, qty: 1 }
            ]
        );
    }
}

/// Where an order's stock stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllocationState {
    /// Nothing reserved (not approved yet, on hold, or closed).
    None,
    /// Every unit reserved.
    Reserved,
    /// Some units reserved, the rest backordered.
    Partial,
    /// Nothing reserved yet; every unit waits for stock.
    Backordered,
}

impl AllocationState {
    pub const ALL: [AllocationState; 4] = [Self::None, Self::Reserved, Self::Partial, Self::Backordered];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Reserved => "reserved",
            Self::Partial => "partial",
            Self::Backordered => "backordered",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// After reserving: whether anything was reserved, and whether anything is still short.
    pub fn after_reserving(reserved_any: bool, short: bool) -> Self {
        match (reserved_any, short) {
            (_, false) => Self::Reserved,
            (false, true) => Self::Backordered,
            (true, true) => Self::Partial,
        }
    }
}

#[cfg(test)]
mod allocation_state_tests {
    use super::AllocationState;

    #[test]
    fn names_round_trip_and_reserving_decides_the_state() {
        for a in AllocationState::ALL {
            assert_eq!(AllocationState::parse(a.as_str()), Some(a));
        }
        assert_eq!(AllocationState::parse("all"), None);
        let cases = [
            (true, false, AllocationState::Reserved),
            (false, false, AllocationState::Reserved),
            (false, true, AllocationState::Backordered),
            (true, true, AllocationState::Partial),
        ];
        for (reserved_any, short, state) in cases {
            assert_eq!(
                AllocationState::after_reserving(reserved_any, short),
                state,
                "{reserved_any} {short}"
            );
        }
    }
}
