//! The operator's configuration. Every business number lives here with the requirement's value as
//! its default; stored as JSON so that a missing field takes its default.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Role;
use crate::inventory::{AllocationPolicy, ShortagePolicy};
use crate::kernel::FieldError;
use crate::kernel::FieldErrors;

/// Languages the UI and messages are written in.
pub const LOCALES: [&str; 2] = ["en", "zh-CN"];

/// An operator's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TenantSettings {
    /// Language of the UI for users who have not chosen one.
    pub default_locale: String,
    /// Hours a web session lasts after sign-in.
    pub session_hours: u32,
    /// Failed sign-ins within `login_window_minutes` after which an account is throttled.
    pub login_max_failures: u32,
    pub login_window_minutes: u32,
    /// Orders at or above their currency's threshold (minor units of that currency) need a
    /// second review by a reviewer (ORD-6). Each currency has its own amount, so ¥100,000 and
    /// ₫100,000 are not judged as if they were $1,000. New operators start with about USD 1,000
    /// per currency; settings stored before this field existed read it as empty, so their one
    /// threshold keeps applying until they set it per currency.
    #[serde(default)]
    pub second_review_thresholds: BTreeMap<String, i64>,
    /// The threshold, in minor units, for a currency not listed in `second_review_thresholds`.
    pub second_review_threshold_minor: i64,
    /// Approve paid, valid orders below the threshold, without remarks or special services,
    /// without a person (ORD-5).
    pub auto_approve: bool,
    /// Confirm (number and document) automatically approved orders at once (ORD-7).
    pub auto_confirm: bool,
    /// `split`: ship from several warehouses when none has everything; `single_warehouse`:
    /// reserve what the best one has and backorder the rest (INV-7).
    pub allocation_policy: AllocationPolicy,
    /// `backorder`: approve and backorder what is short; `hold`: hold the order instead (INV-4).
    pub shortage_policy: ShortagePolicy,
    /// Logistics service levels buyers may choose.
    pub service_levels: Vec<ServiceLevel>,
    /// Time limits of the steps (SLA-1): a step left out keeps its default (2 h first review,
    /// 4 h second, 1 h confirmation, 30 min urgent). A change applies to clocks started after it.
    pub sla_limits: Vec<crate::sla::StepLimit>,
    /// A weighed package more than this share (percent) off its expected weight is stopped for
    /// a check (WMS-6) …
    pub pack_weight_tolerance_pct: i64,
    /// … or more than this many grams off, whichever allows more.
    pub pack_weight_tolerance_min_g: i64,
    /// Share of packages (percent) routed to a spot check after weighing (WMS-8).
    pub spot_check_pct: i64,
    /// The most each role may grant on one after-sales request, per currency (minor units), e.g.
    /// `{"customer_service": {"GBP": 5000}}` (EXC-6). Above it, or in a currency its role has no
    /// limit for, the request goes up to a supervisor. Admins and supervisors have no limit.
    pub approval_limits: BTreeMap<String, BTreeMap<String, i64>>,
    /// Compensation by rule (EXC-5): the share (percent) of the claimed goods' value a partial
    /// refund grants when nobody names an amount, by reason, e.g. `{"logistics": 10}` for a late
    /// parcel. A reason not listed grants what may be refunded.
    pub compensation_pct: BTreeMap<String, u32>,
    /// Minutes an unpaid order of a channel holds its stock while the buyer pays (ORD-5, INV-2),
    /// e.g. `{"web": 30, "app": 30}`; a channel not listed holds nothing until paid.
    pub payment_windows: BTreeMap<String, u32>,
    /// Risk screening at intake (ORD-10): rules, weights, threshold and lists.
    pub risk: crate::risk::RiskSettings,
    /// Years an order's file is kept after its completion before it is proposed for deletion
    /// (DONE-3); never below `retention_legal_minimum_years`.
    pub retention_years: u32,
    /// The least the law of the operator's place requires (China's E-commerce Law, art. 31: three
    /// years from the transaction's completion).
    pub retention_legal_minimum_years: u32,
}

