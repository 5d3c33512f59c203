//! Exceptions (EXC-1, SHP-6, SHP-7): the operator's rules per lane, the cases they open on
//! orders from tracking and clearance (once per parcel and kind, closed when a late parcel moves
//! again), the sweep that applies the rules time alone breaks. One use case per file.

mod cases;
mod lane_rules;
mod parcel_rules;

pub use cases::{CaseQuery, CaseView, list_cases};
pub use lane_rules::{LaneRuleView, delete_lane_rule, list_lane_rules, save_lane_rule};
pub use parcel_rules::{TrackingSweep, sweep_now, sweep_parcels};
pub(crate) use parcel_rules::{on_parcel_event_in_tx, run_tracking_sweep};
