//! Shipments: one per package, with its service, tracking number and price.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::{Millis, OrderId, PackageId, TenantId, WarehouseId};

use crate::StoreResult;
use crate::sql::Sql;
use crate::values::id_at;

/// A shipment as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShipmentRow {
    pub id: String,
    pub merchant_id: TenantId,
    pub order_id: OrderId,
    pub package_id: PackageId,
    pub warehouse_id: WarehouseId,
    pub service_code: String,
    pub carrier: String,
    pub tracking_no: String,
    /// `labelled`, then `shipped` once handed over.
    pub status: String,
    pub price_minor: i64,
    pub currency: String,
    pub chargeable_g: i64,
    pub override_reason: Option<String>,
    pub created_at: Millis,
    /// Where the parcel is, from tracking (`pending` until the first event).
    pub tracking_status: String,
    pub delivered_at: Option<Millis>,
    /// When it was handed over to the carrier.
    pub shipped_at: Option<Millis>,
    /// The carrier's own shipment id and label, when the label was bought from it.
    pub carrier_ref: Option<String>,
    pub carrier_label_url: Option<String>,
    /// What the parcel is insured for (the order's currency), when it is.
    pub insured_minor: Option<i64>,
}

const SHIPMENT: &str = "SELECT id, merchant_id, order_id, package_id, warehouse_id, service_code, carrier, tracking_no, status, \
     price_minor, currency, chargeable_g, override_reason, created_at, tracking_status, delivered_at, shipped_at, carrier_ref, carrier_label_url, insured_minor FROM shipments WHERE tenant_id = ";

fn shipment_row(r: &sqlx::any::AnyRow) -> StoreResult<ShipmentRow> {
    Ok(ShipmentRow {
        id: r.try_get(0)?,
        merchant_id: id_at(r, 1, "merchant")?,
        order_id: id_at(r, 2, "order")?,
        package_id: id_at(r, 3, "package")?,
        warehouse_id: id_at(r, 4, "warehouse")?,
        service_code: r.try_get(5)?,
        carrier: r.try_get(6)?,
        tracking_no: r.try_get(7)?,
        status: r.try_get(8)?,
        price_minor: r.try_get(9)?,
        currency: r.try_get(10)?,
        chargeable_g: r.try_get(11)?,
        override_reason: r.try_get(12)?,
        created_at: Millis(r.try_get(13)?),
        tracking_status: r.try_get(14)?,
        delivered_at: r.try_get::<Option<i64>, _>(15)?.map(Millis),
        shipped_at: r.try_get::<Option<i64>, _>(16)?.map(Millis),
        carrier_ref: r.try_get(17)?,
        carrier_label_url: r.try_get(18)?,
        insured_minor: r.try_get(19)?,
    })
}

pub async fn insert_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, s: &ShipmentRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO shipments (id, tenant_id, merchant_id, order_id, package_id, warehouse_id, service_code, carrier, tracking_no, \
         status, price_minor, currency, chargeable_g, override_reason, created_at, updated_at, carrier_ref, carrier_label_url, \
         insured_minor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16, $17, $18)",
    )
    .bind(&s.id)
    .bind(tenant_id.to_string())
    .bind(s.merchant_id.to_string())
    .bind(s.order_id.to_string())
    .bind(s.package_id.to_string())
    .bind(s.warehouse_id.to_string())
    .bind(&s.service_code)
    .bind(&s.carrier)
    .bind(&s.tracking_no)
    .bind(&s.status)
    .bind(s.price_minor)
    .bind(&s.currency)
    .bind(s.chargeable_g)
    .bind(s.override_reason.as_deref())
    .bind(s.created_at.0)
    .bind(s.carrier_ref.as_deref())
    .bind(s.carrier_label_url.as_deref())
    .bind(s.insured_minor)
    .execute(conn)
    .await?;
    Ok(())
}

