//! The orders table.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, FromRow, Row};
use tradeport_domain::inventory::AllocationState;
use tradeport_domain::kernel::{Currency, Millis, Money, OrderId, TenantId};
use tradeport_domain::orders::{OrderStatus, PaymentStatus};

use crate::access::{parse_id, parse_tenant_id};
use crate::sql::Sql;
use crate::values::{money, parse_currency};
use crate::{StoreError, StoreResult};

/// A stored order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderRow {
    pub id: OrderId,
    pub merchant_id: TenantId,
    pub channel: String,
    pub channel_order_id: String,
    pub order_no: Option<String>,
    pub status: OrderStatus,
    /// `none`, `reserved`, `partial` or `backordered`.
    pub allocation: AllocationState,
    pub buyer_name: String,
    pub buyer_phone: String,
    pub buyer_phone_e164: Option<String>,
    pub buyer_email: String,
    pub buyer_language: String,
    /// JSON of the address.
    pub shipping_address: String,
    pub ship_country: String,
    pub currency: Currency,
    pub subtotal: Money,
    pub discount: Money,
    /// JSON array of `{code, amount_minor}`.
    pub discounts: String,
    pub shipping_fee: Money,
    /// Tax charged on top of the prices.
    pub tax: Money,
    pub total: Money,
    pub paid: Money,
    pub payment_method: String,
    pub payment_status: PaymentStatus,
    pub service_level: String,
    /// The carrier service code the buyer or merchant chose; empty when none.
    pub carrier_service: String,
    /// The payment provider's reference of the payment (a Stripe PaymentIntent); empty when none.
    pub payment_reference: String,
    pub urgent: bool,
    pub remarks: String,
    /// JSON array of field errors: why the order waits.
    pub holds: String,
    /// Comma-separated flags for a person: `remarks`, `special_service`.
    pub flags: String,
    pub second_review_due: bool,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub approved_at: Option<Millis>,
    pub confirmed_at: Option<Millis>,
    /// When the order was completed (DONE-1).
    pub completed_at: Option<Millis>,
}

pub(super) const COLUMNS: &str = "id, merchant_id, channel, channel_order_id, order_no, status, allocation, buyer_name, buyer_phone, \
    buyer_phone_e164, buyer_email, buyer_language, shipping_address, ship_country, currency, subtotal_minor, discount_minor, \
    discounts, shipping_fee_minor, total_minor, paid_minor, payment_method, payment_status, service_level, urgent, remarks, \
    holds, flags, second_review_due, created_at, updated_at, approved_at, confirmed_at, carrier_service, payment_reference, \
    completed_at, tax_minor";

/// An order as stored, read by column name.
#[derive(sqlx::FromRow)]
struct OrderRecord {
    id: String,
    merchant_id: String,
    channel: String,
    channel_order_id: String,
    order_no: Option<String>,
    status: String,
    allocation: String,
    buyer_name: String,
    buyer_phone: String,
    buyer_phone_e164: Option<String>,
    buyer_email: String,
    buyer_language: String,
    shipping_address: String,
    ship_country: String,
    currency: String,
    subtotal_minor: i64,
    discount_minor: i64,
    discounts: String,
    shipping_fee_minor: i64,
    total_minor: i64,
    paid_minor: i64,
    payment_method: String,
    payment_status: String,
    service_level: String,
    urgent: i64,
    remarks: String,
    holds: String,
    flags: String,
    second_review_due: i64,
    created_at: i64,
    updated_at: i64,
    approved_at: Option<i64>,
    confirmed_at: Option<i64>,
    carrier_service: String,
    payment_reference: String,
    completed_at: Option<i64>,
    tax_minor: i64,
}

