//! Bins, and the units of each SKU in each bin. A bin balance changes only by a conditional update
//! (`qty >= taken`), written in the same transaction as its ledger movement and the warehouse
//! balance's `located`, so two pickers can never take more than a bin holds.

use std::collections::BTreeMap;

use jiff::civil::Date;
use sqlx::{AnyConnection, Row};
use tradeport_domain::inventory::Trait;
use tradeport_domain::kernel::{BinId, Millis, SkuId, TenantId, WarehouseId};
use tradeport_domain::warehouse::NewBin;

use crate::sql::Sql;
use crate::values::{id_at, opt_id_at};
use crate::{StoreError, StoreResult};

/// A stored bin with the units it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BinRow {
    pub id: BinId,
    pub warehouse_id: WarehouseId,
    pub code: String,
    pub zone: String,
    pub walk_sequence: i64,
    pub capacity_units: i64,
    pub allowed_traits: Vec<Trait>,
    pub fixed_sku_id: Option<SkuId>,
    /// Units of every SKU in the bin.
    pub total: i64,
    /// A pallet position.
    pub pallet: bool,
}

fn traits(raw: &str) -> StoreResult<Vec<Trait>> {
    raw.split(',')
        .filter(|t| !t.is_empty())
        .map(|t| Trait::parse(t).ok_or_else(|| StoreError::Corrupt(format!("bin trait {t}"))))
        .collect()
}

const BIN: &str = "SELECT b.id, b.warehouse_id, b.code, b.zone, b.walk_sequence, b.capacity_units, b.allowed_traits, b.fixed_sku_id, \
     CAST(COALESCE((SELECT SUM(q.qty) FROM bin_balances q WHERE q.bin_id = b.id), 0) AS BIGINT), b.pallet FROM bins b \
     WHERE b.tenant_id = ";

fn bin_row(r: &sqlx::any::AnyRow) -> StoreResult<BinRow> {
    Ok(BinRow {
        id: id_at(r, 0, "bin")?,
        warehouse_id: id_at(r, 1, "warehouse")?,
        code: r.try_get(2)?,
        zone: r.try_get(3)?,
        walk_sequence: r.try_get(4)?,
        capacity_units: r.try_get(5)?,
        allowed_traits: traits(&r.try_get::<String, _>(6)?)?,
        fixed_sku_id: opt_id_at(r, 7, "SKU")?,
        total: r.try_get(8)?,
        pallet: r.try_get::<i64, _>(9)? != 0,
    })
}

/// Creates the bin, or updates the bin of that code in the warehouse (its id stays).
pub async fn upsert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    warehouse_id: WarehouseId,
    id: BinId,
    b: &NewBin,
    now: Millis,
) -> StoreResult<()> {
    let allowed: Vec<&str> = b.allowed_traits.iter().map(|t| t.as_str()).collect();
    sqlx::query(
        "INSERT INTO bins (id, tenant_id, warehouse_id, code, zone, walk_sequence, capacity_units, allowed_traits, pallet, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $10, $9, $9) ON CONFLICT (warehouse_id, code) DO UPDATE SET \
         zone = excluded.zone, walk_sequence = excluded.walk_sequence, capacity_units = excluded.capacity_units, \
         allowed_traits = excluded.allowed_traits, pallet = excluded.pallet, updated_at = excluded.updated_at",
    )
    .bind(id.to_string())
    .bind(tenant_id.to_string())
    .bind(warehouse_id.to_string())
    .bind(&b.code)
    .bind(&b.zone)
    .bind(b.walk_sequence)
    .bind(b.capacity_units)
    .bind(allowed.join(","))
    .bind(now.0)
    .bind(i64::from(b.pallet))
    .execute(conn)
    .await?;
    Ok(())
}

/// Makes a bin the fixed bin of a SKU (or of none).
pub async fn set_fixed_sku_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    bin_id: BinId,
    sku_id: Option<SkuId>,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query("UPDATE bins SET fixed_sku_id = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4")
        .bind(sku_id.map(|s| s.to_string()))
        .bind(now.0)
        .bind(tenant_id.to_string())
        .bind(bin_id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// A warehouse's bins in walking order.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    warehouse_id: WarehouseId,
) -> StoreResult<Vec<BinRow>> {
    let mut sql = Sql::new(BIN);
    sql.bind(tenant_id.to_string()).push(" AND b.warehouse_id = ").bind(warehouse_id.to_string());
    sql.push(" ORDER BY b.walk_sequence, b.code");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(bin_row).collect()
}

