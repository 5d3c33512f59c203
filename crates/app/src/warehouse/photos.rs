//! Photos and documents of a discrepancy (WMS-3): checked by their bytes (JPEG, PNG, WebP or PDF,
//! at most 10 MiB, a plain file name) before anything is kept, stored in the blob store under
//! their hash, and shown to the notice's merchant only.

use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{AsnId, SkuId, check_evidence};
use tradeport_store::inventory::skus;
use tradeport_store::warehouse::asns::{self, PhotoRow};

use super::asns::{AsnView, asn_view};
use crate::{App, AppError, AppResult, parse_id};

/// Adds a photo (or a PDF, e.g. the carrier's damage report) to a notice, optionally about one SKU.
pub async fn add_asn_photo(
    app: &App,
    principal: &Principal,
    asn_id: &str,
    file_name: &str,
    sku_id: Option<&str>,
    bytes: &[u8],
) -> AppResult<AsnView> {
    principal.require(Permission::OperateWarehouse)?;
    let kind = check_evidence(file_name, bytes).map_err(AppError::Invalid)?;
    let id: AsnId = parse_id(asn_id, "ASN")?;
    let sku: Option<SkuId> =
        sku_id.map(str::trim).filter(|s| !s.is_empty()).map(|s| parse_id(s, "SKU")).transpose()?;
    let operator = principal.scope.operator_id;
    let store = app.blobs()?;
    let mut conn = app.db().read().await?;
    let asn = asns::get(&mut conn, operator, None, id, false).await?.ok_or(AppError::NotFound("ASN"))?;
    super::check_warehouse(&mut conn, principal, asn.warehouse_id).await?;
    if let Some(s) = sku {
        skus::get(&mut conn, operator, Some(asn.merchant_id), s).await?.ok_or(AppError::NotFound("SKU"))?;
    }
    drop(conn);
    // Checked and authorised: only now is anything kept.
    let bytes_owned = bytes.to_vec();
    let store = store.clone();
    let sha256 = tokio::task::spawn_blocking(move || store.put(&bytes_owned))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let photo = PhotoRow {
        id: app.new_uuid().to_string(),
        asn_id: id,
        sku_id: sku,
        sha256,
        content_type: kind.content_type().to_string(),
        size_bytes: bytes.len() as i64,
        file_name: file_name.trim().to_string(),
        created_at: app.now(),
    };
    let mut tx = app.begin().await?;
    asns::insert_photo_in_tx(&mut tx, operator, &photo).await?;
    let data =
        serde_json::json!({ "photo_id": photo.id, "file_name": photo.file_name, "bytes": photo.size_bytes })
            .to_string();
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(asn.merchant_id),
        data,
        ..app.event(principal.actor, "asn", asn.id, "asn_photo_added")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    let view = asn_view(&mut tx, operator, &asn).await?;
    tx.commit().await?;
    Ok(view)
}

/// A notice's photo: its media type and bytes (the notice's merchant and staff only).
pub async fn asn_photo(
    app: &App,
    principal: &Principal,
    asn_id: &str,
    photo_id: &str,
) -> AppResult<(String, Vec<u8>)> {
    principal.require(Permission::ViewInventory)?;
    let id: AsnId = parse_id(asn_id, "ASN")?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let asn = asns::get(&mut conn, operator, principal.scope.merchant_id, id, false)
        .await?
        .ok_or(AppError::NotFound("ASN"))?;
    super::check_warehouse(&mut conn, principal, asn.warehouse_id).await?;
    let photo = asns::photos(&mut conn, operator, id)
        .await?
        .into_iter()
        .find(|p| p.id == photo_id.trim())
        .ok_or(AppError::NotFound("photo"))?;
    drop(conn);
    let store = app.blobs()?.clone();
    let sha = photo.sha256.clone();
    let bytes = tokio::task::spawn_blocking(move || store.get(&sha))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?
        .ok_or_else(|| AppError::Internal(format!("photo {} is missing from the blob store", photo.id)))?;
    Ok((photo.content_type, bytes))
}
