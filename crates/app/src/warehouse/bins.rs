//! Bins of a warehouse (INV-1): one by one or from CSV, a SKU's fixed bin, and what lies where.

use jiff::civil::Date;
use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{BinId, FieldError, SkuId};
use tradeport_domain::warehouse::{BinInput, NewBin, validate_bin};
use tradeport_store::inventory::skus::{self, SkuRow};
use tradeport_store::warehouse::bins::{self, BinContent, BinRow};

use super::{invalid, warehouse_for};
use crate::inventory::{ImportReport, RowError};
use crate::{App, AppError, AppResult, parse_id};

/// A bin.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BinView {
    pub id: String,
    pub warehouse_id: String,
    pub code: String,
    pub zone: String,
    pub walk_sequence: i64,
    /// 0: no limit.
    pub capacity_units: i64,
    pub allowed_traits: Vec<String>,
    pub fixed_sku_id: Option<String>,
    /// Units of every SKU in the bin.
    pub units: i64,
    /// A pallet position.
    pub pallet: bool,
}

impl From<BinRow> for BinView {
    fn from(b: BinRow) -> Self {
        Self {
            id: b.id.to_string(),
            warehouse_id: b.warehouse_id.to_string(),
            code: b.code,
            zone: b.zone,
            walk_sequence: b.walk_sequence,
            capacity_units: b.capacity_units,
            allowed_traits: b.allowed_traits.iter().map(|t| t.as_str().to_string()).collect(),
            fixed_sku_id: b.fixed_sku_id.map(|s| s.to_string()),
            units: b.total,
            pallet: b.pallet,
        }
    }
}

/// Creates a bin, or changes the bin with the same code. Admins and warehouse staff.
pub async fn save_bin(
    app: &App,
    principal: &Principal,
    warehouse_id: &str,
    input: &BinInput,
) -> AppResult<BinView> {
    principal.require(Permission::OperateWarehouse)?;
    let operator = principal.scope.operator_id;
    let bin = validate_bin(input, "").map_err(AppError::Invalid)?;
    let mut conn = app.db().read().await?;
    let wh = warehouse_for(&mut conn, principal, warehouse_id).await?;
    drop(conn);
    let mut tx = app.begin().await?;
    bins::upsert_in_tx(&mut tx, operator, wh.id, app.new_id(), &bin, app.now()).await?;
    let saved = bins::by_code(&mut tx, operator, wh.id, &bin.code)
        .await?
        .ok_or_else(|| AppError::Internal("a saved bin is missing in its own transaction".into()))?;
    tx.commit().await?;
    Ok(saved.into())
}

/// Imports bins from CSV with a header row (`zone,aisle,rack,level,position,walk_sequence,
/// capacity_units,allowed_traits`; traits separated by `|`). Every row is checked first; when any
/// is wrong nothing is saved and every problem is reported with its row.
pub async fn import_bins_csv(
    app: &App,
    principal: &Principal,
    warehouse_id: &str,
    csv_text: &str,
) -> AppResult<ImportReport> {
    principal.require(Permission::OperateWarehouse)?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let wh = warehouse_for(&mut conn, principal, warehouse_id).await?;
    drop(conn);
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(csv_text.as_bytes());
    let unreadable = |row: usize, e: csv::Error| {
        invalid("csv", "unreadable_csv", format!("row {row} cannot be read as CSV: {e}"))
    };
    let headers = reader.headers().map_err(|e| unreadable(0, e))?.clone();
    for required in ["zone", "aisle", "rack", "level", "position"] {
        if !headers.iter().any(|h| h == required) {
            return Err(invalid(
                "csv",
                "missing_header",
                "the first row must name the columns: zone, aisle, rack, level, position, walk_sequence, capacity_units, allowed_traits",
            ));
        }
    }
    let mut valid: Vec<NewBin> = Vec::new();
    let mut errors = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| unreadable(n + 1, e))?;
        let get = |col: &str| {
            headers.iter().position(|h| h == col).and_then(|i| record.get(i)).unwrap_or("").to_string()
        };
        let mut bad_numbers = Vec::new();
        let mut number = |col: &str| {
            let raw = get(col);
            if raw.is_empty() {
                return 0;
            }
            raw.parse::<i64>().unwrap_or_else(|_| {
                bad_numbers.push(FieldError::new(
                    col,
                    "not_a_number",
                    format!("{col} must be a whole number, not {raw:?}"),
                ));
                -1
            })
        };
        let input = BinInput {
            zone: get("zone"),
            aisle: get("aisle"),
            rack: get("rack"),
            level: get("level"),
            position: get("position"),
            walk_sequence: number("walk_sequence"),
            capacity_units: number("capacity_units"),
            allowed_traits: get("allowed_traits")
                .split('|')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(String::from)
                .collect(),
            pallet: matches!(get("pallet").trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes"),
        };
        let result = validate_bin(&input, "");
        let row_errors: Vec<FieldError> = match result {
            Ok(bin) if bad_numbers.is_empty() => {
                if valid.iter().any(|v| v.code == bin.code) {
                    vec![FieldError::new(
                        "position",
                        "duplicate",
                        format!("bin {} appears twice in the file", bin.code),
                    )]
                } else {
                    valid.push(bin);
                    Vec::new()
                }
            }
            Ok(_) => bad_numbers,
            Err(mut e) => {
                e.retain(|f| !bad_numbers.iter().any(|b| b.field == f.field));
                bad_numbers.into_iter().chain(e).collect()
            }
        };
        errors.extend(row_errors.into_iter().map(|e| RowError {
            row: n + 1,
            field: e.field,
            message: e.message,
        }));
    }
    if !errors.is_empty() {
        return Ok(ImportReport { saved: 0, errors });
    }
    let now = app.now();
    let mut tx = app.begin().await?;
    for bin in &valid {
        bins::upsert_in_tx(&mut tx, operator, wh.id, app.new_id(), bin, now).await?;
    }
    let data = serde_json::json!({ "rows": valid.len(), "warehouse_id": wh.id }).to_string();
    let event = tradeport_store::events::NewEvent {
        data,
        ..app.event(principal.actor, "warehouse", wh.id, "bins_imported")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(ImportReport { saved: valid.len(), errors })
}

