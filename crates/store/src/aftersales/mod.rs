//! After-sales tables (AFS-1 … AFS-7): policies, requests and returns, refunds and store credit.

pub mod coupons;
pub mod dispositions;
pub mod policies;
pub mod refunds;
pub mod requests;
