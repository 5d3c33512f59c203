//! SQL of the access context: tenants, users, API keys, sessions and sign-in attempts.

pub mod actors;
pub mod api_keys;
pub mod login_attempts;
pub mod sessions;
pub mod tenants;
pub mod users;

use std::str::FromStr;

use tradeport_domain::access::Role;
use tradeport_domain::kernel::TenantId;

use crate::StoreError;

pub(crate) fn parse_tenant_id(raw: &str) -> Result<TenantId, StoreError> {
    TenantId::from_str(raw).map_err(|_| StoreError::Corrupt(format!("tenant id {raw}")))
}

pub(crate) fn parse_opt_tenant_id(raw: Option<String>) -> Result<Option<TenantId>, StoreError> {
    raw.as_deref().map(parse_tenant_id).transpose()
}

pub(crate) fn parse_role(raw: &str) -> Result<Role, StoreError> {
    Role::parse(raw).ok_or_else(|| StoreError::Corrupt(format!("role {raw}")))
}

pub(crate) fn parse_id<T: FromStr>(raw: &str, what: &str) -> Result<T, StoreError> {
    T::from_str(raw).map_err(|_| StoreError::Corrupt(format!("{what} {raw}")))
}
