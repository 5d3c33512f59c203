//! Shipments (SHP-1, SHP-2, WMS-7): a package that is ready gets a carrier service and a tracking
//! number. The service is the one staff name (with a reason, logged) or the one the rules choose:
//! the fastest for an express order, otherwise the cheapest that can carry it. When none can, or
//! the one named cannot, nothing is chosen in its place and the answer says why.

use serde::{Deserialize, Serialize};
use tradeport_connectors::easypost::{BoughtLabel, LabelRequest};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::inventory::Trait;
use tradeport_domain::kernel::{Address, PackageId};
use tradeport_domain::shipping::{Ask, CarrierService, Numbering, Parcel, Strategy, make_s10, select};
use tradeport_domain::warehouse::PackageStatus;
use tradeport_store::inventory::{skus, warehouses};
use tradeport_store::orders::OrderRow;
use tradeport_store::shipping::services;
use tradeport_store::shipping::shipments::{self, ShipmentRow, ShipmentsOf};
use tradeport_store::warehouse::{counters, packages};

use crate::warehouse::conflict;
use crate::{App, AppError, AppResult, UnitOfWork, parse_id};

/// What staff ask of a package's shipment.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ShipmentRequest {
    /// A service code to use instead of the rules' choice; needs `reason`.
    pub service: String,
    pub reason: String,
    /// Insure the parcel for this much (minor units of the order's currency, at most the goods'
    /// value) under the operator's own cover; a lost parcel's claim is then worth it.
    pub insured_minor: Option<i64>,
}

/// A shipment as the API shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ShipmentView {
    pub id: String,
    pub order_id: String,
    pub package_id: String,
    pub service_code: String,
    pub carrier: String,
    pub tracking_no: String,
    /// `labelled`, then `shipped` once handed over.
    pub status: String,
    pub price_minor: i64,
    pub currency: String,
    /// The price written out, e.g. `3.50 GBP`.
    pub price: String,
    pub chargeable_g: i64,
    /// Why staff chose the service, when they did.
    pub override_reason: Option<String>,
    pub label_pdf_url: String,
    pub label_zpl_url: String,
    /// The carrier's own label, when it was bought from the carrier (EasyPost): print this one.
    pub carrier_label_url: Option<String>,
    /// Where the parcel is, from tracking: `pending` until the first event, then `in_transit`,
    /// `customs`, `out_for_delivery`, `delivered`, `exception`, `returned` …
    pub tracking_status: String,
    /// When it was delivered (after-sales windows count from it).
    pub delivered_at: Option<String>,
    /// When it was handed over to the carrier.
    pub shipped_at: Option<String>,
    /// What the parcel is insured for (minor units of the order's currency).
    pub insured_minor: Option<i64>,
}

impl From<ShipmentRow> for ShipmentView {
    fn from(s: ShipmentRow) -> Self {
        Self {
            label_pdf_url: format!("/api/v1/packages/{}/label.pdf", s.package_id),
            label_zpl_url: format!("/api/v1/packages/{}/label.zpl", s.package_id),
            carrier_label_url: s.carrier_label_url,
            id: s.id,
            order_id: s.order_id.to_string(),
            package_id: s.package_id.to_string(),
            service_code: s.service_code,
            carrier: s.carrier,
            tracking_no: s.tracking_no,
            status: s.status,
            price: crate::words::money_text(s.price_minor, &s.currency),
            price_minor: s.price_minor,
            currency: s.currency,
            chargeable_g: s.chargeable_g,
            override_reason: s.override_reason,
            tracking_status: s.tracking_status,
            delivered_at: s.delivered_at.map(crate::warehouse::rfc3339),
            shipped_at: s.shipped_at.map(crate::warehouse::rfc3339),
            insured_minor: s.insured_minor,
        }
    }
}