/// A logistics service level: what it costs at least, and whether it is a special service that
/// needs a second review (oversized goods, custom warehouse work).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceLevel {
    pub code: String,
    /// Least shipping fee (minor units) a buyer must have paid for this service, in a currency
    /// not listed in `min_shipping_fees`.
    pub min_shipping_fee_minor: i64,
    /// The least fee per currency (minor units of that currency), e.g. `{"GBP": 500, "JPY": 900}`.
    #[serde(default)]
    pub min_shipping_fees: BTreeMap<String, i64>,
    #[serde(default)]
    pub special: bool,
}

impl ServiceLevel {
    /// The least shipping fee of an order in `currency`, in its minor units.
    pub fn min_shipping_fee(&self, currency: &str) -> i64 {
        self.min_shipping_fees.get(currency).copied().unwrap_or(self.min_shipping_fee_minor)
    }
}

fn level(code: &str, min_shipping_fee_minor: i64, special: bool) -> ServiceLevel {
    ServiceLevel { code: code.into(), min_shipping_fee_minor, min_shipping_fees: BTreeMap::new(), special }
}

impl Default for TenantSettings {
    fn default() -> Self {
        Self {
            default_locale: "en".into(),
            session_hours: 12,
            login_max_failures: 5,
            login_window_minutes: 15,
            // About 1,000 US dollars in each currency (rates of 2026-11), in its minor units.
            second_review_thresholds: [
                ("USD", 100_000),
                ("EUR", 90_000),
                ("GBP", 80_000),
                ("CNY", 700_000),
                ("HKD", 780_000),
                ("JPY", 150_000),
                ("KRW", 1_400_000),
                ("VND", 25_000_000),
                ("AUD", 150_000),
                ("CAD", 140_000),
                ("SGD", 130_000),
            ]
            .into_iter()
            .map(|(c, v)| (c.to_string(), v))
            .collect(),
            second_review_threshold_minor: 100_000,
            auto_approve: true,
            auto_confirm: true,
            allocation_policy: AllocationPolicy::Split,
            shortage_policy: ShortagePolicy::Backorder,
            service_levels: vec![
                level("economy", 0, false),
                level("standard", 0, false),
                level("express", 1, false),
                level("oversized", 0, true),
                level("custom_warehouse", 0, true),
            ],
            sla_limits: crate::sla::DEFAULTS.to_vec(),
            pack_weight_tolerance_pct: 5,
            pack_weight_tolerance_min_g: 20,
            spot_check_pct: 5,
            approval_limits: [("customer_service", 50), ("order_manager", 200), ("finance", 500)]
                .into_iter()
                .map(|(role, units)| (role.to_string(), limits_in_major_units(units)))
                .collect(),
            compensation_pct: [("logistics", 10), ("size_or_colour", 15), ("not_as_described", 20)]
                .into_iter()
                .map(|(reason, pct)| (reason.to_string(), pct))
                .collect(),
            payment_windows: BTreeMap::new(),
            risk: crate::risk::RiskSettings::default(),
            retention_years: 3,
            retention_legal_minimum_years: 3,
        }
    }
}

/// `units` of the main currencies (USD, EUR, GBP) and about as much in CNY, in minor units.
fn limits_in_major_units(units: i64) -> BTreeMap<String, i64> {
    [("USD", units * 100), ("EUR", units * 100), ("GBP", units * 100), ("CNY", units * 700)]
        .into_iter()
        .map(|(c, v)| (c.to_string(), v))
        .collect()
}

/// How much a role may grant on one after-sales request (EXC-6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApprovalLimit {
    Unlimited,
    /// Up to this many minor units.
    UpTo(i64),
    /// Nothing: the request goes up.
    Nothing,
}

