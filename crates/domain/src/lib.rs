//! Tradeport's business rules, free of I/O.
//!
//! Nothing here touches a database, the network, the clock or a random number generator: every
//! instant and every new id is passed in, so every rule can be tested with plain values.
//! `kernel` holds the value types every context shares; then one module per context.

pub mod access;
pub mod aftersales;
pub mod archive;
pub mod audit;
pub mod billing;
pub mod channels;
pub mod exceptions;
pub mod inventory;
pub mod jobs;
pub mod kernel;
pub mod kpi;
pub mod notifications;
pub mod orders;
pub mod payments;
pub mod retention;
pub mod risk;
pub mod shipping;
pub mod sla;
pub mod supervision;
pub mod tickets;
pub mod warehouse;
