//! `/api/v1` for after-sales requests and returns: filing, the department queues, deciding within
//! approval limits, receiving a return by its RMA number, inspection and disposition.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tradeport_app::App;
use tradeport_app::aftersales::{
    self, CompletionRun, DecideRequest, DispositionRules, FileRequest, InspectReturn, ReceiveReturn,
    RequestQuery, RequestView,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::exceptions::{EvidenceQuery, evidence_response, uploaded};
use super::warehouse::Items;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_requests, file_request))
        .routes(routes!(get_request))
        .routes(routes!(decide_request))
        .routes(routes!(receive_return))
        .routes(routes!(inspect_return))
        .routes(routes!(complete_orders))
        .routes(routes!(add_evidence))
        .routes(routes!(get_evidence))
        .routes(routes!(disposition_rules, set_disposition_rules))
        .routes(routes!(buy_return_label))
}

#[utoipa::path(post, path = "/api/v1/aftersales-requests/{id}/return-label", tag = "aftersales", params(("id" = String, Path)),
    description = "Buys a prepaid return label for a return on its way back (`awaiting_return`), through EasyPost with the \
                   carrier service the parcel went out with (`is_return`; abroad, declared as returned goods); its \
                   tracking number is scanned in at the warehouse like the RMA number and the buyer prints it from the \
                   tracking page. Once: a second ask answers with the label kept. An order sent by a service not bought \
                   through EasyPost answers 409 aftersales.no_return_label (give the return address instead). Those who \
                   decide after-sales requests.",
    responses((status = 200, body = RequestView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
async fn buy_return_label(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<RequestView>> {
    Ok(Json(aftersales::buy_return_label(&app, &p, &id).await?))
}

/// Whose rules.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct MerchantQuery {
    /// Staff name the merchant; a merchant reads its own.
    merchant_id: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/disposition-rules", tag = "aftersales", params(MerchantQuery),
    description = "A merchant's standing disposition rules: what becomes of a returned unit found `resaleable`, `damaged` \
                   or `not_original` when the inspection names no disposition.",
    responses((status = 200, body = DispositionRules), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn disposition_rules(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<MerchantQuery>,
) -> ApiResult<Json<DispositionRules>> {
    Ok(Json(aftersales::disposition_rules(&app, &p, q.merchant_id.as_deref()).await?))
}

#[utoipa::path(put, path = "/api/v1/disposition-rules", tag = "aftersales", request_body = DispositionRules,
    description = "Replaces a merchant's standing disposition rules: one per condition (`resaleable`, `damaged`, \
                   `not_original`), each `restock` (resaleable goods only), `repair`, `destroy` or `return_to_origin`. \
                   The merchant, or staff who file after-sales requests for it.",
    responses((status = 200, body = DispositionRules), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn set_disposition_rules(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<DispositionRules>,
) -> ApiResult<Json<DispositionRules>> {
    Ok(Json(aftersales::set_disposition_rules(&app, &p, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/aftersales-requests", tag = "aftersales", request_body = FileRequest,
    description = "Files an after-sales request for an order's lines: refund_only, return_and_refund, exchange, reship, repair \
                   or partial_refund, with the reason and the buyer's words. Each line is decided by the policy of its \
                   category and the destination market (the rules are listed); a refused request is kept as `rejected`. \
                   The claim is capped by what left the warehouse less earlier requests, valued at what was paid, \
                   and the shipping fee is granted back once, when the fault is the seller's. The request is numbered \
                   (RMA-000001), routed to a department from its reason and words, and the merchant's webhooks hear \
                   `aftersales.requested`. Admins, order managers, customer service; a merchant for its own orders.",
    responses((status = 201, body = RequestView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn file_request(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<FileRequest>,
) -> ApiResult<(StatusCode, Json<RequestView>)> {
    Ok((StatusCode::CREATED, Json(aftersales::file_request(&app, &p, &body).await?)))
}

#[utoipa::path(get, path = "/api/v1/aftersales-requests", tag = "aftersales", params(RequestQuery),
    description = "An order's requests (`order_id`), one by its RMA number (`rma_no`), or a department's queue of open \
                   requests, oldest first. A merchant sees its own.",
    responses((status = 200, body = Items<RequestView>), (status = 422, body = ErrorBody)))]
async fn list_requests(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<RequestQuery>,
) -> ApiResult<Json<Items<RequestView>>> {
    Ok(Json(Items { items: aftersales::list_requests(&app, &p, &q).await? }))
}

#[utoipa::path(get, path = "/api/v1/aftersales-requests/{id}", tag = "aftersales", params(("id" = String, Path)),
    responses((status = 200, body = RequestView), (status = 404, body = ErrorBody)))]
async fn get_request(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<RequestView>> {
    Ok(Json(aftersales::get_request(&app, &p, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/aftersales-requests/{id}/decision", tag = "aftersales", params(("id" = String, Path)),
    request_body = DecideRequest,
    description = "Approves or rejects a request. Approval grants up to the person's role limit (settings' `approval_limits`; \
                   admins and supervisors have none): above it the request becomes `escalated` for a supervisor, and a \
                   second try below a supervisor gets 409 aftersales.above_limit. Granted: a return waits for the parcel \
                   (`awaiting_return`, with the RMA number and the address it goes back to); a refund without a return is \
                   paid at once through the refund use case, keyed by the request so a retry never pays twice, and owed \
                   within 3 business days on the order's `refund` clock from the grant; a granted reship gets its \
                   replacement order at once (`replacement_order_id`).",
    responses((status = 200, body = RequestView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn decide_request(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DecideRequest>,
) -> ApiResult<Json<RequestView>> {
    Ok(Json(aftersales::decide_request(&app, &p, &id, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/returns/receive", tag = "aftersales", request_body = ReceiveReturn,
    description = "A returned parcel scanned in at the warehouse by its RMA number, or its return label's tracking number. \
                   Warehouse staff.",
    responses((status = 200, body = RequestView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn receive_return(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<ReceiveReturn>,
) -> ApiResult<Json<RequestView>> {
    Ok(Json(aftersales::receive_return(&app, &p, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/aftersales-requests/{id}/inspection", tag = "aftersales", params(("id" = String, Path)),
    request_body = InspectReturn,
    description = "What the inspection found (intact, the original item, resaleable, notes) and what becomes of the goods: \
                   `restock` into a bin of the warehouse that shipped (a `restock` movement in the stock ledger; only an \
                   intact, resaleable original), `repair`, `destroy` (with the reason) or `return_to_origin`; left out, the \
                   merchant's standing rule for the condition found (`/api/v1/disposition-rules`). Then the request \
                   settles: the amount granted (the restocking fee already taken off) is refunded, nothing when the item is \
                   not the one sold (`rejected`); an exchange, or a repair sent for repair, gets its replacement order \
                   (`replacement_order_id`: channel `aftersales`, the RMA number as channel order id, nothing to pay). \
                   Warehouse staff.",
    responses((status = 200, body = RequestView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn inspect_return(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<InspectReturn>,
) -> ApiResult<Json<RequestView>> {
    Ok(Json(aftersales::inspect_return(&app, &p, &id, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/orders/completion", tag = "aftersales",
    description = "Completes now what the nightly job would (DONE-1): each order delivered with nothing open since the \
                   after-sales window's first check (the longest window of its market's policies, at least the law's 14 \
                   days where it applies), and each cancelled order whose money is refunded; the order's completed_at is \
                   set and its timeline says why. Admins, order managers, customer service.",
    responses((status = 200, body = CompletionRun), (status = 403, body = ErrorBody)))]
async fn complete_orders(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<CompletionRun>> {
    Ok(Json(aftersales::complete_now(&app, &p).await?))
}

#[utoipa::path(post, path = "/api/v1/aftersales-requests/{id}/evidence", tag = "aftersales",
    params(("id" = String, Path), EvidenceQuery), request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    description = "Keeps a photo (JPEG, PNG, WebP) or PDF with the request, at most 10 MiB, the file itself as the body: the \
                   buyer's proof, or the inspection's photos. Those who file requests, and the warehouse.",
    responses((status = 200, body = RequestView), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn add_evidence(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<EvidenceQuery>,
    body: Body,
) -> ApiResult<Json<RequestView>> {
    let bytes = uploaded(body).await?;
    Ok(Json(aftersales::add_request_evidence(&app, &p, &id, &q.file_name, &bytes).await?))
}

#[utoipa::path(get, path = "/api/v1/aftersales-requests/{id}/evidence/{evidence}", tag = "aftersales",
    params(("id" = String, Path), ("evidence" = String, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn get_evidence(
    State(app): State<App>,
    Auth(p): Auth,
    Path((id, evidence)): Path<(String, String)>,
) -> ApiResult<Response> {
    Ok(evidence_response(aftersales::request_evidence(&app, &p, &id, &evidence).await?))
}
