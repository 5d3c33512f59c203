//! The catalogue: SKUs one at a time or from CSV.

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::inventory::{SkuInput, validate_sku};
use tradeport_domain::kernel::FieldError;
use tradeport_store::inventory::skus::{self, SkuRow};

use super::{check_merchant, merchant_for};
use crate::{App, AppError, AppResult, Page, PageRequest};

/// A SKU.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SkuView {
    pub id: String,
    pub merchant_id: String,
    pub sku: String,
    pub name: String,
    pub barcode: String,
    pub weight_g: i64,
    pub length_mm: i64,
    pub width_mm: i64,
    pub height_mm: i64,
    pub declared_value_minor: i64,
    pub declared_currency: String,
    pub hs_code: String,
    pub origin_country: String,
    pub category: String,
    pub traits: Vec<String>,
    pub active: bool,
    /// Stock kept by lot and expiry.
    pub lot_tracked: bool,
}

impl From<SkuRow> for SkuView {
    fn from(s: SkuRow) -> Self {
        Self {
            id: s.id.to_string(),
            merchant_id: s.merchant_id.to_string(),
            sku: s.sku,
            name: s.name,
            barcode: s.barcode,
            weight_g: s.weight_g,
            length_mm: s.dims_mm[0],
            width_mm: s.dims_mm[1],
            height_mm: s.dims_mm[2],
            declared_value_minor: s.declared_value_minor,
            declared_currency: s.declared_currency,
            hs_code: s.hs_code,
            origin_country: s.origin_country,
            category: s.category,
            traits: s.traits.iter().map(|t| t.as_str().to_string()).collect(),
            active: s.active,
            lot_tracked: s.lot_tracked,
        }
    }
}

/// Refuses to turn lot tracking on or off while the SKU lies in bins: its bin stock is kept per
/// lot (or without one), and the change would strand it.
async fn refuse_lot_change_in_use(
    conn: &mut tradeport_store::AnyConnection,
    operator: tradeport_domain::kernel::TenantId,
    merchant: tradeport_domain::kernel::TenantId,
    sku: &tradeport_domain::inventory::NewSku,
) -> AppResult<()> {
    let Some(wanted) = sku.lot_tracked else { return Ok(()) };
    let stored = skus::find_by_codes(conn, operator, merchant, std::slice::from_ref(&sku.sku)).await?;
    let Some(current) = stored.into_iter().find(|s| s.sku == sku.sku) else { return Ok(()) };
    if current.lot_tracked != wanted
        && tradeport_store::warehouse::bins::units_of_sku(conn, operator, current.id).await? > 0
    {
        return Err(AppError::Conflict {
            code: "sku.lot_tracking_in_use",
            message: format!(
                "{} lies in bins; move it out (or count it to zero) before turning lot tracking {}",
                sku.sku,
                if wanted { "on" } else { "off" }
            ),
            fields: vec![tradeport_domain::kernel::FieldError::new(
                "lot_tracked",
                "in_use",
                "the SKU lies in bins",
            )],
        });
    }
    Ok(())
}

/// Creates or updates (same code) a SKU of a merchant.
pub async fn upsert_sku(
    app: &App,
    principal: &Principal,
    merchant_id: Option<&str>,
    input: &SkuInput,
) -> AppResult<SkuView> {
    principal.require(Permission::ManageCatalog)?;
    let merchant = merchant_for(principal, merchant_id)?;
    check_merchant(app, principal, merchant).await?;
    let sku = validate_sku(input).map_err(AppError::Invalid)?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    refuse_lot_change_in_use(&mut tx, operator, merchant, &sku).await?;
    let id = skus::upsert_in_tx(&mut tx, operator, merchant, app.new_id(), &sku, app.now()).await?;
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(merchant),
        ..app.event(principal.actor, "sku", id, "sku_saved")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    let row = skus::get(&mut tx, operator, None, id).await?.ok_or(AppError::NotFound("SKU"))?;
    tx.commit().await?;
    Ok(row.into())
}

