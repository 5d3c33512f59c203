//! `/api/v1` for warehouse operations: receiving settings and bins, inbound notices and their
//! counting, put-away and moves, waves and picking with its exception queue, boxes, packing and
//! hand-over.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tradeport_app::inventory::{self, ImportReport, ReceivingSettings, WarehouseView};
use tradeport_app::warehouse::{
    self as wms, AsnView, BinContentView, BinView, BoxInput, CountEntry, CountView, CreateCount, CreateWave,
    HandOver, HandoverView, MoveStock, PackScan, PackageView, PickLineView, PickScan, PutAway, PutAwayTask,
    ReceiptLine, ReceiptScan, Reconciliation, SafetyStock, ShortPick, WaveView, Weighing,
};
use tradeport_app::{App, Page, PageRequest};
use tradeport_domain::warehouse::{AsnInput, BinInput};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Auth, OptionalJson};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(set_receiving))
        .routes(routes!(set_user_warehouses))
        .routes(routes!(list_bins, save_bin))
        .routes(routes!(import_bins))
        .routes(routes!(set_fixed_sku))
        .routes(routes!(bin_contents))
        .routes(routes!(list_asns, create_asn))
        .routes(routes!(get_asn))
        .routes(routes!(act_on_asn))
        .routes(routes!(scan_receipt))
        .routes(routes!(add_photo))
        .routes(routes!(get_photo))
        .routes(routes!(confirm_receipt))
        .routes(routes!(put_away_queue))
        .routes(routes!(put_away))
        .routes(routes!(move_stock))
        .routes(routes!(list_waves, create_wave))
        .routes(routes!(get_wave))
        .routes(routes!(pick))
        .routes(routes!(report_short))
        .routes(routes!(resolve_short))
        .routes(routes!(exception_queue))
        .routes(routes!(list_boxes, save_box))
        .routes(routes!(packages_of_order, start_packing))
        .routes(routes!(pack_item))
        .routes(routes!(weigh_package))
        .routes(routes!(check_package))
        .routes(routes!(ready_packages))
        .routes(routes!(hand_over))
        .routes(routes!(get_handover))
        .routes(routes!(create_count))
        .routes(routes!(get_count))
        .routes(routes!(record_count))
        .routes(routes!(submit_count))
        .routes(routes!(decide_count))
        .routes(routes!(set_safety_stock))
        .routes(routes!(reconciliation))
        .routes(routes!(carton_labels))
        .routes(routes!(discrepancy_report))
        .routes(routes!(pick_list))
        .routes(routes!(packing_slip))
        .routes(routes!(outbound_note))
}

#[utoipa::path(post, path = "/api/v1/counts", tag = "warehouse", request_body = CreateCount,
    description = "Opens a blind cycle count of the named bins, or of every bin holding a SKU.",
    responses((status = 201, body = CountView), (status = 422, body = ErrorBody)))]
async fn create_count(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<CreateCount>,
) -> ApiResult<(StatusCode, Json<CountView>)> {
    Ok((StatusCode::CREATED, Json(wms::create_count(&app, &p, &body).await?)))
}

#[utoipa::path(get, path = "/api/v1/counts/{id}", tag = "warehouse", params(("id" = String, Path)),
    description = "The count; the books' figures and the variances only for those who approve counts, or once approved.",
    responses((status = 200, body = CountView), (status = 404, body = ErrorBody)))]
