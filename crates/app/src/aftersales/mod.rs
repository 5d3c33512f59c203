//! After-sales (AFS-1 …): policies and the check of a request against them; refunds through the
//! refund port (Stripe), to store credit or recorded as paid outside. One use case per file.

mod policies;
mod refunds;

pub use policies::{CheckAnswer, CheckRequest, PolicyInput, check_request, list_policies, save_policy};
pub use refunds::{
    OrderRefunds, RefundRequest, RefundView, StoreCredit, refund_order, refunds_of_order, store_credit,
};
