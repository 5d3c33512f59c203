//! Waves and their pick lines. A pick line's progress changes under the lock of its row (or the
//! single SQLite writer), in the same transaction as the bin and stock figures it moves.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::{BinId, Millis, OrderId, PickLineId, SkuId, TenantId, WarehouseId, WaveId};
use tradeport_domain::warehouse::PickLineStatus;

use crate::sql::Sql;
use crate::values::id_at;
use crate::{StoreError, StoreResult};

/// A wave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaveRow {
    pub id: WaveId,
    pub warehouse_id: WarehouseId,
    pub wave_no: String,
    /// `picking` or `picked`.
    pub status: String,
    pub order_count: i64,
    pub created_at: Millis,
    pub completed_at: Option<Millis>,
}

/// A pick line to insert.
#[derive(Clone, Debug)]
pub struct NewPickLine {
    pub id: PickLineId,
    pub order_id: OrderId,
    pub merchant_id: TenantId,
    pub sku_id: SkuId,
    pub bin_id: BinId,
    /// The lot to take; empty for stock without one.
    pub lot: String,
    pub seq: i64,
    pub qty: i64,
}

pub async fn insert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    w: &WaveRow,
    lines: &[NewPickLine],
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO waves (id, tenant_id, warehouse_id, wave_no, status, order_count, created_at, completed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)",
    )
    .bind(w.id.to_string())
    .bind(tenant_id.to_string())
    .bind(w.warehouse_id.to_string())
    .bind(&w.wave_no)
    .bind(&w.status)
    .bind(w.order_count)
    .bind(w.created_at.0)
    .execute(&mut *conn)
    .await?;
    insert_lines_in_tx(conn, tenant_id, w.id, w.warehouse_id, lines, w.created_at).await
}

/// Adds pick lines to a wave (a batch per statement).
pub async fn insert_lines_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    wave_id: WaveId,
    warehouse_id: WarehouseId,
    lines: &[NewPickLine],
    now: Millis,
) -> StoreResult<()> {
    for chunk in lines.chunks(500) {
        let mut sql = Sql::new(
            "INSERT INTO pick_lines (id, tenant_id, wave_id, order_id, merchant_id, sku_id, warehouse_id, bin_id, lot, seq, qty, picked, short, status, updated_at) VALUES ",
        );
        for (n, l) in chunk.iter().enumerate() {
            sql.push(if n == 0 { "(" } else { ", (" });
            sql.bind(l.id.to_string()).push(", ").bind(tenant_id.to_string()).push(", ");
            sql.bind(wave_id.to_string()).push(", ").bind(l.order_id.to_string()).push(", ");
            sql.bind(l.merchant_id.to_string()).push(", ").bind(l.sku_id.to_string()).push(", ");
            sql.bind(warehouse_id.to_string()).push(", ").bind(l.bin_id.to_string()).push(", ");
            sql.bind(l.lot.clone())
                .push(", ")
                .bind(l.seq)
                .push(", ")
                .bind(l.qty)
                .push(", 0, 0, 'open', ")
                .bind(now.0)
                .push(")");
        }
        sql.query().execute(&mut *conn).await?;
    }
    Ok(())
}

fn wave_row(r: &sqlx::any::AnyRow) -> StoreResult<WaveRow> {
    Ok(WaveRow {
        id: id_at(r, 0, "wave")?,
        warehouse_id: id_at(r, 1, "warehouse")?,
        wave_no: r.try_get(2)?,
        status: r.try_get(3)?,
        order_count: r.try_get(4)?,
        created_at: Millis(r.try_get(5)?),
        completed_at: r.try_get::<Option<i64>, _>(6)?.map(Millis),
    })
}

const WAVE: &str = "SELECT id, warehouse_id, wave_no, status, order_count, created_at, completed_at FROM waves WHERE tenant_id = ";

pub async fn get(conn: &mut AnyConnection, tenant_id: TenantId, id: WaveId) -> StoreResult<Option<WaveRow>> {
    let mut sql = Sql::new(WAVE);
    sql.bind(tenant_id.to_string()).push(" AND id = ").bind(id.to_string());
    let row = sql.query().fetch_optional(conn).await?;
    row.as_ref().map(wave_row).transpose()
}