/// A bin by its code in a warehouse (codes are scanned), locked for the transaction when `lock`.
pub async fn by_code(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    warehouse_id: WarehouseId,
    code: &str,
) -> StoreResult<Option<BinRow>> {
    let mut sql = Sql::new(BIN);
    sql.bind(tenant_id.to_string()).push(" AND b.warehouse_id = ").bind(warehouse_id.to_string());
    sql.push(" AND b.code = ").bind(code.trim().to_uppercase());
    let row = sql.query().fetch_optional(conn).await?;
    row.as_ref().map(bin_row).transpose()
}

/// A bin by id.
pub async fn get(conn: &mut AnyConnection, tenant_id: TenantId, id: BinId) -> StoreResult<Option<BinRow>> {
    let mut sql = Sql::new(BIN);
    sql.bind(tenant_id.to_string()).push(" AND b.id = ").bind(id.to_string());
    let row = sql.query().fetch_optional(conn).await?;
    row.as_ref().map(bin_row).transpose()
}

/// Locks a bin row until the transaction ends (PostgreSQL; SQLite has one writer), so that two
/// put-aways into one bin cannot both pass its capacity check.
pub async fn lock_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, id: BinId) -> StoreResult<()> {
    let lock = crate::row_lock(conn);
    let mut sql = Sql::new("SELECT id FROM bins WHERE tenant_id = ");
    sql.bind(tenant_id.to_string()).push(" AND id = ").bind(id.to_string()).push(lock);
    sql.query().fetch_optional(conn).await?;
    Ok(())
}

/// The key of a bin balance: units of one SKU, of one lot (empty for none), in one bin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot<'a> {
    pub sku_id: SkuId,
    pub bin_id: BinId,
    pub lot: &'a str,
}

/// Adds `qty` units to a slot of a bin in `warehouse_id`; a lot's first expiry stays.
pub async fn add_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    slot: Slot<'_>,
    warehouse_id: WarehouseId,
    expiry: Option<Date>,
    qty: i64,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO bin_balances (tenant_id, sku_id, bin_id, lot, expiry, warehouse_id, qty, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (sku_id, bin_id, lot) DO UPDATE SET qty = bin_balances.qty + excluded.qty, \
         expiry = COALESCE(bin_balances.expiry, excluded.expiry), updated_at = excluded.updated_at",
    )
    .bind(tenant_id.to_string())
    .bind(slot.sku_id.to_string())
    .bind(slot.bin_id.to_string())
    .bind(slot.lot)
    .bind(expiry.map(|d| d.to_string()))
    .bind(warehouse_id.to_string())
    .bind(qty)
    .bind(now.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes `qty` units out of a slot if it holds that many; false when it does not.
pub async fn take_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    slot: Slot<'_>,
    qty: i64,
    now: Millis,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE bin_balances SET qty = qty - $1, updated_at = $2 \
         WHERE tenant_id = $3 AND sku_id = $4 AND bin_id = $5 AND lot = $6 AND qty >= $1",
    )
    .bind(qty)
    .bind(now.0)
    .bind(tenant_id.to_string())
    .bind(slot.sku_id.to_string())
    .bind(slot.bin_id.to_string())
    .bind(slot.lot)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Units in one slot.
pub async fn qty_of(conn: &mut AnyConnection, tenant_id: TenantId, slot: Slot<'_>) -> StoreResult<i64> {
    let q: Option<i64> = sqlx::query_scalar(
        "SELECT qty FROM bin_balances WHERE tenant_id = $1 AND sku_id = $2 AND bin_id = $3 AND lot = $4",
    )
    .bind(tenant_id.to_string())
    .bind(slot.sku_id.to_string())
    .bind(slot.bin_id.to_string())
    .bind(slot.lot)
    .fetch_optional(conn)
    .await?;
    Ok(q.unwrap_or(0))
}

