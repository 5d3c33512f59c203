//! Which connection an order came through, and its reference there.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{OrderId, TenantId};

use crate::StoreResult;

/// An order's link to its channel.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct OrderLinkRow {
    pub order_id: String,
    pub connection_id: String,
    pub external_id: String,
    pub display_ref: String,
}

/// Links an order to its connection, once (a retried delivery finds the link made).
pub async fn link(conn: &mut AnyConnection, tenant_id: TenantId, l: &OrderLinkRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO channel_order_links (tenant_id, order_id, connection_id, external_id, display_ref) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (order_id) DO NOTHING",
    )
    .bind(tenant_id.to_string())
    .bind(&l.order_id)
    .bind(&l.connection_id)
    .bind(&l.external_id)
    .bind(&l.display_ref)
    .execute(conn)
    .await?;
    Ok(())
}

/// An order's link with what the page needs of its connection.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct ChannelLinkRow {
    pub connection_id: String,
    pub external_id: String,
    pub display_ref: String,
    pub kind: String,
    pub name: String,
    pub shop_domain: String,
    pub site_url: String,
}

/// The link of an order, when it came through a connection.
pub async fn of_order(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    order: OrderId,
) -> StoreResult<Option<ChannelLinkRow>> {
    Ok(sqlx::query_as(
        "SELECT l.connection_id, l.external_id, l.display_ref, c.kind, c.name, c.shop_domain, c.site_url \
         FROM channel_order_links l JOIN channel_connections c ON c.id = l.connection_id \
         WHERE l.tenant_id = $1 AND l.order_id = $2",
    )
    .bind(tenant_id.to_string())
    .bind(order.to_string())
    .fetch_optional(conn)
    .await?)
}
