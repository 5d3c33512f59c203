//! `/api/v1/channel-connections`: a merchant's shops and marketplace accounts; and
//! `/api/v1/channel-hooks/{id}`, where a shop delivers its order webhooks.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Serialize;
use tradeport_app::App;
use tradeport_app::channels::{self, ConnectionRequest, ConnectionView, DeliveryAnswer, WebhookDelivery};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_connections, create_connection))
        .routes(routes!(get_connection, update_connection))
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

#[utoipa::path(post, path = "/api/v1/channel-hooks/{id}", tag = "channels", params(("id" = String, Path)),
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
