//! Merchants' standing disposition rules (migration 0031): one disposition per item condition.

use sqlx::AnyConnection;
use tradeport_domain::aftersales::{Disposition, ItemCondition};
use tradeport_domain::kernel::{Millis, TenantId};

use crate::{StoreError, StoreResult};

/// The merchant's rules, in condition order.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: TenantId,
) -> StoreResult<Vec<(ItemCondition, Disposition)>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT condition, disposition FROM disposition_rules WHERE tenant_id = $1 AND merchant_id = $2",
    )
    .bind(tenant_id.to_string())
    .bind(merchant.to_string())
    .fetch_all(conn)
    .await?;
    let mut rules = rows
        .into_iter()
        .map(|(c, d)| match (ItemCondition::parse(&c), Disposition::parse(&d)) {
            (Some(c), Some(d)) => Ok((c, d)),
            _ => Err(StoreError::Corrupt(format!("disposition rule {c} {d}"))),
        })
        .collect::<StoreResult<Vec<_>>>()?;
    rules.sort();
    Ok(rules)
}

/// Replaces the merchant's rules with `rules`.
pub async fn replace_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: TenantId,
    rules: &[(ItemCondition, Disposition)],
    now: Millis,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM disposition_rules WHERE tenant_id = $1 AND merchant_id = $2")
        .bind(tenant_id.to_string())
        .bind(merchant.to_string())
        .execute(&mut *conn)
        .await?;
    for (c, d) in rules {
        sqlx::query(
            "INSERT INTO disposition_rules (tenant_id, merchant_id, condition, disposition, updated_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(tenant_id.to_string())
        .bind(merchant.to_string())
        .bind(c.as_str())
        .bind(d.as_str())
        .bind(now.0)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
