//! Evidence kept with cases and after-sales requests: the file checked by its bytes (a photo or a
//! PDF, at most 10 MiB), the bytes in the blob store under their SHA-256, read back by id.

use serde::Serialize;
use tradeport_domain::kernel::check_evidence;
use tradeport_store::evidence::EvidenceRow;

use crate::{App, AppError, AppResult};

/// A photo or document as the API lists it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EvidenceView {
    pub id: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Where its bytes are served.
    pub url: String,
}

impl EvidenceView {
    pub(crate) fn of(e: EvidenceRow, base: &str) -> Self {
        Self {
            url: format!("{base}/evidence/{}", e.id),
            id: e.id,
            file_name: e.file_name,
            content_type: e.content_type,
            size_bytes: e.size_bytes,
        }
    }
}

/// Keeps `bytes` in the blob store (off the async threads); their SHA-256, the key to them.
pub(crate) async fn put_blob(app: &App, bytes: Vec<u8>) -> AppResult<String> {
    let store = app.blobs()?.clone();
    tokio::task::spawn_blocking(move || store.put(&bytes))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The bytes kept under `sha256`, if any.
pub(crate) async fn get_blob(app: &App, sha256: &str) -> AppResult<Option<Vec<u8>>> {
    let store = app.blobs()?.clone();
    let sha = sha256.to_string();
    tokio::task::spawn_blocking(move || store.get(&sha))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Checks the file and keeps its bytes; the row to record in the caller's transaction.
pub(crate) async fn keep(app: &App, file_name: &str, bytes: &[u8]) -> AppResult<EvidenceRow> {
    let kind = check_evidence(file_name, bytes).map_err(AppError::Invalid)?;
    let sha256 = put_blob(app, bytes.to_vec()).await?;
    Ok(EvidenceRow {
        id: app.new_uuid().to_string(),
        sha256,
        file_name: file_name.trim().to_string(),
        content_type: kind.content_type().to_string(),
        size_bytes: bytes.len() as i64,
        at: app.now(),
    })
}

/// The kept file with this id among `rows`: its media type and bytes.
pub(crate) async fn read(app: &App, rows: Vec<EvidenceRow>, id: &str) -> AppResult<(String, Vec<u8>)> {
    let e = rows.into_iter().find(|e| e.id == id.trim()).ok_or(AppError::NotFound("evidence"))?;
    let bytes = get_blob(app, &e.sha256)
        .await?
        .ok_or_else(|| AppError::Internal(format!("evidence {} is missing from the blob store", e.id)))?;
    Ok((e.content_type, bytes))
}
