//! Stock balances and the ledger. Every change to a balance is a conditional update (it only
//! happens while the bounds hold, so no interleaving of requests or processes can oversell) and
//! a ledger row written in the same transaction.

use std::collections::BTreeMap;

use sqlx::{AnyConnection, FromRow, Row};

use crate::access::parse_id;
use tradeport_domain::access::Actor;
use tradeport_domain::inventory::MovementKind;
use tradeport_domain::kernel::{BinId, Millis, OrderId, SkuId, TenantId, WarehouseId};

use crate::StoreResult;
use crate::sql::{Arg, Sql, insert_rows};
use crate::values::id_at;

/// One balance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BalanceRow {
    pub sku_id: SkuId,
    pub warehouse_id: WarehouseId,
    pub on_hand: i64,
    pub reserved: i64,
}

impl BalanceRow {
    pub fn available(&self) -> i64 {
        self.on_hand - self.reserved
    }
}

/// A ledger movement to append.
#[derive(Clone, Debug)]
pub struct Movement<'a> {
    pub id: String,
    pub sku_id: SkuId,
    pub warehouse_id: WarehouseId,
    pub kind: MovementKind,
    pub on_hand_delta: i64,
    pub reserved_delta: i64,
    pub order_id: Option<OrderId>,
    pub reason: Option<&'a str>,
    pub actor: Actor,
    pub at: Millis,
    /// The bin whose balance changes, the lot (empty for none), and by how much.
    pub bin: Option<(BinId, &'a str, i64)>,
    /// Change to the units picked for orders (between bin and carrier).
    pub picked_delta: i64,
}

fn balance_row(r: &sqlx::any::AnyRow) -> StoreResult<BalanceRow> {
    Ok(BalanceRow {
        sku_id: id_at(r, 0, "SKU")?,
        warehouse_id: id_at(r, 1, "warehouse")?,
        on_hand: r.try_get(2)?,
        reserved: r.try_get(3)?,
    })
}

/// Creates the zero balance of a SKU in a warehouse if it is missing.
pub async fn ensure_balance_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    sku_id: SkuId,
    warehouse_id: WarehouseId,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO stock_balances (tenant_id, sku_id, warehouse_id, on_hand, reserved, updated_at) \
         VALUES ($1, $2, $3, 0, 0, $4) ON CONFLICT (sku_id, warehouse_id) DO NOTHING",
    )
    .bind(tenant_id.to_string())
    .bind(sku_id.to_string())
    .bind(warehouse_id.to_string())
    .bind(now.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Runs one of the guarded balance updates (`$1` amount, `$2` now, `$3` tenant, `$4` SKU,
/// `$5` warehouse); true when the guard held and the row changed.
async fn guarded_update(
    conn: &mut AnyConnection,
    sql: &'static str,
    amount: i64,
    tenant_id: TenantId,
    sku_id: SkuId,
    warehouse_id: WarehouseId,
    now: Millis,
) -> StoreResult<bool> {
    let done = sqlx::query(sql)
        .bind(amount)
        .bind(now.0)
        .bind(tenant_id.to_string())
        .bind(sku_id.to_string())
        .bind(warehouse_id.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Adds `delta` to on hand unless that would leave less than is reserved, or less than lies in
/// bins and is picked (units can only leave from the dock this way); false when refused.
pub async fn change_on_hand_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    sku_id: SkuId,
    warehouse_id: WarehouseId,
    delta: i64,
    now: Millis,
) -> StoreResult<bool> {
    let sql = "UPDATE stock_balances SET on_hand = on_hand + $1, updated_at = $2 WHERE tenant_id = $3 AND sku_id = $4 AND warehouse_id = $5 AND on_hand + $1 >= reserved AND on_hand + $1 >= located + picked";
    guarded_update(conn, sql, delta, tenant_id, sku_id, warehouse_id, now).await
}

/// Puts `qty` units from the dock into bins (the bin rows change separately); false when fewer
/// are on the dock.
pub async fn locate_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    sku_id: SkuId,
    warehouse_id: WarehouseId,
    qty: i64,
    now: Millis,
) -> StoreResult<bool> {
    let sql = "UPDATE stock_balances SET located = located + $1, updated_at = $2 WHERE tenant_id = $3 AND sku_id = $4 AND warehouse_id = $5 AND on_hand - located - picked >= $1";
    guarded_update(conn, sql, qty, tenant_id, sku_id, warehouse_id, now).await
}

/// Moves `qty` units from bins to picked; false when fewer lie in bins.
pub async fn pick_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    sku_id: SkuId,
    warehouse_id: WarehouseId,
    qty: i64,
    now: Millis,
) -> StoreResult<bool> {
    let sql = "UPDATE stock_balances SET located = located - $1, picked = picked + $1, updated_at = $2 WHERE tenant_id = $3 AND sku_id = $4 AND warehouse_id = $5 AND located >= $1";
    guarded_update(conn, sql, qty, tenant_id, sku_id, warehouse_id, now).await
}

/// Sends `qty` picked units out of the warehouse: they leave on hand, their reservation is
/// consumed; false when fewer are picked or reserved.
pub async fn ship_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    sku_id: SkuId,
    warehouse_id: WarehouseId,
    qty: i64,
    now: Millis,
) -> StoreResult<bool> {
    let sql = "UPDATE stock_balances SET on_hand = on_hand - $1, reserved = reserved - $1, picked = picked - $1, updated_at = $2 WHERE tenant_id = $3 AND sku_id = $4 AND warehouse_id = $5 AND picked >= $1 AND reserved >= $1";
    guarded_update(conn, sql, qty, tenant_id, sku_id, warehouse_id, now).await
}

