//! The manifest of a hand-over (SHP-2): every parcel that went to the carrier with its order,
//! tracking number, service, weight and destination, as CSV for the carrier's systems (the
//! outbound note is its signed PDF), kept with the hand-over.

use std::collections::HashMap;

use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{Address, PackageId, spreadsheet_safe};
use tradeport_store::shipping::shipments::{self, ShipmentRow, ShipmentsOf};

use crate::{App, AppError, AppResult};

/// The shipments of these packages, by package.
pub(crate) async fn shipments_of_packages(
    conn: &mut tradeport_store::AnyConnection,
    operator: tradeport_domain::kernel::TenantId,
    packages: &[PackageId],
) -> AppResult<HashMap<PackageId, ShipmentRow>> {
    let mut out = HashMap::new();
    for p in packages {
        if let Some(s) = shipments::find(conn, operator, None, ShipmentsOf::Package(*p)).await?.pop() {
            out.insert(*p, s);
        }
    }
    Ok(out)
}

/// The hand-over's manifest as CSV (UTF-8 with a byte-order mark, so spreadsheets read names).
pub async fn manifest_csv(app: &App, principal: &Principal, handover_id: &str) -> AppResult<String> {
    principal.require(Permission::OperateWarehouse)?;
    let h = crate::warehouse::handover_view(app, principal, handover_id).await?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let ids: Vec<PackageId> = h
        .packages
        .iter()
        .map(|p| p.id.parse().map_err(|_| AppError::Internal(format!("package id {}", p.id))))
        .collect::<AppResult<_>>()?;
    let labelled = shipments_of_packages(&mut conn, operator, &ids).await?;
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let header = [
        "handover",
        "carrier",
        "order",
        "package",
        "tracking_no",
        "service",
        "weight_g",
        "country",
        "postcode",
    ];
    let fail = |e: csv::Error| AppError::Internal(format!("manifest: {e}"));
    w.write_record(header).map_err(fail)?;
    for (p, id) in h.packages.iter().zip(&ids) {
        let order_id =
            p.order_id.parse().map_err(|_| AppError::Internal(format!("order id {}", p.order_id)))?;
        let order = tradeport_store::orders::get(&mut conn, operator, None, order_id)
            .await?
            .ok_or(AppError::NotFound("order"))?;
        let address: Address = serde_json::from_str(&order.shipping_address)
            .map_err(|e| AppError::Internal(format!("stored address of order {}: {e}", order.id)))?;
        let shipment = labelled.get(id);
        let record = [
            h.handover_no.clone(),
            h.carrier.clone(),
            order.order_no.clone().unwrap_or(order.channel_order_id.clone()),
            p.label.clone(),
            shipment.map_or(String::new(), |s| s.tracking_no.clone()),
            shipment.map_or(String::new(), |s| s.service_code.clone()),
            p.weight_g.unwrap_or(p.expected_weight_g).to_string(),
            address.country.clone(),
            address.postcode.clone(),
        ];
        w.write_record(record.iter().map(|c| spreadsheet_safe(c).into_owned())).map_err(fail)?;
    }
    let bytes = w.into_inner().map_err(|e| AppError::Internal(format!("manifest: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(format!("manifest: {e}")))
}

/// A hand-over in the manifest history.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ManifestEntry {
    pub handover_id: String,
    pub handover_no: String,
    pub carrier: String,
    pub package_count: i64,
    pub created_at: String,
    pub manifest_csv_url: String,
    pub outbound_note_url: String,
}

/// The latest hand-overs with their manifests (of the user's warehouses), newest first. Warehouse
/// and logistics staff.
pub async fn manifest_history(app: &App, principal: &Principal, limit: u32) -> AppResult<Vec<ManifestEntry>> {
    // The warehouse hands over; logistics staff follow the carriers.
    if !principal.role.can(Permission::ManageCarriers) {
        principal.require(Permission::OperateWarehouse)?;
    }
    let mut conn = app.db().read().await?;
    let warehouses = crate::warehouse::allowed_warehouses(&mut conn, principal).await?.unwrap_or_default();
    let rows = tradeport_store::warehouse::packages::recent_handovers(
        &mut conn,
        principal.scope.operator_id,
        &warehouses,
        limit.clamp(1, 200),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|h| ManifestEntry {
            manifest_csv_url: format!("/api/v1/handovers/{}/manifest.csv", h.id),
            outbound_note_url: format!("/api/v1/handovers/{}/outbound-note.pdf", h.id),
            handover_id: h.id.to_string(),
            handover_no: h.handover_no,
            carrier: h.carrier,
            package_count: h.package_count,
            created_at: crate::warehouse::rfc3339(h.created_at),
        })
        .collect())
}
