//! After-sales (AFS-1 … AFS-7): the policy engine, requests and returns, refunds.

mod completion;
mod dispositions;
mod policy;
mod refunds;
mod requests;

pub use completion::{Completed, CompletionFacts, completion};
pub use dispositions::{ItemCondition, disposition_for};
pub use policy::{
    Decision, FreightPayer, Policy, Request, RequestReason, RequestType, deciding_policy, evaluate,
    fourteen_day_market,
};
pub use refunds::{RefundMethod, RefundRefusal, RefundStatus, check_refund};
pub use requests::{
    Approval, ClaimLine, ClaimRefusal, Disposition, RequestSource, RequestStatus, after_discount, approval,
    classify, needs_return, refund_cap, refunds_money, route,
};
