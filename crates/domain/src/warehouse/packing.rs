//! Packing (WMS-6, WMS-7, WMS-8): how an order's items are split into packages by their traits,
//! the marks each package needs, the box chosen from the catalogue, the weight check and the
//! share of packages sent to a spot check.
//!
//! | group                 | holds                                   | marks                          |
//! |-----------------------|-----------------------------------------|--------------------------------|
//! | fragile               | fragile items, packed apart from others | FRAGILE (+ the others they need) |
//! | cells                 | lithium cells alone (UN3480, UN3090)    | the UN number's battery mark   |
//! | liquid                | liquids, in leak-proof packing          | LEAK-PROOF                     |
//! | general               | everything else, incl. batteries in equipment (UN3481, UN3091) | the UN number's battery mark when it has one |
//!
//! Every package with a valuable item is sealed tamper-evident. A group that fits no single box
//! is split over several boxes of the largest size; an item that fits no box ships in its own
//! packaging. Every choice carries its explanation.

use serde::Serialize;

use crate::inventory::Trait;

/// One SKU of an order, with what packing needs to know.
#[derive(Clone, Debug)]
pub struct PackItem<S> {
    pub sku_id: S,
    pub sku: String,
    pub qty: i64,
    pub traits: Vec<Trait>,
    /// Length, width, height of one unit; zeros when unknown.
    pub dims_mm: [i64; 3],
    pub weight_g: i64,
}

/// A box of the catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoxType {
    pub code: String,
    /// Inner length, width, height.
    pub inner_mm: [i64; 3],
    pub max_weight_g: i64,
    /// The empty box's weight.
    pub tare_g: i64,
}

impl BoxType {
    fn volume(&self) -> i64 {
        self.inner_mm.iter().product()
    }
}

/// A mark a package must carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING-KEBAB-CASE")]
pub enum PackageMark {
    Fragile,
    LeakProof,
    TamperEvident,
    Un3480,
    Un3481,
    Un3090,
    Un3091,
}

impl PackageMark {
    pub const ALL: [PackageMark; 7] = [
        Self::Fragile,
        Self::LeakProof,
        Self::TamperEvident,
        Self::Un3480,
        Self::Un3481,
        Self::Un3090,
        Self::Un3091,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fragile => "FRAGILE",
            Self::LeakProof => "LEAK-PROOF",
            Self::TamperEvident => "TAMPER-EVIDENT",
            Self::Un3480 => "UN3480",
            Self::Un3481 => "UN3481",
            Self::Un3090 => "UN3090",
            Self::Un3091 => "UN3091",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// The instruction the packer reads for this mark.
    pub fn instruction(self) -> &'static str {
        match self {
            Self::Fragile => "wrap each item, fill the gaps, mark the box FRAGILE",
            Self::LeakProof => "seal liquids in a leak-proof bag with absorbent, this way up",
            Self::TamperEvident => "seal with tamper-evident tape",
            Self::Un3480 => "lithium-ion cells alone: UN3480 battery mark, protect terminals",
            Self::Un3481 => "lithium-ion battery in or with equipment: UN3481 battery mark",
            Self::Un3090 => "lithium metal cells alone: UN3090 battery mark, protect terminals",
            Self::Un3091 => "lithium metal battery in or with equipment: UN3091 battery mark",
        }
    }

    fn of(t: Trait) -> Option<Self> {
        match t {
            Trait::Fragile => Some(Self::Fragile),
            Trait::Liquid => Some(Self::LeakProof),
            Trait::Valuable => Some(Self::TamperEvident),
            Trait::Un3480 => Some(Self::Un3480),
            Trait::Un3481 => Some(Self::Un3481),
            Trait::Un3090 => Some(Self::Un3090),
            Trait::Un3091 => Some(Self::Un3091),
            _ => None,
        }
    }
}

/// Which items may share a package.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    General,
    Fragile,
    Liquid,
    Cells,
}

