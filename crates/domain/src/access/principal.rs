//! Who is acting, and which data they may reach.

use serde::Serialize;

use super::{AccessError, Permission, Role, TenantKind};
use crate::kernel::{ApiKeyId, TenantId, UserId};

/// The person or program behind a request, recorded on every event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Actor {
    User(UserId),
    ApiKey(ApiKeyId),
    /// A background job or a command-line tool run by the operator's administrator.
    System,
}

/// The data an actor may reach: everything of one operator, or one merchant of that operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Scope {
    /// The operator tenant: the outer boundary every row carries as `tenant_id`.
    pub operator_id: TenantId,
    /// Set for merchant principals: only rows of this merchant are visible.
    pub merchant_id: Option<TenantId>,
}

impl Scope {
    /// Whether an object owned by `owner` (the operator itself or one of its merchants) is visible.
    pub fn sees_tenant(&self, owner: TenantId, owner_operator: TenantId) -> bool {
        match self.merchant_id {
            Some(m) => owner == m,
            None => owner_operator == self.operator_id,
        }
    }
}

/// An authenticated actor with its role and scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub actor: Actor,
    /// The tenant the user or key belongs to.
    pub tenant_id: TenantId,
    pub tenant_kind: TenantKind,
    pub role: Role,
    pub scope: Scope,
}

impl Principal {
    /// Fails with `Forbidden` unless the role has `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), AccessError> {
        if self.role.can(permission) {
            Ok(())
        } else {
            Err(AccessError::Forbidden { role: self.role.as_str(), action: permission.action() })
        }
    }

    pub fn is_merchant(&self) -> bool {
        self.scope.merchant_id.is_some()
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::kernel::EntityId;

    fn id(n: u128) -> TenantId {
        TenantId::from_uuid(Uuid::from_u128(n))
    }

    #[test]
    fn a_merchant_scope_sees_only_its_own_tenant() {
        let scope = Scope { operator_id: id(1), merchant_id: Some(id(2)) };
        assert!(scope.sees_tenant(id(2), id(1)));
        assert!(!scope.sees_tenant(id(3), id(1)));
        assert!(!scope.sees_tenant(id(1), id(1)));
    }

    #[test]
    fn an_operator_scope_sees_its_merchants_but_not_another_operators() {
        let scope = Scope { operator_id: id(1), merchant_id: None };
        assert!(scope.sees_tenant(id(2), id(1)));
        assert!(scope.sees_tenant(id(1), id(1)));
        assert!(!scope.sees_tenant(id(5), id(4)));
    }
}
