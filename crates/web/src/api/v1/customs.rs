//! `/api/v1` for customs: a shipment's declaration, its printed forms and its clearance steps.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use tradeport_app::App;
use tradeport_app::shipping::{self, ClearanceInput, ClearanceView, CustomsRequest, CustomsView};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::warehouse::{Items, pdf_response};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(customs_of, declare_customs))
        .routes(routes!(customs_pdf))
        .routes(routes!(invoice_pdf))
        .routes(routes!(clearance_of, record_clearance))
}

#[utoipa::path(put, path = "/api/v1/shipments/{id}/customs", tag = "customs", params(("id" = String, Path)),
    request_body = CustomsRequest,
    description = "Declares a labelled shipment's goods from its SKUs (description, HS code, origin, quantity, the order's \
                   price, weight) with the incoterm, reason for export and IOSS / UK VAT numbers. Checked as customs would: \
                   HS codes of 6 to 10 digits, values above zero, no vague descriptions such as \"gift\", the VAT numbers a \
                   duty-paid parcel needs. CN22 up to 300 SDR, CN23 above. May be declared again until hand-over.",
    responses((status = 200, body = CustomsView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn declare_customs(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CustomsRequest>,
) -> ApiResult<Json<CustomsView>> {
    Ok(Json(shipping::declare_customs(&app, &p, &id, &body).await?))
}

#[utoipa::path(get, path = "/api/v1/shipments/{id}/customs", tag = "customs", params(("id" = String, Path)),
    responses((status = 200, body = CustomsView), (status = 404, body = ErrorBody)))]
async fn customs_of(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<CustomsView>> {
    Ok(Json(shipping::customs_of(&app, &p, &id).await?))
}

#[utoipa::path(get, path = "/api/v1/shipments/{id}/customs.pdf", tag = "customs", params(("id" = String, Path)),
    description = "The CN22 or CN23 form the declared value calls for.",
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn customs_pdf(State(app): State<App>, Auth(p): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(pdf_response(shipping::customs_pdf(&app, &p, &id).await?))
}

#[utoipa::path(get, path = "/api/v1/shipments/{id}/invoice.pdf", tag = "customs", params(("id" = String, Path)),
    description = "The commercial invoice: seller, exporter, consignee, terms, lines with HS codes and values.",
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn invoice_pdf(State(app): State<App>, Auth(p): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(pdf_response(shipping::invoice_pdf(&app, &p, &id).await?))
}

#[utoipa::path(get, path = "/api/v1/shipments/{id}/clearance", tag = "customs", params(("id" = String, Path)),
    responses((status = 200, body = Items<ClearanceView>), (status = 404, body = ErrorBody)))]
async fn clearance_of(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Items<ClearanceView>>> {
    Ok(Json(Items { items: shipping::clearance_of(&app, &p, &id).await? }))
}

#[utoipa::path(post, path = "/api/v1/shipments/{id}/clearance", tag = "customs", params(("id" = String, Path)),
    request_body = ClearanceInput,
    description = "Records a clearance step: export_declared, departed (with waybill_no), arrived, import_clearance, \
                   documents_requested, cleared, refused. Steps only go forward; a refusal opens an exception case under \
                   the lane's rules. Answers with every step so far.",
    responses((status = 200, body = Items<ClearanceView>), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_clearance(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ClearanceInput>,
) -> ApiResult<Json<Items<ClearanceView>>> {
    Ok(Json(Items { items: shipping::record_clearance(&app, &p, &id, &body).await? }))
}
