//! Stock balances and adjustments (INV-1, INV-3).

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::inventory::MovementKind;
use tradeport_domain::kernel::{FieldError, FieldErrors, SkuId, WarehouseId};
use tradeport_store::inventory::stock::{self, BalanceCursor, Movement};
use tradeport_store::inventory::{skus, warehouses};

use crate::{App, AppError, AppResult, Page, PageRequest, parse_id};

/// A stock change with its reason.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct StockAdjustment {
    pub sku_id: String,
    pub warehouse_id: String,
    /// Units to add (positive) or remove (negative) from on hand.
    pub delta: i64,
    /// Why, e.g. "opening stock", "damaged in storage".
    pub reason: String,
}

/// One balance.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BalanceView {
    pub sku_id: String,
    pub sku: String,
    pub sku_name: String,
    pub merchant_id: String,
    pub warehouse_id: String,
    pub warehouse_code: String,
    pub on_hand: i64,
    pub reserved: i64,
    pub available: i64,
    /// The safety stock set for it (`PUT /api/v1/safety-stock`): below it, stock is low.
    pub low_at: Option<i64>,
}

impl BalanceView {
    /// How the row is marked: `sold-out` with nothing available, `low-stock` below its safety
    /// stock (fewer available than it, as the safety-stock alert counts), else nothing.
    pub fn stock_level(&self) -> &'static str {
        if self.available <= 0 {
            "sold-out"
        } else if self.low_at.is_some_and(|low| self.available < low) {
            "low-stock"
        } else {
            ""
        }
    }
}

/// Changes on-hand stock, recorded as an `adjust` movement; new units go to orders waiting for
/// them (backorders) at once. Refused when it would leave less on hand than is reserved.
pub async fn adjust_stock(app: &App, principal: &Principal, a: &StockAdjustment) -> AppResult<BalanceView> {
    principal.require(Permission::AdjustStock)?;
    let mut e = FieldErrors::new();
    if a.delta == 0 {
        e.add("delta", "zero", "delta must not be zero: units to add (positive) or remove (negative)");
    }
    if a.reason.trim().is_empty() {
        e.add("reason", "required", "reason is required, e.g. opening stock, damaged in storage");
    }
    e.into_result().map_err(AppError::Invalid)?;
    let operator = principal.scope.operator_id;
    let sku_id: SkuId = parse_id(&a.sku_id, "SKU")?;
    let warehouse_id: WarehouseId = parse_id(&a.warehouse_id, "warehouse")?;
    let mut conn = app.db().read().await?;
    skus::get(&mut conn, operator, None, sku_id).await?.ok_or(AppError::NotFound("SKU"))?;
    if !warehouses::list(&mut conn, operator).await?.iter().any(|w| w.id == warehouse_id) {
        return Err(AppError::NotFound("warehouse"));
    }
    crate::warehouse::check_warehouse(&mut conn, principal, warehouse_id).await?;
    drop(conn);
    let now = app.now();
    let mut tx = app.begin().await?;
    let waiting = if a.delta > 0 {
        super::backorders::lock_waiting_orders(&mut tx, operator, sku_id).await?
    } else {
        Vec::new()
    };
    stock::ensure_balance_in_tx(&mut tx, operator, sku_id, warehouse_id, now).await?;
    if !stock::change_on_hand_in_tx(&mut tx, operator, sku_id, warehouse_id, a.delta, now).await? {
        return Err(AppError::Conflict {
            code: "inventory.below_reserved",
            message: "removing this many would leave less on hand than is reserved for orders; release or ship those orders first".into(),
            fields: vec![tradeport_domain::kernel::FieldError::new("delta", "below_reserved", "too many units removed")],
        });
    }
    let movement = Movement {
        id: app.new_uuid().to_string(),
        sku_id,
        warehouse_id,
        kind: MovementKind::Adjust,
        on_hand_delta: a.delta,
        reserved_delta: 0,
        bin: None,
        picked_delta: 0,
        order_id: None,
        reason: Some(a.reason.trim()),
        actor: principal.actor,
        at: now,
    };
    stock::record_in_tx(&mut tx, operator, &movement).await?;
    if a.delta > 0 {
        super::backorders::fill_backorders_in_tx(
            app,
            &mut tx,
            operator,
            sku_id,
            warehouse_id,
            &waiting,
            principal.actor,
        )
        .await?;
    }
    // The answer is read in the transaction that wrote it: it is exactly what was written, and a
    // failure to read it can only roll the change back, never report a committed change as failed.
    let line = stock::balance_line_in_tx(&mut tx, operator, sku_id, warehouse_id)
        .await?
        .ok_or_else(|| AppError::Internal("the adjusted balance is missing in its own transaction".into()))?;
    tx.commit().await?;
    Ok(balance_view(line))
}

