//! API keys: created with their secret shown once, listed without it, revoked at once.
//!
//! A key looks like `tpk_` followed by 48 hex characters (24 random bytes); only its SHA-256 is
//! stored. Admins manage the operator's keys and its merchants'; a merchant manages its own.

use tradeport_connectors::secrets::{random_token, sha256_hex};
use tradeport_domain::access::{Permission, Principal, validate_new_api_key};
use tradeport_domain::kernel::{ApiKeyId, TenantId};
use tradeport_store::access::api_keys::{self, NewApiKeyRow};
use tradeport_store::events::{self, NewEvent};

use super::{ApiKeyView, target_tenant};
use crate::{App, AppError, AppResult, Page, PageRequest};

/// A key to create, as the caller sent it.
#[derive(Clone, Debug, Default)]
pub struct CreateApiKey {
    /// The operator itself when absent, else one of its merchants.
    pub tenant_id: Option<TenantId>,
    pub name: String,
    pub role: String,
}

/// A new key: the secret is here and nowhere else, ever.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKeyView,
    /// The key itself, shown this once: store it now.
    pub secret: String,
}

/// Creates a key.
pub async fn create_api_key(
    app: &App,
    principal: &Principal,
    input: &CreateApiKey,
) -> AppResult<CreatedApiKey> {
    principal.require(Permission::ManageApiKeys)?;
    let mut tx = app.begin().await?;
    let (kind, merchant_id) = target_tenant(&mut tx, principal, input.tenant_id).await?;
    let new = validate_new_api_key(kind, &input.name, &input.role).map_err(AppError::Invalid)?;
    let secret = format!("tpk_{}", random_token(24));
    let id: ApiKeyId = app.new_id();
    let row = NewApiKeyRow {
        id,
        merchant_id,
        name: &new.name,
        role: new.role,
        prefix: &secret[..12],
        key_hash: &sha256_hex(&secret),
        created_by: Some(
            serde_json::to_string(&principal.actor).map_err(|e| AppError::Internal(e.to_string()))?,
        ),
    };
    let operator = principal.scope.operator_id;
    api_keys::insert_in_tx(&mut tx, operator, &row, app.now()).await?;
    let data = serde_json::json!({ "name": new.name, "role": new.role }).to_string();
    let event =
        NewEvent { merchant_id, data, ..app.event(principal.actor, "api_key", id, "api_key_created") };
    events::append_in_tx(&mut tx, operator, &event).await?;
    let stored = api_keys::get(&mut tx, operator, id).await?.ok_or(AppError::NotFound("API key"))?;
    tx.commit().await?;
    Ok(CreatedApiKey { key: stored.into(), secret })
}

/// A page of the keys the principal may see.
pub async fn list_api_keys(
    app: &App,
    principal: &Principal,
    page: &PageRequest,
) -> AppResult<Page<ApiKeyView>> {
    principal.require(Permission::ManageApiKeys)?;
    let limit = page.limit().map_err(|e| AppError::Invalid(vec![e]))?;
    let after = page.id_cursor::<ApiKeyId>().map_err(|e| AppError::Invalid(vec![e]))?;
    let after = after.map(|id| id.to_string()).unwrap_or_default();
    let mut conn = app.db().read().await?;
    let rows = api_keys::list(
        &mut conn,
        principal.scope.operator_id,
        principal.scope.merchant_id,
        &after,
        limit + 1,
    )
    .await?;
    let views = rows.into_iter().map(ApiKeyView::from).collect();
    Ok(Page::from_rows(views, limit, |k: &ApiKeyView| k.id.to_string()))
}

/// Revokes a key; it is refused from the next request on. Revoking twice is harmless.
pub async fn revoke_api_key(app: &App, principal: &Principal, id: ApiKeyId) -> AppResult<ApiKeyView> {
    principal.require(Permission::ManageApiKeys)?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let key = api_keys::get(&mut tx, operator, id).await?;
    let visible =
        key.as_ref().is_some_and(|k| principal.scope.merchant_id.is_none_or(|m| k.merchant_id == Some(m)));
    if !visible {
        return Err(AppError::NotFound("API key"));
    }
    if api_keys::revoke_in_tx(&mut tx, operator, id, app.now()).await? {
        let merchant_id = key.and_then(|k| k.merchant_id);
        let event = NewEvent { merchant_id, ..app.event(principal.actor, "api_key", id, "api_key_revoked") };
        events::append_in_tx(&mut tx, operator, &event).await?;
    }
    let stored = api_keys::get(&mut tx, operator, id).await?.ok_or(AppError::NotFound("API key"))?;
    tx.commit().await?;
    Ok(stored.into())
}
