//! The after-sales policy engine (AFS-1, AFS-2, AFS-7): policies per merchant × product category ×
//! destination market, the most specific one deciding; legal minimums the operator can only
//! tighten in the buyer's favour (the EU's 14-day withdrawal); and an evaluation that answers
//! eligible or not with every rule that decided it, in words a buyer understands.

use std::fmt;

/// What the buyer asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestType {
    RefundOnly,
    ReturnAndRefund,
    Exchange,
    Reship,
    Repair,
    PartialRefund,
    /// Compensation by a coupon for the buyer's next order (EXC-5).
    Coupon,
}

impl RequestType {
    pub const ALL: [RequestType; 7] = [
        Self::RefundOnly,
        Self::ReturnAndRefund,
        Self::Exchange,
        Self::Reship,
        Self::Repair,
        Self::PartialRefund,
        Self::Coupon,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RefundOnly => "refund_only",
            Self::ReturnAndRefund => "return_and_refund",
            Self::Exchange => "exchange",
            Self::Reship => "reship",
            Self::Repair => "repair",
            Self::PartialRefund => "partial_refund",
            Self::Coupon => "coupon",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }
}

/// Why the buyer asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestReason {
    Quality,
    LogisticsDelayOrLost,
    WrongOrMissingItem,
    SizeOrColourMismatch,
    NotAsDescribed,
    ChangedMind,
}

impl RequestReason {
    pub const ALL: [RequestReason; 6] = [
        Self::Quality,
        Self::LogisticsDelayOrLost,
        Self::WrongOrMissingItem,
        Self::SizeOrColourMismatch,
        Self::NotAsDescribed,
        Self::ChangedMind,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Quality => "quality",
            Self::LogisticsDelayOrLost => "logistics",
            Self::WrongOrMissingItem => "wrong_or_missing",
            Self::SizeOrColourMismatch => "size_or_colour",
            Self::NotAsDescribed => "not_as_described",
            Self::ChangedMind => "changed_mind",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    /// Whether the seller is at fault (then the seller pays the return freight).
    pub fn sellers_fault(self) -> bool {
        !matches!(self, Self::ChangedMind | Self::SizeOrColourMismatch)
    }
}

/// Who pays for sending the goods back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FreightPayer {
    Seller,
    Buyer,
}

/// One policy: for a merchant (or every merchant), a category (or every one), a market (or every
/// one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub merchant: Option<String>,
    pub category: Option<String>,
    /// A destination country (ISO code).
    pub market: Option<String>,
    /// Days after delivery in which a request may be made.
    pub window_days: u32,
    pub allowed: Vec<RequestType>,
    /// Goods that are never taken back for a change of mind (underwear, food, custom-made).
    pub non_returnable: bool,
    /// Below this value (order currency, minor units) a refund needs no return (AFS-2); 0: never.
    pub returnless_below_minor: i64,
    /// Charged on a changed-mind return, in basis points of the value.
    pub restocking_fee_bp: u32,
    /// Where buyers in this market send returns (a local return point); empty: the warehouse that
    /// shipped.
    pub return_point: String,
    /// Days after delivery in which a faulty item is repaired, past the return window too; 0: none.
    pub warranty_days: u32,
    /// The shop's force majeure terms in words (published to buyers, named on late-parcel claims).
    pub force_majeure: String,
}

impl Policy {
    fn specificity(&self) -> usize {
        [&self.merchant, &self.category, &self.market].iter().filter(|v| v.is_some()).count()
    }

    fn covers(&self, merchant: &str, category: &str, market: &str) -> bool {
        let fits =
            |want: &Option<String>, have: &str| want.as_ref().is_none_or(|w| w.eq_ignore_ascii_case(have));
        fits(&self.merchant, merchant) && fits(&self.category, category) && fits(&self.market, market)
    }
}

/// The markets where the law gives 14 days to withdraw from a distance sale (EU and EEA, the UK).
const FOURTEEN_DAY_MARKETS: [&str; 31] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT",
    "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "GB",
];

/// Whether the law of `market` gives 14 days to withdraw from a distance sale.
pub fn fourteen_day_market(market: &str) -> bool {
    FOURTEEN_DAY_MARKETS.contains(&market.to_uppercase().as_str())
}

/// A request to evaluate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request<'a> {
    pub merchant: &'a str,
    pub category: &'a str,
    pub market: &'a str,
    pub request_type: RequestType,
    pub reason: RequestReason,
    /// Whole days since delivery.
    pub days_since_delivery: u32,
    pub value_minor: i64,
}

