//! `/api/v1` for shipping: the carrier-service catalogue (one by one or CSV) and quotes.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tradeport_app::App;
use tradeport_app::inventory::ImportReport;
use tradeport_app::shipping::{
    self, Ingested, LanePerformance, ManifestEntry, QuoteRequest, QuoteView, ServiceView, ShipmentRequest,
    ShipmentView, TrackingSecret,
};
use tradeport_domain::shipping::ServiceInput;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::warehouse::{Items, pdf_response};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Auth, OptionalJson};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_services, save_service))
        .routes(routes!(import_services))
        .routes(routes!(quote))
        .routes(routes!(create_shipment))
        .routes(routes!(shipments_of_order))
        .routes(routes!(label_pdf))
        .routes(routes!(label_zpl))
        .routes(routes!(manifest_csv))
        .routes(routes!(import_tracking))
        .routes(routes!(set_tracking_secret))
        .routes(routes!(tracking_link))
        .routes(routes!(list_shipments))
        .routes(routes!(carrier_performance))
        .routes(routes!(manifest_history))
}

/// The tracking webhooks carriers send (outside the API-key layer; signed).
pub(super) fn signed_hooks() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(tracking_webhook))
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

#[utoipa::path(post, path = "/api/v1/packages/{id}/shipment", tag = "shipping", params(("id" = String, Path)), request_body = ShipmentRequest,
    description = "Labels a ready package: the service the rules choose (the fastest for an express order, otherwise the cheapest \
                   that can carry it) or the one named with a reason, and a tracking number from the service's range (UPU S10 \
                   for postal services). A package that has a shipment answers with it. 409 shipment.no_service says why none \
                   (or the one named) can carry it.",
    responses((status = 200, body = ShipmentView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_shipment(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    OptionalJson(body): OptionalJson<ShipmentRequest>,
) -> ApiResult<Json<ShipmentView>> {
    Ok(Json(shipping::create_shipment(&app, &p, &id, &body).await?))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}/shipments", tag = "shipping", params(("id" = String, Path)),
    responses((status = 200, body = Items<ShipmentView>), (status = 404, body = ErrorBody)))]
async fn shipments_of_order(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Items<ShipmentView>>> {
    Ok(Json(Items { items: shipping::shipments_of_order(&app, &p, &id).await? }))
}

#[utoipa::path(get, path = "/api/v1/packages/{id}/label.pdf", tag = "shipping", params(("id" = String, Path)),
    description = "The package's 4×6 in shipping label: carrier and service, the tracking number as Code 128, order number, n of N, \
                   addressee and sender.",
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn label_pdf(State(app): State<App>, Auth(p): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(pdf_response(shipping::label_pdf(&app, &p, &id).await?))
}

#[utoipa::path(get, path = "/api/v1/packages/{id}/label.zpl", tag = "shipping", params(("id" = String, Path)),
    description = "The same label in ZPL for a 203 dpi thermal printer (812 × 1218 dots, UTF-8).",
    responses((status = 200, content_type = "text/plain", body = String), (status = 404, body = ErrorBody)))]
async fn label_zpl(State(app): State<App>, Auth(p): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let zpl = shipping::label_zpl(&app, &p, &id).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], zpl).into_response())
}

#[utoipa::path(get, path = "/api/v1/handovers/{id}/manifest.csv", tag = "shipping", params(("id" = String, Path)),
    description = "The hand-over's parcels for the carrier: order, package, tracking number, service, weight, country, postcode \
                   (UTF-8 with a byte-order mark). The outbound note is the signed PDF of the same batch.",
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = ErrorBody)))]
async fn manifest_csv(State(app): State<App>, Auth(p): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let csv = shipping::manifest_csv(&app, &p, &id).await?;
    let disposition = format!("attachment; filename=\"manifest-{}.csv\"", id.replace('"', ""));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        csv,
    )
        .into_response())
}

/// A tracking import's report: the rows checked, and what was kept.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct TrackingImport {
    #[serde(flatten)]
    report: ImportReport,
    ingested: Ingested,
}

#[utoipa::path(post, path = "/api/v1/tracking/import", tag = "shipping", request_body(content = String, content_type = "text/csv"),
    description = "Tracking events from carriers without an API: tracking_no, status (pending, info_received, in_transit, customs, \
                   out_for_delivery, available_for_pickup, attempt_failed, delivered, exception, returning, returned), happened_at \
                   (RFC 3339), description, location, carrier_code. All rows are checked first; an event sent twice is kept once; \
                   a parcel's status moves forward only.",
    responses((status = 200, body = TrackingImport), (status = 422, body = ErrorBody)))]
