//! `/api/v1` for exceptions: the lane rules, the cases they open, and running the sweep now.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tradeport_app::App;
use tradeport_app::exceptions::{
    self, CannotServe, CaseCause, CaseDetail, CaseView, CaseWork, LaneRuleView, OpenCase, RecallRequest,
    TrackingSweep,
};
use tradeport_domain::exceptions::LaneRuleInput;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::warehouse::Items;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_lane_rules, save_lane_rule))
        .routes(routes!(delete_lane_rule))
        .routes(routes!(list_cases, open_case))
        .routes(routes!(case_detail, work_case))
        .routes(routes!(add_evidence))
        .routes(routes!(get_evidence))
        .routes(routes!(list_causes, save_cause))
        .routes(routes!(run_sweep))
        .routes(routes!(request_recall))
        .routes(routes!(claim_loss))
        .routes(routes!(cannot_serve))
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/cannot-serve", tag = "exceptions", params(("id" = String, Path)),
    request_body = CannotServe,
    description = "The operator cannot fulfil the order (EXC-2): a cancellation case for order management keeps why and up to \
                   5 alternatives, and the buyer is told in their language (`order.cannot_serve`) with a link to their \
                   tracking page, where they pick an alternative or a refund. A refund cancels the order (stock released \
                   or put back) and pays back what is left of what was paid, once: to the card through Stripe where the \
                   order's payment allows, else as store credit. Before hand-over only (after it: 409 \
                   order.not_cancellable; request a recall); one open offer per order (409 order.offer_open). Staff who \
                   may cancel orders.",
    responses((status = 200, body = CaseDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn cannot_serve(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CannotServe>,
) -> ApiResult<Json<CaseDetail>> {
    Ok(Json(exceptions::cannot_serve(&app, &p, &id, &body).await?))
}

#[utoipa::path(get, path = "/api/v1/lane-rules", tag = "exceptions", responses((status = 200, body = Items<LaneRuleView>)))]
async fn list_lane_rules(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<Items<LaneRuleView>>> {
    Ok(Json(Items { items: exceptions::list_lane_rules(&app, &p).await? }))
}

#[utoipa::path(post, path = "/api/v1/lane-rules", tag = "exceptions", request_body = LaneRuleInput,
    description = "An exception rule for a lane (origin warehouse → destination country × service; empty means any): \
                   no_update (hours), stuck (days), returned_to_sender, customs_refused, delivery_failed (attempts), \
                   past_promised_date (days). A rule of the same kind on the same lane is replaced. The first rule \
                   schedules the hourly sweep.",
    responses((status = 200, body = LaneRuleView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn save_lane_rule(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<LaneRuleInput>,
) -> ApiResult<Json<LaneRuleView>> {
    Ok(Json(exceptions::save_lane_rule(&app, &p, &body).await?))
}

#[utoipa::path(delete, path = "/api/v1/lane-rules/{id}", tag = "exceptions", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_lane_rule(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    exceptions::delete_lane_rule(&app, &p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page of cases.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct CasePage {
    items: Vec<CaseView>,
    next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/exception-cases", tag = "exceptions", params(exceptions::CaseQuery),
    description = "Exception cases newest first, by status, department and order; a merchant sees its own.",
    responses((status = 200, body = CasePage), (status = 422, body = ErrorBody)))]
async fn list_cases(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<exceptions::CaseQuery>,
) -> ApiResult<Json<tradeport_app::Page<CaseView>>> {
    Ok(Json(exceptions::list_cases(&app, &p, &q).await?))
}

#[utoipa::path(post, path = "/api/v1/tracking/sweep", tag = "exceptions",
    description = "Applies the time-based lane rules to every parcel on its way now (the hourly job does the same).",
    responses((status = 200, body = TrackingSweep), (status = 403, body = ErrorBody)))]
async fn run_sweep(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<TrackingSweep>> {
    Ok(Json(exceptions::sweep_now(&app, &p).await?))
}

#[utoipa::path(post, path = "/api/v1/exception-cases", tag = "exceptions", request_body = OpenCase,
    description = "Opens a case on an order (cancellation, modification, damaged, lost, wrong_item, missing_item, …) with what \
                   happened; the department defaults to the type's. The order's timeline and the merchant's webhooks \
                   (`exception.opened`) hear of it.",
    responses((status = 200, body = CaseDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn open_case(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<OpenCase>,
) -> ApiResult<Json<CaseDetail>> {
    Ok(Json(exceptions::open_case(&app, &p, &body).await?))
}

#[utoipa::path(get, path = "/api/v1/exception-cases/{id}", tag = "exceptions", params(("id" = String, Path)),
    responses((status = 200, body = CaseDetail), (status = 404, body = ErrorBody)))]
async fn case_detail(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<CaseDetail>> {
    Ok(Json(exceptions::case_detail(&app, &p, &id).await?))
}

#[utoipa::path(patch, path = "/api/v1/exception-cases/{id}", tag = "exceptions", params(("id" = String, Path)),
    request_body = CaseWork,
    description = "Works an open case: cause (from the operator's list), owner, department, an action taken, the buyer's \
                   feedback; a delay's `new_estimate` (`YYYY-MM-DD`, today to a year ahead; logistics_delay, customs_problem \
                   and delivery_failed cases) is kept and told to the buyer in their language (`shipment.delayed`); \
                   `close` with a `result` closes it, refused (422, each missing field named) without a cause, an \
                   action and a result. A closed case answers 409 case.closed.",
    responses((status = 200, body = CaseDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn work_case(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CaseWork>,
) -> ApiResult<Json<CaseDetail>> {
    Ok(Json(exceptions::work_case(&app, &p, &id, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/exception-cases/{id}/loss-claim", tag = "exceptions", params(("id" = String, Path)),
    description = "Files a lost parcel's claim on the carrier, once, on an open `lost` case that holds the proof of loss \
                   (evidence; else 422 proof_required): worth each parcel's insured amount where it was insured \
                   (`insured_minor` when labelled), else its goods at the order's prices; `claim_basis` says which. \
                   Recorded as an action and on the order's timeline (`order_loss_claimed`).",
    responses((status = 200, body = CaseDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn claim_loss(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<CaseDetail>> {
    Ok(Json(exceptions::claim_loss(&app, &p, &id).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct EvidenceQuery {
    pub(super) file_name: String,
}

#[utoipa::path(post, path = "/api/v1/exception-cases/{id}/evidence", tag = "exceptions",
    params(("id" = String, Path), EvidenceQuery), request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    description = "Keeps a photo (JPEG, PNG, WebP) or PDF with the case, at most 10 MiB, the file itself as the body; the content \
                   decides the type. Nothing is kept when the file is refused.",
    responses((status = 200, body = CaseDetail), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_evidence(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<EvidenceQuery>,
    body: Body,
) -> ApiResult<Json<CaseDetail>> {
    let bytes = uploaded(body).await?;
    Ok(Json(exceptions::add_case_evidence(&app, &p, &id, &q.file_name, &bytes).await?))
}

/// An uploaded file's bytes, at most 10 MiB.
pub(super) async fn uploaded(body: Body) -> ApiResult<axum::body::Bytes> {
    axum::body::to_bytes(body, crate::middleware::UPLOAD_LIMIT).await.map_err(|_| {
        crate::error::ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request.too_large",
            "the file is larger than 10 MiB; send a smaller one",
        )
    })
}

/// A kept photo or document, served privately.
pub(super) fn evidence_response((content_type, bytes): (String, Vec<u8>)) -> Response {
    (
        [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "private, max-age=3600".to_string())],
        bytes,
    )
        .into_response()
}

#[utoipa::path(get, path = "/api/v1/exception-cases/{id}/evidence/{evidence}", tag = "exceptions",
    params(("id" = String, Path), ("evidence" = String, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn get_evidence(
    State(app): State<App>,
    Auth(p): Auth,
    Path((id, evidence)): Path<(String, String)>,
) -> ApiResult<Response> {
    Ok(evidence_response(exceptions::case_evidence(&app, &p, &id, &evidence).await?))
}

#[utoipa::path(get, path = "/api/v1/case-causes", tag = "exceptions", responses((status = 200, body = Items<CaseCause>)))]
async fn list_causes(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<Items<CaseCause>>> {
    Ok(Json(Items { items: exceptions::list_causes(&app, &p).await? }))
}

#[utoipa::path(post, path = "/api/v1/case-causes", tag = "exceptions", request_body = CaseCause,
    description = "Adds a cause to the operator's list (or renames it). Admins.",
    responses((status = 200, body = CaseCause), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn save_cause(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<CaseCause>,
) -> ApiResult<Json<CaseCause>> {
    Ok(Json(exceptions::save_cause(&app, &p, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/recall", tag = "exceptions", params(("id" = String, Path)),
    request_body = RecallRequest,
    description = "Cancelling an order whose parcel has left is a recall (a plain cancel answers 409 order.recall_needed): a \
                   cancellation case for logistics records the recall asked of the carrier, its fee, who bears it and \
                   whether the buyer agreed; the order stays handed over until the case ends. Admins, order managers, \
                   customer service.",
    responses((status = 200, body = CaseDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn request_recall(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RecallRequest>,
) -> ApiResult<Json<CaseDetail>> {
    Ok(Json(exceptions::request_recall(&app, &p, &id, &body).await?))
}
