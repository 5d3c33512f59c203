//! Merchant inserts (WMS-6): a merchant lists what goes in its orders' first package; packing
//! plans them with the package, the packer sees them, the slip lists them and the scale expects
//! their weight.

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{Money, TenantId};
use tradeport_domain::warehouse::{InsertInput, NewInsert, validate_insert};
use tradeport_store::AnyConnection;
use tradeport_store::warehouse::inserts::{self, InsertRow};

use crate::inventory::{check_merchant, merchant_for};
use crate::{App, AppError, AppResult};

/// An insert as the API shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct InsertView {
    pub id: String,
    pub merchant_id: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub weight_g: i64,
    /// 0: every order.
    pub min_order_minor: i64,
    /// The threshold's currency; empty when there is none.
    pub currency: String,
    /// The threshold written out, e.g. `49.90 GBP`; `None`: every order.
    pub min_order: Option<String>,
    pub active: bool,
}

impl From<InsertRow> for InsertView {
    fn from(r: InsertRow) -> Self {
        let i = r.insert;
        Self {
            id: r.id,
            merchant_id: r.merchant_id.to_string(),
            code: i.code,
            name: i.name,
            kind: i.kind.as_str().into(),
            weight_g: i.weight_g,
            min_order_minor: i.min_order.map_or(0, Money::minor),
            currency: i.min_order.map_or(String::new(), |m| m.currency().code().into()),
            min_order: i.min_order.map(|m| m.to_string()),
            active: i.active,
        }
    }
}

/// Adds or changes (same code) an insert of a merchant.
pub async fn save_insert(
    app: &App,
    principal: &Principal,
    merchant_id: Option<&str>,
    input: &InsertInput,
) -> AppResult<InsertView> {
    principal.require(Permission::ManageCatalog)?;
    let merchant = merchant_for(principal, merchant_id)?;
    check_merchant(app, principal, merchant).await?;
    let insert = validate_insert(input).map_err(AppError::Invalid)?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    inserts::upsert_in_tx(&mut tx, operator, merchant, &app.new_uuid().to_string(), &insert, app.now())
        .await?;
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(merchant),
        data: serde_json::json!({ "code": insert.code, "active": insert.active }).to_string(),
        ..app.event(principal.actor, "merchant", merchant, "packing_insert_saved")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    let saved = inserts::list(&mut tx, operator, Some(merchant))
        .await?
        .into_iter()
        .find(|r| r.insert.code == insert.code)
        .ok_or(AppError::NotFound("insert"))?;
    tx.commit().await?;
    Ok(saved.into())
}

/// The inserts the principal may see: a merchant its own, staff every merchant's.
pub async fn list_inserts(app: &App, principal: &Principal) -> AppResult<Vec<InsertView>> {
    principal.require(Permission::ViewInventory)?;
    let mut conn = app.db().read().await?;
    let rows = inserts::list(&mut conn, principal.scope.operator_id, principal.scope.merchant_id).await?;
    Ok(rows.into_iter().map(InsertView::from).collect())
}

/// The inserts that go with an order of `merchant` with this total.
pub(crate) async fn inserts_for_order(
    conn: &mut AnyConnection,
    operator: TenantId,
    merchant: TenantId,
    total: Money,
) -> AppResult<Vec<NewInsert>> {
    let rows = inserts::list(conn, operator, Some(merchant)).await?;
    Ok(rows.into_iter().map(|r| r.insert).filter(|i| i.goes_with(total)).collect())
}
