//! Turning an API key or a session cookie into a principal.

use tradeport_connectors::secrets::sha256_hex;
use tradeport_domain::access::{AccessError, Actor, Principal, Scope, TenantKind};
use tradeport_store::access::{api_keys, sessions, tenants, users};

use super::sign_in::load_settings;
use super::{SessionPrincipal, UserView};
use crate::{App, AppResult};

/// The principal of a bearer API key. Unknown and revoked keys are refused alike.
pub async fn authenticate_api_key(app: &App, raw_key: &str) -> AppResult<Principal> {
    let now = app.now();
    let mut conn = app.db().read().await?;
    let key = api_keys::find_by_hash(&mut conn, &sha256_hex(raw_key.trim()))
        .await?
        .filter(|k| k.revoked_at.is_none())
        .ok_or(AccessError::Unauthenticated)?;
    drop(conn);
    // Recording use is a write: do it at most once a minute per key so reads stay reads.
    if key.last_used_at.is_none_or(|t| t < now.minus_minutes(1)) {
        let mut tx = app.db().begin().await?;
        api_keys::touch_last_used(&mut tx, key.tenant_id, key.id, now).await?;
        tradeport_store::commit(tx).await?;
    }
    Ok(Principal {
        actor: Actor::ApiKey(key.id),
        tenant_id: key.merchant_id.unwrap_or(key.tenant_id),
        tenant_kind: if key.merchant_id.is_some() { TenantKind::Merchant } else { TenantKind::Operator },
        role: key.role,
        scope: Scope { operator_id: key.tenant_id, merchant_id: key.merchant_id },
    })
}

/// The signed-in user of a session token, if the session is live and the user active.
pub async fn authenticate_session(app: &App, token: &str) -> AppResult<SessionPrincipal> {
    let now = app.now();
    let mut conn = app.db().read().await?;
    let session =
        sessions::find_live(&mut conn, &sha256_hex(token), now).await?.ok_or(AccessError::Unauthenticated)?;
    let user = users::get_any(&mut conn, session.user_id)
        .await?
        .filter(|u| u.active)
        .ok_or(AccessError::Unauthenticated)?;
    let home = user.merchant_id.unwrap_or(user.tenant_id);
    let tenant = tenants::get(&mut conn, user.tenant_id, home).await?.ok_or(AccessError::Unauthenticated)?;
    let principal = Principal {
        actor: Actor::User(user.id),
        tenant_id: home,
        tenant_kind: tenant.kind,
        role: user.role,
        scope: Scope { operator_id: user.tenant_id, merchant_id: user.merchant_id },
    };
    let default_locale = load_settings(&mut conn, principal.scope.operator_id).await?.default_locale;
    Ok(SessionPrincipal {
        principal,
        user: UserView::from(user),
        tenant_name: tenant.name,
        time_zone: tenant.timezone,
        csrf_token: session.csrf_token,
        default_locale,
    })
}
