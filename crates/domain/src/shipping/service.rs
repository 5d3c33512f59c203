//! Carrier services (SHP-1): the operator's catalogue of logistics services, each with where it
//! goes from and to, its rate card and its limits. A service arrives as `ServiceInput` (the API's
//! and the CSV's shape, also how it is stored) and is checked into a `CarrierService`, naming the
//! field and the fix for every mistake.

use jiff::civil::Time;
use serde::{Deserialize, Serialize};

use crate::inventory::Trait;
use crate::kernel::{Currency, FieldError, FieldErrors, is_known_country};

/// The four kinds of service the source documents name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ServiceKind {
    InternationalExpress,
    DedicatedLine,
    PostalSmallPacket,
    /// Delivery inside the country of an overseas warehouse.
    LocalDelivery,
}

impl ServiceKind {
    pub const ALL: [ServiceKind; 4] =
        [Self::InternationalExpress, Self::DedicatedLine, Self::PostalSmallPacket, Self::LocalDelivery];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InternationalExpress => "international_express",
            Self::DedicatedLine => "dedicated_line",
            Self::PostalSmallPacket => "postal_small_packet",
            Self::LocalDelivery => "local_delivery",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// Where a service delivers: a country, and only postcodes starting with one of the prefixes when
/// any are given (`"US"` with `["9"]`: the US west coast).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Zone {
    pub country: String,
    pub postcode_prefixes: Vec<String>,
}

impl Zone {
    /// Whether the zone holds the address: same country, and a listed prefix when there are any
    /// (compared without spaces, case-insensitively).
    pub fn holds(&self, country: &str, postcode: &str) -> bool {
        if !self.country.eq_ignore_ascii_case(country.trim()) {
            return false;
        }
        let code: String = postcode.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        self.postcode_prefixes.is_empty()
            || self.postcode_prefixes.iter().any(|p| code.starts_with(p.as_str()))
    }
}

/// A weight bracket: parcels up to `up_to_g` pay `first_minor` for the first `first_g` and
/// `additional_minor` for every started `additional_g` above it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Bracket {
    pub up_to_g: i64,
    pub first_g: i64,
    pub first_minor: i64,
    pub additional_g: i64,
    pub additional_minor: i64,
}

/// A service as the API, the CSV import and the store write it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceInput {
    /// The operator's code for it, e.g. `RM-TRACKED-48`.
    pub code: String,
    pub name: String,
    /// The carrier, e.g. `Royal Mail`.
    pub carrier: String,
    /// `international_express`, `dedicated_line`, `postal_small_packet` or `local_delivery`.
    pub kind: String,
    /// Codes of the warehouses it collects from; empty: every warehouse.
    pub origins: Vec<String>,
    pub zones: Vec<Zone>,
    /// The rate card's currency (ISO 4217).
    pub currency: String,
    pub brackets: Vec<Bracket>,
    /// cm³ per kg for the volumetric weight (5000 or 6000 usually); 0: weight only.
    pub volumetric_divisor: i64,
    pub min_charge_minor: i64,
    /// Fuel surcharge in basis points of the freight (1250 = 12.5 %).
    pub fuel_surcharge_bp: i64,
    /// Surcharge for addresses in `remote_zones`.
    pub remote_surcharge_minor: i64,
    pub remote_zones: Vec<Zone>,
    /// Surcharge for a parcel whose longest side exceeds `oversize_over_mm` (0: none).
    pub oversize_surcharge_minor: i64,
    pub oversize_over_mm: i64,
    pub max_weight_g: i64,
    /// Longest side; 0: no limit.
    pub max_length_mm: i64,
    /// Longest side plus twice the other two; 0: no limit.
    pub max_girth_mm: i64,
    /// Restricted traits it may carry (`un3481`, `liquid`, `magnet`, …); the others it refuses.
    pub allowed_traits: Vec<String>,
    /// Highest declared value, in the rate card's currency's minor units; 0: no limit.
    pub max_declared_minor: i64,
    pub transit_days_min: u32,
    pub transit_days_max: u32,
    /// Parcels handed over after this local time leave the next working day, e.g. `16:00`.
    pub cutoff: String,
    /// Whether it is offered (true when left out).
    pub active: Option<bool>,
    /// How its tracking numbers are made: `s10` (UPU S10: `number_prefix` two letters, e.g. `RR`,
    /// and `number_country`), `range` (`number_prefix` then a serial; the default, with the code
    /// as prefix) or `easypost` (the label and number bought through EasyPost from the carrier
    /// named `carrier`, with the service `easypost_service`).
    pub numbers: String,
    pub number_prefix: String,
    pub number_country: String,
    /// The service's name at EasyPost, e.g. `Priority` (for `numbers: easypost`).
    pub easypost_service: String,
}

