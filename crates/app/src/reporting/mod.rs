//! Reporting: figures for dashboards, read from the database as it is now.

mod dashboard;

pub use dashboard::{Dashboard, dashboard};
