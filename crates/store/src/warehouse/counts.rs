//! Cycle counts and their lines.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::{BinId, Millis, SkuId, TenantId, WarehouseId};
use tradeport_domain::warehouse::CountStatus;

use crate::sql::Sql;
use crate::values::id_at;
use crate::warehouse::bins::Slot;
use crate::{StoreError, StoreResult};

/// A count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountRow {
    pub id: String,
    pub warehouse_id: WarehouseId,
    pub count_no: String,
    pub status: CountStatus,
    pub reason: Option<String>,
    pub created_at: Millis,
}

/// A line: a SKU in a bin, what the books said when the count was submitted, what was counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountLineRow {
    pub bin_id: BinId,
    pub bin_code: String,
    pub sku_id: SkuId,
    pub sku: String,
    pub merchant_id: TenantId,
    /// Empty for stock without a lot.
    pub lot: String,
    pub expected: Option<i64>,
    pub counted: Option<i64>,
}

impl CountLineRow {
    /// The bin balance this line counts.
    pub fn slot(&self) -> Slot<'_> {
        Slot { sku_id: self.sku_id, bin_id: self.bin_id, lot: &self.lot }
    }
}

pub async fn insert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    c: &CountRow,
    lines: &[Slot<'_>],
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO counts (id, tenant_id, warehouse_id, count_no, status, reason, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, NULL, $6, $6)",
    )
    .bind(&c.id)
    .bind(tenant_id.to_string())
    .bind(c.warehouse_id.to_string())
    .bind(&c.count_no)
    .bind(c.status.as_str())
    .bind(c.created_at.0)
    .execute(&mut *conn)
    .await?;
    for slot in lines {
        sqlx::query(
            "INSERT INTO count_lines (tenant_id, count_id, bin_id, sku_id, lot, expected, counted) \
             VALUES ($1, $2, $3, $4, $5, NULL, NULL)",
        )
        .bind(tenant_id.to_string())
        .bind(&c.id)
        .bind(slot.bin_id.to_string())
        .bind(slot.sku_id.to_string())
        .bind(slot.lot)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A count, locked for the transaction when `lock`.
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    lock: bool,
) -> StoreResult<Option<CountRow>> {
    let mut sql = Sql::new(
        "SELECT id, warehouse_id, count_no, status, reason, created_at FROM counts WHERE tenant_id = ",
    );
    sql.bind(tenant_id.to_string()).push(" AND id = ").bind(id.to_string());
    if lock {
        sql.push(crate::row_lock(conn));
    }
    let row = sql.query().fetch_optional(conn).await?;
    row.map(|r| {
        let status: String = r.try_get(3)?;
        Ok(CountRow {
            id: r.try_get(0)?,
            warehouse_id: id_at(&r, 1, "warehouse")?,
            count_no: r.try_get(2)?,
            status: CountStatus::parse(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("count status {status}")))?,
            reason: r.try_get(4)?,
            created_at: Millis(r.try_get(5)?),
        })
    })
    .transpose()
}

/// A count's lines in walking order.
pub async fn lines(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
) -> StoreResult<Vec<CountLineRow>> {
    let rows = sqlx::query(
        "SELECT l.bin_id, b.code, l.sku_id, s.sku, s.merchant_id, l.expected, l.counted, l.lot FROM count_lines l \
         JOIN bins b ON b.id = l.bin_id JOIN skus s ON s.id = l.sku_id WHERE l.tenant_id = $1 AND l.count_id = $2 \
         ORDER BY b.walk_sequence, b.code, s.sku, l.lot",
    )
    .bind(tenant_id.to_string())
    .bind(id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CountLineRow {
                bin_id: id_at(r, 0, "bin")?,
                bin_code: r.try_get(1)?,
                sku_id: id_at(r, 2, "SKU")?,
                sku: r.try_get(3)?,
                merchant_id: id_at(r, 4, "merchant")?,
                expected: r.try_get(5)?,
                counted: r.try_get(6)?,
                lot: r.try_get(7)?,
            })
        })
        .collect()
}

/// Records what was counted in a bin slot (and, at submission, what the books said).
pub async fn set_line_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    slot: Slot<'_>,
    expected: Option<i64>,
    counted: Option<i64>,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE count_lines SET expected = $1, counted = $2 \
         WHERE tenant_id = $3 AND count_id = $4 AND bin_id = $5 AND sku_id = $6 AND lot = $7",
    )
    .bind(expected)
    .bind(counted)
    .bind(tenant_id.to_string())
    .bind(id)
    .bind(slot.bin_id.to_string())
    .bind(slot.sku_id.to_string())
    .bind(slot.lot)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_status_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    status: CountStatus,
    reason: Option<&str>,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query("UPDATE counts SET status = $1, reason = COALESCE($2, reason), updated_at = $3 WHERE tenant_id = $4 AND id = $5")
        .bind(status.as_str())
        .bind(reason)
        .bind(now.0)
        .bind(tenant_id.to_string())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records what was counted in a bin slot, adding the line when the books had none there (an item
/// or a lot found where it should not be).
pub async fn upsert_counted_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    slot: Slot<'_>,
    counted: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO count_lines (tenant_id, count_id, bin_id, sku_id, lot, expected, counted) \
         VALUES ($1, $2, $3, $4, $5, NULL, $6) \
         ON CONFLICT (count_id, bin_id, sku_id, lot) DO UPDATE SET counted = excluded.counted",
    )
    .bind(tenant_id.to_string())
    .bind(id)
    .bind(slot.bin_id.to_string())
    .bind(slot.sku_id.to_string())
    .bind(slot.lot)
    .bind(counted)
    .execute(conn)
    .await?;
    Ok(())
}

/// The number of a count not yet approved that covers a SKU in a bin, if there is one.
pub async fn open_count_of(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    bin_id: BinId,
    sku_id: SkuId,
) -> StoreResult<Option<String>> {
    let no: Option<String> = sqlx::query_scalar(
        "SELECT c.count_no FROM counts c JOIN count_lines l ON l.count_id = c.id WHERE c.tenant_id = $1 \
         AND l.bin_id = $2 AND l.sku_id = $3 AND c.status IN ('counting', 'submitted') ORDER BY c.count_no LIMIT 1",
    )
    .bind(tenant_id.to_string())
    .bind(bin_id.to_string())
    .bind(sku_id.to_string())
    .fetch_optional(conn)
    .await?;
    Ok(no)
}

/// The (bin, SKU) pairs of a warehouse under a count not yet approved: their units are not
/// planned for picks until the count settles what is there.
pub async fn under_count(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    warehouse_id: WarehouseId,
) -> StoreResult<Vec<(BinId, SkuId)>> {
    let rows = sqlx::query(
        "SELECT DISTINCT l.bin_id, l.sku_id FROM count_lines l JOIN counts c ON c.id = l.count_id \
         WHERE c.tenant_id = $1 AND c.warehouse_id = $2 AND c.status IN ('counting', 'submitted')",
    )
    .bind(tenant_id.to_string())
    .bind(warehouse_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((id_at(r, 0, "bin")?, id_at(r, 1, "SKU")?))).collect()
}
