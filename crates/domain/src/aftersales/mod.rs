//! After-sales (AFS-1 … AFS-7): refunds and the policy engine; requests and returns join here.

mod policy;
mod refunds;

pub use policy::{Decision, FreightPayer, Policy, Request, RequestReason, RequestType, evaluate};
pub use refunds::{RefundMethod, RefundRefusal, RefundStatus, check_refund};
