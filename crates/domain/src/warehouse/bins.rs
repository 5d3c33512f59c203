//! Storage locations (INV-1, WMS-3): a bin is zone-aisle-rack-level-position with a place in the
//! walking order, a capacity in units (0: no limit) and the traits it may hold; and the rules
//! that suggest where received goods go.
//!
//! Storage rule: a SKU with a restricted trait (lithium batteries, flammable goods, aerosols) goes
//! only into a bin that allows that trait; a bin that allows traits still takes ordinary goods.

use serde::{Deserialize, Serialize};

use crate::inventory::Trait;
use crate::kernel::{FieldError, FieldErrors};

/// A bin as an import row or an API body gives it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BinInput {
    pub zone: String,
    pub aisle: String,
    pub rack: String,
    pub level: String,
    pub position: String,
    /// Place in the pickers' walking order (lower first).
    pub walk_sequence: i64,
    /// Units the bin holds at most; 0 for no limit.
    pub capacity_units: i64,
    /// Traits the bin may hold besides ordinary goods, e.g. `un3480`, `flammable`, `fragile`.
    pub allowed_traits: Vec<String>,
    /// Whether the bin is a pallet position (counted against the warehouse's pallet capacity).
    pub pallet: bool,
}

/// A checked bin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewBin {
    /// `ZONE-AISLE-RACK-LEVEL-POSITION`, upper case: what is printed on the bin and scanned.
    pub code: String,
    pub zone: String,
    pub walk_sequence: i64,
    pub capacity_units: i64,
    pub allowed_traits: Vec<Trait>,
    pub pallet: bool,
}

/// Traits that need a bin allowing them.
pub fn is_restricted(t: Trait) -> bool {
    matches!(
        t,
        Trait::Un3480 | Trait::Un3481 | Trait::Un3090 | Trait::Un3091 | Trait::Flammable | Trait::Aerosol
    )
}

/// Whether a bin allowing `allowed` may store a SKU with `traits`.
pub fn bin_accepts(allowed: &[Trait], traits: &[Trait]) -> bool {
    traits.iter().all(|t| !is_restricted(*t) || allowed.contains(t))
}

/// Checks a bin; `field` prefixes field names (`rows[3].` in an import).
pub fn validate_bin(i: &BinInput, field: &str) -> Result<NewBin, Vec<FieldError>> {
    let mut e = FieldErrors::new();
    let mut parts = Vec::new();
    for (name, value) in [
        ("zone", &i.zone),
        ("aisle", &i.aisle),
        ("rack", &i.rack),
        ("level", &i.level),
        ("position", &i.position),
    ] {
        let v = value.trim().to_uppercase();
        if v.is_empty() || v.len() > 8 || !v.chars().all(|c| c.is_ascii_alphanumeric()) {
            e.add(
                &format!("{field}{name}"),
                "invalid",
                format!("{name} must be 1 to 8 letters or digits, e.g. A or 03"),
            );
        }
        parts.push(v);
    }
    if !(0..=10_000_000).contains(&i.walk_sequence) {
        e.add(
            &format!("{field}walk_sequence"),
            "out_of_range",
            "walk_sequence must be 0 to 10000000 (lower is walked first)",
        );
    }
    if !(0..=1_000_000).contains(&i.capacity_units) {
        e.add(
            &format!("{field}capacity_units"),
            "out_of_range",
            "capacity_units must be 0 (no limit) to 1000000",
        );
    }
    let mut allowed = Vec::new();
    for (n, t) in i.allowed_traits.iter().enumerate() {
        match Trait::parse(t) {
            Some(t) if !allowed.contains(&t) => allowed.push(t),
            Some(_) => {}
            None => e.add(
                &format!("{field}allowed_traits[{n}]"),
                "unknown_trait",
                format!("unknown trait {t:?}; use one of {}", Trait::ALL.map(Trait::as_str).join(", ")),
            ),
        }
    }
    e.into_result()?;
    Ok(NewBin {
        code: parts.join("-"),
        zone: parts[0].clone(),
        walk_sequence: i.walk_sequence,
        capacity_units: i.capacity_units,
        allowed_traits: allowed,
        pallet: i.pallet,
    })
}

/// A bin as the put-away rules see it.
#[derive(Clone, Debug)]
pub struct BinSpace<Id> {
    pub id: Id,
    pub code: String,
    pub walk_sequence: i64,
    pub capacity_units: i64,
    pub allowed_traits: Vec<Trait>,
    /// Whether this bin is the SKU's fixed bin.
    pub fixed_for_sku: bool,
    /// Whether the bin is fixed for another SKU (then nothing else goes in).
    pub fixed_for_other: bool,
    /// Units of this SKU in the bin.
    pub this_sku: i64,
    /// Units of every SKU in the bin.
    pub total: i64,
}

