//! `/api/v1/channel-connections`: a merchant's shops and marketplace accounts; and
//! `/api/v1/channel-hooks/{id}`, where a shop delivers its order webhooks.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Serialize;
use tradeport_app::App;
use tradeport_app::channels::{
    self, ConnectionRequest, ConnectionView, DeliveryAnswer, ImportView, RunImport, WebhookDelivery,
};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_connections, create_connection))
        .routes(routes!(get_connection, update_connection))
        .routes(routes!(poll_connection))
        .routes(routes!(read_member_messages))
        .merge(import_routes())
}

/// The shops' webhooks (outside the API-key layer; signed).
pub(super) fn signed_hooks() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(channel_hook))
}

#[derive(Serialize, ToSchema)]
struct ConnectionList {
    items: Vec<ConnectionView>,
}

#[utoipa::path(get, path = "/api/v1/channel-connections", tag = "channels",
    description = "Sales-channel connections: a merchant's own, or all of the operator's for staff. Secrets are never answered, only whether one is set.",
    responses((status = 200, body = ConnectionList), (status = 403, body = ErrorBody)))]
async fn list_connections(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<ConnectionList>> {
    Ok(Json(ConnectionList { items: channels::list_connections(&app, &p).await? }))
}

#[utoipa::path(post, path = "/api/v1/channel-connections", tag = "channels", request_body = ConnectionRequest,
    description = "Connects a shop or marketplace account. Shopify needs `shop_domain` and the app's client secret as \
                   `webhook_secret`; WooCommerce `site_url` and the webhook's secret; Amazon `seller_id` and \
                   `marketplace_ids`. Point the shop's webhooks at the answer's `webhook_url`. Secrets are sealed with the \
                   server's key (409 `secrets.not_configured` without one). Admins, order managers, merchants.",
    responses((status = 201, body = ConnectionView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn create_connection(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<ConnectionRequest>,
) -> ApiResult<(StatusCode, Json<ConnectionView>)> {
    Ok((StatusCode::CREATED, Json(channels::create_connection(&app, &p, &body).await?)))
}

#[utoipa::path(get, path = "/api/v1/channel-connections/{id}", tag = "channels", params(("id" = String, Path)),
    description = "One connection with its health and its latest 50 deliveries (outcome and reason each).",
    responses((status = 200, body = ConnectionView), (status = 404, body = ErrorBody)))]
async fn get_connection(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ConnectionView>> {
    Ok(Json(channels::connection_detail(&app, &p, &id).await?))
}

#[utoipa::path(patch, path = "/api/v1/channel-connections/{id}", tag = "channels", params(("id" = String, Path)),
    request_body = ConnectionRequest,
    description = "Changes a connection; absent fields keep their values. A new `webhook_secret` rotates: the old one is \
                   still accepted until `forget_previous_secret`. `status: paused` stops taking orders in.",
    responses((status = 200, body = ConnectionView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_connection(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ConnectionRequest>,
) -> ApiResult<Json<ConnectionView>> {
    Ok(Json(channels::update_connection(&app, &p, &id, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/channel-connections/{id}/poll", tag = "channels", params(("id" = String, Path)),
    description = "Polls an Amazon connection now (it is also polled every 15 minutes): every order changed since its \
                   watermark, page by page, with its items and, when Amazon held it back, its address. Throttling is \
                   retried after a growing pause; a poll that still cannot finish says why in `error` and leaves the \
                   watermark, so the next one resumes without a gap. Admins, order managers, the merchant.",
    responses((status = 200, body = channels::PollReport), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn poll_connection(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<channels::PollReport>> {
    Ok(Json(channels::poll_connection(&app, &p, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/channel-connections/{id}/messages", tag = "channels", params(("id" = String, Path)),
    description = "Reads an eBay connection's member messages now (they are also read every 15 minutes) with eBay's \
                   Trading API (`GetMemberMessages`), from where the last read ended with an hour's overlap: each \
                   buyer's message is kept once on a marketplace ticket (joining the buyer's ticket still being \
                   worked, else linked to the order its words name), and the agents' answers go back as eBay answers \
                   (`AddMemberMessageRTQ`). A read eBay refuses says why in `error` and leaves the watermark. \
                   Admins, order managers, the merchant.",
    responses((status = 200, body = tradeport_app::tickets::MessagesRead), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
async fn read_member_messages(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<tradeport_app::tickets::MessagesRead>> {
    Ok(Json(tradeport_app::tickets::read_member_messages(&app, &p, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/channel-hooks/{id}", tag = "channels", security(()), params(("id" = String, Path)),
    request_body(content = String, content_type = "application/json"),
    description = "Where a shop delivers its order webhooks: Shopify (`X-Shopify-Hmac-SHA256`, `X-Shopify-Webhook-Id`, \
                   `X-Shopify-Topic`: orders/create, orders/updated, orders/cancelled, orders/paid) and WooCommerce \
                   (`X-WC-Webhook-Signature`, `X-WC-Webhook-Delivery-ID`, `X-WC-Webhook-Topic`: order.created, \
                   order.updated). The signature is checked over the raw body first: 401 and nothing kept unless it \
                   matches the connection's secret (or, during a rotation, the previous one). A delivery is taken once; \
                   a retry gets its first answer with `duplicate: true`. A refused order is answered 200 with the reasons \
                   (the shop cannot fix it by retrying) and shows in the connection's log.",
    responses((status = 200, body = DeliveryAnswer), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn channel_hook(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<DeliveryAnswer>> {
    let headers = headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_ascii_lowercase(), v.to_str().ok()?.to_string())))
        .collect();
    let delivery = WebhookDelivery { connection_id: &id, headers, body: &body };
    Ok(Json(channels::receive_webhook(&app, &delivery).await?))
}

fn import_routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_imports, upload_import))
        .routes(routes!(get_import))
        .routes(routes!(run_import))
        .routes(routes!(import_errors))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct UploadQuery {
    /// The file's name: `.csv` (UTF-8) or `.xlsx`.
    file_name: String,
    /// The merchant whose orders they are (staff only).
    merchant_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct ImportList {
    items: Vec<ImportView>,
}

#[utoipa::path(post, path = "/api/v1/order-imports", tag = "channels", params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    description = "Uploads an order file (the file itself as the body, at most 64 MiB): one row per order line, the rows of \
                   one order together, amounts in major units (45.99). The answer has the file's headers and a suggested \
                   column mapping (the merchant's last one when it fits, else from the headers in English or Chinese) with \
                   what it still lacks. Nothing is imported until `run`. Admins, order managers, merchants.",
    responses((status = 201, body = ImportView), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn upload_import(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<UploadQuery>,
    body: axum::body::Body,
) -> ApiResult<(StatusCode, Json<ImportView>)> {
    let bytes = crate::extract::file_body(body).await?;
    let view =
        channels::upload_import(&app, &p, q.merchant_id.as_deref(), &q.file_name, bytes.to_vec()).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(get, path = "/api/v1/order-imports", tag = "channels",
    description = "The latest 20 order files, newest first.", responses((status = 200, body = ImportList)))]
async fn list_imports(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<ImportList>> {
    Ok(Json(ImportList { items: channels::list_imports(&app, &p).await? }))
}

#[utoipa::path(get, path = "/api/v1/order-imports/{id}", tag = "channels", params(("id" = String, Path)),
    description = "An order file's progress: rows done of rows in the file, orders made, orders the merchant had already, rows \
                   refused, and where the error file is.",
    responses((status = 200, body = ImportView), (status = 404, body = ErrorBody)))]
async fn get_import(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ImportView>> {
    Ok(Json(channels::import_detail(&app, &p, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/order-imports/{id}/run", tag = "channels", params(("id" = String, Path)),
    request_body = RunImport,
    description = "Starts the import (or, with `dry_run`, a check of every row that makes nothing) in the background, with the \
                   given mapping (kept for the merchant's next file). Valid orders go in through the same intake as any \
                   other; refused rows come back in the error file with their reasons; an order the merchant has already \
                   is counted, not made again. 409 while a run of this file is under way.",
    responses((status = 202, body = ImportView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn run_import(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RunImport>,
) -> ApiResult<(StatusCode, Json<ImportView>)> {
    Ok((StatusCode::ACCEPTED, Json(channels::run_import(&app, &p, &id, &body).await?)))
}

#[utoipa::path(get, path = "/api/v1/order-imports/{id}/errors", tag = "channels", params(("id" = String, Path)),
    description = "The refused rows as CSV (UTF-8 with a byte-order mark, for Excel): `row`, `errors`, then the row as it was. \
                   Fix them and upload the file again.",
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = ErrorBody)))]
async fn import_errors(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let bytes = channels::import_errors(&app, &p, &id).await?;
    let disposition = format!("attachment; filename=\"import-{id}-errors.csv\"");
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