/// A page of SKUs the principal may see.
pub async fn list_skus(
    app: &App,
    principal: &Principal,
    merchant_id: Option<&str>,
    page: &PageRequest,
) -> AppResult<Page<SkuView>> {
    principal.require(Permission::ViewInventory)?;
    let limit = page.limit().map_err(|e| AppError::Invalid(vec![e]))?;
    let after = page.id_cursor().map_err(|e| AppError::Invalid(vec![e]))?;
    let merchant = match (principal.scope.merchant_id, merchant_id) {
        (Some(own), _) => Some(own),
        (None, Some(m)) if !m.is_empty() => Some(m.parse().map_err(|_| AppError::NotFound("merchant"))?),
        _ => None,
    };
    let mut conn = app.db().read().await?;
    let rows = skus::list(&mut conn, principal.scope.operator_id, merchant, after, limit + 1).await?;
    Ok(Page::from_rows(rows.into_iter().map(SkuView::from).collect(), limit, |s: &SkuView| s.id.clone()))
}

/// What a CSV import did: rows saved, and each refused row's problems.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub saved: usize,
    pub errors: Vec<RowError>,
}

/// The problems of one CSV row (1 is the first row after the header).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub row: usize,
    pub field: String,
    pub message: String,
}

/// Imports SKUs from CSV with a header row naming the columns (`sku,name,barcode,weight_g,
/// length_mm,width_mm,height_mm,declared_value_minor,declared_currency,hs_code,origin_country,
/// category,traits,active`; `traits` separated by `|`). All rows are checked first; when any row
/// is wrong nothing is saved and every problem is reported, so a corrected file can be sent again.
pub async fn import_skus_csv(
    app: &App,
    principal: &Principal,
    merchant_id: Option<&str>,
    csv_text: &str,
) -> AppResult<ImportReport> {
    principal.require(Permission::ManageCatalog)?;
    let merchant = merchant_for(principal, merchant_id)?;
    check_merchant(app, principal, merchant).await?;
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(csv_text.as_bytes());
    let headers = reader.headers().map_err(|e| csv_error(0, e))?.clone();
    if !headers.iter().any(|h| h == "sku") {
        return Err(AppError::Invalid(vec![FieldError::new(
            "csv",
            "missing_header",
            "the first row must name the columns and include sku and name",
        )]));
    }
    let mut valid = Vec::new();
    let mut errors = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| csv_error(n + 1, e))?;
        let get = |col: &str| {
            headers.iter().position(|h| h == col).and_then(|i| record.get(i)).unwrap_or("").to_string()
        };
        let number = |col: &str| get(col).parse::<i64>().unwrap_or(0);
        let input = SkuInput {
            sku: get("sku"),
            name: get("name"),
            barcode: get("barcode"),
            weight_g: number("weight_g"),
            length_mm: number("length_mm"),
            width_mm: number("width_mm"),
            height_mm: number("height_mm"),
            declared_value_minor: number("declared_value_minor"),
            declared_currency: get("declared_currency"),
            hs_code: get("hs_code"),
            origin_country: get("origin_country"),
            category: get("category"),
            traits: get("traits").split('|').filter(|t| !t.trim().is_empty()).map(str::to_string).collect(),
            active: match get("active").to_ascii_lowercase().as_str() {
                "false" | "0" | "no" => Some(false),
                _ => Some(true),
            },
            lot_tracked: match get("lot_tracked").to_ascii_lowercase().as_str() {
                "" => None,
                v => Some(matches!(v, "true" | "1" | "yes")),
            },
        };
        match validate_sku(&input) {
            Ok(sku) => valid.push(sku),
            Err(problems) => errors.extend(problems.into_iter().map(|p| RowError {
                row: n + 1,
                field: p.field,
                message: p.message,
            })),
        }
    }
    if !errors.is_empty() {
        return Ok(ImportReport { saved: 0, errors });
    }
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    for sku in &valid {
        refuse_lot_change_in_use(&mut tx, operator, merchant, sku).await?;
        skus::upsert_in_tx(&mut tx, operator, merchant, app.new_id(), sku, app.now()).await?;
    }
    let data = serde_json::json!({ "rows": valid.len() }).to_string();
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(merchant),
        data,
        ..app.event(principal.actor, "sku", "csv", "skus_imported")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(ImportReport { saved: valid.len(), errors })
}

fn csv_error(row: usize, e: csv::Error) -> AppError {
    AppError::Invalid(vec![FieldError::new(
        "csv",
        "unreadable_csv",
        format!("row {row} cannot be read as CSV: {e}"),
    )])
}
