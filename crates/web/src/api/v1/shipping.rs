//! `/api/v1` for shipping: the carrier-service catalogue (one by one or CSV) and quotes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tradeport_app::App;
use tradeport_app::inventory::ImportReport;
use tradeport_app::shipping::{self, QuoteRequest, QuoteView, ServiceView};
use tradeport_domain::shipping::ServiceInput;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::warehouse::Items;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_services, save_service))
        .routes(routes!(import_services))
        .routes(routes!(quote))
}

#[utoipa::path(get, path = "/api/v1/carrier-services", tag = "shipping", responses((status = 200, body = Items<ServiceView>)))]
async fn list_services(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<Items<ServiceView>>> {
    Ok(Json(Items { items: shipping::list_services(&app, &p).await? }))
}

#[utoipa::path(post, path = "/api/v1/carrier-services", tag = "shipping", request_body = ServiceInput,
    description = "Adds a carrier service, or changes the one with the same code: where it collects and delivers, its rate card \
                   (weight brackets, volumetric divisor, minimum charge, fuel, remote and oversize surcharges), its limits and its \
                   transit time. Admins and logistics staff.",
    responses((status = 200, body = ServiceView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn save_service(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<ServiceInput>,
) -> ApiResult<Json<ServiceView>> {
    Ok(Json(shipping::save_service(&app, &p, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/carrier-services/import", tag = "shipping", request_body(content = String, content_type = "text/csv"),
    description = "CSV with a header row, one service per row (see docs/API.md for the columns; zones `US|CA:V5,V6`, brackets \
                   `500/100/400/100/50|2000/100/450/100/60`). All rows are checked first: if any is wrong, nothing is saved and \
                   every problem is listed by row.",
    responses((status = 200, body = ImportReport), (status = 422, body = ErrorBody)))]
async fn import_services(
    State(app): State<App>,
    Auth(p): Auth,
    body: String,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    let report = shipping::import_services_csv(&app, &p, &body).await?;
    let status = if report.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Json(report)))
}

#[utoipa::path(post, path = "/api/v1/shipping/quote", tag = "shipping", request_body = QuoteRequest,
    description = "Every service's price and transit time for a parcel, or why it cannot carry it, and the service chosen by the \
                   strategy (cheapest, fastest, best_value within deadline_days). A service asked for by code is chosen when it \
                   can carry the parcel; when it cannot, nothing is chosen and chosen_refused says why.",
    responses((status = 200, body = QuoteView), (status = 422, body = ErrorBody)))]
async fn quote(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<QuoteRequest>,
) -> ApiResult<Json<QuoteView>> {
    Ok(Json(shipping::quote_parcel(&app, &p, &body).await?))
}
