//! The box catalogue, packages with their items, and hand-over batches.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::{HandoverId, Millis, OrderId, PackageId, SkuId, TenantId, WarehouseId};
use tradeport_domain::warehouse::{BoxType, PackageMark, PackageStatus};

use crate::sql::Sql;
use crate::values::{id_at, opt_id_at};
use crate::{StoreError, StoreResult};

/// Adds a box to the catalogue or changes the one with that code.
pub async fn upsert_box_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, b: &BoxType) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO box_types (tenant_id, code, inner_length_mm, inner_width_mm, inner_height_mm, max_weight_g, tare_g) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, code) DO UPDATE SET inner_length_mm = excluded.inner_length_mm, \
         inner_width_mm = excluded.inner_width_mm, inner_height_mm = excluded.inner_height_mm, max_weight_g = excluded.max_weight_g, \
         tare_g = excluded.tare_g",
    )
    .bind(tenant_id.to_string())
    .bind(&b.code)
    .bind(b.inner_mm[0])
    .bind(b.inner_mm[1])
    .bind(b.inner_mm[2])
    .bind(b.max_weight_g)
    .bind(b.tare_g)
    .execute(conn)
    .await?;
    Ok(())
}

/// The operator's boxes by code.
pub async fn boxes(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<Vec<BoxType>> {
    let rows = sqlx::query(
        "SELECT code, inner_length_mm, inner_width_mm, inner_height_mm, max_weight_g, tare_g FROM box_types WHERE tenant_id = $1 ORDER BY code",
    )
    .bind(tenant_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(BoxType {
                code: r.try_get(0)?,
                inner_mm: [r.try_get(1)?, r.try_get(2)?, r.try_get(3)?],
                max_weight_g: r.try_get(4)?,
                tare_g: r.try_get(5)?,
            })
        })
        .collect()
}

/// A package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageRow {
    pub id: PackageId,
    pub merchant_id: TenantId,
    pub order_id: OrderId,
    pub warehouse_id: WarehouseId,
    pub package_no: i64,
    pub package_count: i64,
    pub status: PackageStatus,
    pub box_code: Option<String>,
    pub marks: Vec<PackageMark>,
    pub explanation: String,
    pub expected_weight_g: i64,
    pub weight_g: Option<i64>,
    pub check_reason: Option<String>,
    pub handover_id: Option<HandoverId>,
    pub updated_at: Millis,
    /// The merchant's inserts the packer adds, by name (first package only).
    pub inserts: Vec<String>,
}

/// A package's item: planned units and units scanned in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageItemRow {
    pub package_id: PackageId,
    pub sku_id: SkuId,
    pub sku: String,
    pub barcode: String,
    pub qty: i64,
    pub packed: i64,
}

/// Inserts packages with their items.
pub async fn insert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    packages: &[(PackageRow, Vec<(SkuId, i64)>)],
    now: Millis,
) -> StoreResult<()> {
    for (p, items) in packages {
        let marks: Vec<&str> = p.marks.iter().map(|m| m.as_str()).collect();
        sqlx::query(
            "INSERT INTO packages (id, tenant_id, merchant_id, order_id, warehouse_id, package_no, package_count, status, box_code, marks, \
             explanation, expected_weight_g, weight_g, check_reason, handover_id, created_at, updated_at, inserts) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, NULL, NULL, $13, $13, $14)",
        )
        .bind(p.id.to_string())
        .bind(tenant_id.to_string())
        .bind(p.merchant_id.to_string())
        .bind(p.order_id.to_string())
        .bind(p.warehouse_id.to_string())
        .bind(p.package_no)
        .bind(p.package_count)
        .bind(p.status.as_str())
        .bind(p.box_code.as_deref())
        .bind(marks.join(","))
        .bind(&p.explanation)
        .bind(p.expected_weight_g)
        .bind(now.0)
        .bind(p.inserts.join("\n"))
        .execute(&mut *conn)
        .await?;
        for (sku_id, qty) in items {
            sqlx::query("INSERT INTO package_items (tenant_id, package_id, sku_id, qty, packed) VALUES ($1, $2, $3, $4, 0)")
                .bind(tenant_id.to_string())
                .bind(p.id.to_string())
                .bind(sku_id.to_string())
                .bind(*qty)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

const PACKAGE: &str = "SELECT id, merchant_id, order_id, warehouse_id, package_no, package_count, status, box_code, marks, explanation, \
     expected_weight_g, weight_g, check_reason, handover_id, updated_at, inserts FROM packages WHERE tenant_id = ";

fn package_row(r: &sqlx::any::AnyRow) -> StoreResult<PackageRow> {
    let status: String = r.try_get(6)?;
    let marks: String = r.try_get(8)?;
    Ok(PackageRow {
        id: id_at(r, 0, "package")?,
        merchant_id: id_at(r, 1, "merchant")?,
        order_id: id_at(r, 2, "order")?,
        warehouse_id: id_at(r, 3, "warehouse")?,
        package_no: r.try_get(4)?,
        package_count: r.try_get(5)?,
        status: PackageStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("package status {status}")))?,
        box_code: r.try_get(7)?,
        marks: marks
            .split(',')
            .filter(|m| !m.is_empty())
            .map(|m| PackageMark::parse(m).ok_or_else(|| StoreError::Corrupt(format!("package mark {m}"))))
            .collect::<StoreResult<_>>()?,
        explanation: r.try_get(9)?,
        expected_weight_g: r.try_get(10)?,
        weight_g: r.try_get(11)?,
        check_reason: r.try_get(12)?,
        handover_id: opt_id_at(r, 13, "hand-over")?,
        updated_at: Millis(r.try_get(14)?),
        inserts: r.try_get::<String, _>(15)?.lines().map(str::to_string).collect(),
    })
}

/// An order's packages in number order (cancelled ones too).
pub async fn of_order(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order_id: OrderId,
) -> StoreResult<Vec<PackageRow>> {
    let mut sql = Sql::new(PACKAGE);
    sql.bind(tenant_id.to_string()).push(" AND order_id = ").bind(order_id.to_string());
    sql.push(" ORDER BY package_no");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(package_row).collect()
}

/// Packages of a warehouse in a status, oldest first, at most `limit`.
pub async fn in_status(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    warehouse_id: WarehouseId,
    status: PackageStatus,
    limit: u32,
) -> StoreResult<Vec<PackageRow>> {
    let mut sql = Sql::new(PACKAGE);
    sql.bind(tenant_id.to_string()).push(" AND warehouse_id = ").bind(warehouse_id.to_string());
    sql.push(" AND status = ")
        .bind(status.as_str())
        .push(" ORDER BY updated_at, id LIMIT ")
        .bind(i64::from(limit));
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(package_row).collect()
}

/// A package, locked for the transaction when `lock` (PostgreSQL; SQLite has one writer).
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: PackageId,
    lock: bool,
) -> StoreResult<Option<PackageRow>> {
    let mut sql = Sql::new(PACKAGE);
    sql.bind(tenant_id.to_string()).push(" AND id = ").bind(id.to_string());
    if lock {
        sql.push(crate::row_lock(conn));
    }
    let row = sql.query().fetch_optional(conn).await?;
    row.as_ref().map(package_row).transpose()
}