/// Waves newest first, at most `limit`, of the listed warehouses (all when none are listed).
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    warehouses: &[WarehouseId],
    limit: u32,
) -> StoreResult<Vec<WaveRow>> {
    let mut sql = Sql::new(WAVE);
    sql.bind(tenant_id.to_string());
    if !warehouses.is_empty() {
        sql.push(" AND warehouse_id IN ").bind_list(warehouses.iter().map(WarehouseId::to_string));
    }
    sql.push(" ORDER BY id DESC LIMIT ").bind(i64::from(limit));
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(wave_row).collect()
}

/// Marks a wave picked when none of its lines is open or short any more; true when it did.
pub async fn complete_if_done_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: WaveId,
    now: Millis,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE waves SET status = 'picked', completed_at = $1 WHERE tenant_id = $2 AND id = $3 AND status = 'picking' \
         AND NOT EXISTS (SELECT 1 FROM pick_lines l WHERE l.wave_id = waves.id AND l.status IN ('open', 'short', 'asking_buyer'))",
    )
    .bind(now.0)
    .bind(tenant_id.to_string())
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A confirmed order that may join a wave: every unit reserved in this warehouse.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub order_id: OrderId,
    pub merchant_id: TenantId,
    pub urgent: bool,
    pub service_level: String,
    pub created_at: Millis,
    pub lines: Vec<(SkuId, i64)>,
}

/// Confirmed orders wholly reserved in the warehouse, oldest first, at most `limit`.
pub async fn candidates(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    warehouse_id: WarehouseId,
    limit: u32,
) -> StoreResult<Vec<Candidate>> {
    let rows = sqlx::query(
        "SELECT o.id, o.merchant_id, o.urgent, o.service_level, o.created_at, a.sku_id, CAST(SUM(a.quantity) AS BIGINT) \
         FROM (SELECT * FROM orders WHERE tenant_id = $1 AND status = 'confirmed' AND allocation = 'reserved' \
               AND NOT EXISTS (SELECT 1 FROM order_allocations x WHERE x.order_id = orders.id AND (x.warehouse_id IS NULL OR x.warehouse_id <> $2)) \
               ORDER BY id LIMIT $3) o \
         JOIN order_allocations a ON a.order_id = o.id \
         GROUP BY o.id, o.merchant_id, o.urgent, o.service_level, o.created_at, a.sku_id ORDER BY o.id, a.sku_id",
    )
    .bind(tenant_id.to_string())
    .bind(warehouse_id.to_string())
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?;
    let mut out: Vec<Candidate> = Vec::new();
    for r in rows {
        let order_id: OrderId = id_at(&r, 0, "order")?;
        let line = (id_at(&r, 5, "SKU")?, r.try_get(6)?);
        match out.last_mut() {
            Some(c) if c.order_id == order_id => c.lines.push(line),
            _ => out.push(Candidate {
                order_id,
                merchant_id: id_at(&r, 1, "merchant")?,
                urgent: r.try_get::<i64, _>(2)? != 0,
                service_level: r.try_get(3)?,
                created_at: Millis(r.try_get(4)?),
                lines: vec![line],
            }),
        }
    }
    Ok(out)
}

/// Units still to be picked from a bin slot (bin, SKU, lot) by open lines of the warehouse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claimed {
    pub bin_id: BinId,
    pub sku_id: SkuId,
    pub lot: String,
    pub qty: i64,
}

/// What open lines of the warehouse still have to take, per bin slot.
pub async fn open_remaining(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    warehouse_id: WarehouseId,
) -> StoreResult<Vec<Claimed>> {
    let rows = sqlx::query(
        "SELECT bin_id, sku_id, lot, CAST(SUM(qty - picked - short) AS BIGINT) FROM pick_lines \
         WHERE tenant_id = $1 AND warehouse_id = $2 AND status = 'open' GROUP BY bin_id, sku_id, lot",
    )
    .bind(tenant_id.to_string())
    .bind(warehouse_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Claimed {
                bin_id: id_at(r, 0, "bin")?,
                sku_id: id_at(r, 1, "SKU")?,
                lot: r.try_get(2)?,
                qty: r.try_get(3)?,
            })
        })
        .collect()
}

/// A pick line with what screens and scans need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PickLineRow {
    pub id: PickLineId,
    pub wave_id: WaveId,
    pub order_id: OrderId,
    pub order_no: Option<String>,
    pub merchant_id: TenantId,
    pub warehouse_id: WarehouseId,
    pub sku_id: SkuId,
    pub sku: String,
    pub sku_name: String,
    pub barcode: String,
    pub bin_id: BinId,
    pub bin_code: String,
    pub seq: i64,
    pub qty: i64,
    pub picked: i64,
    pub short: i64,
    pub status: PickLineStatus,
    pub lot: String,
}

