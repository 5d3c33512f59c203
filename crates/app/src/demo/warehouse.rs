//! The demo's Manchester warehouse floor: receiving instructions, 50 bins (a battery zone among
//! them), three boxes, the opening stock put away into bins, and an accepted inbound notice
//! waiting to be counted, so a wave can be built and a notice received on the first visit.

use tradeport_domain::access::Principal;
use tradeport_domain::kernel::TenantId;
use tradeport_domain::warehouse::{AsnCartonInput, AsnInput, BinInput};

use crate::inventory::{self, ReceivingSettings};
use crate::warehouse::{self as wms, BoxInput, PutAway};
use crate::{App, AppError, AppResult, PageRequest};

pub(super) async fn load_warehouse(app: &App, admin: &Principal, merchant: TenantId) -> AppResult<()> {
    let uk = inventory::list_warehouses(app, admin)
        .await?
        .into_iter()
        .find(|w| w.code == "UK-MAN")
        .ok_or(AppError::NotFound("warehouse UK-MAN"))?;
    let settings = ReceivingSettings {
        capacity_l: 500_000,
        capacity_pallets: 40,
        receiving_contact: "Goods-in desk, +44 161 496 0000, Mon-Fri 08:00-16:00".into(),
        receiving_requirements:
            "Book a slot 24 h ahead. One ASN label on every carton; pallets at most 1.2 x 1.0 x 1.6 m.".into(),
    };
    inventory::set_receiving(app, admin, &uk.id, &settings).await?;
    let mut walk = 0;
    for (zone, aisles, allowed) in [("A", 4, vec![]), ("B", 1, vec!["un3480", "un3481", "un3090", "un3091"])]
    {
        for aisle in 1..=aisles {
            for rack in 1..=5 {
                for level in 1..=2 {
                    walk += 10;
                    let bin = BinInput {
                        zone: zone.into(),
                        aisle: format!("{aisle:02}"),
                        rack: format!("{rack:02}"),
                        level: level.to_string(),
                        position: "1".into(),
                        walk_sequence: walk,
                        capacity_units: 200,
                        allowed_traits: allowed.iter().map(|t| t.to_string()).collect(),
                        // The floor level of zone A takes pallets.
                        pallet: zone == "A" && level == 1,
                    };
                    wms::save_bin(app, admin, &uk.id, &bin).await?;
                }
            }
        }
    }
    for (code, [l, w, h], max, tare) in [
        ("S", [250, 200, 150], 5_000, 150),
        ("M", [400, 300, 250], 15_000, 300),
        ("L", [600, 400, 400], 25_000, 600),
    ] {
        let b = BoxInput {
            code: code.into(),
            inner_length_mm: l,
            inner_width_mm: w,
            inner_height_mm: h,
            max_weight_g: max,
            tare_g: tare,
        };
        wms::save_box(app, admin, &b).await?;
    }
    // One SKU at a time, as a worker would: each suggestion counts the bins filled before it.
    let mut shelved = std::collections::HashSet::new();
    loop {
        let queue = wms::put_away_queue(app, admin, &uk.id).await?;
        let Some(task) =
            queue.into_iter().find(|t| t.suggested_bin.is_some() && !shelved.contains(&t.sku_id))
        else {
            break;
        };
        shelved.insert(task.sku_id.clone());
        let bin = task.suggested_bin.unwrap_or_default();
        let p = PutAway {
            warehouse_id: uk.id.clone(),
            scan: String::new(),
            sku_id: task.sku_id,
            bin,
            quantity: task.units,
            // Read only for lot-tracked SKUs (the candle and the power bank).
            lot: "L2611A".into(),
            expiry: "2028-06-30".into(),
        };
        wms::put_away(app, admin, &p).await?;
    }
    let skus = inventory::list_skus(
        app,
        admin,
        Some(&merchant.to_string()),
        &PageRequest { limit: Some(2), cursor: None },
    )
    .await?;
    let cartons = skus
        .items
        .iter()
        .map(|s| AsnCartonInput {
            sku: s.sku.clone(),
            carton_count: 4,
            units_per_carton: 12,
            length_mm: 600,
            width_mm: 400,
            height_mm: 400,
            gross_weight_g: 11_000,
            net_weight_g: 9_600,
        })
        .collect();
    let notice = AsnInput {
        warehouse_id: uk.id.clone(),
        expected_arrival: "2026-12-01".into(),
        transport_mode: "sea".into(),
        carrier_reference: "MSCU7261534".into(),
        shipping_marks: "LUMEN / UK-MAN / 1-8".into(),
        cartons,
        pallets: 2,
    };
    let merchant = merchant.to_string();
    let a = wms::create_asn(app, admin, Some(&merchant), &notice).await?;
    wms::act_on_asn(app, admin, &a.id, "submit", None).await?;
    wms::act_on_asn(app, admin, &a.id, "accept", None).await?;
    Ok(())
}
