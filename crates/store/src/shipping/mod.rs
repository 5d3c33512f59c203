//! Shipping's tables (SHP-1 …): carrier services, shipments, customs, tracking.

pub mod customs;
pub mod parcels;
pub mod performance;
pub mod services;
pub mod shipments;
pub mod tracking;
