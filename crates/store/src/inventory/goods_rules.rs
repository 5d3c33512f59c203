//! The operator's prohibited and restricted goods rules.

use sqlx::{AnyConnection, FromRow};
use tradeport_domain::inventory::Trait;
use tradeport_domain::kernel::{Millis, TenantId};
use tradeport_domain::orders::{GoodsAction, GoodsRule};

use crate::{StoreError, StoreResult};

/// Inserts a rule.
pub async fn insert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    r: &GoodsRule,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO goods_rules (id, tenant_id, code, trait, hs_prefix, destinations, action, message, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(tenant_id.to_string())
    .bind(&r.code)
    .bind(r.trait_.map(|t| t.as_str()))
    .bind(r.hs_prefix.clone())
    .bind(r.destinations.join(","))
    .bind(r.action.as_str())
    .bind(&r.message)
    .bind(now.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// A rule as stored, read by column name.
#[derive(sqlx::FromRow)]
struct RuleRecord {
    code: String,
    #[sqlx(rename = "trait")]
    trait_code: Option<String>,
    hs_prefix: Option<String>,
    destinations: String,
    action: String,
    message: String,
}

/// The operator's rules by code.
pub async fn list(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<Vec<GoodsRule>> {
    let rows = sqlx::query("SELECT code, trait, hs_prefix, destinations, action, message FROM goods_rules WHERE tenant_id = $1 ORDER BY code")
        .bind(tenant_id.to_string())
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            let g = RuleRecord::from_row(r)?;
            Ok(GoodsRule {
                trait_: g.trait_code.as_deref().and_then(Trait::parse),
                destinations: g
                    .destinations
                    .split(',')
                    .filter(|d| !d.is_empty())
                    .map(str::to_string)
                    .collect(),
                action: GoodsAction::parse(&g.action)
                    .ok_or_else(|| StoreError::Corrupt(format!("goods action {}", g.action)))?,
                code: g.code,
                hs_prefix: g.hs_prefix,
                message: g.message,
            })
        })
        .collect()
}

/// Deletes the rule with this code; false when there was none.
pub async fn delete_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, code: &str) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM goods_rules WHERE tenant_id = $1 AND code = $2")
        .bind(tenant_id.to_string())
        .bind(code)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
