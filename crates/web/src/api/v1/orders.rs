//! `/api/v1/orders`: intake, lists and export, the timeline, review actions, changes and the
//! confirmation document.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tradeport_app::orders::{
    self, AddressChange, BulkResult, OrderQuery, OrderSummary, OrderView, ReviewAction, ServiceChange,
};
use tradeport_app::{App, Page, parse_id};
use tradeport_domain::orders::OrderInput;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::order_request::OrderRequest;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Auth, OptionalJson};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_orders, create_order))
        .routes(routes!(export_orders))
        .routes(routes!(export_orders_xlsx))
        .routes(routes!(bulk_approve))
        .routes(routes!(get_order))
        .routes(routes!(act_on_order))
        .routes(routes!(change_address))
        .routes(routes!(change_service))
        .routes(routes!(confirmation))
        .routes(routes!(confirmation_pdf))
        .routes(routes!(risk_outcomes))
}

#[derive(Serialize, ToSchema)]
struct OrderPage {
    items: Vec<OrderSummary>,
    next_cursor: Option<String>,
}

/// Why, and where (staff may choose the warehouse of an approval).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
struct ActionRequest {
    reason: Option<String>,
    warehouse_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct BulkRequest {
    /// The orders to approve, each on its own.
    #[schema(min_items = 1, max_items = 500)]
    ids: Vec<String>,
}

#[derive(Serialize, ToSchema)]
struct BulkResponse {
    results: Vec<BulkResult>,
}

#[utoipa::path(post, path = "/api/v1/orders", tag = "orders", request_body = OrderRequest,
    description = "Takes in an order (see docs/API.md, Orders). 201 with the new order; 200 with the stored one when the merchant \
                   already has an order with this channel and channel_order_id. Malformed orders are refused (422) and nothing is \
                   stored; orders that need the buyer's input are stored on_hold with the reasons in `holds`.",
    responses((status = 201, body = OrderView), (status = 200, body = OrderView), (status = 422, body = ErrorBody)))]
async fn create_order(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<OrderRequest>,
) -> ApiResult<(StatusCode, Json<OrderView>)> {
    let intake = orders::create_order(&app, &p, &OrderInput::from(body)).await?;
    let status = if intake.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(intake.order)))
}

#[utoipa::path(get, path = "/api/v1/orders", tag = "orders", params(OrderQuery),
    responses((status = 200, body = OrderPage), (status = 422, body = ErrorBody)))]
async fn list_orders(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<OrderQuery>,
) -> ApiResult<Json<Page<OrderSummary>>> {
    Ok(Json(orders::list_orders(&app, &p, &q).await?))
}

#[utoipa::path(get, path = "/api/v1/orders/export.csv", tag = "orders", params(OrderQuery),
    description = "The filtered list as CSV, UTF-8 with a byte-order mark (limit and cursor are ignored; at most \
                   100,000 rows, newest first): order number, merchant's name, buyer, phone, address, total in major \
                   units, payment status, service, holds (`field: message; …`) and the time in UTC with its offset.",
    responses((status = 200, content_type = "text/csv", body = String)))]
async fn export_orders(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<OrderQuery>,
) -> ApiResult<Response> {
    Ok(crate::download::export_file(orders::export_orders(&app, &p, &q, orders::ExportFormat::Csv).await?))
}

#[utoipa::path(get, path = "/api/v1/orders/export.xlsx", tag = "orders", params(OrderQuery),
    description = "The same list as an XLSX workbook (one sheet, the header row bold and frozen).",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
async fn export_orders_xlsx(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<OrderQuery>,
) -> ApiResult<Response> {
    Ok(crate::download::export_file(orders::export_orders(&app, &p, &q, orders::ExportFormat::Xlsx).await?))
}

#[utoipa::path(post, path = "/api/v1/orders/bulk-approve", tag = "orders", request_body = BulkRequest,
    description = "Approves each order on its own; the result says, per order, the new status or why not.",
    responses((status = 200, body = BulkResponse)))]
