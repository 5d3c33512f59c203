//! After-sales policies; empty merchant, category or market means any.

use sqlx::{AnyConnection, Row};
use tradeport_domain::aftersales::{Policy, RequestType};
use tradeport_domain::kernel::{Millis, TenantId};

use crate::{StoreError, StoreResult};

/// A policy as stored, with its id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyRow {
    pub id: String,
    pub policy: Policy,
}

fn any(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// Keeps a policy, replacing the one of the same scope (its id kept); the id.
pub async fn save_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    p: &Policy,
    now: Millis,
) -> StoreResult<String> {
    let allowed: Vec<&str> = p.allowed.iter().map(|t| t.as_str()).collect();
    let row = sqlx::query(
        "INSERT INTO aftersales_policies (id, tenant_id, merchant_key, category, market, window_days, allowed, non_returnable, \
         returnless_below_minor, restocking_fee_bp, updated_at, return_point, warranty_days, force_majeure) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (tenant_id, merchant_key, category, market) DO UPDATE SET window_days = excluded.window_days, \
         allowed = excluded.allowed, non_returnable = excluded.non_returnable, \
         returnless_below_minor = excluded.returnless_below_minor, restocking_fee_bp = excluded.restocking_fee_bp, \
         return_point = excluded.return_point, warranty_days = excluded.warranty_days, \
         force_majeure = excluded.force_majeure, updated_at = excluded.updated_at RETURNING id",
    )
    .bind(id)
    .bind(tenant_id.to_string())
    .bind(any(&p.merchant))
    .bind(any(&p.category))
    .bind(any(&p.market))
    .bind(i64::from(p.window_days))
    .bind(allowed.join(","))
    .bind(i64::from(p.non_returnable))
    .bind(p.returnless_below_minor)
    .bind(i64::from(p.restocking_fee_bp))
    .bind(now.0)
    .bind(&p.return_point)
    .bind(i64::from(p.warranty_days))
    .bind(&p.force_majeure)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get(0)?)
}

/// The operator's policies (a merchant's own and those for every merchant, when `merchant` is set).
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant: Option<&str>,
) -> StoreResult<Vec<PolicyRow>> {
    let rows = sqlx::query(
        "SELECT id, merchant_key, category, market, window_days, allowed, non_returnable, returnless_below_minor, \
         restocking_fee_bp, return_point, warranty_days, force_majeure FROM aftersales_policies WHERE tenant_id = $1 AND ($2 = '' OR merchant_key IN ('', $2)) \
         ORDER BY merchant_key, category, market",
    )
    .bind(tenant_id.to_string())
    .bind(merchant.unwrap_or(""))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let opt = |n: usize| r.try_get::<String, _>(n).map(|s| Some(s).filter(|s| !s.is_empty()));
            let allowed: String = r.try_get(5)?;
            let allowed = allowed
                .split(',')
                .filter(|a| !a.is_empty())
                .map(|a| {
                    RequestType::parse(a).ok_or_else(|| StoreError::Corrupt(format!("request type {a}")))
                })
                .collect::<StoreResult<Vec<_>>>()?;
            let number = |n: usize| r.try_get::<i64, _>(n);
            Ok(PolicyRow {
                id: r.try_get(0)?,
                policy: Policy {
                    merchant: opt(1)?,
                    category: opt(2)?,
                    market: opt(3)?,
                    window_days: u32::try_from(number(4)?)
                        .map_err(|_| StoreError::Corrupt("window_days".into()))?,
                    allowed,
                    non_returnable: number(6)? != 0,
                    returnless_below_minor: number(7)?,
                    restocking_fee_bp: u32::try_from(number(8)?)
                        .map_err(|_| StoreError::Corrupt("restocking_fee_bp".into()))?,
                    return_point: r.try_get(9)?,
                    warranty_days: u32::try_from(number(10)?)
                        .map_err(|_| StoreError::Corrupt("warranty_days".into()))?,
                    force_majeure: r.try_get(11)?,
                },
            })
        })
        .collect()
}
