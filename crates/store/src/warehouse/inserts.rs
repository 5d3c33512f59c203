//! Merchants' packing inserts (WMS-6).

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::{Currency, Millis, Money, TenantId};
use tradeport_domain::warehouse::{InsertKind, NewInsert};

use crate::values::id_at;
use crate::{StoreError, StoreResult};

/// A stored insert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsertRow {
    pub id: String,
    pub merchant_id: TenantId,
    pub insert: NewInsert,
}

/// Adds an insert, or changes the merchant's insert with the same code.
pub async fn upsert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: TenantId,
    id: &str,
    i: &NewInsert,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO packing_inserts (id, tenant_id, merchant_id, code, name, kind, weight_g, min_order_minor, currency, active, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
         ON CONFLICT (merchant_id, code) DO UPDATE SET name = excluded.name, kind = excluded.kind, weight_g = excluded.weight_g, \
         min_order_minor = excluded.min_order_minor, currency = excluded.currency, active = excluded.active, \
         updated_at = excluded.updated_at",
    )
    .bind(id)
    .bind(tenant_id.to_string())
    .bind(merchant_id.to_string())
    .bind(&i.code)
    .bind(&i.name)
    .bind(i.kind.as_str())
    .bind(i.weight_g)
    .bind(i.min_order.map_or(0, Money::minor))
    .bind(i.min_order.map_or("", |m| m.currency().code()))
    .bind(i64::from(i.active))
    .bind(now.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// A merchant's inserts (every merchant's when `merchant_id` is `None`), by merchant and code.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: Option<TenantId>,
) -> StoreResult<Vec<InsertRow>> {
    let rows = sqlx::query(
        "SELECT id, merchant_id, code, name, kind, weight_g, min_order_minor, currency, active FROM packing_inserts \
         WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) ORDER BY merchant_id, code",
    )
    .bind(tenant_id.to_string())
    .bind(crate::merchant_filter(merchant_id))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get(4)?;
            let min: i64 = r.try_get(6)?;
            let currency: String = r.try_get(7)?;
            let min_order = if min == 0 {
                None
            } else {
                let c = Currency::parse_stored(&currency)
                    .ok_or_else(|| StoreError::Corrupt(format!("insert currency {currency}")))?;
                Some(Money::new(min, c).map_err(|e| StoreError::Corrupt(format!("insert threshold: {e}")))?)
            };
            Ok(InsertRow {
                id: r.try_get(0)?,
                merchant_id: id_at(r, 1, "merchant")?,
                insert: NewInsert {
                    code: r.try_get(2)?,
                    name: r.try_get(3)?,
                    kind: InsertKind::parse(&kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("insert kind {kind}")))?,
                    weight_g: r.try_get(5)?,
                    min_order,
                    active: r.try_get::<i64, _>(8)? != 0,
                },
            })
        })
        .collect()
}
