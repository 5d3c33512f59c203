//! Retention and personal data (DONE-3): legal holds, deletion proposals, buyers' requests.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tradeport_app::App;
use tradeport_app::retention::{
    self, BuyerRequest, Decision, ErasureReport, LegalHoldView, PersonalDataFile, ProposalView,
};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_holds))
        .routes(routes!(place_hold, release_hold))
        .routes(routes!(list_proposals, propose))
        .routes(routes!(get_proposal))
        .routes(routes!(approve))
        .routes(routes!(reject))
        .routes(routes!(export))
        .routes(routes!(erase))
}

/// The operator's legal holds.
#[derive(Serialize, ToSchema)]
struct LegalHoldList {
    items: Vec<LegalHoldView>,
}

/// Why the order must be kept.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct HoldBody {
    /// 1 to 500 characters: the case or authority that requires it.
    #[schema(min_length = 1, max_length = 500, example = "Court case 2026-HK-0142: keep all records")]
    reason: String,
}

#[utoipa::path(get, path = "/api/v1/legal-holds", tag = "retention",
    description = "The orders on legal hold, newest first: never proposed for deletion nor erased while held. Admins only.",
    responses((status = 200, body = LegalHoldList), (status = 403, body = ErrorBody)))]
async fn list_holds(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<LegalHoldList>> {
    Ok(Json(LegalHoldList { items: retention::legal_holds(&app, &p).await? }))
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/legal-hold", tag = "retention", params(("id" = String, Path)),
    request_body = HoldBody,
    description = "Puts the order on legal hold: it stays out of every deletion proposal and erasure until released, \
                   whatever its retention. 409 `legal_hold.exists` when held already, `order.erased` when its personal \
                   data is gone. Admins only.",
    responses((status = 201, body = LegalHoldView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn place_hold(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<HoldBody>,
) -> ApiResult<(StatusCode, Json<LegalHoldView>)> {
    Ok((StatusCode::CREATED, Json(retention::place_legal_hold(&app, &p, &id, &body.reason).await?)))
}

#[utoipa::path(delete, path = "/api/v1/orders/{id}/legal-hold", tag = "retention", params(("id" = String, Path)),
    description = "Releases the order's legal hold (recorded in its timeline with who placed it and why). Admins only.",
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn release_hold(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    retention::release_legal_hold(&app, &p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The operator's deletion proposals.
#[derive(Serialize, ToSchema)]
struct ProposalList {
    items: Vec<ProposalView>,
}

#[utoipa::path(get, path = "/api/v1/deletion-proposals", tag = "retention",
    description = "The deletion proposals, newest first, without their orders. Admins only.",
    responses((status = 200, body = ProposalList), (status = 403, body = ErrorBody)))]
async fn list_proposals(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<ProposalList>> {
    Ok(Json(ProposalList { items: retention::deletion_proposals(&app, &p).await? }))
}

#[utoipa::path(post, path = "/api/v1/deletion-proposals", tag = "retention",
    description = "Lists now, as a proposal, the orders whose retention (`retention_years` after completion, never \
                   below `retention_legal_minimum_years`) has ended, except those on legal hold (at most 10,000; the \
                   nightly job does the same). Nothing is erased until it is approved. 204 when no order is due; \
                   409 `deletion_proposal.open` while another proposal waits. Admins only.",
    responses((status = 201, body = ProposalView), (status = 204), (status = 409, body = ErrorBody)))]
async fn propose(State(app): State<App>, Auth(p): Auth) -> ApiResult<Response> {
    Ok(match retention::propose_deletion(&app, &p).await? {
        Some(view) => (StatusCode::CREATED, Json(view)).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

#[utoipa::path(get, path = "/api/v1/deletion-proposals/{id}", tag = "retention", params(("id" = String, Path)),
    description = "A proposal with what approving it erases and the orders it lists (the first 500), each with its \
                   completion, the end of its retention and what became of it. Admins only.",
    responses((status = 200, body = ProposalView), (status = 404, body = ErrorBody)))]
async fn get_proposal(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ProposalView>> {
    Ok(Json(retention::deletion_proposal(&app, &p, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/deletion-proposals/{id}/approve", tag = "retention", params(("id" = String, Path)),
    description = "Approves the proposal and carries it out: each listed order's personal data is erased, unless a \
                   legal hold placed since keeps it (`kept_on_hold`) or the retention was lengthened since \
                   (`kept_retention_longer`). Approving an approved proposal resumes an interrupted run. 409 \
                   `deletion_proposal.decided` once carried out or rejected. Admins only.",
    responses((status = 200, body = ProposalView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn approve(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ProposalView>> {
    Ok(Json(retention::decide_deletion(&app, &p, &id, Decision::Approve).await?))
}

#[utoipa::path(post, path = "/api/v1/deletion-proposals/{id}/reject", tag = "retention", params(("id" = String, Path)),
    description = "Rejects the proposal: nothing is erased; its orders may be proposed again. Admins only.",
    responses((status = 200, body = ProposalView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn reject(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ProposalView>> {
    Ok(Json(retention::decide_deletion(&app, &p, &id, Decision::Reject).await?))
}

#[utoipa::path(post, path = "/api/v1/personal-data/export", tag = "retention", request_body = BuyerRequest,
    description = "Everything held about one buyer (by e-mail, phone, or both) as a JSON file: their orders with \
                   lines and timeline, tickets with the conversation, opt-outs, coupons and store credit. The request \
                   is recorded under the identifier's SHA-256. Admins only.",
    responses((status = 200, body = PersonalDataFile), (status = 422, body = ErrorBody)))]
async fn export(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<BuyerRequest>,
) -> ApiResult<Response> {
    let file = retention::export_personal_data(&app, &p, &body).await?;
    let json =
        serde_json::to_vec_pretty(&file).map_err(|e| tradeport_app::AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"personal-data.json\""),
        ],
        json,
    )
        .into_response())
}

#[utoipa::path(post, path = "/api/v1/personal-data/erase", tag = "retention", request_body = BuyerRequest,
    description = "Erases one buyer's personal data where retention allows: orders whose retention has ended are \
                   erased; orders within it (`retention`, with the date it ends), not completed or on legal hold are \
                   kept and listed; tickets no kept order needs are erased; opt-outs and credit are kept and counted. \
                   Admins only.",
    responses((status = 200, body = ErasureReport), (status = 422, body = ErrorBody)))]
async fn erase(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<BuyerRequest>,
) -> ApiResult<Json<ErasureReport>> {
    Ok(Json(retention::erase_personal_data(&app, &p, &body).await?))
}
