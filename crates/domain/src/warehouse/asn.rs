//! Inbound notices (ASN, WMS-1): what a merchant says is on its way to a warehouse, and the one
//! state machine it goes through.
//!
//! | from \ action     | submit    | accept   | reject   | arrive  | start_receiving | finish_receiving | close  |
//! |-------------------|-----------|----------|----------|---------|-----------------|------------------|--------|
//! | draft             | submitted | –        | –        | –       | –               | –                | –      |
//! | submitted         | –         | accepted | rejected | –       | –               | –                | –      |
//! | accepted          | –         | –        | –        | arrived | –               | –                | –      |
//! | arrived           | –         | –        | –        | –       | receiving       | –                | –      |
//! | receiving         | –         | –        | –        | –       | –               | received         | –      |
//! | received          | –         | –        | –        | –       | –               | –                | closed |
//! | rejected, closed  | –         | –        | –        | –       | –               | –                | –      |
//!
//! The merchant drafts and submits; the warehouse accepts (when its capacity allows) or rejects
//! with a reason, records the arrival, counts (the first scan starts receiving) and confirms the
//! count, which puts the good units into stock; closing ends the file once discrepancies are
//! settled. Any other pair is an illegal transition, reported, never a panic.

use serde::{Deserialize, Serialize};

use crate::kernel::{FieldErrors, Millis};

/// Where an inbound notice is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AsnStatus {
    Draft,
    Submitted,
    Accepted,
    Rejected,
    Arrived,
    Receiving,
    Received,
    Closed,
}

/// What a merchant or the warehouse does to an inbound notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsnAction {
    Submit,
    Accept,
    Reject,
    Arrive,
    StartReceiving,
    FinishReceiving,
    Close,
}

impl AsnStatus {
    pub const ALL: [AsnStatus; 8] = [
        Self::Draft,
        Self::Submitted,
        Self::Accepted,
        Self::Rejected,
        Self::Arrived,
        Self::Receiving,
        Self::Received,
        Self::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Arrived => "arrived",
            Self::Receiving => "receiving",
            Self::Received => "received",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether the goods are still to come into stock, so their volume counts against the
    /// warehouse's capacity as expected.
    pub fn is_expected(self) -> bool {
        matches!(self, Self::Accepted | Self::Arrived | Self::Receiving)
    }
}

impl AsnAction {
    pub const ALL: [AsnAction; 7] = [
        Self::Submit,
        Self::Accept,
        Self::Reject,
        Self::Arrive,
        Self::StartReceiving,
        Self::FinishReceiving,
        Self::Close,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Accept => "accept",
            Self::Reject => "reject",
            Self::Arrive => "arrive",
            Self::StartReceiving => "start_receiving",
            Self::FinishReceiving => "finish_receiving",
            Self::Close => "close",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether the merchant (rather than the warehouse) takes this action.
    pub fn by_merchant(self) -> bool {
        self == Self::Submit
    }
}

/// The state after `action`, or `None` when the action is not allowed from `from`.
pub fn asn_transition(from: AsnStatus, action: AsnAction) -> Option<AsnStatus> {
    use AsnAction as A;
    use AsnStatus as S;
    match (from, action) {
        (S::Draft, A::Submit) => Some(S::Submitted),
        (S::Submitted, A::Accept) => Some(S::Accepted),
        (S::Submitted, A::Reject) => Some(S::Rejected),
        (S::Accepted, A::Arrive) => Some(S::Arrived),
        (S::Arrived, A::StartReceiving) => Some(S::Receiving),
        (S::Receiving, A::FinishReceiving) => Some(S::Received),
        (S::Received, A::Close) => Some(S::Closed),
        _ => None,
    }
}

/// How the goods travel to the warehouse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportMode {
    Sea,
    Air,
    Rail,
    Truck,
    Express,
}

impl TransportMode {
    pub const ALL: [TransportMode; 5] = [Self::Sea, Self::Air, Self::Rail, Self::Truck, Self::Express];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sea => "sea",
            Self::Air => "air",
            Self::Rail => "rail",
            Self::Truck => "truck",
            Self::Express => "express",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }
}

