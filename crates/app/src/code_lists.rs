//! The API document's schemas for string fields that take one of the domain's codes: a field
//! typed `String` in Rust is documented as its list (`#[schema(value_type = RoleCode)]`), made
//! from the domain's own `ALL`, never a copy.

use tradeport_domain::access::Role;
use tradeport_domain::aftersales::{RefundMethod, RequestReason, RequestType};
use tradeport_domain::exceptions::CaseType;
use tradeport_domain::inventory::Trait;
use tradeport_domain::orders::{CHANNELS, PaymentStatus};
use tradeport_domain::shipping::ClearanceStep;
use tradeport_domain::tickets::{DisputeKind, Priority, Ruling};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

macro_rules! code_lists {
    ($($(#[$doc:meta])* $name:ident = $codes:expr;)*) => {$(
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new().schema_type(Type::String).enum_values(Some($codes)).into()
            }
        }

        impl utoipa::ToSchema for $name {}
    )*};
}

code_lists! {
    /// The sales channel an order came from; `aftersales` is goods sent again.
    ChannelCode = CHANNELS;
    /// What the channel says of the payment; anything but `paid` in full holds the order.
    PaymentStatusCode = PaymentStatus::ALL.map(PaymentStatus::as_str);
    /// How goods must be handled; goods rules match on it (un3480: lithium-ion batteries alone).
    TraitCode = Trait::ALL.map(Trait::as_str);
    /// A role a user or an API key may have.
    RoleCode = Role::ALL.map(Role::as_str);
    /// What an after-sales request asks for.
    RequestTypeCode = RequestType::ALL.map(RequestType::as_str);
    /// Why the buyer asks.
    RequestReasonCode = RequestReason::ALL.map(RequestReason::as_str);
    /// How a refund is paid.
    RefundMethodCode = RefundMethod::ALL.map(RefundMethod::as_str);
    /// What kind of exception a case is.
    CaseTypeCode = CaseType::ALL.map(CaseType::as_str);
    /// A step of customs clearance.
    ClearanceStepCode = ClearanceStep::ALL.map(ClearanceStep::as_str);
    /// A ticket's priority.
    PriorityCode = Priority::ALL.map(Priority::as_str);
    /// What a dispute is about.
    DisputeKindCode = DisputeKind::ALL.map(DisputeKind::as_str);
    /// How the arbitration group decided a dispute.
    RulingCode = Ruling::ALL.map(Ruling::as_str);
}