fn balance_view(b: stock::BalanceLine) -> BalanceView {
    BalanceView {
        available: b.on_hand - b.reserved,
        sku_id: b.sku_id.to_string(),
        sku: b.sku,
        sku_name: b.sku_name,
        merchant_id: b.merchant_id.to_string(),
        warehouse_id: b.warehouse_id.to_string(),
        warehouse_code: b.warehouse_code,
        on_hand: b.on_hand,
        reserved: b.reserved,
        low_at: b.low_at,
    }
}

fn encode_cursor(b: &BalanceView) -> String {
    let parts = [&b.sku, &b.sku_id, &b.warehouse_code, &b.warehouse_id];
    hex::encode(serde_json::to_string(&parts).unwrap_or_default())
}

fn decode_cursor(cursor: &str) -> AppResult<BalanceCursor> {
    let parts: Option<[String; 4]> =
        hex::decode(cursor).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok());
    let [sku, sku_id, code, warehouse_id] = parts.ok_or_else(|| {
        AppError::Invalid(vec![FieldError::new(
            "cursor",
            "invalid_cursor",
            "cursor must be a next_cursor value from an earlier page; start again without it",
        )])
    })?;
    Ok(BalanceCursor(sku, sku_id, code, warehouse_id))
}

/// Balances the principal may see (a merchant: its own SKUs), by SKU code then warehouse code,
/// a page at a time.
/// Which balances: one merchant's (staff; a merchant sees its own), those whose SKU code or name
/// contains `search`.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct StockQuery {
    pub merchant_id: Option<String>,
    /// Part of a SKU code or name, any case; `_` and `%` are taken literally.
    pub search: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

pub async fn list_balances(app: &App, principal: &Principal, q: &StockQuery) -> AppResult<Page<BalanceView>> {
    principal.require(Permission::ViewInventory)?;
    let page = PageRequest { limit: q.limit, cursor: q.cursor.clone() };
    let chosen = q.merchant_id.as_deref().filter(|m| !m.trim().is_empty());
    let merchant = match (principal.scope.merchant_id, chosen) {
        (Some(own), _) => Some(own),
        (None, Some(m)) => Some(parse_id(m, "merchant")?),
        (None, None) => None,
    };
    if q.search.as_deref().is_some_and(|s| s.chars().count() > 100) {
        return Err(AppError::Invalid(vec![FieldError::new(
            "search",
            "too_long",
            "search is at most 100 characters",
        )]));
    }
    let limit = page.limit().map_err(|e| AppError::Invalid(vec![e]))?;
    let after = page.cursor.as_deref().filter(|c| !c.is_empty()).map(decode_cursor).transpose()?;
    let mut conn = app.db().read().await?;
    let operator = principal.scope.operator_id;
    // Staff limited to some warehouses see only those (SYS-2).
    let allowed = crate::warehouse::allowed_warehouses(&mut conn, principal).await?.unwrap_or_default();
    let rows = stock::list_balances(
        &mut conn,
        operator,
        (merchant, q.search.as_deref()),
        &allowed,
        after.as_ref(),
        limit + 1,
    )
    .await?;
    let views = rows.into_iter().map(balance_view).collect();
    Ok(Page::from_rows(views, limit, encode_cursor))
}