/// An inbound notice as the merchant sends it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AsnInput {
    pub warehouse_id: String,
    /// When the goods should arrive: `2026-12-01` or an RFC 3339 time.
    pub expected_arrival: String,
    /// `sea`, `air`, `rail`, `truck` or `express`.
    pub transport_mode: String,
    /// The carrier's or forwarder's reference (bill of lading, air waybill, tracking number).
    pub carrier_reference: String,
    /// Marks printed on every carton.
    pub shipping_marks: String,
    /// Groups of identical cartons.
    pub cartons: Vec<AsnCartonInput>,
    /// Pallets the shipment arrives on (0 for loose cartons): each takes a pallet position.
    pub pallets: i64,
}

/// A group of identical cartons of one SKU.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AsnCartonInput {
    /// The merchant's SKU code.
    pub sku: String,
    /// How many such cartons.
    pub carton_count: i64,
    pub units_per_carton: i64,
    pub length_mm: i64,
    pub width_mm: i64,
    pub height_mm: i64,
    pub gross_weight_g: i64,
    pub net_weight_g: i64,
}

/// A checked group of cartons.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsnCartons {
    pub sku: String,
    pub carton_count: i64,
    pub units_per_carton: i64,
    pub dims_mm: [i64; 3],
    pub gross_weight_g: i64,
    pub net_weight_g: i64,
}

impl AsnCartons {
    /// Units expected in these cartons.
    pub fn units(&self) -> i64 {
        self.carton_count * self.units_per_carton
    }

    /// Volume of these cartons in litres, rounded up.
    pub fn volume_l(&self) -> i64 {
        let [l, w, h] = self.dims_mm;
        (self.carton_count * l * w * h + 999_999) / 1_000_000
    }
}

/// A checked inbound notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAsn {
    pub expected_arrival: Millis,
    pub transport_mode: TransportMode,
    pub carrier_reference: String,
    pub shipping_marks: String,
    pub cartons: Vec<AsnCartons>,
    pub pallets: i64,
}

impl NewAsn {
    pub fn volume_l(&self) -> i64 {
        self.cartons.iter().map(AsnCartons::volume_l).sum()
    }
}

/// Cartons a notice may list at most (groups, not cartons).
pub const MAX_CARTON_GROUPS: usize = 500;

/// Parses `2026-12-01` (midnight UTC) or an RFC 3339 time.
pub fn parse_arrival(s: &str) -> Option<Millis> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Some(Millis(ts.as_millisecond()));
    }
    let date: jiff::civil::Date = s.parse().ok()?;
    let ts = date.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
    Some(Millis(ts.as_millisecond()))
}

