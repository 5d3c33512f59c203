//! Quoting and choosing a service for a parcel (SHP-1, SYS-4). Every service either quotes a
//! price and a transit time or says why it cannot carry the parcel, in words a person can act on
//! ("max 2 kg, the parcel weighs 2.4 kg"). The choice follows a strategy, honours the service the
//! buyer or merchant chose when it can carry the parcel, and when it cannot says so instead of
//! quietly choosing another (the order is then held for a person, ORD-4).

use super::service::{CarrierService, needs_permission};
use crate::inventory::Trait;
use crate::kernel::{Currency, Money};

/// What is to be carried, and from where to where.
#[derive(Clone, Debug)]
pub struct Parcel<'a> {
    /// The code of the warehouse it leaves from.
    pub origin: &'a str,
    pub country: &'a str,
    pub postcode: &'a str,
    pub weight_g: i64,
    pub dims_mm: [i64; 3],
    pub traits: &'a [Trait],
    /// The declared value, when known.
    pub declared: Option<Money>,
}

impl Parcel<'_> {
    /// The longest side, and the girth (longest side plus twice the other two).
    fn length_and_girth(&self) -> (i64, i64) {
        let mut d = self.dims_mm;
        d.sort_unstable();
        (d[2], d[2] + 2 * (d[0] + d[1]))
    }
}

/// Why a service cannot carry a parcel.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Exclusion {
    #[error("not offered now")]
    Inactive,
    #[error("does not collect from {origin}")]
    NotFromOrigin { origin: String },
    #[error("does not deliver to {country} {postcode}")]
    NotToDestination { country: String, postcode: String },
    #[error("max {} kg, the parcel weighs {} kg", kg(*max_g), kg(*weight_g))]
    TooHeavy { max_g: i64, weight_g: i64 },
    #[error("max {max_mm} mm on the longest side, the parcel has {length_mm} mm")]
    TooLong { max_mm: i64, length_mm: i64 },
    #[error("max girth {max_mm} mm, the parcel's is {girth_mm} mm")]
    GirthTooLarge { max_mm: i64, girth_mm: i64 },
    #[error("no {} on this service", .0.as_str().to_uppercase())]
    TraitNotAllowed(Trait),
    #[error("declared value at most {max}, the parcel declares {declared}")]
    DeclaredTooHigh { max: Money, declared: Money },
    #[error("chargeable weight {} kg is above its rate card", kg(*chargeable_g))]
    NoRate { chargeable_g: i64 },
    #[error("priced in {service}, the quote is compared in {compared}")]
    OtherCurrency { service: Currency, compared: Currency },
    #[error("takes up to {days} working days, the order must arrive within {deadline}")]
    TooSlow { days: u32, deadline: u32 },
}