/// Returns `qty` picked units to the dock (their order was cancelled); false when fewer are picked.
pub async fn unpick_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    sku_id: SkuId,
    warehouse_id: WarehouseId,
    qty: i64,
    now: Millis,
) -> StoreResult<bool> {
    let sql = "UPDATE stock_balances SET picked = picked - $1, updated_at = $2 WHERE tenant_id = $3 AND sku_id = $4 AND warehouse_id = $5 AND picked >= $1";
    guarded_update(conn, sql, qty, tenant_id, sku_id, warehouse_id, now).await
}

/// Reserves `qty` if that many are available; false when not.
pub async fn reserve_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    sku_id: SkuId,
    warehouse_id: WarehouseId,
    qty: i64,
    now: Millis,
) -> StoreResult<bool> {
    let sql = "UPDATE stock_balances SET reserved = reserved + $1, updated_at = $2 WHERE tenant_id = $3 AND sku_id = $4 AND warehouse_id = $5 AND on_hand - reserved >= $1";
    guarded_update(conn, sql, qty, tenant_id, sku_id, warehouse_id, now).await
}

/// Releases `qty` reserved units; false when fewer are reserved.
pub async fn release_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    sku_id: SkuId,
    warehouse_id: WarehouseId,
    qty: i64,
    now: Millis,
) -> StoreResult<bool> {
    let sql = "UPDATE stock_balances SET reserved = reserved - $1, updated_at = $2 WHERE tenant_id = $3 AND sku_id = $4 AND warehouse_id = $5 AND reserved >= $1";
    guarded_update(conn, sql, qty, tenant_id, sku_id, warehouse_id, now).await
}

/// Appends a ledger movement.
pub async fn record_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    m: &Movement<'_>,
) -> StoreResult<()> {
    record_many_in_tx(conn, tenant_id, std::slice::from_ref(m)).await
}