/// Which shipments to read.
#[derive(Clone, Copy, Debug)]
pub enum ShipmentsOf<'a> {
    Id(&'a str),
    Order(OrderId),
    Package(PackageId),
    TrackingNo(&'a str),
}

/// Shipments by order, package or tracking number (a merchant's own when `merchant_id`).
pub async fn find(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: Option<TenantId>,
    of: ShipmentsOf<'_>,
) -> StoreResult<Vec<ShipmentRow>> {
    let mut sql = Sql::new(SHIPMENT);
    sql.bind(tenant_id.to_string());
    if let Some(m) = merchant_id {
        sql.push(" AND merchant_id = ").bind(m.to_string());
    }
    match of {
        ShipmentsOf::Id(id) => sql.push(" AND id = ").bind(id.to_string()),
        ShipmentsOf::Order(o) => sql.push(" AND order_id = ").bind(o.to_string()),
        ShipmentsOf::Package(p) => sql.push(" AND package_id = ").bind(p.to_string()),
        ShipmentsOf::TrackingNo(t) => sql.push(" AND tracking_no = ").bind(t.to_string()),
    };
    sql.push(" ORDER BY created_at, id");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(shipment_row).collect()
}

/// Marks the shipments of these packages shipped.
pub async fn ship_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    packages: &[PackageId],
    now: Millis,
) -> StoreResult<u64> {
    if packages.is_empty() {
        return Ok(0);
    }
    let mut sql = Sql::new("UPDATE shipments SET status = 'shipped', updated_at = ");
    sql.bind(now.0).push(" WHERE tenant_id = ").bind(tenant_id.to_string());
    sql.push(" AND status = 'labelled' AND package_id IN ")
        .bind_list(packages.iter().map(PackageId::to_string));
    Ok(sql.query().execute(conn).await?.rows_affected())
}

/// Which shipments a list shows.
#[derive(Clone, Debug, Default)]
pub struct ShipmentFilter {
    pub merchant_id: Option<TenantId>,
    pub carrier: Option<String>,
    pub service_code: Option<String>,
    /// The tracking status (`in_transit`, `exception` …).
    pub tracking_status: Option<String>,
    /// The destination country.
    pub country: Option<String>,
    /// The origin warehouse's code (with `country`, the lane).
    pub origin: Option<String>,
    /// Only shipments with an open exception case.
    pub with_open_case: bool,
    /// Only these warehouses (all when empty).
    pub warehouses: Vec<WarehouseId>,
}

/// Shipments newest first, a page at a time (`before` the last id of the previous page).
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    f: &ShipmentFilter,
    before: Option<&str>,
    limit: u32,
) -> StoreResult<Vec<ShipmentRow>> {
    let mut sql = Sql::new(
        "SELECT s.id, s.merchant_id, s.order_id, s.package_id, s.warehouse_id, s.service_code, s.carrier, s.tracking_no, \
         s.status, s.price_minor, s.currency, s.chargeable_g, s.override_reason, s.created_at, s.tracking_status, \
         s.delivered_at, s.shipped_at, s.carrier_ref, s.carrier_label_url, s.insured_minor FROM shipments s JOIN orders o ON o.id = s.order_id WHERE s.tenant_id = ",
    );
    sql.bind(tenant_id.to_string());
    if let Some(m) = f.merchant_id {
        sql.push(" AND s.merchant_id = ").bind(m.to_string());
    }
    if let Some(c) = &f.carrier {
        sql.push(" AND s.carrier = ").bind(c.clone());
    }
    if let Some(c) = &f.service_code {
        sql.push(" AND s.service_code = ").bind(c.clone());
    }
    if let Some(st) = &f.tracking_status {
        sql.push(" AND s.tracking_status = ").bind(st.clone());
    }
    if let Some(c) = &f.country {
        sql.push(" AND o.ship_country = ").bind(c.clone());
    }
    if let Some(code) = &f.origin {
        sql.push(" AND s.warehouse_id IN (SELECT id FROM warehouses WHERE tenant_id = ")
            .bind(tenant_id.to_string())
            .push(" AND code = ")
            .bind(code.clone())
            .push(")");
    }
    if f.with_open_case {
        sql.push(
            " AND EXISTS (SELECT 1 FROM exception_cases c WHERE c.shipment_id = s.id AND c.status = 'open')",
        );
    }
    if !f.warehouses.is_empty() {
        sql.push(" AND s.warehouse_id IN ").bind_list(f.warehouses.iter().map(WarehouseId::to_string));
    }
    if let Some(b) = before {
        sql.push(" AND s.id < ").bind(b.to_string());
    }
    sql.push(" ORDER BY s.id DESC LIMIT ").bind(i64::from(limit));
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(shipment_row).collect()
}
