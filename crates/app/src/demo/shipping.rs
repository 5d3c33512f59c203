//! The demo's carriers: a postal small packet and a courier from Manchester, a dedicated line from
//! Shenzhen, a local courier in Los Angeles, the operator's exception rules per lane and its list
//! of case causes, so a package can be labelled, a parcel in trouble noticed and a case closed on
//! the first visit.

use tradeport_domain::access::Principal;
use tradeport_domain::exceptions::LaneRuleInput;
use tradeport_domain::shipping::ServiceInput;

use crate::{App, AppError, AppResult};

fn service(json: serde_json::Value) -> AppResult<ServiceInput> {
    serde_json::from_value(json).map_err(|e| AppError::Internal(format!("demo carrier service: {e}")))
}

pub(super) async fn load_shipping(app: &App, admin: &Principal) -> AppResult<()> {
    let europe = ["GB", "DE", "FR", "ES", "IT", "NL"].map(|c| serde_json::json!({"country": c}));
    let services = [
        serde_json::json!({"code": "RM-IPP", "name": "International tracked small packet", "carrier": "Royal Mail",
            "kind": "postal_small_packet", "origins": ["UK-MAN"], "zones": europe, "currency": "GBP",
            "brackets": [{"up_to_g": 2000, "first_g": 100, "first_minor": 450, "additional_g": 100, "additional_minor": 60}],
            "min_charge_minor": 500, "max_weight_g": 2000, "max_length_mm": 600, "max_girth_mm": 900,
            "transit_days_min": 3, "transit_days_max": 7, "cutoff": "15:30",
            "numbers": "s10", "number_prefix": "LX", "number_country": "GB"}),
        serde_json::json!({"code": "DPD-EXP", "name": "Express parcel", "carrier": "DPD", "kind": "international_express",
            "origins": ["UK-MAN"], "zones": europe, "currency": "GBP", "volumetric_divisor": 5000,
            "brackets": [{"up_to_g": 30000, "first_g": 1000, "first_minor": 1200, "additional_g": 1000, "additional_minor": 150}],
            "fuel_surcharge_bp": 1200, "max_weight_g": 30000, "allowed_traits": ["un3481", "fragile", "liquid"],
            "transit_days_min": 1, "transit_days_max": 3, "cutoff": "17:00", "number_prefix": "DPD"}),
        serde_json::json!({"code": "YUN-EU", "name": "Europe dedicated line", "carrier": "Yun Express", "kind": "dedicated_line",
            "origins": ["CN-SZX"], "zones": europe, "currency": "CNY",
            "brackets": [{"up_to_g": 20000, "first_g": 100, "first_minor": 1800, "additional_g": 100, "additional_minor": 600}],
            "max_weight_g": 20000, "transit_days_min": 7, "transit_days_max": 12, "cutoff": "12:00", "number_prefix": "YT"}),
        serde_json::json!({"code": "LAX-LOCAL", "name": "Local courier", "carrier": "OnTrac", "kind": "local_delivery",
            "origins": ["US-LAX"], "zones": [{"country": "US"}], "currency": "USD",
            "brackets": [{"up_to_g": 30000, "first_g": 500, "first_minor": 650, "additional_g": 500, "additional_minor": 90}],
            "max_weight_g": 30000, "transit_days_min": 1, "transit_days_max": 2, "cutoff": "16:00", "number_prefix": "OT"}),
    ];
    for s in services {
        crate::shipping::save_service(app, admin, &service(s)?).await?;
    }
    let rules = [
        ("", "no_update", 72, "logistics"),
        ("DE", "stuck", 5, "logistics"),
        ("", "delivery_failed", 2, "customer_service"),
        ("", "returned_to_sender", 0, "customer_service"),
        ("", "customs_refused", 0, "customer_service"),
        ("", "past_promised_date", 2, "customer_service"),
    ];
    for (destination, kind, threshold, department) in rules {
        let rule = LaneRuleInput {
            destination: destination.into(),
            kind: kind.into(),
            threshold,
            department: department.into(),
            ..LaneRuleInput::default()
        };
        crate::exceptions::save_lane_rule(app, admin, &rule).await?;
    }
    let causes = [
        ("carrier_damage", "Damaged in the carrier's hands"),
        ("carrier_lost", "Lost by the carrier"),
        ("packing_error", "Packed wrongly in the warehouse"),
        ("address_error", "Wrong or incomplete address"),
        ("customs_documents", "Customs documents missing or wrong"),
        ("buyer_changed_mind", "The buyer changed their mind"),
    ];
    for (code, label) in causes {
        let cause = crate::exceptions::CaseCause { code: code.into(), label: label.into() };
        crate::exceptions::save_cause(app, admin, &cause).await?;
    }
    Ok(())
}
