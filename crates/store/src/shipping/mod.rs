//! Shipping's tables (SHP-1 …): carrier services.

pub mod services;
pub mod shipments;
pub mod tracking;
