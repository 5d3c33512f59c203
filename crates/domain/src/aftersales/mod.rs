//! After-sales (AFS-1 … AFS-7): refunds now; policies, requests and returns join here.

mod refunds;

pub use refunds::{RefundMethod, RefundRefusal, RefundStatus, check_refund};
