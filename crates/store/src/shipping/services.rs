//! The carrier-service catalogue: one row per service, its definition as JSON.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::{Millis, TenantId};
use tradeport_domain::shipping::{CarrierService, ServiceInput, validate_service};

use crate::{StoreError, StoreResult};

/// A stored service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceRow {
    pub id: String,
    pub service: CarrierService,
    pub updated_at: Millis,
}

/// Adds services, or replaces the operator's services with the same codes, in one statement each.
pub async fn upsert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    services: &[(String, CarrierService)],
    now: Millis,
) -> StoreResult<()> {
    for (id, s) in services {
        let definition = serde_json::to_string(&s.to_input())
            .map_err(|e| StoreError::Corrupt(format!("service {}: {e}", s.code)))?;
        sqlx::query(
            "INSERT INTO carrier_services (id, tenant_id, code, kind, active, definition, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (tenant_id, code) DO UPDATE SET kind = excluded.kind, \
             active = excluded.active, definition = excluded.definition, updated_at = excluded.updated_at",
        )
        .bind(id.as_str())
        .bind(tenant_id.to_string())
        .bind(&s.code)
        .bind(s.kind.as_str())
        .bind(i64::from(s.active))
        .bind(definition)
        .bind(now.0)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The operator's services by code.
pub async fn list(conn: &mut AnyConnection, tenant_id: TenantId) -> StoreResult<Vec<ServiceRow>> {
    let rows = sqlx::query(
        "SELECT id, code, definition, updated_at FROM carrier_services WHERE tenant_id = $1 ORDER BY code",
    )
    .bind(tenant_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let code: String = r.try_get(1)?;
            let text: String = r.try_get(2)?;
            let input: ServiceInput = serde_json::from_str(&text)
                .map_err(|e| StoreError::Corrupt(format!("service {code}: {e}")))?;
            let service = validate_service(&input)
                .map_err(|e| StoreError::Corrupt(format!("service {code}: {}", e[0].message)))?;
            Ok(ServiceRow { id: r.try_get(0)?, service, updated_at: Millis(r.try_get(3)?) })
        })
        .collect()
}
