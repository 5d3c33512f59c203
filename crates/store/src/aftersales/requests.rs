//! After-sales requests and returns: one row per claim, its lines and inspection kept as JSON.

use sqlx::{AnyConnection, Row};
use tradeport_domain::aftersales::{
    Disposition, FreightPayer, RefundMethod, RequestReason, RequestSource, RequestStatus, RequestType,
};
use tradeport_domain::kernel::{Millis, OrderId, TenantId, WarehouseId};
use tradeport_domain::sla::Department;

use crate::values::id_at;
use crate::{StoreError, StoreResult};

/// A request as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRow {
    pub id: String,
    pub merchant_id: TenantId,
    pub order_id: OrderId,
    pub rma_no: String,
    pub request_type: RequestType,
    pub reason: RequestReason,
    pub description: String,
    pub source: RequestSource,
    /// JSON: `[{"sku", "quantity", "unit_price_minor"}]`.
    pub lines: String,
    pub currency: String,
    pub goods_minor: i64,
    pub shipping_minor: i64,
    pub restocking_fee_minor: i64,
    pub eligible: bool,
    pub returnless: bool,
    pub freight_payer: FreightPayer,
    /// JSON array of the deciding rules in words.
    pub rules: String,
    pub department: Department,
    pub status: RequestStatus,
    pub refund_method: RefundMethod,
    pub granted_minor: Option<i64>,
    pub decided_by: Option<String>,
    pub decision_note: Option<String>,
    /// The address the goods go back to.
    pub return_to: String,
    pub warehouse_id: Option<WarehouseId>,
    /// JSON: `{"intact", "original_item", "resaleable", "notes"}`.
    pub inspection: Option<String>,
    pub disposition: Option<Disposition>,
    pub disposition_reason: Option<String>,
    pub refund_id: Option<String>,
    /// The order that sends goods out again (a reship, an exchange, a repaired unit).
    pub replacement_order_id: Option<OrderId>,
    /// A carrier return label bought for it: its tracking number and the label.
    pub return_label: Option<(String, String)>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

const COLUMNS: &str = "id, merchant_id, order_id, rma_no, request_type, reason, description, source, lines, currency, \
     goods_minor, shipping_minor, restocking_fee_minor, eligible, returnless, freight_payer, rules, department, status, \
     refund_method, granted_minor, decided_by, decision_note, return_to, warehouse_id, inspection, disposition, \
     disposition_reason, refund_id, created_at, updated_at, replacement_order_id, return_tracking_no, return_label_url";

fn parsed<T>(r: &sqlx::any::AnyRow, n: usize, what: &str, parse: fn(&str) -> Option<T>) -> StoreResult<T> {
    let v: String = r.try_get(n)?;
    parse(&v).ok_or_else(|| StoreError::Corrupt(format!("after-sales request {what} {v}")))
}

fn freight_payer(s: &str) -> Option<FreightPayer> {
    match s {
        "seller" => Some(FreightPayer::Seller),
        "buyer" => Some(FreightPayer::Buyer),
        _ => None,
    }
}

pub fn freight_payer_str(p: FreightPayer) -> &'static str {
    match p {
        FreightPayer::Seller => "seller",
        FreightPayer::Buyer => "buyer",
    }
}

fn request_row(r: &sqlx::any::AnyRow) -> StoreResult<RequestRow> {
    let disposition: Option<String> = r.try_get(26)?;
    let warehouse: Option<String> = r.try_get(24)?;
    let replacement: Option<String> = r.try_get(31)?;
    Ok(RequestRow {
        id: r.try_get(0)?,
        merchant_id: id_at(r, 1, "merchant")?,
        order_id: id_at(r, 2, "order")?,
        rma_no: r.try_get(3)?,
        request_type: parsed(r, 4, "type", RequestType::parse)?,
        reason: parsed(r, 5, "reason", RequestReason::parse)?,
        description: r.try_get(6)?,
        source: parsed(r, 7, "source", RequestSource::parse)?,
        lines: r.try_get(8)?,
        currency: r.try_get(9)?,
        goods_minor: r.try_get(10)?,
        shipping_minor: r.try_get(11)?,
        restocking_fee_minor: r.try_get(12)?,
        eligible: r.try_get::<i64, _>(13)? != 0,
        returnless: r.try_get::<i64, _>(14)? != 0,
        freight_payer: parsed(r, 15, "freight payer", freight_payer)?,
        rules: r.try_get(16)?,
        department: parsed(r, 17, "department", Department::parse)?,
        status: parsed(r, 18, "status", RequestStatus::parse)?,
        refund_method: parsed(r, 19, "refund method", RefundMethod::parse)?,
        granted_minor: r.try_get(20)?,
        decided_by: r.try_get(21)?,
        decision_note: r.try_get(22)?,
        return_to: r.try_get(23)?,
        warehouse_id: match warehouse {
            Some(w) => Some(w.parse().map_err(|_| StoreError::Corrupt(format!("warehouse id {w}")))?),
            None => None,
        },
        inspection: r.try_get(25)?,
        disposition: match disposition {
            Some(d) => {
                Some(Disposition::parse(&d).ok_or_else(|| StoreError::Corrupt(format!("disposition {d}")))?)
            }
            None => None,
        },
        disposition_reason: r.try_get(27)?,
        refund_id: r.try_get(28)?,
        created_at: Millis(r.try_get(29)?),
        updated_at: Millis(r.try_get(30)?),
        return_label: match (r.try_get::<Option<String>, _>(32)?, r.try_get::<Option<String>, _>(33)?) {
            (Some(tracking), Some(url)) => Some((tracking, url)),
            _ => None,
        },
        replacement_order_id: match replacement {
            Some(o) => Some(o.parse().map_err(|_| StoreError::Corrupt(format!("replacement order id {o}")))?),
            None => None,
        },
    })
}

