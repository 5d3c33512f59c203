//! Merchant agreements, the daily stock snapshot, a month's billable facts and the filed
//! statements (migration 0066).

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::TenantId;

use crate::StoreResult;

/// An agreement as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct AgreementRow {
    pub id: String,
    pub tenant_id: String,
    pub merchant_id: String,
    /// `YYYY-MM-DD`.
    pub valid_from: String,
    pub valid_to: Option<String>,
    /// JSON of `domain::billing::FeeSchedule`.
    pub fees: String,
    /// JSON list of `domain::sla::StepLimit`.
    pub promised_limits: String,
    pub created_by: String,
    pub created_at: i64,
}

pub async fn insert_agreement_in_tx(conn: &mut AnyConnection, a: &AgreementRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO merchant_agreements (id, tenant_id, merchant_id, valid_from, valid_to, fees, promised_limits, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&a.id)
    .bind(&a.tenant_id)
    .bind(&a.merchant_id)
    .bind(&a.valid_from)
    .bind(&a.valid_to)
    .bind(&a.fees)
    .bind(&a.promised_limits)
    .bind(&a.created_by)
    .bind(a.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The operator's agreements (one merchant's when given), newest first.
pub async fn agreements(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
) -> StoreResult<Vec<AgreementRow>> {
    Ok(sqlx::query_as(
        "SELECT id, tenant_id, merchant_id, valid_from, valid_to, fees, promised_limits, created_by, created_at \
         FROM merchant_agreements WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) \
         ORDER BY created_at DESC, id DESC",
    )
    .bind(tenant_id.to_string())
    .bind(merchant.map(|m| m.to_string()).unwrap_or_default())
    .fetch_all(conn)
    .await?)
}

/// Units of one SKU in one warehouse received on one day.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct LayerRow {
    pub merchant_id: String,
    pub warehouse_id: String,
    pub sku_id: String,
    pub received_on: String,
    pub units: i64,
}

/// Whether the operator's snapshot of `day` was taken.
pub async fn snapshot_taken(conn: &mut AnyConnection, tenant_id: TenantId, day: &str) -> StoreResult<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM stock_snapshot_days WHERE tenant_id = $1 AND day = $2")
            .bind(tenant_id.to_string())
            .bind(day)
            .fetch_one(conn)
            .await?;
    Ok(n > 0)
}

/// The snapshot's layers of `day`.
pub async fn layers(conn: &mut AnyConnection, tenant_id: TenantId, day: &str) -> StoreResult<Vec<LayerRow>> {
    Ok(sqlx::query_as(
        "SELECT merchant_id, warehouse_id, sku_id, received_on, units FROM stock_snapshots \
         WHERE tenant_id = $1 AND day = $2 ORDER BY sku_id, warehouse_id, received_on",
    )
    .bind(tenant_id.to_string())
    .bind(day)
    .fetch_all(conn)
    .await?)
}

/// A change of stock on hand.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct MovementRow {
    pub merchant_id: String,
    pub warehouse_id: String,
    pub sku_id: String,
    pub on_hand_delta: i64,
    pub at: i64,
}

