//! Safety stock (INV-5): a merchant sets a threshold per SKU and warehouse; when the available
//! stock falls below it, one alert is raised (an event for notifications), not one per order,
//! and the alert is armed again once the stock is back at or above the threshold. The check runs
//! in the background, off the order path.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Actor, Permission, Principal};
use tradeport_domain::kernel::SkuId;
use tradeport_store::inventory::skus;
use tradeport_store::warehouse::safety;

use super::{invalid, warehouse_for};
use crate::{App, AppError, AppResult, parse_id};

/// A threshold.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SafetyStock {
    pub sku_id: String,
    pub warehouse_id: String,
    /// Alert when fewer units than this are available; 0 for no alert.
    #[schema(minimum = 0, maximum = 10000000)]
    pub threshold: i64,
}

/// Sets a safety-stock threshold for one of the merchant's SKUs (staff: any merchant's).
pub async fn set_safety_stock(app: &App, principal: &Principal, s: &SafetyStock) -> AppResult<SafetyStock> {
    principal.require(Permission::ManageCatalog)?;
    if !(0..=10_000_000).contains(&s.threshold) {
        return Err(invalid("threshold", "out_of_range", "threshold must be 0 (no alert) to 10000000 units"));
    }
    let operator = principal.scope.operator_id;
    let sku_id: SkuId = parse_id(&s.sku_id, "SKU")?;
    let mut conn = app.db().read().await?;
    let wh = warehouse_for(&mut conn, principal, &s.warehouse_id).await?;
    let sku = skus::get(&mut conn, operator, principal.scope.merchant_id, sku_id)
        .await?
        .ok_or(AppError::NotFound("SKU"))?;
    drop(conn);
    let mut tx = app.begin().await?;
    safety::upsert_in_tx(&mut tx, operator, sku.merchant_id, sku.id, wh.id, s.threshold, app.now()).await?;
    tx.commit().await?;
    Ok(SafetyStock { sku_id: sku.id.to_string(), warehouse_id: wh.id.to_string(), threshold: s.threshold })
}

/// Raises the alerts of thresholds newly crossed and re-arms those back above; returns the alerts
/// raised. Each crossing is flipped once by a conditional update, so several workers raise one.
pub async fn check_safety_stock(app: &App) -> AppResult<usize> {
    let mut conn = app.db().read().await?;
    let crossed = safety::crossings(&mut conn, None).await?;
    drop(conn);
    let mut raised = 0;
    for w in crossed {
        let now = app.now();
        let mut tx = app.begin().await?;
        if !safety::flip_in_tx(&mut tx, w.sku_id, w.warehouse_id, w.alerted, now).await? {
            tx.end_unwritten().await?;
            continue;
        }
        let (kind, topic) = if w.alerted {
            ("stock_back_above_safety", crate::notifications::STOCK_BACK_ABOVE_SAFETY)
        } else {
            ("stock_below_safety", crate::notifications::STOCK_BELOW_SAFETY)
        };
        let data =
            serde_json::json!({ "sku": w.sku, "warehouse": w.warehouse_code, "warehouse_id": w.warehouse_id,
                                       "available": w.available, "threshold": w.threshold })
            .to_string();
        let event = tradeport_store::events::NewEvent {
            merchant_id: Some(w.merchant_id),
            data: data.clone(),
            ..app.event(Actor::System, "sku", w.sku_id, kind)
        };
        tradeport_store::events::append_in_tx(&mut tx, w.tenant_id, &event).await?;
        // The merchant hears of it on its webhooks that want the topic.
        let message = tradeport_store::outbox::NewMessage {
            id: app.new_uuid(),
            merchant_id: Some(w.merchant_id),
            topic,
            subject_type: "sku",
            subject_id: w.sku_id.to_string(),
            payload: data,
            at: now,
        };
        tradeport_store::outbox::enqueue_in_tx(&mut tx, w.tenant_id, &message).await?;
        tx.commit().await?;
        raised += usize::from(!w.alerted);
    }
    Ok(raised)
}