/// Appends ledger movements in the order given, many per statement.
pub async fn record_many_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    movements: &[Movement<'_>],
) -> StoreResult<()> {
    let head = "INSERT INTO stock_movements (id, tenant_id, sku_id, warehouse_id, kind, on_hand_delta, reserved_delta, order_id, reason, actor_kind, actor_id, at, bin_id, bin_delta, picked_delta, lot) VALUES ";
    let rows = movements.iter().map(|m| -> [Arg; 16] {
        let (actor_kind, actor_id) = crate::events::actor_parts(m.actor);
        [
            m.id.as_str().into(),
            tenant_id.to_string().into(),
            m.sku_id.to_string().into(),
            m.warehouse_id.to_string().into(),
            m.kind.as_str().into(),
            m.on_hand_delta.into(),
            m.reserved_delta.into(),
            m.order_id.map(|o| o.to_string()).into(),
            m.reason.map(str::to_string).into(),
            actor_kind.into(),
            actor_id.into(),
            m.at.0.into(),
            m.bin.map(|(b, _, _)| b.to_string()).into(),
            m.bin.map_or(0, |(_, _, d)| d).into(),
            m.picked_delta.into(),
            m.bin.map_or("", |(_, lot, _)| lot).into(),
        ]
    });
    insert_rows(conn, head, rows.collect()).await
}

/// Balances of these SKUs in every warehouse of the operator, locked until the transaction ends.
/// Rows are locked in (SKU, warehouse) order, the one global order of stock locks, and before
/// any of them is changed: a transaction never waits for a row while holding one that sorts
/// after it, so two transactions cannot deadlock on stock (PostgreSQL; SQLite has one writer).
pub async fn lock_balances_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    sku_ids: &[SkuId],
) -> StoreResult<Vec<BalanceRow>> {
    let lock = crate::row_lock(conn);
    balances_of_in_tx(conn, tenant_id, sku_ids, lock).await
}

/// Balances of these SKUs in every warehouse of the operator as the transaction sees them, with
/// no lock: for a plan whose conditional updates come later (`reserve_in_tx` checks the stock
/// again when it changes the row).
pub async fn read_balances_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    sku_ids: &[SkuId],
) -> StoreResult<Vec<BalanceRow>> {
    balances_of_in_tx(conn, tenant_id, sku_ids, "").await
}

async fn balances_of_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    sku_ids: &[SkuId],
    lock: &str,
) -> StoreResult<Vec<BalanceRow>> {
    let mut sql =
        Sql::new("SELECT sku_id, warehouse_id, on_hand, reserved FROM stock_balances WHERE tenant_id = ");
    sql.bind(tenant_id.to_string()).push(" AND sku_id IN ").bind_list(sku_ids.iter().map(SkuId::to_string));
    sql.push(" ORDER BY sku_id, warehouse_id").push(lock);
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(balance_row).collect()
}

