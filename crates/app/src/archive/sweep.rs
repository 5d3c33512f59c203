//! Archiving: the daily sweep files every order completed a week ago or more (DONE-2), one order
//! at a time; an order archived by another worker meanwhile is left as it is.

use serde::Serialize;
use tradeport_domain::access::Actor;
use tradeport_domain::archive::{ARCHIVE_AFTER_MS, MANIFEST_NAME, Manifest, entries};
use tradeport_domain::kernel::{OrderId, TenantId};
use tradeport_store::archives::{self, ArchiveRow};

use crate::access::system_principal;
use crate::evidence::put_blob;
use crate::{App, AppError, AppResult};

/// What an archiving run did.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct ArchiveRun {
    pub archived: usize,
    /// Bytes of the packages filed.
    pub bytes: u64,
}

/// Archives every order of the operator completed at least a week ago and not archived yet.
pub async fn archive_due(app: &App, operator: TenantId) -> AppResult<ArchiveRun> {
    let mut run = ArchiveRun::default();
    let completed_by = app.now().0 - ARCHIVE_AFTER_MS;
    let mut after = None;
    loop {
        let mut conn = app.db().read().await?;
        let page = archives::due(&mut conn, operator, completed_by, after, 200).await?;
        drop(conn);
        let Some(last) = page.last().copied() else { break };
        after = Some(last);
        for id in page {
            if let Some(bytes) = archive_order(app, operator, id).await? {
                run.archived += 1;
                run.bytes += bytes;
            }
        }
    }
    Ok(run)
}

/// Files order `id` (completed) as one package: its size, or `None` when it was archived before
/// or is not completed.
pub async fn archive_order(app: &App, operator: TenantId, id: OrderId) -> AppResult<Option<u64>> {
    let mut conn = app.db().read().await?;
    let order = tradeport_store::orders::get(&mut conn, operator, None, id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let done = archives::archived_at(&mut conn, operator, id).await?.is_some();
    drop(conn);
    let Some(completed_at) = order.completed_at.filter(|_| !done) else { return Ok(None) };
    let files = super::file::files_of(app, &system_principal(operator), id).await?;
    let now = app.now();
    let manifest = Manifest {
        order_id: id.to_string(),
        order_no: order.order_no.clone().unwrap_or_else(|| id.to_string()),
        merchant_id: order.merchant_id.to_string(),
        completed_at: completed_at.0,
        archived_at: now.0,
        files: entries(&files),
    };
    let manifest_json =
        serde_json::to_vec_pretty(&manifest).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut packed = vec![(MANIFEST_NAME.to_string(), manifest_json.clone())];
    packed.extend(files);
    let package = tradeport_connectors::package::zip_files(&packed).map_err(AppError::Internal)?;
    let bytes = package.len() as u64;
    let sha256 = put_blob(app, package).await?;
    let row = ArchiveRow {
        tenant_id: operator.to_string(),
        order_id: id.to_string(),
        merchant_id: order.merchant_id.to_string(),
        order_no: manifest.order_no.clone(),
        package_sha256: sha256.clone(),
        package_bytes: bytes as i64,
        manifest: String::from_utf8(manifest_json).map_err(|e| AppError::Internal(e.to_string()))?,
        archived_at: now.0,
    };
    let mut tx = app.begin().await?;
    if !archives::insert_in_tx(&mut tx, &row).await? {
        tx.commit().await?;
        return Ok(None);
    }
    let data = serde_json::json!({"package_sha256": sha256, "bytes": bytes, "files": manifest.files.len()});
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(order.merchant_id),
        reason: Some("a week after completion, the order's file is archived and read-only"),
        data: data.to_string(),
        ..app.event(Actor::System, "order", id, "order_archived")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(Some(bytes))
}
