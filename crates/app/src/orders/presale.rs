//! An order's pre-sale units (INV-4): found at intake, taken within the intake transaction so a
//! pre-sale never sells past its limit, and backordered at approval whatever the shortage policy.

use std::borrow::Cow;
use std::collections::BTreeMap;

use tradeport_domain::access::TenantSettings;
use tradeport_domain::inventory::ShortagePolicy;

use tradeport_domain::inventory::sold_out;
use tradeport_domain::kernel::{FieldError, OrderId, SkuId, TenantId};
use tradeport_domain::orders::ValidatedOrder;
use tradeport_store::AnyConnection;
use tradeport_store::inventory::presales::{self, PresaleRow};

use crate::{AppError, AppResult};

/// An order's units of one SKU on pre-sale.
pub(crate) struct PresaleUnits {
    sku: SkuId,
    code: String,
    qty: i64,
    /// Midnight UTC of the day promised.
    promised_on: i64,
}

/// The promises of `units` as the order's page shows them (by SKU id).
pub(crate) fn promised_views(units: &[PresaleUnits]) -> Vec<super::PromisedView> {
    let mut views: Vec<super::PromisedView> = units
        .iter()
        .map(|u| super::PromisedView {
            sku_id: u.sku.to_string(),
            quantity: u.qty,
            promised_on: crate::inventory::day_of(u.promised_on),
        })
        .collect();
    views.sort_by(|a, b| a.sku_id.cmp(&b.sku_id));
    views
}

/// The order's units of SKUs on pre-sale, or why a pre-sale cannot take them.
pub(crate) fn presale_units(
    v: &ValidatedOrder,
    presales: &[PresaleRow],
) -> Result<Vec<PresaleUnits>, Vec<FieldError>> {
    let mut units: BTreeMap<SkuId, (String, i64)> = BTreeMap::new();
    for l in &v.lines {
        let e = units.entry(l.sku_id).or_insert_with(|| (l.sku.clone(), 0));
        e.1 += l.quantity;
    }
    let mut out = Vec::new();
    let mut refused = Vec::new();
    for (sku, (code, qty)) in units {
        let Some(p) = presales.iter().find(|p| p.sku_id == sku.to_string()) else { continue };
        if p.sold + qty > p.quantity_limit {
            refused.push(sold_out(&code, qty, p.quantity_limit - p.sold));
        }
        out.push(PresaleUnits { sku, code, qty, promised_on: p.available_on });
    }
    if refused.is_empty() { Ok(out) } else { Err(refused) }
}

/// Takes the order's pre-sale units and records the days promised; a pre-sale that ran out
/// meanwhile refuses the order (the caller's transaction then keeps nothing).
pub(crate) async fn take_presale_in_tx(
    conn: &mut AnyConnection,
    operator: TenantId,
    order: OrderId,
    units: &[PresaleUnits],
) -> AppResult<()> {
    for PresaleUnits { sku, code, qty, promised_on } in units {
        if !presales::take_in_tx(conn, operator, *sku, *qty).await? {
            return Err(AppError::Conflict {
                code: "order.presale_sold_out",
                message: format!(
                    "{code}'s pre-sale ran out while the order was taken; order fewer or wait for the goods"
                ),
                fields: Vec::new(),
            });
        }
        presales::add_to_order_in_tx(conn, operator, order, *sku, *qty, *promised_on).await?;
    }
    Ok(())
}

/// The settings to reserve an order's stock with: a pre-sale order's buyer was promised a day,
/// so what is short waits for the goods (backordered) whatever the shortage policy.
pub(crate) async fn reservation_settings<'a>(
    conn: &mut AnyConnection,
    operator: TenantId,
    order: OrderId,
    settings: &'a TenantSettings,
) -> AppResult<Cow<'a, TenantSettings>> {
    if settings.shortage_policy == ShortagePolicy::Hold
        && !presales::of_order(conn, operator, order).await?.is_empty()
    {
        return Ok(Cow::Owned(TenantSettings {
            shortage_policy: ShortagePolicy::Backorder,
            ..settings.clone()
        }));
    }
    Ok(Cow::Borrowed(settings))
}
