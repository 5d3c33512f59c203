//! Waves and picking (WMS-4): which confirmed orders go into a wave, which bin each unit is taken
//! from, the walking order of the pick list, and the check of every scan.
//!
//! A wave takes orders urgent first, then express, then oldest, up to its size, and only orders
//! whose every unit lies in a bin now (units still on the dock wait for put-away). Units are taken
//! earliest expiry first (FEFO) and otherwise from bins in walking order, so one picker walks the
//! warehouse once; the pick list names the lot of every unit it takes.

use std::collections::HashMap;
use std::hash::Hash;

use jiff::civil::Date;

use super::barcode::Scan;
use crate::kernel::Millis;

/// A confirmed order that could join a wave.
#[derive(Clone, Debug)]
pub struct WaveOrder<O, S> {
    pub order_id: O,
    pub urgent: bool,
    pub express: bool,
    pub created_at: Millis,
    /// SKU and units to pick.
    pub lines: Vec<(S, i64)>,
}

/// Units of a SKU (of one lot) in a bin, free to pick.
#[derive(Clone, Debug)]
pub struct BinStock<B, S> {
    pub bin_id: B,
    pub bin_code: String,
    pub zone: String,
    pub walk_sequence: i64,
    pub sku_id: S,
    /// Empty for stock without a lot.
    pub lot: String,
    pub expiry: Option<Date>,
    pub qty: i64,
}

/// Which orders a wave may take.
#[derive(Clone, Debug)]
pub struct WaveFilter<S> {
    pub max_orders: usize,
    pub urgent_only: bool,
    pub express_only: bool,
    /// Only orders with this SKU (a wave of orders that share it picks it once per bin visit).
    pub sku_id: Option<S>,
    /// Only orders picked wholly from this zone.
    pub zone: Option<String>,
}

/// One line of a pick list: take `qty` of a SKU from a bin for an order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedPick<O, S, B> {
    pub order_id: O,
    pub sku_id: S,
    pub bin_id: B,
    pub bin_code: String,
    pub walk_sequence: i64,
    pub lot: String,
    pub qty: i64,
}

/// Why an order stayed out of a wave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeftOut {
    /// Some of its units are not in any bin yet (on the dock, waiting for put-away).
    NotInBins,
    /// Its units lie outside the wave's zone.
    OutsideZone,
    /// The wave was full.
    WaveFull,
}

impl LeftOut {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotInBins => "not_in_bins",
            Self::OutsideZone => "outside_zone",
            Self::WaveFull => "wave_full",
        }
    }
}

/// A planned wave.
#[derive(Clone, Debug)]
pub struct WavePlan<O, S, B> {
    pub orders: Vec<O>,
    /// In walking order.
    pub picks: Vec<PlannedPick<O, S, B>>,
    pub left_out: Vec<(O, LeftOut)>,
}

/// Plans a wave from `orders` (any order) and the free bin stock.
pub fn plan_wave<O, S, B>(
    orders: &[WaveOrder<O, S>],
    stock: &[BinStock<B, S>],
    filter: &WaveFilter<S>,
) -> WavePlan<O, S, B>
where
    O: Clone + Ord + Hash,
    S: Clone + Eq + Hash,
    B: Clone + Eq + Hash,
{
    let mut ordered: Vec<&WaveOrder<O, S>> = orders
        .iter()
        .filter(|o| !filter.urgent_only || o.urgent)
        .filter(|o| !filter.express_only || o.express)
        .filter(|o| filter.sku_id.as_ref().is_none_or(|s| o.lines.iter().any(|(l, _)| l == s)))
        .collect();
    ordered.sort_by(|a, b| {
        (!a.urgent, !a.express, a.created_at, &a.order_id).cmp(&(
            !b.urgent,
            !b.express,
            b.created_at,
            &b.order_id,
        ))
    });
    let mut bins_of: HashMap<&S, Vec<&BinStock<B, S>>> = HashMap::new();
    for b in stock {
        bins_of.entry(&b.sku_id).or_default().push(b);
    }
    for bins in bins_of.values_mut() {
        bins.sort_by(|a, b| fefo_key(a).cmp(&fefo_key(b)));
    }
    let mut taken: HashMap<(B, S, String), i64> = HashMap::new();
    let mut plan = WavePlan { orders: Vec::new(), picks: Vec::new(), left_out: Vec::new() };
    for order in ordered {
        if plan.orders.len() >= filter.max_orders {
            plan.left_out.push((order.order_id.clone(), LeftOut::WaveFull));
            continue;
        }
        match assign(order, &bins_of, &taken, filter.zone.as_deref()) {
            Ok(picks) => {
                for p in &picks {
                    *taken.entry((p.bin_id.clone(), p.sku_id.clone(), p.lot.clone())).or_default() += p.qty;
                }
                plan.orders.push(order.order_id.clone());
                plan.picks.extend(picks);
            }
            Err(why) => plan.left_out.push((order.order_id.clone(), why)),
        }
    }
    let position: HashMap<&O, usize> = plan.orders.iter().enumerate().map(|(i, o)| (o, i)).collect();
    let mut picks = std::mem::take(&mut plan.picks);
    picks.sort_by(|a, b| {
        (a.walk_sequence, &a.bin_code, position.get(&a.order_id)).cmp(&(
            b.walk_sequence,
            &b.bin_code,
            position.get(&b.order_id),
        ))
    });
    plan.picks = picks;
    plan
}

