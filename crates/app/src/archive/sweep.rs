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
    /// Orders left for the next night: work still open on them, or changed while being filed.
    pub deferred: usize,
    /// Orders that could not be filed, with why (the others are filed all the same).
    pub failed: Vec<String>,
}

/// What became of one order.
enum Filed {
    Archived(u64),
    Deferred,
    Skipped,
}

/// Archives every order of the operator completed at least six days ago (so, run nightly, each is
/// filed within a week) and not archived yet. An order that fails is named and passed over; the
/// rest are filed.
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
            match file_order(app, operator, id).await {
                Ok(Filed::Archived(bytes)) => {
                    run.archived += 1;
                    run.bytes += bytes;
                }
                Ok(Filed::Deferred) => run.deferred += 1,
                Ok(Filed::Skipped) => {}
                Err(e) => {
                    tracing::warn!(order = %id, "not archived: {e}");
                    run.failed.push(format!("{id}: {e}"));
                }
            }
        }
    }
    Ok(run)
}

/// Files order `id` (completed) as one package: its size, or `None` when it was not filed now
/// (archived before, not completed, work still open on it, or changed while it was being filed).
pub async fn archive_order(app: &App, operator: TenantId, id: OrderId) -> AppResult<Option<u64>> {
    Ok(match file_order(app, operator, id).await? {
        Filed::Archived(bytes) => Some(bytes),
        Filed::Deferred | Filed::Skipped => None,
    })
}

/// What the order looks like now: its row's last change and its number of events. A package is
/// filed only if this is the same after the files were gathered.
async fn fingerprint(
    conn: &mut tradeport_store::AnyConnection,
    operator: TenantId,
    id: OrderId,
) -> AppResult<(i64, usize)> {
    let order =
        tradeport_store::orders::get(conn, operator, None, id).await?.ok_or(AppError::NotFound("order"))?;
    let events = tradeport_store::events::list_for_subject(conn, operator, "order", &id.to_string()).await?;
    Ok((order.updated_at.0, events.len()))
}

async fn file_order(app: &App, operator: TenantId, id: OrderId) -> AppResult<Filed> {
    let mut conn = app.db().read().await?;
    let order = tradeport_store::orders::get(&mut conn, operator, None, id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let done = archives::archived_at(&mut conn, operator, id).await?.is_some();
    let before = fingerprint(&mut conn, operator, id).await?;
    drop(conn);
    let Some(completed_at) = order.completed_at.filter(|_| !done) else { return Ok(Filed::Skipped) };
    if crate::aftersales::open_work(app, operator, id).await? {
        return Ok(Filed::Deferred);
    }
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
        package_erased_at: None,
    };
    // Filed under the order's lock, and only if nothing changed while the files were gathered:
    // otherwise the next night files it with the change.
    let mut tx = app.begin().await?;
    tradeport_store::orders::lock_in_tx(&mut tx, operator, None, id).await?;
    if fingerprint(&mut tx, operator, id).await? != before {
        tx.commit().await?;
        return Ok(Filed::Deferred);
    }
    if !archives::insert_in_tx(&mut tx, &row).await? {
        tx.commit().await?;
        return Ok(Filed::Skipped);
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
    Ok(Filed::Archived(bytes))
}