pub async fn insert_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, r: &RequestRow) -> StoreResult<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO aftersales_requests (tenant_id, {COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
         $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35)"
    )))
    .bind(tenant_id.to_string())
    .bind(&r.id)
    .bind(r.merchant_id.to_string())
    .bind(r.order_id.to_string())
    .bind(&r.rma_no)
    .bind(r.request_type.as_str())
    .bind(r.reason.as_str())
    .bind(&r.description)
    .bind(r.source.as_str())
    .bind(&r.lines)
    .bind(&r.currency)
    .bind(r.goods_minor)
    .bind(r.shipping_minor)
    .bind(r.restocking_fee_minor)
    .bind(i64::from(r.eligible))
    .bind(i64::from(r.returnless))
    .bind(freight_payer_str(r.freight_payer))
    .bind(&r.rules)
    .bind(r.department.as_str())
    .bind(r.status.as_str())
    .bind(r.refund_method.as_str())
    .bind(r.granted_minor)
    .bind(r.decided_by.as_deref())
    .bind(r.decision_note.as_deref())
    .bind(&r.return_to)
    .bind(r.warehouse_id.map(|w| w.to_string()))
    .bind(r.inspection.as_deref())
    .bind(r.disposition.map(|d| d.as_str()))
    .bind(r.disposition_reason.as_deref())
    .bind(r.refund_id.as_deref())
    .bind(r.created_at.0)
    .bind(r.updated_at.0)
    .bind(r.replacement_order_id.map(|o| o.to_string()))
    .bind(r.return_label.as_ref().map(|l| l.0.as_str()))
    .bind(r.return_label.as_ref().map(|l| l.1.as_str()))
    .execute(conn)
    .await?;
    Ok(())
}

/// Links the request to its replacement order, once (`false` when it has one already).
pub async fn set_replacement_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    order: OrderId,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE aftersales_requests SET replacement_order_id = $1 WHERE tenant_id = $2 AND id = $3 \
         AND replacement_order_id IS NULL",
    )
    .bind(order.to_string())
    .bind(tenant_id.to_string())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Writes what changes as a request is worked, if it is still in `from` (else `false`).
pub async fn update_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    r: &RequestRow,
    from: RequestStatus,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE aftersales_requests SET status = $1, refund_method = $2, granted_minor = $3, decided_by = $4, \
         decision_note = $5, inspection = $6, disposition = $7, disposition_reason = $8, refund_id = $9, updated_at = $10 \
         WHERE tenant_id = $11 AND id = $12 AND status = $13",
    )
    .bind(r.status.as_str())
    .bind(r.refund_method.as_str())
    .bind(r.granted_minor)
    .bind(r.decided_by.as_deref())
    .bind(r.decision_note.as_deref())
    .bind(r.inspection.as_deref())
    .bind(r.disposition.map(|d| d.as_str()))
    .bind(r.disposition_reason.as_deref())
    .bind(r.refund_id.as_deref())
    .bind(r.updated_at.0)
    .bind(tenant_id.to_string())
    .bind(&r.id)
    .bind(from.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The return label of a request awaiting its return: `Claim` marks it being bought (an empty
/// tracking number; `false` when one is bought or being bought), `Bought` keeps it, `Release`
/// gives the claim up after a refused purchase.
pub enum ReturnLabel<'a> {
    Claim,
    Bought { tracking_no: &'a str, label_url: &'a str },
    Release,
}

pub async fn return_label_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    step: ReturnLabel<'_>,
) -> StoreResult<bool> {
    let (set, before, label) = match step {
        ReturnLabel::Claim => ("return_tracking_no = ''", "IS NULL", None),
        ReturnLabel::Bought { tracking_no, label_url } => {
            ("return_tracking_no = $3, return_label_url = $4", "= ''", Some((tracking_no, label_url)))
        }
        ReturnLabel::Release => ("return_tracking_no = NULL", "= ''", None),
    };
    let sql = format!(
        "UPDATE aftersales_requests SET {set} WHERE tenant_id = $1 AND id = $2 AND status = 'awaiting_return' \
         AND return_tracking_no {before}"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant_id.to_string()).bind(id);
    if let Some((tracking_no, label_url)) = label {
        query = query.bind(tracking_no.trim().to_uppercase()).bind(label_url);
    }
    Ok(query.execute(conn).await?.rows_affected() == 1)
}

/// Which requests to read.
#[derive(Clone, Copy, Debug)]
pub enum RequestsOf<'a> {
    Id(&'a str),
    /// By the RMA number or the return label's tracking number, as scanned.
    Rma(&'a str),
    Order(OrderId),
    /// A department's queue: open requests, oldest first.
    Queue(Option<Department>),
}

/// Requests of the operator (a merchant: its own), oldest first, at most `limit`.
pub async fn find(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
    of: RequestsOf<'_>,
    limit: i64,
) -> StoreResult<Vec<RequestRow>> {
    let (filter, value) = match of {
        RequestsOf::Id(id) => ("id = $3", id.to_string()),
        RequestsOf::Rma(no) => ("(rma_no = $3 OR return_tracking_no = $3)", no.trim().to_uppercase()),
        RequestsOf::Order(o) => ("order_id = $3", o.to_string()),
        RequestsOf::Queue(d) => (
            "status NOT IN ('completed', 'rejected') AND ($3 = '' OR department = $3)",
            d.map(|d| d.as_str().to_string()).unwrap_or_default(),
        ),
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM aftersales_requests WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) AND {filter} \
         ORDER BY created_at, id LIMIT $4"
    )))
    .bind(tenant_id.to_string())
    .bind(merchant.map(|m| m.to_string()).unwrap_or_default())
    .bind(value)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(request_row).collect()
}
