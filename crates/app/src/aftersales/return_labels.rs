//! Carrier return labels (AFS-5): for a return on its way back, a prepaid label bought through
//! EasyPost with the same carrier service the parcel went out with (`is_return`: EasyPost swaps
//! the addresses, so the label runs from the buyer to the warehouse that shipped). The warehouse
//! scans its tracking number like the RMA number; the buyer prints it from the tracking page.
//! Bought once: a second ask answers with the label kept.

use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::aftersales::RequestStatus;
use tradeport_domain::shipping::Numbering;
use tradeport_store::aftersales::requests::{self, RequestsOf, ReturnLabel};
use tradeport_store::shipping::shipments::{self, ShipmentsOf};

use super::requests::{RequestView, record_in_tx};
use crate::warehouse::conflict;
use crate::{App, AppError, AppResult};

/// Buys the request's return label, or answers with the one bought before.
pub async fn buy_return_label(app: &App, principal: &Principal, id: &str) -> AppResult<RequestView> {
    principal.require(Permission::ApproveAftersales)?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let found = requests::find(&mut tx, operator, principal.scope.merchant_id, RequestsOf::Id(id.trim()), 1)
        .await?
        .pop()
        .ok_or(AppError::NotFound("after-sales request"))?;
    // Read again under the order's lock, where the label is claimed.
    tx.lock_order(operator, None, found.order_id).await?;
    let row = requests::find(&mut tx, operator, None, RequestsOf::Id(&found.id), 1)
        .await?
        .pop()
        .ok_or(AppError::NotFound("after-sales request"))?;
    if row.return_label.is_some() {
        tx.end_unwritten().await?;
        return Ok(row.into());
    }
    if row.status != RequestStatus::AwaitingReturn {
        return Err(conflict(
            "aftersales.not_awaited",
            format!(
                "{} is {}: a return label is for a return on its way back",
                row.rma_no,
                row.status.as_str()
            ),
        ));
    }
    let order = tradeport_store::orders::get(&mut tx, operator, None, row.order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let services = tradeport_store::shipping::services::list(&mut tx, operator).await?;
    let sent = shipments::find(&mut tx, operator, None, ShipmentsOf::Order(row.order_id)).await?;
    let by_easypost = sent.iter().find_map(|s| {
        let service = services.iter().find(|x| x.service.code == s.service_code)?;
        match &service.service.numbering {
            Numbering::EasyPost { service: carrier_service } => {
                Some((s, service.service.clone(), carrier_service.clone()))
            }
            _ => None,
        }
    });
    let Some((shipment, service, carrier_service)) = by_easypost else {
        return Err(conflict(
            "aftersales.no_return_label",
            format!(
                "the order went by a service whose labels are not bought through EasyPost; give the buyer the return \
                 address ({}) and the RMA number {} instead",
                row.return_to, row.rma_no
            ),
        ));
    };
    // A label runs back to the warehouse that shipped; a market with a local return point takes
    // the parcel there instead.
    let shipped_from = tradeport_store::inventory::warehouses::list(&mut tx, operator)
        .await?
        .into_iter()
        .find(|w| w.id == shipment.warehouse_id)
        .map(|w| format!("{}, {}, {}", w.name, w.address, w.country))
        .unwrap_or_default();
    if row.return_to != shipped_from {
        return Err(conflict(
            "aftersales.no_return_label",
            format!(
                "returns from this market go to a local return point: give the buyer {} and the RMA number {}",
                row.return_to, row.rma_no
            ),
        ));
    }
    let package = tradeport_store::warehouse::packages::get(&mut tx, operator, shipment.package_id, false)
        .await?
        .ok_or(AppError::NotFound("package"))?;
    let parcel = crate::shipping::package_parcel(&mut tx, operator, &order, &package).await?;
    let mut request = crate::shipping::label_request(
        &mut tx,
        operator,
        &service,
        &carrier_service,
        &parcel,
        &order,
        package.id,
    )
    .await?;
    // Claimed before it is bought: a second ask meanwhile is refused rather than buying twice.
    if !requests::return_label_in_tx(&mut tx, operator, &row.id, ReturnLabel::Claim).await? {
        return Err(conflict(
            "aftersales.label_being_bought",
            "a return label is being bought for this request",
        ));
    }
    tx.commit().await?;
    request.is_return = true;
    request.reference = row.rma_no.clone();
    if let Some(customs) = request.customs.as_mut() {
        customs.contents_type = "returned_goods".into();
    }
    let easypost = app.easypost().ok_or_else(|| {
        conflict(
            "shipment.easypost_not_configured",
            "return labels are bought through EasyPost, and this server has no EasyPost account (start it with \
             --easypost-api-key)",
        )
    })?;
    let label = match easypost.buy_label(&request).await {
        Ok(label) => label,
        Err(why) => {
            let mut tx = app.begin().await?;
            requests::return_label_in_tx(&mut tx, operator, &row.id, ReturnLabel::Release).await?;
            tx.commit().await?;
            return Err(conflict("shipment.carrier_refused", why));
        }
    };
    let mut tx = app.begin().await?;
    tx.lock_order(operator, None, row.order_id).await?;
    let kept = ReturnLabel::Bought { tracking_no: &label.tracking_code, label_url: &label.label_url };
    if !requests::return_label_in_tx(&mut tx, operator, &row.id, kept).await? {
        tracing::warn!(easypost_shipment = %label.shipment_id, tracking_no = %label.tracking_code,
                       "a return label bought at EasyPost was not recorded: refund it at EasyPost");
        return Err(conflict("aftersales.changed", "the request changed meanwhile; reload it"));
    }
    let after = requests::find(&mut tx, operator, None, RequestsOf::Id(&row.id), 1)
        .await?
        .pop()
        .ok_or(AppError::NotFound("after-sales request"))?;
    let why = format!(
        "return label {} ({} {} {})",
        label.tracking_code, service.carrier, label.rate, label.currency
    );
    record_in_tx(app, &mut tx, operator, principal.actor, &after, "aftersales_return_label", Some(&why))
        .await?;
    tx.commit().await?;
    Ok(after.into())
}
