//! What EasyPost is asked for when a service's label is bought there (SHP-2): the buyer's address,
//! the warehouse's, the parcel as weighed and boxed, the carrier and its service.

use tradeport_connectors::easypost::{EasyPostAddress, LabelRequest};
use tradeport_domain::kernel::{PackageId, TenantId};
use tradeport_domain::shipping::CarrierService;
use tradeport_store::inventory::warehouses;
use tradeport_store::orders::OrderRow;

use super::shipments::PackageParcel;
use crate::{AppError, AppResult, UnitOfWork};

/// The request for `service` (`carrier_service` as EasyPost names it) for this parcel.
pub(super) async fn label_request(
    tx: &mut UnitOfWork,
    operator: TenantId,
    service: &CarrierService,
    carrier_service: &str,
    parcel: &PackageParcel,
    order: &OrderRow,
    package: PackageId,
) -> AppResult<LabelRequest> {
    let w = warehouses::list(tx, operator)
        .await?
        .into_iter()
        .find(|w| w.code == parcel.origin)
        .ok_or(AppError::NotFound("warehouse"))?;
    // The warehouse's address is one line: its street first, then the town.
    let (street, town) = w.address.split_once(',').unwrap_or((w.address.as_str(), ""));
    let a = &parcel.address;
    Ok(LabelRequest {
        to: EasyPostAddress {
            name: a.name.clone(),
            street1: a.line1.clone(),
            street2: a.line2.clone(),
            city: a.city.clone(),
            state: a.state.clone(),
            zip: a.postcode.clone(),
            country: a.country.clone(),
            phone: order.buyer_phone_e164.clone().unwrap_or_else(|| order.buyer_phone.clone()),
            email: order.buyer_email.clone(),
        },
        from: EasyPostAddress {
            name: w.name.clone(),
            street1: street.trim().to_string(),
            city: town.trim().to_string(),
            country: w.country.clone(),
            phone: w.receiving_contact.clone(),
            ..EasyPostAddress::default()
        },
        dims_mm: parcel.dims_mm,
        weight_g: parcel.weight_g,
        carrier: service.carrier.clone(),
        service: carrier_service.to_string(),
        reference: package.to_string(),
    })
}
