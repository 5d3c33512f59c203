//! The API document's schemas for string fields that take one of the domain's codes: a field
//! typed `String` in Rust is documented as its list (`#[schema(value_type = RoleCode)]`), made
//! from the domain's own `ALL`, never a copy.

use tradeport_domain::access::Role;
use tradeport_domain::aftersales::{RefundMethod, RequestReason, RequestType};
use tradeport_domain::exceptions::CaseType;
use tradeport_domain::shipping::ClearanceStep;
use tradeport_domain::tickets::{DisputeKind, Priority, Ruling};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

macro_rules! code_list {
    ($(#[$doc:meta])* $name:ident, $codes:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new().schema_type(Type::String).enum_values(Some($codes)).into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

code_list!(
    /// A role a user or an API key may have.
    RoleCode,
    Role::ALL.map(Role::as_str)
);
code_list!(
    /// What an after-sales request asks for.
    RequestTypeCode,
    RequestType::ALL.map(RequestType::as_str)
);
code_list!(
    /// Why the buyer asks.
    RequestReasonCode,
    RequestReason::ALL.map(RequestReason::as_str)
);
code_list!(
    /// How a refund is paid.
    RefundMethodCode,
    RefundMethod::ALL.map(RefundMethod::as_str)
);
code_list!(
    /// What kind of exception a case is.
    CaseTypeCode,
    CaseType::ALL.map(CaseType::as_str)
);
code_list!(
    /// A step of customs clearance.
    ClearanceStepCode,
    ClearanceStep::ALL.map(ClearanceStep::as_str)
);
code_list!(
    /// A ticket's priority.
    PriorityCode,
    Priority::ALL.map(Priority::as_str)
);
code_list!(
    /// What a dispute is about.
    DisputeKindCode,
    DisputeKind::ALL.map(DisputeKind::as_str)
);
code_list!(
    /// How the arbitration group decided a dispute.
    RulingCode,
    Ruling::ALL.map(Ruling::as_str)
);
