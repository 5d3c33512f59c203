//! Finding everything held about one buyer, by e-mail (any case) or phone (E.164), for a personal
//! data request.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::TenantId;

use crate::StoreResult;

/// The ids of the operator's orders placed with this e-mail or phone, oldest first.
pub async fn order_ids(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    email: &str,
    e164: &str,
) -> StoreResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM orders WHERE tenant_id = $1 AND (($2 <> '' AND LOWER(buyer_email) = $2) \
         OR ($3 <> '' AND buyer_phone_e164 = $3)) ORDER BY created_at, id",
    )
    .bind(tenant_id.to_string())
    .bind(email)
    .bind(e164)
    .fetch_all(conn)
    .await?)
}

/// The ids of the operator's tickets from this e-mail or phone, oldest first.
pub async fn ticket_ids(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    email: &str,
    e164: &str,
) -> StoreResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM tickets WHERE tenant_id = $1 AND (($2 <> '' AND LOWER(buyer_email) = $2) \
         OR ($3 <> '' AND (buyer_phone = $3 OR '+' || buyer_phone = $3))) ORDER BY created_at, id",
    )
    .bind(tenant_id.to_string())
    .bind(email)
    .bind(e164)
    .fetch_all(conn)
    .await?)
}

/// A buyer's opt-out from messages.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct OptOutRow {
    pub address: String,
    pub reason: String,
    pub created_at: i64,
}

pub async fn opt_outs(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    email: &str,
    e164: &str,
) -> StoreResult<Vec<OptOutRow>> {
    Ok(sqlx::query_as(
        "SELECT address, reason, created_at FROM notification_opt_outs WHERE tenant_id = $1 \
         AND (($2 <> '' AND address = $2) OR ($3 <> '' AND address = $3)) ORDER BY address",
    )
    .bind(tenant_id.to_string())
    .bind(email)
    .bind(e164)
    .fetch_all(conn)
    .await?)
}

/// A coupon or store-credit entry issued to the buyer.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct CreditRow {
    /// `coupon` or `store_credit`.
    pub kind: String,
    pub id: String,
    pub merchant_id: String,
    pub currency: String,
    pub amount_minor: i64,
    pub note: String,
    pub at: i64,
}

/// The buyer's coupons and store-credit entries (kept by e-mail), oldest first.
pub async fn credits(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    email: &str,
) -> StoreResult<Vec<CreditRow>> {
    if email.is_empty() {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_as(
        "SELECT 'coupon' AS kind, id, merchant_id, currency, amount_minor, code AS note, created_at AS at \
         FROM coupons WHERE tenant_id = $1 AND LOWER(buyer_email) = $2 \
         UNION ALL SELECT 'store_credit' AS kind, id, merchant_id, currency, delta_minor AS amount_minor, note, at \
         FROM store_credit_entries WHERE tenant_id = $1 AND LOWER(buyer_email) = $2 ORDER BY at, id",
    )
    .bind(tenant_id.to_string())
    .bind(email)
    .fetch_all(conn)
    .await?)
}

/// Erases the buyer's ticket that no kept order needs (those without an order, or whose order
/// was erased): see `erase::erase_tickets_in_tx`. Returns the tickets that may go.
pub async fn tickets_free_to_erase(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    tickets: &[String],
) -> StoreResult<Vec<String>> {
    let mut sql = crate::sql::Sql::new(
        "SELECT t.id FROM tickets t LEFT JOIN orders o ON o.id = t.order_id WHERE t.tenant_id = ",
    );
    sql.bind(tenant_id.to_string()).push(" AND t.id IN ").bind_list(tickets.iter().map(String::as_str));
    sql.push(" AND (t.order_id IS NULL OR o.personal_data_erased_at IS NOT NULL) ORDER BY t.id");
    Ok(sql.query().fetch_all(conn).await?.iter().map(|r| sqlx::Row::get::<String, _>(r, 0)).collect())
}