/// The parcel a package makes: its weight (as weighed), its box (or largest item), its goods'
/// traits, from its warehouse to the order's address.
pub(crate) struct PackageParcel {
    pub(crate) origin: String,
    pub(crate) address: Address,
    pub(crate) weight_g: i64,
    pub(crate) dims_mm: [i64; 3],
    pub(crate) traits: Vec<Trait>,
}

pub(crate) async fn package_parcel(
    tx: &mut UnitOfWork,
    operator: tradeport_domain::kernel::TenantId,
    order: &OrderRow,
    package: &packages::PackageRow,
) -> AppResult<PackageParcel> {
    let origin = warehouses::list(tx, operator)
        .await?
        .into_iter()
        .find(|w| w.id == package.warehouse_id)
        .map(|w| w.code)
        .ok_or(AppError::NotFound("warehouse"))?;
    let address: Address = serde_json::from_str(&order.shipping_address)
        .map_err(|e| AppError::Internal(format!("stored address of order {}: {e}", order.id)))?;
    let mut traits = Vec::new();
    let mut largest = [0, 0, 0];
    for item in packages::items(tx, operator, &[package.id]).await? {
        let sku = skus::get(tx, operator, None, item.sku_id).await?.ok_or(AppError::NotFound("SKU"))?;
        for t in sku.traits {
            if !traits.contains(&t) {
                traits.push(t);
            }
        }
        if sku.dims_mm.iter().product::<i64>() > largest.iter().product::<i64>() {
            largest = sku.dims_mm;
        }
    }
    let boxed =
        packages::boxes(tx, operator).await?.into_iter().find(|b| Some(&b.code) == package.box_code.as_ref());
    Ok(PackageParcel {
        origin,
        address,
        weight_g: package.weight_g.unwrap_or(package.expected_weight_g),
        dims_mm: boxed.map_or(largest, |b| b.inner_mm),
        traits,
    })
}

/// The next tracking number of a service, from its own range.
async fn next_tracking_no(
    tx: &mut UnitOfWork,
    operator: tradeport_domain::kernel::TenantId,
    s: &CarrierService,
) -> AppResult<String> {
    match &s.numbering {
        Numbering::S10 { prefix, country } => {
            let serial = counters::next_serial_in_tx(tx, operator, &format!("S10-{prefix}{country}")).await?;
            u32::try_from(serial)
                .ok()
                .filter(|n| *n <= 99_999_999)
                .and_then(|n| make_s10(prefix, n, country))
                .ok_or_else(|| {
                    conflict(
                        "shipment.range_exhausted",
                        format!(
                            "the S10 range {prefix}…{country} is used up; give the service another prefix"
                        ),
                    )
                })
        }
        Numbering::Range { prefix } => {
            let serial = counters::next_serial_in_tx(tx, operator, &format!("TRK-{prefix}")).await?;
            Ok(format!("{prefix}{serial:010}"))
        }
        Numbering::EasyPost { .. } => Err(AppError::Internal("EasyPost numbers are bought, not made".into())),
    }
}

/// Labels a ready package: chooses its service, numbers it, records the shipment. A package that
/// has one already answers with it. A service numbered by EasyPost has its label bought there
/// first, outside any transaction, then the choice is made again and recorded with it.
pub async fn create_shipment(
    app: &App,
    principal: &Principal,
    package_id: &str,
    r: &ShipmentRequest,
) -> AppResult<ShipmentView> {
    let (request, service) = match create_once(app, principal, package_id, r, None).await? {
        Created::Done(view) => return Ok(*view),
        Created::Buy(request, service) => (request, service),
    };
    let easypost = app.easypost().ok_or_else(|| {
        conflict(
            "shipment.easypost_not_configured",
            "this service's labels are bought through EasyPost, and this server has no EasyPost account \
             (start it with --easypost-api-key)",
        )
    })?;
    let label =
        easypost.buy_label(&request).await.map_err(|why| conflict("shipment.carrier_refused", why))?;
    let bought = Bought { label: &label, service: &service };
    let recorded = match create_once(app, principal, package_id, r, Some(bought)).await {
        Ok(Created::Done(view)) => Ok(*view),
        Ok(Created::Buy(..)) => Err(AppError::Internal("a bought label was not recorded".into())),
        Err(e) => Err(e),
    };
    if recorded.is_err() {
        tracing::warn!(easypost_shipment = %label.shipment_id, tracking_no = %label.tracking_code,
                       "a label bought at EasyPost was not recorded: refund it at EasyPost");
    }
    recorded
}