async fn get_count(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<CountView>> {
    Ok(Json(wms::get_count(&app, &p, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/counts/{id}/lines", tag = "warehouse", params(("id" = String, Path)), request_body = CountEntry,
    responses((status = 200, body = CountView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_count(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CountEntry>,
) -> ApiResult<Json<CountView>> {
    Ok(Json(wms::record_count(&app, &p, &id, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/counts/{id}/submit", tag = "warehouse", params(("id" = String, Path)),
    responses((status = 200, body = CountView), (status = 409, body = ErrorBody)))]
async fn submit_count(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<CountView>> {
    Ok(Json(wms::submit_count(&app, &p, &id).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
struct CountDecision {
    approve: bool,
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/counts/{id}/decision", tag = "warehouse", params(("id" = String, Path)), request_body = CountDecision,
    description = "A supervisor (or admin) approves the variances (applied as count movements) or sends the count back; a reason is required.",
    responses((status = 200, body = CountView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn decide_count(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CountDecision>,
) -> ApiResult<Json<CountView>> {
    Ok(Json(wms::decide_count(&app, &p, &id, body.approve, &body.reason).await?))
}

#[utoipa::path(put, path = "/api/v1/safety-stock", tag = "warehouse", request_body = SafetyStock,
    description = "Sets the threshold below which one alert (an event `stock_below_safety`) is raised for a SKU in a warehouse.",
    responses((status = 200, body = SafetyStock), (status = 422, body = ErrorBody)))]
async fn set_safety_stock(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<SafetyStock>,
) -> ApiResult<Json<SafetyStock>> {
    Ok(Json(wms::set_safety_stock(&app, &p, &body).await?))
}

/// The period of a reconciliation.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct Period {
    /// `2026-11-01` or an RFC 3339 time.
    from: String,
    /// Left out: now.
    to: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/warehouses/{id}/reconciliation", tag = "warehouse", params(("id" = String, Path), Period),
    description = "Per SKU: opening, receipts, shipments, adjustments and closing, from the ledger; `balanced` says it agrees with the balances.",
    responses((status = 200, body = Reconciliation), (status = 422, body = ErrorBody)))]
async fn reconciliation(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<Period>,
) -> ApiResult<Json<Reconciliation>> {
    Ok(Json(wms::reconciliation(&app, &p, &id, &q.from, q.to.as_deref()).await?))
}

/// A document as a PDF download.
fn pdf_response(d: wms::Document) -> Response {
    let disposition = format!("inline; filename=\"{}\"", d.file_name.replace('"', ""));
    (
        [(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        d.pdf,
    )
        .into_response()
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

#[utoipa::path(get, path = "/api/v1/waves/{id}/pick-list.pdf", tag = "warehouse", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn pick_list(State(app): State<App>, Auth(p): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(pdf_response(wms::pick_list(&app, &p, &id).await?))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}/packing-slip.pdf", tag = "warehouse", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn packing_slip(State(app): State<App>, Auth(p): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(pdf_response(wms::packing_slip(&app, &p, &id).await?))
}

#[utoipa::path(get, path = "/api/v1/handovers/{id}/outbound-note.pdf", tag = "warehouse", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn outbound_note(State(app): State<App>, Auth(p): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(pdf_response(wms::outbound_note(&app, &p, &id).await?))
}

#[derive(Serialize, ToSchema)]
struct Items<T: ToSchema> {
    items: Vec<T>,
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

#[utoipa::path(put, path = "/api/v1/users/{id}/warehouses", tag = "warehouse", params(("id" = String, Path)), request_body = wms::UserWarehouses,
    description = "Limits a staff user to these warehouses (empty: all). Admins only. Warehouse use cases answer 404 for the others.",
    responses((status = 200, body = wms::UserWarehouses), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_user_warehouses(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<wms::UserWarehouses>,
) -> ApiResult<Json<wms::UserWarehouses>> {
    Ok(Json(wms::set_user_warehouses(&app, &p, &id, &body).await?))
}

#[utoipa::path(get, path = "/api/v1/warehouses/{id}/bins", tag = "warehouse", params(("id" = String, Path)),
    description = "The warehouse's bins in walking order, with the units each holds.",
    responses((status = 200, body = Items<BinView>)))]
async fn list_bins(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Items<BinView>>> {
    Ok(Json(Items { items: wms::list_bins(&app, &p, &id).await? }))
}

#[utoipa::path(post, path = "/api/v1/warehouses/{id}/bins", tag = "warehouse", params(("id" = String, Path)), request_body = BinInput,
    description = "Creates the bin ZONE-AISLE-RACK-LEVEL-POSITION, or changes the bin with that code.",
    responses((status = 200, body = BinView), (status = 422, body = ErrorBody)))]
async fn save_bin(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BinInput>,
) -> ApiResult<Json<BinView>> {
    Ok(Json(wms::save_bin(&app, &p, &id, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/warehouses/{id}/bins/import", tag = "warehouse", params(("id" = String, Path)),
    request_body(content = String, content_type = "text/csv"),
    description = "CSV with a header row (zone,aisle,rack,level,position,walk_sequence,capacity_units,allowed_traits; traits separated by |). \
                   All rows are checked first: if any is wrong, nothing is saved and every problem is listed by row.",
    responses((status = 200, body = ImportReport), (status = 422, body = ErrorBody)))]
async fn import_bins(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    body: String,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    let report = wms::import_bins_csv(&app, &p, &id, &body).await?;
    let status = if report.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Json(report)))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
struct FixedSku {
    /// The SKU that has this bin as its fixed bin; empty for none.
    sku_id: Option<String>,
}

#[utoipa::path(put, path = "/api/v1/bins/{id}/fixed-sku", tag = "warehouse", params(("id" = String, Path)), request_body = FixedSku,
    responses((status = 200, body = BinView), (status = 404, body = ErrorBody)))]
async fn set_fixed_sku(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<FixedSku>,
) -> ApiResult<Json<BinView>> {
    Ok(Json(wms::set_fixed_sku(&app, &p, &id, body.sku_id.as_deref()).await?))
}

#[utoipa::path(get, path = "/api/v1/warehouses/{id}/bin-contents", tag = "warehouse", params(("id" = String, Path)),
    description = "What lies in which bin, in walking order; a merchant sees only its own goods.",
    responses((status = 200, body = Items<BinContentView>)))]
async fn bin_contents(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Items<BinContentView>>> {
    Ok(Json(Items { items: wms::bin_contents(&app, &p, &id).await? }))
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

#[utoipa::path(get, path = "/api/v1/warehouses/{id}/put-away", tag = "warehouse", params(("id" = String, Path)),
    description = "Units waiting on the dock, per SKU, with the bin the rules suggest.",
    responses((status = 200, body = Items<PutAwayTask>)))]
async fn put_away_queue(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Items<PutAwayTask>>> {
    Ok(Json(Items { items: wms::put_away_queue(&app, &p, &id).await? }))
}

#[utoipa::path(post, path = "/api/v1/put-away", tag = "warehouse", request_body = PutAway,
    responses((status = 200, body = BinContentView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_away(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<PutAway>,
) -> ApiResult<Json<BinContentView>> {
    Ok(Json(wms::put_away(&app, &p, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/stock/moves", tag = "warehouse", request_body = MoveStock,
    responses((status = 200, body = BinContentView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn move_stock(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<MoveStock>,
) -> ApiResult<Json<BinContentView>> {
    Ok(Json(wms::move_stock(&app, &p, &body).await?))
}

#[utoipa::path(get, path = "/api/v1/waves", tag = "warehouse", responses((status = 200, body = Items<WaveView>)))]
async fn list_waves(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<Items<WaveView>>> {
    Ok(Json(Items { items: wms::list_waves(&app, &p).await? }))
}

#[utoipa::path(post, path = "/api/v1/waves", tag = "warehouse", request_body = CreateWave,
    description = "Builds a wave from confirmed orders wholly reserved in the warehouse (urgent first, then express, then oldest) and \
                   starts picking it; the pick list comes in walking order.",
    responses((status = 201, body = WaveView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_wave(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<CreateWave>,
) -> ApiResult<(StatusCode, Json<WaveView>)> {
    Ok((StatusCode::CREATED, Json(wms::create_wave(&app, &p, &body).await?)))
}

#[utoipa::path(get, path = "/api/v1/waves/{id}", tag = "warehouse", params(("id" = String, Path)),
    responses((status = 200, body = WaveView), (status = 404, body = ErrorBody)))]
async fn get_wave(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<WaveView>> {
    Ok(Json(wms::get_wave(&app, &p, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/pick-lines/{id}/pick", tag = "warehouse", params(("id" = String, Path)), request_body = PickScan,
    description = "Confirms a pick: the bin's label, then the item, checked against the line before any stock moves.",
    responses((status = 200, body = PickLineView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn pick(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PickScan>,
) -> ApiResult<Json<PickLineView>> {
    Ok(Json(wms::pick(&app, &p, &id, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/pick-lines/{id}/short", tag = "warehouse", params(("id" = String, Path)), request_body = ShortPick,
    description = "The bin lacks units: the rest of the line goes to the exception queue.",
    responses((status = 200, body = PickLineView), (status = 409, body = ErrorBody)))]
async fn report_short(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    OptionalJson(body): OptionalJson<ShortPick>,
) -> ApiResult<Json<PickLineView>> {
    Ok(Json(wms::report_short(&app, &p, &id, &body).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
struct ResolveShort {
    /// The bin to pick the shortage from.
    bin: String,
}

#[utoipa::path(post, path = "/api/v1/pick-lines/{id}/resolve", tag = "warehouse", params(("id" = String, Path)), request_body = ResolveShort,
    description = "Picks a short line's shortage from another bin (move stock there first if need be). To cancel the order instead, \
                   POST /api/v1/orders/{id}/cancel: picked units go back to the dock.",
    responses((status = 200, body = PickLineView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn resolve_short(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ResolveShort>,
) -> ApiResult<Json<PickLineView>> {
    Ok(Json(wms::resolve_short(&app, &p, &id, &body.bin).await?))
}

#[utoipa::path(get, path = "/api/v1/pick-exceptions", tag = "warehouse", responses((status = 200, body = Items<PickLineView>)))]
async fn exception_queue(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<Items<PickLineView>>> {
    Ok(Json(Items { items: wms::exception_queue(&app, &p).await? }))
}

#[utoipa::path(get, path = "/api/v1/boxes", tag = "warehouse", responses((status = 200, body = Items<BoxInput>)))]
async fn list_boxes(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<Items<BoxInput>>> {
    Ok(Json(Items { items: wms::list_boxes(&app, &p).await? }))
}

#[utoipa::path(post, path = "/api/v1/boxes", tag = "warehouse", request_body = BoxInput,
    responses((status = 200, body = BoxInput), (status = 422, body = ErrorBody)))]
async fn save_box(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<BoxInput>,
) -> ApiResult<Json<BoxInput>> {
    Ok(Json(wms::save_box(&app, &p, &body).await?))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}/packages", tag = "warehouse", params(("id" = String, Path)),
    responses((status = 200, body = Items<PackageView>), (status = 404, body = ErrorBody)))]
async fn packages_of_order(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Items<PackageView>>> {
    Ok(Json(Items { items: wms::packages_of_order(&app, &p, &id).await? }))
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/packages", tag = "warehouse", params(("id" = String, Path)),
    description = "Plans the order's packages once every unit is picked: fragile items apart, lithium cells apart, liquids leak-proof, \
                   valuables sealed, each in the smallest box that fits. Again: the packages it has.",
    responses((status = 200, body = Items<PackageView>), (status = 409, body = ErrorBody)))]
async fn start_packing(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Items<PackageView>>> {
    Ok(Json(Items { items: wms::start_packing(&app, &p, &id).await? }))
}

#[utoipa::path(post, path = "/api/v1/packages/{id}/items", tag = "warehouse", params(("id" = String, Path)), request_body = PackScan,
    responses((status = 200, body = PackageView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn pack_item(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PackScan>,
) -> ApiResult<Json<PackageView>> {
    Ok(Json(wms::pack_item(&app, &p, &id, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/packages/{id}/weight", tag = "warehouse", params(("id" = String, Path)), request_body = Weighing,
    description = "A weight out of tolerance, or the spot check's choice, stops the package for a check; otherwise it is ready.",
    responses((status = 200, body = PackageView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn weigh_package(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Weighing>,
) -> ApiResult<Json<PackageView>> {
    Ok(Json(wms::weigh_package(&app, &p, &id, &body).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
struct CheckVerdict {
    passed: bool,
    note: String,
}

#[utoipa::path(post, path = "/api/v1/packages/{id}/check", tag = "warehouse", params(("id" = String, Path)), request_body = CheckVerdict,
    responses((status = 200, body = PackageView), (status = 409, body = ErrorBody)))]
async fn check_package(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CheckVerdict>,
) -> ApiResult<Json<PackageView>> {
    Ok(Json(wms::check_package(&app, &p, &id, body.passed, &body.note).await?))
}

#[utoipa::path(get, path = "/api/v1/warehouses/{id}/ready-packages", tag = "warehouse", params(("id" = String, Path)),
    responses((status = 200, body = Items<PackageView>)))]
async fn ready_packages(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Items<PackageView>>> {
    Ok(Json(Items { items: wms::ready_packages(&app, &p, &id).await? }))
}

#[utoipa::path(post, path = "/api/v1/handovers", tag = "warehouse", request_body = HandOver,
    description = "Hands the scanned packages to a carrier: their units leave stock, the orders are handed_over. An order's packages leave together.",
    responses((status = 201, body = HandoverView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn hand_over(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<HandOver>,
) -> ApiResult<(StatusCode, Json<HandoverView>)> {
    Ok((StatusCode::CREATED, Json(wms::hand_over(&app, &p, &body).await?)))
}

#[utoipa::path(get, path = "/api/v1/handovers/{id}", tag = "warehouse", params(("id" = String, Path)),
    responses((status = 200, body = HandoverView), (status = 404, body = ErrorBody)))]
async fn get_handover(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<HandoverView>> {
    Ok(Json(wms::handover_view(&app, &p, &id).await?))
}
