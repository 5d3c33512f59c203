//! A fee schedule: the price of each service, in minor units of one currency.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::kernel::{Currency, FieldError, FieldErrors, MAX_AMOUNT_MINOR};

/// What storage is priced by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StorageBasis {
    /// Per cubic metre per day (the goods' own volume).
    #[default]
    CubicMetre,
    /// Per pallet position per day: the day's volume in whole pallets of `pallet_volume_l`.
    Pallet,
}

/// The storage price from an age on (days since the units were received).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StorageTier {
    pub from_day: i64,
    /// Minor units per m³ (or pallet) per day.
    pub per_unit_day_minor: i64,
}

/// The charging standard of a merchant's agreement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeSchedule {
    /// ISO 4217: every fee but the carriers' own charges is in it.
    #[schema(example = "GBP")]
    pub currency: String,
    #[serde(default)]
    pub inbound_per_carton_minor: i64,
    #[serde(default)]
    pub inbound_per_pallet_minor: i64,
    #[serde(default)]
    pub storage_basis: StorageBasis,
    /// Volume of a pallet position, for the pallet basis (litres).
    #[serde(default = "default_pallet_l")]
    #[schema(minimum = 1, maximum = 100000)]
    pub pallet_volume_l: i64,
    /// Ascending by `from_day`, the first from day 0 (older stock usually costs more).
    #[serde(default)]
    pub storage_tiers: Vec<StorageTier>,
    #[serde(default)]
    pub pick_pack_per_order_minor: i64,
    #[serde(default)]
    pub pick_pack_per_extra_item_minor: i64,
    /// Per box used, by box code.
    #[serde(default)]
    pub packaging_minor: BTreeMap<String, i64>,
    #[serde(default)]
    pub label_per_parcel_minor: i64,
    #[serde(default)]
    pub return_per_parcel_minor: i64,
    #[serde(default)]
    pub disposal_per_return_minor: i64,
    /// Markup on the carriers' charges passed through, in basis points (750 = 7.5%).
    #[serde(default)]
    pub carrier_markup_bp: i64,
}

fn default_pallet_l() -> i64 {
    // 1.2 m × 1.0 m × 1.5 m.
    1_800
}

impl FeeSchedule {
    /// Whole pallet positions that hold `cm3` (none for nothing).
    pub fn pallets_for(&self, cm3: i64) -> i64 {
        let pallet = self.pallet_volume_l.max(1) * 1_000;
        (cm3 + pallet - 1) / pallet
    }

    /// Every field checked; each error names its field (prefixed with `prefix`).
    pub fn validate(&self, prefix: &str) -> Result<(), Vec<FieldError>> {
        let mut errors = FieldErrors::new();
        let field = |name: &str| format!("{prefix}{name}");
        if Currency::parse(&self.currency).is_none_or(|c| c.code() != self.currency) {
            errors.add(
                &field("currency"),
                "invalid",
                "currency: an ISO 4217 code in capitals, e.g. GBP, USD, EUR",
            );
        }
        let amounts = [
            ("inbound_per_carton_minor", self.inbound_per_carton_minor),
            ("inbound_per_pallet_minor", self.inbound_per_pallet_minor),
            ("pick_pack_per_order_minor", self.pick_pack_per_order_minor),
            ("pick_pack_per_extra_item_minor", self.pick_pack_per_extra_item_minor),
            ("label_per_parcel_minor", self.label_per_parcel_minor),
            ("return_per_parcel_minor", self.return_per_parcel_minor),
            ("disposal_per_return_minor", self.disposal_per_return_minor),
        ];
        let tiers = self
            .storage_tiers
            .iter()
            .enumerate()
            .map(|(n, t)| (format!("storage_tiers[{n}].per_unit_day_minor"), t.per_unit_day_minor));
        let boxes = self.packaging_minor.iter().map(|(code, v)| (format!("packaging_minor.{code}"), *v));
        for (name, v) in amounts.into_iter().map(|(n, v)| (n.to_string(), v)).chain(tiers).chain(boxes) {
            if !(0..=MAX_AMOUNT_MINOR).contains(&v) {
                errors.add(
                    &field(&name),
                    "out_of_range",
                    format!("{name}: an amount of zero or more in minor units (pence, cents), not {v}"),
                );
            }
        }
        if !(1..=100_000).contains(&self.pallet_volume_l) {
            errors.add(
                &field("pallet_volume_l"),
                "out_of_range",
                "pallet_volume_l: 1 to 100000 litres (a 1.2 × 1.0 × 1.5 m pallet is 1800)",
            );
        }
        if !(0..=10_000).contains(&self.carrier_markup_bp) {
            errors.add(
                &field("carrier_markup_bp"),
                "out_of_range",
                "carrier_markup_bp: 0 to 10000 basis points (750 = 7.5%)",
            );
        }
        let ascending = self.storage_tiers.windows(2).all(|w| w[0].from_day < w[1].from_day);
        if self.storage_tiers.first().is_some_and(|t| t.from_day != 0) || !ascending {
            errors.add(
                &field("storage_tiers"),
                "not_ascending",
                "storage_tiers: the first from day 0, then each from a later day than the one before (e.g. 0, 31, 91)",
            );
        }
        errors.into_result()
    }
}
