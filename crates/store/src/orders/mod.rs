//! SQL of the orders context: orders, lines, allocations and the order-number counters.

pub mod allocations;
pub mod bulk;
pub mod completion;
pub mod counters;
mod counts;
pub mod lines;
mod payment;
pub mod risk;
pub(crate) mod rows;

pub use counts::{count_by_status, explain_count_by_status, fold_in_tx as fold_counts_in_tx};
pub use payment::{find_by_payment_reference, set_payment_in_tx};
pub use rows::{
    OrderFilter, OrderRow, explain_list, find_by_channel_id, get, insert_in_tx, list, lock_in_tx,
    set_allocation_in_tx, set_status_in_tx, set_status_many_in_tx, update_address_in_tx,
    update_service_in_tx, write_state_in_tx,
};
