//! Prohibited and restricted goods (ORD-3): operator-editable rules matched on a SKU's traits,
//! its HS code's leading digits and the destination. A `block` rule refuses the order; a `hold`
//! rule stores it on hold for a person. The defaults follow the UPU, USPS and DHL lists in
//! `shared/research/integrations.md` §5.

use serde::{Deserialize, Serialize};

use crate::inventory::Trait;

/// What a matching rule does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoodsAction {
    Block,
    Hold,
}

impl GoodsAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Block => "block",
            Self::Hold => "hold",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "block" => Some(Self::Block),
            "hold" => Some(Self::Hold),
            _ => None,
        }
    }
}

/// One rule. It matches a SKU that has `trait_` (when set) and whose HS code starts with
/// `hs_prefix` (when set), going to one of `destinations` (any when empty).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoodsRule {
    pub code: String,
    #[serde(rename = "trait")]
    pub trait_: Option<Trait>,
    pub hs_prefix: Option<String>,
    pub destinations: Vec<String>,
    pub action: GoodsAction,
    /// Why, and what to do instead.
    pub message: String,
}

impl GoodsRule {
    fn matches(&self, traits: &[Trait], hs_code: &str, destination: &str) -> bool {
        let trait_ok = self.trait_.is_none_or(|t| traits.contains(&t));
        let hs_ok = self.hs_prefix.as_deref().is_none_or(|p| !hs_code.is_empty() && hs_code.starts_with(p));
        let dest_ok = self.destinations.is_empty()
            || self.destinations.iter().any(|d| d.eq_ignore_ascii_case(destination));
        (self.trait_.is_some() || self.hs_prefix.is_some()) && trait_ok && hs_ok && dest_ok
    }
}

/// The rules that match one SKU going to `destination`, blocking rules first.
pub fn screen_goods<'r>(
    rules: &'r [GoodsRule],
    traits: &[Trait],
    hs_code: &str,
    destination: &str,
) -> Vec<&'r GoodsRule> {
    let mut hits: Vec<&GoodsRule> =
        rules.iter().filter(|r| r.matches(traits, hs_code, destination)).collect();
    hits.sort_by_key(|r| r.action != GoodsAction::Block);
    hits
}

fn rule(
    code: &str,
    trait_: Option<Trait>,
    hs: Option<&str>,
    action: GoodsAction,
    message: &str,
) -> GoodsRule {
    GoodsRule {
        code: code.into(),
        trait_,
        hs_prefix: hs.map(str::to_string),
        destinations: Vec::new(),
        action,
        message: message.into(),
    }
}

/// The rules a new operator starts with.
pub fn default_goods_rules() -> Vec<GoodsRule> {
    use GoodsAction::{Block, Hold};
    vec![
        rule(
            "LI_ION_STANDALONE",
            Some(Trait::Un3480),
            None,
            Block,
            "lithium-ion batteries shipped alone (UN3480) are refused by postal and air-express services; ship them with a dangerous-goods carrier service",
        ),
        rule(
            "LI_METAL_STANDALONE",
            Some(Trait::Un3090),
            None,
            Block,
            "lithium metal batteries shipped alone (UN3090) are prohibited on passenger aircraft and by postal services; ship them with a dangerous-goods carrier service",
        ),
        rule(
            "LI_ION_WITH_EQUIPMENT",
            Some(Trait::Un3481),
            None,
            Hold,
            "lithium-ion batteries with or in equipment (UN3481) need a carrier service that accepts them; check the service before approving",
        ),
        rule(
            "LI_METAL_WITH_EQUIPMENT",
            Some(Trait::Un3091),
            None,
            Hold,
            "lithium metal batteries with or in equipment (UN3091) need a carrier service that accepts them; check the service before approving",
        ),
        rule(
            "FLAMMABLE",
            Some(Trait::Flammable),
            None,
            Block,
            "flammable goods (perfume with alcohol, nail polish, lighter fluid) cannot be mailed internationally",
        ),
        rule(
            "AEROSOL_GAS",
            Some(Trait::Aerosol),
            None,
            Hold,
            "aerosols and compressed gas are refused by postal services; only a dangerous-goods express service may carry them",
        ),
        rule(
            "BLADE",
            Some(Trait::Blade),
            None,
            Hold,
            "knives and blades are restricted in many destinations; check the destination's rules before approving",
        ),
        rule(
            "MAGNET",
            Some(Trait::Magnet),
            None,
            Hold,
            "magnetised material may be dangerous goods by air; check the field strength before approving",
        ),
        rule(
            "ARMS_AMMUNITION",
            None,
            Some("93"),
            Block,
            "arms and ammunition (HS chapter 93) cannot be shipped",
        ),
        rule(
            "EXPLOSIVES_FIREWORKS",
            None,
            Some("36"),
            Block,
            "explosives, fireworks and matches (HS chapter 36) cannot be shipped",
        ),
        rule(
            "TOBACCO",
            None,
            Some("24"),
            Hold,
            "tobacco and e-cigarette products (HS chapter 24) need the destination's approval",
        ),
        rule("ALCOHOL", None, Some("2208"), Hold, "spirits (HS 2208) need a licensed express service"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_standalone_lithium_battery_is_blocked_everywhere() {
        let rules = default_goods_rules();
        let hits = screen_goods(&rules, &[Trait::Un3480], "850760", "GB");
        assert_eq!(hits[0].code, "LI_ION_STANDALONE");
        assert_eq!(hits[0].action, GoodsAction::Block);
    }

    #[test]
    fn destination_rules_apply_only_there() {
        let mut r = rule("AU_BATTERIES", Some(Trait::Un3481), None, GoodsAction::Block, "no");
        r.destinations = vec!["AU".into()];
        assert_eq!(screen_goods(std::slice::from_ref(&r), &[Trait::Un3481], "", "AU").len(), 1);
        assert!(screen_goods(&[r], &[Trait::Un3481], "", "NZ").is_empty());
    }

    #[test]
    fn hs_chapters_match_by_prefix_and_plain_goods_pass() {
        let rules = default_goods_rules();
        assert_eq!(screen_goods(&rules, &[], "930200", "US")[0].code, "ARMS_AMMUNITION");
        assert!(screen_goods(&rules, &[Trait::Fragile], "940520", "US").is_empty());
        assert!(screen_goods(&rules, &[], "", "US").is_empty());
    }
}