fn kg(g: i64) -> String {
    let text = format!("{:.3}", g as f64 / 1000.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A service's price for a parcel, with how it was reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    pub price: Money,
    /// The greater of the actual and the volumetric weight.
    pub chargeable_g: i64,
    pub freight_minor: i64,
    pub fuel_minor: i64,
    pub remote_minor: i64,
    pub oversize_minor: i64,
    pub transit_days: (u32, u32),
}

/// Prices a parcel on a service, or says why the service cannot carry it.
pub fn quote(s: &CarrierService, p: &Parcel<'_>) -> Result<Quote, Exclusion> {
    if !s.active {
        return Err(Exclusion::Inactive);
    }
    if !s.origins.is_empty() && !s.origins.iter().any(|o| o.eq_ignore_ascii_case(p.origin)) {
        return Err(Exclusion::NotFromOrigin { origin: p.origin.to_string() });
    }
    if !s.zones.iter().any(|z| z.holds(p.country, p.postcode)) {
        return Err(Exclusion::NotToDestination {
            country: p.country.to_uppercase(),
            postcode: p.postcode.to_string(),
        });
    }
    if let Some(t) = p.traits.iter().find(|t| needs_permission(**t) && !s.allowed_traits.contains(t)) {
        return Err(Exclusion::TraitNotAllowed(*t));
    }
    if p.weight_g > s.max_weight_g {
        return Err(Exclusion::TooHeavy { max_g: s.max_weight_g, weight_g: p.weight_g });
    }
    let (length, girth) = p.length_and_girth();
    if s.max_length_mm > 0 && length > s.max_length_mm {
        return Err(Exclusion::TooLong { max_mm: s.max_length_mm, length_mm: length });
    }
    if s.max_girth_mm > 0 && girth > s.max_girth_mm {
        return Err(Exclusion::GirthTooLarge { max_mm: s.max_girth_mm, girth_mm: girth });
    }
    if let (Some(declared), true) = (p.declared, s.max_declared_minor > 0) {
        let max = Money::new(s.max_declared_minor, s.currency).map_err(|_| Exclusion::Inactive)?;
        if declared.currency() != s.currency {
            return Err(Exclusion::OtherCurrency { service: s.currency, compared: declared.currency() });
        }
        if declared.minor() > s.max_declared_minor {
            return Err(Exclusion::DeclaredTooHigh { max, declared });
        }
    }
    let volumetric = if s.volumetric_divisor > 0 {
        (p.dims_mm[0] * p.dims_mm[1] * p.dims_mm[2] + s.volumetric_divisor - 1) / s.volumetric_divisor
    } else {
        0
    };
    let chargeable = p.weight_g.max(volumetric);
    let bracket = s
        .brackets
        .iter()
        .find(|b| chargeable <= b.up_to_g)
        .ok_or(Exclusion::NoRate { chargeable_g: chargeable })?;
    let extra = (chargeable - bracket.first_g).max(0);
    let steps =
        if bracket.additional_g > 0 { (extra + bracket.additional_g - 1) / bracket.additional_g } else { 0 };
    let freight = (bracket.first_minor + steps * bracket.additional_minor).max(s.min_charge_minor);
    let fuel = (freight * s.fuel_surcharge_bp + 5_000) / 10_000;
    let remote = if s.remote_zones.iter().any(|z| z.holds(p.country, p.postcode)) {
        s.remote_surcharge_minor
    } else {
        0
    };
    let oversize =
        if s.oversize_over_mm > 0 && length > s.oversize_over_mm { s.oversize_surcharge_minor } else { 0 };
    let price = Money::new(freight + fuel + remote + oversize, s.currency)
        .map_err(|_| Exclusion::NoRate { chargeable_g: chargeable })?;
    Ok(Quote {
        price,
        chargeable_g: chargeable,
        freight_minor: freight,
        fuel_minor: fuel,
        remote_minor: remote,
        oversize_minor: oversize,
        transit_days: s.transit_days,
    })
}

/// How to choose among the services that can carry a parcel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    Cheapest,
    Fastest,
    /// The cheapest that arrives within the deadline.
    BestValue,
}

impl Strategy {
    pub const ALL: [Strategy; 3] = [Self::Cheapest, Self::Fastest, Self::BestValue];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cheapest => "cheapest",
            Self::Fastest => "fastest",
            Self::BestValue => "best_value",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }
}

/// What a choice is asked to honour.
#[derive(Clone, Copy, Debug)]
pub struct Ask<'a> {
    pub strategy: Strategy,
    /// The currency prices are compared in; services priced in another are left out.
    pub currency: Currency,
    /// Working days within which the parcel must arrive (the service level or the promised date).
    pub deadline_days: Option<u32>,
    /// The service the buyer or merchant chose, by code.
    pub chosen: Option<&'a str>,
}

