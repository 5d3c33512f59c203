//! Reporting: figures for dashboards, read from the database as it is now.

mod dashboard;
mod order_counts;

pub use dashboard::{Dashboard, dashboard};
pub use order_counts::fold_order_counts;