fn group_of(traits: &[Trait]) -> Group {
    if traits.contains(&Trait::Fragile) {
        Group::Fragile
    } else if traits.iter().any(|t| matches!(t, Trait::Un3480 | Trait::Un3090)) {
        Group::Cells
    } else if traits.contains(&Trait::Liquid) {
        Group::Liquid
    } else {
        Group::General
    }
}

/// A package to pack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedPackage<S> {
    /// SKU and units.
    pub items: Vec<(S, i64)>,
    pub marks: Vec<PackageMark>,
    /// `None`: the item ships in its own packaging.
    pub box_code: Option<String>,
    /// Items plus box.
    pub expected_weight_g: i64,
    /// Why this box (or none).
    pub explanation: String,
}

fn sorted(d: [i64; 3]) -> [i64; 3] {
    let mut d = d;
    d.sort_unstable();
    d
}

fn fits_one(item: &PackItem<impl Clone>, b: &BoxType) -> bool {
    let (i, o) = (sorted(item.dims_mm), sorted(b.inner_mm));
    i.iter().zip(o).all(|(a, b)| *a <= b) && item.weight_g <= b.max_weight_g
}

/// Whether units fit a box: each unit fits on its own, the units' volume is at most 90% of the
/// box (room for filling) and their weight at most its limit.
fn fits(units: &[(&PackItem<impl Clone>, i64)], b: &BoxType) -> bool {
    let volume: i64 = units.iter().map(|(i, q)| i.dims_mm.iter().product::<i64>() * q).sum();
    let weight: i64 = units.iter().map(|(i, q)| i.weight_g * q).sum();
    units.iter().all(|(i, _)| fits_one(i, b))
        && volume * 10 <= b.volume() * 9
        && weight + b.tare_g <= b.max_weight_g
}

/// Splits an order's items into packages (see the module table) and chooses their boxes.
pub fn plan_packages<S: Clone + Eq>(items: &[PackItem<S>], boxes: &[BoxType]) -> Vec<PlannedPackage<S>> {
    let mut boxes: Vec<&BoxType> = boxes.iter().collect();
    boxes.sort_by_key(|b| (b.volume(), b.code.clone()));
    let mut groups: Vec<(Group, Vec<&PackItem<S>>)> = Vec::new();
    for item in items.iter().filter(|i| i.qty > 0) {
        let g = group_of(&item.traits);
        match groups.iter_mut().find(|(k, _)| *k == g) {
            Some((_, v)) => v.push(item),
            None => groups.push((g, vec![item])),
        }
    }
    groups.sort_by_key(|(g, _)| *g);
    let mut out = Vec::new();
    for (_, members) in groups {
        pack_group(&members, &boxes, &mut out);
    }
    out
}

fn marks_of<S>(units: &[(&PackItem<S>, i64)]) -> Vec<PackageMark> {
    let mut marks: Vec<PackageMark> =
        units.iter().flat_map(|(i, _)| i.traits.iter().filter_map(|t| PackageMark::of(*t))).collect();
    marks.sort();
    marks.dedup();
    marks
}

fn package<S: Clone>(
    units: &[(&PackItem<S>, i64)],
    b: Option<&BoxType>,
    explanation: String,
) -> PlannedPackage<S> {
    let items_g: i64 = units.iter().map(|(i, q)| i.weight_g * q).sum();
    PlannedPackage {
        items: units.iter().map(|(i, q)| (i.sku_id.clone(), *q)).collect(),
        marks: marks_of(units),
        box_code: b.map(|b| b.code.clone()),
        expected_weight_g: items_g + b.map_or(0, |b| b.tare_g),
        explanation,
    }
}

