//! `/api/v1` for the inventory context: SKUs (one by one or CSV), warehouses, stock and
//! adjustments, prohibited-goods rules.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tradeport_app::inventory::{
    self, BalanceView, CreateWarehouse, ImportReport, SkuView, StockAdjustment, WarehouseView,
};
use tradeport_app::{App, Page, PageRequest};
use tradeport_domain::inventory::SkuInput;
use tradeport_domain::orders::GoodsRule;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::inventory_requests::{GoodsRuleRequest, SkuRequest};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_skus, upsert_sku))
        .routes(routes!(import_skus))
        .routes(routes!(list_warehouses, create_warehouse))
        .routes(routes!(list_stock))
        .routes(routes!(adjust_stock))
        .routes(routes!(list_goods_rules, add_goods_rule))
        .routes(routes!(delete_goods_rule))
        .routes(routes!(set_presale, end_presale))
        .routes(routes!(list_presales))
}

/// Which merchant (staff only; a merchant's requests are its own) and which page.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct MerchantPage {
    merchant_id: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
    cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct SkuPage {
    items: Vec<SkuView>,
    next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct Items<T: ToSchema> {
    items: Vec<T>,
}

#[utoipa::path(get, path = "/api/v1/skus", tag = "inventory", params(MerchantPage),
    responses((status = 200, body = SkuPage), (status = 401, body = ErrorBody)))]
async fn list_skus(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<MerchantPage>,
) -> ApiResult<Json<Page<SkuView>>> {
    let page = PageRequest { limit: q.limit, cursor: q.cursor };
    Ok(Json(inventory::list_skus(&app, &p, q.merchant_id.as_deref(), &page).await?))
}

#[utoipa::path(post, path = "/api/v1/skus", tag = "inventory", params(MerchantPage), request_body = SkuRequest,
    description = "Creates the SKU, or updates the merchant's SKU with the same code.",
    responses((status = 200, body = SkuView), (status = 422, body = ErrorBody)))]
async fn upsert_sku(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<MerchantPage>,
    ApiJson(body): ApiJson<SkuRequest>,
) -> ApiResult<Json<SkuView>> {
    Ok(Json(inventory::upsert_sku(&app, &p, q.merchant_id.as_deref(), &SkuInput::from(body)).await?))
}

#[utoipa::path(post, path = "/api/v1/skus/import", tag = "inventory", params(MerchantPage), request_body(content = String, content_type = "text/csv"),
    description = "CSV with a header row (sku,name,barcode,weight_g,length_mm,width_mm,height_mm,declared_value_minor,declared_currency,\
                   hs_code,origin_country,category,traits,active; traits separated by |). All rows are checked first: if any is wrong, \
                   nothing is saved and every problem is listed by row.",
    responses((status = 200, body = ImportReport), (status = 422, body = ErrorBody)))]
async fn import_skus(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<MerchantPage>,
    body: String,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    let report = inventory::import_skus_csv(&app, &p, q.merchant_id.as_deref(), &body).await?;
    let status = if report.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Json(report)))
}

#[utoipa::path(get, path = "/api/v1/warehouses", tag = "inventory", responses((status = 200, body = Items<WarehouseView>)))]
async fn list_warehouses(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<Items<WarehouseView>>> {
    Ok(Json(Items { items: inventory::list_warehouses(&app, &p).await? }))
}

#[utoipa::path(post, path = "/api/v1/warehouses", tag = "inventory", request_body = CreateWarehouse, description = "Admins only.",
    responses((status = 201, body = WarehouseView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_warehouse(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<CreateWarehouse>,
) -> ApiResult<(StatusCode, Json<WarehouseView>)> {
    Ok((StatusCode::CREATED, Json(inventory::create_warehouse(&app, &p, &body).await?)))
}

#[derive(Serialize, ToSchema)]
struct BalancePage {
    items: Vec<BalanceView>,
    next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/stock", tag = "inventory", params(inventory::StockQuery),
    description = "On hand, reserved and available per SKU and warehouse, by SKU code then warehouse code, a page at a time; \
                   staff may ask for one merchant's (`merchant_id`), and `search` finds part of a SKU code or name.",
    responses((status = 200, body = BalancePage), (status = 422, body = ErrorBody)))]
async fn list_stock(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<inventory::StockQuery>,
) -> ApiResult<Json<Page<BalanceView>>> {
    Ok(Json(inventory::list_balances(&app, &p, &q).await?))
}

#[utoipa::path(post, path = "/api/v1/stock/adjustments", tag = "inventory", request_body = StockAdjustment,
    description = "Adds or removes on-hand units, recorded as a ledger movement with its reason. Admins and warehouse staff.",
    responses((status = 200, body = BalanceView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn adjust_stock(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<StockAdjustment>,
) -> ApiResult<Json<BalanceView>> {
    Ok(Json(inventory::adjust_stock(&app, &p, &body).await?))
}

#[utoipa::path(get, path = "/api/v1/goods-rules", tag = "inventory", responses((status = 200, body = Items<GoodsRuleRequest>)))]
async fn list_goods_rules(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<serde_json::Value>> {
    Ok(Json(serde_json::json!({ "items": inventory::list_goods_rules(&app, &p).await? })))
}

#[utoipa::path(post, path = "/api/v1/goods-rules", tag = "inventory", request_body = GoodsRuleRequest,
    description = "Adds a rule. Admins only.",
    responses((status = 201, body = GoodsRuleRequest), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_goods_rule(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<GoodsRuleRequest>,
) -> ApiResult<(StatusCode, Json<GoodsRule>)> {
    Ok((StatusCode::CREATED, Json(inventory::add_goods_rule(&app, &p, GoodsRule::from(body)).await?)))
}

#[utoipa::path(delete, path = "/api/v1/goods-rules/{code}", tag = "inventory", params(("code" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_goods_rule(
    State(app): State<App>,
    Auth(p): Auth,
    Path(code): Path<String>,
) -> ApiResult<StatusCode> {
    inventory::delete_goods_rule(&app, &p, &code).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
struct PresaleList {
    items: Vec<inventory::PresaleView>,
}

#[utoipa::path(put, path = "/api/v1/skus/{id}/presale", tag = "inventory", params(("id" = String, Path)),
    request_body = inventory::PresaleRequest,
    description = "Puts a SKU on pre-sale (INV-4), or changes it: `limit` units at most, promised for `available_on` \
                   (YYYY-MM-DD) or for the expected arrival of an accepted inbound notice (`asn_id`). Orders of it are \
                   taken up to the limit (beyond it 422 `presale_sold_out`), carry the promised day, are approved with \
                   what is short backordered whatever the shortage policy, and are filled oldest first as the goods \
                   arrive. Admins, order managers, warehouse, the merchant.",
    responses((status = 200, body = inventory::PresaleView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_presale(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<inventory::PresaleRequest>,
) -> ApiResult<Json<inventory::PresaleView>> {
    Ok(Json(inventory::set_presale(&app, &p, &id, &body).await?))
}

#[utoipa::path(delete, path = "/api/v1/skus/{id}/presale", tag = "inventory", params(("id" = String, Path)),
    description = "Ends a SKU's pre-sale; orders taken keep their promised day.",
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn end_presale(State(app): State<App>, Auth(p): Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    inventory::end_presale(&app, &p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/presales", tag = "inventory",
    description = "SKUs on pre-sale with the day promised, the limit, what is sold and what is left.",
    responses((status = 200, body = PresaleList)))]
async fn list_presales(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<PresaleList>> {
    Ok(Json(PresaleList { items: inventory::list_presales(&app, &p).await? }))
}
