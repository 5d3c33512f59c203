//! Inbound notices, their cartons, what receiving counted and the photos of discrepancies.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::{AsnId, Millis, SkuId, TenantId, WarehouseId};
use tradeport_domain::warehouse::{AsnCartons, AsnStatus, Space, TransportMode};

use crate::sql::Sql;
use crate::values::{id_at, opt_id_at};
use crate::{StoreError, StoreResult};

/// A stored notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsnRow {
    pub id: AsnId,
    pub merchant_id: TenantId,
    pub warehouse_id: WarehouseId,
    pub asn_no: String,
    pub status: AsnStatus,
    pub expected_arrival: Millis,
    pub transport_mode: TransportMode,
    pub carrier_reference: String,
    pub shipping_marks: String,
    pub volume_l: i64,
    pub pallets: i64,
    pub reject_reason: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

const ASN: &str = "SELECT id, merchant_id, warehouse_id, asn_no, status, expected_arrival, transport_mode, carrier_reference, \
     shipping_marks, volume_l, reject_reason, created_at, updated_at, pallets FROM asns WHERE tenant_id = ";

fn asn_row(r: &sqlx::any::AnyRow) -> StoreResult<AsnRow> {
    let status: String = r.try_get(4)?;
    let mode: String = r.try_get(6)?;
    Ok(AsnRow {
        id: id_at(r, 0, "ASN")?,
        merchant_id: id_at(r, 1, "merchant")?,
        warehouse_id: id_at(r, 2, "warehouse")?,
        asn_no: r.try_get(3)?,
        status: AsnStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("ASN status {status}")))?,
        expected_arrival: Millis(r.try_get(5)?),
        transport_mode: TransportMode::parse(&mode)
            .ok_or_else(|| StoreError::Corrupt(format!("transport mode {mode}")))?,
        carrier_reference: r.try_get(7)?,
        shipping_marks: r.try_get(8)?,
        volume_l: r.try_get(9)?,
        pallets: r.try_get(13)?,
        reject_reason: r.try_get(10)?,
        created_at: Millis(r.try_get(11)?),
        updated_at: Millis(r.try_get(12)?),
    })
}