/// A warehouse's bins in walking order.
pub async fn list_bins(app: &App, principal: &Principal, warehouse_id: &str) -> AppResult<Vec<BinView>> {
    principal.require(Permission::OperateWarehouse)?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let wh = warehouse_for(&mut conn, principal, warehouse_id).await?;
    Ok(bins::list(&mut conn, operator, wh.id).await?.into_iter().map(BinView::from).collect())
}

/// Makes a bin the fixed bin of a SKU (put-away sends the SKU there first), or of none.
pub async fn set_fixed_sku(
    app: &App,
    principal: &Principal,
    bin_id: &str,
    sku_id: Option<&str>,
) -> AppResult<BinView> {
    principal.require(Permission::OperateWarehouse)?;
    let operator = principal.scope.operator_id;
    let bin_id: BinId = parse_id(bin_id, "bin")?;
    let sku: Option<SkuId> =
        sku_id.map(str::trim).filter(|s| !s.is_empty()).map(|s| parse_id(s, "SKU")).transpose()?;
    let mut tx = app.begin().await?;
    let bin = bins::get(&mut tx, operator, bin_id).await?.ok_or(AppError::NotFound("bin"))?;
    super::check_warehouse(&mut tx, principal, bin.warehouse_id).await?;
    if let Some(s) = sku {
        skus::get(&mut tx, operator, None, s).await?.ok_or(AppError::NotFound("SKU"))?;
    }
    bins::set_fixed_sku_in_tx(&mut tx, operator, bin_id, sku, app.now()).await?;
    let bin = bins::get(&mut tx, operator, bin_id).await?.ok_or(AppError::NotFound("bin"))?;
    tx.commit().await?;
    Ok(bin.into())
}

/// Units of one SKU in one bin.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BinContentView {
    pub bin_id: String,
    pub bin_code: String,
    pub zone: String,
    pub sku_id: String,
    pub sku: String,
    pub merchant_id: String,
    /// Empty for stock without a lot.
    pub lot: String,
    /// `YYYY-MM-DD`, when the lot has one.
    pub expiry: Option<String>,
    pub units: i64,
}

impl BinContentView {
    /// Units of `sku` of `lot` in `bin`.
    pub(crate) fn of(bin: &BinRow, sku: &SkuRow, lot: &str, expiry: Option<Date>, units: i64) -> Self {
        Self {
            bin_id: bin.id.to_string(),
            bin_code: bin.code.clone(),
            zone: bin.zone.clone(),
            sku_id: sku.id.to_string(),
            sku: sku.sku.clone(),
            merchant_id: sku.merchant_id.to_string(),
            lot: lot.to_string(),
            expiry: expiry.map(|d| d.to_string()),
            units,
        }
    }
}

impl From<BinContent> for BinContentView {
    fn from(c: BinContent) -> Self {
        Self {
            bin_id: c.bin_id.to_string(),
            bin_code: c.bin_code,
            zone: c.zone,
            sku_id: c.sku_id.to_string(),
            sku: c.sku,
            merchant_id: c.merchant_id.to_string(),
            lot: c.lot,
            expiry: c.expiry.map(|d| d.to_string()),
            units: c.qty,
        }
    }
}

/// What lies in a warehouse's bins, in walking order: a merchant sees only its own goods.
pub async fn bin_contents(
    app: &App,
    principal: &Principal,
    warehouse_id: &str,
) -> AppResult<Vec<BinContentView>> {
    principal.require(Permission::ViewInventory)?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let wh = warehouse_for(&mut conn, principal, warehouse_id).await?;
    let rows = bins::contents(&mut conn, operator, wh.id, principal.scope.merchant_id, &[]).await?;
    Ok(rows.into_iter().map(BinContentView::from).collect())
}
