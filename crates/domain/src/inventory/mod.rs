//! Inventory: SKUs with the traits later steps need, warehouses, the stock ledger and allocation.
//!
//! Invariants: a balance's `reserved` never exceeds its `on_hand` and neither goes below zero;
//! every change is a ledger movement whose sums equal the balance.

mod allocation;
mod presale;
mod sku;

pub use allocation::{
    AllocationPolicy, AllocationState, LineNeed, Placement, ShortagePolicy, WarehouseStock, plan_allocation,
};
pub use presale::{MAX_PRESALE_UNITS, check_presale_limit, sold_out};
pub use sku::{NewSku, SkuInput, Trait, WarehouseKind, validate_sku};

/// Kinds of ledger movement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MovementKind {
    Receive,
    PutAway,
    Reserve,
    Release,
    Pick,
    Ship,
    Restock,
    Adjust,
    Count,
    /// From one bin to another.
    Move,
}

impl MovementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Receive => "receive",
            Self::PutAway => "put_away",
            Self::Reserve => "reserve",
            Self::Release => "release",
            Self::Pick => "pick",
            Self::Ship => "ship",
            Self::Restock => "restock",
            Self::Adjust => "adjust",
            Self::Count => "count",
            Self::Move => "move",
        }
    }
}