async fn import_tracking(
    State(app): State<App>,
    Auth(p): Auth,
    body: String,
) -> ApiResult<(StatusCode, Json<TrackingImport>)> {
    let (report, ingested) = shipping::import_tracking_csv(&app, &p, &body).await?;
    let status = if report.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Json(TrackingImport { report, ingested })))
}

#[utoipa::path(put, path = "/api/v1/tracking/{provider}", tag = "shipping", request_body = TrackingSecret,
    params(("provider" = String, Path, description = "easypost, aftership or 17track")),
    description = "The secret a tracking provider signs the operator's webhooks with (EasyPost's webhook secret, AfterShip's \
                   webhook secret, 17TRACK's API key); its events are then received at POST /api/v1/hooks/{provider}/{operator_id}.",
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_tracking_secret(
    State(app): State<App>,
    Auth(p): Auth,
    Path(provider): Path<String>,
    ApiJson(body): ApiJson<TrackingSecret>,
) -> ApiResult<StatusCode> {
    shipping::set_tracking_secret(&app, &p, &provider, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/hooks/{provider}/{operator_id}", tag = "shipping", security(()),
    params(("provider" = String, Path, description = "easypost, aftership or 17track"), ("operator_id" = String, Path)),
    request_body(content = String, content_type = "application/json"),
    description = "A tracking provider's webhook, refused with 401 and nothing kept unless signed with the operator's secret: \
                   EasyPost's X-Hmac-Signature (hmac-sha256-hex= and the HMAC-SHA256 of the body), AfterShip's \
                   aftership-hmac-sha256 (base64 HMAC-SHA256 of the body), 17TRACK's sign (hex SHA-256 of the body, '/' and \
                   the key). A retried event is kept once.",
    responses((status = 200, body = Ingested), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn tracking_webhook(
    State(app): State<App>,
    Path((provider, operator_id)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Ingested>> {
    let header =
        shipping::TrackingProvider::parse(&provider).map_or("x-hmac-signature", |p| p.signature_header());
    let signature = headers.get(header).and_then(|v| v.to_str().ok()).unwrap_or_default();
    Ok(Json(shipping::receive_tracking_hook(&app, &provider, &operator_id, signature, &body).await?))
}

/// Where the buyer follows the order.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct TrackingLink {
    /// The public page, `/track/{token}` (its JSON at `/track/{token}/json`).
    url: String,
}

#[utoipa::path(get, path = "/api/v1/orders/{id}/tracking-link", tag = "shipping", params(("id" = String, Path)),
    description = "The order's public tracking page: an unguessable link, made on first ask (and when its first parcel is labelled).",
    responses((status = 200, body = TrackingLink), (status = 404, body = ErrorBody)))]
async fn tracking_link(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<TrackingLink>> {
    Ok(Json(TrackingLink { url: shipping::tracking_link(&app, &p, &id).await? }))
}

/// A page of shipments.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct ShipmentPage {
    items: Vec<ShipmentView>,
    next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/shipments", tag = "shipping", params(shipping::ShipmentQuery),
    description = "Shipments newest first, filtered by carrier, service, tracking status and destination country; a page at a \
                   time (limit, cursor).",
    responses((status = 200, body = ShipmentPage), (status = 422, body = ErrorBody)))]
async fn list_shipments(
    State(app): State<App>,
    Auth(p): Auth,
    crate::extract::ApiQuery(q): crate::extract::ApiQuery<shipping::ShipmentQuery>,
) -> ApiResult<Json<tradeport_app::Page<ShipmentView>>> {
    Ok(Json(shipping::list_shipments(&app, &p, &q).await?))
}

#[utoipa::path(get, path = "/api/v1/shipping/performance", tag = "shipping", params(shipping::PerformanceQuery),
    description = "Carrier performance per lane (carrier and service, origin warehouse, destination country) for parcels \
                   handed over in the last `days` days: shipped, delivered, mean transit days, share with an exception case.",
    responses((status = 200, body = Items<LanePerformance>), (status = 422, body = ErrorBody)))]
async fn carrier_performance(
    State(app): State<App>,
    Auth(p): Auth,
    crate::extract::ApiQuery(q): crate::extract::ApiQuery<shipping::PerformanceQuery>,
) -> ApiResult<Json<Items<LanePerformance>>> {
    Ok(Json(Items { items: shipping::carrier_performance(&app, &p, &q).await? }))
}

#[utoipa::path(get, path = "/api/v1/handovers", tag = "shipping",
    description = "The manifest history: the latest 100 hand-overs of the user's warehouses, newest first, with their \
                   manifest (CSV) and signed outbound note (PDF).",
    responses((status = 200, body = Items<ManifestEntry>), (status = 403, body = ErrorBody)))]
async fn manifest_history(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<Items<ManifestEntry>>> {
    Ok(Json(Items { items: shipping::manifest_history(&app, &p, 100).await? }))
}
