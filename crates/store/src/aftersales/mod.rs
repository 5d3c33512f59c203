//! After-sales' tables (AFS-4 …): refunds and store credit.

pub mod policies;
pub mod refunds;
