//! The operator's warehouses.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, FromRow};
use tradeport_domain::inventory::WarehouseKind;
use tradeport_domain::kernel::{Millis, TenantId, WarehouseId};
use tradeport_domain::warehouse::Space;

use crate::access::parse_id;
use crate::{StoreError, StoreResult};

/// A stored warehouse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WarehouseRow {
    pub id: WarehouseId,
    pub code: String,
    pub name: String,
    pub country: String,
    pub address: String,
    pub timezone: String,
    pub kind: WarehouseKind,
    /// Litres the warehouse stores at most; 0 sets no limit.
    pub capacity_l: i64,
    /// Pallet positions the warehouse has; 0 sets no limit.
    pub capacity_pallets: i64,
    /// Whom carriers and merchants call about a delivery.
    pub receiving_contact: String,
    /// The operator's receiving requirements (booking, labels, pallets).
    pub receiving_requirements: String,
}

/// A warehouse to insert.
#[derive(Clone, Debug)]
pub struct NewWarehouseRow<'a> {
    pub id: WarehouseId,
    pub code: &'a str,
    pub name: &'a str,
    pub country: &'a str,
    pub address: &'a str,
    pub timezone: &'a str,
    pub kind: WarehouseKind,
}

/// A warehouse as stored, read by column name.
#[derive(sqlx::FromRow)]
struct WarehouseRecord {
    id: String,
    code: String,
    name: String,
    country: String,
    address: String,
    timezone: String,
    kind: String,
    capacity_l: i64,
    capacity_pallets: i64,
    receiving_contact: String,
    receiving_requirements: String,
}

fn from_row(r: &AnyRow) -> StoreResult<WarehouseRow> {
    let w = WarehouseRecord::from_row(r)?;
    Ok(WarehouseRow {
        id: parse_id(&w.id, "warehouse id")?,
        kind: WarehouseKind::parse(&w.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("warehouse kind {}", w.kind)))?,
        code: w.code,
        name: w.name,
        country: w.country,
        address: w.address,
        timezone: w.timezone,
        capacity_l: w.capacity_l,
        capacity_pallets: w.capacity_pallets,
        receiving_contact: w.receiving_contact,
        receiving_requirements: w.receiving_requirements,
    })
}

pub async fn insert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    w: &NewWarehouseRow<'_>,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO warehouses (id, tenant_id, code, name, country, address, timezone, kind, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(w.id.to_string())
    .bind(tenant_id.to_string())
    .bind(w.code)
    .bind(w.name)
    .bind(w.country)
    .bind(w.address)
    .bind(w.timezone)
    .bind(w.kind.as_str())
    .bind(now.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// The operator's warehouses by code.
pub async fn list(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<Vec<WarehouseRow>> {
    let rows = sqlx::query("SELECT id, code, name, country, address, timezone, kind, capacity_l, capacity_pallets, receiving_contact, receiving_requirements FROM warehouses WHERE tenant_id = $1 ORDER BY code")
        .bind(tenant_id.to_string())
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Sets what inbound notices need from a warehouse: its capacity and receiving instructions.
pub async fn update_receiving_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: WarehouseId,
    capacity: Space,
    contact: &str,
    requirements: &str,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE warehouses SET capacity_l = $1, receiving_contact = $2, receiving_requirements = $3, capacity_pallets = $6 \
         WHERE tenant_id = $4 AND id = $5",
    )
    .bind(capacity.litres)
    .bind(contact)
    .bind(requirements)
    .bind(tenant_id.to_string())
    .bind(id.to_string())
    .bind(capacity.pallets)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Locks a warehouse row until the transaction ends (PostgreSQL; SQLite has one writer): work
/// that plans over a whole warehouse (a wave, a capacity check) runs one at a time.
pub async fn lock_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, id: WarehouseId) -> StoreResult<()> {
    let mut sql = crate::sql::Sql::new("SELECT id FROM warehouses WHERE tenant_id = ");
    sql.bind(tenant_id.to_string()).push(" AND id = ").bind(id.to_string()).push(crate::row_lock(conn));
    sql.query().fetch_optional(conn).await?;
    Ok(())
}