impl PickLineRow {
    /// Units still to pick.
    pub fn remaining(&self) -> i64 {
        if self.status == PickLineStatus::Open { self.qty - self.picked - self.short } else { 0 }
    }
}

const LINE: &str = "SELECT l.id, l.wave_id, l.order_id, o.order_no, l.merchant_id, l.warehouse_id, l.sku_id, s.sku, s.name, s.barcode, \
     l.bin_id, b.code, l.seq, l.qty, l.picked, l.short, l.status, l.lot FROM pick_lines l JOIN orders o ON o.id = l.order_id \
     JOIN skus s ON s.id = l.sku_id JOIN bins b ON b.id = l.bin_id WHERE l.tenant_id = ";

fn line_row(r: &sqlx::any::AnyRow) -> StoreResult<PickLineRow> {
    let status: String = r.try_get(16)?;
    Ok(PickLineRow {
        id: id_at(r, 0, "pick line")?,
        wave_id: id_at(r, 1, "wave")?,
        order_id: id_at(r, 2, "order")?,
        order_no: r.try_get(3)?,
        merchant_id: id_at(r, 4, "merchant")?,
        warehouse_id: id_at(r, 5, "warehouse")?,
        sku_id: id_at(r, 6, "SKU")?,
        sku: r.try_get(7)?,
        sku_name: r.try_get(8)?,
        barcode: r.try_get(9)?,
        bin_id: id_at(r, 10, "bin")?,
        bin_code: r.try_get(11)?,
        seq: r.try_get(12)?,
        qty: r.try_get(13)?,
        picked: r.try_get(14)?,
        short: r.try_get(15)?,
        status: PickLineStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("pick line status {status}")))?,
        lot: r.try_get(17)?,
    })
}

/// Which pick lines to read.
#[derive(Clone, Copy, Debug)]
pub enum LinesOf {
    Wave(WaveId),
    Order(OrderId),
    /// The exception queue: short lines.
    Short,
}

/// Pick lines in walking order.
pub async fn lines(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    of: LinesOf,
) -> StoreResult<Vec<PickLineRow>> {
    let mut sql = Sql::new(LINE);
    sql.bind(tenant_id.to_string());
    match of {
        LinesOf::Wave(w) => sql.push(" AND l.wave_id = ").bind(w.to_string()),
        LinesOf::Order(o) => sql.push(" AND l.order_id = ").bind(o.to_string()),
        LinesOf::Short => sql.push(" AND l.status IN ('short', 'asking_buyer')"),
    };
    sql.push(" ORDER BY l.wave_id, l.seq, l.id");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(line_row).collect()
}

/// One pick line, locked for the transaction (PostgreSQL; SQLite has one writer).
pub async fn lock_line_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: PickLineId,
) -> StoreResult<Option<PickLineRow>> {
    let lock = crate::row_lock(conn);
    let mut sql = Sql::new("SELECT id FROM pick_lines WHERE tenant_id = ");
    sql.bind(tenant_id.to_string()).push(" AND id = ").bind(id.to_string()).push(lock);
    sql.query().fetch_optional(&mut *conn).await?;
    let mut sql = Sql::new(LINE);
    sql.bind(tenant_id.to_string()).push(" AND l.id = ").bind(id.to_string());
    let row = sql.query().fetch_optional(conn).await?;
    row.as_ref().map(line_row).transpose()
}

/// Writes a line's progress.
pub async fn update_line_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: PickLineId,
    picked: i64,
    short: i64,
    status: PickLineStatus,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query("UPDATE pick_lines SET picked = $1, short = $2, status = $3, updated_at = $4 WHERE tenant_id = $5 AND id = $6")
        .bind(picked)
        .bind(short)
        .bind(status.as_str())
        .bind(now.0)
        .bind(tenant_id.to_string())
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// The order of a pick line (read without a lock: callers lock the order, then the line).
pub async fn order_of_line(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: PickLineId,
) -> StoreResult<Option<OrderId>> {
    let row = sqlx::query("SELECT order_id FROM pick_lines WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id.to_string())
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(|r| id_at(r, 0, "order")).transpose()
}

/// Gives a pick line a new status, its counts as they are.
pub async fn set_status_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    line: &PickLineRow,
    status: PickLineStatus,
    now: Millis,
) -> StoreResult<()> {
    update_line_in_tx(conn, tenant_id, line.id, line.picked, line.short, status, now).await
}