async fn bulk_approve(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<BulkRequest>,
) -> ApiResult<Json<BulkResponse>> {
    Ok(Json(BulkResponse { results: orders::bulk_approve(&app, &p, &body.ids).await? }))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders", params(("id" = String, Path)),
    description = "The order with its lines, allocation, holds and timeline (who, when, what, why).",
    responses((status = 200, body = OrderView), (status = 404, body = ErrorBody)))]
async fn get_order(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<OrderView>> {
    Ok(Json(orders::get_order(&app, &p, parse_id(&id, "order")?).await?))
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/{action}", tag = "orders",
    params(("id" = String, Path), ("action" = String, Path, description = "approve, reject, hold, release-hold, confirm or cancel")),
    request_body = ActionRequest,
    description = "One review action. `approve` on an order awaiting its second review is the second review (reviewers only). \
                   reject, hold and cancel need a reason; so does choosing the warehouse.",
    responses((status = 200, body = OrderView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn act_on_order(
    State(app): State<App>,
    Auth(p): Auth,
    Path((id, action)): Path<(String, String)>,
    OptionalJson(body): OptionalJson<ActionRequest>,
) -> ApiResult<Json<OrderView>> {
    let action = ReviewAction::parse(&action).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "route.not_found",
            format!("no order action '{action}'; use approve, reject, hold, release-hold, confirm or cancel"),
        )
    })?;
    Ok(Json(
        orders::review_order(
            &app,
            &p,
            parse_id(&id, "order")?,
            action,
            body.reason.as_deref(),
            body.warehouse_id.as_deref(),
        )
        .await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/orders/{id}/shipping-address", tag = "orders", params(("id" = String, Path)), request_body = AddressChange,
    description = "Replaces the address, recording who, when, why, before/after and whether the buyer agreed (ORD-4).",
    responses((status = 200, body = OrderView), (status = 422, body = ErrorBody)))]
async fn change_address(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AddressChange>,
) -> ApiResult<Json<OrderView>> {
    Ok(Json(orders::change_shipping_address(&app, &p, parse_id(&id, "order")?, &body).await?))
}

#[utoipa::path(put, path = "/api/v1/orders/{id}/service-level", tag = "orders", params(("id" = String, Path)), request_body = ServiceChange,
    responses((status = 200, body = OrderView), (status = 422, body = ErrorBody)))]
async fn change_service(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ServiceChange>,
) -> ApiResult<Json<OrderView>> {
    Ok(Json(orders::change_service_level(&app, &p, parse_id(&id, "order")?, &body).await?))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}/confirmation", tag = "orders", params(("id" = String, Path)),
    description = "The confirmation document's content (order number, buyer, items, service, fees, estimated dispatch).",
    responses((status = 200, body = orders::ConfirmationDocument), (status = 409, body = ErrorBody)))]
async fn confirmation(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<orders::ConfirmationDocument>> {
    Ok(Json(orders::confirmation_document(&app, &p, parse_id(&id, "order")?).await?))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}/confirmation.pdf", tag = "orders", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 409, body = ErrorBody)))]
async fn confirmation_pdf(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let doc = orders::confirmation_document(&app, &p, parse_id(&id, "order")?).await?;
    Ok(([(header::CONTENT_TYPE, "application/pdf")], doc.to_pdf()?).into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct OutcomeQuery {
    /// The last this many days (1-1095, default 90).
    #[param(minimum = 1, maximum = 1095)]
    days: Option<u32>,
}

#[derive(Serialize, ToSchema)]
struct OutcomeList {
    items: Vec<tradeport_app::orders::RuleOutcome>,
}

#[utoipa::path(get, path = "/api/v1/risk/outcomes", tag = "orders", params(OutcomeQuery),
    description = "How each risk rule did (ORD-10): its weight, how often it fired, how often the orders it fired on were \
                   held, and what reviewers decided on them (released, rejected, cancelled, pending), to tune the weights \
                   in `PATCH /api/v1/settings` (`risk.weights`). Reviewers, order managers, admins.",
    responses((status = 200, body = OutcomeList), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn risk_outcomes(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<OutcomeQuery>,
) -> ApiResult<Json<OutcomeList>> {
    Ok(Json(OutcomeList {
        items: tradeport_app::orders::risk_outcomes(&app, &p, q.days.unwrap_or(90)).await?,
    }))
}
