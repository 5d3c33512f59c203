//! Creating, listing and (de)activating users. Admins only.

use tradeport_connectors::passwords::hash_password;
use tradeport_domain::access::{Permission, Principal, validate_new_user};
use tradeport_domain::kernel::{TenantId, UserId};
use tradeport_store::access::{sessions, users};
use tradeport_store::events::{self, NewEvent};

use super::{UserView, target_tenant};
use crate::{App, AppError, AppResult, Page, PageRequest};

/// A user to create, as the caller sent it.
#[derive(Clone, Debug, Default)]
pub struct CreateUser {
    /// The operator itself when absent, else one of its merchants.
    pub tenant_id: Option<TenantId>,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub password: String,
}

/// Creates a user in the operator or one of its merchants.
pub async fn create_user(app: &App, principal: &Principal, input: &CreateUser) -> AppResult<UserView> {
    principal.require(Permission::ManageUsers)?;
    let mut conn = app.db().read().await?;
    let (kind, merchant_id) = target_tenant(&mut conn, principal, input.tenant_id).await?;
    drop(conn);
    let new = validate_new_user(kind, &input.email, &input.display_name, &input.role, &input.password)
        .map_err(AppError::Invalid)?;
    let password = input.password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let operator = principal.scope.operator_id;
    let id: UserId = app.new_id();
    let mut tx = app.begin().await?;
    users::insert_in_tx(&mut tx, operator, merchant_id, id, &new, &hash, app.now()).await.map_err(|e| {
        if e.is_conflict_on("users_email_key") {
            AppError::duplicate("email", format!("a user with e-mail {} exists already", new.email))
        } else {
            e.into()
        }
    })?;
    let data = serde_json::json!({ "email": new.email, "role": new.role }).to_string();
    let event = NewEvent { merchant_id, data, ..app.event(principal.actor, "user", id, "user_created") };
    events::append_in_tx(&mut tx, operator, &event).await?;
    let row = users::get(&mut tx, operator, id).await?.ok_or(AppError::NotFound("user"))?;
    tx.commit().await?;
    Ok(row.into())
}

/// A page of users of the operator and its merchants.
pub async fn list_users(app: &App, principal: &Principal, page: &PageRequest) -> AppResult<Page<UserView>> {
    principal.require(Permission::ManageUsers)?;
    let limit = page.limit().map_err(|e| AppError::Invalid(vec![e]))?;
    let mut conn = app.db().read().await?;
    let after = page.id_cursor::<UserId>().map_err(|e| AppError::Invalid(vec![e]))?;
    let after = after.map(|id| id.to_string()).unwrap_or_default();
    let rows = users::list(&mut conn, principal.scope.operator_id, None, &after, limit + 1).await?;
    let views = rows.into_iter().map(UserView::from).collect();
    Ok(Page::from_rows(views, limit, |u: &UserView| u.id.to_string()))
}

/// Turns a user on or off; turning off ends the user's sessions at once.
pub async fn set_user_active(
    app: &App,
    principal: &Principal,
    id: UserId,
    active: bool,
) -> AppResult<UserView> {
    principal.require(Permission::ManageUsers)?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    if !users::set_active_in_tx(&mut tx, operator, id, active).await? {
        return Err(AppError::NotFound("user"));
    }
    if !active {
        sessions::delete_for_user(&mut tx, id).await?;
    }
    let kind = if active { "user_activated" } else { "user_deactivated" };
    events::append_in_tx(&mut tx, operator, &app.event(principal.actor, "user", id, kind)).await?;
    let row = users::get(&mut tx, operator, id).await?.ok_or(AppError::NotFound("user"))?;
    tx.commit().await?;
    Ok(row.into())
}
