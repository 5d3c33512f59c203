//! Typed identifiers. Every id is a UUIDv7 (time-ordered, so ids sort by creation) stored as text.
//! A typed id cannot be passed where another kind of id is expected:
//!
//! ```compile_fail
//! use tradeport_domain::kernel::{EntityId, OrderId, SkuId};
//! fn release(_order: OrderId) {}
//! let sku = SkuId::from_uuid(uuid::Uuid::nil());
//! release(sku); // error: expected `OrderId`, found `SkuId`
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Behaviour shared by all typed ids.
pub trait EntityId: Sized + Copy {
    /// Wraps a raw UUID.
    fn from_uuid(uuid: Uuid) -> Self;
    /// The raw UUID.
    fn uuid(&self) -> Uuid;
}

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl EntityId for $name {
            fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }
            fn uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

typed_id!(
    /// A tenant: an operator company or one of its merchants.
    TenantId
);
typed_id!(
    /// A person who signs in to the web UI.
    UserId
);
typed_id!(
    /// An API key used by a program.
    ApiKeyId
);
typed_id!(
    /// An order.
    OrderId
);
typed_id!(
    /// A merchant's SKU (stock-keeping unit).
    SkuId
);
typed_id!(
    /// A warehouse of the operator.
    WarehouseId
);
typed_id!(
    /// A storage location (bin) in a warehouse.
    BinId
);
typed_id!(
    /// An inbound notice (ASN).
    AsnId
);
typed_id!(
    /// A wave of orders picked together.
    WaveId
);
typed_id!(
    /// One line of a pick list.
    PickLineId
);
typed_id!(
    /// A package of an order.
    PackageId
);
typed_id!(
    /// A batch of packages handed to a carrier.
    HandoverId
);

/// A fixed id made from a short name (at most 16 bytes), for tests: one name, one id.
#[cfg(test)]
pub(crate) fn named<T: EntityId>(name: &str) -> T {
    let mut bytes = [0u8; 16];
    bytes[..name.len()].copy_from_slice(name.as_bytes());
    T::from_uuid(Uuid::from_bytes(bytes))
}
