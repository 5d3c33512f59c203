//! Inventory use cases: the catalogue, warehouses, stock adjustments, the ledger check, the
//! prohibited-goods rules, and reserving and releasing stock for orders.

mod backorders;
mod goods_rules;
mod presales;
mod reserve;
mod skus;
mod stock;
mod verify;
mod warehouses;

pub(crate) use backorders::{fill_backorders_in_tx, lock_waiting_orders};
pub use goods_rules::{add_goods_rule, delete_goods_rule, list_goods_rules, seed_default_goods_rules_in_tx};
pub(crate) use presales::day_of;
pub use presales::{PresaleRequest, PresaleView, end_presale, list_presales, set_presale};
pub(crate) use reserve::{contention, release_order_in_tx, reserve_order_in_tx};
pub use skus::{ImportReport, RowError, SkuView, import_skus_csv, list_skus, upsert_sku};
pub use stock::{BalanceView, StockAdjustment, StockQuery, adjust_stock, list_balances};
pub use verify::{Drift, verify_inventory};
pub use warehouses::{
    CreateWarehouse, ReceivingSettings, WarehouseView, create_warehouse, list_warehouses, set_receiving,
};

use tradeport_domain::access::Principal;
use tradeport_domain::kernel::TenantId;

use crate::{App, AppError, AppResult};

/// The merchant an inventory or order request is for: a merchant's own, or the one staff name.
pub(crate) fn merchant_for(principal: &Principal, requested: Option<&str>) -> AppResult<TenantId> {
    match (principal.scope.merchant_id, requested.filter(|r| !r.trim().is_empty())) {
        (Some(own), None) => Ok(own),
        (Some(own), Some(r)) if r.trim() == own.to_string() => Ok(own),
        (Some(_), Some(_)) => Err(AppError::NotFound("merchant")),
        (None, Some(r)) => r.trim().parse().map_err(|_| AppError::NotFound("merchant")),
        (None, None) => Err(AppError::Invalid(vec![tradeport_domain::kernel::FieldError::new(
            "merchant_id",
            "required",
            "merchant_id is required when staff act for a merchant",
        )])),
    }
}

/// Refuses a merchant that is not one of the principal's operator's (a merchant acting for
/// itself is checked by its scope already).
pub(crate) async fn check_merchant(app: &App, principal: &Principal, merchant: TenantId) -> AppResult<()> {
    if principal.scope.merchant_id.is_some() {
        return Ok(());
    }
    let mut conn = app.db().read().await?;
    match tradeport_store::access::tenants::get(&mut conn, principal.scope.operator_id, merchant).await? {
        Some(t) if t.kind == tradeport_domain::access::TenantKind::Merchant => Ok(()),
        _ => Err(AppError::NotFound("merchant")),
    }
}