/// How a service's tracking numbers are made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Numbering {
    S10 {
        prefix: String,
        country: String,
    },
    Range {
        prefix: String,
    },
    /// Bought through EasyPost: the carrier's label and number for this service.
    EasyPost {
        service: String,
    },
}

/// A checked service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarrierService {
    pub code: String,
    pub name: String,
    pub carrier: String,
    pub kind: ServiceKind,
    pub origins: Vec<String>,
    pub zones: Vec<Zone>,
    pub currency: Currency,
    /// By `up_to_g`, ascending.
    pub brackets: Vec<Bracket>,
    pub volumetric_divisor: i64,
    pub min_charge_minor: i64,
    pub fuel_surcharge_bp: i64,
    pub remote_surcharge_minor: i64,
    pub remote_zones: Vec<Zone>,
    pub oversize_surcharge_minor: i64,
    pub oversize_over_mm: i64,
    pub max_weight_g: i64,
    pub max_length_mm: i64,
    pub max_girth_mm: i64,
    pub allowed_traits: Vec<Trait>,
    pub max_declared_minor: i64,
    pub transit_days: (u32, u32),
    pub cutoff: Time,
    pub active: bool,
    pub numbering: Numbering,
}

/// Traits a service must name to carry them: batteries, liquids, magnets, blades, flammables.
pub fn needs_permission(t: Trait) -> bool {
    !matches!(t, Trait::Fragile | Trait::Valuable | Trait::Bulky)
}

fn zones(e: &mut FieldErrors, field: &str, raw: &[Zone]) -> Vec<Zone> {
    let mut out = Vec::new();
    for (n, z) in raw.iter().enumerate() {
        let country = z.country.trim().to_uppercase();
        if !is_known_country(&country) {
            e.add(
                &format!("{field}[{n}].country"),
                "unknown_country",
                "country must be an ISO 3166-1 alpha-2 code, e.g. US",
            );
        }
        let prefixes: Vec<String> = z
            .postcode_prefixes
            .iter()
            .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase())
            .filter(|p| !p.is_empty())
            .collect();
        out.push(Zone { country, postcode_prefixes: prefixes });
    }
    out
}