/// Inserts a notice and its cartons (`sku_ids` in the order of `cartons`).
pub async fn insert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    a: &AsnRow,
    cartons: &[(String, SkuId, &AsnCartons)],
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO asns (id, tenant_id, merchant_id, warehouse_id, asn_no, status, expected_arrival, transport_mode, \
         carrier_reference, shipping_marks, volume_l, reject_reason, created_at, updated_at, pallets) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(a.id.to_string())
    .bind(tenant_id.to_string())
    .bind(a.merchant_id.to_string())
    .bind(a.warehouse_id.to_string())
    .bind(&a.asn_no)
    .bind(a.status.as_str())
    .bind(a.expected_arrival.0)
    .bind(a.transport_mode.as_str())
    .bind(&a.carrier_reference)
    .bind(&a.shipping_marks)
    .bind(a.volume_l)
    .bind(a.reject_reason.as_deref())
    .bind(a.created_at.0)
    .bind(a.updated_at.0)
    .bind(a.pallets)
    .execute(&mut *conn)
    .await?;
    for (n, (id, sku_id, c)) in cartons.iter().enumerate() {
        sqlx::query(
            "INSERT INTO asn_cartons (id, tenant_id, asn_id, line_no, sku_id, carton_count, units_per_carton, length_mm, width_mm, \
             height_mm, gross_weight_g, net_weight_g) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id.as_str())
        .bind(tenant_id.to_string())
        .bind(a.id.to_string())
        .bind(n as i64 + 1)
        .bind(sku_id.to_string())
        .bind(c.carton_count)
        .bind(c.units_per_carton)
        .bind(c.dims_mm[0])
        .bind(c.dims_mm[1])
        .bind(c.dims_mm[2])
        .bind(c.gross_weight_g)
        .bind(c.net_weight_g)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A notice (a merchant's own only, when `merchant_id` is given), locked for the transaction when
/// read inside one on PostgreSQL with `lock`.
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: Option<TenantId>,
    id: AsnId,
    lock: bool,
) -> StoreResult<Option<AsnRow>> {
    let mut sql = Sql::new(ASN);
    sql.bind(tenant_id.to_string()).push(" AND id = ").bind(id.to_string());
    if let Some(m) = merchant_id {
        sql.push(" AND merchant_id = ").bind(m.to_string());
    }
    if lock {
        sql.push(crate::row_lock(conn));
    }
    let row = sql.query().fetch_optional(conn).await?;
    row.as_ref().map(asn_row).transpose()
}

/// A notice by its number (what receiving scans).
pub async fn by_number(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    asn_no: &str,
) -> StoreResult<Option<AsnRow>> {
    let mut sql = Sql::new(ASN);
    sql.bind(tenant_id.to_string()).push(" AND asn_no = ").bind(asn_no.trim().to_uppercase());
    let row = sql.query().fetch_optional(conn).await?;
    row.as_ref().map(asn_row).transpose()
}

/// Notices newest first, after `before` (an id), at most `limit`; a merchant's own when given.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: Option<TenantId>,
    (status, warehouses): (Option<AsnStatus>, &[WarehouseId]),
    before: Option<AsnId>,
    limit: u32,
) -> StoreResult<Vec<AsnRow>> {
    let mut sql = Sql::new(ASN);
    sql.bind(tenant_id.to_string());
    if let Some(m) = merchant_id {
        sql.push(" AND merchant_id = ").bind(m.to_string());
    }
    if !warehouses.is_empty() {
        sql.push(" AND warehouse_id IN ").bind_list(warehouses.iter().map(WarehouseId::to_string));
    }
    if let Some(s) = status {
        sql.push(" AND status = ").bind(s.as_str());
    }
    if let Some(b) = before {
        sql.push(" AND id < ").bind(b.to_string());
    }
    sql.push(" ORDER BY id DESC LIMIT ").bind(i64::from(limit));
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(asn_row).collect()
}

/// Writes a notice's new status (and reason, for a rejection).
pub async fn set_status_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: AsnId,
    status: AsnStatus,
    reject_reason: Option<&str>,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE asns SET status = $1, reject_reason = COALESCE($2, reject_reason), updated_at = $3 WHERE tenant_id = $4 AND id = $5",
    )
    .bind(status.as_str())
    .bind(reject_reason)
    .bind(now.0)
    .bind(tenant_id.to_string())
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// A group of cartons as stored, with its SKU's codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CartonRow {
    pub line_no: i64,
    pub sku_id: SkuId,
    pub sku: String,
    pub sku_name: String,
    pub carton_count: i64,
    pub units_per_carton: i64,
    pub dims_mm: [i64; 3],
    pub gross_weight_g: i64,
    pub net_weight_g: i64,
}

/// A notice's cartons in line order.
pub async fn cartons(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: AsnId,
) -> StoreResult<Vec<CartonRow>> {
    let rows = sqlx::query(
        "SELECT c.line_no, c.sku_id, s.sku, s.name, c.carton_count, c.units_per_carton, c.length_mm, c.width_mm, c.height_mm, \
         c.gross_weight_g, c.net_weight_g FROM asn_cartons c JOIN skus s ON s.id = c.sku_id \
         WHERE c.tenant_id = $1 AND c.asn_id = $2 ORDER BY c.line_no",
    )
    .bind(tenant_id.to_string())
    .bind(id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CartonRow {
                line_no: r.try_get(0)?,
                sku_id: id_at(r, 1, "SKU")?,
                sku: r.try_get(2)?,
                sku_name: r.try_get(3)?,
                carton_count: r.try_get(4)?,
                units_per_carton: r.try_get(5)?,
                dims_mm: [r.try_get(6)?, r.try_get(7)?, r.try_get(8)?],
                gross_weight_g: r.try_get(9)?,
                net_weight_g: r.try_get(10)?,
            })
        })
        .collect()
}

/// Adds scanned units to a notice's count of a SKU.
pub async fn add_count_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: AsnId,
    sku_id: SkuId,
    good: i64,
    damaged: i64,
    now: Millis,
) -> StoreResult<(i64, i64)> {
    let row = sqlx::query(
        "INSERT INTO asn_counts (tenant_id, asn_id, sku_id, good, damaged, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (asn_id, sku_id) DO UPDATE SET good = asn_counts.good + excluded.good, \
         damaged = asn_counts.damaged + excluded.damaged, updated_at = excluded.updated_at RETURNING good, damaged",
    )
    .bind(tenant_id.to_string())
    .bind(id.to_string())
    .bind(sku_id.to_string())
    .bind(good)
    .bind(damaged)
    .bind(now.0)
    .fetch_one(conn)
    .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// Counted units per SKU: (SKU, SKU code, good, damaged), by SKU code.
pub async fn counts(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: AsnId,
) -> StoreResult<Vec<(SkuId, String, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT c.sku_id, s.sku, c.good, c.damaged FROM asn_counts c JOIN skus s ON s.id = c.sku_id \
         WHERE c.tenant_id = $1 AND c.asn_id = $2 ORDER BY s.sku",
    )
    .bind(tenant_id.to_string())
    .bind(id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((id_at(r, 0, "SKU")?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?))).collect()
}