pub(super) fn from_row(r: &AnyRow) -> StoreResult<OrderRow> {
    let o = OrderRecord::from_row(r)?;
    let currency = parse_currency(&o.currency)?;
    Ok(OrderRow {
        id: parse_id(&o.id, "order id")?,
        merchant_id: parse_tenant_id(&o.merchant_id)?,
        status: OrderStatus::parse(&o.status)
            .ok_or_else(|| StoreError::Corrupt(format!("order status {}", o.status)))?,
        allocation: AllocationState::parse(&o.allocation)
            .ok_or_else(|| StoreError::Corrupt(format!("order allocation {}", o.allocation)))?,
        channel: o.channel,
        channel_order_id: o.channel_order_id,
        order_no: o.order_no,
        buyer_name: o.buyer_name,
        buyer_phone: o.buyer_phone,
        buyer_phone_e164: o.buyer_phone_e164,
        buyer_email: o.buyer_email,
        buyer_language: o.buyer_language,
        shipping_address: o.shipping_address,
        ship_country: o.ship_country,
        currency,
        subtotal: money(o.subtotal_minor, currency)?,
        discount: money(o.discount_minor, currency)?,
        discounts: o.discounts,
        shipping_fee: money(o.shipping_fee_minor, currency)?,
        tax: money(o.tax_minor, currency)?,
        total: money(o.total_minor, currency)?,
        paid: money(o.paid_minor, currency)?,
        payment_method: o.payment_method,
        payment_status: PaymentStatus::parse(&o.payment_status)
            .ok_or_else(|| StoreError::Corrupt(format!("payment status {}", o.payment_status)))?,
        service_level: o.service_level,
        carrier_service: o.carrier_service,
        payment_reference: o.payment_reference,
        urgent: o.urgent != 0,
        remarks: o.remarks,
        holds: o.holds,
        flags: o.flags,
        second_review_due: o.second_review_due != 0,
        created_at: Millis(o.created_at),
        updated_at: Millis(o.updated_at),
        approved_at: o.approved_at.map(Millis),
        confirmed_at: o.confirmed_at.map(Millis),
        completed_at: o.completed_at.map(Millis),
    })
}

/// Inserts an order unless the merchant has one with the same channel and channel id; returns
/// whether it was inserted. `address_key` is its shipping address reduced for risk screening.
pub async fn insert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    o: &OrderRow,
    address_key: &str,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO orders (id, tenant_id, merchant_id, channel, channel_order_id, order_no, status, allocation, buyer_name, \
         buyer_phone, buyer_phone_e164, buyer_email, buyer_language, shipping_address, ship_country, currency, subtotal_minor, \
         discount_minor, discounts, shipping_fee_minor, total_minor, paid_minor, payment_method, payment_status, service_level, \
         urgent, remarks, holds, flags, second_review_due, created_at, updated_at, carrier_service, payment_reference, tax_minor, \
         address_key) \
         VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, \
         $24, $25, $26, $27, $28, $29, $30, $30, $31, $32, $33, $34) ON CONFLICT (merchant_id, channel, channel_order_id) DO NOTHING",
    )
    .bind(o.id.to_string())
    .bind(tenant_id.to_string())
    .bind(o.merchant_id.to_string())
    .bind(&o.channel)
    .bind(&o.channel_order_id)
    .bind(o.status.as_str())
    .bind(o.allocation.as_str())
    .bind(&o.buyer_name)
    .bind(&o.buyer_phone)
    .bind(o.buyer_phone_e164.clone())
    .bind(&o.buyer_email)
    .bind(&o.buyer_language)
    .bind(&o.shipping_address)
    .bind(&o.ship_country)
    .bind(o.currency.code())
    .bind(o.subtotal.minor())
    .bind(o.discount.minor())
    .bind(&o.discounts)
    .bind(o.shipping_fee.minor())
    .bind(o.total.minor())
    .bind(o.paid.minor())
    .bind(&o.payment_method)
    .bind(o.payment_status.as_str())
    .bind(&o.service_level)
    .bind(i64::from(o.urgent))
    .bind(&o.remarks)
    .bind(&o.holds)
    .bind(&o.flags)
    .bind(i64::from(o.second_review_due))
    .bind(o.created_at.0)
    .bind(&o.carrier_service)
    .bind(&o.payment_reference)
    .bind(o.tax.minor())
    .bind(address_key)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One order of the operator, optionally only if it is `merchant_id`'s.
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: Option<TenantId>,
    id: OrderId,
) -> StoreResult<Option<OrderRow>> {
    select_one(conn, tenant_id, merchant_id, id, "").await
}

/// Like [`get`], and locks the row until the transaction ends: `FOR UPDATE` on PostgreSQL; on
/// SQLite the write transaction already holds the database's single writer lock.
pub async fn lock_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: Option<TenantId>,
    id: OrderId,
) -> StoreResult<Option<OrderRow>> {
    let lock = crate::row_lock(conn);
    select_one(conn, tenant_id, merchant_id, id, lock).await
}