/// The answer, with every rule that decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub eligible: bool,
    pub rules: Vec<String>,
    /// A refund that needs no return (below the policy's value threshold).
    pub returnless: bool,
    pub freight_payer: FreightPayer,
    pub restocking_fee_minor: i64,
    /// The deciding policy's return point (empty: the warehouse that shipped).
    pub return_point: String,
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", if self.eligible { "eligible" } else { "not eligible" }, self.rules.join("; "))
    }
}

/// The policy that decides requests for this merchant, category and market: the most specific
/// one covering them (of equals, the last listed).
pub fn deciding_policy<'a>(
    policies: &'a [Policy],
    merchant: &str,
    category: &str,
    market: &str,
) -> Option<&'a Policy> {
    policies.iter().filter(|p| p.covers(merchant, category, market)).max_by_key(|p| p.specificity())
}

/// Evaluates a request under the most specific policy covering it (`None` when none does).
pub fn evaluate(policies: &[Policy], r: &Request) -> Option<Decision> {
    let policy = deciding_policy(policies, r.merchant, r.category, r.market)?;
    let mut rules = Vec::new();
    let mut eligible = true;
    let scope = [
        policy.category.as_deref().map(|c| format!("{c} goods")),
        policy.market.as_deref().map(|m| format!("deliveries to {m}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>();
    let scope = if scope.is_empty() { "every order".to_string() } else { scope.join(", ") };
    // The law's minimum for a change of mind, which the policy may only lengthen.
    let legal = fourteen_day_market(r.market) && r.reason == RequestReason::ChangedMind;
    let window = if legal { policy.window_days.max(14) } else { policy.window_days };
    if legal && policy.window_days < 14 {
        rules.push(format!(
            "the law in {} gives 14 days to change your mind, more than the shop's {}",
            r.market, policy.window_days
        ));
    }
    // A faulty item is repaired within the warranty, however long the return window.
    let warranty = r.request_type == RequestType::Repair
        && r.reason == RequestReason::Quality
        && r.days_since_delivery > window
        && r.days_since_delivery <= policy.warranty_days;
    if warranty {
        rules.push(format!(
            "past the {window} days for returns, but within the {}-day warranty: a faulty item is repaired",
            policy.warranty_days
        ));
    } else if r.days_since_delivery > window {
        eligible = false;
        rules.push(format!(
            "requests for {scope} are taken up to {window} days after delivery; it has been {}",
            r.days_since_delivery
        ));
    } else {
        rules.push(format!("within the {window} days after delivery allowed for {scope}"));
    }
    if !policy.allowed.contains(&r.request_type) {
        eligible = false;
        rules.push(format!("{} is not offered for {scope}", r.request_type.as_str().replace('_', " ")));
    }
    if policy.non_returnable && r.reason == RequestReason::ChangedMind {
        eligible = false;
        rules.push(format!("{scope} cannot be returned because you changed your mind"));
    }
    if r.reason == RequestReason::LogisticsDelayOrLost && !policy.force_majeure.trim().is_empty() {
        rules.push(format!("force majeure: {}", policy.force_majeure.trim()));
    }
    let freight_payer = if r.reason.sellers_fault() { FreightPayer::Seller } else { FreightPayer::Buyer };
    rules.push(match freight_payer {
        FreightPayer::Seller => "the seller pays the return postage: the fault is theirs".to_string(),
        FreightPayer::Buyer => "you pay the return postage".to_string(),
    });
    let returnless = eligible
        && matches!(r.request_type, RequestType::RefundOnly | RequestType::ReturnAndRefund)
        && r.value_minor < policy.returnless_below_minor;
    if returnless {
        rules.push("no need to send it back: its value is below the shop's threshold".into());
    }
    let restocking_fee_minor = if r.reason == RequestReason::ChangedMind && !returnless {
        i64::try_from(i128::from(r.value_minor) * i128::from(policy.restocking_fee_bp) / 10_000).unwrap_or(0)
    } else {
        0
    };
    Some(Decision {
        eligible,
        rules,
        returnless,
        freight_payer,
        restocking_fee_minor,
        return_point: policy.return_point.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(category: Option<&str>, market: Option<&str>, window: u32) -> Policy {
        Policy {
            merchant: None,
            category: category.map(str::to_string),
            market: market.map(str::to_string),
            window_days: window,
            allowed: vec![RequestType::RefundOnly, RequestType::ReturnAndRefund, RequestType::Exchange],
            non_returnable: false,
            returnless_below_minor: 1_000,
            restocking_fee_bp: 1_000,
            return_point: String::new(),
            warranty_days: 0,
            force_majeure: String::new(),
        }
    }

    fn request(
        market: &'static str,
        category: &'static str,
        reason: RequestReason,
        days: u32,
    ) -> Request<'static> {
        Request {
            merchant: "lumen-home",
            category,
            market,
            request_type: RequestType::ReturnAndRefund,
            reason,
            days_since_delivery: days,
            value_minor: 4_000,
        }
    }

    #[test]
    fn the_same_request_gets_each_markets_policy_with_its_reasons() {
        let policies = [
            policy(None, None, 30),
            policy(Some("home"), Some("US"), 7),
            policy(Some("home"), Some("DE"), 7),
        ];
        let us = evaluate(&policies, &request("US", "home", RequestReason::ChangedMind, 10)).unwrap();
        assert!(!us.eligible, "{us}");
        assert!(us.rules[0].contains("up to 7 days") && us.rules[0].contains("deliveries to US"), "{us}");
        let de = evaluate(&policies, &request("DE", "home", RequestReason::ChangedMind, 10)).unwrap();
        assert!(de.eligible, "{de}");
        assert!(de.rules[0].contains("the law in DE gives 14 days"), "{de}");
        assert_eq!(de.freight_payer, FreightPayer::Buyer);
        assert_eq!(de.restocking_fee_minor, 400, "10% of 40.00 for a change of mind");
    }

    #[test]
    fn custom_made_goods_are_not_returned_for_a_change_of_mind_and_the_rule_is_named() {
        let mut custom = policy(Some("custom"), None, 30);
        custom.non_returnable = true;
        let policies = [policy(None, None, 30), custom];
        let no = evaluate(&policies, &request("US", "custom", RequestReason::ChangedMind, 3)).unwrap();
        assert!(!no.eligible);
        assert!(
            no.rules.iter().any(|r| r == "custom goods cannot be returned because you changed your mind"),
            "{no}"
        );
        let faulty = evaluate(&policies, &request("US", "custom", RequestReason::Quality, 3)).unwrap();
        assert!(faulty.eligible, "a faulty custom item is still the seller's to put right: {faulty}");
        assert_eq!((faulty.freight_payer, faulty.restocking_fee_minor), (FreightPayer::Seller, 0));
    }

    #[test]
    fn cheap_goods_are_refunded_without_a_return_and_unknown_markets_get_no_answer() {
        let policies = [policy(None, Some("US"), 30)];
        let mut cheap = request("US", "home", RequestReason::Quality, 2);
        cheap.value_minor = 900;
        let d = evaluate(&policies, &cheap).unwrap();
        assert!(d.eligible && d.returnless, "{d}");
        let mut exchange = cheap.clone();
        exchange.request_type = RequestType::Repair;
        assert!(!evaluate(&policies, &exchange).unwrap().eligible, "repair is not offered");
        assert_eq!(evaluate(&policies, &request("DE", "home", RequestReason::Quality, 2)), None);
    }

    #[test]
    fn a_faulty_item_is_repaired_within_the_warranty_and_late_parcels_name_force_majeure() {
        let mut p = policy(None, Some("US"), 30);
        p.allowed.push(RequestType::Repair);
        p.warranty_days = 365;
        p.force_majeure = "natural disasters and strikes".into();
        let policies = [p];
        let repair = |reason, days| Request {
            request_type: RequestType::Repair,
            ..request("US", "home", reason, days)
        };
        let table = [
            (repair(RequestReason::Quality, 200), true, "within the 365-day warranty"),
            (repair(RequestReason::Quality, 20), true, "within the 30 days"),
            (repair(RequestReason::Quality, 400), false, "up to 30 days after delivery"),
            (repair(RequestReason::ChangedMind, 200), false, "up to 30 days after delivery"),
            (request("US", "home", RequestReason::Quality, 200), false, "up to 30 days after delivery"),
        ];
        for (r, eligible, rule) in table {
            let d = evaluate(&policies, &r).unwrap();
            assert_eq!(d.eligible, eligible, "{:?} {} days: {:?}", r.reason, r.days_since_delivery, d.rules);
            assert!(d.rules.iter().any(|x| x.contains(rule)), "{rule}: {:?}", d.rules);
        }
        let late =
            evaluate(&policies, &request("US", "home", RequestReason::LogisticsDelayOrLost, 3)).unwrap();
        assert!(
            late.rules.iter().any(|x| x == "force majeure: natural disasters and strikes"),
            "{:?}",
            late.rules
        );
        let quality = evaluate(&policies, &request("US", "home", RequestReason::Quality, 3)).unwrap();
        assert!(!quality.rules.iter().any(|x| x.starts_with("force majeure")), "{:?}", quality.rules);
    }

    #[test]
    fn names_read_back() {
        for t in RequestType::ALL {
            assert_eq!(RequestType::parse(t.as_str()), Some(t));
        }
        for r in RequestReason::ALL {
            assert_eq!(RequestReason::parse(r.as_str()), Some(r));
        }
    }
}