/// A label bought for a service, to record.
#[derive(Clone, Copy)]
struct Bought<'a> {
    label: &'a BoughtLabel,
    service: &'a str,
}

/// What one attempt at a shipment came to.
enum Created {
    Done(Box<ShipmentView>),
    /// The chosen service's label must be bought first (the service's code with it).
    Buy(Box<LabelRequest>, String),
}

async fn create_once(
    app: &App,
    principal: &Principal,
    package_id: &str,
    r: &ShipmentRequest,
    bought: Option<Bought<'_>>,
) -> AppResult<Created> {
    principal.require(Permission::OperateWarehouse)?;
    let id: PackageId = parse_id(package_id, "package")?;
    let asked = Some(r.service.trim()).filter(|s| !s.is_empty());
    let reason = Some(r.reason.trim()).filter(|s| !s.is_empty());
    if asked.is_some() && reason.is_none() {
        return Err(crate::warehouse::invalid(
            "reason",
            "required",
            "say why this service and not the rules' choice",
        ));
    }
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let order_id =
        packages::get(&mut conn, operator, id, false).await?.ok_or(AppError::NotFound("package"))?.order_id;
    drop(conn);
    let mut tx = app.begin().await?;
    let order = tx.lock_order(operator, None, order_id).await?;
    let package = packages::get(&mut tx, operator, id, true).await?.ok_or(AppError::NotFound("package"))?;
    crate::warehouse::check_warehouse(&mut tx, principal, package.warehouse_id).await?;
    if let Some(existing) = shipments::find(&mut tx, operator, None, ShipmentsOf::Package(id)).await?.pop() {
        if asked.is_some_and(|code| !code.eq_ignore_ascii_case(&existing.service_code)) {
            return Err(conflict(
                "shipment.exists",
                format!(
                    "the package is labelled {} with {} already",
                    existing.tracking_no, existing.service_code
                ),
            ));
        }
        tx.end_unwritten().await?;
        if bought.is_some() {
            return Err(conflict(
                "shipment.exists",
                format!("the package was labelled {} meanwhile", existing.tracking_no),
            ));
        }
        return Ok(Created::Done(Box::new(existing.into())));
    }
    if package.status != PackageStatus::Ready {
        return Err(conflict(
            "shipment.package_not_ready",
            format!(
                "package {} of {} is {}: weigh and check it first",
                package.package_no,
                package.package_count,
                package.status.as_str()
            ),
        ));
    }
    if let Some(insured) = r.insured_minor.filter(|i| !(1..=order.subtotal.minor()).contains(i)) {
        return Err(crate::warehouse::invalid(
            "insured_minor",
            "out_of_range",
            format!(
                "insure for 1 to {} (the goods' value), not {insured}",
                crate::words::money_text(order.subtotal.minor(), order.currency.code())
            ),
        ));
    }
    let parcel = package_parcel(&mut tx, operator, &order, &package).await?;
    let all: Vec<CarrierService> =
        services::list(&mut tx, operator).await?.into_iter().map(|s| s.service).collect();
    if let Some(code) = asked.filter(|c| !all.iter().any(|s| s.code.eq_ignore_ascii_case(c))) {
        return Err(crate::warehouse::invalid(
            "service",
            "unknown_service",
            format!("there is no carrier service {code}"),
        ));
    }
    let strategy = if order.service_level == "express" { Strategy::Fastest } else { Strategy::Cheapest };
    // Staff may name a service; otherwise the one the buyer or merchant chose, if any.
    let from_order = Some(order.carrier_service.as_str()).filter(|c| asked.is_none() && !c.is_empty());
    let ask = Ask {
        strategy,
        currency: super::quote::comparing("", &all).unwrap_or(order.currency),
        deadline_days: None,
        chosen: asked.or(from_order),
    };
    let p = Parcel {
        origin: &parcel.origin,
        country: &parcel.address.country,
        postcode: &parcel.address.postcode,
        weight_g: parcel.weight_g,
        dims_mm: parcel.dims_mm,
        traits: &parcel.traits,
        // The goods' value, for services with a declared-value limit.
        declared: Some(order.subtotal),
    };
    let selection = select(&all, &p, &ask);
    let Some((service, quote)) = selection.choice else {
        if let (Some(code), Some((_, why))) = (from_order, &selection.chosen_refused) {
            let why = format!("{code}, chosen for the order, cannot carry it: {why}");
            super::chosen_service::hold_in_tx(app, &mut tx, operator, &order, id, &why).await?;
            tx.commit().await?;
            return Err(conflict(
                "shipment.chosen_service_refused",
                format!("{why}; the parcel waits for a person: label it with another service and say why"),
            ));
        }
        let why = match selection.chosen_refused {
            Some((code, why)) => format!("{code} cannot carry it: {why}"),
            None if selection.excluded.is_empty() => "there are no carrier services; add one first".into(),
            None => {
                let reasons: Vec<String> =
                    selection.excluded.iter().map(|(s, why)| format!("{}: {why}", s.code)).collect();
                format!("no service can carry it ({})", reasons.join("; "))
            }
        };
        return Err(conflict("shipment.no_service", why));
    };
    if let Some(b) = bought.filter(|b| b.service != service.code) {
        return Err(conflict(
            "shipment.service_changed",
            format!(
                "the label was bought for {}, but {} would be chosen now; label the package again",
                b.service, service.code
            ),
        ));
    }
    let tracking_no = match (&service.numbering, bought) {
        (Numbering::EasyPost { service: carrier_service }, None) => {
            let request = super::carrier_labels::label_request(
                &mut tx,
                operator,
                service,
                carrier_service,
                &parcel,
                &order,
                id,
            )
            .await?;
            tx.end_unwritten().await?;
            return Ok(Created::Buy(Box::new(request), service.code.clone()));
        }
        (Numbering::EasyPost { .. }, Some(b)) => b.label.tracking_code.trim().to_uppercase(),
        _ => next_tracking_no(&mut tx, operator, service).await?,
    };
    let row = ShipmentRow {
        id: app.new_uuid().to_string(),
        merchant_id: order.merchant_id,
        order_id: order.id,
        package_id: id,
        warehouse_id: package.warehouse_id,
        service_code: service.code.clone(),
        carrier: service.carrier.clone(),
        tracking_no,
        status: "labelled".into(),
        price_minor: quote.price.minor(),
        currency: quote.price.currency().code().into(),
        chargeable_g: quote.chargeable_g,
        override_reason: asked.and(reason).map(str::to_string),
        created_at: app.now(),
        tracking_status: "pending".into(),
        delivered_at: None,
        shipped_at: None,
        carrier_ref: bought.map(|b| b.label.shipment_id.clone()),
        carrier_label_url: bought.map(|b| b.label.label_url.clone()),
        insured_minor: r.insured_minor,
    };
    shipments::insert_in_tx(&mut tx, operator, &row).await?;
    if let Some(why) = &row.override_reason {
        let result = format!("labelled with {}: {why}", row.service_code);
        super::chosen_service::settle_in_tx(app, &mut tx, operator, &order, id, &result).await?;
    }
    // The buyer's tracking page exists from the first label on.
    super::buyer_page::link_in_tx(&mut tx, operator, order.id, app.now()).await?;
    let data = serde_json::json!({ "package_id": id, "service": row.service_code, "tracking_no": row.tracking_no,
                                   "price_minor": row.price_minor, "currency": row.currency,
                                   "carrier_ref": row.carrier_ref, "carrier_rate": bought.map(|b| format!("{} {}", b.label.rate, b.label.currency)) });
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(order.merchant_id),
        reason: row.override_reason.as_deref(),
        data: data.to_string(),
        ..app.event(principal.actor, "order", order.id, "order_shipment_labelled")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(Created::Done(Box::new(row.into())))
}