fn pack_group<S: Clone + Eq>(members: &[&PackItem<S>], boxes: &[&BoxType], out: &mut Vec<PlannedPackage<S>>) {
    let all: Vec<(&PackItem<S>, i64)> = members.iter().map(|i| (*i, i.qty)).collect();
    if boxes.is_empty() {
        out.push(package(&all, None, "no boxes in the catalogue: pack in the items' own packaging".into()));
        return;
    }
    if let Some(b) = boxes.iter().find(|b| fits(&all, b)) {
        let why = format!("{}: the smallest box that holds every item", b.code);
        out.push(package(&all, Some(b), why));
        return;
    }
    // Fallback: fill boxes of the largest size unit by unit; what fits no box goes on its own.
    let largest = boxes[boxes.len() - 1];
    let mut current: Vec<(&PackItem<S>, i64)> = Vec::new();
    for item in members {
        // An item no box holds on its own (too big, or too heavy with the box) ships as it is.
        if !fits(&[(*item, 1)], largest) {
            let why = format!("{} fits no box in the catalogue: ship in its own packaging", item.sku);
            out.push(package(&[(*item, item.qty)], None, why));
            continue;
        }
        for _ in 0..item.qty {
            add_unit(&mut current, item);
            if !fits(&current, largest) {
                remove_unit(&mut current, item);
                if !current.is_empty() {
                    let why = format!(
                        "no single box holds them all: split over boxes of the largest size, {}",
                        largest.code
                    );
                    out.push(package(&current, Some(largest), why));
                }
                current = vec![(*item, 1)];
            }
        }
    }
    if !current.is_empty() {
        let why =
            format!("no single box holds them all: split over boxes of the largest size, {}", largest.code);
        out.push(package(&current, Some(largest), why));
    }
}

fn add_unit<'a, S: Eq>(units: &mut Vec<(&'a PackItem<S>, i64)>, item: &'a PackItem<S>) {
    match units.iter_mut().find(|(i, _)| i.sku_id == item.sku_id) {
        Some((_, q)) => *q += 1,
        None => units.push((item, 1)),
    }
}

fn remove_unit<S: Eq>(units: &mut Vec<(&PackItem<S>, i64)>, item: &PackItem<S>) {
    if let Some(pos) = units.iter().position(|(i, _)| i.sku_id == item.sku_id) {
        units[pos].1 -= 1;
        if units[pos].1 == 0 {
            units.remove(pos);
        }
    }
}

/// Whether a weighed package is within tolerance of its expected weight: the larger of
/// `tolerance_pct` percent and `tolerance_min_g` grams.
pub fn weight_within_tolerance(
    expected_g: i64,
    measured_g: i64,
    tolerance_pct: i64,
    tolerance_min_g: i64,
) -> bool {
    let allowed = (expected_g * tolerance_pct / 100).max(tolerance_min_g);
    (measured_g - expected_g).abs() <= allowed
}