/// Checks a service, naming every problem.
pub fn validate_service(i: &ServiceInput) -> Result<CarrierService, Vec<FieldError>> {
    let mut e = FieldErrors::new();
    let code = i.code.trim().to_uppercase();
    if code.is_empty() || code.len() > 40 || code.chars().any(char::is_whitespace) {
        e.add("code", "invalid_code", "code must be 1-40 characters without spaces, e.g. RM-TRACKED-48");
    }
    for (field, value) in [("name", &i.name), ("carrier", &i.carrier)] {
        if value.trim().is_empty() || value.chars().count() > 100 {
            e.add(field, "required", format!("{field} must be 1-100 characters"));
        }
    }
    let kind = ServiceKind::parse(&i.kind);
    if kind.is_none() {
        e.add(
            "kind",
            "unknown_kind",
            "kind must be one of: international_express, dedicated_line, postal_small_packet, local_delivery",
        );
    }
    let zones_to = zones(&mut e, "zones", &i.zones);
    if zones_to.is_empty() {
        e.add(
            "zones",
            "required",
            "list the destinations: [{\"country\": \"US\", \"postcode_prefixes\": []}]",
        );
    }
    let remote = zones(&mut e, "remote_zones", &i.remote_zones);
    let currency = Currency::parse(&i.currency);
    if currency.is_none() {
        e.add("currency", "unknown_currency", "currency must be an ISO 4217 code, e.g. GBP");
    }
    let mut brackets = i.brackets.clone();
    brackets.sort_by_key(|b| b.up_to_g);
    if brackets.is_empty() {
        e.add(
            "brackets",
            "required",
            "give at least one weight bracket: up_to_g, first_g, first_minor, additional_g, additional_minor",
        );
    }
    for (n, b) in brackets.iter().enumerate() {
        let f = |name: &str| format!("brackets[{n}].{name}");
        if b.up_to_g < 1 || b.first_g < 1 || b.first_g > b.up_to_g {
            e.add(
                &f("up_to_g"),
                "out_of_range",
                "up_to_g and first_g must be 1 or more, first_g at most up_to_g",
            );
        }
        let price = 0..=100_000_000;
        if !price.contains(&b.first_minor) || !price.contains(&b.additional_minor) || b.additional_g < 0 {
            e.add(
                &f("first_minor"),
                "out_of_range",
                "prices must be 0 to 100000000 and additional_g 0 or more",
            );
        }
        if b.additional_g == 0 && b.additional_minor > 0 {
            e.add(&f("additional_g"), "required", "additional_g must be set when additional_minor is");
        }
    }
    for (field, v, max) in [
        ("volumetric_divisor", i.volumetric_divisor, 20_000),
        ("min_charge_minor", i.min_charge_minor, 100_000_000),
        ("fuel_surcharge_bp", i.fuel_surcharge_bp, 10_000),
        ("remote_surcharge_minor", i.remote_surcharge_minor, 100_000_000),
        ("oversize_surcharge_minor", i.oversize_surcharge_minor, 100_000_000),
        ("oversize_over_mm", i.oversize_over_mm, 10_000),
        ("max_length_mm", i.max_length_mm, 10_000),
        ("max_girth_mm", i.max_girth_mm, 30_000),
        ("max_declared_minor", i.max_declared_minor, 10_000_000_000),
    ] {
        if !(0..=max).contains(&v) {
            e.add(field, "out_of_range", format!("{field} must be 0 to {max}"));
        }
    }
    if !(1..=1_000_000).contains(&i.max_weight_g) {
        e.add("max_weight_g", "out_of_range", "max_weight_g must be 1 to 1000000 grams");
    }
    let mut allowed = Vec::new();
    for (n, t) in i.allowed_traits.iter().enumerate() {
        match Trait::parse(t) {
            Some(t) if !allowed.contains(&t) => allowed.push(t),
            Some(_) => {}
            None => e.add(
                &format!("allowed_traits[{n}]"),
                "unknown_trait",
                format!("trait '{t}' is unknown, e.g. un3481, liquid"),
            ),
        }
    }
    if i.transit_days_max < i.transit_days_min || i.transit_days_max > 120 {
        e.add(
            "transit_days_max",
            "out_of_range",
            "transit_days_max must be at least transit_days_min and at most 120",
        );
    }
    let cutoff = if i.cutoff.trim().is_empty() {
        Some(Time::constant(23, 59, 0, 0))
    } else {
        i.cutoff.trim().parse::<Time>().ok()
    };
    if cutoff.is_none() {
        e.add("cutoff", "invalid_time", "cutoff must be a local time like 16:00");
    }
    let numbering = numbering(&mut e, i, &code);
    e.into_result()?;
    let (Some(kind), Some(currency), Some(cutoff)) = (kind, currency, cutoff) else {
        unreachable!("checked above")
    };
    Ok(CarrierService {
        code,
        name: i.name.trim().to_string(),
        carrier: i.carrier.trim().to_string(),
        kind,
        origins: i.origins.iter().map(|o| o.trim().to_uppercase()).filter(|o| !o.is_empty()).collect(),
        zones: zones_to,
        currency,
        brackets,
        volumetric_divisor: i.volumetric_divisor,
        min_charge_minor: i.min_charge_minor,
        fuel_surcharge_bp: i.fuel_surcharge_bp,
        remote_surcharge_minor: i.remote_surcharge_minor,
        remote_zones: remote,
        oversize_surcharge_minor: i.oversize_surcharge_minor,
        oversize_over_mm: i.oversize_over_mm,
        max_weight_g: i.max_weight_g,
        max_length_mm: i.max_length_mm,
        max_girth_mm: i.max_girth_mm,
        allowed_traits: allowed,
        max_declared_minor: i.max_declared_minor,
        transit_days: (i.transit_days_min, i.transit_days_max),
        cutoff,
        active: i.active.unwrap_or(true),
        numbering,
    })
}

