//! The two kinds of tenant.

use serde::{Deserialize, Serialize};

/// An operator is a cross-border seller or 3PL company whose staff run the operations; a merchant
/// is a client of an operator whose goods it stores and ships.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantKind {
    Operator,
    Merchant,
}

impl TenantKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Operator => "operator",
            Self::Merchant => "merchant",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "operator" => Some(Self::Operator),
            "merchant" => Some(Self::Merchant),
            _ => None,
        }
    }
}
