//! The operator's settings as the API document teaches them (#7 item 6): the body of
//! `PATCH /api/v1/settings` (the settings named change, the others keep their values) and the
//! answer of `GET` and `PATCH` (all of them). The domain's `TenantSettings` validates; this type
//! describes it and passes on only what was sent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How stock is placed when no warehouse has everything.
#[derive(Serialize, Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum AllocationPolicyName {
    /// Ship from several warehouses.
    Split,
    /// Reserve what the best one has and backorder the rest.
    SingleWarehouse,
}

/// What an approval does when stock is short.
#[derive(Serialize, Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum ShortagePolicyName {
    /// Approve and backorder what is short.
    Backorder,
    /// Hold the order instead.
    Hold,
}

/// A logistics service level buyers may choose.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceLevelBody {
    #[schema(min_length = 1, example = "standard")]
    pub code: String,
    /// The least shipping fee (minor units) a buyer must have paid, in a currency not listed in
    /// `min_shipping_fees`.
    #[schema(minimum = 0, example = 0)]
    pub min_shipping_fee_minor: i64,
    /// The least fee per currency, e.g. `{"GBP": 500, "JPY": 900}`.
    #[serde(default)]
    pub min_shipping_fees: BTreeMap<String, i64>,
    /// A special service (oversized goods, custom work): its orders need a second review.
    #[serde(default)]
    pub special: bool,
}

/// A setting that is sent has a value: `null` is refused, naming the setting, rather than taken
/// as "leave it as it is" (leave it out for that).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// The operator's settings. In a `PATCH`, only the settings sent change.
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"auto_approve": false, "second_review_thresholds": {"GBP": 80000, "JPY": 15000000}}))]
pub struct SettingsBody {
    /// Language of the UI for users who have not chosen one.
    #[schema(value_type = Option<String>, pattern = "^(en|zh-CN)$", example = "zh-CN")]
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub default_locale: Option<String>,
    /// Hours a web session lasts after sign-in.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 720)]
    pub session_hours: Option<u32>,
    /// Failed sign-ins within `login_window_minutes` after which an account is throttled.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 3, maximum = 100)]
    pub login_max_failures: Option<u32>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 1440)]
    pub login_window_minutes: Option<u32>,
    /// Per currency, the order total (minor units) at or above which a second review is due.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub second_review_thresholds: Option<BTreeMap<String, i64>>,
    /// The threshold for a currency not listed in `second_review_thresholds`.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub second_review_threshold_minor: Option<i64>,
    /// Approve paid, valid orders below the threshold without a person.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub auto_approve: Option<bool>,
    /// Confirm automatically approved orders at once.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub auto_confirm: Option<bool>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub allocation_policy: Option<AllocationPolicyName>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub shortage_policy: Option<ShortagePolicyName>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub service_levels: Option<Vec<ServiceLevelBody>>,
    /// Time limits of the steps: `[{"step": "first_review", "minutes": 120, "urgent_minutes":
    /// 30, "working_time": true}]`; steps are first_review, second_review, confirmation, refund.
    #[schema(value_type = Option<Vec<Object>>)]
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub sla_limits: Option<serde_json::Value>,
    /// A weighed package more than this share (percent) off its expected weight is checked.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub pack_weight_tolerance_pct: Option<i64>,
    /// … or more than this many grams off, whichever allows more.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub pack_weight_tolerance_min_g: Option<i64>,
    /// Share of packages (percent) routed to a spot check after weighing.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub spot_check_pct: Option<i64>,
    /// The most each role may grant on one after-sales request, per currency (minor units),
    /// e.g. `{"customer_service": {"GBP": 5000}}`.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub approval_limits: Option<BTreeMap<String, BTreeMap<String, i64>>>,
    /// The share (percent) of the claimed goods' value a partial refund grants by reason.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub compensation_pct: Option<BTreeMap<String, u32>>,
    /// Minutes an unpaid order of a channel holds its stock while the buyer pays.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub payment_windows: Option<BTreeMap<String, u32>>,
    /// Risk screening at intake: `enabled`, `threshold`, `weights` by rule, `velocity_max_orders`,
    /// `velocity_hours`, `high_value_first_order` by currency, and the lists `reshippers`,
    /// `blocked_emails`, `blocked_phones`, `blocked_addresses`.
    #[schema(value_type = Option<Object>)]
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub risk: Option<serde_json::Value>,
    /// Years an order's file is kept after completion; never below the legal minimum.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub retention_years: Option<u32>,
    /// The least the law of the operator's place requires.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 30)]
    pub retention_legal_minimum_years: Option<u32>,
}

#[cfg(test)]
mod tests {
    use tradeport_domain::access::TenantSettings;

    use super::SettingsBody;

    /// Every setting the domain keeps is one this body takes and gives back unchanged, so a new
    /// setting cannot be left out of the API.
    #[test]
    fn the_body_carries_every_setting_both_ways() {
        let all = serde_json::to_value(TenantSettings::default()).unwrap();
        let body: SettingsBody = serde_json::from_value(all.clone()).expect("every setting is a field");
        assert_eq!(serde_json::to_value(body).unwrap(), all);
    }

    #[test]
    fn a_setting_sent_as_null_is_refused_and_one_left_out_is_not_sent_on() {
        let refused = serde_json::from_value::<SettingsBody>(serde_json::json!({"auto_approve": null}));
        assert!(refused.is_err());
        let body: SettingsBody = serde_json::from_value(serde_json::json!({"auto_approve": false})).unwrap();
        assert_eq!(serde_json::to_value(body).unwrap(), serde_json::json!({"auto_approve": false}));
    }
}