async fn select_one(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: Option<TenantId>,
    id: OrderId,
    lock: &str,
) -> StoreResult<Option<OrderRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM orders WHERE tenant_id = $1 AND id = $2 AND ($3 = '' OR merchant_id = $3){lock}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(id.to_string())
        .bind(crate::merchant_filter(merchant_id))
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The merchant's order with this channel id.
pub async fn find_by_channel_id(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: TenantId,
    channel: &str,
    channel_order_id: &str,
) -> StoreResult<Option<OrderRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM orders WHERE tenant_id = $1 AND merchant_id = $2 AND channel = $3 AND channel_order_id = $4"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(merchant_id.to_string())
        .bind(channel)
        .bind(channel_order_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Filters of the order list; empty fields do not filter.
#[derive(Clone, Debug, Default)]
pub struct OrderFilter {
    pub merchant_id: Option<TenantId>,
    pub statuses: Vec<OrderStatus>,
    pub channel: Option<String>,
    pub country: Option<String>,
    pub created_from: Option<Millis>,
    pub created_to: Option<Millis>,
    /// Matches order number, channel id, buyer name or e-mail (case-insensitive, substring).
    pub text: Option<String>,
}

/// The SQL of [`list`].
fn list_query(
    search: SearchPath,
    tenant_id: TenantId,
    f: &OrderFilter,
    before_id: Option<OrderId>,
    limit: u32,
) -> Sql {
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM orders WHERE tenant_id = "));
    sql.bind(tenant_id.to_string());
    if let Some(m) = f.merchant_id {
        sql.push(" AND merchant_id = ").bind(m.to_string());
    }
    if !f.statuses.is_empty() {
        sql.push(" AND status IN ").bind_list(f.statuses.iter().map(|s| s.as_str()));
    }
    if let Some(c) = &f.channel {
        sql.push(" AND channel = ").bind(c.clone());
    }
    if let Some(c) = &f.country {
        sql.push(" AND ship_country = ").bind(c.to_ascii_uppercase());
    }
    if let Some(t) = f.created_from {
        sql.push(" AND created_at >= ").bind(t.0);
    }
    if let Some(t) = f.created_to {
        sql.push(" AND created_at < ").bind(t.0);
    }
    if let Some(text) = search_term(f) {
        if search == SearchPath::Trigrams {
            sql.push(" AND rowid IN (SELECT rowid FROM orders_search WHERE orders_search MATCH ")
                .bind(fts_phrase(&text))
                .push(")");
        } else {
            // `%` and `_` in the search are matched as themselves, not as wildcards.
            let like = format!("%{}%", escape_like(&text));
            sql.push(" AND search_text LIKE ").bind(like).push(" ESCAPE '\\'");
        }
    }
    if let Some(before_id) = before_id {
        sql.push(" AND id < ").bind(before_id.to_string());
    }
    sql.push(" ORDER BY id DESC LIMIT ").bind(i64::from(limit));
    sql
}

/// `text` with the LIKE wildcards and the escape character escaped by `\`.
pub(crate) fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// How a search reaches its orders. Every order has one lower-case search text (order number,
/// channel id, buyer name and e-mail), indexed by trigrams: pg_trgm on PostgreSQL, whose planner
/// chooses between the index and walking the newest orders by itself; FTS5 on SQLite, where
/// this code chooses: the index for a term that few orders contain or that has non-ASCII
/// letters (SQLite's LIKE folds only ASCII case), the newest-first walk (which stops at the first
/// page of matches) for a common one or one shorter than a trigram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SearchPath {
    Trigrams,
    Walk,
}

/// Above this many orders containing the term, walking the newest orders finds a page sooner
/// than collecting every match from the index.
const TRIGRAM_MATCHES_MAX: i64 = 2_000;

fn search_term(f: &OrderFilter) -> Option<String> {
    f.text.as_ref().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty())
}

fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

async fn search_path(conn: &mut AnyConnection, f: &OrderFilter) -> StoreResult<SearchPath> {
    let Some(text) = search_term(f) else {
        return Ok(SearchPath::Walk);
    };
    if crate::is_postgres(conn) || text.chars().count() < 3 {
        return Ok(SearchPath::Walk);
    }
    if !text.is_ascii() {
        // SQLite's LOWER and LIKE fold ASCII letters only; the trigram index folds all of them.
        return Ok(SearchPath::Trigrams);
    }
    let matches: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT rowid FROM orders_search WHERE orders_search MATCH $1 LIMIT $2) m",
    )
    .bind(fts_phrase(&text))
    .bind(TRIGRAM_MATCHES_MAX)
    .fetch_one(conn)
    .await?;
    Ok(if matches < TRIGRAM_MATCHES_MAX { SearchPath::Trigrams } else { SearchPath::Walk })
}

/// Orders newest first, before the id `before_id` (`None`: from the newest).
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    f: &OrderFilter,
    before_id: Option<OrderId>,
    limit: u32,
) -> StoreResult<Vec<OrderRow>> {
    let search = search_path(conn, f).await?;
    let rows = list_query(search, tenant_id, f, before_id, limit).query().fetch_all(&mut *conn).await?;
    rows.iter().map(from_row).collect()
}