/// The numbering a service asks for, checked.
fn numbering(e: &mut FieldErrors, i: &ServiceInput, code: &str) -> Numbering {
    let prefix = i.number_prefix.trim().to_uppercase();
    let country = i.number_country.trim().to_uppercase();
    match i.numbers.trim() {
        "s10" => {
            if prefix.len() != 2 || !prefix.chars().all(|c| c.is_ascii_uppercase()) {
                e.add(
                    "number_prefix",
                    "invalid_prefix",
                    "an S10 service's number_prefix is two letters, e.g. RR or LX",
                );
            }
            if !is_known_country(&country) {
                e.add(
                    "number_country",
                    "unknown_country",
                    "number_country is the post's ISO country code, e.g. GB",
                );
            }
            Numbering::S10 { prefix, country }
        }
        "" | "range" => {
            let prefix = if prefix.is_empty() {
                code.chars().filter(char::is_ascii_alphanumeric).take(6).collect()
            } else {
                prefix
            };
            // Prefix and ten digits stay within 16 characters, so the barcode fits a 4×6 label.
            if prefix.len() > 6 || !prefix.chars().all(|c| c.is_ascii_alphanumeric()) {
                e.add(
                    "number_prefix",
                    "invalid_prefix",
                    "number_prefix is up to 6 letters and digits, e.g. DPD",
                );
            }
            Numbering::Range { prefix }
        }
        "easypost" => {
            let service = i.easypost_service.trim().to_string();
            if service.is_empty() || service.len() > 60 {
                e.add(
                    "easypost_service",
                    "required",
                    "name the service as EasyPost rates it, e.g. Priority or ExpressWorldwide",
                );
            }
            Numbering::EasyPost { service }
        }
        _ => {
            e.add("numbers", "unknown_numbering", "numbers must be s10, range or easypost");
            Numbering::Range { prefix }
        }
    }
}