/// One balance, as the transaction sees it (no lock of its own: callers have changed the row
/// already, which locked it).
pub async fn balance_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    sku_id: SkuId,
    warehouse_id: WarehouseId,
) -> StoreResult<Option<BalanceRow>> {
    let row = sqlx::query(
        "SELECT sku_id, warehouse_id, on_hand, reserved FROM stock_balances WHERE tenant_id = $1 AND sku_id = $2 AND warehouse_id = $3",
    )
    .bind(tenant_id.to_string())
    .bind(sku_id.to_string())
    .bind(warehouse_id.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(balance_row).transpose()
}

/// One balance with its SKU and warehouse codes, for lists.
#[derive(Clone, Debug)]
pub struct BalanceLine {
    pub sku_id: SkuId,
    pub sku: String,
    pub sku_name: String,
    pub merchant_id: TenantId,
    pub warehouse_id: WarehouseId,
    pub warehouse_code: String,
    pub on_hand: i64,
    pub reserved: i64,
    /// The safety stock set for it (none when 0): fewer available than this is low.
    pub low_at: Option<i64>,
}

/// Where a page of balances starts: after this (SKU code, SKU id, warehouse code, warehouse id).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BalanceCursor(pub String, pub String, pub String, pub String);

const BALANCE_LINE: &str = "SELECT b.sku_id, s.sku, s.name AS sku_name, s.merchant_id, b.warehouse_id, w.code AS warehouse_code, b.on_hand, b.reserved, \
     t.threshold AS low_at FROM stock_balances b JOIN skus s ON s.id = b.sku_id JOIN warehouses w ON w.id = b.warehouse_id \
     LEFT JOIN safety_stock t ON t.sku_id = b.sku_id AND t.warehouse_id = b.warehouse_id AND t.threshold > 0 WHERE b.tenant_id = ";

/// A balance line as stored, read by column name.
#[derive(sqlx::FromRow)]
struct BalanceLineRecord {
    sku_id: String,
    sku: String,
    sku_name: String,
    merchant_id: String,
    warehouse_id: String,
    warehouse_code: String,
    on_hand: i64,
    reserved: i64,
    /// Read only where the safety stock is joined in.
    #[sqlx(default)]
    low_at: Option<i64>,
}

fn balance_line(r: &sqlx::any::AnyRow) -> StoreResult<BalanceLine> {
    let b = BalanceLineRecord::from_row(r)?;
    Ok(BalanceLine {
        sku_id: parse_id(&b.sku_id, "SKU id")?,
        sku: b.sku,
        sku_name: b.sku_name,
        merchant_id: parse_id(&b.merchant_id, "merchant id")?,
        warehouse_id: parse_id(&b.warehouse_id, "warehouse id")?,
        warehouse_code: b.warehouse_code,
        on_hand: b.on_hand,
        reserved: b.reserved,
        low_at: b.low_at,
    })
}

/// Balances by SKU code then warehouse code, after `after`, at most `limit` (a merchant's own
/// only, when `merchant_id` is given).
pub async fn list_balances(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    (merchant_id, search): (Option<TenantId>, Option<&str>),
    warehouses: &[WarehouseId],
    after: Option<&BalanceCursor>,
    limit: u32,
) -> StoreResult<Vec<BalanceLine>> {
    let mut sql = Sql::new(BALANCE_LINE);
    sql.bind(tenant_id.to_string());
    if let Some(m) = merchant_id {
        sql.push(" AND s.merchant_id = ").bind(m.to_string());
    }
    // A SKU code or name containing the words, wildcards taken literally, any case.
    if let Some(text) = search.map(str::trim).filter(|t| !t.is_empty()) {
        let like = format!("%{}%", crate::orders::rows::escape_like(&text.to_lowercase()));
        sql.push(" AND (LOWER(s.sku) LIKE ").bind(like.clone()).push(" ESCAPE '\\'");
        sql.push(" OR LOWER(s.name) LIKE ").bind(like).push(" ESCAPE '\\')");
    }
    if !warehouses.is_empty() {
        sql.push(" AND b.warehouse_id IN ").bind_list(warehouses.iter().map(WarehouseId::to_string));
    }
    if let Some(BalanceCursor(sku, sku_id, code, warehouse_id)) = after {
        sql.push(" AND (s.sku, b.sku_id, w.code, b.warehouse_id) > (").bind(sku.clone());
        sql.push(", ").bind(sku_id.clone()).push(", ").bind(code.clone());
        sql.push(", ").bind(warehouse_id.clone()).push(")");
    }
    sql.push(" ORDER BY s.sku, b.sku_id, w.code, b.warehouse_id LIMIT ").bind(i64::from(limit));
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(balance_line).collect()
}

/// One balance with its codes, as the caller's transaction sees it.
pub async fn balance_line_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    sku_id: SkuId,
    warehouse_id: WarehouseId,
) -> StoreResult<Option<BalanceLine>> {
    let mut sql = Sql::new(BALANCE_LINE);
    sql.bind(tenant_id.to_string()).push(" AND b.sku_id = ").bind(sku_id.to_string());
    sql.push(" AND b.warehouse_id = ").bind(warehouse_id.to_string());
    let row = sql.query().fetch_optional(conn).await?;
    row.as_ref().map(balance_line).transpose()
}

