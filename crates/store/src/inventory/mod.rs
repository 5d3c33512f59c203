//! SQL of the inventory context: SKUs, warehouses, stock balances and the ledger, goods rules.

pub mod goods_rules;
pub mod presales;
pub mod skus;
pub mod stock;
pub mod warehouses;