/// Checks a notice field by field; every problem is reported with the fix.
pub fn validate_asn(i: &AsnInput) -> Result<NewAsn, Vec<crate::kernel::FieldError>> {
    let mut e = FieldErrors::new();
    let arrival = parse_arrival(&i.expected_arrival);
    if arrival.is_none() {
        e.add(
            "expected_arrival",
            "invalid",
            "expected_arrival must be a date like 2026-12-01 or an RFC 3339 time",
        );
    }
    let mode = TransportMode::parse(&i.transport_mode);
    if mode.is_none() {
        e.add("transport_mode", "invalid", "transport_mode must be one of sea, air, rail, truck, express");
    }
    if i.carrier_reference.chars().count() > 100 {
        e.add("carrier_reference", "too_long", "carrier_reference must be at most 100 characters");
    }
    if i.shipping_marks.chars().count() > 500 {
        e.add("shipping_marks", "too_long", "shipping_marks must be at most 500 characters");
    }
    if !(0..=1_000).contains(&i.pallets) {
        e.add("pallets", "out_of_range", "pallets must be 0 (loose cartons) to 1000");
    }
    if i.cartons.is_empty() {
        e.add(
            "cartons",
            "required",
            "list at least one group of cartons: sku, carton_count, units_per_carton, dimensions, weights",
        );
    }
    if i.cartons.len() > MAX_CARTON_GROUPS {
        e.add(
            "cartons",
            "too_many",
            format!("at most {MAX_CARTON_GROUPS} carton groups per notice; split the shipment"),
        );
    }
    let mut cartons = Vec::new();
    for (n, c) in i.cartons.iter().enumerate() {
        let f = |name: &str| format!("cartons[{n}].{name}");
        if c.sku.trim().is_empty() {
            e.add(&f("sku"), "required", "sku is required: the merchant's SKU code");
        }
        let mut range = |name: &str, v: i64, max: i64, what: &str| {
            if !(1..=max).contains(&v) {
                e.add(&f(name), "out_of_range", format!("{name} must be 1 to {max} {what}"));
            }
        };
        range("carton_count", c.carton_count, 10_000, "cartons");
        range("units_per_carton", c.units_per_carton, 100_000, "units");
        range("length_mm", c.length_mm, 3_000, "mm");
        range("width_mm", c.width_mm, 3_000, "mm");
        range("height_mm", c.height_mm, 3_000, "mm");
        range("gross_weight_g", c.gross_weight_g, 1_000_000, "grams");
        range("net_weight_g", c.net_weight_g, 1_000_000, "grams");
        if c.net_weight_g > c.gross_weight_g {
            e.add(
                &f("net_weight_g"),
                "above_gross",
                "net_weight_g cannot exceed gross_weight_g (the carton's weight with packing)",
            );
        }
        cartons.push(AsnCartons {
            sku: c.sku.trim().to_string(),
            carton_count: c.carton_count,
            units_per_carton: c.units_per_carton,
            dims_mm: [c.length_mm, c.width_mm, c.height_mm],
            gross_weight_g: c.gross_weight_g,
            net_weight_g: c.net_weight_g,
        });
    }
    e.into_result()?;
    match (arrival, mode) {
        (Some(expected_arrival), Some(transport_mode)) => Ok(NewAsn {
            expected_arrival,
            transport_mode,
            carrier_reference: i.carrier_reference.trim().to_string(),
            shipping_marks: i.shipping_marks.trim().to_string(),
            cartons,
            pallets: i.pallets,
        }),
        // Both were checked above: a missing one was reported and returned.
        _ => unreachable!("arrival and mode were validated"),
    }
}

/// Room in a warehouse, or what takes it: litres and pallet positions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Space {
    pub litres: i64,
    pub pallets: i64,
}

/// Why a notice does not fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OverCapacity {
    #[error(
        "the warehouse holds {capacity} litres: {used} are stored or expected, so these {incoming} do not fit"
    )]
    Litres { capacity: i64, used: i64, incoming: i64 },
    #[error(
        "the warehouse has {capacity} pallet positions: {used} are in use or booked, so these {incoming} pallets do not fit"
    )]
    Pallets { capacity: i64, used: i64, incoming: i64 },
}

