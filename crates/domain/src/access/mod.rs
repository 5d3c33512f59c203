//! Access: tenants (operators and their merchants), users, roles, permissions and API keys.
//!
//! Invariants kept here:
//! - a merchant belongs to exactly one operator; an operator belongs to nobody;
//! - the `merchant` role exists only in merchant tenants, every staff role only in operators;
//! - what a role may do is one table (`Role::permissions`), checked before every use case.

mod principal;
mod role;
mod settings;
mod tenant;
mod validate;

pub use principal::{Actor, Principal, Scope};
pub use role::{Permission, Role};
pub use settings::{ApprovalLimit, LOCALES, ServiceLevel, TenantSettings};
pub use tenant::TenantKind;
pub use validate::{
    NewApiKey, NewTenant, NewUser, PASSWORD_MIN_LEN, check_password, validate_new_api_key,
    validate_new_tenant, validate_new_user,
};

use thiserror::Error;

use crate::kernel::FieldError;

/// What can go wrong in the access context, in the words of the domain.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum AccessError {
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    #[error("sign-in failed: the e-mail or the password is wrong")]
    BadCredentials,
    #[error("too many failed sign-ins for this account; try again in {retry_after_minutes} minutes")]
    Throttled { retry_after_minutes: i64 },
    #[error("authentication is required: sign in, or send 'Authorization: Bearer <api key>'")]
    Unauthenticated,
    #[error("your role ({role}) may not {action}")]
    Forbidden { role: &'static str, action: &'static str },
    #[error("{0} not found")]
    NotFound(&'static str),
}
