//! Shipments at the hand-over (SHP-2): a labelled parcel is scanned by its label's tracking number
//! (its package id is refused: the label is what is checked), only into a hand-over to its own
//! carrier, and across a customs border only once declared; once out, its shipment is `shipped` and the buyer and the merchant's webhooks hear of
//! it with the tracking numbers (`shipment.shipped`).

use tradeport_domain::kernel::{OrderId, PackageId, TenantId};
use tradeport_domain::notifications::BuyerMessage;
use tradeport_domain::shipping::{TrackingNumberError, crosses_customs, read_tracking_number};
use tradeport_store::AnyConnection;
use tradeport_store::inventory::warehouses;
use tradeport_store::shipping::shipments::{self, ShipmentsOf};
use tradeport_store::shipping::{customs, parcels};

use crate::warehouse::invalid;
use crate::{App, AppError, AppResult};

/// A scanned parcel: its package, the tracking number when the scan was a label's, and where it
/// was in the list (for the error's field).
pub(crate) struct Scanned {
    pub package_id: PackageId,
    pub tracking_no: Option<String>,
    pub index: usize,
}

/// Reads the scans: a package id, or a shipment's tracking number.
pub(crate) async fn read_scans(
    conn: &mut AnyConnection,
    operator: TenantId,
    scans: &[String],
) -> AppResult<Vec<Scanned>> {
    let mut out: Vec<Scanned> = Vec::new();
    for (n, raw) in scans.iter().enumerate() {
        let scan = raw.trim();
        let found = match scan.parse::<PackageId>() {
            Ok(id) => Some(Scanned { package_id: id, tracking_no: None, index: n }),
            Err(_) => {
                // A postal number typed by hand with a wrong check digit is refused as such.
                if let Err(e @ TrackingNumberError::CheckDigit { .. }) = read_tracking_number(scan, true) {
                    return Err(invalid(&format!("packages[{n}]"), "invalid_tracking_no", e.to_string()));
                }
                let number = scan.to_uppercase();
                shipments::find(conn, operator, None, ShipmentsOf::TrackingNo(&number))
                    .await?
                    .pop()
                    .map(|s| Scanned { package_id: s.package_id, tracking_no: Some(number), index: n })
            }
        };
        let s = found.ok_or_else(|| {
            invalid(
                &format!("packages[{n}]"),
                "unknown_package",
                format!("{scan} is not a package or a label's tracking number"),
            )
        })?;
        // A parcel scanned twice counts once, by its label when one of the scans was.
        match out.iter_mut().find(|o| o.package_id == s.package_id) {
            Some(seen) if seen.tracking_no.is_none() => *seen = s,
            Some(_) => {}
            None => out.push(s),
        }
    }
    Ok(out)
}

/// Refuses a labelled parcel scanned by anything but its label, or handed to another carrier.
pub(crate) async fn check_labels_in_tx(
    conn: &mut AnyConnection,
    operator: TenantId,
    carrier: &str,
    scanned: &[Scanned],
) -> AppResult<()> {
    for s in scanned {
        let Some(shipment) =
            shipments::find(conn, operator, None, ShipmentsOf::Package(s.package_id)).await?.pop()
        else {
            continue;
        };
        let field = format!("packages[{}]", s.index);
        if s.tracking_no.as_deref() != Some(shipment.tracking_no.as_str()) {
            return Err(invalid(
                &field,
                "scan_the_label",
                format!("this parcel is labelled {}: scan its label", shipment.tracking_no),
            ));
        }
        if !carrier.to_lowercase().contains(&shipment.carrier.to_lowercase()) {
            return Err(invalid(
                &field,
                "other_carrier",
                format!("{} is labelled for {}, not for {carrier}", shipment.tracking_no, shipment.carrier),
            ));
        }
        // A parcel that crosses a customs border leaves only with its declaration.
        let parcel =
            parcels::parcel(conn, operator, &shipment.id).await?.ok_or(AppError::NotFound("shipment"))?;
        let origin_country = warehouses::list(conn, operator)
            .await?
            .into_iter()
            .find(|w| w.id == shipment.warehouse_id)
            .map(|w| w.country)
            .unwrap_or_default();
        if crosses_customs(&origin_country, &parcel.destination)
            && customs::get(conn, operator, &shipment.id).await?.is_none()
        {
            return Err(invalid(
                &field,
                "customs_missing",
                format!(
                    "{} goes from {origin_country} to {} and has no customs declaration: declare it first",
                    shipment.tracking_no, parcel.destination
                ),
            ));
        }
    }
    Ok(())
}

/// Marks the parcels' shipments shipped and tells each order's buyer and merchant.
pub(crate) async fn shipped_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    orders: &[OrderId],
    packages: &[PackageId],
) -> AppResult<()> {
    let now = app.now();
    shipments::ship_in_tx(conn, operator, packages, now).await?;
    let catalogue = tradeport_store::shipping::services::list(conn, operator).await?;
    for order_id in orders {
        let sent = shipments::find(conn, operator, None, ShipmentsOf::Order(*order_id)).await?;
        if sent.is_empty() {
            continue;
        }
        // The promise the exception rules hold the carrier to.
        for s in sent.iter().filter(|s| packages.contains(&s.package_id)) {
            let days = catalogue
                .iter()
                .find(|c| c.service.code == s.service_code)
                .map_or(0, |c| c.service.transit_days.1);
            let promised = tradeport_domain::shipping::promised_by(now, days);
            tradeport_store::shipping::parcels::set_shipped_in_tx(conn, operator, &s.id, now, promised)
                .await?;
        }
        let order = tradeport_store::orders::get(conn, operator, None, *order_id)
            .await?
            .ok_or(AppError::NotFound("order"))?;
        let mut message =
            crate::orders::buyer_message(app, &order, BuyerMessage::Shipped, order.order_no.as_deref(), now);
        // The merchant's webhooks get the parcels too (to send the numbers back to its channel).
        let mut payload: serde_json::Value = serde_json::from_str(&message.payload).unwrap_or_default();
        payload["shipments"] = sent
            .iter()
            .map(|s| {
                serde_json::json!({ "package_id": s.package_id, "carrier": s.carrier, "service": s.service_code,
                                    "tracking_no": s.tracking_no })
            })
            .collect();
        message.payload = payload.to_string();
        tradeport_store::outbox::enqueue_in_tx(conn, operator, &message).await?;
        // The order's shop or marketplace gets the numbers too (SYS-3).
        let ids: Vec<_> = sent.iter().map(|s| s.package_id).collect();
        let contents = tradeport_store::warehouse::packages::items(conn, operator, &ids).await?;
        let parcels = sent
            .iter()
            .map(|s| crate::channels::HandedOver {
                carrier: s.carrier.clone(),
                tracking_no: s.tracking_no.clone(),
                items: contents
                    .iter()
                    .filter(|i| i.package_id == s.package_id)
                    .map(|i| (i.sku.clone(), i.qty))
                    .collect(),
            })
            .collect();
        crate::channels::queue_tracking_push_in_tx(app, conn, operator, *order_id, parcels).await?;
    }
    Ok(())
}
