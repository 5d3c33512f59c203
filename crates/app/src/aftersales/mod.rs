//! After-sales (AFS-1 …): refunds now, through the refund port (Stripe), to store credit or
//! recorded as paid outside. One use case per file.

mod refunds;

pub use refunds::{
    OrderRefunds, RefundRequest, RefundView, StoreCredit, refund_order, refunds_of_order, store_credit,
};