/// An order's shipments (a merchant's own orders only; staff limited to some warehouses: theirs).
pub async fn shipments_of_order(
    app: &App,
    principal: &Principal,
    order_id: &str,
) -> AppResult<Vec<ShipmentView>> {
    principal.require(Permission::ViewOrders)?;
    let id = parse_id(order_id, "order")?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    tradeport_store::orders::get(&mut conn, operator, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let rows =
        shipments::find(&mut conn, operator, principal.scope.merchant_id, ShipmentsOf::Order(id)).await?;
    // Staff who work in some warehouses see those warehouses' parcels.
    let allowed = crate::warehouse::allowed_warehouses(&mut conn, principal).await?;
    Ok(rows
        .into_iter()
        .filter(|s| allowed.as_ref().is_none_or(|ws| ws.contains(&s.warehouse_id)))
        .map(ShipmentView::from)
        .collect())
}

/// What a shipments list asks for.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ShipmentQuery {
    pub carrier: Option<String>,
    pub service: Option<String>,
    /// The tracking status: `in_transit`, `customs`, `exception`, `delivered` …
    pub tracking_status: Option<String>,
    /// The destination country (ISO code).
    pub country: Option<String>,
    /// The origin warehouse's code.
    pub origin: Option<String>,
    /// `open`: only parcels with an open exception case.
    pub exception: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// The `exception` filter: `open` or nothing.
fn exception_filter(asked: Option<&str>) -> AppResult<bool> {
    match asked {
        None => Ok(false),
        Some("open") => Ok(true),
        Some(other) => Err(crate::warehouse::invalid(
            "exception",
            "unknown_filter",
            format!("exception={other}: use exception=open for parcels with an open case"),
        )),
    }
}

/// Shipments newest first, filtered (a merchant: its own; staff limited to some warehouses: theirs).
pub async fn list_shipments(
    app: &App,
    principal: &Principal,
    q: &ShipmentQuery,
) -> AppResult<crate::Page<ShipmentView>> {
    principal.require(Permission::ViewOrders)?;
    let page = crate::PageRequest { limit: q.limit, cursor: q.cursor.clone() };
    let limit = page.limit().map_err(|e| AppError::Invalid(vec![e]))?;
    let before: Option<String> = page.id_cursor().map_err(|e| AppError::Invalid(vec![e]))?;
    let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let status = text(&q.tracking_status);
    if let Some(s) =
        status.as_deref().filter(|s| tradeport_domain::shipping::TrackingStatus::parse(s).is_none())
    {
        return Err(crate::warehouse::invalid(
            "tracking_status",
            "unknown_status",
            format!("{s} is not a tracking status, e.g. in_transit, exception, delivered"),
        ));
    }
    let mut conn = app.db().read().await?;
    let filter = shipments::ShipmentFilter {
        merchant_id: principal.scope.merchant_id,
        carrier: text(&q.carrier),
        service_code: text(&q.service).map(|s| s.to_uppercase()),
        tracking_status: status,
        country: text(&q.country).map(|c| c.to_uppercase()),
        origin: text(&q.origin).map(|c| c.to_uppercase()),
        with_open_case: exception_filter(text(&q.exception).as_deref())?,
        warehouses: crate::warehouse::allowed_warehouses(&mut conn, principal).await?.unwrap_or_default(),
    };
    let rows = shipments::list(&mut conn, principal.scope.operator_id, &filter, before.as_deref(), limit + 1)
        .await?;
    let views: Vec<ShipmentView> = rows.into_iter().map(ShipmentView::from).collect();
    Ok(crate::Page::from_rows(views, limit, |v| v.id.clone()))
}
