//! Exceptions (EXC-1, SHP-6, SHP-7): the operator's rules per lane, the cases they open on
//! orders from tracking and clearance (once per parcel and kind, closed when a late parcel moves
//! again), the sweep that applies the rules time alone breaks; cases opened and worked by people
//! until they close with cause, handling and result. One use case per file.

mod cannot_serve;
mod case_work;
mod cases;
mod lane_rules;
mod loss_claim;
mod opening;
mod parcel_rules;
mod recall;

pub(crate) use cannot_serve::public_offer;
pub use cannot_serve::{CannotServe, PublicOffer, REFUND_CHOICE, answer_offer, cannot_serve};
pub(crate) use case_work::case_to_open;
pub use case_work::{
    CaseActionView, CaseCause, CaseDetail, CaseWork, EvidenceView, OpenCase, add_case_evidence, case_detail,
    case_evidence, list_causes, open_case, save_cause, work_case,
};
pub use cases::{CaseQuery, CaseView, list_cases};
pub use lane_rules::{LaneRuleView, delete_lane_rule, list_lane_rules, save_lane_rule};
pub use loss_claim::claim_loss;
pub(crate) use opening::open_case_in_tx;
pub(crate) use parcel_rules::{Progress, on_parcel_event_in_tx, run_tracking_sweep};
pub use parcel_rules::{TrackingSweep, sweep_now, sweep_parcels};
pub use recall::{RecallRequest, request_recall};