impl TenantSettings {
    /// What `role` may grant in `currency` (admins and supervisors: everything).
    pub fn approval_limit(&self, role: Role, currency: &str) -> ApprovalLimit {
        if matches!(role, Role::Admin | Role::Supervisor) {
            return ApprovalLimit::Unlimited;
        }
        self.approval_limits
            .get(role.as_str())
            .and_then(|by_currency| by_currency.get(currency))
            .map_or(ApprovalLimit::Nothing, |v| ApprovalLimit::UpTo(*v))
    }

    /// The second-review threshold of orders in `currency`, in its minor units.
    pub fn second_review_threshold(&self, currency: &str) -> i64 {
        self.second_review_thresholds.get(currency).copied().unwrap_or(self.second_review_threshold_minor)
    }

    /// Checks every field and says how to fix it.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = FieldErrors::new();
        if !LOCALES.contains(&self.default_locale.as_str()) {
            errors.add(
                "default_locale",
                "unknown_locale",
                format!("default_locale must be one of: {}", LOCALES.join(", ")),
            );
        }
        if !(1..=720).contains(&self.session_hours) {
            errors.add("session_hours", "out_of_range", "session_hours must be between 1 and 720");
        }
        if !(3..=100).contains(&self.login_max_failures) {
            errors.add("login_max_failures", "out_of_range", "login_max_failures must be between 3 and 100");
        }
        if !(1..=1440).contains(&self.login_window_minutes) {
            errors.add(
                "login_window_minutes",
                "out_of_range",
                "login_window_minutes must be between 1 and 1440",
            );
        }
        for (currency, amount) in &self.second_review_thresholds {
            let field = format!("second_review_thresholds.{currency}");
            if crate::kernel::Currency::parse(currency).is_none_or(|c| c.code() != currency) {
                errors.add(
                    &field,
                    "unknown_currency",
                    format!("'{currency}' is not an ISO 4217 code in capitals, e.g. USD, EUR, VND"),
                );
            } else if *amount < 0 {
                errors.add(&field, "out_of_range", format!("{field} must be zero or more (minor units)"));
            }
        }
        if self.second_review_threshold_minor < 0 {
            errors.add(
                "second_review_threshold_minor",
                "out_of_range",
                "second_review_threshold_minor must be zero or more",
            );
        }
        if self.service_levels.is_empty() {
            errors.add("service_levels", "required", "at least one service level is needed, e.g. standard");
        }
        for (n, l) in self.service_levels.iter().enumerate() {
            if l.code.trim().is_empty() || l.min_shipping_fee_minor < 0 {
                errors.add(
                    &format!("service_levels[{n}]"),
                    "invalid",
                    format!("service level {}: it needs a code and a fee of zero or more", n + 1),
                );
            }
            if self.service_levels[..n].iter().any(|earlier| earlier.code == l.code) {
                errors.add(
                    &format!("service_levels[{n}].code"),
                    "duplicate",
                    format!("service level '{}' is listed twice; give each level its own code", l.code),
                );
            }
            for (currency, fee) in &l.min_shipping_fees {
                let field = format!("service_levels[{n}].min_shipping_fees.{currency}");
                if crate::kernel::Currency::parse(currency).is_none_or(|c| c.code() != currency) || *fee < 0 {
                    errors.add(
                        &field,
                        "invalid",
                        format!(
                            "service level '{}', {currency}: use an ISO 4217 code in capitals and a fee of zero or more in minor units, e.g. GBP=500",
                            l.code
                        ),
                    );
                }
            }
        }
        if !(0..=100).contains(&self.pack_weight_tolerance_pct) {
            errors.add(
                "pack_weight_tolerance_pct",
                "out_of_range",
                "pack_weight_tolerance_pct must be 0 to 100 (percent)",
            );
        }
        if !(0..=10_000).contains(&self.pack_weight_tolerance_min_g) {
            errors.add(
                "pack_weight_tolerance_min_g",
                "out_of_range",
                "pack_weight_tolerance_min_g must be 0 to 10000 grams",
            );
        }
        if !(0..=100).contains(&self.spot_check_pct) {
            errors.add(
                "spot_check_pct",
                "out_of_range",
                "spot_check_pct must be 0 to 100 (percent of packages)",
            );
        }
        for (reason, pct) in &self.compensation_pct {
            if crate::aftersales::RequestReason::parse(reason).is_none() || *pct > 100 {
                errors.add(
                    &format!("compensation_pct.{reason}"),
                    "invalid",
                    format!("'{reason}': use a reason such as logistics or quality and a share of 0 to 100 percent"),
                );
            }
        }
        for (channel, minutes) in &self.payment_windows {
            if !crate::orders::CHANNELS.contains(&channel.as_str()) || !(1..=10_080).contains(minutes) {
                errors.add(
                    &format!("payment_windows.{channel}"),
                    "invalid",
                    format!(
                        "'{channel}': use a channel ({}) and 1 to 10080 minutes",
                        crate::orders::CHANNELS.join(", ")
                    ),
                );
            }
        }
        self.risk.validate(&mut errors);
        for (role, by_currency) in &self.approval_limits {
            if Role::parse(role).is_none_or(|r| r == Role::Merchant) {
                errors.add(
                    &format!("approval_limits.{role}"),
                    "unknown_role",
                    format!(
                        "'{role}' is not a staff role; use e.g. customer_service, order_manager, finance"
                    ),
                );
            }
            for (currency, amount) in by_currency {
                if crate::kernel::Currency::parse(currency).is_none_or(|c| c.code() != currency)
                    || *amount < 0
                {
                    errors.add(
                        &format!("approval_limits.{role}.{currency}"),
                        "invalid",
                        format!("{role}, {currency}: use an ISO 4217 code in capitals and an amount of zero or more in minor units"),
                    );
                }
            }
        }
        for e in crate::sla::validate_limits(&self.sla_limits) {
            errors.push(e);
        }
        if let Err(e) =
            crate::retention::validate_years(self.retention_years, self.retention_legal_minimum_years)
        {
            errors.push(e);
        }
        errors.into_result()
    }

    /// The service level with this code.
    pub fn service_level(&self, code: &str) -> Option<&ServiceLevel> {
        self.service_levels.iter().find(|l| l.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_fees_and_second_review_thresholds_follow_the_currency() {
        let mut s = TenantSettings::default();
        assert_eq!(
            (s.second_review_threshold("JPY"), s.second_review_threshold("VND")),
            (150_000, 25_000_000)
        );
        assert_eq!(
            s.second_review_threshold("CHF"),
            s.second_review_threshold_minor,
            "unlisted: the fallback"
        );
        s.service_levels[2].min_shipping_fees = [("JPY".to_string(), 900), ("GBP".to_string(), 500)].into();
        let express = s.service_level("express").unwrap();
        assert_eq!((express.min_shipping_fee("JPY"), express.min_shipping_fee("GBP")), (900, 500));
        assert_eq!(express.min_shipping_fee("USD"), express.min_shipping_fee_minor);
        assert!(s.validate().is_ok());
        s.service_levels[2].min_shipping_fees.insert("gbp".into(), -1);
        let fields: Vec<String> = s.validate().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["service_levels[2].min_shipping_fees.gbp"]);
        let mut twice = TenantSettings::default();
        twice.service_levels[1].code = twice.service_levels[0].code.clone();
        let fields: Vec<String> = twice.validate().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["service_levels[1].code"], "one code, one level");
    }

    #[test]
    fn missing_fields_take_their_defaults() {
        let s: TenantSettings = serde_json::from_str(r#"{"session_hours": 4}"#).unwrap();
        assert_eq!(s.session_hours, 4);
        assert_eq!(s.login_max_failures, 5);
        assert!(s.validate().is_ok());
    }

    #[test]
    fn out_of_range_values_are_named() {
        let s = TenantSettings { default_locale: "fr".into(), session_hours: 0, ..Default::default() };
        let codes: Vec<String> = s.validate().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(codes, ["default_locale", "session_hours"]);
    }
}
