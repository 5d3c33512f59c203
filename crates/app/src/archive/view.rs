//! An archived order's file as the API and the portal show it: the manifest, and the package to
//! download, checked against its manifest and its stored checksum each time it is read.

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::archive::{Manifest, mismatches, sha256_hex};
use tradeport_domain::kernel::OrderId;
use tradeport_store::archives::{self, ArchiveRow};

use crate::evidence::get_blob;
use crate::{App, AppError, AppResult, parse_id};

/// An order's archive.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ArchiveView {
    pub order_id: String,
    pub order_no: String,
    /// RFC 3339.
    pub archived_at: String,
    pub package_sha256: String,
    pub package_bytes: i64,
    pub manifest: Manifest,
    /// Where the package downloads.
    pub package_url: String,
    /// RFC 3339: when the package was deleted with the buyer's personal data at the end of the
    /// retention period (DONE-3); the manifest remains.
    pub package_erased_at: Option<String>,
}

/// The package, read back and checked.
#[derive(Clone, Debug)]
pub struct PackageFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

async fn archive_of(app: &App, principal: &Principal, id: &str) -> AppResult<(OrderId, ArchiveRow)> {
    principal.require(Permission::ViewOrders)?;
    let id: OrderId = parse_id(id, "order")?;
    let mut conn = app.db().read().await?;
    let row = archives::get(&mut conn, principal.scope.operator_id, principal.scope.merchant_id, id).await?;
    Ok((id, row.ok_or(AppError::NotFound("archive"))?))
}

/// The archive of the principal's order `id` (404 `archive` while it has none).
pub async fn order_archive(app: &App, principal: &Principal, id: &str) -> AppResult<ArchiveView> {
    let (id, a) = archive_of(app, principal, id).await?;
    let manifest: Manifest = serde_json::from_str(&a.manifest)
        .map_err(|e| AppError::Internal(format!("archive {id} manifest: {e}")))?;
    Ok(ArchiveView {
        order_id: a.order_id.clone(),
        order_no: a.order_no.clone(),
        archived_at: crate::warehouse::rfc3339(tradeport_domain::kernel::Millis(a.archived_at)),
        package_sha256: a.package_sha256.clone(),
        package_bytes: a.package_bytes,
        manifest,
        package_url: format!("/api/v1/orders/{id}/archive/package"),
        package_erased_at: a
            .package_erased_at
            .map(|at| crate::warehouse::rfc3339(tradeport_domain::kernel::Millis(at))),
    })
}

/// The package of the principal's order `id`, after checking that it is the one filed (its
/// checksum) and whole (every file against the manifest): a damaged package is an error, never
/// served as if it were the file.
pub async fn order_package(app: &App, principal: &Principal, id: &str) -> AppResult<PackageFile> {
    let (id, a) = archive_of(app, principal, id).await?;
    if let Some(at) = a.package_erased_at {
        return Err(AppError::Conflict {
            code: "archive.erased",
            message: format!(
                "the package was deleted on {} with the buyer's personal data, at the end of the retention period; \
                 its manifest remains",
                crate::warehouse::rfc3339(tradeport_domain::kernel::Millis(at))
            ),
            fields: Vec::new(),
        });
    }
    let bytes = get_blob(app, &a.package_sha256).await?.ok_or_else(|| {
        AppError::Internal(format!("the package of order {id} is missing from the blob store"))
    })?;
    if sha256_hex(&bytes) != a.package_sha256 {
        return Err(AppError::Internal(format!("the package of order {id} does not match its checksum")));
    }
    let manifest: Manifest = serde_json::from_str(&a.manifest)
        .map_err(|e| AppError::Internal(format!("archive {id} manifest: {e}")))?;
    let files = tradeport_connectors::package::unzip(&bytes).map_err(AppError::Internal)?;
    let wrong = mismatches(&manifest, &files);
    if !wrong.is_empty() {
        return Err(AppError::Internal(format!(
            "the package of order {id} is damaged: {}",
            wrong.join("; ")
        )));
    }
    let name: String = a.order_no.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    Ok(PackageFile { file_name: format!("order-{name}.zip"), bytes })
}
