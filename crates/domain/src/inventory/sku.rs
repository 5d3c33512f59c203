//! SKUs and warehouses: what each holds and how it is checked.

use serde::{Deserialize, Serialize};

use crate::kernel::{Currency, FieldError, FieldErrors, is_known_country};

/// Product traits that decide packing, carriers and whether goods may go at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trait {
    Fragile,
    Liquid,
    Valuable,
    Bulky,
    Flammable,
    Aerosol,
    Magnet,
    Blade,
    /// Lithium-ion cells or batteries alone.
    Un3480,
    /// Lithium-ion batteries packed with or contained in equipment.
    Un3481,
    /// Lithium metal batteries alone.
    Un3090,
    /// Lithium metal batteries packed with or contained in equipment.
    Un3091,
}

impl Trait {
    pub const ALL: [Trait; 12] = [
        Trait::Fragile,
        Trait::Liquid,
        Trait::Valuable,
        Trait::Bulky,
        Trait::Flammable,
        Trait::Aerosol,
        Trait::Magnet,
        Trait::Blade,
        Trait::Un3480,
        Trait::Un3481,
        Trait::Un3090,
        Trait::Un3091,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fragile => "fragile",
            Self::Liquid => "liquid",
            Self::Valuable => "valuable",
            Self::Bulky => "bulky",
            Self::Flammable => "flammable",
            Self::Aerosol => "aerosol",
            Self::Magnet => "magnet",
            Self::Blade => "blade",
            Self::Un3480 => "un3480",
            Self::Un3481 => "un3481",
            Self::Un3090 => "un3090",
            Self::Un3091 => "un3091",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s.trim().to_ascii_lowercase())
    }
}

/// Origin warehouses ship from the seller's country; overseas warehouses hold stock in the
/// destination market.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarehouseKind {
    Origin,
    Overseas,
}

impl WarehouseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Origin => "origin",
            Self::Overseas => "overseas",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "origin" => Some(Self::Origin),
            "overseas" => Some(Self::Overseas),
            _ => None,
        }
    }
}

/// A SKU as a caller sends it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SkuInput {
    pub sku: String,
    pub name: String,
    pub barcode: String,
    pub weight_g: i64,
    pub length_mm: i64,
    pub width_mm: i64,
    pub height_mm: i64,
    pub declared_value_minor: i64,
    pub declared_currency: String,
    pub hs_code: String,
    pub origin_country: String,
    /// After-sales policy category, e.g. `apparel`, `electronics`, `food`.
    pub category: String,
    pub traits: Vec<String>,
    pub active: Option<bool>,
    /// Whether its stock is kept by lot and expiry (food, cosmetics, batteries by batch): put-away
    /// asks for the lot, picks go earliest expiry first and the picker's scan must show the lot.
    /// Left out: unchanged (false for a new SKU).
    pub lot_tracked: Option<bool>,
}

/// A checked SKU.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSku {
    pub sku: String,
    pub name: String,
    pub barcode: String,
    pub weight_g: i64,
    pub dims_mm: [i64; 3],
    pub declared_value_minor: i64,
    pub declared_currency: Currency,
    pub hs_code: String,
    pub origin_country: String,
    pub category: String,
    pub traits: Vec<Trait>,
    pub active: bool,
    /// `None`: as stored (false for a new SKU).
    pub lot_tracked: Option<bool>,
}

/// Checks a SKU, naming every problem.
pub fn validate_sku(i: &SkuInput) -> Result<NewSku, Vec<FieldError>> {
    let mut e = FieldErrors::new();
    let sku = i.sku.trim().to_string();
    if sku.is_empty() || sku.chars().count() > 64 || sku.chars().any(|c| c.is_whitespace()) {
        e.add("sku", "invalid_sku", "sku must be 1-64 characters without spaces, e.g. LMP-DESK-01");
    }
    if i.name.trim().is_empty() {
        e.add("name", "required", "name is required, e.g. Desk lamp, brass");
    }
    for (field, v) in [
        ("weight_g", i.weight_g),
        ("length_mm", i.length_mm),
        ("width_mm", i.width_mm),
        ("height_mm", i.height_mm),
    ] {
        if v < 0 {
            e.add(field, "negative", format!("{field} must be zero or more"));
        }
    }
    if i.declared_value_minor < 0 {
        e.add(
            "declared_value_minor",
            "negative",
            "declared_value_minor must be zero or more (minor units, e.g. 1999 for 19.99)",
        );
    }
    let currency = Currency::parse(if i.declared_currency.is_empty() { "USD" } else { &i.declared_currency });
    if currency.is_none() {
        e.add(
            "declared_currency",
            "unknown_currency",
            "declared_currency must be an ISO 4217 code, e.g. USD",
        );
    }
    let hs: String = i.hs_code.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
    let hs_ok = hs.is_empty() || ((6..=10).contains(&hs.len()) && hs.chars().all(|c| c.is_ascii_digit()));
    if !hs_ok {
        e.add("hs_code", "invalid_hs_code", "hs_code must be 6 to 10 digits, e.g. 8513.10 or 851310");
    }
    if !i.origin_country.is_empty() && !is_known_country(&i.origin_country) {
        e.add(
            "origin_country",
            "unknown_country",
            "origin_country must be an ISO 3166-1 alpha-2 code, e.g. CN",
        );
    }
    let mut traits = Vec::new();
    for (n, t) in i.traits.iter().enumerate() {
        match Trait::parse(t) {
            Some(t) if !traits.contains(&t) => traits.push(t),
            Some(_) => {}
            None => {
                let names: Vec<&str> = Trait::ALL.iter().map(|t| t.as_str()).collect();
                e.add(
                    &format!("traits[{n}]"),
                    "unknown_trait",
                    format!("trait '{t}' is unknown; use one of: {}", names.join(", ")),
                );
            }
        }
    }
    e.into_result()?;
    Ok(NewSku {
        sku,
        name: i.name.trim().to_string(),
        barcode: i.barcode.trim().to_string(),
        weight_g: i.weight_g,
        dims_mm: [i.length_mm, i.width_mm, i.height_mm],
        declared_value_minor: i.declared_value_minor,
        declared_currency: currency.unwrap_or_else(|| unreachable!("checked above")),
        hs_code: hs,
        origin_country: i.origin_country.trim().to_ascii_uppercase(),
        category: i.category.trim().to_ascii_lowercase(),
        traits,
        active: i.active.unwrap_or(true),
        lot_tracked: i.lot_tracked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sku_with_bad_fields_names_each() {
        let i = SkuInput {
            sku: "has space".into(),
            hs_code: "12".into(),
            traits: vec!["sharp".into()],
            ..Default::default()
        };
        let fields: Vec<String> = validate_sku(&i).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["sku", "name", "hs_code", "traits[0]"]);
    }

    #[test]
    fn a_good_sku_is_normalised() {
        let i = SkuInput {
            sku: "PB-20K".into(),
            name: "Power bank".into(),
            hs_code: "8507.60".into(),
            traits: vec!["UN3480".into()],
            origin_country: "cn".into(),
            ..Default::default()
        };
        let s = validate_sku(&i).unwrap();
        assert_eq!(
            (s.hs_code.as_str(), s.origin_country.as_str(), s.traits.as_slice()),
            ("850760", "CN", &[Trait::Un3480][..])
        );
    }
}
