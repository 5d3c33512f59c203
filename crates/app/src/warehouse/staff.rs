//! Which warehouses a staff user works in (WMS, SYS-2): an admin limits a user to some of the
//! operator's warehouses; every warehouse use case then refuses the others as if they did not
//! exist. A user with none listed works in all. API keys are not limited this way.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Actor, Permission, Principal};
use tradeport_domain::kernel::{UserId, WarehouseId};
use tradeport_store::AnyConnection;
use tradeport_store::access::users;
use tradeport_store::warehouse::staff;

use super::warehouse_of;
use crate::{App, AppError, AppResult, parse_id};

/// The warehouses a user works in.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct UserWarehouses {
    /// Warehouse ids; empty: all of the operator's.
    pub warehouse_ids: Vec<String>,
}

/// The warehouses the principal may work in, or `None` for all.
pub(crate) async fn allowed_warehouses(
    conn: &mut AnyConnection,
    principal: &Principal,
) -> AppResult<Option<Vec<WarehouseId>>> {
    let Actor::User(user) = principal.actor else { return Ok(None) };
    if principal.is_merchant() {
        return Ok(None);
    }
    let allowed = staff::of_user(conn, principal.scope.operator_id, user).await?;
    Ok((!allowed.is_empty()).then_some(allowed))
}

/// Refuses a warehouse the principal does not work in, as not found.
pub(crate) async fn check_warehouse(
    conn: &mut AnyConnection,
    principal: &Principal,
    warehouse: WarehouseId,
) -> AppResult<()> {
    match allowed_warehouses(conn, principal).await? {
        Some(allowed) if !allowed.contains(&warehouse) => Err(AppError::NotFound("warehouse")),
        _ => Ok(()),
    }
}

/// The operator's warehouses the principal works in.
pub async fn my_warehouses(
    app: &App,
    principal: &Principal,
) -> AppResult<Vec<crate::inventory::WarehouseView>> {
    let all = crate::inventory::list_warehouses(app, principal).await?;
    let mut conn = app.db().read().await?;
    Ok(match allowed_warehouses(&mut conn, principal).await? {
        Some(allowed) => all.into_iter().filter(|w| allowed.iter().any(|a| a.to_string() == w.id)).collect(),
        None => all,
    })
}

/// Limits a staff user to some warehouses (none: all). Admins only.
pub async fn set_user_warehouses(
    app: &App,
    principal: &Principal,
    user_id: &str,
    w: &UserWarehouses,
) -> AppResult<UserWarehouses> {
    principal.require(Permission::ManageUsers)?;
    let operator = principal.scope.operator_id;
    let user_id: UserId = parse_id(user_id, "user")?;
    let mut conn = app.db().read().await?;
    let user = users::get(&mut conn, operator, user_id).await?.ok_or(AppError::NotFound("user"))?;
    if user.merchant_id.is_some() {
        return Err(super::invalid(
            "user",
            "merchant_user",
            "merchants' users work in no warehouse; choose a staff user",
        ));
    }
    let mut ids = Vec::new();
    for raw in &w.warehouse_ids {
        // The admin sees every warehouse of the operator.
        ids.push(warehouse_of(&mut conn, operator, raw).await?.id);
    }
    drop(conn);
    ids.sort();
    ids.dedup();
    let mut tx = app.begin().await?;
    staff::replace_in_tx(&mut tx, operator, user_id, &ids).await?;
    let data = serde_json::json!({ "warehouse_ids": ids }).to_string();
    let event = tradeport_store::events::NewEvent {
        data,
        ..app.event(principal.actor, "user", user_id, "user_warehouses_set")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(UserWarehouses { warehouse_ids: ids.iter().map(|i| i.to_string()).collect() })
}