/// Items of the given packages, by package then SKU code.
pub async fn items(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    ids: &[PackageId],
) -> StoreResult<Vec<PackageItemRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT i.package_id, i.sku_id, s.sku, s.barcode, i.qty, i.packed FROM package_items i JOIN skus s ON s.id = i.sku_id WHERE i.tenant_id = ",
    );
    sql.bind(tenant_id.to_string())
        .push(" AND i.package_id IN ")
        .bind_list(ids.iter().map(PackageId::to_string));
    sql.push(" ORDER BY i.package_id, s.sku");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok(PackageItemRow {
                package_id: id_at(r, 0, "package")?,
                sku_id: id_at(r, 1, "SKU")?,
                sku: r.try_get(2)?,
                barcode: r.try_get(3)?,
                qty: r.try_get(4)?,
                packed: r.try_get(5)?,
            })
        })
        .collect()
}

/// Counts `qty` more units of a SKU as packed if the package still needs them; false when not.
pub async fn pack_item_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: PackageId,
    sku_id: SkuId,
    qty: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE package_items SET packed = packed + $1 WHERE tenant_id = $2 AND package_id = $3 AND sku_id = $4 AND packed + $1 <= qty",
    )
    .bind(qty)
    .bind(tenant_id.to_string())
    .bind(id.to_string())
    .bind(sku_id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Writes a package's status, weight, check reason and hand-over.
pub async fn update_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    p: &PackageRow,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE packages SET status = $1, weight_g = $2, check_reason = $3, handover_id = $4, updated_at = $5 WHERE tenant_id = $6 AND id = $7",
    )
    .bind(p.status.as_str())
    .bind(p.weight_g)
    .bind(p.check_reason.as_deref())
    .bind(p.handover_id.map(|h| h.to_string()))
    .bind(now.0)
    .bind(tenant_id.to_string())
    .bind(p.id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// A hand-over batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandoverRow {
    pub id: HandoverId,
    pub warehouse_id: WarehouseId,
    pub handover_no: String,
    pub carrier: String,
    pub package_count: i64,
    pub created_at: Millis,
}

pub async fn insert_handover_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    h: &HandoverRow,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO handovers (id, tenant_id, warehouse_id, handover_no, carrier, package_count, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(h.id.to_string())
    .bind(tenant_id.to_string())
    .bind(h.warehouse_id.to_string())
    .bind(&h.handover_no)
    .bind(&h.carrier)
    .bind(h.package_count)
    .bind(h.created_at.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// The latest hand-overs, newest first (of these warehouses when any are named).
pub async fn recent_handovers(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    warehouses: &[WarehouseId],
    limit: u32,
) -> StoreResult<Vec<HandoverRow>> {
    let mut sql = Sql::new(
        "SELECT id, warehouse_id, handover_no, carrier, package_count, created_at FROM handovers WHERE tenant_id = ",
    );
    sql.bind(tenant_id.to_string());
    if !warehouses.is_empty() {
        sql.push(" AND warehouse_id IN ").bind_list(warehouses.iter().map(WarehouseId::to_string));
    }
    sql.push(" ORDER BY id DESC LIMIT ").bind(i64::from(limit));
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(handover_row).collect()
}

fn handover_row(r: &sqlx::any::AnyRow) -> StoreResult<HandoverRow> {
    Ok(HandoverRow {
        id: id_at(r, 0, "hand-over")?,
        warehouse_id: id_at(r, 1, "warehouse")?,
        handover_no: r.try_get(2)?,
        carrier: r.try_get(3)?,
        package_count: r.try_get(4)?,
        created_at: Millis(r.try_get(5)?),
    })
}

pub async fn get_handover(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: HandoverId,
) -> StoreResult<Option<HandoverRow>> {
    let row = sqlx::query(
        "SELECT id, warehouse_id, handover_no, carrier, package_count, created_at FROM handovers WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant_id.to_string())
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(handover_row).transpose()
}

/// Packages of a hand-over, by order then number.
pub async fn of_handover(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: HandoverId,
) -> StoreResult<Vec<PackageRow>> {
    let mut sql = Sql::new(PACKAGE);
    sql.bind(tenant_id.to_string()).push(" AND handover_id = ").bind(id.to_string());
    sql.push(" ORDER BY order_id, package_no");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(package_row).collect()
}