/// The four figures of a balance: on hand, reserved, located (in bins), picked.
pub type StockFigures = [i64; 4];

/// Every balance next to the ledger's sums for it, keyed by (SKU, warehouse): `(balance, ledger)`;
/// a side that is missing counts as zero. For `tradeport inventory verify`.
pub async fn ledger_vs_balances(
    conn: &mut AnyConnection,
) -> StoreResult<BTreeMap<(SkuId, WarehouseId), (StockFigures, StockFigures)>> {
    let mut out: BTreeMap<(SkuId, WarehouseId), (StockFigures, StockFigures)> = BTreeMap::new();
    let balances =
        sqlx::query("SELECT sku_id, warehouse_id, on_hand, reserved, located, picked FROM stock_balances")
            .fetch_all(&mut *conn)
            .await?;
    for r in balances {
        let e = out.entry((id_at(&r, 0, "SKU")?, id_at(&r, 1, "warehouse")?)).or_default();
        e.0 = [r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?];
    }
    let sums = sqlx::query(
        "SELECT sku_id, warehouse_id, CAST(COALESCE(SUM(on_hand_delta), 0) AS BIGINT), CAST(COALESCE(SUM(reserved_delta), 0) AS BIGINT), \
         CAST(COALESCE(SUM(bin_delta), 0) AS BIGINT), CAST(COALESCE(SUM(picked_delta), 0) AS BIGINT) \
         FROM stock_movements GROUP BY sku_id, warehouse_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in sums {
        let e = out.entry((id_at(&r, 0, "SKU")?, id_at(&r, 1, "warehouse")?)).or_default();
        e.1 = [r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?];
    }
    Ok(out)
}

/// A bin balance's key for `inventory verify`: SKU, bin, lot.
pub type BinLotKey = (SkuId, BinId, String);

/// Every bin balance next to the ledger's sum for it, keyed by (SKU, bin, lot):
/// `(bin balance, ledger sum)`. For `tradeport inventory verify`.
pub async fn bins_vs_ledger(conn: &mut AnyConnection) -> StoreResult<BTreeMap<BinLotKey, (i64, i64)>> {
    let mut out: BTreeMap<BinLotKey, (i64, i64)> = BTreeMap::new();
    for r in sqlx::query("SELECT sku_id, bin_id, lot, qty FROM bin_balances").fetch_all(&mut *conn).await? {
        out.entry((id_at(&r, 0, "SKU")?, id_at(&r, 1, "bin")?, r.try_get(2)?)).or_default().0 =
            r.try_get(3)?;
    }
    let sums = sqlx::query(
        "SELECT sku_id, bin_id, lot, CAST(SUM(bin_delta) AS BIGINT) FROM stock_movements WHERE bin_id IS NOT NULL \
         GROUP BY sku_id, bin_id, lot",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in sums {
        out.entry((id_at(&r, 0, "SKU")?, id_at(&r, 1, "bin")?, r.try_get(2)?)).or_default().1 =
            r.try_get(3)?;
    }
    Ok(out)
}

/// Units on a warehouse's dock (on hand, neither in a bin nor picked), per SKU, by SKU code:
/// what is waiting for put-away.
pub async fn on_the_dock(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    warehouse_id: WarehouseId,
    merchant_id: Option<TenantId>,
    limit: u32,
) -> StoreResult<Vec<(BalanceLine, i64)>> {
    let mut sql = Sql::new(
        "SELECT b.sku_id, s.sku, s.name AS sku_name, s.merchant_id, b.warehouse_id, w.code AS warehouse_code, b.on_hand, b.reserved, \
         b.on_hand - b.located - b.picked AS dock FROM stock_balances b JOIN skus s ON s.id = b.sku_id \
         JOIN warehouses w ON w.id = b.warehouse_id WHERE b.tenant_id = ",
    );
    sql.bind(tenant_id.to_string()).push(" AND b.warehouse_id = ").bind(warehouse_id.to_string());
    sql.push(" AND b.on_hand - b.located - b.picked > 0");
    if let Some(m) = merchant_id {
        sql.push(" AND s.merchant_id = ").bind(m.to_string());
    }
    sql.push(" ORDER BY s.sku, b.sku_id LIMIT ").bind(i64::from(limit));
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(|r| Ok((balance_line(r)?, r.try_get("dock")?))).collect()
}

/// Changes a counted bin's units and the warehouse's on hand and located by `delta` (a count's
/// variance), unless that leaves less on hand than is reserved; false when refused.
pub async fn count_adjust_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    sku_id: SkuId,
    warehouse_id: WarehouseId,
    delta: i64,
    now: Millis,
) -> StoreResult<bool> {
    let sql = "UPDATE stock_balances SET on_hand = on_hand + $1, located = located + $1, updated_at = $2 WHERE tenant_id = $3 AND sku_id = $4 AND warehouse_id = $5 AND on_hand + $1 >= reserved AND located + $1 >= 0";
    guarded_update(conn, sql, delta, tenant_id, sku_id, warehouse_id, now).await
}

