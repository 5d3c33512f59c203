//! The merchants' catalogue.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, FromRow};
use tradeport_domain::inventory::{NewSku, Trait};
use tradeport_domain::kernel::{Millis, SkuId, TenantId};

use crate::StoreResult;
use crate::access::{parse_id, parse_tenant_id};
use crate::sql::Sql;

/// A stored SKU.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkuRow {
    pub id: SkuId,
    pub merchant_id: TenantId,
    pub sku: String,
    pub name: String,
    pub barcode: String,
    pub weight_g: i64,
    pub dims_mm: [i64; 3],
    pub declared_value_minor: i64,
    pub declared_currency: String,
    pub hs_code: String,
    pub origin_country: String,
    pub category: String,
    pub traits: Vec<Trait>,
    pub active: bool,
    pub lot_tracked: bool,
}

const COLUMNS: &str = "id, merchant_id, sku, name, barcode, weight_g, length_mm, width_mm, height_mm, \
    declared_value_minor, declared_currency, hs_code, origin_country, category, traits, active, lot_tracked";

/// A SKU as stored, read by column name.
#[derive(sqlx::FromRow)]
struct SkuRecord {
    id: String,
    merchant_id: String,
    sku: String,
    name: String,
    barcode: String,
    weight_g: i64,
    length_mm: i64,
    width_mm: i64,
    height_mm: i64,
    declared_value_minor: i64,
    declared_currency: String,
    hs_code: String,
    origin_country: String,
    category: String,
    traits: String,
    active: i64,
    lot_tracked: i64,
}

fn from_row(r: &AnyRow) -> StoreResult<SkuRow> {
    let s = SkuRecord::from_row(r)?;
    Ok(SkuRow {
        id: parse_id(&s.id, "SKU id")?,
        merchant_id: parse_tenant_id(&s.merchant_id)?,
        sku: s.sku,
        name: s.name,
        barcode: s.barcode,
        weight_g: s.weight_g,
        dims_mm: [s.length_mm, s.width_mm, s.height_mm],
        declared_value_minor: s.declared_value_minor,
        declared_currency: s.declared_currency,
        hs_code: s.hs_code,
        origin_country: s.origin_country,
        category: s.category,
        traits: s.traits.split(',').filter_map(Trait::parse).collect(),
        active: s.active != 0,
        lot_tracked: s.lot_tracked != 0,
    })
}

fn traits_text(traits: &[Trait]) -> String {
    traits.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(",")
}

/// Inserts a SKU, or updates the one with the same code for the merchant; returns its id.
pub async fn upsert_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: TenantId,
    id: SkuId,
    s: &NewSku,
    now: Millis,
) -> StoreResult<SkuId> {
    let stored: String = sqlx::query_scalar(
        "INSERT INTO skus (id, tenant_id, merchant_id, sku, name, barcode, weight_g, length_mm, width_mm, height_mm, \
         declared_value_minor, declared_currency, hs_code, origin_country, category, traits, active, lot_tracked, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, COALESCE($19, 0), $18, $18) \
         ON CONFLICT (merchant_id, sku) DO UPDATE SET name = excluded.name, barcode = excluded.barcode, \
         weight_g = excluded.weight_g, length_mm = excluded.length_mm, width_mm = excluded.width_mm, \
         height_mm = excluded.height_mm, declared_value_minor = excluded.declared_value_minor, \
         declared_currency = excluded.declared_currency, hs_code = excluded.hs_code, \
         origin_country = excluded.origin_country, category = excluded.category, traits = excluded.traits, \
         active = excluded.active, lot_tracked = COALESCE($19, skus.lot_tracked), updated_at = excluded.updated_at RETURNING id",
    )
    .bind(id.to_string())
    .bind(tenant_id.to_string())
    .bind(merchant_id.to_string())
    .bind(&s.sku)
    .bind(&s.name)
    .bind(&s.barcode)
    .bind(s.weight_g)
    .bind(s.dims_mm[0])
    .bind(s.dims_mm[1])
    .bind(s.dims_mm[2])
    .bind(s.declared_value_minor)
    .bind(s.declared_currency.code())
    .bind(&s.hs_code)
    .bind(&s.origin_country)
    .bind(&s.category)
    .bind(traits_text(&s.traits))
    .bind(i64::from(s.active))
    .bind(now.0)
    .bind(s.lot_tracked.map(i64::from))
    .fetch_one(conn)
    .await?;
    stored.parse().map_err(|_| crate::StoreError::Corrupt(format!("SKU id {stored}")))
}

/// One SKU of the operator, optionally only if it belongs to `merchant_id`.
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: Option<TenantId>,
    id: SkuId,
) -> StoreResult<Option<SkuRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM skus WHERE tenant_id = $1 AND id = $2 AND ($3 = '' OR merchant_id = $3)"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(id.to_string())
        .bind(crate::merchant_filter(merchant_id))
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The SKUs (of one merchant when given) whose code, in upper case, is `code` or whose barcode is
/// one of `barcodes`: what a scan names.
pub async fn find_by_scan(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: Option<TenantId>,
    code: &str,
    barcodes: &[String],
) -> StoreResult<Vec<SkuRow>> {
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM skus WHERE tenant_id = "));
    sql.bind(tenant_id.to_string());
    if let Some(m) = merchant_id {
        sql.push(" AND merchant_id = ").bind(m.to_string());
    }
    sql.push(" AND (UPPER(sku) = ").bind(code.to_string());
    sql.push(" OR barcode IN ").bind_list(barcodes.iter().cloned()).push(") ORDER BY id");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(from_row).collect()
}

/// The merchant's SKUs with these codes.
pub async fn find_by_codes(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: TenantId,
    codes: &[String],
) -> StoreResult<Vec<SkuRow>> {
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM skus WHERE tenant_id = "));
    sql.bind(tenant_id.to_string())
        .push(" AND merchant_id = ")
        .bind(merchant_id.to_string())
        .push(" AND sku IN ");
    sql.bind_list(codes.iter().cloned());
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(from_row).collect()
}

/// A page of SKUs in creation order after `after_id` (`None`: from the first), optionally of one merchant.
pub async fn list(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    merchant_id: Option<TenantId>,
    after_id: Option<SkuId>,
    limit: u32,
) -> StoreResult<Vec<SkuRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM skus WHERE tenant_id = $1 AND ($2 = '' OR merchant_id = $2) AND id > $3 ORDER BY id LIMIT $4"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id.to_string())
        .bind(crate::merchant_filter(merchant_id))
        .bind(after_id.map(|a| a.to_string()).unwrap_or_default())
        .bind(i64::from(limit))
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}