/// Litres expected in a warehouse: notices accepted and not yet received.
pub async fn expected_space(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    warehouse_id: WarehouseId,
) -> StoreResult<Space> {
    let row = sqlx::query(
        "SELECT CAST(COALESCE(SUM(volume_l), 0) AS BIGINT), CAST(COALESCE(SUM(pallets), 0) AS BIGINT) FROM asns \
         WHERE tenant_id = $1 AND warehouse_id = $2 AND status IN ('accepted', 'arrived', 'receiving')",
    )
    .bind(tenant_id.to_string())
    .bind(warehouse_id.to_string())
    .fetch_one(conn)
    .await?;
    Ok(Space { litres: row.try_get(0)?, pallets: row.try_get(1)? })
}

/// Pallet positions in use in a warehouse: pallet bins that hold anything.
pub async fn pallets_in_use(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    warehouse_id: WarehouseId,
) -> StoreResult<i64> {
    let n: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM bins b WHERE b.tenant_id = $1 AND b.warehouse_id = $2 AND b.pallet = 1 \
         AND EXISTS (SELECT 1 FROM bin_balances q WHERE q.bin_id = b.id AND q.qty > 0)",
    )
    .bind(tenant_id.to_string())
    .bind(warehouse_id.to_string())
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// Litres stored in a warehouse: units on hand times their SKU's size, rounded up.
pub async fn stored_volume_l(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    warehouse_id: WarehouseId,
) -> StoreResult<i64> {
    let mm3: Option<i64> = sqlx::query_scalar(
        "SELECT CAST(SUM(b.on_hand * s.length_mm * s.width_mm * s.height_mm) AS BIGINT) FROM stock_balances b \
         JOIN skus s ON s.id = b.sku_id WHERE b.tenant_id = $1 AND b.warehouse_id = $2",
    )
    .bind(tenant_id.to_string())
    .bind(warehouse_id.to_string())
    .fetch_one(conn)
    .await?;
    Ok((mm3.unwrap_or(0) + 999_999) / 1_000_000)
}

/// A photo of a discrepancy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoRow {
    pub id: String,
    pub asn_id: AsnId,
    pub sku_id: Option<SkuId>,
    pub sha256: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub file_name: String,
    pub created_at: Millis,
}

pub async fn insert_photo_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    p: &PhotoRow,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO asn_photos (id, tenant_id, asn_id, sku_id, sha256, content_type, size_bytes, file_name, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&p.id)
    .bind(tenant_id.to_string())
    .bind(p.asn_id.to_string())
    .bind(p.sku_id.map(|s| s.to_string()))
    .bind(&p.sha256)
    .bind(&p.content_type)
    .bind(p.size_bytes)
    .bind(&p.file_name)
    .bind(p.created_at.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// A notice's photos, oldest first.
pub async fn photos(conn: &mut AnyConnection, tenant_id: TenantId, id: AsnId) -> StoreResult<Vec<PhotoRow>> {
    let rows = sqlx::query(
        "SELECT id, asn_id, sku_id, sha256, content_type, size_bytes, file_name, created_at FROM asn_photos \
         WHERE tenant_id = $1 AND asn_id = $2 ORDER BY created_at, id",
    )
    .bind(tenant_id.to_string())
    .bind(id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PhotoRow {
                id: r.try_get(0)?,
                asn_id: id_at(r, 1, "ASN")?,
                sku_id: opt_id_at(r, 2, "SKU")?,
                sha256: r.try_get(3)?,
                content_type: r.try_get(4)?,
                size_bytes: r.try_get(5)?,
                file_name: r.try_get(6)?,
                created_at: Millis(r.try_get(7)?),
            })
        })
        .collect()
}
