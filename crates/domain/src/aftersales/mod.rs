//! After-sales (AFS-1 … AFS-7): the policy engine, requests and returns, refunds.

mod completion;
mod coupons;
mod dispositions;
mod policy;
mod refunds;
mod requests;

pub use completion::{Completed, CompletionFacts, completion};
pub use coupons::{COUPON_PREFIX, CouponFacts, check_coupon, is_coupon_code};
pub use dispositions::{ItemCondition, disposition_for};
pub use policy::{
    Decision, FreightPayer, Policy, Request, RequestReason, RequestType, deciding_policy, evaluate,
    fourteen_day_market,
};
pub use refunds::{RefundMethod, RefundRefusal, RefundStatus, check_refund};
pub use requests::{
    Approval, ClaimLine, ClaimRefusal, Disposition, RequestSource, RequestStatus, after_discount, approval,
    classify, grants_amount, needs_return, refund_cap, refunds_money, route,
};
