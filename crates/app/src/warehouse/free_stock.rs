//! Stock a pick may be planned from (WMS-4, INV-6): units in bin slots that no open pick line has
//! claimed, in slots not under a count (a bin found short is counted before it is planned from
//! again), of lots not past their expiry; earliest expiry first, then in walking order.

use jiff::civil::Date;
use tradeport_domain::kernel::{BinId, SkuId, TenantId, WarehouseId};
use tradeport_store::AnyConnection;
use tradeport_store::warehouse::bins::{self, BinContent};
use tradeport_store::warehouse::{counts, waves};

use crate::{App, AppResult};

/// Today's date in UTC: a lot expiring today is still picked.
fn today(app: &App) -> Date {
    jiff::Timestamp::from_millisecond(app.now().0)
        .map_or(Date::MIN, |t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
}

/// The slots of these SKUs in a warehouse's bins (or in one bin) with their free units.
pub(super) async fn free_slots(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    warehouse_id: WarehouseId,
    skus: &[SkuId],
    bin: Option<BinId>,
) -> AppResult<Vec<(BinContent, i64)>> {
    let today = today(app);
    let claimed = waves::open_remaining(conn, operator, warehouse_id).await?;
    let counting = counts::under_count(conn, operator, warehouse_id).await?;
    let mut out = Vec::new();
    for chunk in skus.chunks(500) {
        for c in bins::contents(conn, operator, warehouse_id, None, chunk).await? {
            let plannable = bin.is_none_or(|b| b == c.bin_id)
                && !counting.contains(&(c.bin_id, c.sku_id))
                && c.expiry.is_none_or(|e| e >= today);
            if !plannable {
                continue;
            }
            let taken: i64 = claimed
                .iter()
                .filter(|x| x.bin_id == c.bin_id && x.sku_id == c.sku_id && x.lot == c.lot)
                .map(|x| x.qty)
                .sum();
            let free = c.qty - taken;
            if free > 0 {
                out.push((c, free));
            }
        }
    }
    out.sort_by(|(a, _), (b, _)| {
        (a.expiry.is_none(), a.expiry, a.walk_sequence, &a.bin_code, &a.lot).cmp(&(
            b.expiry.is_none(),
            b.expiry,
            b.walk_sequence,
            &b.bin_code,
            &b.lot,
        ))
    });
    Ok(out)
}
