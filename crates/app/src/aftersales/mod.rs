//! After-sales (AFS-1 … AFS-7): policies and the check of a request against them; requests filed
//! by staff, merchants and buyers, decided within approval limits, returns received, inspected
//! and disposed of; refunds through the refund port (Stripe), to store credit or recorded as paid
//! outside. One use case per file.

mod buyer;
mod completion;
mod coupons;
mod dispositions;
mod evidence;

mod policies;
mod refunds;
mod replacements;
mod requests;
mod return_labels;
mod returns;

pub use buyer::{BuyerAftersales, PublicLine, PublicPolicy, PublicRequest, buyer_aftersales};
pub use completion::{CompletionRun, complete_now, complete_orders};
pub(crate) use completion::{open_work, run_completion_sweep};
pub use coupons::{CouponView, list_coupons};
pub(crate) use coupons::{coupon_of_request, coupons_of_order, redeem_in_tx};
pub use dispositions::{DispositionRule, DispositionRules, disposition_rules, set_disposition_rules};
pub use evidence::{add_evidence_from_tracking, add_request_evidence, request_evidence};
pub use policies::{
    AppliedPolicy, CheckAnswer, CheckRequest, PolicyInput, check_request, list_policies, policies_of_order,
    save_policy,
};
pub use refunds::{
    OrderRefunds, RefundRequest, RefundView, StoreCredit, refund_order, refunds_of_order, store_credit,
};
pub(crate) use refunds::{automatic_method, refund};
pub(crate) use replacements::run_replacement_job;
pub use requests::{
    ClaimInput, ClaimedLine, FileRequest, Inspection, RequestQuery, RequestView, file_from_tracking,
    file_request, get_request, list_requests,
};
pub use return_labels::buy_return_label;
pub use returns::{
    DecideRequest, InspectReturn, ReceiveReturn, decide_request, inspect_return, receive_return,
};
