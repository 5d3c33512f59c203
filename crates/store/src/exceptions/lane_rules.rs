//! The operator's exception rules per lane; empty origin, destination or service means any.

use sqlx::{AnyConnection, Row};
use tradeport_domain::exceptions::{LaneRule, RuleKind};
use tradeport_domain::kernel::{Millis, TenantId};
use tradeport_domain::sla::Department;

use crate::{StoreError, StoreResult};

/// A rule as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaneRuleRow {
    pub id: String,
    pub rule: LaneRule,
    pub created_at: Millis,
}

/// Keeps a rule; a rule of the same kind on the same lane is replaced (its id kept). Returns the
/// rule's id.
pub async fn save_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    id: &str,
    r: &LaneRule,
    now: Millis,
) -> StoreResult<String> {
    let row = sqlx::query(
        "INSERT INTO lane_rules (id, tenant_id, origin, destination, service, kind, threshold, department, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (tenant_id, origin, destination, service, kind) DO UPDATE SET threshold = excluded.threshold, \
         department = excluded.department RETURNING id",
    )
    .bind(id)
    .bind(tenant_id.to_string())
    .bind(r.origin.as_deref().unwrap_or(""))
    .bind(r.destination.as_deref().unwrap_or(""))
    .bind(r.service.as_deref().unwrap_or(""))
    .bind(r.kind.as_str())
    .bind(r.threshold)
    .bind(r.department.as_str())
    .bind(now.0)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get(0)?)
}

/// Removes a rule; true when there was one.
pub async fn delete_in_tx(conn: &mut AnyConnection, tenant_id: TenantId, id: &str) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM lane_rules WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id.to_string())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The operator's rules, by lane.
pub async fn list(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<Vec<LaneRuleRow>> {
    let rows = sqlx::query(
        "SELECT id, origin, destination, service, kind, threshold, department, created_at FROM lane_rules \
         WHERE tenant_id = $1 ORDER BY origin, destination, service, kind",
    )
    .bind(tenant_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let any = |n: usize| r.try_get::<String, _>(n).map(|s| Some(s).filter(|s| !s.is_empty()));
            let (kind, department): (String, String) = (r.try_get(4)?, r.try_get(6)?);
            Ok(LaneRuleRow {
                id: r.try_get(0)?,
                rule: LaneRule {
                    origin: any(1)?,
                    destination: any(2)?,
                    service: any(3)?,
                    kind: RuleKind::parse(&kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("rule kind {kind}")))?,
                    threshold: r.try_get(5)?,
                    department: Department::parse(&department)
                        .ok_or_else(|| StoreError::Corrupt(format!("department {department}")))?,
                },
                created_at: Millis(r.try_get(7)?),
            })
        })
        .collect()
}
