//! A merchant's payment provider accounts. The API key and webhook secrets are stored sealed (the
//! app seals and opens them); this module never sees them in clear.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{Millis, TenantId};

use crate::StoreResult;

/// An account as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct AccountRow {
    pub id: String,
    /// The operator.
    pub tenant_id: String,
    pub merchant_id: String,
    /// `stripe`, `paypal` or `alipay`.
    pub provider: String,
    pub name: String,
    /// Sealed; empty when none.
    pub api_key: String,
    /// Sealed; empty when none.
    pub webhook_secret: String,
    /// Sealed; the secret before the last rotation, still accepted; empty when none.
    pub previous_webhook_secret: String,
    /// PayPal's or Alipay's client id; empty for Stripe.
    pub client_id: String,
    /// PayPal's webhook id (part of what PayPal signs); empty otherwise.
    pub webhook_id: String,
    /// Alipay's public key (SubjectPublicKeyInfo, base64); empty otherwise.
    pub provider_public_key: String,
    /// `active` or `paused`.
    pub status: String,
    pub last_event_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, tenant_id, merchant_id, provider, name, api_key, webhook_secret, previous_webhook_secret, \
     client_id, webhook_id, provider_public_key, status, last_event_at, created_at, updated_at";

pub async fn insert_in_tx(conn: &mut AnyConnection, a: &AccountRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO payment_accounts (id, tenant_id, merchant_id, provider, name, api_key, webhook_secret, \
         previous_webhook_secret, client_id, webhook_id, provider_public_key, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
    )
    .bind(&a.id)
    .bind(&a.tenant_id)
    .bind(&a.merchant_id)
    .bind(&a.provider)
    .bind(&a.name)
    .bind(&a.api_key)
    .bind(&a.webhook_secret)
    .bind(&a.previous_webhook_secret)
    .bind(&a.client_id)
    .bind(&a.webhook_id)
    .bind(&a.provider_public_key)
    .bind(&a.status)
    .bind(a.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes the name, secrets and status if the row is still as read (`read_at` its `updated_at`
/// then); `false` when another change came first.
pub async fn update_in_tx(conn: &mut AnyConnection, a: &AccountRow, read_at: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE payment_accounts SET name = $3, api_key = $4, webhook_secret = $5, previous_webhook_secret = $6, \
         client_id = $10, webhook_id = $11, provider_public_key = $12, status = $7, updated_at = $8 \
         WHERE tenant_id = $1 AND id = $2 AND updated_at = $9",
    )
    .bind(&a.tenant_id)
    .bind(&a.id)
    .bind(&a.name)
    .bind(&a.api_key)
    .bind(&a.webhook_secret)
    .bind(&a.previous_webhook_secret)
    .bind(&a.status)
    .bind(a.updated_at)
    .bind(read_at)
    .bind(&a.client_id)
    .bind(&a.webhook_id)
    .bind(&a.provider_public_key)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One account of the operator (a merchant: only its own).
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
    id: &str,
) -> StoreResult<Option<AccountRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payment_accounts WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) AND id = $3"
    )))
    .bind(tenant_id.to_string())
    .bind(crate::merchant_filter(merchant))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// An account by its id alone: a provider's event names only the account, and its signature
/// (checked next) proves it comes from the provider.
pub async fn get_for_event(conn: &mut AnyConnection, id: &str) -> StoreResult<Option<AccountRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM payment_accounts WHERE id = $1")))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// The operator's accounts (a merchant: its own), newest first.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<TenantId>,
) -> StoreResult<Vec<AccountRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payment_accounts WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) \
         ORDER BY created_at DESC, id LIMIT 500"
    )))
    .bind(tenant_id.to_string())
    .bind(crate::merchant_filter(merchant))
    .fetch_all(conn)
    .await?)
}

/// The merchant's active account with `provider`, the newest first: where a payment is created.
pub async fn active_of_merchant(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: TenantId,
    provider: &str,
) -> StoreResult<Option<AccountRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payment_accounts WHERE tenant_id = $1 AND merchant_id = $2 AND provider = $3 \
         AND status = 'active' ORDER BY created_at DESC, id LIMIT 1"
    )))
    .bind(tenant_id.to_string())
    .bind(merchant.to_string())
    .bind(provider)
    .fetch_optional(conn)
    .await?)
}

/// Every account: for re-sealing after a key rotation.
pub async fn all(conn: &mut AnyConnection) -> StoreResult<Vec<AccountRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM payment_accounts ORDER BY id")))
        .fetch_all(conn)
        .await?)
}

/// Writes the sealed secrets again (a key rotation); `false` when the row changed since it was
/// read (`read_at` its `updated_at` then).
pub async fn reseal_in_tx(conn: &mut AnyConnection, a: &AccountRow, read_at: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE payment_accounts SET api_key = $2, webhook_secret = $3, previous_webhook_secret = $4, \
         updated_at = updated_at + 1 WHERE id = $1 AND updated_at = $5",
    )
    .bind(&a.id)
    .bind(&a.api_key)
    .bind(&a.webhook_secret)
    .bind(&a.previous_webhook_secret)
    .bind(read_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records that an event arrived.
pub async fn touch_in_tx(conn: &mut AnyConnection, id: &str, at: Millis) -> StoreResult<()> {
    sqlx::query("UPDATE payment_accounts SET last_event_at = $2 WHERE id = $1")
        .bind(id)
        .bind(at.0)
        .execute(conn)
        .await?;
    Ok(())
}