/// Whether a package goes to the spot check: a stable share of packages (`share_pct` in 100),
/// decided by the package's id so the same package always gets the same answer.
pub fn selected_for_spot_check(package_id: uuid::Uuid, share_pct: i64) -> bool {
    let b = package_id.as_bytes();
    let n = u16::from_be_bytes([b[14], b[15]]) % 100;
    i64::from(n) < share_pct
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(
        sku: &'static str,
        qty: i64,
        traits: &[Trait],
        dims: [i64; 3],
        weight_g: i64,
    ) -> PackItem<&'static str> {
        PackItem { sku_id: sku, sku: sku.into(), qty, traits: traits.to_vec(), dims_mm: dims, weight_g }
    }

    fn boxes() -> Vec<BoxType> {
        vec![
            BoxType { code: "M".into(), inner_mm: [400, 300, 200], max_weight_g: 15_000, tare_g: 300 },
            BoxType { code: "S".into(), inner_mm: [250, 200, 100], max_weight_g: 5_000, tare_g: 150 },
        ]
    }

    #[test]
    fn fragile_items_go_apart_and_a_battery_in_equipment_carries_its_mark() {
        let lamp = item("LAMP", 1, &[Trait::Fragile], [300, 200, 150], 800);
        let camera = item("CAM", 1, &[Trait::Un3481], [120, 80, 60], 300);
        let plan = plan_packages(&[lamp, camera], &boxes());
        assert_eq!(plan.len(), 2);
        assert_eq!(
            (plan[0].items.clone(), plan[0].marks.clone()),
            (vec![("CAM", 1)], vec![PackageMark::Un3481])
        );
        assert_eq!(
            (plan[1].items.clone(), plan[1].marks.clone()),
            (vec![("LAMP", 1)], vec![PackageMark::Fragile])
        );
        assert_eq!(plan[0].box_code.as_deref(), Some("S"), "the smallest box that fits");
        assert_eq!(plan[1].box_code.as_deref(), Some("M"));
        assert_eq!(plan[0].expected_weight_g, 450);
    }

    #[test]
    fn cells_and_liquids_each_get_their_own_package_and_valuables_are_sealed() {
        let pb = item("PB", 1, &[Trait::Un3480], [150, 70, 25], 400);
        let oil = item("OIL", 2, &[Trait::Liquid], [60, 60, 150], 250);
        let ring = item("RING", 1, &[Trait::Valuable], [50, 50, 40], 50);
        let plan = plan_packages(&[pb, oil, ring], &boxes());
        let marks: Vec<Vec<PackageMark>> = plan.iter().map(|p| p.marks.clone()).collect();
        assert_eq!(
            marks,
            [vec![PackageMark::TamperEvident], vec![PackageMark::LeakProof], vec![PackageMark::Un3480]]
        );
    }

    #[test]
    fn a_group_no_box_holds_is_split_and_an_oversized_item_ships_as_it_is() {
        let books = item("BOOK", 10, &[], [240, 170, 40], 1_400);
        let plan = plan_packages(&[books], &boxes());
        let units: Vec<i64> = plan.iter().map(|p| p.items[0].1).collect();
        assert_eq!(units, [10], "ten books fit one M box");
        let heavy = item("BOOK", 12, &[], [240, 170, 40], 1_400);
        let plan = plan_packages(&[heavy], &boxes());
        let units: Vec<i64> = plan.iter().map(|p| p.items[0].1).collect();
        assert_eq!(units, [10, 2], "split by the 15 kg limit");
        assert!(plan[0].explanation.contains("split"));
        let anvil = item("ANVIL", 2, &[], [300, 250, 200], 14_900);
        let plan = plan_packages(&[anvil], &boxes());
        assert_eq!(plan.len(), 1, "no empty package: {plan:?}");
        assert_eq!(
            (plan[0].box_code.clone(), plan[0].items.clone()),
            (None, vec![("ANVIL", 2)]),
            "too heavy with any box's tare"
        );
        let rug = item("RUG", 1, &[], [2_000, 300, 300], 5_000);
        let plan = plan_packages(&[rug], &boxes());
        assert_eq!(plan[0].box_code, None);
        assert!(plan[0].explanation.contains("own packaging"), "{}", plan[0].explanation);
    }

    #[test]
    fn weight_tolerance_is_a_share_with_a_floor() {
        assert!(weight_within_tolerance(1_000, 1_049, 5, 20));
        assert!(!weight_within_tolerance(1_000, 1_051, 5, 20));
        assert!(weight_within_tolerance(100, 119, 5, 20), "the 20 g floor");
        assert!(!weight_within_tolerance(100, 121, 5, 20));
    }

    #[test]
    fn the_spot_check_takes_about_its_share_and_always_the_same_packages() {
        let ids: Vec<uuid::Uuid> = (0..1000u128).map(|n| uuid::Uuid::from_u128(n * 7919)).collect();
        let chosen = ids.iter().filter(|id| selected_for_spot_check(**id, 10)).count();
        assert!((80..=120).contains(&chosen), "{chosen} of 1000");
        assert!(ids.iter().all(|id| selected_for_spot_check(*id, 10) == selected_for_spot_check(*id, 10)));
        assert!(!ids.iter().any(|id| selected_for_spot_check(*id, 0)));
    }
}
