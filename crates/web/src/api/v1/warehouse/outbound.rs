//! `/api/v1` for goods going out: waves and picking with its exception queue, boxes, packing,
//! hand-over and their documents.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tradeport_app::App;
use tradeport_app::warehouse::{
    self as wms, BoxInput, BuyerAnswer, CreateWave, HandOver, HandoverView, InsertView, PackScan,
    PackageView, PickLineView, PickScan, ShortPick, WaveView, Weighing,
};
use tradeport_domain::warehouse::InsertInput;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Items, pdf_response};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Auth, OptionalJson};

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_waves, create_wave))
        .routes(routes!(get_wave))
        .routes(routes!(pick))
        .routes(routes!(report_short))
        .routes(routes!(resolve_short))
        .routes(routes!(ask_buyer))
        .routes(routes!(buyer_answer))
        .routes(routes!(exception_queue))
        .routes(routes!(list_boxes, save_box))
        .routes(routes!(list_inserts, save_insert))
        .routes(routes!(packages_of_order, start_packing))
        .routes(routes!(pack_item))
        .routes(routes!(weigh_package))
        .routes(routes!(check_package))
        .routes(routes!(ready_packages))
        .routes(routes!(hand_over))
        .routes(routes!(get_handover))
        .routes(routes!(pick_list))
        .routes(routes!(order_pick_list))
        .routes(routes!(packing_slip))
        .routes(routes!(outbound_note))
}

#[utoipa::path(get, path = "/api/v1/waves/{id}/pick-list.pdf", tag = "warehouse", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn pick_list(State(app): State<App>, Auth(p): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(pdf_response(wms::pick_list(&app, &p, &id).await?))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}/pick-list.pdf", tag = "warehouse", params(("id" = String, Path)),
    description = "One order's pick lines in walking order, with the lot to take: for picking a single order.",
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn order_pick_list(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(pdf_response(wms::order_pick_list(&app, &p, &id).await?))
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

#[utoipa::path(post, path = "/api/v1/pick-lines/{id}/ask-buyer", tag = "warehouse", params(("id" = String, Path)),
    description = "Asks the buyer of a short line's order, in the buyer's language by e-mail (and text message when an SMS \
                   provider is set), whether to take a substitute, cancel or wait; the line waits as `asking_buyer`.",
    responses((status = 200, body = PickLineView), (status = 409, body = ErrorBody)))]
async fn ask_buyer(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<PickLineView>> {
    Ok(Json(wms::ask_buyer(&app, &p, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/pick-lines/{id}/buyer-answer", tag = "warehouse", params(("id" = String, Path)), request_body = BuyerAnswer,
    description = "Records the buyer's answer to a short line: `wait` (back in the queue until picked from another bin), \
                   `cancel` (the order is cancelled; needs the right to cancel orders) or `swap` with a `substitute` of the \
                   merchant's (same price; the destination and goods rules run again; it is reserved and joins the wave).",
    responses((status = 200, body = PickLineView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn buyer_answer(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BuyerAnswer>,
) -> ApiResult<Json<PickLineView>> {
    Ok(Json(wms::record_buyer_answer(&app, &p, &id, &body).await?))
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

/// Which merchant staff act for.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ForMerchant {
    /// Required when staff save a merchant's insert.
    merchant_id: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/packing-inserts", tag = "warehouse", responses((status = 200, body = Items<InsertView>)))]
async fn list_inserts(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<Items<InsertView>>> {
    Ok(Json(Items { items: wms::list_inserts(&app, &p).await? }))
}

#[utoipa::path(post, path = "/api/v1/packing-inserts", tag = "warehouse", params(ForMerchant), request_body = InsertInput,
    description = "Adds or changes (same code) what the warehouse puts in the first package of the merchant's orders.",
    responses((status = 200, body = InsertView), (status = 422, body = ErrorBody)))]
async fn save_insert(
    State(app): State<App>,
    Auth(p): Auth,
    crate::extract::ApiQuery(q): crate::extract::ApiQuery<ForMerchant>,
    ApiJson(body): ApiJson<InsertInput>,
) -> ApiResult<Json<InsertView>> {
    Ok(Json(wms::save_insert(&app, &p, q.merchant_id.as_deref(), &body).await?))
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