/// Whether a notice taking `incoming` fits: what is stored plus what is expected plus the notice
/// must fit each limit the warehouse sets (0 sets none).
pub fn capacity_allows(
    capacity: Space,
    stored: Space,
    expected: Space,
    incoming: Space,
) -> Result<(), OverCapacity> {
    let litres = stored.litres + expected.litres;
    if capacity.litres > 0 && litres + incoming.litres > capacity.litres {
        return Err(OverCapacity::Litres {
            capacity: capacity.litres,
            used: litres,
            incoming: incoming.litres,
        });
    }
    let pallets = stored.pallets + expected.pallets;
    if capacity.pallets > 0 && pallets + incoming.pallets > capacity.pallets {
        return Err(OverCapacity::Pallets {
            capacity: capacity.pallets,
            used: pallets,
            incoming: incoming.pallets,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transition_table_is_exactly_the_documented_one() {
        use AsnAction as A;
        use AsnStatus as S;
        let allowed = [
            (S::Draft, A::Submit, S::Submitted),
            (S::Submitted, A::Accept, S::Accepted),
            (S::Submitted, A::Reject, S::Rejected),
            (S::Accepted, A::Arrive, S::Arrived),
            (S::Arrived, A::StartReceiving, S::Receiving),
            (S::Receiving, A::FinishReceiving, S::Received),
            (S::Received, A::Close, S::Closed),
        ];
        for from in S::ALL {
            for action in A::ALL {
                let want = allowed.iter().find(|(f, a, _)| *f == from && *a == action).map(|t| t.2);
                assert_eq!(asn_transition(from, action), want, "{} + {}", from.as_str(), action.as_str());
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for s in AsnStatus::ALL {
            assert_eq!(AsnStatus::parse(s.as_str()), Some(s));
        }
        for a in AsnAction::ALL {
            assert_eq!(AsnAction::parse(a.as_str()), Some(a));
        }
        for m in TransportMode::ALL {
            assert_eq!(TransportMode::parse(m.as_str()), Some(m));
        }
    }

    fn good() -> AsnInput {
        AsnInput {
            warehouse_id: "w".into(),
            expected_arrival: "2026-12-01".into(),
            transport_mode: "sea".into(),
            carrier_reference: "MSCU1234567".into(),
            shipping_marks: "ACME / UK-MAN".into(),
            cartons: vec![AsnCartonInput {
                sku: "LAMP".into(),
                carton_count: 10,
                units_per_carton: 12,
                length_mm: 600,
                width_mm: 400,
                height_mm: 400,
                gross_weight_g: 11_000,
                net_weight_g: 9_600,
            }],
            pallets: 2,
        }
    }

    #[test]
    fn a_good_notice_counts_units_and_litres() {
        let asn = validate_asn(&good()).unwrap();
        assert_eq!(asn.cartons[0].units(), 120);
        assert_eq!(asn.volume_l(), 960, "10 cartons of 96 litres");
        assert_eq!(asn.expected_arrival, Millis(1_796_083_200_000));
    }

    #[test]
    fn every_bad_field_is_named_with_its_fix() {
        let mut i = good();
        i.expected_arrival = "next tuesday".into();
        i.transport_mode = "camel".into();
        i.cartons[0].sku = " ".into();
        i.cartons[0].units_per_carton = 0;
        i.cartons[0].net_weight_g = 12_000;
        let fields: Vec<String> = validate_asn(&i).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "expected_arrival",
                "transport_mode",
                "cartons[0].sku",
                "cartons[0].units_per_carton",
                "cartons[0].net_weight_g"
            ]
        );
        let mut empty = good();
        empty.cartons.clear();
        assert_eq!(validate_asn(&empty).unwrap_err()[0].field, "cartons");
    }

    #[test]
    fn capacity_counts_stored_and_expected_goods_in_litres_and_pallet_positions() {
        let space = |litres, pallets| Space { litres, pallets };
        assert_eq!(
            capacity_allows(space(0, 0), space(10_000, 50), space(10_000, 50), space(10_000, 50)),
            Ok(()),
            "no limits"
        );
        assert_eq!(capacity_allows(space(1_000, 0), space(400, 9), space(300, 9), space(300, 9)), Ok(()));
        assert_eq!(
            capacity_allows(space(1_000, 0), space(400, 0), space(300, 0), space(301, 0)),
            Err(OverCapacity::Litres { capacity: 1_000, used: 700, incoming: 301 })
        );
        assert_eq!(capacity_allows(space(0, 10), space(1_000_000, 4), space(0, 3), space(0, 3)), Ok(()));
        assert_eq!(
            capacity_allows(space(0, 10), space(0, 4), space(0, 3), space(0, 4)),
            Err(OverCapacity::Pallets { capacity: 10, used: 7, incoming: 4 })
        );
        let loose = capacity_allows(space(0, 10), space(0, 10), space(0, 0), space(50, 0));
        assert_eq!(loose, Ok(()), "loose cartons take no pallet position");
    }
}
