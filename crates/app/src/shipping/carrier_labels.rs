//! What EasyPost is asked for when a service's label is bought there (SHP-2): the buyer's address,
//! the warehouse's, the parcel as weighed and boxed, the carrier and its service, and for a parcel
//! abroad the goods as customs will see them.

use tradeport_connectors::easypost::{EasyPostAddress, EasyPostCustoms, EasyPostCustomsItem, LabelRequest};
use tradeport_domain::kernel::{PackageId, TenantId};
use tradeport_domain::shipping::{CarrierService, crosses_customs};
use tradeport_store::inventory::warehouses;
use tradeport_store::orders::OrderRow;

use super::shipments::PackageParcel;
use crate::{AppError, AppResult, UnitOfWork};

/// The request for `service` (`carrier_service` as EasyPost names it) for this parcel.
pub(crate) async fn label_request(
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
    // Abroad, the carrier is told the goods: the lines the customs declaration will have.
    let customs = if crosses_customs(&w.country, &a.country) {
        let lines = super::customs::declared_lines(tx, operator, order, package).await?;
        let items = lines
            .into_iter()
            .map(|l| EasyPostCustomsItem {
                value: order.currency.format(l.value_minor),
                currency: order.currency.code().into(),
                description: l.description,
                hs_tariff_number: l.hs_code,
                origin_country: l.origin_country,
                quantity: l.quantity,
                weight_g: l.weight_g,
            })
            .collect();
        Some(EasyPostCustoms { signer: w.name.clone(), contents_type: "merchandise".into(), items })
    } else {
        None
    };
    Ok(LabelRequest {
        to: EasyPostAddress {
            name: a.name.clone(),
            street1: a.line1.clone(),
            street2: a.line2.clone(),
            city: a.city.clone(),
            state: a.state_for_carrier(),
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
        customs,
        is_return: false,
    })
}
