//! Exceptions (EXC-1, EXC-7, SHP-6, SHP-7): cases opened on an order when something goes wrong,
//! and the operator's rules per lane that open them from tracking.

mod cases;
mod lane_rules;

pub use cases::{CaseStatus, CaseType, close_refusal};
pub use lane_rules::{LaneRule, LaneRuleInput, ParcelFacts, RuleKind, validate_lane_rule};
