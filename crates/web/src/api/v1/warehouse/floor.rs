//! `/api/v1` for goods on the warehouse floor: which warehouses a user works in, bins and their
//! contents, put-away and moves, cycle counts, safety stock and the reconciliation report.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use tradeport_app::App;
use tradeport_app::inventory::ImportReport;
use tradeport_app::warehouse::{
    self as wms, BinContentView, BinView, CountEntry, CountView, CreateCount, MoveStock, PutAway,
    PutAwayTask, Reconciliation, SafetyStock,
};
use tradeport_domain::warehouse::BinInput;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Items;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Auth};

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(set_user_warehouses))
        .routes(routes!(list_bins, save_bin))
        .routes(routes!(import_bins))
        .routes(routes!(set_fixed_sku))
        .routes(routes!(bin_contents))
        .routes(routes!(put_away_queue))
        .routes(routes!(put_away))
        .routes(routes!(move_stock))
        .routes(routes!(create_count))
        .routes(routes!(get_count))
        .routes(routes!(record_count))
        .routes(routes!(submit_count))
        .routes(routes!(decide_count))
        .routes(routes!(set_safety_stock))
        .routes(routes!(reconciliation))
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
