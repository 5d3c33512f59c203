//! Order files uploaded by a merchant or staff (ORD-1): upload (the file kept, its headers read,
//! a mapping suggested: the merchant's last one when it fits the headers, else one from the
//! headers), then a dry run or the import, in the background with its progress recorded, then the
//! error file of refused rows to download.

use serde::{Deserialize, Serialize};
use tradeport_connectors::sheets::SheetFormat;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::channels::{ColumnMapping, RowReader, suggest_mapping};
use tradeport_domain::kernel::{FieldError, TenantId};
use tradeport_store::channels::imports::{self, ImportRow, Progress};

use super::import_engine::{ImportSource, headers_and_count, import_file};
use crate::inventory::{check_merchant, merchant_for};
use crate::{App, AppError, AppResult};

/// An import as answered.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ImportView {
    pub id: String,
    pub merchant_id: String,
    pub file_name: String,
    /// The file's header row.
    pub headers: Vec<String>,
    pub mapping: ColumnMapping,
    /// What the mapping lacks before a run can start (each names the column).
    #[schema(value_type = Vec<Object>)]
    pub mapping_problems: Vec<FieldError>,
    /// `mapping` (waiting to be run), `running`, `done`, `failed` or `interrupted`.
    pub status: String,
    pub dry_run: bool,
    pub rows_total: i64,
    pub rows_done: i64,
    /// Orders made (on a dry run: orders that would be made).
    pub orders_created: i64,
    /// Orders the merchant had already (the same file again makes nothing new).
    pub orders_existing: i64,
    pub rows_refused: i64,
    /// Where the refused rows with their reasons are; empty when none was refused.
    pub errors_url: String,
    pub detail: String,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

/// How to run an import.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RunImport {
    /// The mapping to use (and keep for the merchant's next file); absent keeps the suggested one.
    pub mapping: Option<ColumnMapping>,
    /// Check every row and report, without making any order.
    pub dry_run: bool,
}

fn view(i: &ImportRow, now: tradeport_domain::kernel::Millis) -> AppResult<ImportView> {
    let headers: Vec<String> =
        serde_json::from_str(&i.headers).map_err(|e| AppError::Internal(e.to_string()))?;
    let mapping: ColumnMapping =
        serde_json::from_str(&i.mapping).map_err(|e| AppError::Internal(e.to_string()))?;
    let mapping_problems = RowReader::new(&mapping, &headers).err().unwrap_or_default();
    Ok(ImportView {
        id: i.id.clone(),
        merchant_id: i.merchant_id.clone(),
        file_name: i.file_name.clone(),
        headers,
        mapping,
        mapping_problems,
        status: i.status_at(now).to_string(),
        dry_run: i.dry_run != 0,
        rows_total: i.rows_total,
        rows_done: i.rows_done,
        orders_created: i.orders_created,
        orders_existing: i.orders_existing,
        rows_refused: i.rows_refused,
        errors_url: if i.errors_blob.is_empty() {
            String::new()
        } else {
            format!("/api/v1/order-imports/{}/errors", i.id)
        },
        detail: if i.status_at(now) == "interrupted" && i.detail.is_empty() {
            "the server stopped during the run: run it again; orders already taken are not made twice".into()
        } else {
            i.detail.clone()
        },
        created_at: i.created_at,
        finished_at: i.finished_at,
    })
}

fn invalid(field: &str, code: &str, message: impl Into<String>) -> AppError {
    AppError::Invalid(vec![FieldError::new(field, code, message)])
}

/// Keeps an uploaded order file and suggests its mapping. Admins, order managers, merchants.
pub async fn upload_import(
    app: &App,
    principal: &Principal,
    merchant_id: Option<&str>,
    file_name: &str,
    bytes: Vec<u8>,
) -> AppResult<ImportView> {
    principal.require(Permission::ManageChannels)?;
    principal.require(Permission::CreateOrders)?;
    let merchant = merchant_for(principal, merchant_id)?;
    check_merchant(app, principal, merchant).await?;
    let format = SheetFormat::of_file(file_name)
        .ok_or_else(|| invalid("file", "unknown_format", "upload a .csv (UTF-8) or .xlsx file"))?;
    let file_blob = app.blobs()?.put(&bytes).map_err(|e| AppError::Internal(e.to_string()))?;
    let (headers, rows_total) = headers_and_count(ImportSource::Bytes(bytes), format).await?;
    let operator = principal.scope.operator_id;
    let mapping = suggested_mapping(app, operator, merchant, &headers).await?;
    let row = ImportRow {
        id: app.new_uuid().to_string(),
        tenant_id: operator.to_string(),
        merchant_id: merchant.to_string(),
        file_name: file_name.chars().take(200).collect(),
        file_blob,
        headers: serde_json::to_string(&headers).map_err(|e| AppError::Internal(e.to_string()))?,
        mapping: serde_json::to_string(&mapping).map_err(|e| AppError::Internal(e.to_string()))?,
        status: "mapping".into(),
        dry_run: 0,
        rows_total,
        rows_done: 0,
        orders_created: 0,
        orders_existing: 0,
        rows_refused: 0,
        errors_blob: String::new(),
        detail: String::new(),
        created_at: app.now().0,
        updated_at: app.now().0,
        finished_at: None,
    };
    let mut tx = app.begin().await?;
    imports::insert_in_tx(&mut tx, &row).await?;
    tx.commit().await?;
    view(&row, app.now())
}