/// The order stock is taken in: dated lots by expiry, then undated stock; each in walking order.
fn fefo_key<B, S>(b: &BinStock<B, S>) -> (bool, Option<Date>, i64, &str, &str) {
    (b.expiry.is_none(), b.expiry, b.walk_sequence, &b.bin_code, &b.lot)
}

/// Takes every unit of `order` from bins (earliest expiry, then walking order), or says why it
/// cannot.
fn assign<O: Clone, S: Clone + Eq + Hash, B: Clone + Eq + Hash>(
    order: &WaveOrder<O, S>,
    bins_of: &HashMap<&S, Vec<&BinStock<B, S>>>,
    taken: &HashMap<(B, S, String), i64>,
    zone: Option<&str>,
) -> Result<Vec<PlannedPick<O, S, B>>, LeftOut> {
    let mut picks: Vec<PlannedPick<O, S, B>> = Vec::new();
    let mut outside_zone = false;
    for (sku, qty) in &order.lines {
        let mut need = *qty;
        for bin in bins_of.get(sku).map(Vec::as_slice).unwrap_or_default() {
            if need == 0 {
                break;
            }
            if zone.is_some_and(|z| !bin.zone.eq_ignore_ascii_case(z)) {
                outside_zone = true;
                continue;
            }
            let used = taken.get(&(bin.bin_id.clone(), sku.clone(), bin.lot.clone())).copied().unwrap_or(0)
                + picks
                    .iter()
                    .filter(|p| p.bin_id == bin.bin_id && &p.sku_id == sku && p.lot == bin.lot)
                    .map(|p| p.qty)
                    .sum::<i64>();
            let take = need.min(bin.qty - used);
            if take > 0 {
                picks.push(PlannedPick {
                    order_id: order.order_id.clone(),
                    sku_id: sku.clone(),
                    bin_id: bin.bin_id.clone(),
                    bin_code: bin.bin_code.clone(),
                    walk_sequence: bin.walk_sequence,
                    lot: bin.lot.clone(),
                    qty: take,
                });
                need -= take;
            }
        }
        if need > 0 {
            return Err(if outside_zone { LeftOut::OutsideZone } else { LeftOut::NotInBins });
        }
    }
    Ok(picks)
}

/// Where a pick line is: `open` until its units are picked; `short` when the bin lacked units (it
/// waits in the exception queue); `asking_buyer` while the buyer is asked to take a substitute,
/// cancel or wait (INV-4), still in the queue; `resolved` once the shortage was settled (picked
/// from another bin, or a substitute taken); `cancelled` when its order was cancelled before it
/// was picked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PickLineStatus {
    Open,
    Picked,
    Short,
    AskingBuyer,
    Resolved,
    Cancelled,
}

impl PickLineStatus {
    pub const ALL: [PickLineStatus; 6] =
        [Self::Open, Self::Picked, Self::Short, Self::AskingBuyer, Self::Resolved, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Picked => "picked",
            Self::Short => "short",
            Self::AskingBuyer => "asking_buyer",
            Self::Resolved => "resolved",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether nothing more is to be done on the pick list for this line.
    pub fn is_settled(self) -> bool {
        !matches!(self, Self::Open | Self::Short | Self::AskingBuyer)
    }

    /// Whether the line waits in the exception queue for its shortage to be settled.
    pub fn is_short(self) -> bool {
        matches!(self, Self::Short | Self::AskingBuyer)
    }
}

/// What the picker must scan for one pick line.
#[derive(Clone, Debug)]
pub struct PickTarget<'a> {
    pub bin_code: &'a str,
    pub sku: &'a str,
    pub barcode: &'a str,
    /// The lot to take; empty when the stock has none.
    pub lot: &'a str,
    /// Units still to pick on this line.
    pub remaining: i64,
}

/// Why a pick scan is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PickScanError {
    #[error("wrong bin: this line is picked from {expected}; go to {expected} and scan its label")]
    WrongBin { expected: String },
    #[error("wrong item: this line is {expected}; put the item back and scan {expected}")]
    WrongItem { expected: String },
    #[error("this line is lot {expected}: scan the item's GS1 barcode or type its lot")]
    LotMissing { expected: String },
    #[error("wrong lot: this line is lot {expected}, the item is lot {found}; take one of lot {expected}")]
    WrongLot { expected: String, found: String },
    #[error("only {remaining} more of this line to pick; count again")]
    TooMany { remaining: i64 },
    #[error("this line is picked already")]
    Done,
    #[error("quantity must be 1 or more")]
    Zero,
}