/// The lots of a SKU in a bin that hold units: lot, expiry, units; in lot order.
pub async fn lots_in(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    sku_id: SkuId,
    bin_id: BinId,
) -> StoreResult<Vec<(String, Option<Date>, i64)>> {
    let rows = sqlx::query(
        "SELECT lot, expiry, qty FROM bin_balances WHERE tenant_id = $1 AND sku_id = $2 AND bin_id = $3 AND qty > 0 \
         ORDER BY lot",
    )
    .bind(tenant_id.to_string())
    .bind(sku_id.to_string())
    .bind(bin_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, expiry_at(r, 1)?, r.try_get(2)?))).collect()
}

/// A stored expiry (`YYYY-MM-DD` or NULL).
fn expiry_at(r: &sqlx::any::AnyRow, i: usize) -> StoreResult<Option<Date>> {
    let text: Option<String> = r.try_get(i)?;
    text.map(|t| t.parse().map_err(|_| StoreError::Corrupt(format!("expiry {t}")))).transpose()
}

/// One SKU's units in one bin, with codes for screens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BinContent {
    pub bin_id: BinId,
    pub bin_code: String,
    pub zone: String,
    pub walk_sequence: i64,
    pub warehouse_id: WarehouseId,
    pub sku_id: SkuId,
    pub sku: String,
    pub merchant_id: TenantId,
    /// Empty for stock without a lot.
    pub lot: String,
    pub expiry: Option<Date>,
    pub qty: i64,
}

/// What lies in a warehouse's bins, in walking order: of one merchant's SKUs when `merchant_id`
/// is given, of the listed SKUs when `sku_ids` is not empty; empty bin rows are left out.
pub async fn contents(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    warehouse_id: WarehouseId,
    merchant_id: Option<TenantId>,
    sku_ids: &[SkuId],
) -> StoreResult<Vec<BinContent>> {
    let mut sql = Sql::new(
        "SELECT q.bin_id, b.code, b.zone, b.walk_sequence, q.warehouse_id, q.sku_id, s.sku, s.merchant_id, q.qty, \
         q.lot, q.expiry \
         FROM bin_balances q JOIN bins b ON b.id = q.bin_id JOIN skus s ON s.id = q.sku_id WHERE q.tenant_id = ",
    );
    sql.bind(tenant_id.to_string()).push(" AND q.warehouse_id = ").bind(warehouse_id.to_string());
    sql.push(" AND q.qty > 0");
    if let Some(m) = merchant_id {
        sql.push(" AND s.merchant_id = ").bind(m.to_string());
    }
    if !sku_ids.is_empty() {
        sql.push(" AND q.sku_id IN ").bind_list(sku_ids.iter().map(SkuId::to_string));
    }
    sql.push(" ORDER BY b.walk_sequence, b.code, s.sku, q.lot");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok(BinContent {
                bin_id: id_at(r, 0, "bin")?,
                bin_code: r.try_get(1)?,
                zone: r.try_get(2)?,
                walk_sequence: r.try_get(3)?,
                warehouse_id: id_at(r, 4, "warehouse")?,
                sku_id: id_at(r, 5, "SKU")?,
                sku: r.try_get(6)?,
                merchant_id: id_at(r, 7, "merchant")?,
                qty: r.try_get(8)?,
                lot: r.try_get(9)?,
                expiry: expiry_at(r, 10)?,
            })
        })
        .collect()
}

/// The warehouse of every bin, for `inventory verify`.
pub async fn warehouse_of_every_bin(conn: &mut AnyConnection) -> StoreResult<BTreeMap<BinId, WarehouseId>> {
    let rows = sqlx::query("SELECT id, warehouse_id FROM bins").fetch_all(conn).await?;
    rows.iter().map(|r| Ok((id_at(r, 0, "bin")?, id_at(r, 1, "warehouse")?))).collect()
}

/// Units of a SKU in bins, in every warehouse.
pub async fn units_of_sku(conn: &mut AnyConnection, tenant_id: TenantId, sku_id: SkuId) -> StoreResult<i64> {
    let n: Option<i64> = sqlx::query_scalar(
        "SELECT CAST(SUM(qty) AS BIGINT) FROM bin_balances WHERE tenant_id = $1 AND sku_id = $2",
    )
    .bind(tenant_id.to_string())
    .bind(sku_id.to_string())
    .fetch_one(conn)
    .await?;
    Ok(n.unwrap_or(0))
}
