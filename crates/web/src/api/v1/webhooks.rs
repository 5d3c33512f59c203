//! `/api/v1/webhooks`: merchants' webhook endpoints, their secrets (shown once), delivery logs
//! and replay.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tradeport_app::App;
use tradeport_app::notifications::{self, CreateEndpoint, DeliveryView, EndpointView, EndpointWithSecret};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Auth};
use crate::middleware::ReplayBody;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_endpoints, create_endpoint))
        .routes(routes!(deactivate_endpoint))
        .routes(routes!(rotate_secret))
        .routes(routes!(list_deliveries))
        .routes(routes!(replay))
        .routes(routes!(list_opt_outs, opt_out))
        .routes(routes!(opt_in))
}

#[derive(Serialize, ToSchema)]
struct OptOutList {
    items: Vec<notifications::OptOutView>,
}

#[utoipa::path(get, path = "/api/v1/opt-outs", tag = "notifications",
    description = "Buyers' addresses (e-mail, or phone in E.164) that get no e-mail or text message. Admins, order managers, customer service.",
    responses((status = 200, body = OptOutList), (status = 403, body = ErrorBody)))]
async fn list_opt_outs(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<OptOutList>> {
    Ok(Json(OptOutList { items: notifications::list_opt_outs(&app, &p).await? }))
}

#[utoipa::path(post, path = "/api/v1/opt-outs", tag = "notifications", request_body = notifications::OptOutInput,
    description = "Opts a buyer's address out of every buyer notification from now on (again is harmless).",
    responses((status = 201, body = OptOutList), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn opt_out(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<notifications::OptOutInput>,
) -> ApiResult<(StatusCode, Json<OptOutList>)> {
    Ok((StatusCode::CREATED, Json(OptOutList { items: notifications::opt_out(&app, &p, &body).await? })))
}

#[utoipa::path(delete, path = "/api/v1/opt-outs/{address}", tag = "notifications", params(("address" = String, Path)),
    description = "The buyer hears from us again.",
    responses((status = 200, body = OptOutList), (status = 404, body = ErrorBody)))]
async fn opt_in(
    State(app): State<App>,
    Auth(p): Auth,
    Path(address): Path<String>,
) -> ApiResult<Json<OptOutList>> {
    Ok(Json(OptOutList { items: notifications::opt_in(&app, &p, &address).await? }))
}

#[derive(Serialize, ToSchema)]
struct EndpointList {
    items: Vec<EndpointView>,
}

#[derive(Serialize, ToSchema)]
struct DeliveryList {
    items: Vec<DeliveryView>,
}

fn with_secret(status: StatusCode, created: EndpointWithSecret) -> Response {
    ReplayBody::secret_once(status, &created, &created.endpoint)
}

#[utoipa::path(get, path = "/api/v1/webhooks", tag = "notifications",
    description = "Webhook endpoints: a merchant's own, or all of the operator's for admins.",
    responses((status = 200, body = EndpointList), (status = 403, body = ErrorBody)))]
async fn list_endpoints(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<EndpointList>> {
    Ok(Json(EndpointList { items: notifications::list_endpoints(&app, &p).await? }))
}

#[utoipa::path(post, path = "/api/v1/webhooks", tag = "notifications", request_body = CreateEndpoint,
    description = "Adds an endpoint. The response holds its secret, shown this once: verify each \
                   `webhook-signature` with it (Standard Webhooks: HMAC-SHA256 over id.timestamp.body).",
    responses((status = 201, body = EndpointWithSecret), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_endpoint(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<CreateEndpoint>,
) -> ApiResult<Response> {
    Ok(with_secret(StatusCode::CREATED, notifications::create_endpoint(&app, &p, &body).await?))
}

#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "notifications", params(("id" = String, Path)),
    description = "Stops deliveries to the endpoint; its log stays.",
    responses((status = 200, body = EndpointView), (status = 404, body = ErrorBody)))]
async fn deactivate_endpoint(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<EndpointView>> {
    Ok(Json(notifications::deactivate_endpoint(&app, &p, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/webhooks/{id}/rotate-secret", tag = "notifications", params(("id" = String, Path)),
    description = "A new secret, shown this once; the previous one keeps signing beside it for 24 hours.",
    responses((status = 200, body = EndpointWithSecret), (status = 404, body = ErrorBody)))]
async fn rotate_secret(State(app): State<App>, Auth(p): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(with_secret(StatusCode::OK, notifications::rotate_endpoint_secret(&app, &p, &id).await?))
}

#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "notifications", params(("id" = String, Path)),
    description = "The endpoint's last 100 delivery attempts, newest first: status code or error, duration.",
    responses((status = 200, body = DeliveryList), (status = 404, body = ErrorBody)))]
async fn list_deliveries(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<DeliveryList>> {
    Ok(Json(DeliveryList { items: notifications::list_deliveries(&app, &p, &id).await? }))
}

/// Which message to send again.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ReplayRequest {
    /// A message id from the delivery log.
    outbox_id: String,
}

#[derive(Serialize, ToSchema)]
struct ReplayQueued {
    job_id: String,
}

#[utoipa::path(post, path = "/api/v1/webhooks/{id}/replay", tag = "notifications", params(("id" = String, Path)),
    request_body = ReplayRequest, description = "Sends one message to the endpoint again, as a new delivery job.",
    responses((status = 202, body = ReplayQueued), (status = 404, body = ErrorBody)))]
async fn replay(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReplayRequest>,
) -> ApiResult<(StatusCode, Json<ReplayQueued>)> {
    let job_id = notifications::replay_delivery(&app, &p, &id, &body.outbox_id).await?;
    Ok((StatusCode::ACCEPTED, Json(ReplayQueued { job_id })))
}
