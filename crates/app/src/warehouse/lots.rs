//! Which lot a warehouse request means (WMS-3, WMS-4). A lot-tracked SKU's units always carry a
//! lot: put-away takes it from the item's GS1 barcode or as typed, with its expiry; a move takes the
//! lot named, or the only one the bin holds. Other SKUs' stock has no lot, whatever a barcode says.

use jiff::civil::Date;
use tradeport_domain::kernel::TenantId;
use tradeport_domain::warehouse::{normalise_lot, parse_expiry, read_scan};
use tradeport_store::AnyConnection;
use tradeport_store::inventory::skus::SkuRow;
use tradeport_store::warehouse::bins::{self, BinRow};

use super::invalid;
use crate::AppResult;

/// The lot and expiry of goods in hand (put away or counted): from the scan's GS1 data, else as
/// typed.
pub(crate) fn lot_on_goods(
    sku: &SkuRow,
    scan: &str,
    lot: &str,
    expiry: &str,
) -> AppResult<(String, Option<Date>)> {
    if !sku.lot_tracked {
        return Ok((String::new(), None));
    }
    let gs1 = match read_scan(scan) {
        Ok(tradeport_domain::warehouse::Scan::Gs1(item)) => Some(item),
        _ => None,
    };
    let typed = normalise_lot(lot).map_err(|e| invalid("lot", "invalid_lot", e.to_string()))?;
    let lot = gs1.as_ref().and_then(|g| g.lot.clone()).unwrap_or(typed);
    if lot.is_empty() {
        return Err(invalid(
            "lot",
            "lot_required",
            format!(
                "{} is kept by lot: scan the GS1 barcode on the carton, or type the lot printed on it",
                sku.sku
            ),
        ));
    }
    let typed_expiry =
        parse_expiry(expiry).map_err(|e| invalid("expiry", "invalid_expiry", e.to_string()))?;
    Ok((lot, gs1.and_then(|g| g.expiry).or(typed_expiry)))
}

/// The lot of a SKU in a bin a request means: the one named, or the only one there.
pub(crate) async fn lot_in_bin(
    conn: &mut AnyConnection,
    operator: TenantId,
    sku: &SkuRow,
    bin: &BinRow,
    typed: &str,
) -> AppResult<(String, Option<Date>)> {
    if !sku.lot_tracked {
        return Ok((String::new(), None));
    }
    let lot = normalise_lot(typed).map_err(|e| invalid("lot", "invalid_lot", e.to_string()))?;
    let held = bins::lots_in(conn, operator, sku.id, bin.id).await?;
    if let Some((l, expiry, _)) =
        held.iter().find(|(l, _, _)| *l == lot || (lot.is_empty() && held.len() == 1))
    {
        return Ok((l.clone(), *expiry));
    }
    let names: Vec<&str> = held.iter().map(|(l, _, _)| l.as_str()).collect();
    Err(invalid(
        "lot",
        if lot.is_empty() { "lot_required" } else { "unknown_lot" },
        if names.is_empty() {
            format!("{} holds no {}", bin.code, sku.sku)
        } else {
            format!("{} holds {} of lots {}: name the lot", bin.code, sku.sku, names.join(", "))
        },
    ))
}
