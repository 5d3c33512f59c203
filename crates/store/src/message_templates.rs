//! Operators' own wording of buyer messages (migration 0013), one row per message and language.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::kernel::{Millis, TenantId};
use tradeport_domain::notifications::TemplateInput;

use crate::StoreResult;

/// A kept wording.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct TemplateRow {
    pub message: String,
    pub language: String,
    pub subject: String,
    pub body: String,
    pub sms: String,
    pub updated_by: String,
    pub updated_at: i64,
}

/// Keeps a wording, replacing the one before.
pub async fn put_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    message: &str,
    language: &str,
    wording: &TemplateInput,
    updated_by: &str,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO message_templates (tenant_id, message, language, subject, body, sms, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (tenant_id, message, language) DO UPDATE SET \
         subject = excluded.subject, body = excluded.body, sms = excluded.sms, updated_by = excluded.updated_by, \
         updated_at = excluded.updated_at",
    )
    .bind(tenant_id.to_string())
    .bind(message)
    .bind(language)
    .bind(&wording.subject)
    .bind(&wording.body)
    .bind(&wording.sms)
    .bind(updated_by)
    .bind(now.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes a wording (the catalogue's applies again); false when there was none.
pub async fn remove_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    message: &str,
    language: &str,
) -> StoreResult<bool> {
    let done =
        sqlx::query("DELETE FROM message_templates WHERE tenant_id = $1 AND message = $2 AND language = $3")
            .bind(tenant_id.to_string())
            .bind(message)
            .bind(language)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// The wording of one message in one language, if the operator wrote one.
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    message: &str,
    language: &str,
) -> StoreResult<Option<TemplateRow>> {
    Ok(sqlx::query_as(
        "SELECT message, language, subject, body, sms, updated_by, updated_at FROM message_templates \
         WHERE tenant_id = $1 AND message = $2 AND language = $3",
    )
    .bind(tenant_id.to_string())
    .bind(message)
    .bind(language)
    .fetch_optional(conn)
    .await?)
}

/// Every wording the operator wrote.
pub async fn list(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<Vec<TemplateRow>> {
    Ok(sqlx::query_as(
        "SELECT message, language, subject, body, sms, updated_by, updated_at FROM message_templates \
         WHERE tenant_id = $1 ORDER BY message, language",
    )
    .bind(tenant_id.to_string())
    .fetch_all(conn)
    .await?)
}