/// One SKU's on-hand changes in a warehouse over a period, for the reconciliation report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkuPeriod {
    pub sku_id: SkuId,
    pub sku: String,
    pub merchant_id: TenantId,
    /// On hand when the period starts.
    pub opening: i64,
    /// On-hand change per movement kind within the period (kinds with none left out).
    pub changes: Vec<(String, i64)>,
    /// On hand when the period ends.
    pub closing: i64,
}

/// Every SKU's on-hand changes in a warehouse from `from` to `to`, summed by movement kind, by
/// SKU code (a merchant's own when given).
pub async fn reconciliation(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    warehouse_id: WarehouseId,
    merchant_id: Option<TenantId>,
    from: Millis,
    to: Millis,
) -> StoreResult<Vec<SkuPeriod>> {
    let mut sql = Sql::new(
        "SELECT m.sku_id, s.sku, s.merchant_id, \
         CAST(COALESCE(SUM(CASE WHEN m.at < ",
    );
    sql.bind(from.0).push(
        " THEN m.on_hand_delta ELSE 0 END), 0) AS BIGINT), m.kind, CAST(COALESCE(SUM(CASE WHEN m.at >= ",
    );
    sql.bind(from.0)
        .push(" AND m.at < ")
        .bind(to.0)
        .push(" THEN m.on_hand_delta ELSE 0 END), 0) AS BIGINT) ");
    sql.push("FROM stock_movements m JOIN skus s ON s.id = m.sku_id WHERE m.tenant_id = ")
        .bind(tenant_id.to_string());
    sql.push(" AND m.warehouse_id = ").bind(warehouse_id.to_string()).push(" AND m.at < ").bind(to.0);
    if let Some(m) = merchant_id {
        sql.push(" AND s.merchant_id = ").bind(m.to_string());
    }
    sql.push(" GROUP BY m.sku_id, s.sku, s.merchant_id, m.kind ORDER BY s.sku, m.sku_id, m.kind");
    let rows = sql.query().fetch_all(conn).await?;
    let mut out: Vec<SkuPeriod> = Vec::new();
    for r in rows {
        let sku_id: SkuId = id_at(&r, 0, "SKU")?;
        let (opening, kind, change): (i64, String, i64) = (r.try_get(3)?, r.try_get(4)?, r.try_get(5)?);
        if out.last().is_none_or(|l| l.sku_id != sku_id) {
            out.push(SkuPeriod {
                sku_id,
                sku: r.try_get(1)?,
                merchant_id: id_at(&r, 2, "merchant")?,
                opening: 0,
                changes: Vec::new(),
                closing: 0,
            });
        }
        let last = out.last_mut().unwrap_or_else(|| unreachable!("pushed above"));
        last.opening += opening;
        if change != 0 {
            last.changes.push((kind, change));
        }
        last.closing += opening + change;
    }
    Ok(out)
}
