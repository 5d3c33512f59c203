//! Risk screening (ORD-10): rules per operator, each with a weight and an explanation a reviewer
//! can judge. The score is the sum of the weights of the rules that fire; at or above the
//! operator's threshold the order is held for a person with the evidence, below it nothing slows.
//!
//! | rule                    | fires when                                                              |
//! |-------------------------|-------------------------------------------------------------------------|
//! | `country_mismatch`      | the billing country is given and differs from the shipping country      |
//! | `reshipper`             | the address holds an entry of the operator's reshipper / forwarder list |
//! | `velocity`              | more than N orders to the same e-mail, phone or address within H hours  |
//! | `high_value_first_order`| the buyer's first order (by e-mail or phone) is at or above the limit   |
//! | `blocked`               | the e-mail, phone or address is on the operator's blocked lists         |

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::kernel::{FieldError, Money};

/// A risk rule.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RiskRule {
    CountryMismatch,
    Reshipper,
    Velocity,
    HighValueFirstOrder,
    Blocked,
}

impl RiskRule {
    pub const ALL: [RiskRule; 5] =
        [Self::CountryMismatch, Self::Reshipper, Self::Velocity, Self::HighValueFirstOrder, Self::Blocked];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CountryMismatch => "country_mismatch",
            Self::Reshipper => "reshipper",
            Self::Velocity => "velocity",
            Self::HighValueFirstOrder => "high_value_first_order",
            Self::Blocked => "blocked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// The operator's risk settings (part of its settings; a missing field takes its default).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RiskSettings {
    /// Screen orders at intake.
    pub enabled: bool,
    /// A score at or above this holds the order for a person.
    pub threshold: u32,
    /// Each rule's weight; a rule weighed 0 is off.
    pub weights: BTreeMap<String, u32>,
    /// `velocity`: more than this many orders …
    pub velocity_max_orders: u32,
    /// … within this many hours.
    pub velocity_hours: u32,
    /// `high_value_first_order`: the least total per currency (minor units).
    pub high_value_first_order: BTreeMap<String, i64>,
    /// Address fragments of known reshippers and freight forwarders ("4315 NW 7th St", a suite
    /// prefix), matched without regard to case, spaces or punctuation.
    pub reshippers: Vec<String>,
    pub blocked_emails: Vec<String>,
    /// In E.164 (`+447700900123`).
    pub blocked_phones: Vec<String>,
    /// Address fragments, matched as reshippers are.
    pub blocked_addresses: Vec<String>,
}

impl Default for RiskSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            threshold: 60,
            weights: [
                (RiskRule::CountryMismatch, 30),
                (RiskRule::Reshipper, 40),
                (RiskRule::Velocity, 30),
                (RiskRule::HighValueFirstOrder, 25),
                (RiskRule::Blocked, 100),
            ]
            .into_iter()
            .map(|(r, w)| (r.as_str().to_string(), w))
            .collect(),
            velocity_max_orders: 3,
            velocity_hours: 24,
            // About 500 US dollars in each main currency (rates of 2026-11).
            high_value_first_order: [
                ("USD", 50_000),
                ("EUR", 45_000),
                ("GBP", 40_000),
                ("CNY", 350_000),
                ("JPY", 75_000),
            ]
            .into_iter()
            .map(|(c, v)| (c.to_string(), v))
            .collect(),
            reshippers: Vec::new(),
            blocked_emails: Vec::new(),
            blocked_phones: Vec::new(),
            blocked_addresses: Vec::new(),
        }
    }
}

impl RiskSettings {
    /// The weight of `rule` (0: off).
    pub fn weight(&self, rule: RiskRule) -> u32 {
        self.weights.get(rule.as_str()).copied().unwrap_or(0)
    }

    /// Whether intake must count the buyer's orders (a rule that needs them is on).
    pub fn needs_history(&self) -> bool {
        self.enabled
            && (self.weight(RiskRule::Velocity) > 0 || self.weight(RiskRule::HighValueFirstOrder) > 0)
    }

    /// Checks every field and says how to fix it.
    pub fn validate(&self, errors: &mut crate::kernel::FieldErrors) {
        for (rule, weight) in &self.weights {
            if RiskRule::parse(rule).is_none() || *weight > 1000 {
                let names: Vec<&str> = RiskRule::ALL.iter().map(|r| r.as_str()).collect();
                errors.add(
                    &format!("risk.weights.{rule}"),
                    "invalid",
                    format!("'{rule}': use a rule ({}) and a weight of 0 to 1000", names.join(", ")),
                );
            }
        }
        if !(1..=1000).contains(&self.threshold) {
            errors.add("risk.threshold", "out_of_range", "risk.threshold is 1 to 1000");
        }
        if !(1..=720).contains(&self.velocity_hours) || !(1..=1000).contains(&self.velocity_max_orders) {
            errors.add(
                "risk.velocity_hours",
                "out_of_range",
                "risk.velocity_hours is 1 to 720 and risk.velocity_max_orders 1 to 1000",
            );
        }
        let lists = [&self.reshippers, &self.blocked_emails, &self.blocked_phones, &self.blocked_addresses];
        if lists.iter().map(|l| l.len()).sum::<usize>() > 10_000
            || lists.iter().any(|l| l.iter().any(|e| key(e).len() < 4))
        {
            errors.add(
                "risk.reshippers",
                "invalid",
                "list entries have at least 4 letters or digits, at most 10000 entries in all",
            );
        }
    }
}

