//! Creating and reading tenants: operators (from the command line) and merchants (by admins).

use tradeport_domain::access::{Actor, Permission, Principal, Role, Scope, TenantKind, validate_new_tenant};
use tradeport_domain::kernel::{TenantId, is_known_timezone};
use tradeport_store::AnyConnection;
use tradeport_store::access::tenants;
use tradeport_store::events::{self, NewEvent};

use super::TenantView;
use crate::{App, AppError, AppResult};

/// A tenant to create, as the caller sent it.
#[derive(Clone, Debug, Default)]
pub struct CreateTenant {
    pub name: String,
    pub code: String,
    pub timezone: String,
}

/// The administrator principal of the command line and background jobs for an operator.
pub fn system_principal(operator_id: TenantId) -> Principal {
    Principal {
        actor: Actor::System,
        tenant_id: operator_id,
        tenant_kind: TenantKind::Operator,
        role: Role::Admin,
        scope: Scope { operator_id, merchant_id: None },
    }
}

async fn insert_tenant(
    app: &App,
    conn: &mut AnyConnection,
    operator: Option<TenantId>,
    input: &CreateTenant,
    actor: Actor,
) -> AppResult<TenantView> {
    let kind = if operator.is_some() { TenantKind::Merchant } else { TenantKind::Operator };
    let new = validate_new_tenant(kind, &input.name, &input.code, &input.timezone, is_known_timezone)
        .map_err(AppError::Invalid)?;
    let id: TenantId = app.new_id();
    let operator_id = operator.unwrap_or(id);
    // An operator starts with today's defaults written out, so a default added later never
    // changes its rules silently; merchants have no settings of their own.
    let settings = match kind {
        TenantKind::Operator => serde_json::to_string(&tradeport_domain::access::TenantSettings::default())
            .map_err(|e| AppError::Internal(e.to_string()))?,
        TenantKind::Merchant => "{}".to_string(),
    };
    tenants::insert_in_tx(conn, operator_id, id, &new, &settings, app.now()).await.map_err(|e| match e {
        e if e.is_conflict_on("tenants_code_key") => AppError::duplicate(
            "code",
            format!("a tenant with code '{}' exists already; choose another code", new.code),
        ),
        e => e.into(),
    })?;
    if operator.is_none() {
        crate::inventory::seed_default_goods_rules_in_tx(app, conn, id).await?;
    }
    let merchant_id = operator.map(|_| id);
    let event = NewEvent { merchant_id, ..app.event(actor, "tenant", id, "tenant_created") };
    events::append_in_tx(conn, operator_id, &event).await?;
    let row = tenants::get(conn, operator_id, id).await?.ok_or(AppError::NotFound("tenant"))?;
    Ok(row.into())
}

/// Creates an operator company. Only the command line does this (there is no one above an
/// operator to authorise it).
pub async fn create_operator(app: &App, input: &CreateTenant) -> AppResult<TenantView> {
    let mut tx = app.begin().await?;
    let view = insert_tenant(app, &mut tx, None, input, Actor::System).await?;
    tx.commit().await?;
    // SLA-2: its follow-up sweeps (09:00 and 15:00 in its time zone) start at once.
    crate::sla::schedule_sweeps(app, view.id, None).await?;
    Ok(view)
}

/// Creates a merchant of the principal's operator. Admins only.
pub async fn create_merchant(
    app: &App,
    principal: &Principal,
    input: &CreateTenant,
) -> AppResult<TenantView> {
    principal.require(Permission::ManageMerchants)?;
    let mut tx = app.begin().await?;
    let view = insert_tenant(app, &mut tx, Some(principal.scope.operator_id), input, principal.actor).await?;
    tx.commit().await?;
    Ok(view)
}

/// The tenants the principal may see: staff see the operator and its merchants; a merchant sees
/// itself.
pub async fn list_tenants(app: &App, principal: &Principal) -> AppResult<Vec<TenantView>> {
    let mut conn = app.db().read().await?;
    if let Some(own) = principal.scope.merchant_id {
        let row = tenants::get(&mut conn, principal.scope.operator_id, own).await?;
        return Ok(row.into_iter().map(TenantView::from).collect());
    }
    principal.require(Permission::ViewMerchants)?;
    let rows = tenants::list(&mut conn, principal.scope.operator_id).await?;
    Ok(rows.into_iter().map(TenantView::from).collect())
}

/// One tenant, if the principal may see it; otherwise "not found", like a missing one.
pub async fn get_tenant(app: &App, principal: &Principal, id: TenantId) -> AppResult<TenantView> {
    let mut conn = app.db().read().await?;
    let row = tenants::get(&mut conn, principal.scope.operator_id, id).await?;
    match row {
        Some(r) if principal.scope.sees_tenant(r.id, r.tenant_id) => Ok(r.into()),
        _ => Err(AppError::NotFound("tenant")),
    }
}

/// A tenant by its code, for the command line (which acts as the operator's administrator).
pub async fn tenant_by_code(app: &App, code: &str) -> AppResult<TenantView> {
    let mut conn = app.db().read().await?;
    let row = tenants::find_by_code(&mut conn, code.trim()).await?;
    row.map(TenantView::from).ok_or(AppError::NotFound("tenant"))
}
