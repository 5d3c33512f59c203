//! Access use cases: sign-in and sessions, API keys, tenants, users and settings.
//!
//! Authorisation rules beyond the role table: a merchant principal reaches only its own tenant;
//! staff reach their operator and its merchants; an object outside the principal's reach answers
//! "not found", exactly like a missing one, so its existence is not revealed.

mod actor_names;
mod api_keys;
mod authenticate;
mod config_cache;
mod housekeeping;
mod settings;
mod sign_in;
mod tenants;
mod users;
mod views;

pub use actor_names::actor_names;
pub use api_keys::{CreateApiKey, CreatedApiKey, create_api_key, list_api_keys, revoke_api_key};
pub use authenticate::{authenticate_api_key, authenticate_session};
pub(crate) use config_cache::{ConfigCache, operator_config};
pub use housekeeping::purge_expired;
pub use settings::{get_settings, update_settings};
pub(crate) use sign_in::{OperatorPolicy, load_operator, load_settings, operator_row};
pub use sign_in::{SignedIn, new_form_token, sign_in, sign_out};
pub use tenants::{
    CreateTenant, create_merchant, create_operator, get_tenant, list_tenants, system_principal,
    tenant_by_code,
};
pub use users::{CreateUser, create_user, list_users, set_user_active};
pub use views::{ApiKeyView, SessionPrincipal, TenantView, UserView};

use tradeport_domain::access::{Principal, TenantKind};
use tradeport_domain::kernel::TenantId;
use tradeport_store::AnyConnection;
use tradeport_store::access::tenants as tenant_rows;

use crate::{AppError, AppResult};

/// Where a new user or key goes: the operator itself (`None`) or one of its merchants.
/// Merchants may only name themselves; staff may name any merchant of their operator.
pub(crate) async fn target_tenant(
    conn: &mut AnyConnection,
    principal: &Principal,
    requested: Option<TenantId>,
) -> AppResult<(TenantKind, Option<TenantId>)> {
    match (principal.scope.merchant_id, requested) {
        (Some(own), None) => Ok((TenantKind::Merchant, Some(own))),
        (Some(own), Some(t)) if t == own => Ok((TenantKind::Merchant, Some(own))),
        (Some(_), Some(_)) => Err(AppError::NotFound("tenant")),
        (None, None) => Ok((TenantKind::Operator, None)),
        (None, Some(t)) if t == principal.scope.operator_id => Ok((TenantKind::Operator, None)),
        (None, Some(t)) => match tenant_rows::get(conn, principal.scope.operator_id, t).await? {
            Some(row) if row.kind == TenantKind::Merchant => Ok((TenantKind::Merchant, Some(t))),
            _ => Err(AppError::NotFound("tenant")),
        },
    }
}
