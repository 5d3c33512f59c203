//! What becomes of a returned unit (AFS-5): the condition the inspection finds, and the merchant's
//! standing rule for each condition, used when the inspection names no disposition itself.

use super::Disposition;

/// The condition of a returned unit, as the inspection finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemCondition {
    /// The item sold, intact and fit to sell again.
    Resaleable,
    /// The item sold, but damaged or not fit to sell again.
    Damaged,
    /// Not the item sold.
    NotOriginal,
}

impl ItemCondition {
    pub const ALL: [ItemCondition; 3] = [Self::Resaleable, Self::Damaged, Self::NotOriginal];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resaleable => "resaleable",
            Self::Damaged => "damaged",
            Self::NotOriginal => "not_original",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    /// The condition of what the inspection found.
    pub fn of(intact: bool, original_item: bool, resaleable: bool) -> Self {
        match (original_item, intact && resaleable) {
            (false, _) => Self::NotOriginal,
            (true, true) => Self::Resaleable,
            (true, false) => Self::Damaged,
        }
    }

    /// Whether goods in this condition may have `d` done to them: only a resaleable unit goes
    /// back into stock.
    pub fn allows(self, d: Disposition) -> bool {
        d != Disposition::Restock || self == Self::Resaleable
    }
}

/// The disposition for a unit in `condition`: the inspection's own, else the merchant's standing
/// rule for the condition; `None` when neither names one.
pub fn disposition_for(
    named: Option<Disposition>,
    condition: ItemCondition,
    rules: &[(ItemCondition, Disposition)],
) -> Option<Disposition> {
    named.or_else(|| rules.iter().find(|(c, _)| *c == condition).map(|(_, d)| *d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Disposition::*;
    use ItemCondition::*;

    #[test]
    fn the_inspection_finds_one_condition_for_every_combination() {
        let table = [
            ((true, true, true), Resaleable),
            ((true, true, false), Damaged),
            ((false, true, true), Damaged),
            ((false, true, false), Damaged),
            ((true, false, true), NotOriginal),
            ((true, false, false), NotOriginal),
            ((false, false, true), NotOriginal),
            ((false, false, false), NotOriginal),
        ];
        for ((intact, original, resaleable), want) in table {
            assert_eq!(
                ItemCondition::of(intact, original, resaleable),
                want,
                "{intact} {original} {resaleable}"
            );
        }
        for c in ItemCondition::ALL {
            assert_eq!(ItemCondition::parse(c.as_str()), Some(c));
        }
    }

    #[test]
    fn only_resaleable_goods_are_restocked() {
        for c in ItemCondition::ALL {
            for d in Disposition::ALL {
                assert_eq!(c.allows(d), d != Restock || c == Resaleable, "{c:?} {d:?}");
            }
        }
    }

    #[test]
    fn the_inspections_own_disposition_wins_over_the_standing_rule() {
        let rules = [(Resaleable, Restock), (Damaged, ReturnToOrigin)];
        assert_eq!(disposition_for(Some(Destroy), Damaged, &rules), Some(Destroy));
        assert_eq!(disposition_for(None, Damaged, &rules), Some(ReturnToOrigin));
        assert_eq!(disposition_for(None, Resaleable, &rules), Some(Restock));
        assert_eq!(disposition_for(None, NotOriginal, &rules), None);
    }
}
