//! `/api/v1/disputes`: disputes (CS-5): opened by agents for a contested ticket, a marketplace
//! claim or a chargeback; evidence from both sides until the deadline; mediation, the decision with
//! the rule applied and its money, and the review, by the arbitration group (supervisors).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tradeport_app::App;
use tradeport_app::tickets::{self, DecisionInput, DisputeNote, DisputeView, EvidenceInput, OpenDispute};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_disputes, open_dispute))
        .routes(routes!(get_dispute))
        .routes(routes!(add_evidence))
        .routes(routes!(mediate))
        .routes(routes!(decide))
        .routes(routes!(review))
}

#[derive(Serialize, ToSchema)]
struct DisputeList {
    items: Vec<DisputeView>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct DisputeQuery {
    /// open, mediation, decided or closed.
    status: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/disputes", tag = "disputes", params(DisputeQuery),
    description = "The latest 200 disputes, newest first, with their evidence (a merchant: its own).",
    responses((status = 200, body = DisputeList), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_disputes(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<DisputeQuery>,
) -> ApiResult<Json<DisputeList>> {
    Ok(Json(DisputeList { items: tickets::list_disputes(&app, &p, q.status.as_deref()).await? }))
}

#[utoipa::path(post, path = "/api/v1/disputes", tag = "disputes", request_body = OpenDispute,
    description = "Opens a dispute about a ticket (its order) or an order: the claim and its amount (at most what was \\
                   paid). Evidence is taken for three working days on the customer-service calendar; the decision is \\
                   due two working days later.",
    responses((status = 201, body = DisputeView), (status = 422, body = ErrorBody)))]
async fn open_dispute(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<OpenDispute>,
) -> ApiResult<(StatusCode, Json<DisputeView>)> {
    Ok((StatusCode::CREATED, Json(tickets::open_dispute(&app, &p, &body).await?)))
}

#[utoipa::path(get, path = "/api/v1/disputes/{id}", tag = "disputes", params(("id" = String, Path)),
    responses((status = 200, body = DisputeView), (status = 404, body = ErrorBody)))]
async fn get_dispute(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<DisputeView>> {
    Ok(Json(tickets::get_dispute(&app, &p, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/disputes/{id}/evidence", tag = "disputes", params(("id" = String, Path)),
    request_body = EvidenceInput,
    description = "One side's evidence, until the deadline (then 409 `dispute.evidence_closed`).",
    responses((status = 200, body = DisputeView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_evidence(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EvidenceInput>,
) -> ApiResult<Json<DisputeView>> {
    Ok(Json(tickets::add_evidence(&app, &p, &id, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/disputes/{id}/mediation", tag = "disputes", params(("id" = String, Path)),
    request_body = DisputeNote,
    description = "Sends the dispute to a third-party mediator (`text`: who). Supervisors.",
    responses((status = 200, body = DisputeView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn mediate(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DisputeNote>,
) -> ApiResult<Json<DisputeView>> {
    Ok(Json(tickets::mediate(&app, &p, &id, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/disputes/{id}/decision", tag = "disputes", params(("id" = String, Path)),
    request_body = DecisionInput,
    description = "The arbitration group's decision (supervisors): for_buyer (the claim goes back), for_seller \\
                   (nothing) or split (`refund_minor`), with the rule applied. The money goes back through the refund \\
                   rules under the dispute's own key; a chargeback's is recorded, not paid again.",
    responses((status = 200, body = DisputeView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn decide(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DecisionInput>,
) -> ApiResult<Json<DisputeView>> {
    Ok(Json(tickets::decide_dispute(&app, &p, &id, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/disputes/{id}/review", tag = "disputes", params(("id" = String, Path)),
    request_body = DisputeNote,
    description = "The review afterwards (`text`: what to learn); it closes the dispute. Supervisors.",
    responses((status = 200, body = DisputeView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn review(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DisputeNote>,
) -> ApiResult<Json<DisputeView>> {
    Ok(Json(tickets::review_dispute(&app, &p, &id, &body).await?))
}
