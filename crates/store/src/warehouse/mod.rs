//! Warehouse operations' tables (WMS-1 … WMS-8, INV-1): bins and bin balances, inbound notices,
//! waves and pick lines, boxes, packages and hand-overs. Stock figures themselves change through
//! `inventory::stock`, in the same transactions.

pub mod asns;
pub mod bins;
pub mod counters;
pub mod counts;
pub mod inserts;
pub mod packages;
pub mod safety;
pub mod staff;
pub mod waves;
