//! Payments (ORD-5, ORD-8, ORD-10, INV-2): a merchant's provider accounts with their secrets sealed,
//! the provider's events taken in once and folded into one record per payment, the order settled
//! by its payments at once (review started, or held with the reason), the payment window that
//! holds an unpaid order's stock, and payments created at the provider for a buyer to pay.

mod accounts;
mod create_payment;
mod identify;
mod queries;
mod receive_event;
pub(crate) mod refund_port;
mod settle_order;
mod settlements;
mod window;

pub use accounts::{
    AccountRequest, AccountView, account_detail, create_account, list_accounts, reseal_payment_secrets,
    update_account,
};
pub use create_payment::{NewPayment, PaymentRequest, create_payment};
pub use queries::{PaymentEventView, PaymentView, list_payments, order_payments, payment_detail};
pub use receive_event::{PaymentHook, PaymentHookAnswer, ProviderAck, receive_payment_event};
pub(crate) use settle_order::{flag_refund_due_in_tx, payment_holds_in_tx};
pub use settlements::{
    CurrencyTotals, SettlementItemView, SettlementUpload, SettlementView, import_settlement,
    list_settlements, settlement_csv, settlement_detail, settlement_pdf,
};
pub(crate) use window::{hold_stock_for_payment_in_tx, run_window_expiry};

/// What a sealed field of a payment account is bound to.
pub(crate) fn seal_context(account_id: &str, field: &str) -> String {
    format!("payment_accounts:{account_id}:{field}")
}