impl CarrierService {
    /// The service written back as input (what the store keeps and the API shows).
    pub fn to_input(&self) -> ServiceInput {
        ServiceInput {
            code: self.code.clone(),
            name: self.name.clone(),
            carrier: self.carrier.clone(),
            kind: self.kind.as_str().into(),
            origins: self.origins.clone(),
            zones: self.zones.clone(),
            currency: self.currency.code().into(),
            brackets: self.brackets.clone(),
            volumetric_divisor: self.volumetric_divisor,
            min_charge_minor: self.min_charge_minor,
            fuel_surcharge_bp: self.fuel_surcharge_bp,
            remote_surcharge_minor: self.remote_surcharge_minor,
            remote_zones: self.remote_zones.clone(),
            oversize_surcharge_minor: self.oversize_surcharge_minor,
            oversize_over_mm: self.oversize_over_mm,
            max_weight_g: self.max_weight_g,
            max_length_mm: self.max_length_mm,
            max_girth_mm: self.max_girth_mm,
            allowed_traits: self.allowed_traits.iter().map(|t| t.as_str().to_string()).collect(),
            max_declared_minor: self.max_declared_minor,
            transit_days_min: self.transit_days.0,
            transit_days_max: self.transit_days.1,
            cutoff: format!("{:02}:{:02}", self.cutoff.hour(), self.cutoff.minute()),
            active: Some(self.active),
            numbers: match self.numbering {
                Numbering::S10 { .. } => "s10",
                Numbering::Range { .. } => "range",
                Numbering::EasyPost { .. } => "easypost",
            }
            .into(),
            number_prefix: match &self.numbering {
                Numbering::S10 { prefix, .. } | Numbering::Range { prefix } => prefix.clone(),
                Numbering::EasyPost { .. } => String::new(),
            },
            number_country: match &self.numbering {
                Numbering::S10 { country, .. } => country.clone(),
                _ => String::new(),
            },
            easypost_service: match &self.numbering {
                Numbering::EasyPost { service } => service.clone(),
                _ => String::new(),
            },
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A postal small packet to the US from Manchester: 2 kg, no batteries.
    pub(crate) fn small_packet() -> ServiceInput {
        ServiceInput {
            code: "rm-ipp".into(),
            name: "International small packet".into(),
            carrier: "Royal Mail".into(),
            kind: "postal_small_packet".into(),
            origins: vec!["uk-man".into()],
            zones: vec![Zone { country: "us".into(), postcode_prefixes: vec![] }],
            currency: "GBP".into(),
            brackets: vec![
                Bracket {
                    up_to_g: 2_000,
                    first_g: 100,
                    first_minor: 450,
                    additional_g: 100,
                    additional_minor: 60,
                },
                Bracket {
                    up_to_g: 500,
                    first_g: 100,
                    first_minor: 400,
                    additional_g: 100,
                    additional_minor: 50,
                },
            ],
            volumetric_divisor: 0,
            min_charge_minor: 500,
            fuel_surcharge_bp: 0,
            remote_zones: vec![Zone {
                country: "US".into(),
                postcode_prefixes: vec!["995".into(), "967 ".into()],
            }],
            remote_surcharge_minor: 300,
            max_weight_g: 2_000,
            max_length_mm: 600,
            max_girth_mm: 900,
            transit_days_min: 6,
            transit_days_max: 10,
            cutoff: "15:30".into(),
            numbers: "s10".into(),
            number_prefix: "lx".into(),
            number_country: "gb".into(),
            ..ServiceInput::default()
        }
    }

    #[test]
    fn a_good_service_is_normalised_and_reads_back() {
        let s = validate_service(&small_packet()).unwrap();
        assert_eq!(
            (s.code.as_str(), s.kind, s.origins[0].as_str()),
            ("RM-IPP", ServiceKind::PostalSmallPacket, "UK-MAN")
        );
        assert_eq!(s.brackets[0].up_to_g, 500, "brackets sorted by weight");
        assert_eq!(s.remote_zones[0].postcode_prefixes, ["995", "967"]);
        assert_eq!(s.cutoff, Time::constant(15, 30, 0, 0));
        assert_eq!(s.numbering, Numbering::S10 { prefix: "LX".into(), country: "GB".into() });
        let plain = validate_service(&ServiceInput {
            numbers: String::new(),
            number_prefix: String::new(),
            ..small_packet()
        })
        .unwrap();
        assert_eq!(
            plain.numbering,
            Numbering::Range { prefix: "RMIPP".into() },
            "the code's letters and digits"
        );
        let long = ServiceInput { code: "DPD-NEXT-DAY".into(), ..plain.to_input() };
        assert_eq!(
            validate_service(&long).unwrap().numbering,
            Numbering::Range { prefix: "RMIPP".into() },
            "a stored prefix stays"
        );
        let fresh = ServiceInput { number_prefix: String::new(), ..long };
        assert_eq!(
            validate_service(&fresh).unwrap().numbering,
            Numbering::Range { prefix: "DPDNEX".into() },
            "six at most"
        );
        assert_eq!(validate_service(&s.to_input()), Ok(s), "what is stored checks back to the same service");
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = ServiceInput {
            code: "a b".into(),
            kind: "by_pigeon".into(),
            zones: vec![Zone { country: "XX".into(), postcode_prefixes: vec![] }],
            currency: "GBX".into(),
            brackets: vec![Bracket {
                up_to_g: 100,
                first_g: 200,
                first_minor: -1,
                additional_g: 0,
                additional_minor: 5,
            }],
            fuel_surcharge_bp: 20_000,
            max_weight_g: 0,
            allowed_traits: vec!["sharp".into()],
            transit_days_min: 5,
            transit_days_max: 3,
            cutoff: "25:00".into(),
            numbers: "s10".into(),
            number_prefix: "R".into(),
            ..ServiceInput::default()
        };
        let fields: Vec<String> = validate_service(&bad).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "code",
                "name",
                "carrier",
                "kind",
                "zones[0].country",
                "currency",
                "brackets[0].up_to_g",
                "brackets[0].first_minor",
                "brackets[0].additional_g",
                "fuel_surcharge_bp",
                "max_weight_g",
                "allowed_traits[0]",
                "transit_days_max",
                "cutoff",
                "number_prefix",
                "number_country",
            ]
        );
    }

    #[test]
    fn zones_match_by_country_and_postcode_prefix() {
        let west = Zone { country: "US".into(), postcode_prefixes: vec!["9".into()] };
        assert!(west.holds("us", "94105"));
        assert!(!west.holds("US", "10001"));
        assert!(!west.holds("CA", "94105"));
        let uk = Zone { country: "GB".into(), postcode_prefixes: vec!["EC1".into()] };
        assert!(uk.holds("GB", "ec1y 8sy"), "spaces and case do not matter");
        assert!(Zone { country: "DE".into(), postcode_prefixes: vec![] }.holds("DE", ""));
    }
}