/// Checks one pick scan: the bin, then the item, then its lot (read from the item's GS1 barcode,
/// or typed as `lot`), then the quantity.
pub fn check_pick(
    target: &PickTarget<'_>,
    bin: &Scan,
    item: &Scan,
    lot: Option<&str>,
    qty: i64,
) -> Result<(), PickScanError> {
    if target.remaining == 0 {
        return Err(PickScanError::Done);
    }
    if !bin.text().eq_ignore_ascii_case(target.bin_code) {
        return Err(PickScanError::WrongBin { expected: target.bin_code.to_string() });
    }
    if !item.is_item(target.sku, target.barcode) {
        return Err(PickScanError::WrongItem { expected: target.sku.to_string() });
    }
    if !target.lot.is_empty() {
        let found = item.lot().or(lot).map(str::trim).filter(|l| !l.is_empty());
        match found {
            None => return Err(PickScanError::LotMissing { expected: target.lot.to_string() }),
            Some(f) if !f.eq_ignore_ascii_case(target.lot) => {
                return Err(PickScanError::WrongLot {
                    expected: target.lot.to_string(),
                    found: f.to_string(),
                });
            }
            Some(_) => {}
        }
    }
    if qty < 1 {
        return Err(PickScanError::Zero);
    }
    if qty > target.remaining {
        return Err(PickScanError::TooMany { remaining: target.remaining });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::warehouse::barcode::read_scan;

    fn order(id: u32, urgent: bool, at: i64, lines: &[(&'static str, i64)]) -> WaveOrder<u32, &'static str> {
        WaveOrder { order_id: id, urgent, express: false, created_at: Millis(at), lines: lines.to_vec() }
    }

    fn bin(
        code: &'static str,
        zone: &str,
        seq: i64,
        sku: &'static str,
        qty: i64,
    ) -> BinStock<&'static str, &'static str> {
        BinStock {
            bin_id: code,
            bin_code: code.into(),
            zone: zone.into(),
            walk_sequence: seq,
            sku_id: sku,
            lot: String::new(),
            expiry: None,
            qty,
        }
    }

    fn lot(
        b: BinStock<&'static str, &'static str>,
        lot: &str,
        expiry: Option<&str>,
    ) -> BinStock<&'static str, &'static str> {
        BinStock { lot: lot.into(), expiry: expiry.map(|e| e.parse().unwrap()), ..b }
    }

    fn filter(max: usize) -> WaveFilter<&'static str> {
        WaveFilter { max_orders: max, urgent_only: false, express_only: false, sku_id: None, zone: None }
    }

    #[test]
    fn picks_come_in_walking_order_and_urgent_orders_first() {
        let orders = [order(1, false, 1, &[("MUG", 2), ("LAMP", 1)]), order(2, true, 5, &[("LAMP", 1)])];
        let stock =
            [bin("C-9", "C", 90, "MUG", 5), bin("A-1", "A", 10, "LAMP", 1), bin("B-2", "B", 20, "LAMP", 4)];
        let plan = plan_wave(&orders, &stock, &filter(10));
        assert_eq!(plan.orders, [2, 1], "the urgent order first");
        let walk: Vec<(&str, u32, i64)> =
            plan.picks.iter().map(|p| (p.bin_code.as_str(), p.order_id, p.qty)).collect();
        assert_eq!(
            walk,
            [("A-1", 2, 1), ("B-2", 1, 1), ("C-9", 1, 2)],
            "the urgent order took the nearest lamp"
        );
    }

    #[test]
    fn orders_not_wholly_in_bins_outside_the_zone_or_beyond_the_size_stay_out() {
        let orders = [
            order(1, false, 1, &[("LAMP", 3)]),
            order(2, false, 2, &[("LAMP", 3)]),
            order(3, false, 3, &[("MUG", 1)]),
            order(4, false, 4, &[("LAMP", 1)]),
        ];
        let stock = [bin("A-1", "A", 1, "LAMP", 4), bin("B-1", "B", 2, "MUG", 9)];
        let plan = plan_wave(&orders, &stock, &filter(10));
        assert_eq!(plan.orders, [1, 3, 4]);
        assert_eq!(plan.left_out, [(2, LeftOut::NotInBins)], "only one lamp was left after order 1");
        let zoned = WaveFilter { zone: Some("a".into()), ..filter(10) };
        let plan = plan_wave(&orders, &stock, &zoned);
        assert_eq!(plan.orders, [1, 4]);
        assert!(plan.left_out.contains(&(3, LeftOut::OutsideZone)));
        let plan = plan_wave(&orders, &stock, &filter(1));
        assert_eq!(plan.orders, [1]);
        assert_eq!(plan.left_out.iter().filter(|(_, w)| *w == LeftOut::WaveFull).count(), 3);
        let by_sku = WaveFilter { sku_id: Some("MUG"), ..filter(10) };
        assert_eq!(plan_wave(&orders, &stock, &by_sku).orders, [3]);
    }

    #[test]
    fn the_earliest_expiry_goes_first_even_from_a_farther_bin() {
        let orders = [order(1, false, 1, &[("TEA", 3)]), order(2, false, 2, &[("TEA", 2)])];
        let stock = [
            lot(bin("A-1", "A", 1, "TEA", 5), "L-LATE", Some("2028-01-31")),
            lot(bin("C-9", "C", 90, "TEA", 2), "L-SOON", Some("2027-03-31")),
            bin("A-2", "A", 2, "TEA", 9),
            lot(bin("C-9", "C", 90, "TEA", 1), "L-MID", Some("2027-06-30")),
        ];
        let plan = plan_wave(&orders, &stock, &filter(10));
        let taken: Vec<(u32, &str, &str, i64)> =
            plan.picks.iter().map(|p| (p.order_id, p.bin_code.as_str(), p.lot.as_str(), p.qty)).collect();
        assert_eq!(
            taken,
            [(2, "A-1", "L-LATE", 2), (1, "C-9", "L-SOON", 2), (1, "C-9", "L-MID", 1)],
            "soonest lots first; undated stock only when the dated lots run out"
        );
    }

    #[test]
    fn a_scan_is_checked_bin_then_item_then_quantity() {
        let t = PickTarget {
            bin_code: "A-01-02-1-B",
            sku: "LAMP",
            barcode: "4006381333931",
            lot: "",
            remaining: 2,
        };
        let s = |x: &str| read_scan(x).unwrap();
        assert_eq!(check_pick(&t, &s("a-01-02-1-b"), &s("4006381333931"), None, 2), Ok(()));
        assert_eq!(
            check_pick(&t, &s("LAMP"), &s("LAMP"), None, 1),
            Err(PickScanError::WrongBin { expected: "A-01-02-1-B".into() })
        );
        assert_eq!(
            check_pick(&t, &s("A-01-02-1-B"), &s("MUG"), None, 1),
            Err(PickScanError::WrongItem { expected: "LAMP".into() })
        );
        assert_eq!(
            check_pick(&t, &s("A-01-02-1-B"), &s("lamp"), None, 3),
            Err(PickScanError::TooMany { remaining: 2 })
        );
        let done = PickTarget { remaining: 0, ..t };
        assert_eq!(check_pick(&done, &s("A-01-02-1-B"), &s("LAMP"), None, 1), Err(PickScanError::Done));
    }

    #[test]
    fn line_statuses_read_back_and_only_open_and_short_ones_wait() {
        use PickLineStatus as S;
        let table = [
            (S::Open, "open", false, false),
            (S::Picked, "picked", true, false),
            (S::Short, "short", false, true),
            (S::AskingBuyer, "asking_buyer", false, true),
            (S::Resolved, "resolved", true, false),
            (S::Cancelled, "cancelled", true, false),
        ];
        assert_eq!(table.len(), S::ALL.len());
        for (status, name, settled, short) in table {
            assert_eq!((status.as_str(), S::parse(name)), (name, Some(status)));
            assert_eq!((status.is_settled(), status.is_short()), (settled, short), "{name}");
        }
    }

    #[test]
    fn a_lot_line_needs_the_lot_from_the_barcode_or_typed() {
        let t =
            PickTarget { bin_code: "B-1", sku: "TEA", barcode: "4006381333931", lot: "L-SOON", remaining: 2 };
        let s = |x: &str| read_scan(x).unwrap();
        let bin = s("B-1");
        assert_eq!(check_pick(&t, &bin, &s("(01)04006381333931(10)l-soon"), None, 1), Ok(()));
        assert_eq!(check_pick(&t, &bin, &s("TEA"), Some(" l-soon "), 1), Ok(()));
        assert_eq!(
            check_pick(&t, &bin, &s("TEA"), None, 1),
            Err(PickScanError::LotMissing { expected: "L-SOON".into() })
        );
        assert_eq!(
            check_pick(&t, &bin, &s("(01)04006381333931(10)L-LATE"), Some("L-SOON"), 1),
            Err(PickScanError::WrongLot { expected: "L-SOON".into(), found: "L-LATE".into() }),
            "what the barcode says beats what was typed"
        );
        let plain = PickTarget { lot: "", ..t };
        assert_eq!(check_pick(&plain, &bin, &s("(01)04006381333931(10)ANY"), None, 1), Ok(()));
    }
}