/// Text reduced to its lower-case letters and digits, so "4315 N.W. 7th St" matches
/// "4315 nw 7th st".
pub fn key(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// What screening looks at.
#[derive(Clone, Debug)]
pub struct RiskFacts<'a> {
    /// ISO 3166-1 alpha-2; empty when the channel did not say.
    pub billing_country: &'a str,
    pub ship_country: &'a str,
    /// The shipping address, reduced by [`key`].
    pub address_key: &'a str,
    pub email: &'a str,
    pub phone_e164: Option<&'a str>,
    pub total: Money,
    /// The buyer's orders (same e-mail, phone or address) within the velocity window …
    pub recent_orders: u32,
    /// … and ever (same e-mail or phone).
    pub prior_orders: u32,
}

/// A rule that fired, with why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FiredRule {
    pub rule: RiskRule,
    pub weight: u32,
    pub explanation: String,
}

/// The outcome of screening.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RiskAssessment {
    pub score: u32,
    pub fired: Vec<FiredRule>,
    /// The hold to put on the order, when the score reaches the threshold.
    pub hold: Option<FieldError>,
}

/// Screens an order.
pub fn assess(s: &RiskSettings, f: &RiskFacts<'_>) -> RiskAssessment {
    if !s.enabled {
        return RiskAssessment::default();
    }
    let mut fired = Vec::new();
    let mut fire = |rule: RiskRule, explanation: String| {
        let weight = s.weight(rule);
        if weight > 0 {
            fired.push(FiredRule { rule, weight, explanation });
        }
    };
    if !f.billing_country.is_empty() && !f.billing_country.eq_ignore_ascii_case(f.ship_country) {
        fire(
            RiskRule::CountryMismatch,
            format!("billing country {} differs from shipping country {}", f.billing_country, f.ship_country),
        );
    }
    let in_list = |list: &[String]| {
        list.iter().find(|e| !key(e).is_empty() && f.address_key.contains(&key(e))).cloned()
    };
    if let Some(entry) = in_list(&s.reshippers) {
        fire(RiskRule::Reshipper, format!("the address matches the reshipper or forwarder '{entry}'"));
    }
    if f.recent_orders > s.velocity_max_orders {
        fire(
            RiskRule::Velocity,
            format!(
                "{} orders to this e-mail, phone or address within {} h (more than {})",
                f.recent_orders, s.velocity_hours, s.velocity_max_orders
            ),
        );
    }
    let limit = s.high_value_first_order.get(f.total.currency().code());
    if f.prior_orders == 0 && limit.is_some_and(|l| f.total.minor() >= *l) {
        fire(
            RiskRule::HighValueFirstOrder,
            format!("the buyer's first order is {} {}", f.total.major(), f.total.currency().code()),
        );
    }
    let email = f.email.trim().to_ascii_lowercase();
    let blocked =
        if s.blocked_emails.iter().any(|e| e.trim().eq_ignore_ascii_case(&email) && !email.is_empty()) {
            Some(format!("the e-mail {email} is blocked"))
        } else if let Some(phone) = f.phone_e164.filter(|p| s.blocked_phones.iter().any(|b| b.trim() == *p)) {
            Some(format!("the phone {phone} is blocked"))
        } else {
            in_list(&s.blocked_addresses).map(|entry| format!("the address matches the blocked '{entry}'"))
        };
    if let Some(why) = blocked {
        fire(RiskRule::Blocked, why);
    }
    let score = fired.iter().map(|r| r.weight).sum();
    let hold = (score >= s.threshold).then(|| {
        let reasons: Vec<String> = fired.iter().map(|r| format!("{} (+{})", r.explanation, r.weight)).collect();
        FieldError::new(
            "order",
            "risk_review",
            format!(
                "risk score {score} reaches {}: {}; check the buyer and the payment before releasing the hold",
                s.threshold,
                reasons.join("; ")
            ),
        )
        .with("score", score)
        .with("threshold", s.threshold)
    });
    RiskAssessment { score, fired, hold }
}
