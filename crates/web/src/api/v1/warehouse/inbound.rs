//! `/api/v1` for goods coming in: receiving settings, inbound notices, counting, photos of
//! discrepancies and the notice's documents.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tradeport_app::inventory::{self, ReceivingSettings, WarehouseView};
use tradeport_app::warehouse::{self as wms, AsnView, ReceiptLine, ReceiptScan};
use tradeport_app::{App, Page, PageRequest};
use tradeport_domain::warehouse::AsnInput;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::pdf_response;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Auth, OptionalJson};

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(set_receiving))
        .routes(routes!(list_asns, create_asn))
        .routes(routes!(get_asn))
        .routes(routes!(act_on_asn))
        .routes(routes!(scan_receipt))
        .routes(routes!(add_photo))
        .routes(routes!(get_photo))
        .routes(routes!(confirm_receipt))
        .routes(routes!(carton_labels))
        .routes(routes!(discrepancy_report))
}

#[utoipa::path(get, path = "/api/v1/asns/{id}/carton-labels.pdf", tag = "warehouse", params(("id" = String, Path)),
    description = "One label per carton with the notice's Code 128 barcode, the carton's number, SKU and units, and where to deliver.",
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn carton_labels(State(app): State<App>, Auth(p): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(pdf_response(wms::carton_labels(&app, &p, &id).await?))
}

#[utoipa::path(get, path = "/api/v1/asns/{id}/discrepancy-report.pdf", tag = "warehouse", params(("id" = String, Path)),
    description = "Expected against counted per SKU with each discrepancy and the photos kept, for a carrier claim.",
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn discrepancy_report(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(pdf_response(wms::discrepancy_report(&app, &p, &id).await?))
}

#[utoipa::path(put, path = "/api/v1/warehouses/{id}/receiving", tag = "warehouse", params(("id" = String, Path)), request_body = ReceivingSettings,
    description = "Capacity (litres; 0 for no limit) and the receiving contact and requirements sent with every accepted notice. Admins only.",
    responses((status = 200, body = WarehouseView), (status = 422, body = ErrorBody)))]
async fn set_receiving(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReceivingSettings>,
) -> ApiResult<Json<WarehouseView>> {
    Ok(Json(inventory::set_receiving(&app, &p, &id, &body).await?))
}

/// Notices in one status, a page at a time; staff creating a notice name the merchant.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct AsnQuery {
    merchant_id: Option<String>,
    status: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
    cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct AsnPage {
    items: Vec<AsnView>,
    next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/asns", tag = "warehouse", params(AsnQuery),
    description = "Inbound notices newest first (a merchant's own only).",
    responses((status = 200, body = AsnPage), (status = 422, body = ErrorBody)))]
async fn list_asns(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<AsnQuery>,
) -> ApiResult<Json<Page<AsnView>>> {
    let page = PageRequest { limit: q.limit, cursor: q.cursor };
    Ok(Json(wms::list_asns(&app, &p, q.status.as_deref(), &page).await?))
}

#[utoipa::path(post, path = "/api/v1/asns", tag = "warehouse", params(AsnQuery), request_body = AsnInput,
    description = "Drafts an inbound notice: warehouse, expected arrival, transport mode, carrier reference, shipping marks and groups \
                   of identical cartons (SKU, cartons, units per carton, dimensions, gross and net weight). Submit it with \
                   POST /api/v1/asns/{id}/submit.",
    responses((status = 201, body = AsnView), (status = 422, body = ErrorBody)))]
async fn create_asn(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<AsnQuery>,
    ApiJson(body): ApiJson<AsnInput>,
) -> ApiResult<(StatusCode, Json<AsnView>)> {
    Ok((StatusCode::CREATED, Json(wms::create_asn(&app, &p, q.merchant_id.as_deref(), &body).await?)))
}

#[utoipa::path(get, path = "/api/v1/asns/{id}", tag = "warehouse", params(("id" = String, Path)),
    description = "The notice with its cartons, counts per SKU with their discrepancies, photos and, once accepted, where to deliver.",
    responses((status = 200, body = AsnView), (status = 404, body = ErrorBody)))]
async fn get_asn(State(app): State<App>, Auth(p): Auth, Path(id): Path<String>) -> ApiResult<Json<AsnView>> {
    Ok(Json(wms::get_asn(&app, &p, &id).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
struct Reason {
    reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/asns/{id}/{action}", tag = "warehouse",
    params(("id" = String, Path), ("action" = String, Path, description = "submit (merchant), accept, reject (reason required), arrive, close")),
    request_body = Reason,
    responses((status = 200, body = AsnView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn act_on_asn(
    State(app): State<App>,
    Auth(p): Auth,
    Path((id, action)): Path<(String, String)>,
    OptionalJson(body): OptionalJson<Reason>,
) -> ApiResult<Json<AsnView>> {
    Ok(Json(wms::act_on_asn(&app, &p, &id, &action, body.reason.as_deref()).await?))
}

#[utoipa::path(post, path = "/api/v1/asns/{id}/receipts", tag = "warehouse", params(("id" = String, Path)), request_body = ReceiptScan,
    description = "Counts one scan (GTIN with its check digit verified, or SKU code) against a notice that has arrived; the first scan starts receiving.",
    responses((status = 200, body = ReceiptLine), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn scan_receipt(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReceiptScan>,
) -> ApiResult<Json<ReceiptLine>> {
    Ok(Json(wms::scan_receipt(&app, &p, &id, &body).await?))
}

/// The photo's file name, and the SKU it shows (if one).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct PhotoQuery {
    file_name: String,
    sku_id: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/asns/{id}/photos", tag = "warehouse", params(("id" = String, Path), PhotoQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    description = "Adds a photo (JPEG, PNG, WebP) or PDF of a discrepancy, at most 10 MiB, the file itself as the body. The content \
                   decides the type, not the name; a name with a path is refused. Nothing is kept when the file is refused.",
    responses((status = 200, body = AsnView), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_photo(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PhotoQuery>,
    body: Body,
) -> ApiResult<Json<AsnView>> {
    let bytes = axum::body::to_bytes(body, crate::middleware::UPLOAD_LIMIT).await.map_err(|_| {
        crate::error::ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request.too_large",
            "the file is larger than 10 MiB; send a smaller photo",
        )
    })?;
    Ok(Json(wms::add_asn_photo(&app, &p, &id, &q.file_name, q.sku_id.as_deref(), &bytes).await?))
}

#[utoipa::path(get, path = "/api/v1/asns/{id}/photos/{photo}", tag = "warehouse", params(("id" = String, Path), ("photo" = String, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn get_photo(
    State(app): State<App>,
    Auth(p): Auth,
    Path((id, photo)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (content_type, bytes) = wms::asn_photo(&app, &p, &id, &photo).await?;
    Ok((
        [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "private, max-age=3600".to_string())],
        bytes,
    )
        .into_response())
}

#[utoipa::path(post, path = "/api/v1/asns/{id}/receipts/confirm", tag = "warehouse", params(("id" = String, Path)),
    description = "Confirms the count: good units enter stock at once (on the dock, for put-away), damaged ones do not; discrepancies stay on the notice.",
    responses((status = 200, body = AsnView), (status = 409, body = ErrorBody)))]
async fn confirm_receipt(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<AsnView>> {
    Ok(Json(wms::confirm_receipt(&app, &p, &id).await?))
}
