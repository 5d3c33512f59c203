//! What the access use cases return: rows without secrets, ready for the API and the UI.

use serde::Serialize;
use tradeport_domain::access::{Principal, Role, TenantKind};
use tradeport_domain::kernel::{ApiKeyId, Millis, TenantId, UserId};
use tradeport_store::access::api_keys::ApiKeyRow;
use tradeport_store::access::tenants::TenantRow;
use tradeport_store::access::users::UserRow;

/// A tenant as shown to its operator's staff, or to itself.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TenantView {
    #[schema(value_type = String, example = "019a9f3c-5b2e-7c41-8d3e-2f6a1b0c9d88")]
    pub id: TenantId,
    /// operator or merchant.
    #[schema(value_type = String, example = "merchant")]
    pub kind: TenantKind,
    #[schema(value_type = String, example = "019a9f3c-5b2e-7c41-8d3e-2f6a1b0c9d88")]
    pub operator_id: TenantId,
    pub name: String,
    pub code: String,
    pub timezone: String,
    /// UTC milliseconds since the Unix epoch.
    #[schema(value_type = Option<i64>)]
    pub created_at: Millis,
}

impl From<TenantRow> for TenantView {
    fn from(r: TenantRow) -> Self {
        Self {
            id: r.id,
            kind: r.kind,
            operator_id: r.tenant_id,
            name: r.name,
            code: r.code,
            timezone: r.timezone,
            created_at: r.created_at,
        }
    }
}

/// A user, without the password hash.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct UserView {
    #[schema(value_type = String, example = "019a9f3c-5b2e-7c41-8d3e-2f6a1b0c9d88")]
    pub id: UserId,
    /// The tenant the user belongs to: the operator, or one of its merchants.
    #[schema(value_type = String, example = "019a9f3c-5b2e-7c41-8d3e-2f6a1b0c9d88")]
    pub tenant_id: TenantId,
    pub email: String,
    pub display_name: String,
    /// admin, order_manager, reviewer, warehouse, logistics, customer_service, finance, supervisor or merchant.
    #[schema(value_type = String, example = "order_manager")]
    pub role: Role,
    pub active: bool,
    /// UTC milliseconds since the Unix epoch.
    #[schema(value_type = Option<i64>)]
    pub created_at: Millis,
    /// UTC milliseconds since the Unix epoch.
    #[schema(value_type = Option<i64>)]
    pub last_login_at: Option<Millis>,
}

impl From<UserRow> for UserView {
    fn from(r: UserRow) -> Self {
        Self {
            id: r.id,
            tenant_id: r.merchant_id.unwrap_or(r.tenant_id),
            email: r.email,
            display_name: r.display_name,
            role: r.role,
            active: r.active,
            created_at: r.created_at,
            last_login_at: r.last_login_at,
        }
    }
}

/// An API key, without its secret.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ApiKeyView {
    #[schema(value_type = String, example = "019a9f3c-5b2e-7c41-8d3e-2f6a1b0c9d88")]
    pub id: ApiKeyId,
    #[schema(value_type = String, example = "019a9f3c-5b2e-7c41-8d3e-2f6a1b0c9d88")]
    pub tenant_id: TenantId,
    pub name: String,
    /// admin, order_manager, reviewer, warehouse, logistics, customer_service, finance, supervisor or merchant.
    #[schema(value_type = String, example = "order_manager")]
    pub role: Role,
    /// The key's first characters, to tell keys apart.
    pub prefix: String,
    /// UTC milliseconds since the Unix epoch.
    #[schema(value_type = Option<i64>)]
    pub created_at: Millis,
    /// UTC milliseconds since the Unix epoch.
    #[schema(value_type = Option<i64>)]
    pub last_used_at: Option<Millis>,
    /// UTC milliseconds since the Unix epoch.
    #[schema(value_type = Option<i64>)]
    pub revoked_at: Option<Millis>,
}

impl From<ApiKeyRow> for ApiKeyView {
    fn from(r: ApiKeyRow) -> Self {
        Self {
            id: r.id,
            tenant_id: r.merchant_id.unwrap_or(r.tenant_id),
            name: r.name,
            role: r.role,
            prefix: r.prefix,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        }
    }
}

/// A signed-in web user: the principal plus what the UI shows and the session's CSRF token.
#[derive(Clone, Debug)]
pub struct SessionPrincipal {
    pub principal: Principal,
    pub user: UserView,
    pub tenant_name: String,
    pub csrf_token: String,
    /// The operator's default UI language.
    pub default_locale: String,
    /// The IANA time zone of the user's tenant (the merchant's for a merchant's user), in which
    /// the UI shows times.
    pub time_zone: String,
}