impl<Id> BinSpace<Id> {
    fn room_for(&self, qty: i64) -> bool {
        self.capacity_units == 0 || self.capacity_units - self.total >= qty
    }
}

/// Which rule chose a bin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PutAwayRule {
    FixedBin,
    SameSku,
    NearestFree,
}

impl PutAwayRule {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FixedBin => "fixed_bin",
            Self::SameSku => "bin_holding_the_sku",
            Self::NearestFree => "nearest_free_bin",
        }
    }
}

/// Where `qty` units of a SKU with `traits` should go: the SKU's fixed bin; else the first bin in
/// walking order that already holds the SKU and has room; else the first empty bin in walking
/// order that accepts the SKU. `None` when no bin qualifies.
pub fn suggest_put_away<Id: Clone>(
    bins: &[BinSpace<Id>],
    traits: &[Trait],
    qty: i64,
) -> Option<(Id, PutAwayRule)> {
    let mut ordered: Vec<&BinSpace<Id>> =
        bins.iter().filter(|b| bin_accepts(&b.allowed_traits, traits)).collect();
    ordered.sort_by(|a, b| (a.walk_sequence, &a.code).cmp(&(b.walk_sequence, &b.code)));
    let pick = |rule: PutAwayRule, f: &dyn Fn(&BinSpace<Id>) -> bool| {
        ordered.iter().find(|b| f(b) && b.room_for(qty)).map(|b| (b.id.clone(), rule))
    };
    pick(PutAwayRule::FixedBin, &|b| b.fixed_for_sku)
        .or_else(|| pick(PutAwayRule::SameSku, &|b| b.this_sku > 0 && !b.fixed_for_other))
        .or_else(|| pick(PutAwayRule::NearestFree, &|b| b.total == 0 && !b.fixed_for_other))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(zone: &str, pos: &str) -> BinInput {
        BinInput {
            zone: zone.into(),
            aisle: "01".into(),
            rack: "02".into(),
            level: "1".into(),
            position: pos.into(),
            walk_sequence: 10,
            capacity_units: 100,
            allowed_traits: vec![],
            pallet: pos == "P",
        }
    }

    #[test]
    fn a_bin_code_is_its_five_parts_in_upper_case() {
        assert_eq!(validate_bin(&input("a", "b"), "").unwrap().code, "A-01-02-1-B");
        assert!(validate_bin(&input("a", "P"), "").unwrap().pallet, "a pallet position stays one");
        let mut bad = input("A/1", "");
        bad.allowed_traits = vec!["radioactive".into()];
        let fields: Vec<String> =
            validate_bin(&bad, "rows[2].").unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["rows[2].zone", "rows[2].position", "rows[2].allowed_traits[0]"]);
    }

    fn space(code: &str, seq: i64, total: i64, this_sku: i64) -> BinSpace<String> {
        BinSpace {
            id: code.into(),
            code: code.into(),
            walk_sequence: seq,
            capacity_units: 100,
            allowed_traits: vec![],
            fixed_for_sku: false,
            fixed_for_other: false,
            this_sku,
            total,
        }
    }

    #[test]
    fn put_away_prefers_the_fixed_bin_then_the_skus_bin_then_the_nearest_free_one() {
        let mut bins = vec![space("A", 1, 0, 0), space("B", 5, 40, 40), space("C", 9, 0, 0)];
        assert_eq!(suggest_put_away(&bins, &[], 10), Some(("B".into(), PutAwayRule::SameSku)));
        assert_eq!(
            suggest_put_away(&bins, &[], 70),
            Some(("A".into(), PutAwayRule::NearestFree)),
            "B is too full"
        );
        bins[2].fixed_for_sku = true;
        assert_eq!(suggest_put_away(&bins, &[], 10), Some(("C".into(), PutAwayRule::FixedBin)));
        bins[0].fixed_for_other = true;
        bins[2].fixed_for_sku = false;
        assert_eq!(
            suggest_put_away(&bins, &[], 70),
            Some(("C".into(), PutAwayRule::NearestFree)),
            "A belongs to another SKU"
        );
        bins[2].total = 50;
        assert_eq!(suggest_put_away(&bins, &[], 70), None, "B and C are too full for 70");
    }

    #[test]
    fn batteries_go_only_to_a_bin_that_allows_them() {
        let mut bins = vec![space("GEN", 1, 0, 0), space("BAT", 50, 0, 0)];
        bins[1].allowed_traits = vec![Trait::Un3480];
        assert_eq!(suggest_put_away(&bins, &[Trait::Un3480], 5).map(|s| s.0), Some("BAT".into()));
        assert_eq!(suggest_put_away(&bins, &[Trait::Fragile], 5).map(|s| s.0), Some("GEN".into()));
        assert!(bin_accepts(&[Trait::Un3480], &[]), "a battery bin still takes ordinary goods");
        assert!(!bin_accepts(&[], &[Trait::Aerosol]));
    }
}