/// Every service's answer, and the one chosen.
#[derive(Clone, Debug)]
pub struct Selection<'a> {
    /// The service to use; `None` when none can carry the parcel, none meets the deadline for
    /// best value, or the chosen service cannot carry it (see `chosen_refused`).
    pub choice: Option<(&'a CarrierService, Quote)>,
    /// Services that can carry it, cheapest first.
    pub options: Vec<(&'a CarrierService, Quote)>,
    pub excluded: Vec<(&'a CarrierService, Exclusion)>,
    /// Why the chosen service cannot be used (the order is held for a person).
    pub chosen_refused: Option<(String, Exclusion)>,
}

/// Quotes a parcel on every service and chooses one.
pub fn select<'a>(services: &'a [CarrierService], parcel: &Parcel<'_>, ask: &Ask<'_>) -> Selection<'a> {
    let mut options = Vec::new();
    let mut excluded = Vec::new();
    for s in services {
        let answer = quote(s, parcel).and_then(|q| {
            if s.currency == ask.currency {
                Ok(q)
            } else {
                Err(Exclusion::OtherCurrency { service: s.currency, compared: ask.currency })
            }
        });
        match answer {
            Ok(q) => options.push((s, q)),
            Err(why) => excluded.push((s, why)),
        }
    }
    options.sort_by(|(a, qa), (b, qb)| {
        (qa.price.minor(), qa.transit_days.1, &a.code).cmp(&(qb.price.minor(), qb.transit_days.1, &b.code))
    });
    let mut chosen_refused = None;
    let choice = if let Some(code) = ask.chosen {
        match options.iter().find(|(s, _)| s.code.eq_ignore_ascii_case(code)) {
            Some(found) => Some(found.clone()),
            None => {
                let why = excluded
                    .iter()
                    .find(|(s, _)| s.code.eq_ignore_ascii_case(code))
                    .map(|(_, why)| why.clone())
                    .unwrap_or(Exclusion::Inactive);
                chosen_refused = Some((code.to_uppercase(), why));
                None
            }
        }
    } else {
        match ask.strategy {
            Strategy::Cheapest => options.first().cloned(),
            Strategy::Fastest => options
                .iter()
                .min_by(|(a, qa), (b, qb)| {
                    (qa.transit_days.1, qa.transit_days.0, qa.price.minor(), &a.code).cmp(&(
                        qb.transit_days.1,
                        qb.transit_days.0,
                        qb.price.minor(),
                        &b.code,
                    ))
                })
                .cloned(),
            Strategy::BestValue => {
                options.iter().find(|(_, q)| ask.deadline_days.is_none_or(|d| q.transit_days.1 <= d)).cloned()
            }
        }
    };
    if let (Strategy::BestValue, Some(deadline), None, None) =
        (ask.strategy, ask.deadline_days, &choice, ask.chosen)
    {
        // Say why each carrier that could carry it was not chosen.
        for (s, q) in &options {
            excluded.push((s, Exclusion::TooSlow { days: q.transit_days.1, deadline }));
        }
        options.clear();
    }
    Selection { choice, options, excluded, chosen_refused }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shipping::service::tests::small_packet;
    use crate::shipping::service::{Bracket, ServiceInput, Zone, validate_service};

    fn gbp(minor: i64) -> Money {
        Money::new(minor, Currency::parse("GBP").unwrap()).unwrap()
    }

    /// An express service: volumetric 5000, fuel 12.5 %, batteries in equipment, oversize above
    /// 1 m, 30 kg, 3-5 days.
    fn express() -> CarrierService {
        validate_service(&ServiceInput {
            code: "DHL-EXP".into(),
            name: "Express worldwide".into(),
            carrier: "DHL".into(),
            kind: "international_express".into(),
            zones: vec![Zone { country: "US".into(), postcode_prefixes: vec![] }],
            currency: "GBP".into(),
            brackets: vec![Bracket {
                up_to_g: 30_000,
                first_g: 500,
                first_minor: 2_000,
                additional_g: 500,
                additional_minor: 400,
            }],
            volumetric_divisor: 5_000,
            fuel_surcharge_bp: 1_250,
            oversize_surcharge_minor: 2_500,
            oversize_over_mm: 1_000,
            max_weight_g: 30_000,
            allowed_traits: vec!["un3481".into()],
            transit_days_min: 2,
            transit_days_max: 4,
            ..ServiceInput::default()
        })
        .unwrap()
    }

    fn parcel<'a>(weight_g: i64, dims_mm: [i64; 3], traits: &'a [Trait], postcode: &'a str) -> Parcel<'a> {
        Parcel { origin: "UK-MAN", country: "US", postcode, weight_g, dims_mm, traits, declared: None }
    }

    fn ask(strategy: Strategy, deadline_days: Option<u32>, chosen: Option<&str>) -> Ask<'_> {
        Ask { strategy, currency: Currency::parse("GBP").unwrap(), deadline_days, chosen }
    }

    /// A service's answer for a parcel: its price in pence, or why it cannot carry it.
    type Answer = Result<i64, &'static str>;

    #[test]
    fn every_parcel_of_the_table_is_quoted_or_excluded_with_its_reason() {
        let packet = validate_service(&small_packet()).unwrap();
        let express = express();
        let none: [Trait; 0] = [];
        let battery = [Trait::Un3481];
        let cells = [Trait::Un3480];
        let (small, bulky) = ([200, 150, 100], [500, 400, 300]);
        // (parcel, small packet's answer, express's answer): prices in pence.
        let table: Vec<(Parcel<'_>, Answer, Answer)> = vec![
            // 350 g: the packet's first bracket, 400 + 3 × 50. Express charges its volumetric
            // 600 g (20×15×10 cm / 5000): 2000 + 400, and 12.5 % fuel.
            (parcel(350, small, &none, "10001"), Ok(550), Ok(2_700)),
            // The minimum charge: 120 g costs 400 + 50 on the card, charged 500.
            (parcel(120, small, &none, "10001"), Ok(500), Ok(2_700)),
            // 1.2 kg: the packet's second bracket, 450 + 11 × 60; express 2000 + 2 × 400, + 350.
            (parcel(1_200, small, &none, "10001"), Ok(1_110), Ok(3_150)),
            // Volumetric: 50×40×30 cm / 5000 = 12 kg on express (2000 + 23 × 400, + 1400).
            (
                parcel(2_000, bulky, &none, "10001"),
                Err("max girth 900 mm, the parcel's is 1900 mm"),
                Ok(12_600),
            ),
            (parcel(2_400, small, &none, "10001"), Err("max 2 kg, the parcel weighs 2.4 kg"), Ok(4_050)),
            // A battery in equipment: only express carries it; loose cells go with neither.
            (parcel(300, small, &battery, "10001"), Err("no UN3481 on this service"), Ok(2_700)),
            (
                parcel(300, small, &cells, "10001"),
                Err("no UN3480 on this service"),
                Err("no UN3480 on this service"),
            ),
            // 1.1 m is too long for the packet; on express 2.2 kg volumetric (3600 + 450) and the
            // oversize surcharge (2500).
            (
                parcel(1_000, [1_100, 100, 100], &none, "10001"),
                Err("max 600 mm on the longest side, the parcel has 1100 mm"),
                Ok(6_550),
            ),
            // Alaska is remote for the packet (+300).
            (parcel(350, small, &none, "99501"), Ok(850), Ok(2_700)),
        ];
        for (p, want_packet, want_express) in &table {
            for (service, want) in [(&packet, want_packet), (&express, want_express)] {
                let got = quote(service, p).map(|q| q.price.minor()).map_err(|e| e.to_string());
                assert_eq!(
                    got,
                    want.map_err(str::to_string),
                    "{} for {} g {:?} {:?}",
                    service.code,
                    p.weight_g,
                    p.dims_mm,
                    p.traits
                );
            }
        }
        let mut girth = parcel(1_000, [550, 200, 200], &none, "10001");
        assert_eq!(
            quote(&packet, &girth).unwrap_err().to_string(),
            "max girth 900 mm, the parcel's is 1350 mm"
        );
        girth.country = "CA";
        assert_eq!(quote(&express, &girth).unwrap_err().to_string(), "does not deliver to CA 10001");
        girth.origin = "DE-FRA";
        assert_eq!(quote(&packet, &girth).unwrap_err().to_string(), "does not collect from DE-FRA");
    }

    #[test]
    fn fuel_rounds_half_up_brackets_include_their_limit_and_a_gap_has_no_rate() {
        let mut s = express();
        s.fuel_surcharge_bp = 1_250;
        s.brackets[0].first_minor = 2_150;
        let q = quote(&s, &parcel(400, [100, 100, 100], &[], "10001")).unwrap();
        assert_eq!(
            (q.freight_minor, q.fuel_minor),
            (2_150, 269),
            "12.5 % of 21.50 is 2.6875, rounded to 2.69"
        );
        let packet = validate_service(&small_packet()).unwrap();
        let at_limit = quote(&packet, &parcel(500, [100, 100, 100], &[], "10001")).unwrap();
        assert_eq!(at_limit.freight_minor, 400 + 4 * 50, "500 g is in the bracket up to 500 g");
        let one_more = quote(&packet, &parcel(501, [100, 100, 100], &[], "10001")).unwrap();
        assert_eq!(
            one_more.freight_minor,
            450 + 5 * 60,
            "501 g starts the next bracket, its 100 g steps rounded up"
        );
        s.brackets[0].up_to_g = 10_000;
        let heavy = quote(&s, &parcel(12_000, [100, 100, 100], &[], "10001"));
        assert_eq!(heavy.unwrap_err().to_string(), "chargeable weight 12 kg is above its rate card");
    }

    #[test]
    fn a_declared_value_above_the_limit_is_refused() {
        let mut s = express();
        s.max_declared_minor = 10_000;
        let mut p = parcel(300, [100, 100, 100], &[], "10001");
        p.declared = Some(gbp(10_001));
        assert_eq!(
            quote(&s, &p).unwrap_err().to_string(),
            "declared value at most 100.00 GBP, the parcel declares 100.01 GBP"
        );
        p.declared = Some(gbp(10_000));
        assert!(quote(&s, &p).is_ok());
    }

    #[test]
    fn strategies_choose_cheapest_fastest_or_cheapest_in_time_and_honour_the_chosen_one() {
        let services = [validate_service(&small_packet()).unwrap(), express()];
        let p = parcel(350, [200, 150, 100], &[], "10001");
        let code = |s: &Selection<'_>| s.choice.as_ref().map(|(s, _)| s.code.clone());
        assert_eq!(
            code(&select(&services, &p, &ask(Strategy::Cheapest, None, None))).as_deref(),
            Some("RM-IPP")
        );
        assert_eq!(
            code(&select(&services, &p, &ask(Strategy::Fastest, None, None))).as_deref(),
            Some("DHL-EXP")
        );
        assert_eq!(
            code(&select(&services, &p, &ask(Strategy::BestValue, Some(5), None))).as_deref(),
            Some("DHL-EXP")
        );
        assert_eq!(
            code(&select(&services, &p, &ask(Strategy::BestValue, Some(10), None))).as_deref(),
            Some("RM-IPP")
        );
        let late = select(&services, &p, &ask(Strategy::BestValue, Some(1), None));
        assert_eq!(code(&late), None, "nothing arrives in a day");
        let reasons: Vec<String> = late.excluded.iter().map(|(_, why)| why.to_string()).collect();
        assert!(
            reasons.contains(&"takes up to 4 working days, the order must arrive within 1".to_string()),
            "{reasons:?}"
        );

        let chosen = select(&services, &p, &ask(Strategy::Cheapest, None, Some("dhl-exp")));
        assert_eq!(code(&chosen).as_deref(), Some("DHL-EXP"), "the buyer's choice beats the strategy");
        let battery = [Trait::Un3481];
        let refused = select(
            &services,
            &parcel(300, [100, 100, 100], &battery, "10001"),
            &ask(Strategy::Cheapest, None, Some("RM-IPP")),
        );
        assert_eq!(code(&refused), None, "not silently changed");
        assert_eq!(
            refused.chosen_refused.map(|(c, why)| (c, why.to_string())),
            Some(("RM-IPP".to_string(), "no UN3481 on this service".to_string()))
        );
    }

    #[test]
    fn services_priced_in_another_currency_are_not_compared() {
        let mut usd = express();
        usd.currency = Currency::parse("USD").unwrap();
        let services = [usd];
        let s = select(
            &services,
            &parcel(350, [100, 100, 100], &[], "10001"),
            &ask(Strategy::Cheapest, None, None),
        );
        assert!(s.choice.is_none());
        assert_eq!(s.excluded[0].1.to_string(), "priced in USD, the quote is compared in GBP");
    }
}