/// The database's plan for [`list`] with these filters, one line per plan step (for the test
/// that keeps every list filter on an index without a sort).
pub async fn explain_list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    f: &OrderFilter,
) -> StoreResult<Vec<String>> {
    let postgres = crate::is_postgres(conn);
    let search = search_path(conn, f).await?;
    let mut sql = list_query(search, tenant_id, f, None, 50);
    sql.prefix(if postgres { "EXPLAIN " } else { "EXPLAIN QUERY PLAN " });
    let rows = sql.query().fetch_all(conn).await?;
    plan_lines(postgres, &rows)
}

/// The step lines of an `EXPLAIN` (PostgreSQL) or `EXPLAIN QUERY PLAN` (SQLite) result.
pub(crate) fn plan_lines(postgres: bool, rows: &[AnyRow]) -> StoreResult<Vec<String>> {
    rows.iter()
        .map(|r| Ok(if postgres { r.try_get::<String, _>(0)? } else { r.try_get::<String, _>(3)? }))
        .collect()
}

/// Moves an order from `from` to `to` with its allocation state, stamping approval or
/// confirmation; false when the order was no longer in `from` (someone else acted first).
#[allow(clippy::too_many_arguments)]
pub async fn set_status_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: OrderId,
    from: OrderStatus,
    to: OrderStatus,
    allocation: AllocationState,
    holds: Option<&str>,
    order_no: Option<&str>,
    now: Millis,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE orders SET status = $1, allocation = $2, holds = COALESCE($3, holds), order_no = COALESCE($4, order_no), \
         updated_at = $5, approved_at = CASE WHEN $1 = 'approved' THEN $5 ELSE approved_at END, \
         confirmed_at = CASE WHEN $1 = 'confirmed' THEN $5 ELSE confirmed_at END \
         WHERE tenant_id = $6 AND id = $7 AND status = $8",
    )
    .bind(to.as_str())
    .bind(allocation.as_str())
    .bind(holds)
    .bind(order_no)
    .bind(now.0)
    .bind(tenant_id.to_string())
    .bind(id.to_string())
    .bind(from.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Writes the review state of `after` (status, allocation, holds, number and times) if the
/// order is still `from`; false when it changed meanwhile.
pub async fn write_state_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    from: OrderStatus,
    after: &OrderRow,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE orders SET status = $1, allocation = $2, holds = $3, order_no = $4, updated_at = $5, \
         approved_at = $6, confirmed_at = $7 WHERE tenant_id = $8 AND id = $9 AND status = $10",
    )
    .bind(after.status.as_str())
    .bind(after.allocation.as_str())
    .bind(after.holds.as_str())
    .bind(after.order_no.as_deref())
    .bind(after.updated_at.0)
    .bind(after.approved_at.map(|m| m.0))
    .bind(after.confirmed_at.map(|m| m.0))
    .bind(tenant_id.to_string())
    .bind(after.id.to_string())
    .bind(from.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves the listed orders from `from` to `to` (a wave starting to pick them); returns how many
/// were still `from` and moved.
pub async fn set_status_many_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    ids: &[OrderId],
    from: OrderStatus,
    to: OrderStatus,
    now: Millis,
) -> StoreResult<u64> {
    let mut moved = 0;
    for chunk in ids.chunks(500) {
        let mut sql = crate::sql::Sql::new("UPDATE orders SET status = ");
        sql.bind(to.as_str())
            .push(", updated_at = ")
            .bind(now.0)
            .push(" WHERE tenant_id = ")
            .bind(tenant_id.to_string());
        sql.push(" AND status = ")
            .bind(from.as_str())
            .push(" AND id IN ")
            .bind_list(chunk.iter().map(OrderId::to_string));
        moved += sql.query().execute(&mut *conn).await?.rows_affected();
    }
    Ok(moved)
}

/// Replaces the shipping address (ORD-4 records the change as an event).
pub async fn update_address_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: OrderId,
    address_json: &str,
    country: &str,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query("UPDATE orders SET shipping_address = $1, ship_country = $2, updated_at = $3 WHERE tenant_id = $4 AND id = $5")
        .bind(address_json)
        .bind(country)
        .bind(now.0)
        .bind(tenant_id.to_string())
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the service level and whether a second review is due.
pub async fn update_service_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: OrderId,
    service: &str,
    second_review_due: bool,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query("UPDATE orders SET service_level = $1, second_review_due = $2, updated_at = $3 WHERE tenant_id = $4 AND id = $5")
        .bind(service)
        .bind(i64::from(second_review_due))
        .bind(now.0)
        .bind(tenant_id.to_string())
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Records where an order's stock stands (`reserved`, `partial`, `backordered`).
pub async fn set_allocation_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: OrderId,
    allocation: AllocationState,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query("UPDATE orders SET allocation = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4")
        .bind(allocation.as_str())
        .bind(now.0)
        .bind(tenant_id.to_string())
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}