/// The operator's changes of stock on hand at `from` or later and before `to`, in order.
pub async fn movements(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    from: i64,
    to: i64,
) -> StoreResult<Vec<MovementRow>> {
    Ok(sqlx::query_as(
        "SELECT s.merchant_id, m.warehouse_id, m.sku_id, m.on_hand_delta, m.at FROM stock_movements m \
         JOIN skus s ON s.id = m.sku_id WHERE m.tenant_id = $1 AND m.at >= $2 AND m.at < $3 AND m.on_hand_delta <> 0 \
         ORDER BY m.at, m.id",
    )
    .bind(tenant_id.to_string())
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

/// Writes the snapshot of `day` (replacing one taken before).
pub async fn replace_day_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    day: &str,
    rows: &[LayerRow],
    taken_at: i64,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM stock_snapshots WHERE tenant_id = $1 AND day = $2")
        .bind(tenant_id.to_string())
        .bind(day)
        .execute(&mut *conn)
        .await?;
    for chunk in rows.chunks(100) {
        let mut sql = crate::sql::Sql::new(
            "INSERT INTO stock_snapshots (tenant_id, day, merchant_id, warehouse_id, sku_id, received_on, units) VALUES ",
        );
        for (n, r) in chunk.iter().enumerate() {
            sql.push(if n == 0 { "(" } else { ", (" });
            sql.bind(tenant_id.to_string()).push(", ").bind(day).push(", ").bind(r.merchant_id.as_str());
            sql.push(", ").bind(r.warehouse_id.as_str()).push(", ").bind(r.sku_id.as_str()).push(", ");
            sql.bind(r.received_on.as_str()).push(", ").bind(r.units).push(")");
        }
        // Two takes of one day at once (two nodes) write the same rows: the first stands.
        sql.push(" ON CONFLICT DO NOTHING");
        sql.query().execute(&mut *conn).await?;
    }
    sqlx::query(
        "INSERT INTO stock_snapshot_days (tenant_id, day, taken_at) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id, day) DO UPDATE SET taken_at = EXCLUDED.taken_at",
    )
    .bind(tenant_id.to_string())
    .bind(day)
    .bind(taken_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A merchant's stock on one day: units received on a day, and each unit's volume.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct StockRow {
    pub day: String,
    pub received_on: String,
    pub units: i64,
    /// 0 when the SKU has no dimensions.
    pub unit_cm3: i64,
    pub sku: String,
}

/// The merchant's snapshot rows from `from_day` to `to_day` (inclusive).
pub async fn merchant_stock(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: TenantId,
    from_day: &str,
    to_day: &str,
) -> StoreResult<Vec<StockRow>> {
    Ok(sqlx::query_as(
        "SELECT n.day, n.received_on, n.units, \
         CAST((s.length_mm * s.width_mm * s.height_mm + 999) / 1000 AS BIGINT) AS unit_cm3, s.sku \
         FROM stock_snapshots n JOIN skus s ON s.id = n.sku_id \
         WHERE n.tenant_id = $1 AND n.merchant_id = $2 AND n.day >= $3 AND n.day <= $4 ORDER BY n.day, n.received_on",
    )
    .bind(tenant_id.to_string())
    .bind(merchant.to_string())
    .bind(from_day)
    .bind(to_day)
    .fetch_all(conn)
    .await?)
}

/// An inbound notice received in the period, with its cartons and pallets.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct ReceiptRow {
    pub event_id: String,
    pub asn_no: String,
    pub cartons: i64,
    pub pallets: i64,
    pub at: i64,
}

pub async fn receipts(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: TenantId,
    from: i64,
    to: i64,
) -> StoreResult<Vec<ReceiptRow>> {
    Ok(sqlx::query_as(
        "SELECT e.id AS event_id, a.asn_no, \
         CAST(COALESCE((SELECT SUM(c.carton_count) FROM asn_cartons c WHERE c.asn_id = a.id), 0) AS BIGINT) AS cartons, \
         CAST(a.pallets AS BIGINT) AS pallets, e.at \
         FROM asns a JOIN events e ON e.tenant_id = a.tenant_id AND e.subject_type = 'asn' AND e.subject_id = a.id \
         WHERE a.tenant_id = $1 AND a.merchant_id = $2 AND e.kind = 'asn_received' AND e.at >= $3 AND e.at < $4 \
         ORDER BY e.at, e.id",
    )
    .bind(tenant_id.to_string())
    .bind(merchant.to_string())
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

/// A label bought in the period: its parcel's order, box and units, and the carrier's charge.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct LabelRow {
    pub tracking_no: String,
    pub order_id: String,
    pub order_no: String,
    pub box_code: Option<String>,
    pub units: i64,
    pub price_minor: i64,
    pub currency: String,
    /// Whether this is the order's first label (its pick and pack is charged with it).
    pub first_of_order: bool,
    pub at: i64,
}

pub async fn labels(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: TenantId,
    from: i64,
    to: i64,
) -> StoreResult<Vec<LabelRow>> {
    let rows = sqlx::query(
        "SELECT s.tracking_no, s.order_id, COALESCE(o.order_no, o.id) AS order_no, p.box_code, \
         CAST(COALESCE((SELECT SUM(i.qty) FROM package_items i WHERE i.package_id = s.package_id), 0) AS BIGINT) AS units, \
         s.price_minor, s.currency, s.created_at AS at, \
         CAST(CASE WHEN NOT EXISTS (SELECT 1 FROM shipments f WHERE f.order_id = s.order_id \
              AND (f.created_at < s.created_at OR (f.created_at = s.created_at AND f.id < s.id))) THEN 1 ELSE 0 END \
              AS BIGINT) AS first \
         FROM shipments s JOIN orders o ON o.id = s.order_id JOIN packages p ON p.id = s.package_id \
         WHERE s.tenant_id = $1 AND s.merchant_id = $2 AND s.created_at >= $3 AND s.created_at < $4 \
         ORDER BY s.created_at, s.id",
    )
    .bind(tenant_id.to_string())
    .bind(merchant.to_string())
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            use sqlx::Row;
            Ok(LabelRow {
                tracking_no: r.try_get("tracking_no")?,
                order_id: r.try_get("order_id")?,
                order_no: r.try_get("order_no")?,
                box_code: r.try_get("box_code")?,
                units: r.try_get("units")?,
                price_minor: r.try_get("price_minor")?,
                currency: r.try_get("currency")?,
                first_of_order: r.try_get::<i64, _>("first")? == 1,
                at: r.try_get("at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// The after-sales events of the merchant's orders in the period about returned goods (received,
/// inspected): id, kind, data and time.
pub async fn return_events(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: TenantId,
    from: i64,
    to: i64,
) -> StoreResult<Vec<(String, String, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT e.id, e.kind, e.data, e.at FROM events e WHERE e.tenant_id = $1 AND e.subject_type = 'order' \
         AND e.subject_id IN (SELECT r.order_id FROM aftersales_requests r WHERE r.tenant_id = $1 AND r.merchant_id = $2) \
         AND e.kind IN ('aftersales_return_received', 'aftersales_return_inspected') AND e.at >= $3 AND e.at < $4 \
         ORDER BY e.at, e.id",
    )
    .bind(tenant_id.to_string())
    .bind(merchant.to_string())
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

/// A filed statement.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct StatementRow {
    pub tenant_id: String,
    pub merchant_id: String,
    pub month: String,
    /// JSON list of `domain::billing::Line`.
    pub lines: String,
    pub filed_at: i64,
}

/// Files the statement; `false` when the month's was filed already (it stands).
pub async fn insert_statement_in_tx(conn: &mut AnyConnection, s: &StatementRow) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO billing_statements (tenant_id, merchant_id, month, lines, filed_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (merchant_id, month) DO NOTHING",
    )
    .bind(&s.tenant_id)
    .bind(&s.merchant_id)
    .bind(&s.month)
    .bind(&s.lines)
    .bind(s.filed_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn statement(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: TenantId,
    month: &str,
) -> StoreResult<Option<StatementRow>> {
    Ok(sqlx::query_as(
        "SELECT tenant_id, merchant_id, month, lines, filed_at FROM billing_statements \
         WHERE tenant_id = $1 AND merchant_id = $2 AND month = $3",
    )
    .bind(tenant_id.to_string())
    .bind(merchant.to_string())
    .bind(month)
    .fetch_optional(conn)
    .await?)
}

/// A credit (or further charge) on a month's statement.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct CreditRow {
    pub id: String,
    pub tenant_id: String,
    pub merchant_id: String,
    pub month: String,
    pub amount_minor: i64,
    pub currency: String,
    pub reason: String,
    pub created_by: String,
    pub created_at: i64,
}

pub async fn insert_credit_in_tx(conn: &mut AnyConnection, c: &CreditRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO billing_credits (id, tenant_id, merchant_id, month, amount_minor, currency, reason, created_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&c.id)
    .bind(&c.tenant_id)
    .bind(&c.merchant_id)
    .bind(&c.month)
    .bind(c.amount_minor)
    .bind(&c.currency)
    .bind(&c.reason)
    .bind(&c.created_by)
    .bind(c.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn credits(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: TenantId,
    month: &str,
) -> StoreResult<Vec<CreditRow>> {
    Ok(sqlx::query_as(
        "SELECT id, tenant_id, merchant_id, month, amount_minor, currency, reason, created_by, created_at \
         FROM billing_credits WHERE tenant_id = $1 AND merchant_id = $2 AND month = $3 ORDER BY created_at, id",
    )
    .bind(tenant_id.to_string())
    .bind(merchant.to_string())
    .bind(month)
    .fetch_all(conn)
    .await?)
}

/// The units packed for each of these orders, over all its labelled parcels.
pub async fn units_of_orders(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order_ids: &[String],
) -> StoreResult<Vec<(String, i64)>> {
    let mut out = Vec::new();
    for chunk in order_ids.chunks(500) {
        let mut sql = crate::sql::Sql::new(
            "SELECT s.order_id, CAST(COALESCE(SUM(i.qty), 0) AS BIGINT) FROM shipments s \
             JOIN package_items i ON i.package_id = s.package_id WHERE s.tenant_id = ",
        );
        sql.bind(tenant_id.to_string())
            .push(" AND s.order_id IN ")
            .bind_list(chunk.iter().map(String::as_str));
        sql.push(" GROUP BY s.order_id");
        let rows = sql.query().fetch_all(&mut *conn).await?;
        out.extend(rows.iter().map(|r| (sqlx::Row::get::<String, _>(r, 0), sqlx::Row::get::<i64, _>(r, 1))));
    }
    Ok(out)
}
