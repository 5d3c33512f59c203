//! Orders written in bulk, already decided: a generated data set (`tradeport generate`) writes
//! history whose every column (number, approval and confirmation times) is known, many rows per
//! statement. Intake never comes here: it decides and writes one order at a time.

use sqlx::AnyConnection;
use tradeport_domain::kernel::{Millis, OrderId, TenantId};
use tradeport_domain::orders::ValidatedLine;

use super::allocations::AllocationRow;
use super::rows::OrderRow;
use crate::StoreResult;
use crate::sql::{Arg, insert_rows};

/// An order to write with its risk key (its address reduced, as intake's screening stores it).
pub struct BulkOrder<'a> {
    pub row: &'a OrderRow,
    pub address_key: &'a str,
}

/// Inserts orders with every column as given.
pub async fn insert_orders_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    orders: &[BulkOrder<'_>],
) -> StoreResult<()> {
    let head = "INSERT INTO orders (id, tenant_id, merchant_id, channel, channel_order_id, order_no, status, allocation, \
         buyer_name, buyer_phone, buyer_phone_e164, buyer_email, buyer_language, shipping_address, ship_country, \
         currency, subtotal_minor, discount_minor, discounts, shipping_fee_minor, total_minor, paid_minor, \
         payment_method, payment_status, service_level, urgent, remarks, holds, flags, second_review_due, \
         created_at, updated_at, approved_at, confirmed_at, carrier_service, payment_reference, tax_minor, \
         address_key) VALUES ";
    let rows = orders.iter().map(|b| -> [Arg; 38] {
        let o = b.row;
        [
            o.id.to_string().into(),
            tenant_id.to_string().into(),
            o.merchant_id.to_string().into(),
            o.channel.as_str().into(),
            o.channel_order_id.as_str().into(),
            o.order_no.clone().into(),
            o.status.as_str().into(),
            o.allocation.as_str().into(),
            o.buyer_name.as_str().into(),
            o.buyer_phone.as_str().into(),
            o.buyer_phone_e164.clone().into(),
            o.buyer_email.as_str().into(),
            o.buyer_language.as_str().into(),
            o.shipping_address.as_str().into(),
            o.ship_country.as_str().into(),
            o.currency.code().into(),
            o.subtotal.minor().into(),
            o.discount.minor().into(),
            o.discounts.as_str().into(),
            o.shipping_fee.minor().into(),
            o.total.minor().into(),
            o.paid.minor().into(),
            o.payment_method.as_str().into(),
            o.payment_status.as_str().into(),
            o.service_level.as_str().into(),
            i64::from(o.urgent).into(),
            o.remarks.as_str().into(),
            o.holds.as_str().into(),
            o.flags.as_str().into(),
            i64::from(o.second_review_due).into(),
            o.created_at.0.into(),
            o.updated_at.0.into(),
            o.approved_at.map(|t| t.0).into(),
            o.confirmed_at.map(|t| t.0).into(),
            o.carrier_service.as_str().into(),
            o.payment_reference.as_str().into(),
            o.tax.minor().into(),
            b.address_key.into(),
        ]
    });
    insert_rows(conn, head, rows.collect()).await
}

/// Whether the operator has orders generated with `seed` (their channel ids hold `-G<seed>-`).
pub async fn generated_with_seed(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    seed: u64,
) -> StoreResult<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM orders WHERE tenant_id = $1 AND channel_order_id LIKE $2 LIMIT 1")
            .bind(tenant_id.to_string())
            .bind(format!("%-G{seed}-%"))
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

/// Inserts the lines of many orders: `(line id, order id, line)`.
pub async fn insert_lines_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    lines: &[(String, OrderId, &ValidatedLine)],
) -> StoreResult<()> {
    let head = "INSERT INTO order_lines (id, tenant_id, order_id, line_no, sku_id, sku, name, variant, quantity, unit_price_minor) VALUES ";
    let rows = lines.iter().map(|(id, order_id, l)| -> [Arg; 10] {
        [
            id.as_str().into(),
            tenant_id.to_string().into(),
            order_id.to_string().into(),
            i64::from(l.line_no).into(),
            l.sku_id.to_string().into(),
            l.sku.as_str().into(),
            l.name.as_str().into(),
            l.variant.as_str().into(),
            l.quantity.into(),
            l.unit_price.minor().into(),
        ]
    });
    insert_rows(conn, head, rows.collect()).await
}

/// Inserts the allocations of many orders: `(allocation id, order id, allocation, when)`.
pub async fn insert_allocations_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    allocations: &[(String, OrderId, AllocationRow, Millis)],
) -> StoreResult<()> {
    let head = "INSERT INTO order_allocations (id, tenant_id, order_id, line_no, sku_id, warehouse_id, quantity, created_at) VALUES ";
    let rows = allocations.iter().map(|(id, order_id, a, at)| -> [Arg; 8] {
        [
            id.as_str().into(),
            tenant_id.to_string().into(),
            order_id.to_string().into(),
            i64::from(a.line_no).into(),
            a.sku_id.to_string().into(),
            a.warehouse_id.map(|w| w.to_string()).into(),
            a.quantity.into(),
            at.0.into(),
        ]
    });
    insert_rows(conn, head, rows.collect()).await
}