/// The mapping for a file with `headers`: the merchant's last one when it fits them, else the
/// one the headers suggest.
pub async fn suggested_mapping(
    app: &App,
    operator: TenantId,
    merchant: TenantId,
    headers: &[String],
) -> AppResult<ColumnMapping> {
    let mut conn = app.db().read().await?;
    let saved: Option<ColumnMapping> = imports::saved_mapping(&mut conn, operator, merchant)
        .await?
        .and_then(|m| serde_json::from_str(&m).ok());
    Ok(saved.filter(|m| RowReader::new(m, headers).is_ok()).unwrap_or_else(|| suggest_mapping(headers)))
}

async fn load(app: &App, principal: &Principal, id: &str) -> AppResult<ImportRow> {
    let mut conn = app.db().read().await?;
    imports::get(&mut conn, principal.scope.operator_id, principal.scope.merchant_id, id.trim())
        .await?
        .ok_or(AppError::NotFound("import"))
}

/// Starts a dry run or the import of an uploaded file, in the background.
pub async fn run_import(app: &App, principal: &Principal, id: &str, r: &RunImport) -> AppResult<ImportView> {
    principal.require(Permission::ManageChannels)?;
    principal.require(Permission::CreateOrders)?;
    let i = load(app, principal, id).await?;
    let headers: Vec<String> =
        serde_json::from_str(&i.headers).map_err(|e| AppError::Internal(e.to_string()))?;
    let mapping = match &r.mapping {
        Some(m) => m.clone(),
        None => serde_json::from_str(&i.mapping).map_err(|e| AppError::Internal(e.to_string()))?,
    };
    let reader = RowReader::new(&mapping, &headers).map_err(AppError::Invalid)?;
    let format = SheetFormat::of_file(&i.file_name).ok_or(AppError::NotFound("import"))?;
    let bytes = app.blobs()?.get(&i.file_blob).map_err(|e| AppError::Internal(e.to_string()))?;
    let bytes = bytes.ok_or_else(|| AppError::Internal(format!("the file of import {} is gone", i.id)))?;
    let merchant: TenantId = crate::parse_id(&i.merchant_id, "merchant")?;
    let mapping_json = serde_json::to_string(&mapping).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut tx = app.begin().await?;
    if !imports::start(&mut tx, &i.id, &mapping_json, r.dry_run, app.now()).await? {
        tx.end_unwritten().await?;
        return Err(AppError::Conflict {
            code: "import.running",
            message: "this file is being imported now; wait for it to finish".into(),
            fields: Vec::new(),
        });
    }
    imports::save_mapping(&mut tx, principal.scope.operator_id, merchant, &mapping_json, app.now()).await?;
    tx.commit().await?;
    let (app2, principal2, id2, dry_run) = (app.clone(), *principal, i.id.clone(), r.dry_run);
    tokio::spawn(async move {
        let source = (ImportSource::Bytes(bytes), format);
        let recorder = app2.clone();
        let progress_id = id2.clone();
        let outcome = import_file(&app2, &principal2, merchant, source, reader, dry_run, move |p| {
            let (app, id) = (recorder.clone(), progress_id.clone());
            tokio::spawn(async move {
                if let Err(e) = record_progress(&app, &id, p).await {
                    tracing::warn!(import = %id, error = %e, "import progress not recorded");
                }
            });
        })
        .await;
        if let Err(e) = finish_run(&app2, &id2, outcome).await {
            tracing::error!(import = %id2, error = %e, "an import's outcome was not recorded");
        }
    });
    import_detail(app, principal, id).await
}

async fn record_progress(app: &App, id: &str, p: Progress) -> AppResult<()> {
    let mut tx = app.begin().await?;
    imports::record_progress(&mut tx, id, p, app.now()).await?;
    tx.commit().await?;
    Ok(())
}

async fn finish_run(
    app: &App,
    id: &str,
    outcome: AppResult<super::import_engine::ImportOutcome>,
) -> AppResult<()> {
    let (status, progress, errors_blob, detail) = match outcome {
        Ok(o) => {
            let blob = if o.errors_csv.is_empty() {
                String::new()
            } else {
                app.blobs()?.put(&o.errors_csv).map_err(|e| AppError::Internal(e.to_string()))?
            };
            ("done", o.progress, blob, String::new())
        }
        Err(e) => ("failed", Progress::default(), String::new(), super::take_order::refusal_text(&e)),
    };
    let mut tx = app.begin().await?;
    imports::finish(&mut tx, id, status, progress, &errors_blob, &detail, app.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// One import with its progress.
pub async fn import_detail(app: &App, principal: &Principal, id: &str) -> AppResult<ImportView> {
    principal.require(Permission::ViewOrders)?;
    view(&load(app, principal, id).await?, app.now())
}

/// The latest imports.
pub async fn list_imports(app: &App, principal: &Principal) -> AppResult<Vec<ImportView>> {
    principal.require(Permission::ViewOrders)?;
    let mut conn = app.db().read().await?;
    let now = app.now();
    imports::recent(&mut conn, principal.scope.operator_id, principal.scope.merchant_id)
        .await?
        .iter()
        .map(|i| view(i, now))
        .collect()
}

/// The refused rows of an import, with their reasons (CSV).
pub async fn import_errors(app: &App, principal: &Principal, id: &str) -> AppResult<Vec<u8>> {
    principal.require(Permission::ViewOrders)?;
    let i = load(app, principal, id).await?;
    if i.errors_blob.is_empty() {
        return Err(AppError::NotFound("error file"));
    }
    app.blobs()?
        .get(&i.errors_blob)
        .map_err(|e| AppError::Internal(e.to_string()))?
        .ok_or(AppError::NotFound("error file"))
}
